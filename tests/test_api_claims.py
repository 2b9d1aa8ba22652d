"""Curator API over real HTTP: CRUD, versions, retraction, history, auth, pagination."""

from __future__ import annotations

import pytest

NEW_CLAIM = {
    "text": "Bats are blind.",
    "variants": ["all bats are completely blind"],
    "rating": "false",
    "note": "All bat species can see; many also navigate by echolocation.",
    "sources": [{"url": "https://www.usgs.gov/faqs/are-bats-blind", "title": "USGS FAQ"}],
    "tags": ["animals"],
}


def create(api, headers, **changes):
    response = api.post("/v1/claims", json={**NEW_CLAIM, **changes}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_returns_the_stored_claim(api, curator):
    claim = create(api, curator)
    assert claim["id"].startswith("c_")
    assert claim["version"] == 1
    assert claim["status"] == "published"
    assert claim["lang"] == "en"
    assert claim["author"].startswith("curator-")
    assert claim["created_at"] == claim["updated_at"]
    fetched = api.get(f"/v1/claims/{claim['id']}", headers=curator)
    assert fetched.status_code == 200
    assert fetched.headers["etag"] == '"1"'
    assert fetched.json() == claim


def test_create_with_an_existing_id_is_a_conflict(api, curator):
    create(api, curator, id="bats-blind")
    again = api.post("/v1/claims", json={**NEW_CLAIM, "id": "bats-blind"}, headers=curator)
    assert again.status_code == 409
    assert again.json()["status_code"] == 409


def test_patch_needs_the_version_and_detects_conflicts(api, curator):
    claim = create(api, curator)
    url = f"/v1/claims/{claim['id']}"
    missing = api.patch(url, json={"note": "Edited."}, headers=curator)
    assert missing.status_code == 428
    first = api.patch(url, json={"note": "Edited once."}, headers={**curator, "If-Match": '"1"'})
    assert first.status_code == 200, first.text
    assert first.json()["version"] == 2
    assert first.headers["etag"] == '"2"'
    # A second curator still editing version 1 must not overwrite the first edit.
    stale = api.patch(url, json={"note": "Stale edit.", "version": 1}, headers=curator)
    assert stale.status_code == 409
    assert stale.json()["extra"] == {"current_version": 2}
    current = api.get(url, headers=curator).json()
    assert current["note"] == "Edited once."
    assert current["version"] == 2
    ok = api.patch(url, json={"note": "Edited twice.", "version": 2}, headers=curator)
    assert ok.json()["version"] == 3


def test_patch_validates_like_create(api, curator):
    claim = create(api, curator)
    url = f"/v1/claims/{claim['id']}"
    for body in ({"version": 1, "sources": []},
                 {"version": 1, "sources": [{"url": "javascript:alert(1)", "title": "x"}]},
                 {"version": 1, "rating": "pants_on_fire"},
                 {"version": 1, "note": ""},
                 {"version": 1, "colour": "red"}):
        response = api.patch(url, json=body, headers=curator)
        assert response.status_code == 400, body
    assert api.get(url, headers=curator).json()["version"] == 1


def test_patch_with_no_change_keeps_the_version(api, curator):
    claim = create(api, curator)
    same = api.patch(f"/v1/claims/{claim['id']}", json={"version": 1, "note": NEW_CLAIM["note"]},
                     headers=curator)
    assert same.json()["version"] == 1


def test_retraction_is_kept_in_history_and_stops_matching(api, curator):
    blocks = {"blocks": [{"id": "p1", "text": "My uncle says bats are blind, which is wrong."}]}
    claim = create(api, curator)
    assert [m["claim"]["id"] for m in api.post("/v1/match", json=blocks).json()["matches"]] == [claim["id"]]

    retracted = api.delete(f"/v1/claims/{claim['id']}", headers=curator)
    assert retracted.status_code == 200
    assert retracted.json()["status"] == "retracted"
    assert retracted.json()["version"] == 2
    assert api.post("/v1/match", json=blocks).json()["matches"] == []

    history = api.get(f"/v1/claims/{claim['id']}/history", headers=curator).json()["items"]
    assert [h["action"] for h in history] == ["create", "retract"]
    assert history[0]["before"] is None
    assert history[0]["after"]["status"] == "published"
    assert history[1]["before"]["status"] == "published"
    assert history[1]["after"]["status"] == "retracted"
    assert history[1]["actor"] == claim["author"]
    # Still readable by curators, and can be republished.
    restored = api.patch(f"/v1/claims/{claim['id']}", json={"status": "published", "version": 2},
                         headers=curator)
    assert restored.json()["status"] == "published"
    assert len(api.post("/v1/match", json=blocks).json()["matches"]) == 1


def test_history_keeps_every_version(api, curator):
    claim = create(api, curator)
    url = f"/v1/claims/{claim['id']}"
    for version in range(1, 4):
        api.patch(url, json={"note": f"Note {version}.", "version": version}, headers=curator)
    items = api.get(f"{url}/history", headers=curator).json()["items"]
    assert [h["version"] for h in items] == [1, 2, 3, 4]
    assert [h["after"]["note"] for h in items] == [NEW_CLAIM["note"], "Note 1.", "Note 2.", "Note 3."]
    assert [h["before"]["note"] for h in items[1:]] == [NEW_CLAIM["note"], "Note 1.", "Note 2."]


def test_unknown_claim_is_404(api, curator):
    for response in (api.get("/v1/claims/nope", headers=curator),
                     api.get("/v1/claims/nope/history", headers=curator),
                     api.patch("/v1/claims/nope", json={"version": 1, "note": "x"}, headers=curator),
                     api.delete("/v1/claims/nope", headers=curator)):
        assert response.status_code == 404
        assert response.json() == {"status_code": 404, "detail": "No claim with that id."}


def test_pagination_walks_every_claim_once(api, curator):
    ids = {create(api, curator, text=f"Claim number {i} is said often.")["id"] for i in range(7)}
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.get("/v1/claims", params=params, headers=curator).json()
        pages += 1
        assert len(page["items"]) <= 3
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 4  # 7 new + 3 seeded claims, 3 a page
    assert len(seen) == len(set(seen)) == 10
    assert ids <= set(seen)
    assert seen == sorted(seen)


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "fungus"}, {"cancer-fungus"}),
    ({"q": "MMR"}, {"vaccines-autism"}),
    ({"tag": "chemotherapy"}, {"chemo-spreads-cancer"}),
    ({"rating": "misleading"}, {"chemo-spreads-cancer"}),
    ({"status": "published", "tag": "cancer"}, {"chemo-spreads-cancer", "cancer-fungus"}),
    ({"q": "100%_"}, set()),
])
def test_list_filters(api, curator, params, expected):
    page = api.get("/v1/claims", params=params, headers=curator).json()
    assert {c["id"] for c in page["items"]} == expected


