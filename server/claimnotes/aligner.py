"""The word-level aligner: the best span of a unit for one claim text, and its score.

score = 100 * coverage**COVERAGE_POWER * similarity**SIMILARITY_POWER, times a
GUARD_FACTOR for each guard that fails (names, numbers, negation, a distinctive
word). Pure; see docs/matching.md for why each part exists.

``align`` is the compiled ``claimnotes._aligner.align`` when the extension is
built (same results, bit for bit; tests/test_aligner_speedups.py), else
``align_py``; ``align_units`` is the matcher's loop over a batch of units and their
candidates compiled (tests/test_align_units.py), else None. CLAIMNOTES_PURE_PYTHON=1
in the environment keeps the Python code (benchmarks and tests of the fallback).
"""

from __future__ import annotations

import math

from rapidfuzz.distance import Indel

from claimnotes.terms import Entry, Unit, negated
from claimnotes.textnorm import PURE_PYTHON

MIN_COVERAGE = 0.65    # a span must hold this share of a claim's IDF weight, or score 0
NEGATION_REACH = 4     # a negation this many words before a span still negates it...
NEGATION_AFTER = 2     # ...and a "not" this many after ("because most do not"), both in
                       # the span's sentence (a pair's ``wall``: "... sharks never get
                       # cancer. Didn't help him" keeps the "never")
COUNT_SHARE = 0.0      # coverage = mix of IDF-weighted and plain term counts: rare words
                       # alone ("Apollo 11") must not stand for a whole claim
COVERAGE_POWER = 0.5   # score = 100 * coverage**COVERAGE_POWER * similarity**SIMILARITY_POWER
SIMILARITY_POWER = 1.0  # similarity: rapidfuzz Indel over the term sequences (order, extra words)
MISSING_SHARE = 0.3    # a claim word missing from the span that carries more than this share
                       # of the claim's weight ("turmeric" in "turmeric kills cancer cells") is a guard
GUARD_FACTOR = 0.5     # a conflicting name, missing number, flipped negation or missing
                       # distinctive word multiplies the score by this
TOLERANCE = 1e-9       # float noise: a weight sum equal to a bar in exact arithmetic passes it
ROUND_DIGITS = 4       # score parts are shown rounded to this many decimals


def idf(df: float, n: int) -> float:
    return math.log((n + 1.0) / (df + 0.5)) + 0.5


