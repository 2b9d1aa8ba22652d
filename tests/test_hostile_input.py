"""Hostile input over HTTP: absurd bodies, strange text, slow clients, and strict
claim validation. Each gets a 4xx (or a correct 200), never a 5xx, and the
server keeps serving. tests/test_api_errors.py has the basic cases."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import httpx
import pytest

from claimnotes.schemas import MAX_BLOCK_CHARS, MAX_BODY_BYTES
from claimnotes.settings import Settings
from serve_process import ServeProcess
from support import TEST_CLAIMS, LiveServer
from test_api_errors import assert_error

VALID = {"text": "Valid claim text.", "rating": "false", "note": "A note.",
         "sources": [{"url": "https://www.who.int/", "title": "WHO"}]}


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory):
    """One server for the whole module: every request here is refused or reads,
    so the tests can't disturb each other, and ~100 server starts are saved."""
    tmp = tmp_path_factory.mktemp("hostile")
    claims = tmp / "claims.jsonl"
    claims.write_text("".join(json.dumps(c) + "\n" for c in TEST_CLAIMS), encoding="utf-8")
    server = LiveServer(Settings(db_path=str(tmp / "hostile.db"), seed_file=str(claims),
                                 match_rate_limit=0, curator_rate_limit=0)).start()
    server.curator_headers = {"Authorization": f"Bearer {server.token('curator', 'hostile')}"}
    yield server
    server.stop()


@pytest.fixture
def api(shared: LiveServer) -> httpx.Client:
    return shared.client


@pytest.fixture
def curator(shared: LiveServer) -> dict[str, str]:
    return shared.curator_headers


def still_serving(api: httpx.Client) -> None:
    assert api.get("/v1/health").status_code == 200
    found = api.post("/v1/match", json={"blocks": [{"id": "b", "text": "Cancer is a fungus."}]})
    assert found.status_code == 200 and found.json()["matches"], found.text


# -- absurd bodies ------------------------------------------------------------

def _nested(depth: int, open_: str, close: str, inner: str = "1") -> bytes:
    return (open_ * depth + inner + close * depth).encode()


@pytest.mark.parametrize("body", [
    # Nesting inside an otherwise valid request, where a field takes a string.
    b'{"blocks": [{"id": "a", "text": "x"}], "url": ' + _nested(100_000, "[", "]") + b"}",
    b'{"blocks": [{"id": "a", "text": "x"}], "url": ' + _nested(50_000, '{"a":', "}") + b"}",
    b'{"blocks": [{"id": "a", "text": ' + _nested(200_000, "[", "]") + b"}]}",
    # Huge numbers where strings, and where small ints, are expected.
    b'{"blocks": [{"id": ' + b"9" * 100_000 + b', "text": "x"}]}',
    b'{"blocks": [{"id": "a", "text": "x"}], "url": -' + b"9" * 5_000 + b"e-99999999}",
    b'{"blocks": [{"id": "a", "text": "x"}], "url": 1' + b"0" * 400 + b"}",
    # Broken encodings: a BOM, UTF-16, overlong UTF-8, a NUL byte outside strings.
    b'\xef\xbb\xbf{"blocks": []}',
    '{"blocks": []}'.encode("utf-16"),
    b'{"blocks": [{"id": "a", "text": "\xc0\xaf"}]}',
    b'{"blocks": [{"id": "a", "text": "x"}]\x00}',
    # Duplicate keys, trailing garbage, an unterminated string.
    b'{"blocks": [], "blocks": "again"}',
    b'{"blocks": []} {"blocks": []}',
    b'{"blocks": [{"id": "a", "text": "' + b"x" * 100_000,
])
def test_absurd_match_bodies_get_400(api, body):
    response = api.post("/v1/match", content=body, headers={"content-type": "application/json"})
    assert_error(response, 400)
    still_serving(api)


