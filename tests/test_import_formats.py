"""Import formats: detection, field mapping, bad rows, and applying them to a real store.

Samples live in fixtures/claimreview/ (real-world shapes, example.org publishers).
"""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimnotes.errors import UnsupportedFormatError
from claimnotes.importers import formats, read_rows
from claimnotes.importers.apply import apply_rows
from claimnotes.importers.ratings import map_rating
from claimnotes.schemas import ClaimIn, ClaimPatch
from claimnotes.store import ClaimStore

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "claimreview"


@pytest.fixture
def store(tmp_path: Path):
    s = ClaimStore.open(str(tmp_path / "import.db"))
    yield s
    s.close()


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def rows_of(data: bytes):
    rows = list(read_rows(data))
    return [r for r in rows if r.claim], [r for r in rows if r.claim is None]


def detected(data: bytes) -> str:
    return next(f.__name__.rsplit(".", 1)[1] for f in formats() if f.sniff(data))


@pytest.mark.parametrize(("name", "fmt", "good", "bad"), [
    ("factcheck-api-response.json", "factcheck_api", 6, 0),
    ("datacommons-feed.json", "datacommons", 4, 0),
    ("article-with-claimreview.html", "claimreview", 3, 0),
    ("single-claimreview.jsonld", "claimreview", 1, 0),
    ("claimreviews.csv", "csvformat", 4, 1),
])
def test_each_sample_is_detected_by_content_and_parsed(name, fmt, good, bad):
    data = sample(name)
    assert detected(data) == fmt
    ok, failed = rows_of(data)
    assert (len(ok), len(failed)) == (good, bad)


@pytest.mark.parametrize(("text", "rating"), [
    ("False", "false"), ("Pants on Fire!", "false"), ("pants-fire", "false"), ("FALSE.", "false"),
    ("Mostly False", "misleading"), ("Half True", "missing_context"), ("Mixture", "misleading"),
    ("Misleading", "misleading"), ("Missing context", "missing_context"), ("Unproven", "unproven"),
    ("Satire", "satire"), ("Labeled Satire", "satire"), ("True", "true"), ("Mostly True", "true"),
    ("Rating: False", "false"), ("Four Pinocchios", "false"),
    ("Falsch", "other"), ("Full Flop", "other"), ("It's complicated", "other"), ("", "other"), (None, "other"),
])
def test_rating_table(text, rating):
    assert map_rating(text) == rating


def test_fact_check_api_fields_map_onto_a_claim():
    ok, _ = rows_of(sample("factcheck-api-response.json"))
    first = ok[0]
    claim = first.claim
    assert claim.text == "Drinking hot water every 15 minutes kills the coronavirus."
    assert (claim.rating, claim.rating_text) == ("false", "False")
    assert first.key == "https://factcheck.example.org/2020/03/hot-water-coronavirus/"
    assert claim.sources[0].url == first.key
    assert claim.sources[0].title == "Example Fact Check: No, hot water does not kill the coronavirus"
    review = claim.review
    assert (review.publisher, review.publisher_url) == ("Example Fact Check", "https://factcheck.example.org")
    assert (review.claim_author, review.claim_date) == ("Viral social media post", "2020-03-14T00:00:00Z")
    assert review.date_published == "2020-03-16T10:00:00Z"
    # No note in the API: one is built from the verdict and the reviewer, and flagged.
    assert claim.note.startswith('Example Fact Check rated this claim "False".')
    assert claim.tags == ["needs-note"]
    # Two reviews of one claim are two rows; unknown ratings keep their words and become "other".
    assert ok[1].claim.text == claim.text and ok[1].claim.rating_text == "Pants on Fire!"
    german = ok[3].claim
    assert (german.rating, german.rating_text, german.lang) == ("other", "Falsch", "de")
    assert ok[4].claim.rating == "false"  # "Altered photo"


def test_datacommons_feed_keeps_appearances_and_review_text():
    ok, _ = rows_of(sample("datacommons-feed.json"))
    masts = ok[0].claim
    assert masts.review.appearances == ["https://blog.example.com/posts/5g-truth",
                                        "https://video.example.com/watch?v=abc123"]
    assert (masts.review.claim_author, masts.review.claim_date, masts.review.date_published) == \
        ("Anonymous blogger", "2021-04-28", "2021-05-03")
    assert ok[1].claim.review.appearances == ["https://forum.example.com/t/onions"]
    moon = ok[2].claim
    assert moon.note.startswith("Hundreds of kilograms of lunar samples")
    assert moon.tags == []  # a real note is not flagged
    assert [r.line for r in ok] == [1, 2, 3, 4]
    assert ok[3].claim.rating == "satire"


