"""Reader API over real HTTP: health, match, similar, feedback."""

from __future__ import annotations

import pytest

CLAIM_SENTENCE = "New study finds chemotherapy causes cancer to spread."


def utf16_slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[start * 2:end * 2].decode("utf-16-le")


def test_health_counts_published_claims(api, curator):
    body = api.get("/v1/health").json()
    assert body["status"] == "ok"
    assert body["claims"] == 3
    version = body["store_version"]
    api.delete("/v1/claims/cancer-fungus", headers=curator)
    after = api.get("/v1/health").json()
    assert after["claims"] == 2
    assert after["store_version"] > version


def test_match_returns_the_span_and_the_claim(api):
    text = ("Doctors have used it for decades. " + CLAIM_SENTENCE +
            " The authors studied mice and some patients.")
    response = api.post("/v1/match", json={"url": "https://example.org/a", "blocks": [
        {"id": "intro", "text": "Nothing to see here, just a paragraph about gardens."},
        {"id": "body", "text": text}]})
    assert response.status_code == 200
    body = response.json()
    assert body["store_version"] == api.get("/v1/health").json()["store_version"]
    [match] = body["matches"]
    assert match["block_id"] == "body"
    assert match["quote"] == utf16_slice(text, match["start"], match["end"])
    # The span is the sentence that makes the claim, not the whole paragraph.
    assert "chemotherapy causes cancer to spread" in match["quote"]
    assert "Doctors" not in match["quote"] and "mice" not in match["quote"]
    assert 0 < match["score"] <= 100
    claim = match["claim"]
    assert claim["id"] == "chemo-spreads-cancer"
    assert set(claim) == {"id", "text", "rating", "rating_text", "note", "sources", "updated_at"}
    assert claim["rating"] == "misleading"
    assert "parts" not in match


@pytest.mark.parametrize("prefix", [
    "😀🎉 ",                      # astral emoji: two UTF-16 units each
    "𝕮𝖍𝖊𝖒𝖔 𝖋𝖆𝖈𝖙𝖘: ",              # mathematical letters, astral too
    "👩‍👩‍👧‍👦 family news 🇫🇷! ",     # ZWJ sequences and a flag
    "Ça va? Ünïcödé! ",           # BMP only: same in code points and units
])
def test_offsets_are_utf16_units(api, prefix):
    text = prefix + CLAIM_SENTENCE
    [match] = api.post("/v1/match", json={"blocks": [{"id": "b", "text": text}]}).json()["matches"]
    start_units = len(prefix.encode("utf-16-le")) // 2
    assert match["start"] >= start_units
    assert match["quote"] == utf16_slice(text, match["start"], match["end"])
    assert "chemotherapy causes cancer to spread" in match["quote"]


def test_matches_are_sorted_by_block_then_start(api):
    blocks = [
        {"id": "b1", "text": "Cancer is a fungus. " + CLAIM_SENTENCE},
        {"id": "b0", "text": "Vaccines cause autism, my neighbour says."},
    ]
    matches = api.post("/v1/match", json={"blocks": blocks}).json()["matches"]
    assert [(m["block_id"], m["claim"]["id"]) for m in matches] == [
        ("b1", "cancer-fungus"), ("b1", "chemo-spreads-cancer"), ("b0", "vaccines-autism")]
    assert matches[0]["start"] < matches[1]["start"]


def test_explain_returns_score_parts(api):
    body = {"blocks": [{"id": "b", "text": CLAIM_SENTENCE}]}
    [match] = api.post("/v1/match?explain=true", json=body).json()["matches"]
    assert match["parts"] and all(isinstance(v, (int, float)) for v in match["parts"].values())


def test_a_new_claim_matches_on_the_next_request(api, curator):
    text = "Everyone knows that goldfish have a three second memory."
    body = {"blocks": [{"id": "b", "text": text}]}
    assert api.post("/v1/match", json=body).json()["matches"] == []
    created = api.post("/v1/claims", headers=curator, json={
        "text": "Goldfish have a three-second memory.", "rating": "false",
        "note": "Experiments show goldfish can remember things for months.",
        "sources": [{"url": "https://en.wikipedia.org/wiki/Goldfish", "title": "Goldfish"}]}).json()
    [match] = api.post("/v1/match", json=body).json()["matches"]
    assert match["claim"]["id"] == created["id"]
    assert api.post("/v1/claims/similar", json={"text": text}).json()["results"][0]["claim"]["id"] == created["id"]
    # An edit to the note is visible at once too.
    api.patch(f"/v1/claims/{created['id']}", json={"note": "Edited note.", "version": 1}, headers=curator)
    [match] = api.post("/v1/match", json=body).json()["matches"]
    assert match["claim"]["note"] == "Edited note."


def test_similar_ranks_every_claim_without_threshold(api):
    response = api.post("/v1/claims/similar", json={"text": "Is cancer a kind of fungus?", "limit": 2})
    results = response.json()["results"]
    assert 1 <= len(results) <= 2
    assert results[0]["claim"]["id"] == "cancer-fungus"
    assert results == sorted(results, key=lambda r: -r["score"])
    assert api.post("/v1/claims/similar", json={"text": "x", "limit": 51}).status_code == 400


def test_feedback_counts_reach_curators(api, curator):
    for verdict in ("helpful", "helpful", "wrong_match"):
        response = api.post("/v1/feedback", json={
            "claim_id": "cancer-fungus", "verdict": verdict, "quote": "Cancer is a fungus."})
        assert response.status_code == 202
    assert response.json() == {"claim_id": "cancer-fungus", "helpful": 2, "wrong_match": 1}
    claim = api.get("/v1/claims/cancer-fungus", headers=curator).json()
    assert claim["feedback"] == {"helpful": 2, "wrong_match": 1}
    assert api.post("/v1/feedback", json={"claim_id": "nope", "verdict": "helpful"}).status_code == 404
    assert api.post("/v1/feedback", json={"claim_id": "cancer-fungus", "verdict": "meh"}).status_code == 400


def test_reader_token_can_be_required(make_server):
    server = make_server(require_reader_token=True)
    body = {"blocks": [{"id": "b", "text": CLAIM_SENTENCE}]}
    assert server.client.post("/v1/match", json=body).status_code == 401
    reader = {"Authorization": f"Bearer {server.token('reader')}"}
    assert len(server.client.post("/v1/match", json=body, headers=reader).json()["matches"]) == 1
    assert server.client.get("/v1/health").status_code == 200


def test_cors_allows_extension_origins_only(api):
    for origin, allowed in (("chrome-extension://abcdefghijklmnopabcdefghijklmnop", True),
                            ("moz-extension://0d2f7c1e-8a4b-4f5e-9c3d-123456789abc", True),
                            ("https://evil.example", False)):
        response = api.options("/v1/match", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert (response.headers.get("access-control-allow-origin") == origin) is allowed, origin


def test_security_headers_on_every_response(api):
    for response in (api.get("/v1/health"), api.get("/no/such/route"),
                     api.post("/v1/match", content=b"{not json")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert response.headers["referrer-policy"] == "no-referrer"


def test_openapi_schema_and_page(api):
    schema = api.get("/schema/openapi.json").json()
    paths = schema["paths"]
    for path in ("/v1/health", "/v1/match", "/v1/claims", "/v1/claims/{claim_id}",
                 "/v1/claims/{claim_id}/history", "/v1/claims/similar", "/v1/import",
                 "/v1/export", "/v1/feedback"):
        assert path in paths, path
    page = api.get("/schema")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
