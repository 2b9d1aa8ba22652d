"""A claim said whole inside a longer sentence (pure).

The aligner's similarity counts every word of the span that the claim text lacks, so a
sentence that says all of a claim with the reader's own words in between ("she's
convinced it's a nasty chemical that gives everyone headaches and makes them ill",
"fluoride was 'a by-product ... dumped into our drinking water to poison us'") scores
under the threshold: Indel similarity is 2n / (n + m) for n claim terms in a span of m.
A span that holds every term of one of the claim's texts, once each, the text's first
term (its subject) before the others, inside one sentence, with no guard failed, is
raised by up to ``COMPLETE_BONUS``, but not past ``CEILING`` (the default threshold): it
is returned at the default threshold, and nothing that already scored more is re-ranked.

The rest of the text's terms may come in any order: readers turn a claim's predicate
round ("a pitbull's jaw locks" for "pit bulls lock their jaws", "march to the edge of the
cliffs and leap" for "jump off cliffs"). The subject first keeps a sentence that only
mentions the subject after the point ("the climate has changed naturally in the past,
... the warming today is caused by humans" is not "today's climate change is natural").

Not for:

- texts of fewer than ``MIN_TERMS`` distinct terms, or ``MIN_OWN`` that are not names: a
  short claim's two words in one sentence are often a true statement on its topic, and a
  topic title ("Donald Trump on Obamacare", "Is This a Photograph of a Young Donald
  Trump?") is met by any sentence on its topic that names it;
- a span where a term of the text comes twice: two clauses that share a verb ("penguins
  live in the southern hemisphere, polar bears live in the arctic" is not "penguins live in
  the arctic");
- a span where a name of the text is what something else is compared with, after a
  "than" ("the hottest planet in the solar system, ... hotter even than Mercury" is not
  "Mercury is the hottest planet");
- a span across a sentence end (a pair of sentences read together: "Cinco de Mayo
  remembers the Battle of Puebla. Mexico's Independence Day is September 16.");
- results under the matcher's cache floor (``floor``), so that the cached path, the fresh
  path and the reference raise the same results.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

from claimnotes.aligner import TOLERANCE
from claimnotes.terms import Unit

COMPLETE_BONUS = 12.0  # a complete span scores up to this much more (from the cache floor)...
CEILING = 62.0         # ...but not past this (matcher.DEFAULT_THRESHOLD)
MIN_TERMS = 3          # distinct terms a claim text needs...
MIN_OWN = 2            # ...and terms that are not names (capitalised)
GUARDS = ("names", "numbers", "negation", "distinct")
FULL = 1.0 - TOLERANCE  # coverage 1: every distinct term of the claim text is in the span
_SENTENCE_END = re.compile(r"[.!?;](?=\s)")

Result = tuple[str, int, int, float, dict[str, float]]


def subject_first(need: Sequence[str], have: Sequence[str | None]) -> bool:
    """Whether ``have`` holds the words of ``need``, each as often as ``need`` has it
    (other words between them), the first of them ``need``'s first."""
    said = [t for t in have if t in need]
    return len(said) == len(need) and said[0] == need[0] and Counter(said) == Counter(need)


def _compared(unit: Unit, i: int, j: int, names: Sequence[str]) -> bool:
    """Whether a name of the claim text comes after a "than" in the span ``i..j``: the
    page compares something else with it."""
    than = False
    for k in range(i, j + 1):
        than = than or unit.tokens[k].norm == "than"
        if than and unit.terms[k] in names:
            return True
    return False


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
                and subject_first(terms, span) and not _compared(unit, i, j, names)
                for terms, names in texts(claim))
                and not _SENTENCE_END.search(text, unit.tokens[i].end, unit.tokens[j].start)):
            if out is results:
                out = list(results)
            out[n] = (claim, i, j, min(CEILING, score + COMPLETE_BONUS), parts)
    return out