def test_html_page_script_blocks_give_each_review_with_its_line():
    ok, _ = rows_of(sample("article-with-claimreview.html"))
    assert [r.line for r in ok] == [10, 38, 38]
    knuckles = ok[0].claim
    assert knuckles.text == "Cracking your knuckles causes arthritis."
    assert (knuckles.rating, knuckles.rating_text, knuckles.lang) == ("misleading", "Mostly False", "en-GB")
    assert knuckles.note.startswith("Studies comparing people")  # from ratingExplanation
    assert knuckles.review.appearances == ["https://social.example.com/p/98765"]
    # Several reviews on one page are told apart by their #anchor.
    assert len({r.key for r in ok}) == 3


def test_csv_rows_with_and_without_a_review_url():
    ok, failed = rows_of(sample("claimreviews.csv"))
    by_line = {r.line: r for r in ok}
    assert by_line[3].claim.note.startswith("Bulls are red-green colour-blind") and by_line[3].external
    goldfish = by_line[4]
    assert goldfish.key is None and goldfish.claim.review is None and not goldfish.external
    assert goldfish.claim.sources[0].url == "https://www.example.edu/biology/goldfish-memory"
    assert by_line[5].claim.rating_text == "Pants on Fire!"
    assert failed[0].line == 6 and "claimReviewed" in failed[0].error


def test_the_33k_dataset_shape_is_read_with_politifact_labels_and_snopes_drafts():
    lines = [
        {"id": "vclaim-pol-00001", "claim": "Says crime dropped 10% in every big city.", "rating": "pants-fire",
         "url": "https://www.politifact.com/factchecks/2019/oct/29/x/y/", "source": "PolitiFact",
         "title": "Headline", "speaker": "A speaker", "date": "stated on October 28, 2019 in a speech:",
         "context": "..."},
        {"id": "vclaim-sno-" + "long-slug-" * 10, "claim": "A video shows a giant snake in a river.",
         "rating": None, "url": None, "source": "Snopes", "title": "Giant Snake Video?", "speaker": None,
         "date": "6 March 2021", "context": "..."},
        {"id": "vclaim-pol-00002", "claim": "", "rating": "false", "url": "https://www.politifact.com/a/",
         "source": "PolitiFact", "title": "t", "speaker": None, "date": "", "context": ""},
    ]
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    assert detected(data) == "factchecked"
    ok, failed = rows_of(data)
    pol, sno = ok[0].claim, ok[1].claim
    assert (pol.rating, pol.rating_text, pol.review.claim_date) == ("false", "Pants on Fire!", "October 28, 2019")
    assert pol.review.claim_author == "A speaker" and ok[0].key == lines[0]["url"]
    # No verdict, no review URL: a draft that readers never see, under a valid id.
    assert (sno.status, sno.rating, sno.review) == ("draft", "other", None)
    assert len(sno.id) <= 80 and sno.id.startswith("vclaim-sno-long-slug")
    assert "verdict is not in the imported data" in sno.note
    assert failed[0].line == 3


@pytest.mark.parametrize(("data", "expect"), [
    # bad JSON
    (b'{"@context": "https://schema.org",\n "@type": "ClaimReview", "url": ', "Invalid JSON"),
    (b'[{"@type": "ClaimReview", "claimReviewed": "x"', "Invalid JSON"),
    # wrong types
    (b'{"@type": "ClaimReview", "claimReviewed": 42, "url": "https://a.example/r"}', "claimReviewed must be text"),
    (b'[{"@type": "ClaimReview", "claimReviewed": "Valid text here.", "url": 7}]', "url"),
    (b'{"claims": [{"text": ["a list"], "claimReview": [{"url": "https://a.example/r"}]}]}', "text must be a string"),
    (b'{"claims": [{"text": "A claim text.", "claimReview": "nope"}]}', "no claimReview list"),
    (b'{"@type": "DataFeed", "dataFeedElement": [{"item": ["not an object"]}]}', "expected a ClaimReview object"),
    # missing fields
    (b'{"@type": "ClaimReview", "url": "https://a.example/r"}', "claimReviewed"),
    (b'{"@type": "ClaimReview", "claimReviewed": "No URL for this one."}', "url"),
    (b'{"@type": "ClaimReview", "claimReviewed": "' + b"x" * 1_500 + b'", "url": "https://a.example/r"}',
     "at most 1000"),
])
def test_malformed_input_is_reported_per_row(data, expect):
    ok, failed = rows_of(data)
    assert not ok
    assert len(failed) == 1 and expect in failed[0].error