def align_py(unit: Unit, entry: Entry, weight: dict[str, float],
             floor: float = 0.0) -> tuple[float, int, int, dict[str, float]] | None:
    """Best window of ``unit`` for ``entry``: (score, first token, last token, parts).

    None when no window can score ``floor`` or more."""
    present = weight.keys() & unit.termset   # the claim's terms found in the unit
    if not present:
        return None
    total = sum(weight.values())
    present_w = sum(weight[t] for t in present)
    if total <= 0 or present_w < MIN_COVERAGE * total - TOLERANCE:
        return None
    claim_terms = weight.keys()
    terms = unit.terms
    claim_numbers = {t for t in claim_terms if t.isdigit()}
    # A capitalised word of the unit that the claim lacks, while a claim name is
    # missing: "Jones voted..." is not "Smith voted...".
    other_names = bool(unit.names - claim_terms)
    # Claim words heavy enough that missing one is a guard (see MISSING_SHARE).
    heavy = [u for u in claim_terms if weight[u] > MISSING_SHARE * total]
    # Upper bound of any window's score: all present terms covered, the best Indel
    # similarity a window holding them could reach, and the guards that fail in every
    # window, since a claim word they need is not in the unit at all (the other guards
    # can only lower a score: GUARD_FACTOR <= 1). At 1M claims this ends 408 of a
    # page's 1,370 calls here (near-copies that differ from the page in a name).
    n_claim = len(entry.terms)
    common = sum(1 for t in entry.terms if t in present)
    sim_max = 2.0 * common / (n_claim + common)
    names_always = GUARD_FACTOR if other_names and not all(u in present for u in entry.names) else 1.0
    numbers_always = 1.0 if claim_numbers <= present else GUARD_FACTOR
    distinct_always = GUARD_FACTOR if heavy and not present.issuperset(heavy) else 1.0
    if (100.0 * (present_w / total) ** COVERAGE_POWER * sim_max ** SIMILARITY_POWER
            * names_always * numbers_always * distinct_always) < floor - TOLERANCE:
        return None
    hits = [i for i, t in enumerate(terms) if t in present]
    best: tuple[float, int, int, dict[str, float]] | None = None
    need = MIN_COVERAGE * total - TOLERANCE
    negs = unit.negs
    wall = unit.wall if negs else 0
    for x, i in enumerate(hits):
        covered: set[str] = set()
        cov_w = 0.0
        window: list[str] = []   # the unit's terms from i to j (grown with j)
        grown = i
        for j in hits[x:]:
            t = terms[j]
            if t in covered:
                continue
            covered.add(t)
            cov_w += weight[t]
            if cov_w < need:
                continue
            cov = (1 - COUNT_SHARE) * cov_w / total + COUNT_SHARE * len(covered) / len(claim_terms)
            window.extend([u for u in terms[grown:j + 1] if u is not None])
            grown = j + 1
            sim = Indel.normalized_similarity(entry.terms, window)
            base = 100.0 * cov ** COVERAGE_POWER * sim ** SIMILARITY_POWER
            names = GUARD_FACTOR if other_names and not all(u in covered for u in entry.names) else 1.0
            numbers = 1.0 if claim_numbers <= covered else GUARD_FACTOR
            reach = max(0, i - NEGATION_REACH, wall if i >= wall else 0)
            neg_span = bool(negs) and bool((negs[j + 1] - negs[reach]) % 2)
            # After the span only a plain "not" counts ("because most do not"), not
            # "no"/"nobody" starting a new clause ("...mercury and nobody will tell you").
            if negs:
                for k in range(j + 1, min(len(terms), j + 1 + NEGATION_AFTER, wall if j < wall else len(terms))):
                    if unit.tokens[k].norm == "not" and negated(unit.tokens, k):
                        neg_span = not neg_span
            negation = 1.0 if neg_span == entry.neg else GUARD_FACTOR
            distinct = GUARD_FACTOR if heavy and not covered.issuperset(heavy) else 1.0
            score = base * names * numbers * negation * distinct
            if best is None or score > best[0] + TOLERANCE:
                best = (score, i, j, {"coverage": round(cov, ROUND_DIGITS),
                                      "similarity": round(sim, ROUND_DIGITS),
                                      "names": names, "numbers": numbers, "negation": negation,
                                      "distinct": distinct,
                                      "terms": float(len(covered))})
    return best


# The compiled align (markupsafe's _speedups pattern): it takes the constants from
# here, calls negated() for a "not" after the span, and hands inputs it does not
# take (weights that are not floats, ...) to align_py.
try:
    from claimnotes import _aligner
except ImportError:  # not built (no C compiler at install time): align_py serves
    _aligner = None
else:
    _aligner.configure(min_coverage=MIN_COVERAGE, count_share=COUNT_SHARE, coverage_power=COVERAGE_POWER,
                       similarity_power=SIMILARITY_POWER, missing_share=MISSING_SHARE,
                       guard_factor=GUARD_FACTOR, tolerance=TOLERANCE, negation_reach=NEGATION_REACH,
                       negation_after=NEGATION_AFTER, round_digits=ROUND_DIGITS, negated=negated,
                       fallback=align_py)

align = align_py if _aligner is None or PURE_PYTHON else _aligner.align
# matcher._unit_results for a batch of units, compiled (None: the Python loop serves).
align_units = None if _aligner is None or PURE_PYTHON else _aligner.align_units
