"""/v1/match is rate-limited per client with 429 + Retry-After in our error
shape; curator endpoints have their own, separate limit."""

from __future__ import annotations

import httpx
import pytest

from test_api_errors import assert_error

PAGE = {"blocks": [{"id": "a", "text": "Cancer is a fungus."}]}


@pytest.fixture
def limited(make_server):
    return make_server(match_rate_limit=5, curator_rate_limit=3)


def test_match_is_limited_with_retry_after(limited):
    api = limited.client
    for i in range(5):
        response = api.post("/v1/match", json=PAGE)
        assert response.status_code == 200, response.text
        assert response.headers["RateLimit-Remaining"] == str(4 - i)
    refused = api.post("/v1/match", json=PAGE)
    assert_error(refused, 429)
    retry_after = int(refused.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert refused.headers["RateLimit-Limit"] == "5"
    # Security headers are on the 429 as on every response.
    assert refused.headers["x-content-type-options"] == "nosniff"
    # Other reader endpoints share the readers' budget.
    assert_error(api.get("/v1/health"), 429)
    assert_error(api.post("/v1/claims/similar", json={"text": "fungus"}), 429)


def test_curators_have_their_own_limit(limited):
    api = limited.client
    headers = {"Authorization": f"Bearer {limited.token('curator')}"}
    for _ in range(5):
        assert api.post("/v1/match", json=PAGE).status_code == 200
    assert_error(api.post("/v1/match", json=PAGE), 429)
    # Readers are exhausted; curators are not.
    for _ in range(3):
        assert api.get("/v1/claims", headers=headers).status_code == 200
    refused = api.get("/v1/claims", headers=headers)
    assert_error(refused, 429)
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["RateLimit-Limit"] == "3"


def test_the_limit_is_per_client_and_a_forged_forwarded_for_buys_nothing(limited):
    """The client is its socket address. X-Forwarded-For counts only from a
    trusted proxy (uvicorn trusts 127.0.0.1 by default): from any other address
    a forged header buys no extra budget."""
    untrusted = httpx.Client(base_url=limited.url, timeout=10,
                             transport=httpx.HTTPTransport(local_address="127.0.0.5"))
    try:
        for i in range(5):
            assert untrusted.post("/v1/match", json=PAGE,
                                  headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code == 200
        assert_error(untrusted.post("/v1/match", json=PAGE, headers={"X-Forwarded-For": "10.9.9.9"}), 429)
    finally:
        untrusted.close()
    # Another client (127.0.0.1) still has its whole budget; behind the local
    # proxy, each forwarded client has its own.
    for i in range(5):
        assert limited.client.post("/v1/match", json=PAGE).status_code == 200
    assert_error(limited.client.post("/v1/match", json=PAGE), 429)
    for i in range(3):
        assert limited.client.post("/v1/match", json=PAGE,
                                   headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code == 200


def test_zero_turns_the_limit_off(make_server):
    api = make_server(match_rate_limit=0).client
    for _ in range(30):
        assert api.post("/v1/match", json=PAGE).status_code == 200
