"""Fact-checkers' textual ratings -> our rating (the table is documented in docs/claimreview.md).

Publishers each use their own scale ("Pants on Fire!", "Mixture", "Four Pinocchios").
We keep their words in ``rating_text`` (readers see them) and map them onto our
seven ratings so that filters and the extension's colours work. A rating that
is not in the table becomes ``other``: guessing would put words in a
fact-checker's mouth.
"""

from __future__ import annotations

import re

LABELS: dict[str, str] = {
    "false": "False", "misleading": "Misleading", "missing_context": "Missing context",
    "unproven": "Unproven", "true": "True", "satire": "Satire", "other": "Other",
}
"""How our ratings read in ClaimReview exports (reviewRating.alternateName)."""

RATING_TABLE: dict[str, str] = {
    # false
    "false": "false", "pants on fire": "false", "pants fire": "false", "fake": "false",
    "incorrect": "false", "wrong": "false", "fabricated": "false", "hoax": "false",
    "scam": "false", "misattributed": "false", "four pinocchios": "false",
    "altered": "false", "altered photo": "false", "altered video": "false",
    # misleading: partly true, partly false
    "mostly false": "misleading", "barely true": "misleading", "misleading": "misleading",
    "mixture": "misleading", "mixed": "misleading", "partly false": "misleading",
    "partially false": "misleading", "half false": "misleading", "distorts the facts": "misleading",
    "exaggerated": "misleading", "exaggeration": "misleading", "miscaptioned": "misleading",
    "three pinocchios": "misleading", "two pinocchios": "misleading", "spins the facts": "misleading",
    # missing context
    "missing context": "missing_context", "lacks context": "missing_context",
    "needs context": "missing_context", "out of context": "missing_context",
    "half true": "missing_context", "partly true": "missing_context",
    "partially true": "missing_context", "outdated": "missing_context",
    "one pinocchio": "missing_context", "cherry picks": "missing_context",
    # unproven
    "unproven": "unproven", "unsupported": "unproven", "unverified": "unproven",
    "unsubstantiated": "unproven", "no evidence": "unproven", "not proven": "unproven",
    "research in progress": "unproven", "unclear": "unproven", "undetermined": "unproven",
    # satire
    "satire": "satire", "labeled satire": "satire", "labelled satire": "satire", "parody": "satire",
    # true
    "true": "true", "mostly true": "true", "correct": "true", "accurate": "true",
    "mostly correct": "true", "correct attribution": "true", "geppetto checkmark": "true",
}
"""Normalised textual rating (see normalise) -> our rating."""

_PUNCT = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"[\s_-]+")


def normalise(text: str) -> str:
    """Lower case, no punctuation, single spaces: "Pants on Fire!" -> "pants on fire"."""
    return _SPACE.sub(" ", _PUNCT.sub(" ", text.replace("-", " ")).casefold()).strip()


def map_rating(text: str | None) -> str:
    """Our rating for a publisher's textual rating; ``other`` when it isn't in the table."""
    if not text:
        return "other"
    key = normalise(text)
    if key in RATING_TABLE:
        return RATING_TABLE[key]
    # Some publishers prefix the verdict: "Rating: False", "Verdict: Misleading".
    for prefix in ("rating ", "verdict "):
        if key.startswith(prefix) and key[len(prefix):] in RATING_TABLE:
            return RATING_TABLE[key[len(prefix):]]
    return "other"