def test_bad_cursor_is_a_400(api, curator):
    assert api.get("/v1/claims", params={"cursor": "%%%"}, headers=curator).status_code == 400


def test_curator_endpoints_need_a_token(server, api):
    claim_url = "/v1/claims/cancer-fungus"
    calls = [("POST", "/v1/claims", NEW_CLAIM), ("GET", "/v1/claims", None), ("GET", claim_url, None),
             ("PATCH", claim_url, {"version": 1, "note": "x"}), ("DELETE", claim_url, None),
             ("GET", claim_url + "/history", None), ("POST", "/v1/import", None),
             ("GET", "/v1/export", None)]
    reader = {"Authorization": f"Bearer {server.token('reader')}"}
    wrong = {"Authorization": "Bearer cn_not-a-real-token"}
    for method, url, body in calls:
        for headers, status in (({}, 401), (wrong, 401), (reader, 403)):
            response = api.request(method, url, json=body, headers=headers)
            assert response.status_code == status, (method, url, headers)
            assert set(response.json()) == {"status_code", "detail"}
            assert "cn_not-a-real-token" not in response.text


def test_admin_is_a_curator_and_revoked_tokens_are_refused(server, api):
    from claimnotes.tokens import revoke_token

    admin = {"Authorization": f"Bearer {server.token('admin', 'boss')}"}
    assert api.get("/v1/claims", headers=admin).status_code == 200
    store = server.store()
    revoke_token(store.db, "boss")
    store.close()
    assert api.get("/v1/claims", headers=admin).status_code == 401