def test_claimreview_jsonl_is_read_line_by_line():
    item = json.loads(sample("single-claimreview.jsonld"))
    other = dict(item, url="https://factcheck.example.org/other", claimReviewed="Bats are blind.")
    data = (json.dumps(item) + "\n{broken\n\n" + json.dumps(other) + "\n").encode()
    assert detected(data) == "claimreview"
    rows = list(read_rows(data))
    assert [(r.line, r.claim is not None) for r in rows] == [(1, True), (2, False), (4, True)]
    assert rows[2].claim.text == "Bats are blind." and rows[1].error.startswith("Invalid JSON")


def test_html_in_a_review_body_becomes_plain_text():
    ok, _ = rows_of(b'{"@type": "ClaimReview", "url": "https://a.example/r", "claimReviewed": "Bats are blind.", '
                    b'"reviewBody": "<p>Bats <b>can</b> see &amp; echolocate.</p>"}')
    assert ok[0].claim.note == "Bats can see & echolocate."


def test_a_review_without_url_is_keyed_by_its_json_ld_id():
    ok, _ = rows_of(b'{"@type": "ClaimReview", "@id": "https://a.example/page#review", '
                    b'"claimReviewed": "The moon is made of cheese."}')
    assert ok[0].key == "https://a.example/page#review" and ok[0].claim.rating == "other"


def test_unknown_json_is_an_unsupported_format():
    with pytest.raises(UnsupportedFormatError):
        read_rows(b'{"hello": "world"}')


def test_a_50_mb_line_is_one_bad_row_and_the_rest_import(store):
    good = json.dumps({"text": "The sun orbits the earth.", "rating": "false", "note": "It is the other way round.",
                       "sources": [{"url": "https://science.example.org/orbits"}]}).encode()
    huge = b'{"text": "' + b"a" * 50_000_000 + b'", "rating": "false"}'
    report = apply_rows(store, read_rows(good + b"\n" + huge + b"\n" + good.replace(b"sun", b"moon")), "t")
    assert (report.created, [e.line for e in report.errors]) == (2, [2])
    assert "length <= 1000" in report.errors[0].detail


def count(store: ClaimStore) -> int:
    return store.db.execute("SELECT count(*) FROM claims").fetchone()[0]


@pytest.mark.parametrize("name", ["factcheck-api-response.json", "datacommons-feed.json",
                                  "article-with-claimreview.html", "single-claimreview.jsonld",
                                  "claimreviews.csv"])
def test_importing_the_same_file_twice_never_duplicates(store, name):
    first = apply_rows(store, read_rows(sample(name)), "t")
    assert first.created > 0 and first.updated == 0
    claims = count(store)
    again = apply_rows(store, read_rows(sample(name)), "t")
    assert (again.created, again.updated, again.skipped) == (0, 0, first.created)
    assert count(store) == claims


def test_the_review_url_is_the_key(store):
    apply_rows(store, read_rows(sample("single-claimreview.jsonld")), "t")
    (claim,) = store.all()
    # Same review, http and no trailing slash, new verdict: the claim is updated.
    item = json.loads(sample("single-claimreview.jsonld"))
    item["url"] = "http://factcheck.example.org/2024/05/great-wall-visible-from-space"
    item["reviewRating"]["alternateName"] = "False"
    report = apply_rows(store, read_rows(json.dumps(item).encode()), "t")
    assert (report.created, report.updated) == (0, 1)
    (after,) = store.all()
    assert after.id == claim.id and (after.rating, after.rating_text) == ("false", "False")
    assert after.version == 2


def test_a_reimport_keeps_what_curators_changed(store):
    apply_rows(store, read_rows(sample("factcheck-api-response.json")), "t")
    claim = store.find_by_review_in_tx("https://factcheck.example.org/2019/04/wind-turbines-cancer/")
    edited = store.update(claim.id, ClaimPatch(note="Curator's own note.", tags=["energy"],
                                               variants=["wind farms give people cancer"], status="draft"),
                          "alice", claim.version)
    doc = json.loads(sample("factcheck-api-response.json"))
    doc["claims"][1]["claimReview"][0]["textualRating"] = "False"
    report = apply_rows(store, read_rows(json.dumps(doc).encode()), "t")
    assert report.updated == 1
    after = store.get(claim.id)
    assert (after.rating, after.rating_text) == ("false", "False")
    assert (after.note, after.tags, after.variants, after.status) == \
        (edited.note, edited.tags, edited.variants, edited.status)


