"""The compiled aligner (claimnotes._aligner) gives what align_py gives, bit for bit.

align_py is the reference (the simple loop, as RapidFuzz checks its C++ against its
Python). Results are compared by repr: a float's repr round-trips, so equal reprs
are equal bits (and -0.0 is not 0.0), and a dict's repr shows its key order.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType

import msgspec
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support import require_extension, speed_bench

from claimnotes import aligner
from claimnotes.aligner import COVERAGE_POWER, MIN_COVERAGE, SIMILARITY_POWER, TOLERANCE, align_py
from claimnotes.claim_index import ClaimIndex
from claimnotes.terms import Entry, Unit, analyse, make_unit, sentence_units, terms_of
from claimnotes.textnorm import Token

REPO = Path(__file__).resolve().parents[1]
compiled = aligner._aligner
needs_compiled = pytest.mark.skipif(
    compiled is None, reason="claimnotes._aligner is not built (no C compiler at install): only align_py exists")


def test_the_extension_is_built() -> None:
    require_extension(compiled, "claimnotes._aligner")
    pure = os.environ.get("CLAIMNOTES_PURE_PYTHON") == "1"
    assert aligner.align is (align_py if pure else compiled.align)


def outcome(fn, *args, **kwargs) -> str:
    try:
        return repr(fn(*args, **kwargs))
    except Exception as e:  # the same error type from both is the same outcome
        return f"raises {type(e).__name__}"


def check_same(unit: Unit, entry: Entry, weight: dict, floor: float = 0.0) -> str:
    expected = outcome(align_py, unit, entry, weight, floor)
    assert outcome(compiled.align, unit, entry, weight, floor) == expected
    return expected


# ---------------------------------------------------------------- Hypothesis

# Words whose terms repeat, differ only by stemming (cure/cures), are numbers, one
# letter long (rapidfuzz compares those by code point), stopwords or negations.
WORDS = ("cancer cancers spread vaccine vaccines autism smith jones voted close hospital 12 2020 3 x a "
         "bats blind cure cures the of is do not no never nobody because most").split()
TERMS = sorted({t for t in terms_of(list(WORDS)) if t is not None})


@st.composite
def units(draw) -> Unit:
    words = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.booleans()), min_size=1, max_size=60))
    tokens, at = [], 0
    for w, cap in words:
        tokens.append(Token(w, at, at + len(w), cap))
        at += len(w) + 1
    unit = make_unit(tokens, (0, at))
    if draw(st.booleans()):  # two sentences read as one (a pair): where the second starts
        unit = msgspec.structs.replace(unit, wall=draw(st.integers(1, len(tokens))))
    return unit


@st.composite
def entries(draw, unit: Unit) -> Entry:
    """An analysed claim, or terms drawn at will (up to 80: the long-claim LCS)."""
    if draw(st.booleans()):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12))
        caps = draw(st.lists(st.booleans(), min_size=len(words), max_size=len(words)))
        return analyse(" ".join(w.title() if c else w for w, c in zip(words, caps)), "c")
    pool = [t for t in unit.terms if t is not None] + TERMS
    terms = draw(st.lists(st.sampled_from(pool), max_size=draw(st.sampled_from([6, 12, 80]))))
    names = draw(st.lists(st.sampled_from(pool), max_size=3))
    return Entry("c", tuple(terms), tuple(sorted(set(names))), draw(st.booleans()))


weights_value = st.floats(min_value=0.01, max_value=20.0)
odd_value = st.one_of(weights_value, st.just(0.0), st.floats(-5.0, 5.0), st.integers(-3, 3),
                      st.just(1e308), st.just(math.inf), st.just(math.nan))


@st.composite
def weights(draw, entry: Entry) -> dict:
    """The index's shape (every claim term, an IDF weight), or other keys and odd values."""
    if draw(st.integers(0, 3)):
        return {t: draw(weights_value) for t in dict.fromkeys(entry.terms)}
    keys = draw(st.lists(st.sampled_from(TERMS + list(entry.terms) or TERMS), max_size=8))
    return {t: draw(odd_value) for t in keys}


floors = st.one_of(st.just(0.0), st.floats(0.0, 110.0), st.integers(0, 100))
PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@needs_compiled
@PROPERTY
@given(st.data())
def test_compiled_equals_python(data) -> None:
    unit = data.draw(units())
    entry = data.draw(entries(unit))
    check_same(unit, entry, data.draw(weights(entry)), data.draw(floors))


def bound_of(unit: Unit, entry: Entry, weight: dict) -> float:
    """align_py's score bound, computed as it does (to aim a floor at it)."""
    present = weight.keys() & unit.termset
    total = sum(weight.values())
    common = sum(1 for t in entry.terms if t in present)
    sim_max = 2.0 * common / (len(entry.terms) + common)
    return 100.0 * (sum(weight[t] for t in present) / total) ** COVERAGE_POWER * sim_max ** SIMILARITY_POWER


