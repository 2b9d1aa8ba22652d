"""The compiled match loop (claimnotes._aligner.align_units) gives what the Python loop
(matcher._unit_results with aligner.align) gives, result for result: the same claims in
the same order, spans, scores and parts (compared by repr: equal reprs are equal bits
and show a dict's key order)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import require_extension, speed_bench

from claimnotes import aligner, matcher
from claimnotes.claim_index import ClaimIndex
from claimnotes.matcher import _names_only_both, _own_terms, _unit_results
from claimnotes.terms import sentence_units

REPO = Path(__file__).resolve().parents[1]
compiled = aligner._aligner
needs_compiled = pytest.mark.skipif(compiled is None, reason="claimnotes._aligner is not built")


def test_the_matcher_uses_it() -> None:
    require_extension(compiled, "claimnotes._aligner")
    pure = os.environ.get("CLAIMNOTES_PURE_PYTHON") == "1"
    assert matcher.align_units is (None if pure else compiled.align_units)


def both(units, candidates, index: ClaimIndex, threshold: float) -> int:
    """The two loops' results, asserted equal (and the own-terms dicts they fill): how many."""
    own_py: dict = {}
    expected = [_unit_results(u, ids, index, threshold, own_py) for u, ids in zip(units, candidates)]
    own_c: dict = {}
    got = compiled.align_units(units, candidates, index._entries, index._wcache, index._entry_weights, own_c,
                               lambda claim: _own_terms(index, claim), _names_only_both, threshold)
    assert repr(got) == repr(expected)
    assert own_c == own_py
    return sum(map(len, expected))


def read_claims() -> list[tuple[str, list[str]]]:
    rows = [json.loads(line) for path in (REPO / "fixtures/claims.jsonl", REPO / "fixtures/eval/claims.jsonl")
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["id"], [r["text"], *r.get("variants", [])]) for r in rows]


def sharing(index: ClaimIndex, units) -> list[list[int]]:
    """Per unit, every entry that shares a term with it (the reference's pairs, fewer)."""
    by_term: dict[str, list[int]] = {}
    for e_id, entry in enumerate(index._entries):
        for t in dict.fromkeys(entry.terms if entry else ()):
            by_term.setdefault(t, []).append(e_id)
    return [sorted({e for t in u.termset if t is not None for e in by_term.get(t, ())}) for u in units]


@needs_compiled
def test_the_same_on_the_eval_pages() -> None:
    # Every labelled page against the eval store: the candidates at three floors, and
    # every entry sharing a term, in order and reversed (a claim's texts met in either order).
    index = ClaimIndex.build(read_claims())
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "fixtures/eval").glob("**/pages/*.txt"))]
    units = [u for text in texts for u in sentence_units(text)]
    assert len(units) > 3000
    every = sharing(index, units)
    index.remove("vaccines-autism")   # its entries are None in the index now
    found = 0
    for threshold in (62.0, 50.0, 20.0):
        index._wcache.clear()   # weights made on the way (weights_of) as well as cached ones
        found += both(units, index._candidates(units, threshold), index, threshold)
    for ids in (every, [e[::-1] for e in every]):
        found += both(units, ids, index, 40.0)
    assert found > 1000


@needs_compiled
def test_the_same_on_the_speed_bench_page_with_near_copies() -> None:
    # bench/speed.py's page against the 1,000 claims it pastes from and 29 near-copies of
    # each (two words swapped), as in its 1M store: a pasted claim meets 30 candidates
    # that differ by a word or a name.
    blocks, index = speed_bench(1000, 30_000)
    units = [u for _, text in blocks for u in sentence_units(text)]
    every = sharing(index, units)
    assert both(units, every, index, 50.0) > 100
    assert both(units, every, index, 0.0) > 100


WORDS = ("vaccines cause autism kids Smith Jones voted close 12 hospitals 2020 bats are blind not no "
         "the in and cure cancer x").split()
texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)


@needs_compiled
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from("abc"), st.lists(texts, min_size=1, max_size=3)), min_size=1, max_size=6),
       st.lists(texts, min_size=1, max_size=4), st.data())
def test_the_same_on_random_claims_and_orders(claims, sentences, data) -> None:
    # Claims of several texts (own terms), two-word texts (_names_only_both), repeated
    # and removed entries, any order and threshold.
    index = ClaimIndex.build(claims)
    n = len(index._entries)
    if data.draw(st.booleans()):
        index.remove(claims[0][0])
    units = [u for s in sentences for u in sentence_units(s)]
    ids = [data.draw(st.lists(st.integers(0, max(0, n - 1)), max_size=12)) if n else [] for _ in units]
    both(units, ids, index, data.draw(st.sampled_from([0.0, 40.0, 50.0, 62.0, 100.0])))