def test_restart_keeps_every_claim_and_history_entry(make_server, curator, server):
    api = server.client
    claim = create(api, curator)
    api.patch(f"/v1/claims/{claim['id']}", json={"note": "Second.", "version": 1}, headers=curator)
    api.delete("/v1/claims/cancer-fungus", headers=curator)
    before_claims = api.get("/v1/claims", params={"limit": 200}, headers=curator).json()["items"]
    before_history = api.get(f"/v1/claims/{claim['id']}/history", headers=curator).json()
    before_health = api.get("/v1/health").json()
    server.stop()

    again = make_server()  # same database file, seeding skipped because it is not empty
    assert again.client.get("/v1/claims", params={"limit": 200}, headers=curator).json()["items"] == before_claims
    assert again.client.get(f"/v1/claims/{claim['id']}/history", headers=curator).json() == before_history
    assert again.client.get("/v1/health").json() == before_health
    matches = again.client.post("/v1/match", json={"blocks": [
        {"id": "a", "text": "Cancer is a fungus."}, {"id": "b", "text": "Bats are blind."}]}).json()
    assert [m["claim"]["id"] for m in matches["matches"]] == [claim["id"]]


def test_preview_shows_what_a_draft_would_match(api, curator):
    blocks = [{"id": "a", "text": "Grandpa insists that bats are blind as they fly at night."},
              {"id": "b", "text": "Bats are the only mammals capable of true flight."}]
    draft = create(api, curator, status="draft")
    # A draft never matches for readers...
    assert api.post("/v1/match", json={"blocks": blocks}).json()["matches"] == []
    # ...but curators can see what it would match, with the score parts.
    for body in ({"claim_id": draft["id"], "blocks": blocks},
                 {"text": NEW_CLAIM["text"], "variants": NEW_CLAIM["variants"], "blocks": blocks}):
        response = api.post("/v1/claims/preview", json=body, headers=curator)
        assert response.status_code == 200, response.text
        [match] = response.json()["matches"]
        assert match["block_id"] == "a"
        assert "bats are blind" in match["quote"]
        assert match["parts"]
    # Previewing leaves the live index as it was.
    assert api.post("/v1/match", json={"blocks": blocks}).json()["matches"] == []
    similar = api.post("/v1/claims/preview", headers=curator, json={
        "text": "Cancer is caused by a fungus.", "blocks": blocks}).json()["similar"]
    assert similar[0]["claim"]["id"] == "cancer-fungus"
    assert api.post("/v1/claims/preview", json={"blocks": blocks}, headers=curator).status_code == 400
    assert api.post("/v1/claims/preview", json={"text": "x y z", "blocks": blocks}).status_code == 401


def test_preview_of_a_published_claim_stands_in_for_it(api, curator):
    blocks = [{"id": "a", "text": "They say vaccines cause autism."},
              {"id": "b", "text": "Some think cancer is a fungus."}]
    # New wording for vaccines-autism that would no longer match block a.
    body = {"claim_id": "vaccines-autism", "text": "Cancer is really a fungus.", "variants": [],
            "blocks": blocks}
    matches = api.post("/v1/claims/preview", json=body, headers=curator).json()["matches"]
    assert [m["block_id"] for m in matches] == ["b"]
    live = api.post("/v1/match", json={"blocks": blocks}).json()["matches"]
    assert [(m["block_id"], m["claim"]["id"]) for m in live] == [("a", "vaccines-autism"), ("b", "cancer-fungus")]
