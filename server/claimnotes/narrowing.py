"""A claim's superlative narrowed on the page: a true statement in the claim's words (pure).

"The Sahara is the largest desert" is a myth; "the Sahara is the largest hot desert in
the world" is true, and holds every word of it. A superlative claim ranks its subject
among all of a kind ("the largest desert", "the tallest mountain"); a word put between
the superlative and that kind ("largest hot desert", "tallest active volcano"), an
ordinal before it ("the second largest desert") or "one of the" ("one of the hottest
planets") ranks it among fewer, which is a different and often true statement. So a
window that reads a claim text's "<superlative> <word>" with such a narrowing is not a
match of that text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claimnotes.terms import Unit

# Words ending in -est that are not superlatives (a claim's "forest fires" is not narrowed
# by "forest wild fires").
NOT_SUPERLATIVES = frozenset("""interest forest honest modest protest request harvest suggest digest
contest arrest invest manifest conquest earnest divest ingest infest attest detest behest unrest
pest nest test best rest west quest zest guest chest vest crest jest""".split())
ORDINALS = frozenset("second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split())
# "the 48th brightest star", "the 21st largest": any ordinal in digits but the first
_DIGIT_ORDINAL = re.compile(r"\d*(?:[02-9]1st|\d?(?:2nd|3rd|[04-9]th|1[1-3]th))")
ONE_OF_THE = ("1", "of", "the")   # "one" before "of" is the number word
INSERTED_MAX = 2   # content words put between the superlative and its noun ("largest non-polar desert")


def superlative(norm: str) -> bool:
    """Whether a normalised word is a superlative adjective ("largest", "hottest")."""
    return len(norm) > 5 and norm.endswith("est") and norm not in NOT_SUPERLATIVES


def ordinal(norm: str) -> bool:
    """Whether a normalised word ranks below the first ("third", "48th"; not "1st")."""
    return norm in ORDINALS or _DIGIT_ORDINAL.fullmatch(norm) is not None


def narrowed(unit: Unit, first: int, last: int, texts: Sequence[Sequence[str]]) -> bool:
    """Whether the window ``first..last`` of ``unit`` narrows a superlative of the claim
    whose texts have the term sequences ``texts`` (stems keep the -est: "hottest")."""
    pairs = {(a, b) for terms in texts for a, b in zip(terms, terms[1:]) if superlative(a)}
    if not pairs:
        return False
    claim_terms = {t for terms in texts for t in terms}
    toks, terms = unit.tokens, unit.terms
    for k in range(first, last + 1):
        nexts = {b for a, b in pairs if a == terms[k]}
        if not nexts or not superlative(toks[k].norm):
            continue
        before = tuple(x.norm for x in toks[max(0, k - 3):k])
        # ...unless the claim ranks so itself ("the eighth fastest-growing economy")
        if before and ordinal(before[-1]) and terms[k - 1] not in claim_terms:
            return True
        if before == ONE_OF_THE and "1" not in claim_terms:
            return True
        for m in range(k + 2, min(len(terms), k + 2 + INSERTED_MAX)):
            between = range(k + 1, m)   # content words only: "largest and hottest desert" is a list
            if terms[m] in nexts and all(terms[b] is not None and terms[b] not in claim_terms
                                         and not superlative(toks[b].norm) for b in between):
                return True
    return False
