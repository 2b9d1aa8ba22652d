"""Pure sentence splitting with offsets.

``split_sentences(text)`` returns ``(start, end)`` code-point spans, trimmed of
surrounding whitespace and bullet markers. It handles abbreviations ("Dr.",
"U.S.", "e.g."), initials, closing quotes after the stop, @handles and URLs (a
dot inside them is not followed by a space), bullet lists (a new line that
starts with a marker is a new sentence), blank lines, and headlines without a
final stop. Scanning is one pass of a linear regex.
"""

from __future__ import annotations

import re

# Words that end with a dot but do not end a sentence (compared lower case,
# without the final dot).
ABBREVIATIONS = frozenset("""
mr mrs ms dr prof sr jr st vs etc e.g i.e cf al gen sen rep gov lt col capt sgt
inc ltd co corp dept univ est approx no nos fig vol pp ph.d u.s u.k u.n a.m p.m
jan feb mar apr jun jul aug sep sept oct nov dec mt ft rev hon pres
""".split())

# A stop, any closing quotes/brackets, then the whitespace that follows; or a
# bare line break.
_BREAK_RE = re.compile(r"(?<![.!?\u2026])[.!?\u2026]+[\"')\]\u2019\u201d]*(?=\s|$)|\n")
_BULLET_RE = re.compile(r"[ \t]*(?:[-*\u2022\u00b7\u25aa\u25e6\u2023\u2043>]|\d{1,3}[.)])[ \t]+")
_WORD_BEFORE_RE = re.compile(r"(\S+)$")
_HEADLINE_WORDS = 12  # a line this short without a stop, before a capital, is a sentence


def _ends_with_abbreviation(text: str, stop: int) -> bool:
    """True if the dot at ``stop`` closes an abbreviation or an initial."""
    if text[stop] != ".":
        return False
    lo = max(0, stop - 30)
    m = _WORD_BEFORE_RE.search(text, lo, stop)
    if not m:
        return False
    word = m.group(1).lstrip("(\"'\u201c\u2018").lower()
    if word in ABBREVIATIONS:
        return True
    # Initials: "J. Smith", and dotted forms like "U.S" -> the last piece is 1 letter.
    return len(word) == 1 and word.isalpha() or (len(word) >= 3 and word[-2] == "." and word[-1].isalpha())


def _next_nonspace(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i].isspace():
        i += 1
    return i


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in code points, in order, never empty."""
    cuts: list[int] = [0]
    n = len(text)
    skip_to = 0  # whitespace already scanned: keeps runs of line breaks linear
    for m in _BREAK_RE.finditer(text):
        if m.start() < skip_to:
            continue
        if m.group() == "\n":
            nl = m.start()
            after = skip_to = _next_nonspace(text, nl + 1)
            if after >= n:
                continue
            if "\n" in text[nl + 1:after]:  # blank line: always a break
                cuts.append(nl + 1)
                continue
            if _BULLET_RE.match(text, nl + 1):
                cuts.append(nl + 1)
                continue
            line_start = text.rfind("\n", 0, nl) + 1
            line = text[line_start:nl].strip()
            if line and text[after].isupper() and len(line.split()) <= _HEADLINE_WORDS \
                    and line[-1] not in ",;:-":
                cuts.append(nl + 1)
            continue
        stop = m.end() - 1
        while stop > m.start() and text[stop] not in ".!?\u2026":
            stop -= 1
        after = skip_to = _next_nonspace(text, m.end())
        if after >= n:
            continue
        nxt = text[after]
        if nxt.islower() or nxt in "-\u2013\u2014":  # '"..." - Albert Einstein' stays one sentence
            continue
        if _ends_with_abbreviation(text, stop) and not nxt.isdigit():
            # "Dr. Smith" / "U.S. troops": a dot after an abbreviation ends a
            # sentence only if an obvious new sentence follows (a quote or bullet).
            if nxt not in "\"'\u201c\u2018" and not _BULLET_RE.match(text, after):
                continue
        cuts.append(m.end())
    cuts.append(n)
    spans: list[tuple[int, int]] = []
    for a, b in zip(cuts, cuts[1:]):
        bullet = _BULLET_RE.match(text, a)
        if bullet and (a == 0 or text[a - 1] == "\n"):
            a = bullet.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            spans.append((a, b))
    return spans


def windows(n_words: int, size: int, step: int) -> list[tuple[int, int]]:
    """Word ranges covering ``n_words`` words in windows of ``size`` every ``step``."""
    if n_words <= size:
        return [(0, n_words)]
    out = [(i, i + size) for i in range(0, n_words - size, step)]
    out.append((n_words - size, n_words))
    return out
