"""Golden pages: the default claim store matched against saved web pages.

Each fixtures/pages/<slug>.html has a <slug>.expected.json beside it that lists every
(claim_id, passage) pair a reader should see flagged on that page, and the test
asserts that the matcher finds exactly those: the right claim, a span over the right
passage, and nothing else. fixtures/README.md explains the format and how to add a page.
"""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest

from claimnotes.app import seed_store
from claimnotes.matcher import ClaimIndex, Match, match_blocks
from claimnotes.pagetext import extract_blocks
from claimnotes.schemas import ClaimIn
from claimnotes.store import ClaimStore

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = FIXTURES / "pages"
SLUGS = sorted(p.name.removesuffix(".expected.json") for p in PAGES.glob("*.expected.json"))

# A match "is on" an expected passage when the two spans share at least this share of
# the shorter one: a whole-sentence match over a listed clause passes, and so does a
# clause match inside a listed sentence, but a match on the neighbouring sentence that
# only touches the passage does not.
MIN_OVERLAP = 0.5
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_NOTE = 400  # fixtures stay well under the API's 1000
MAX_VARIANTS = 12  # the API's limit is 50


class Expected(msgspec.Struct, forbid_unknown_fields=True):
    """One passage that must be flagged, with the claim(s) whose note fits it."""

    claim_id: str
    quote: str
    or_claim_ids: list[str] = []  # other claims whose note is equally right here
    or_quotes: list[str] = []  # other passages in the same block stating the same claim
    why: str = ""


class ExpectedPage(msgspec.Struct, forbid_unknown_fields=True):
    matches: list[Expected]
    page: str = ""
    about: str = ""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf16_slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le")


def load_claims() -> list[ClaimIn]:
    lines = (FIXTURES / "claims.jsonl").read_text(encoding="utf-8").splitlines()
    return [msgspec.json.decode(line, type=ClaimIn) for line in lines if line.strip()]


def load_page(slug: str) -> tuple[list[tuple[str, str]], ExpectedPage]:
    blocks = extract_blocks((PAGES / f"{slug}.html").read_text(encoding="utf-8"))
    expected = msgspec.json.decode((PAGES / f"{slug}.expected.json").read_bytes(), type=ExpectedPage)
    return blocks, expected


def find_passage(blocks: list[tuple[str, str]], passage: str) -> list[tuple[str, int, int]]:
    """(block_id, start, end) in UTF-16 units for every place the passage occurs."""
    spans = []
    for block_id, text in blocks:
        at = text.find(passage)
        while at != -1:
            start = utf16_len(text[:at])
            spans.append((block_id, start, start + utf16_len(passage)))
            at = text.find(passage, at + 1)
    return spans


def is_on(match: Match, span: tuple[str, int, int]) -> bool:
    block_id, start, end = span
    if match.block_id != block_id:
        return False
    shared = min(match.end, end) - max(match.start, start)
    return shared > 0 and shared >= MIN_OVERLAP * min(match.end - match.start, end - start)


@pytest.fixture(scope="module")
def claims() -> list[ClaimIn]:
    return load_claims()


@pytest.fixture(scope="module")
def default_index(claims: list[ClaimIn]) -> ClaimIndex:
    return ClaimIndex.build((c.id, [c.text, *c.variants]) for c in claims if c.status == "published")


def test_default_store_is_well_formed(claims: list[ClaimIn]) -> None:
    ids = [c.id for c in claims]
    assert len(ids) == len(set(ids)), "duplicate claim ids"
    assert len(claims) >= 90
    wordings: dict[str, str] = {}
    for c in claims:
        assert c.id and SLUG_RE.match(c.id), c.id
        assert c.status == "published" and c.lang == "en", c.id
        # Curators write as many common wordings as a myth has (the API allows 50); 12 keeps
        # the default store a curated list, not a dump of every paraphrase.
        assert 2 <= len(c.variants) <= MAX_VARIANTS, c.id
        assert len(c.note) <= MAX_NOTE, (c.id, len(c.note))
        assert c.tags, c.id
        assert all(s.url.startswith("https://") and s.title for s in c.sources), c.id
        for wording in (c.text, *c.variants):
            key = " ".join(wording.lower().split())
            assert wordings.setdefault(key, c.id) == c.id, f"{c.id} and {wordings[key]} share {wording!r}"