def published(store: ClaimStore, claim_id: str, text: str) -> None:
    store.create(msgspec.convert({"id": claim_id, "text": text, "rating": "false", "note": "A note.",
                                  "sources": [{"url": "https://health.example.org/facts"}]}, ClaimIn), "seed")


def api_response(text: str, url: str) -> bytes:
    return json.dumps({"claims": [{"text": text, "claimReview": [{
        "publisher": {"name": "Example Fact Check"}, "url": url, "textualRating": "False"}]}]}).encode()


def test_near_duplicates_are_reported_and_merged_on_request(store):
    published(store, "vaccines-autism", "Vaccines cause autism.")
    data = api_response("New report proves that vaccines cause autism.", "https://factcheck.example.org/v-a")
    report = apply_rows(store, read_rows(data), "t", dry_run=True)
    assert [(d.line, d.existing_id) for d in report.duplicates] == [(1, "vaccines-autism")]
    assert report.duplicates[0].score >= 72 and report.created == 1 and count(store) == 1

    unrelated = api_response("Cats always land on their feet.", "https://factcheck.example.org/cats")
    assert apply_rows(store, read_rows(unrelated), "t", dry_run=True).duplicates == []

    merged = apply_rows(store, read_rows(data), "t", merge=True)
    assert (merged.created, merged.merged, count(store)) == (0, 1, 1)
    claim = store.get("vaccines-autism")
    assert claim.variants == ["New report proves that vaccines cause autism."]
    assert [s.url for s in claim.sources] == ["https://health.example.org/facts", "https://factcheck.example.org/v-a"]
    # Merging again changes nothing.
    again = apply_rows(store, read_rows(data), "t", merge=True)
    assert (again.merged, again.skipped, store.get("vaccines-autism").version) == (0, 1, 2)


def test_atomic_and_dry_run_write_nothing(store):
    data = sample("claimreviews.csv")  # one bad row
    atomic = apply_rows(store, read_rows(data), "t", atomic=True)
    assert atomic.created == 0 and len(atomic.errors) == 1 and count(store) == 0
    dry = apply_rows(store, read_rows(data), "t", dry_run=True)
    assert dry.created == 4 and dry.dry_run and count(store) == 0 and store.store_version() == 0


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from(["https://a.example/r", "False", "ClaimReview", "Claimnotes", "en-US"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["@type", "name", "url", "alternateName", "author", "appearance"]), inner, max_size=3),
    max_leaves=8)
_REVIEW_KEYS = ["claimReviewed", "url", "@id", "author", "publisher", "reviewRating", "reviewBody", "itemReviewed",
                "datePublished", "inLanguage", "headline", "identifier", "citation", "keywords",
                "creativeWorkStatus"]


@st.composite
def _documents(draw) -> bytes:
    review = {"@type": "ClaimReview", **draw(st.dictionaries(st.sampled_from(_REVIEW_KEYS), _JSON))}
    if draw(st.booleans()):  # one of our own exports
        review.update(sdPublisher={"name": "Claimnotes"}, identifier=draw(st.text(min_size=1, max_size=10)))
    shape = draw(st.sampled_from(["object", "array", "graph", "feed", "api", "html"]))
    doc = {"object": review, "array": [review, draw(_JSON)], "graph": {"@graph": [draw(_JSON), review]},
           "feed": {"dataFeedElement": [{"item": [review, draw(_JSON)]}, draw(_JSON)]},
           "api": {"claims": [{"text": draw(_JSON), "claimant": draw(_JSON),
                               "claimReview": [draw(_JSON), {k: draw(_JSON) for k in ("url", "publisher",
                                                                                    "textualRating")}]}]},
           "html": None}[shape]
    if shape == "html":
        return b'<html><script type="application/ld+json">' + json.dumps(review).encode() + b"</script></html>"
    return json.dumps(doc).encode()


@settings(max_examples=150, deadline=None)
@given(_documents())
def test_any_claimreview_shaped_document_gives_rows_or_reasons_never_a_crash(data):
    try:
        rows = list(read_rows(data))
    except UnsupportedFormatError:
        return
    for row in rows:
        assert (row.claim is None) != (row.error is None)
        if row.claim is not None:
            assert isinstance(row.claim, ClaimIn) and 3 <= len(row.claim.text) <= 1000
