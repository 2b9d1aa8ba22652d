"""The pure matcher: spans, guards, index updates, explain, find_similar."""

from __future__ import annotations

import pytest

from claimnotes.matcher import (DEFAULT_THRESHOLD, ClaimIndex, Match, find_similar, match_blocks,
                                reference_match_blocks)

CLAIMS = [
    ("chemo-spreads", ["Chemotherapy causes cancer to spread.", "chemo spreads cancer through the body"]),
    ("bats-blind", ["Bats are blind."]),
    ("vaccines-autism", ["Vaccines cause autism.", "the MMR vaccine causes autism"]),
    ("smith-hospitals", ["Smith voted to close 12 hospitals."]),
    ("einstein-math", ["Einstein failed math."]),
    ("brain-10", ["We only use 10% of our brains."]),
    ("earth-flat", ["The Earth is flat."]),
    ("cancer-fungus", ["Cancer is a fungus."]),
]


@pytest.fixture(scope="module")
def index() -> ClaimIndex:
    return ClaimIndex.build(CLAIMS)


def found(text: str, index: ClaimIndex, **kw: object) -> list[tuple[str, str]]:
    return [(m.claim_id, m.quote) for m in match_blocks([("b", text)], index, **kw)]


@pytest.mark.parametrize(("text", "claim", "quote"), [
    ("My aunt says chemotherapy causes cancer to spread. I disagree.", "chemo-spreads",
     "My aunt says chemotherapy causes cancer to spread."),
    ("Chemo spreads cancer through the body!!", "chemo-spreads", "Chemo spreads cancer through the body!!"),
    ("Did you know Einstein flunked math?", "einstein-math", "Did you know Einstein flunked math?"),
    ("Fun fact: we only use ten percent of our brains.", "brain-10", "we only use ten percent of our brains."),
    ("We only use 10 per cent of our brains", "brain-10", "We only use 10 per cent of our brains"),
    ("Smith voted to close 12 hospitals last year.", "smith-hospitals", "Smith voted to close 12 hospitals last year."),
    ("THE EARTH IS FLAT!!!", "earth-flat", "THE EARTH IS FLAT!!!"),
    ("\u201cVaccines cause autism,\u201d he wrote.", "vaccines-autism", "\u201cVaccines cause autism,\u201d he wrote."),
    ("Vaccines cause autism and nobody will admit it.", "vaccines-autism",
     "Vaccines cause autism and nobody will admit it."),
    ("Kids today don't know that vaccines cause autism.", "vaccines-autism",
     "Kids today don't know that vaccines cause autism."),
])
def test_finds_claim_with_sentence_span(text: str, claim: str, quote: str, index: ClaimIndex) -> None:
    assert (claim, quote) in found(text, index)


@pytest.mark.parametrize("text", [
    "Bats are the only mammals capable of true flight.",      # shares words with a short claim
    "Jones voted to close 12 hospitals.",                     # another name
    "Smith voted to close 3 hospitals.",                      # another number
    "Vaccines do not cause autism.",                          # negated
    "It is not true that vaccines cause autism.",
    "The weather today is lovely and the cancer ward got a new roof.",
    "Einstein was good at math.",
])
def test_does_not_fire(text: str, index: ClaimIndex) -> None:
    assert found(text, index) == []


def test_offsets_are_utf16_units(index: ClaimIndex) -> None:
    text = "\U0001f600\U0001f600 ok. Cancer is a fungus."
    (m,) = match_blocks([("b", text)], index)
    units = text.encode("utf-16-le")
    assert units[2 * m.start:2 * m.end].decode("utf-16-le") == m.quote == "Cancer is a fungus."
    assert m.start == len("\U0001f600\U0001f600 ok. ") + 2


def test_one_match_per_claim_per_block_and_sorting(index: ClaimIndex) -> None:
    blocks = [("b2", "Cancer is a fungus. Also, cancer is a fungus, truly. The Earth is flat."),
              ("b1", "Vaccines cause autism.")]
    ms = match_blocks(blocks, index)
    assert [(m.block_id, m.claim_id) for m in ms] == [
        ("b2", "cancer-fungus"), ("b2", "earth-flat"), ("b1", "vaccines-autism")]
    assert ms[0].quote == "Cancer is a fungus."
    assert all(isinstance(m, Match) and m.parts is None for m in ms)


def test_overlapping_spans_are_resolved() -> None:
    index = ClaimIndex.build([("short", ["The Earth is flat."]),
                              ("long", ["People in Columbus's time believed the Earth was flat."])])
    ms = match_blocks([("b", "In Columbus's time people believed the earth was flat.")], index)
    assert [m.claim_id for m in ms] == ["long"]


