"""Export as ClaimReview JSON-LD and JSONL: Google's fields, and the round trip through import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimnotes.exporters import EXPORTERS
from claimnotes.importers import read_rows
from claimnotes.importers.apply import apply_rows
from claimnotes.schemas import RATINGS, Claim, ReviewInfo, Source
from claimnotes.store import ClaimStore

from support import TEST_CLAIMS

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "claimreview"
CONTENT = ("id", "text", "variants", "rating", "rating_text", "note", "sources", "tags", "lang", "status",
           "review")


def open_store(path: Path) -> ClaimStore:
    return ClaimStore.open(str(path))


@pytest.fixture
def full_store(tmp_path: Path):
    """Our own claims (one draft, one with rating_text) and reviews from every sample format."""
    store = open_store(tmp_path / "full.db")
    ours = [dict(TEST_CLAIMS[0], rating_text="Partly true"), dict(TEST_CLAIMS[1], status="draft"), TEST_CLAIMS[2]]
    apply_rows(store, read_rows("".join(json.dumps(c) + "\n" for c in ours).encode()), "seed")
    for name in ("factcheck-api-response.json", "datacommons-feed.json", "article-with-claimreview.html",
                 "claimreviews.csv"):
        report = apply_rows(store, read_rows((SAMPLES / name).read_bytes()), "import")
        assert report.created > 0
    yield store
    store.close()


def export(store: ClaimStore, fmt: str) -> bytes:
    fn, _ = EXPORTERS[fmt]
    return b"".join(fn(store.all(), "https://claimnotes.example.org"))


def content(store: ClaimStore) -> list[dict]:
    return [{k: v for k, v in msgspec.to_builtins(c).items() if k in CONTENT} for c in store.all()]


def test_claimreview_export_has_googles_fields(full_store):
    items = json.loads(export(full_store, "claimreview"))
    assert len(items) == full_store.db.execute("SELECT count(*) FROM claims").fetchone()[0]
    for item in items:
        assert item["@context"] == "https://schema.org" and item["@type"] == "ClaimReview"
        assert item["url"].startswith(("https://", "http://"))
        assert item["claimReviewed"] and item["reviewRating"]["@type"] == "Rating"
        assert item["reviewRating"]["alternateName"]
        assert item["author"]["@type"] == "Organization" and item["author"]["name"]
        assert len(item["datePublished"]) >= 10 and item["itemReviewed"]["@type"] == "Claim"
    by_id = {i["identifier"]: i for i in items}
    ours = by_id["cancer-fungus"]
    assert ours["url"] == "https://claimnotes.example.org/v1/claims/cancer-fungus"
    assert ours["author"]["name"] == "Claimnotes" and ours["reviewRating"]["alternateName"] == "False"
    (masts,) = [i for i in items if i["claimReviewed"] == "5G masts spread the virus."]
    assert masts["url"] == "https://factcheck.example.org/2021/05/5g-masts-virus/"
    assert masts["author"] == {"@type": "Organization", "name": "Example Fact Check",
                               "url": "https://factcheck.example.org"}
    assert masts["datePublished"] == "2021-05-03"
    assert masts["itemReviewed"]["author"]["name"] == "Anonymous blogger"
    assert [a["url"] for a in masts["itemReviewed"]["appearance"]] == \
        ["https://blog.example.com/posts/5g-truth", "https://video.example.com/watch?v=abc123"]


@pytest.mark.parametrize("fmt", ["claimreview", "jsonl"])
def test_an_export_imported_into_an_empty_store_gives_back_the_same_claims(full_store, tmp_path, fmt):
    data = export(full_store, fmt)
    empty = open_store(tmp_path / f"empty-{fmt}.db")
    report = apply_rows(empty, read_rows(data), "restore")
    assert report.errors == [] and report.duplicates == []
    assert content(empty) == content(full_store)
    # ...and importing it again over itself changes nothing.
    again = apply_rows(empty, read_rows(data), "restore")
    assert (again.created, again.updated, again.skipped) == (0, 0, report.created)
    empty.close()


def test_export_over_http_and_import_into_another_server(make_server, tmp_path):
    source = make_server()
    curator = {"Authorization": f"Bearer {source.token('curator')}"}
    data = (SAMPLES / "datacommons-feed.json").read_bytes()
    assert source.client.post("/v1/import", content=data, headers=curator).json()["created"] == 4
    response = source.client.get("/v1/export", params={"format": "claimreview"}, headers=curator)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/ld+json")
    items = response.json()
    assert {i["url"] for i in items if i["identifier"] == "vaccines-autism"} == \
        {f"{source.url}/v1/claims/vaccines-autism"}

    target = make_server(db_path=str(tmp_path / "target.db"), seed=False)
    target_curator = {"Authorization": f"Bearer {target.token('curator')}"}
    report = target.client.post("/v1/import", content=response.content, headers=target_curator).json()
    assert report["created"] == len(items) and report["errors"] == []
    back = target.client.get("/v1/export", params={"format": "jsonl"}, headers=target_curator)
    original = source.client.get("/v1/export", params={"format": "jsonl"}, headers=curator)
    strip = lambda text: [{k: v for k, v in json.loads(line).items() if k in CONTENT}  # noqa: E731
                          for line in text.splitlines()]
    assert strip(back.text) == strip(original.text)


def test_export_rejects_an_unknown_format(api, curator):
    assert api.get("/v1/export", params={"format": "xml"}, headers=curator).status_code == 400


def test_cli_exports_claimreview(tmp_path, claims_file):
    db = str(tmp_path / "cli.db")
    run = lambda *a: subprocess.run([sys.executable, "-m", "claimnotes", *a, "--db", db],  # noqa: E731
                                    capture_output=True, check=True, timeout=120)
    run("import", str(claims_file))
    run("import", str(SAMPLES / "single-claimreview.jsonld"))
    items = json.loads(run("export", "--format", "claimreview", "--base-url", "https://notes.example.org/").stdout)
    assert sorted(i["url"] for i in items) == [
        "https://factcheck.example.org/2024/05/great-wall-visible-from-space/",
        "https://notes.example.org/v1/claims/cancer-fungus",
        "https://notes.example.org/v1/claims/chemo-spreads-cancer",
        "https://notes.example.org/v1/claims/vaccines-autism"]


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=3, max_size=40)
_SHORT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_URL = st.builds(lambda path: f"https://factcheck.example.org/{path}",
                 st.text("abcdefghijklmnopqrstuvwxyz0123456789-_.#?=", min_size=1, max_size=20))
_REVIEW = st.builds(
    ReviewInfo, url=_URL, publisher=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30), publisher_url=st.sampled_from(["", "https://factcheck.example.org"]),
    # A review without a date is exported with the day it was added (documented), so dates are set here.
    date_published=st.sampled_from(["2021-05-03", "2020-01-01T10:00:00Z"]), claim_author=_SHORT,
    claim_date=st.sampled_from(["", "2021-04-28"]), appearances=st.lists(_URL, max_size=3))
_CLAIM = st.builds(
    Claim, id=st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_.:-]{0,20}\Z"), text=_TEXT,
    variants=st.lists(_TEXT, max_size=3), rating=st.sampled_from(RATINGS), rating_text=st.none() | _SHORT,
    note=_TEXT, sources=st.lists(st.builds(Source, url=_URL, title=_SHORT), min_size=1, max_size=3),
    tags=st.lists(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=10), max_size=3),
    lang=st.from_regex(r"\A[a-z]{2,3}(-[A-Za-z0-9]{1,8}){0,2}\Z"),
    status=st.sampled_from(["draft", "published", "retracted"]), created_at=st.just("2024-01-02T03:04:05.000Z"),
    updated_at=st.just("2024-01-03T03:04:05.000Z"), version=st.just(1), author=st.just("t"),
    review=st.none() | _REVIEW)


@settings(max_examples=150, deadline=None)
@given(_CLAIM)
def test_any_claim_survives_a_claimreview_round_trip(claim):
    exported = b"".join(EXPORTERS["claimreview"][0]([claim], "https://notes.example.org"))
    (row,) = list(read_rows(exported))
    assert row.error is None
    expected = {k: v for k, v in msgspec.to_builtins(claim).items() if k in CONTENT}
    assert msgspec.to_builtins(row.claim) == {**expected, "variants": expected["variants"]}
    assert row.key == (claim.review.url if claim.review else None)
