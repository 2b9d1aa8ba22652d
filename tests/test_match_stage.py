"""What the match stage's shortcuts rely on (matcher._unit_results, _resolve): each is
checked against the plain definition it replaces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimnotes import aligner
from claimnotes.aligner import align_py
from claimnotes.matcher import ClaimIndex, _results, _spans, _unhidden, match_blocks, reference_match_blocks
from claimnotes.terms import sentence_units

REPO = Path(__file__).resolve().parents[1]
ALIGNERS = [align_py] + ([aligner._aligner.align] if aligner._aligner is not None else [])


def dev_index_and_texts() -> tuple[ClaimIndex, list[str]]:
    rows = [json.loads(line) for path in (REPO / "fixtures/claims.jsonl", REPO / "fixtures/eval/claims.jsonl")
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    index = ClaimIndex.build([(r["id"], [r["text"], *r.get("variants", [])]) for r in rows])
    return index, [p.read_text(encoding="utf-8") for p in sorted((REPO / "fixtures/eval/pages").glob("*.txt"))]


@pytest.mark.parametrize("align", ALIGNERS, ids=lambda f: f.__module__)
def test_a_floor_only_cuts_windows_that_score_less(align) -> None:
    # _unit_results aligns a claim's next text with the claim's best score so far as the
    # floor: that may only drop a text that scores less, never change what a text gives.
    # And the bound behind it (guards that fail in every window included) never drops a
    # text that reaches the floor.
    index, texts = dev_index_and_texts()
    by_term: dict[str, list[int]] = {}
    for e_id, entry in enumerate(index._entries):
        for t in dict.fromkeys(entry.terms):
            by_term.setdefault(t, []).append(e_id)
    checked = cut = 0
    for text in texts:
        for unit in sentence_units(text):
            for e_id in sorted({e for t in unit.termset if t is not None for e in by_term.get(t, ())}):
                entry = index._entries[e_id]
                weight = index._entry_weights(e_id, entry)
                full = align(unit, entry, weight, 0.0)
                if full is None:
                    continue
                checked += 1
                assert align(unit, entry, weight, full[0]) == full   # a tie is still returned
                for floor in (full[0] + 1e-6, full[0] + 1.0, full[0] + 20.0):
                    assert align(unit, entry, weight, floor) in (None, full)
                for floor in (20.0, 40.0, 50.0, 62.0):
                    if full[0] >= floor:
                        assert align(unit, entry, weight, floor) == full
                    else:
                        cut += align(unit, entry, weight, floor) is None
    assert checked > 1000 and cut > 500


found_lists = st.lists(st.tuples(
    st.sampled_from("abcd"), st.integers(0, 30), st.integers(1, 12), st.floats(40.0, 100.0),
    st.integers(0, 6)).map(lambda g: (g[0], g[1], g[1] + g[2], g[3], {"terms": float(g[4])}, (0, 50))),
    max_size=40)


@settings(max_examples=300, deadline=None)
@given(found_lists, st.sampled_from([50.0, 55.0, 62.0]))
def test_unhidden_is_the_pairwise_definition(found, floor) -> None:
    def hidden(f) -> bool:
        return any(g[0] != f[0] and g[1] <= f[1] and f[2] <= g[2] and g[4]["terms"] > f[4]["terms"]
                   for g in found if g[3] >= floor)
    assert _unhidden(found, _spans(found, floor)) == [f for f in found if not hidden(f)]


def test_entry_weights_hold_each_distinct_term_once() -> None:
    # _unit_results tells a two-word claim text (_names_only_both) by its weights' length.
    index = ClaimIndex.build([("bats", ["Bats are blind, bats are."]), ("cancer", ["Cancer causes cancer."])])
    for e_id, entry in enumerate(index._entries):
        assert len(entry.terms) > len(set(entry.terms))
        assert list(index._entry_weights(e_id, entry)) == list(dict.fromkeys(entry.terms))
    blocks = [("b", "Bats and blind cave fish live down there.")]
    assert match_blocks(blocks, index) == reference_match_blocks(blocks, index) == []


@pytest.mark.parametrize(("page", "span"), [
    ("My neighbour says vaccines cause autism in young kids.", (3, 5)),   # 100, and 89 for "... in kids"
    ("Vaccines cause autism in kids, my neighbour says.", (0, 2)),        # 100 twice: the shorter span
])
@pytest.mark.parametrize("order", [[0, 1], [1, 0]])
def test_a_claims_best_text_wins_whatever_its_order(page: str, span: tuple[int, int], order: list[int]) -> None:
    index = ClaimIndex.build([("autism", ["Vaccines cause autism.", "vaccines cause autism in kids"]),
                              ("bats", ["Bats are blind."])])
    ((found,),) = _results(sentence_units(page)[:1], [order], index, 50.0)
    assert found[:4] == ("autism", *span, 100.0)


def test_a_claims_own_words_follow_its_new_texts() -> None:
    # The claim's own words (_own_terms) are kept by the index from page to page; a
    # change to the claim must drop them, or its new wording is held to the old words.
    index = ClaimIndex.build([
        ("mercury", ["Mercury is the hottest planet.", "The hottest planet is Mercury."]),
        ("venus", ["Venus is a planet with no atmosphere."]),
        ("mars", ["Mars is the planet closest to the Sun."]),
    ])
    assert [m.claim_id for m in match_blocks([("b", "Mercury is the hottest planet.")], index)] == ["mercury"]
    assert "hottest" in index._owncache["mercury"]
    index.upsert("mercury", ["Mercury is the smallest planet.", "The smallest planet is Mercury."])
    found = match_blocks([("b", "Mercury is the smallest planet.")], index)
    assert [m.claim_id for m in found] == ["mercury"]
    assert "smallest" in index._owncache["mercury"] and "hottest" not in index._owncache["mercury"]


def test_a_claims_facts_follow_its_new_texts() -> None:
    # The facts unasserted.py asks of a claim (matcher._claim_of) are kept by the index
    # too: a claim that now says the denial must keep a page's span that reports it.
    index = ClaimIndex.build([("gates", ["Bill Gates said 640K of memory ought to be enough for anybody."]),
                              ("other", ["Vaccines cause autism."])])
    page = [("b", "Gates has always denied saying that 640K of memory ought to be enough for anybody.")]
    assert match_blocks(page, index) == []
    assert "deni" not in index._claimcache["gates"][1]
    index.upsert("gates", ["Bill Gates denied saying 640K of memory ought to be enough for anybody."])
    assert [m.claim_id for m in match_blocks(page, index)] == ["gates"]