def test_huge_numbers_in_curator_fields(api, curator):
    url = "/v1/claims/cancer-fungus"
    assert_error(api.post("/v1/claims/similar", json={"text": "fungus", "limit": 10 ** 400}), 400)
    assert_error(api.post("/v1/claims/similar", content=b'{"text": "fungus", "limit": 1e308}',
                          headers={"content-type": "application/json"}), 400)
    # A version no claim has: a clean conflict (the number is never sent to SQLite).
    assert_error(api.patch(url, json={"note": "x", "version": 10 ** 30}, headers=curator), 409)
    assert_error(api.patch(url, json={"note": "x", "version": -1}, headers=curator), 400)
    # The largest version the header takes is a clean conflict, not an overflow.
    response = api.patch(url, json={"note": "x"}, headers={**curator, "If-Match": '"999999999999999999"'})
    assert_error(response, 409)
    assert_error(api.patch(url, json={"note": "x"}, headers={**curator, "If-Match": '"9' + "9" * 30 + '"'}), 400)
    assert_error(api.get("/v1/claims", params={"limit": "9" * 500}, headers=curator), 400)
    assert api.get(url, headers=curator).json()["version"] == 1


def test_ten_megabyte_bodies(api, curator):
    ten_mb = b'{"blocks": [{"id": "a", "text": "' + b"a" * 10_000_000 + b'"}]}'
    assert_error(api.post("/v1/match", content=ten_mb, headers={"content-type": "application/json"}), 413)

    # Without a Content-Length (chunked), the limit still holds.
    def chunks():
        yield b'{"blocks": [{"id": "a", "text": "'
        for _ in range(100):
            yield b"a" * 100_000
        yield b'"}]}'

    assert_error(api.post("/v1/match", content=chunks(), headers={"content-type": "application/json"}), 413)
    # Import takes bigger bodies, but 10 MB of junk is still refused cleanly.
    junk = b"\x00\xff" * 5_000_000
    response = api.post("/v1/import", content=junk, headers=curator)
    assert 400 <= response.status_code < 500, response.text
    assert api.get("/v1/claims", headers=curator).json()["items"]
    still_serving(api)


def test_one_hundred_thousand_blocks(api):
    blocks = {"blocks": [{"id": str(i), "text": ""} for i in range(100_000)]}
    response = api.post("/v1/match", json=blocks)
    assert response.status_code in (400, 413)
    assert_error(response, response.status_code)
    # Just under the byte limit, with a compact encoding: still refused by the count.
    compact = b'{"blocks":[' + b",".join(b'{"id":"a","text":""}' for _ in range(90_000)) + b"]}"
    assert len(compact) < MAX_BODY_BYTES
    assert_error(api.post("/v1/match", content=compact, headers={"content-type": "application/json"}), 400)
    still_serving(api)


# -- strange text -------------------------------------------------------------

ZALGO = "c\u0300\u0301\u0302\u0303\u0304\u0305\u0306" * 2_000
STRANGE_TEXTS = [
    "\ud800 lone high and low \udfff surrogates around Cancer is a fungus.",
    "\x00\x01\x02 control \x1b[31m characters \x7f and Cancer is a fungus.\x00",
    "\u202eCancer is a fungus.\u202c \u2066isolate\u2069 \u200f",
    "Can\u200bcer\u200d is\u00ad a fun\u2060gus\ufeff.",
    ZALGO[:MAX_BLOCK_CHARS],
    "\U0001F469\u200D\U0001F469\u200D\U0001F467" * 1_000,
    "\ufffd" * MAX_BLOCK_CHARS,
    "\r\n\r\n\u2028\u2029\x85" * 3_000,
    "İıŞş ǅǈ ß ﬁ ẞ Ⅻ ① ﹏ Cancer is a fungus.",
]