def test_default_store_seeds_a_new_database(tmp_path: Path, claims: list[ClaimIn]) -> None:
    store = ClaimStore.open(str(tmp_path / "claims.db"))
    try:
        assert seed_store(store, str(FIXTURES / "claims.jsonl")) == len(claims)
        assert seed_store(store, str(FIXTURES / "claims.jsonl")) == 0  # only into an empty store
    finally:
        store.close()


def test_every_page_has_expectations() -> None:
    html = {p.name.removesuffix(".html") for p in PAGES.glob("*.html")}
    assert html == set(SLUGS)
    assert len(SLUGS) >= 6


@pytest.mark.parametrize("slug", SLUGS)
def test_expected_passages_are_on_the_page(slug: str, claims: list[ClaimIn]) -> None:
    blocks, expected = load_page(slug)
    ids = {c.id for c in claims}
    for exp in expected.matches:
        for claim_id in (exp.claim_id, *exp.or_claim_ids):
            assert claim_id in ids, f"{slug}: unknown claim {claim_id}"
        places = find_passage(blocks, exp.quote)
        assert places, f"{slug}: passage not on the page: {exp.quote!r}"
        assert len({b for b, _, _ in places}) == len(places), f"{slug}: passage twice in one block: {exp.quote!r}"
        for alt in exp.or_quotes:
            alt_places = find_passage(blocks, alt)
            assert len(places) == 1 and len(alt_places) == 1, f"{slug}: ambiguous alternative {alt!r}"
            assert alt_places[0][0] == places[0][0], f"{slug}: alternative passage in another block: {alt!r}"


@pytest.mark.parametrize("slug", SLUGS)
def test_golden_page(slug: str, default_index: ClaimIndex) -> None:
    blocks, expected = load_page(slug)
    text_of = dict(blocks)
    matches = match_blocks(blocks, default_index)
    for m in matches:
        assert m.quote == utf16_slice(text_of[m.block_id], m.start, m.end)

    # One slot per place a listed passage occurs (a forum signature repeats in every
    # post, so it must be flagged in every post); alternatives widen a slot.
    slots = []
    for exp in expected.matches:
        alts = [s for q in exp.or_quotes for s in find_passage(blocks, q)]
        for place in find_passage(blocks, exp.quote):
            slots.append((exp, {exp.claim_id, *exp.or_claim_ids}, [place, *alts]))
    unclaimed = list(matches)
    missing = []
    # Slots without alternatives first, so a flexible slot cannot take their match.
    for exp, allowed, spans in sorted(slots, key=lambda s: len(s[1]) + len(s[2])):
        hit = next((m for m in unclaimed if m.claim_id in allowed and any(is_on(m, s) for s in spans)), None)
        if hit is None:
            found_there = [f"{m.claim_id} {m.score:.0f} {m.quote!r}" for m in matches if m.block_id == spans[0][0]]
            missing.append(f"  {exp.claim_id} in {spans[0][0]} @ {exp.quote!r}\n    block has: {found_there}")
        else:
            unclaimed.remove(hit)
    unexpected = [f"  {m.claim_id} {m.score:.0f} in {m.block_id}: {m.quote!r}" for m in unclaimed]
    assert not missing and not unexpected, (
        f"{slug}: {len(missing)} expected pair(s) not found, {len(unexpected)} unexpected match(es)\n"
        "missing:\n" + "\n".join(missing) + "\nunexpected:\n" + "\n".join(unexpected))
