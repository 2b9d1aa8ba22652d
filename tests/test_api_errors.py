"""Bad input gets a 4xx in one JSON shape, and nothing stored is lost."""

from __future__ import annotations

import pytest

from claimnotes.schemas import MAX_BLOCK_CHARS, MAX_BLOCKS, MAX_BODY_BYTES


def assert_error(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status_code"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    assert set(body) <= {"status_code", "detail", "extra"}


@pytest.mark.parametrize(("body", "content_type"), [
    (b"{not json", "application/json"),
    (b"", "application/json"),
    (b"[]", "application/json"),
    (b'{"blocks": "nope"}', "application/json"),
    (b'{"blocks": [{"id": 1, "text": "x"}]}', "application/json"),
    (b'{"blocks": [{"id": "a"}]}', "application/json"),
    (b'{"blocks": [], "extra_field": 1}', "application/json"),
    (b'{"blocks": [{"id": "a", "text": "\xff\xfe bad utf-8"}]}', "application/json"),
    (b'{"blocks": [{"id": "a", "text": "x"}], "url": 1e999999}', "application/json"),
    (b'{"blocks": ' + b"[" * 10_000 + b"]" * 10_000 + b"}", "application/json"),
])
def test_malformed_match_bodies(api, body, content_type):
    assert_error(api.post("/v1/match", content=body, headers={"content-type": content_type}), 400)
    assert api.get("/v1/health").status_code == 200


def test_limits_on_match(api):
    too_many = {"blocks": [{"id": str(i), "text": "a"} for i in range(MAX_BLOCKS + 1)]}
    assert_error(api.post("/v1/match", json=too_many), 400)
    too_long = {"blocks": [{"id": "a", "text": "word " * (MAX_BLOCK_CHARS // 5 + 1)}]}
    assert_error(api.post("/v1/match", json=too_long), 400)
    huge = b'{"blocks": [{"id": "a", "text": "' + b"a" * (MAX_BODY_BYTES + 10) + b'"}]}'
    assert_error(api.post("/v1/match", content=huge, headers={"content-type": "application/json"}), 413)
    # At the limits, it still answers.
    ok = {"blocks": [{"id": str(i), "text": "Cancer is a fungus."} for i in range(MAX_BLOCKS)]}
    response = api.post("/v1/match", json=ok)
    assert response.status_code == 200
    assert len(response.json()["matches"]) == MAX_BLOCKS


@pytest.mark.parametrize("claim", [
    {},
    {"text": "Too few fields."},
    {"text": "x", "rating": "false", "note": "n", "sources": [{"url": "https://a.example/x"}]},
    {"text": "Valid text.", "rating": "wrong", "note": "n", "sources": [{"url": "https://a.example/x"}]},
    {"text": "Valid text.", "rating": "false", "note": "", "sources": [{"url": "https://a.example/x"}]},
    {"text": "Valid text.", "rating": "false", "note": "n" * 1001, "sources": [{"url": "https://a.example/x"}]},
    {"text": "Valid text.", "rating": "false", "note": "n", "sources": []},
    {"text": "Valid text.", "rating": "false", "note": "n", "sources": [{"url": "https://a.example/x"}] * 11},
    {"text": "Valid text.", "rating": "false", "note": "n", "sources": [{"url": "ftp://a.example/x"}]},
    {"text": "Valid text.", "rating": "false", "note": "n", "sources": [{"url": "javascript:alert(1)"}]},
    {"text": "Valid text.", "rating": "false", "note": "n", "sources": [{"url": "data:text/html,x"}]},
    {"text": "Valid text.", "rating": "false", "note": "n", "sources": [{"url": "https://a.example/x"}], "status": "gone"},
    {"text": "Valid text.", "rating": "false", "note": "n", "sources": [{"url": "https://a.example/x"}], "unknown": 1},
    {"text": "Valid text.", "rating": "false", "note": "n", "sources": [{"url": "https://a.example/x"}], "id": "bad id!"},
    {"text": 5, "rating": "false", "note": "n", "sources": [{"url": "https://a.example/x"}]},
    {"text": "Valid text.", "rating": "false", "note": "n", "sources": [{"url": "https://a.example/x"}], "variants": "one"},
])
def test_invalid_claims_are_refused(api, curator, claim):
    before = api.get("/v1/claims", headers=curator).json()
    assert_error(api.post("/v1/claims", json=claim, headers=curator), 400)
    assert api.get("/v1/claims", headers=curator).json() == before


def test_bad_if_match_and_version_disagreement(api, curator):
    url = "/v1/claims/cancer-fungus"
    assert_error(api.patch(url, json={"note": "x"}, headers={**curator, "If-Match": "soon"}), 400)
    assert_error(api.patch(url, json={"note": "x", "version": 2}, headers={**curator, "If-Match": '"1"'}), 400)
    assert api.get(url, headers=curator).json()["version"] == 1


def test_unknown_route_and_method(api):
    assert_error(api.get("/v1/nothing"), 404)
    assert_error(api.put("/v1/match", json={}), 405)