@pytest.mark.parametrize("text", STRANGE_TEXTS, ids=range(len(STRANGE_TEXTS)))
def test_strange_text_is_matched_or_refused_never_a_5xx(api, text):
    body = json.dumps({"url": text[:100], "blocks": [{"id": text[:50] or "x", "text": text}]})
    response = api.post("/v1/match?explain=true", content=body.encode("utf-8", "surrogatepass"),
                        headers={"content-type": "application/json"})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        units = text.encode("utf-16-le", "surrogatepass")
        for m in response.json()["matches"]:
            assert 0 <= m["start"] < m["end"] <= len(units) // 2
    for path, payload in (("/v1/claims/similar", {"text": text[:5_000] or "x"}),
                          ("/v1/feedback", {"claim_id": "cancer-fungus", "verdict": "helpful", "quote": text[:2_000]})):
        other = api.post(path, content=json.dumps(payload).encode("utf-8", "surrogatepass"),
                         headers={"content-type": "application/json"})
        assert other.status_code in (200, 202, 400), other.text
    still_serving(api)


# Text built to make regular expressions backtrack: long runs of what sentence
# splitting, label detection and normalisation look for, without what ends them.
BACKTRACK = {
    "spaces": " " * MAX_BLOCK_CHARS,
    "tabs-and-spaces": " \t" * (MAX_BLOCK_CHARS // 2),
    "one-word": "a" * MAX_BLOCK_CHARS,
    "dots": "." * MAX_BLOCK_CHARS,
    "dot-space": ". " * (MAX_BLOCK_CHARS // 2),
    "colons": "a:" * (MAX_BLOCK_CHARS // 2),
    "label-like": ("[abc] word word word" + " ") * (MAX_BLOCK_CHARS // 21),
    "unclosed-brackets": "[" * MAX_BLOCK_CHARS,
    "quotes": '"' * MAX_BLOCK_CHARS,
    "abbrev": "e.g. i.e. Dr. Mr. St. " * (MAX_BLOCK_CHARS // 22),
    "digits-dots": "1." * (MAX_BLOCK_CHARS // 2),
    "exclaim": "!?" * (MAX_BLOCK_CHARS // 2),
    "words-no-stop": ("cancer fungus vaccine autism chemotherapy spread " * 500)[:MAX_BLOCK_CHARS],
    "urls": ("https://a.example/" + "x/" * 50 + " ") * 150,
    "nbsp": "\u00a0" * MAX_BLOCK_CHARS,
}


@pytest.mark.parametrize("name", sorted(BACKTRACK))
def test_backtracking_bait_is_answered(api, name):
    text = BACKTRACK[name][:MAX_BLOCK_CHARS]
    blocks = [{"id": f"{name}-{i}", "text": text} for i in range(20)]
    # The client timeout is only a hang guard; speed is measured in bench/.
    response = api.post("/v1/match", json={"blocks": blocks}, timeout=120)
    assert response.status_code == 200, response.text
    still_serving(api)


# -- slow clients ---------------------------------------------------------------

REQUEST_TIMEOUT = 2.0


@pytest.fixture
def served(tmp_path: Path, claims_file: Path):
    server = ServeProcess(tmp_path / "slow.db", "--request-timeout", str(REQUEST_TIMEOUT),
                          seed_file=claims_file).start()
    yield server
    server.stop()


class SlowClient:
    """A raw socket that sends its request one byte at a time."""

    def __init__(self, port: int, payload: bytes, first: bytes = b"") -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        if first:  # a complete request first, so the slow one is the second on the connection
            self.sock.sendall(first)
            self.sock.recv(65536)
        self.sock.setblocking(False)
        self.payload = payload
        self.sent = 0
        self.dropped = False

    def step(self) -> None:
        if self.dropped:
            return
        try:
            if self.sock.recv(65536) == b"":
                self.dropped = True
                return
        except BlockingIOError:
            pass
        except (ConnectionResetError, BrokenPipeError):
            self.dropped = True
            return
        try:
            if self.sent < len(self.payload):
                self.sock.send(self.payload[self.sent:self.sent + 1])
                self.sent += 1
        except (ConnectionResetError, BrokenPipeError):
            self.dropped = True

    def close(self) -> None:
        self.sock.close()


@pytest.mark.slow
def test_slowloris_is_dropped_and_others_are_served(served):
    body = json.dumps({"blocks": [{"id": "a", "text": "Cancer is a fungus. " * 500}]}).encode()
    headers = (f"POST /v1/match HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode()
    health = b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    clients = [SlowClient(served.port, headers + body) for _ in range(8)]  # slow headers
    # Slow body: headers at once, then the body a byte at a time.
    for _ in range(6):
        c = SlowClient(served.port, body)
        c.sock.setblocking(True)
        c.sock.sendall(headers)
        c.sock.setblocking(False)
        clients.append(c)
    # Slow second request on a kept-alive connection.
    clients += [SlowClient(served.port, headers + body, first=health) for _ in range(4)]

    api = httpx.Client(base_url=served.url, timeout=10)
    served_meanwhile = 0
    deadline = time.monotonic() + REQUEST_TIMEOUT * 6
    try:
        while not all(c.dropped for c in clients) and time.monotonic() < deadline:
            for c in clients:
                c.step()
            still_serving(api)
            served_meanwhile += 1
            time.sleep(0.05)
        assert all(c.dropped for c in clients), [c.sent for c in clients if not c.dropped]
        assert all(c.sent < len(c.payload) for c in clients)  # none got to finish
        assert served_meanwhile >= 5
        still_serving(api)
    finally:
        api.close()
        for c in clients:
            c.close()


@pytest.mark.slow
def test_a_slow_but_complete_request_within_the_deadline_is_answered(served):
    """The deadline is for slow senders, not for slow work or a modest pace."""
    body = json.dumps({"blocks": [{"id": "a", "text": "Cancer is a fungus."}]}).encode()
    request = (f"POST /v1/match HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
    sock = socket.create_connection(("127.0.0.1", served.port), timeout=10)
    try:
        for i in range(0, len(request), len(request) // 5 + 1):
            sock.sendall(request[i:i + len(request) // 5 + 1])
            time.sleep(REQUEST_TIMEOUT / 10)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    finally:
        sock.close()
    assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
    assert b"cancer-fungus" in reply


# -- strict claim validation (beyond tests/test_api_errors.py) ------------------

@pytest.mark.parametrize("changes", [
    # URL schemes and shapes
    {"sources": [{"url": "JAVASCRIPT:alert(1)//https://x"}]},
    {"sources": [{"url": "//evil.example/path"}]},
    {"sources": [{"url": "https:/one-slash.example"}]},
    {"sources": [{"url": "https://"}]},
    {"sources": [{"url": "https://a.example/with space"}]},
    {"sources": [{"url": "https://a.example/\u2028line"}]},
    {"sources": [{"url": "https://a.example/\x00nul"}]},
    {"sources": [{"url": "mailto:someone@example.org"}]},
    {"sources": [{"url": "file:///etc/passwd"}]},
    {"sources": [{"url": "vbscript:msgbox"}]},
    {"sources": [{"url": " https://leading.space.example"}]},
    {"sources": [{"url": "https://a.example/" + "x" * 2_050}]},
    {"review": {"url": "javascript:alert(1)"}},
    {"review": {"url": "https://a.example/r", "appearances": ["data:text/html,<b>"]}},
    # Lengths
    {"text": "ab"},
    {"text": "x" * 1_001},
    {"variants": ["ok variant", "no"]},
    {"variants": ["a variant"] * 51},
    {"rating_text": "r" * 301},
    {"tags": ["t" * 65]},
    {"tags": ["t"] * 31},
    {"tags": [""]},
    {"sources": [{"url": "https://a.example/", "title": "t" * 301}]},
    {"id": "i" * 81},
    {"id": "-starts-with-dash"},
    {"id": "../../etc"},
    {"lang": "english"},
    {"lang": "EN"},
    # The rating enum is exact
    {"rating": "False"},
    {"rating": " false"},
    {"rating": None},
    {"rating": ["false"]},
    # Unknown fields, also nested
    {"sources": [{"url": "https://a.example/", "rel": "nofollow"}]},
    {"review": {"url": "https://a.example/r", "score": 5}},
    {"version": 3},
    {"created_at": "2020-01-01T00:00:00Z"},
    {"author": "someone-else"},
    {"note": "<script>alert(1)</script>" * 50},
])
def test_claim_fields_are_checked_strictly(api, curator, changes):
    before = api.get("/v1/claims", headers=curator).json()
    assert_error(api.post("/v1/claims", json={**VALID, **changes}, headers=curator), 400)
    assert api.get("/v1/claims", headers=curator).json() == before


@pytest.mark.parametrize("patch", [
    {"text": "ab"},
    {"sources": []},
    {"sources": [{"url": "ftp://a.example/"}]},
    {"status": "deleted"},
    {"rating": "FALSE"},
    {"note": ""},
    {"id": "renamed"},
    {"author": "mallory"},
    {"feedback": {"helpful": 1000}},
    {"unknown": True},
])
def test_patches_are_checked_strictly(api, curator, patch):
    url = "/v1/claims/cancer-fungus"
    before = api.get(url, headers=curator).json()
    assert_error(api.patch(url, json=patch, headers={**curator, "If-Match": '"1"'}), 400)
    assert api.get(url, headers=curator).json() == before
    assert len(api.get(f"{url}/history", headers=curator).json()["items"]) == 1


def test_valid_edge_values_are_accepted(api, curator):
    """The limits are not off by one the other way."""
    edge = {**VALID, "text": "abc", "note": "n" * 1_000, "rating_text": "r" * 300, "tags": ["t" * 64] * 30,
            "variants": ["v" * 1_000] * 50, "id": "A" + "b" * 79, "lang": "pt-BR",
            "sources": [{"url": "HTTPS://UPPER.example/" + "x" * (2_048 - 22), "title": "t" * 300}] * 10}
    response = api.post("/v1/claims", json=edge, headers=curator)
    assert response.status_code == 201, response.text
    assert api.get(f"/v1/claims/{edge['id']}", headers=curator).json()["text"] == "abc"


# -- URLs that pass the pattern but not Python's URL parser -------------------------

BAD_HOST = "https://[unbalanced.example/fact-check"


def test_an_unparseable_review_url_breaks_neither_create_nor_export(api, curator):
    """urlsplit raises on an unbalanced "[" in the host; that once made POST
    /v1/claims a 500, and a stored one would have broken every export."""
    claim = {**VALID, "id": "bad-host-review", "text": "A claim from an odd review URL.",
             "review": {"url": BAD_HOST}, "sources": [{"url": BAD_HOST}]}
    created = api.post("/v1/claims", json=claim, headers=curator)
    assert created.status_code in (201, 400), created.text
    for fmt in ("jsonl", "claimreview"):
        exported = api.get("/v1/export", params={"format": fmt}, headers=curator)
        assert exported.status_code == 200, exported.text
        assert ("bad-host-review" in exported.text) == (created.status_code == 201)
    still_serving(api)


def test_an_unparseable_review_url_in_an_import_is_no_5xx(api, curator):
    review = {"@context": "https://schema.org", "@type": "ClaimReview", "url": BAD_HOST,
              "claimReviewed": "The moon is made of green cheese.",
              "reviewRating": {"@type": "Rating", "alternateName": "False"}}
    response = api.post("/v1/import", content=json.dumps(review).encode(),
                        headers={**curator, "Content-Type": "application/ld+json"})
    assert response.status_code < 500, response.text
    assert api.get("/v1/export", params={"format": "claimreview"}, headers=curator).status_code == 200