def test_two_claims_in_one_sentence_keep_their_own_words(index: ClaimIndex) -> None:
    ms = match_blocks([("b", "They say vaccines cause autism and that cancer is a fungus.")], index)
    quotes = {m.claim_id: m.quote for m in ms}
    assert set(quotes) == {"vaccines-autism", "cancer-fungus"}
    spans = sorted((m.start, m.end) for m in ms)
    assert spans[0][1] <= spans[1][0]


def test_explain_gives_parts(index: ClaimIndex) -> None:
    (m,) = match_blocks([("b", "Cancer is a fungus.")], index, explain=True)
    assert m.parts is not None
    assert {"coverage", "similarity", "names", "numbers", "negation"} <= set(m.parts)
    assert m.parts["coverage"] == 1.0 and m.score == 100.0


def test_threshold_filters(index: ClaimIndex) -> None:
    text = "chemotherapy spreads cancer, apparently, to the organs"
    (m,) = match_blocks([("b", text)], index, threshold=0)
    assert m.score < 100
    assert match_blocks([("b", text)], index, threshold=m.score + 0.01) == []


def test_upsert_and_remove_take_effect_on_next_call() -> None:
    index = ClaimIndex.build(CLAIMS)
    text = "Goldfish have a three second memory."
    assert found(text, index) == []          # also fills the cache
    index.upsert("goldfish", ["Goldfish have a 3-second memory."])
    assert found(text, index) == [("goldfish", text)]
    assert len(index) == len(CLAIMS) + 1
    index.upsert("goldfish", ["Goldfish cannot swim."])   # replaced, not added
    assert found(text, index) == []
    assert len(index) == len(CLAIMS) + 1
    index.upsert("goldfish", ["Goldfish have a 3-second memory."])
    index.remove("goldfish")
    assert found(text, index) == []
    index.remove("never-there")
    assert len(index) == len(CLAIMS)


def test_many_upserts_compact_and_still_match() -> None:
    index = ClaimIndex.build(CLAIMS)
    for i in range(600):
        index.upsert(f"c{i}", [f"Zorblax{i} causes quintessential flibber{i} syndrome."])
    for i in range(0, 600, 2):
        index.remove(f"c{i}")
    assert len(index) == len(CLAIMS) + 300
    assert found("Zorblax7 causes quintessential flibber7 syndrome.", index)[0][0] == "c7"
    assert found("Zorblax8 causes quintessential flibber8 syndrome.", index) == []


def test_empty_index_and_empty_input() -> None:
    empty = ClaimIndex.build([])
    assert len(empty) == 0
    assert match_blocks([("b", "Cancer is a fungus.")], empty) == []
    assert find_similar("Cancer is a fungus.", empty) == []
    index = ClaimIndex.build(CLAIMS)
    assert match_blocks([], index) == []
    assert match_blocks([("b", "")], index) == []
    assert find_similar("", index) == []


def test_texts_must_be_strings() -> None:
    with pytest.raises(ValueError):
        ClaimIndex.build([("x", [None])])  # type: ignore[list-item]


def test_long_sentence_uses_windows(index: ClaimIndex) -> None:
    filler = " ".join(f"word{i}" for i in range(150))
    text = f"{filler} and vaccines cause autism and {filler}"
    (m,) = match_blocks([("b", text)], index)
    assert m.claim_id == "vaccines-autism"
    assert m.quote == "vaccines cause autism"  # the sentence is too long to quote whole


def test_find_similar_ranks_best_first(index: ClaimIndex) -> None:
    res = find_similar("is chemo really spreading the cancer?", index, limit=3)
    assert res[0][0] == "chemo-spreads"
    assert [s for _, s in res] == sorted((s for _, s in res), reverse=True)
    assert all(0 <= s <= 100 for _, s in res)
    assert len(find_similar("cancer", index, limit=1)) == 1


def test_default_threshold_is_a_score() -> None:
    assert 0 < DEFAULT_THRESHOLD < 100


PAGES = [
    "My uncle swears chemo spreads cancer through the body. He also thinks the Earth is flat!",
    "Smith voted to close 12 hospitals. Jones voted to close 12 hospitals. Bats are blind.",
    "\U0001f987 bats r blind lol. Vaccines don't cause autism. The MMR vaccine causes autism, she said.",
]


@pytest.mark.parametrize("page", PAGES)
def test_fast_path_agrees_with_reference(page: str, index: ClaimIndex) -> None:
    blocks = [(f"b{i}", p) for i, p in enumerate(page.split(". "))] + [("all", page)]
    assert match_blocks(blocks, index) == reference_match_blocks(blocks, index)