@needs_compiled
@PROPERTY
@given(st.data())
def test_compiled_equals_python_at_the_bars(data) -> None:
    # The compiled aligner sums the present weights in its own order and only redoes
    # the sum in align_py's order when a bar is within rounding of it. Aim at the
    # bars: the coverage gate (an absent claim term weighs just enough) and the
    # floor (the score bound itself), a few float steps either side.
    unit = data.draw(units())
    present = list(dict.fromkeys(t for t in unit.terms if t is not None))
    assume(len(present) >= 3)
    entry = Entry("c", tuple(present) + ("zzz",), (), False)
    weight = {t: data.draw(weights_value) for t in present}
    present_w = sum(weight.values())
    weight["zzz"] = (present_w + TOLERANCE) / MIN_COVERAGE - present_w
    for _ in range(data.draw(st.integers(-8, 8)), 0):
        weight["zzz"] = math.nextafter(weight["zzz"], -math.inf)
    for _ in range(0, data.draw(st.integers(0, 8))):
        weight["zzz"] = math.nextafter(weight["zzz"], math.inf)
    check_same(unit, entry, weight)
    floor = bound_of(unit, entry, weight) + TOLERANCE
    for _ in range(data.draw(st.integers(0, 4))):
        floor = math.nextafter(floor, data.draw(st.sampled_from([-math.inf, math.inf])))
    check_same(unit, entry, weight, floor)


# ---------------------------------------------------------------- real pages


def read_claims() -> list[tuple[str, list[str]]]:
    rows = [json.loads(line) for path in (REPO / "fixtures/claims.jsonl", REPO / "fixtures/eval/claims.jsonl")
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["id"], [r["text"], *r.get("variants", [])]) for r in rows]


def compare_pages(index: ClaimIndex, texts: list[str], floors: tuple[float, ...]) -> tuple[int, int]:
    """Both aligners on every (unit, entry) pair that shares a term: calls, results not None."""
    by_term: dict[str, list[int]] = {}
    for e_id, entry in enumerate(index._entries):
        for t in dict.fromkeys(entry.terms):
            by_term.setdefault(t, []).append(e_id)
    calls = found = 0
    for text in texts:
        for unit in sentence_units(text):
            for e_id in sorted({e for t in unit.termset if t is not None for e in by_term.get(t, ())}):
                entry = index._entries[e_id]
                weight = index._entry_weights(e_id, entry)
                for floor in floors:
                    calls += 1
                    found += check_same(unit, entry, weight, floor) != "None"
    return calls, found


@needs_compiled
def test_compiled_equals_python_on_the_eval_pages() -> None:
    index = ClaimIndex.build(read_claims())
    pages = sorted((REPO / "fixtures/eval").glob("**/pages/*.txt"))   # dev and held-out pages
    texts = [p.read_text(encoding="utf-8") for p in pages]
    assert len(texts) > 120
    calls, found = compare_pages(index, texts, (0.0, 62.0))
    assert calls > 20_000 and found > 1000


@needs_compiled
def test_compiled_equals_python_on_the_speed_bench_page() -> None:
    # bench/speed.py's page against the first 5,000 claims of its store.
    blocks, index = speed_bench(None, 5000)
    calls, found = compare_pages(index, [text for _, text in blocks], (0.0, 50.0))
    assert calls > 20_000 and found > 10   # mostly article text: few pairs pass the coverage gate


# ---------------------------------------------------------------- safety


def small_case() -> tuple[Unit, Entry, dict]:
    entry = analyse("Chemotherapy does not spread cancer in 12 weeks", "c")
    unit = sentence_units("They say chemotherapy will spread cancer within 12 weeks, not cure it.")[0]
    return unit, entry, {t: 1.0 + k for k, t in enumerate(dict.fromkeys(entry.terms))}


@needs_compiled
def test_errors_are_raised_not_crashes() -> None:
    unit, entry, weight = small_case()
    with pytest.raises(AttributeError):   # not a mapping: align_py's own error, as without C
        compiled.align(unit, entry, list(weight.items()))
    with pytest.raises(TypeError):
        compiled.align(unit, entry)
    with pytest.raises(TypeError):
        compiled.align(unit, entry, weight, 0.0, 1.0)
    with pytest.raises(TypeError):
        compiled.align(unit, entry, weight, threshold=1.0)
    with pytest.raises(AttributeError):
        compiled.align(object(), entry, weight)
    assert compiled.align(unit, entry, weight, floor=10) == align_py(unit, entry, weight, 10)
    # Calls the fast path does not take are align_py's to answer: the same for every call.
    assert compiled.align(unit, entry, weight=weight) == align_py(unit, entry, weight)
    assert compiled.align(unit, entry, MappingProxyType(weight)) == align_py(unit, entry, weight)
    elsewhere = sentence_units("Nothing on this line shares a word with it.")[0]
    assert compiled.align(elsewhere, entry, weight, 10**400) is align_py(elsewhere, entry, weight, 10**400) is None
    for fn in (compiled.align, align_py):   # a floor too large for a float, where align_py reads it
        with pytest.raises(OverflowError):
            fn(unit, entry, weight, 10**400)


@needs_compiled
def test_no_references_are_leaked_or_lost() -> None:
    unit, entry, weight = small_case()
    watched = [unit, entry, weight, unit.terms, unit.termset, unit.tokens, entry.terms, *weight, *weight.values()]
    before = [sys.getrefcount(o) for o in watched]
    for _ in range(2000):
        result = compiled.align(unit, entry, weight, 50.0)
    assert result is not None and result == align_py(unit, entry, weight, 50.0)
    del result
    assert [sys.getrefcount(o) for o in watched] == before


def test_pure_python_can_be_forced() -> None:
    env = {**os.environ, "CLAIMNOTES_PURE_PYTHON": "1", "PYTHONPATH": str(REPO / "server")}
    code = "from claimnotes import aligner; print(aligner.align is aligner.align_py)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