@needs_compiled
def test_units_it_does_not_take_go_to_align_py() -> None:
    # A unit whose termset is not a set: every entry is align_py's (through the fallback).
    index = ClaimIndex.build(read_claims()[:200])
    units = sentence_units("Vaccines cause autism, and chemo spreads cancer in 12 weeks.")
    odd = [type(u)(**{f: getattr(u, f) for f in u.__struct_fields__}) for u in units]
    for u in odd:
        u.termset = set(u.termset) | {"extra"}   # a set (taken)...
    both(odd, sharing(index, odd), index, 0.0)
    for u in odd:
        u.termset = list(u.termset)              # ...a list (not taken)
    both(odd, sharing(index, units), index, 0.0)


@needs_compiled
def test_errors_are_raised_and_nothing_leaks() -> None:
    index = ClaimIndex.build(read_claims()[:200] + [("koala", ["Koalas are bears."])])
    units = sentence_units("Vaccines cause autism, and chemo spreads cancer in 12 weeks. Koala bear plushies!")
    ids = sharing(index, units)
    args = [units, ids, index._entries, index._wcache, index._entry_weights, {},
            lambda claim: _own_terms(index, claim), _names_only_both, 50.0]
    for k, bad in [(3, []), (5, None), (4, 1), (6, "x"), (7, None), (8, "50")]:
        with pytest.raises(TypeError):
            compiled.align_units(*args[:k], bad, *args[k + 1:])
    with pytest.raises(TypeError):
        compiled.align_units(*args[:8])
    with pytest.raises(IndexError):
        compiled.align_units(units, [[len(index._entries)]], *args[2:])

    def boom(*_):
        raise KeyError("boom")
    for k in (4, 6, 7):   # the callbacks' errors come through
        with pytest.raises(KeyError):
            compiled.align_units(units, ids, index._entries, {}, *args[4:k], boom, *args[k + 1:])
    own = {}
    first = compiled.align_units(*args[:5], own, *args[6:])
    watched = [*units, *(index._entries[e] for e in ids[0]), index._wcache, own, *own.values(),
               *(index._wcache[e] for e in ids[0])]
    before = [sys.getrefcount(o) for o in watched]
    for _ in range(300):
        again = compiled.align_units(*args[:5], own, *args[6:])
    assert repr(again) == repr(first) and sum(map(len, first)) > 0
    del again
    assert [sys.getrefcount(o) for o in watched] == before


@needs_compiled
@pytest.mark.parametrize("order", [[0, 1], [1, 0]])
def test_a_tie_keeps_the_first_text(order: list[int]) -> None:
    # Two texts of one claim scoring the same on spans of the same length: the text met
    # first keeps the claim's place (a tie replaces nothing).
    index = ClaimIndex.build([("pets", ["cats hate water", "dogs hate water"])])
    (unit,) = sentence_units("Cats hate water and dogs hate water.")
    expected_span = {0: (0, 2), 1: (4, 6)}[order[0]]
    assert both([unit], [order], index, 50.0) == 1
    ((found,),) = matcher._results([unit], [order], index, 50.0)
    assert found[:4] == ("pets", *expected_span, 100.0)


@needs_compiled
@pytest.mark.parametrize("first", ["entry", "other", "none"])
def test_entries_of_another_type_give_the_same(first: str) -> None:
    # align_units fetches an Entry's claim, terms and names ahead through the slots of
    # the first entry's type; entries of another type (here every other one, plain
    # objects with the same attributes), a first entry of another type or a removed
    # one (None) are read as they come, with the same results.
    claims = read_claims()[:300]
    index = ClaimIndex.build(claims)
    units = sentence_units("Vaccines cause autism, and chemo spreads cancer in 12 weeks. Bats are blind.")
    ids = sharing(index, units)
    if first == "none":
        index.remove(claims[0][0])
    mixed = [SimpleNamespace(**{f: getattr(e, f) for f in e.__struct_fields__}) if e is not None and k % 2 else e
             for k, e in enumerate(index._entries)]
    if first == "other":
        mixed[0] = SimpleNamespace(**{f: getattr(mixed[0], f) for f in mixed[0].__struct_fields__})
    index._entries = mixed
    assert both(units, ids, index, 40.0) > 5
