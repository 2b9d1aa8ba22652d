"""Pure text normalisation with an offset map back to the original.

Two views of the same text:

* ``normalize(text)`` -> ``Normalized``: a character-level normal form (NFKC,
  casefold, combining marks and zero-width characters dropped, curly quotes and
  dashes made plain, runs of whitespace made one space) with ``offsets[i]`` = the
  index in the original of normalised character ``i`` (plus one sentinel).
* ``tokenize(text)`` -> list of ``Token``: words with their original code-point
  span and their normal form after contractions ("don't" -> do not) and numbers
  ("ten percent" and "10%" -> 10 percent) are rewritten. The matcher works on
  these; a token's span is its offset map.

Both are linear in the input; the regexes have no nested quantifiers.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# Curly quotes, primes and dashes -> ASCII. Length-preserving, so str.translate
# keeps offsets.
_PUNCT = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"',
    "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
})
# Characters that vanish: zero-width space/joiners, word joiner, soft hyphen, BOM.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\u00ad\ufeff")
_SPACE_RE = re.compile(r"\s+")


class Normalized(NamedTuple):
    text: str
    offsets: list[int]  # len(text) + 1 entries: original index of each char, then len(original)


def _fold(chunk: str) -> str:
    """NFKC + casefold + plain punctuation, with combining marks and invisibles dropped."""
    s = unicodedata.normalize("NFKD", chunk)
    s = "".join(c for c in s if not unicodedata.combining(c) and c not in _INVISIBLE)
    return unicodedata.normalize("NFKC", s).casefold().translate(_PUNCT)


def normalize(text: str) -> Normalized:
    """The normal form of ``text`` and the map from its characters back to ``text``."""
    out: list[str] = []
    offsets: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        # A cluster: one base character and the combining marks that follow it.
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        cluster = text[i:j]
        folded = cluster.lower() if cluster.isascii() else _fold(cluster)
        for ch in folded:
            if ch.isspace():
                if out and out[-1] != " ":
                    out.append(" ")
                    offsets.append(i)
            else:
                out.append(ch)
                offsets.append(i)
        i = j
    if out and out[-1] == " ":
        out.pop()
        offsets.pop()
    offsets.append(n)
    return Normalized("".join(out), offsets)


# ---------------------------------------------------------------- tokens

class Token(NamedTuple):
    norm: str   # normal form (lower case, contractions and numbers rewritten)
    start: int  # code-point span in the original text
    end: int
    cap: bool   # written with a capital letter (a hint for names)


# A word: letters/digits, joined by marks, invisibles, or one of ' . , - between
# two word characters ("don't", "U.S", "10,000", "3.5", "covid-19").
# Every step consumes a character, so matching is linear.
_W = r"[^\W_]"
_JOIN = r"[\u0300-\u036f\u200b-\u200d\u2060\u00ad]"
_WORD_RE = re.compile(rf"{_W}(?:{_W}|{_JOIN}|['\u2019.\-](?={_W})|,(?=\d))*|%")
# The same on ASCII text (no marks or invisibles there), without Unicode classes: faster.
_ASCII_WORD_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|['.\-](?=[A-Za-z0-9])|,(?=[0-9]))*|%")

_CONTRACTIONS = {
    "can't": ("can", "not"), "cannot": ("can", "not"), "won't": ("will", "not"),
    "shan't": ("shall", "not"), "ain't": ("is", "not"), "let's": ("let", "us"),
}
_SUFFIXES = (("n't", "not"), ("'re", "are"), ("'ve", "have"), ("'ll", "will"),
             ("'d", "would"), ("'m", "am"), ("'s", ""))

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000,
           "billion": 1_000_000_000, "trillion": 1_000_000_000_000}
_NUM_RE = re.compile(r"\d+(?:\.\d+)?")
_NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS)
_SPECIAL_WORDS = _NUMBER_WORDS | {"cent"}


def _fmt(value: float) -> str:
    if not value < 1e15:  # huge or infinite ("hundred hundred hundred ...")
        return f"{value:.6g}"
    return str(int(value)) if value == int(value) else repr(round(value, 6))


def _as_number(word: str) -> float | None:
    if word in _UNITS:
        return float(_UNITS[word])
    if word in _TENS:
        return float(_TENS[word])
    plain = word.replace(",", "")
    if len(plain) <= 15 and _NUM_RE.fullmatch(plain):
        return float(plain)
    return None


def _split_word(raw: str) -> list[str]:
    """Lower-case forms of one word: contractions expanded, thousands separators dropped."""
    w = raw.lower() if raw.isascii() else _fold(raw)
    w = w.replace("\u2019", "'")
    if "'" in w:
        if w in _CONTRACTIONS:
            return list(_CONTRACTIONS[w])
        for suffix, full in _SUFFIXES:
            if w.endswith(suffix) and len(w) > len(suffix):
                head = w[: -len(suffix)]
                return [head.replace("'", ""), full] if full else [head.replace("'", "")]
        return [w.replace("'", "")]
    if w == "%":
        return ["percent"]
    if w and w[0].isdigit() and "," in w and _NUM_RE.fullmatch(w.replace(",", "")):
        return [w.replace(",", "")]
    return [w]


def _merge_numbers(toks: list[Token]) -> list[Token]:
    """Number words and scales -> one digit token ("twenty five million" -> 25000000)."""
    out: list[Token] = []
    i, n = 0, len(toks)
    while i < n:
        w = toks[i].norm
        value = _as_number(w) if w[0].isdigit() or w in _NUMBER_WORDS else None
        if value is None:
            out.append(toks[i])
            i += 1
            continue
        j = i + 1
        total, current = 0.0, value
        while j < n:
            w = toks[j].norm
            if w in _UNITS and toks[j - 1].norm in _TENS and current % 100 >= 20 and current % 10 == 0:
                current += _UNITS[w]
            elif w in _SCALES:
                if _SCALES[w] == 100:
                    current *= 100
                else:
                    total += current * _SCALES[w]
                    current = 0.0
            elif w == "and" and j + 1 < n and (toks[j + 1].norm in _UNITS or toks[j + 1].norm in _TENS) \
                    and toks[j - 1].norm == "hundred":
                pass
            elif (w in _UNITS or w in _TENS) and toks[j - 1].norm in ("hundred", "and"):
                current += _as_number(w) or 0.0
            else:
                break
            j += 1
        first = toks[i]
        if toks[j - 1].norm == "and":
            j -= 1
        out.append(Token(_fmt(total + current), first.start, toks[j - 1].end, first.cap))
        i = j
    return out


def tokenize(text: str) -> list[Token]:
    """The words of ``text`` in normal form, each with its original code-point span."""
    toks: list[Token] = []
    append = toks.append
    new = tuple.__new__  # NamedTuple's own __new__ is a Python function: too slow per word
    special = False      # any number, contraction or "per cent" to rewrite afterwards
    for m in (_ASCII_WORD_RE if text.isascii() else _WORD_RE).finditer(text):
        raw = m.group()
        if raw.isalpha() and raw.isascii():  # the common case: a plain word
            low = raw.lower()
            if low in _SPECIAL_WORDS:
                special = True
            append(new(Token, (low, m.start(), m.end(), raw[0].isupper())))
            continue
        special = True
        start, end = m.span()
        cap = raw[:1].isupper()
        if "-" in raw:  # "3-second" -> 3 second, each part with its own span
            pos = start
            for piece in raw.split("-"):
                if piece:
                    for part in _split_word(piece):
                        if part:
                            append(Token(part, pos, pos + len(piece), piece[:1].isupper()))
                pos += len(piece) + 1
            continue
        for part in _split_word(raw):
            if part:
                append(Token(part, start, end, cap))
    if not special:
        return toks
    toks = _merge_numbers(toks)
    if not any(t.norm == "cent" or t.norm == "19" for t in toks):
        return toks
    merged: list[Token] = []
    for t in toks:
        if t.norm == "cent" and merged and merged[-1].norm == "per":
            prev = merged.pop()
            merged.append(Token("percent", prev.start, t.end, prev.cap))
        elif t.norm == "19" and merged and merged[-1].norm == "covid":  # COVID-19 is one name
            prev = merged.pop()
            merged.append(Token("covid", prev.start, t.end, prev.cap))
        else:
            merged.append(t)
    return merged


_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


class Utf16Map:
    """Converts code-point offsets in one string to UTF-16 code-unit offsets."""

    __slots__ = ("_astral",)

    def __init__(self, text: str) -> None:
        self._astral = [m.start() for m in _ASTRAL_RE.finditer(text)]

    def __call__(self, index: int) -> int:
        if not self._astral:
            return index
        from bisect import bisect_left
        return index + bisect_left(self._astral, index)


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (what JavaScript's .length counts)."""
    return len(text) + len(_ASTRAL_RE.findall(text))


_UNSAFE_RE = re.compile("[^A-Za-z \t\n.,!?;:()\"$'\u2019\u201c\u201d-]|[.,][A-Za-z]|[A-Za-z]['\u2019][^A-Za-z]")
_SIMPLE_WORD_RE = re.compile("[A-Za-z]+(?:['\u2019][A-Za-z]+)*")


def simple_words(text: str) -> list[tuple[str, bool]] | None:
    """``(norm, cap)`` of each word, as tokenize() would give, when ``text`` is plain
    prose (ASCII letters, apostrophes, hyphens and punctuation; no digits);
    otherwise None.

    A fast path for building the index: most claim texts are plain prose.
    """
    if _UNSAFE_RE.search(text):
        return None
    out: list[tuple[str, bool]] = []
    for w in _SIMPLE_WORD_RE.findall(text):
        cap = w[0].isupper()
        if "'" in w or "\u2019" in w:
            out.extend((part, cap) for part in _split_word(w) if part)
            continue
        low = w.lower()
        if low in _SPECIAL_WORDS:
            return None
        out.append((low, cap))
    return out
