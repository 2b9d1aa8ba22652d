"""Tokens (hashed, constant-time, never echoed or logged), CORS, security headers,
and what a server error tells the client. Basic cases are in test_api_match.py
and test_api_claims.py."""

from __future__ import annotations

import hashlib
import hmac
import logging
import sqlite3
from pathlib import Path

import httpx
import pytest

from claimnotes.store import ClaimStore
from claimnotes.tokens import create_token, revoke_token, verify_token
from serve_process import ServeProcess
from test_api_errors import assert_error

STRICT_HEADERS = {"x-content-type-options": "nosniff", "x-frame-options": "DENY",
                  "referrer-policy": "no-referrer", "cache-control": "no-store"}


def assert_security_headers(response: httpx.Response, csp: str = "default-src 'none'") -> None:
    for name, value in STRICT_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.status_code, response.request.url)
    assert csp in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


# -- tokens ----------------------------------------------------------------------

def test_tokens_are_stored_as_sha256_only(server):
    store = server.store()
    try:
        secret, info = create_token(store.db, "hash-check", "curator")
        row = dict(zip(("id", "name", "role", "hash"), store.db.execute(
            "SELECT id, name, role, hash FROM tokens WHERE id = ?", [info.id]).fetchone()))
        assert row["hash"] == hashlib.sha256(secret.encode()).hexdigest()
        every_value = [str(v) for r in store.db.execute("SELECT * FROM tokens").fetchall() for v in r]
        assert not any(secret in v or secret[3:] in v for v in every_value)
    finally:
        store.close()
    for path in Path(server.settings.db_path).parent.glob("*.db*"):
        assert secret[3:].encode() not in path.read_bytes()


def test_tokens_are_compared_in_constant_time(server, monkeypatch):
    """verify_token looks the token up by its hash and confirms it with
    hmac.compare_digest: no code path compares the secret byte by byte."""
    calls: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    store = server.store()
    try:
        secret, info = create_token(store.db, "timing", "curator")
        assert verify_token(store.db, secret).id == info.id
        digest = hashlib.sha256(secret.encode()).hexdigest()
        assert calls == [(digest, digest)]
        # A guess that shares all but the last character is just unknown.
        assert verify_token(store.db, secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
        revoke_token(store.db, "timing")
        assert verify_token(store.db, secret) is None
    finally:
        store.close()


@pytest.mark.parametrize("header", [
    "Bearer {secret}x", "Bearer {near}", "bearer {near}", "Basic {secret}", "{secret}",
    "Bearer {near} {secret}", "Bearer  {near}",
])
def test_bad_tokens_are_never_echoed(server, header):
    secret = server.token("curator")
    near = secret[:-2] + "zz"
    value = header.format(secret=secret, near=near)
    response = server.client.get("/v1/claims", headers={"Authorization": value})
    assert_error(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    for leaked in (secret, near, secret[3:20]):
        assert leaked not in response.text and leaked not in str(response.headers)


def test_wrong_role_and_revoked_tokens_are_not_echoed(server):
    reader = server.token("reader")
    response = server.client.post("/v1/import", content=b"", headers={"Authorization": f"Bearer {reader}"})
    assert_error(response, 403)
    assert reader not in response.text
    store = server.store()
    try:
        secret, _ = create_token(store.db, "soon-revoked", "curator")
        revoke_token(store.db, "soon-revoked")
    finally:
        store.close()
    response = server.client.get("/v1/export", headers={"Authorization": f"Bearer {secret}"})
    assert_error(response, 401)
    assert secret not in response.text


def test_an_oversized_authorization_header_is_refused(server):
    response = server.client.get("/v1/claims", headers={"Authorization": "Bearer " + "x" * 100_000})
    assert 400 <= response.status_code < 500
    assert server.client.get("/v1/health").status_code == 200


@pytest.mark.slow
def test_tokens_never_reach_the_logs(tmp_path, claims_file):
    server = ServeProcess(tmp_path / "tokens.db", "--access-log", "--log-level", "debug",
                          seed_file=claims_file).start()
    try:
        good = server.token("curator", "logged-curator")
        reader = server.token("reader", "logged-reader")
        bad = good[:-4] + "QQQQ"
        with httpx.Client(base_url=server.url, timeout=10) as client:
            for secret in (good, reader, bad):
                headers = {"Authorization": f"Bearer {secret}"}
                client.get("/v1/claims", headers=headers)
                client.post("/v1/claims", headers=headers, json={"text": "bad"})
                client.post("/v1/match", headers=headers, json={"blocks": []})
                # A token put where it does not belong, in the query, is not logged either.
            client.get("/v1/claims", params={"q": "fungus"}, headers={"Authorization": f"Bearer {good}"})
    finally:
        server.stop()
    logs = server.logs()
    assert "GET /v1/claims" in logs
    for secret in (good, reader, bad):
        assert secret[3:] not in logs


# -- CORS ------------------------------------------------------------------------

def preflight(client: httpx.Client, origin: str, method: str = "POST", path: str = "/v1/match") -> httpx.Response:
    return client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": method,
                                         "Access-Control-Request-Headers": "content-type, authorization"})


