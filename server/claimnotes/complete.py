"""A claim said whole inside a longer sentence (pure).

The aligner's similarity counts every word of the span that the claim text lacks, so a
sentence that says all of a claim, in the claim's order, with the reader's own words in
between ("she's convinced it's a nasty chemical that gives everyone headaches and makes
them ill", "fluoride was 'a by-product ... dumped into our drinking water to poison us'")
scores under the threshold: Indel similarity is 2n / (n + m) for n claim terms in a span
of m. A span that holds every term of one of the claim's texts, once each and in that
text's order, inside one sentence, with no guard failed, is raised by up to
``COMPLETE_BONUS``, but not past ``CEILING`` (the default threshold): it is returned at
the default threshold, and nothing that already scored more is re-ranked.

Not for:

- texts of fewer than ``MIN_TERMS`` distinct terms, or ``MIN_OWN`` that are not names: a
  short claim's two words in one sentence are often a true statement on its topic, and a
  topic title ("Donald Trump on Obamacare", "Is This a Photograph of a Young Donald
  Trump?") is met by any sentence on its topic that names it;
- a span where a term of the text comes twice: two clauses that share a verb ("penguins
  live in the southern hemisphere, polar bears live in the arctic" is not "penguins live in
  the arctic");
- a span across a sentence end (a pair of sentences read together: "Cinco de Mayo
  remembers the Battle of Puebla. Mexico's Independence Day is September 16.");
- results under the matcher's cache floor (``floor``), so that the cached path, the fresh
  path and the reference raise the same results.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from claimnotes.aligner import TOLERANCE
from claimnotes.terms import Unit

COMPLETE_BONUS = 8.0   # a complete span scores up to this much more...
CEILING = 62.0         # ...but not past this (matcher.DEFAULT_THRESHOLD)
MIN_TERMS = 3          # distinct terms a claim text needs...
MIN_OWN = 2            # ...and terms that are not names (capitalised)
GUARDS = ("names", "numbers", "negation", "distinct")
FULL = 1.0 - TOLERANCE  # coverage 1: every distinct term of the claim text is in the span
_SENTENCE_END = re.compile(r"[.!?;](?=\s)")

Result = tuple[str, int, int, float, dict[str, float]]


def once_in_order(need: Sequence[str], have: Sequence[str | None]) -> bool:
    """Whether ``have`` holds the words of ``need`` in its order, each as often as ``need``
    has it (other words between them)."""
    wanted = set(need)
    if sum(t in wanted for t in have) != len(need):
        return False
    it = iter(have)
    return all(t in it for t in need)


def lifted(text: str, unit: Unit, results: list[Result],
           texts: Callable[[str], Sequence[tuple[tuple[str, ...], tuple[str, ...]]]], floor: float) -> list[Result]:
    """``results`` with each complete span raised (see above); ``text``: the unit's block,
    ``texts``: the terms and names of a claim's texts."""
    out = results
    for n, (claim, i, j, score, parts) in enumerate(results):
        if (not floor <= score < CEILING or parts["coverage"] < FULL
                or any(parts[g] != 1.0 for g in GUARDS)):
            continue
        span = unit.terms[i:j + 1]
        if (any(len(set(terms)) >= MIN_TERMS and len(set(terms).difference(names)) >= MIN_OWN
                and once_in_order(terms, span)
                for terms, names in texts(claim))
                and not _SENTENCE_END.search(text, unit.tokens[i].end, unit.tokens[j].start)):
            if out is results:
                out = list(results)
            out[n] = (claim, i, j, min(CEILING, score + COMPLETE_BONUS), parts)
    return out