@pytest.mark.parametrize("origin", [
    "https://evil.example",
    "null",
    "chrome-extension://abc.evil.example",
    "chrome-extension://abcdefghijklmnop/evil",
    "chrome-extension://abcdefghijklmnop.evil.example",
    "https://chrome-extension.evil.example",
    "chrome-extension://" + "a" * 65,
    "http://127.0.0.1:8000",
    "https://curators.example.evil",
])
def test_cors_refuses_other_origins(make_server, origin):
    server = make_server(cors_origins=("https://curators.example",))
    assert "access-control-allow-origin" not in preflight(server.client, origin).headers
    simple = server.client.post("/v1/match", json={"blocks": []}, headers={"Origin": origin})
    assert simple.status_code == 200
    assert "access-control-allow-origin" not in simple.headers


@pytest.mark.parametrize("origin", [
    "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
    "moz-extension://0d2f7c1e-8a4b-4f5e-9c3d-123456789abc",
    "https://curators.example",
])
def test_cors_allows_extensions_and_configured_origins(make_server, origin):
    server = make_server(cors_origins=("https://curators.example",))
    response = preflight(server.client, origin, "PATCH", "/v1/claims/cancer-fungus")
    assert response.headers.get("access-control-allow-origin") == origin
    assert "PATCH" in response.headers["access-control-allow-methods"]
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    # No cookies are used, so credentials are never allowed.
    assert response.headers.get("access-control-allow-credentials") != "true"
    simple = server.client.post("/v1/match", json={"blocks": []}, headers={"Origin": origin})
    assert simple.headers.get("access-control-allow-origin") == origin
    assert_security_headers(simple)


# -- security headers -------------------------------------------------------------

def test_security_headers_on_every_kind_of_response(make_server):
    server = make_server(match_rate_limit=2)
    api = server.client
    curator = {"Authorization": f"Bearer {server.token('curator')}"}
    reader = {"Authorization": f"Bearer {server.token('reader')}"}
    responses = [
        api.get("/v1/claims", headers=curator),                                   # 200
        api.post("/v1/claims", headers=curator, json={}),                         # 400
        api.get("/v1/claims"),                                                    # 401
        api.get("/v1/claims", headers=reader),                                    # 403
        api.get("/v1/claims/nope", headers=curator),                              # 404 claim
        api.get("/nothing/here"),                                                 # 404 route
        api.put("/v1/claims", headers=curator),                                   # 405
        api.patch("/v1/claims/cancer-fungus", headers={**curator, "If-Match": '"9"'},
                  json={"note": "x"}),                                            # 409
        api.post("/v1/claims", headers=curator,
                 content=b"x" * 3_000_000, ),                                     # 413
        api.patch("/v1/claims/cancer-fungus", headers=curator, json={"note": "x"}),  # 428
        preflight(api, "chrome-extension://abcdefghijklmnop"),                    # preflight
        api.get("/v1/export", headers=curator),                                   # streamed
    ]
    api.post("/v1/match", json={"blocks": []})
    api.post("/v1/match", json={"blocks": []})
    responses.append(api.post("/v1/match", json={"blocks": []}))                  # 429
    statuses = {r.status_code for r in responses}
    assert {200, 400, 401, 403, 404, 405, 409, 413, 428, 429} <= statuses, statuses
    for response in responses:
        assert_security_headers(response)
    # The schema pages need their own scripts, still framed by nobody.
    assert_security_headers(api.get("/schema"), csp="default-src 'self'")


# -- server errors ------------------------------------------------------------------

def test_a_server_error_says_nothing_about_its_cause(server, caplog):
    """A broken database gives a bare 500 in our shape; the log names the error
    type and place, never the request."""
    caplog.set_level(logging.DEBUG)
    db = Path(server.settings.db_path)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(b"this is not a database " * 100)
    response = server.client.post("/v1/match", json={"url": "https://secret.example/page",
                                                     "blocks": [{"id": "a", "text": "Cancer is a fungus."}]})
    assert response.status_code == 500
    assert response.json() == {"status_code": 500, "detail": "Internal server error."}
    assert_security_headers(response)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "claimnotes")
    assert "internal error: DatabaseError" in logged
    assert "secret.example" not in caplog.text and "not a database" not in logged
    with pytest.raises(sqlite3.DatabaseError):
        ClaimStore.open(str(db))
