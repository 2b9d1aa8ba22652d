"""Pure text normalisation with an offset map back to the original.

Two views of the same text:

* ``normalize(text)`` -> ``Normalized``: a character-level normal form (NFKC,
  casefold, combining marks and zero-width characters dropped, curly quotes and
  dashes made plain, runs of whitespace made one space) with ``offsets[i]`` = the
  index in the original of normalised character ``i`` (plus one sentinel).
* ``tokenize(text)`` -> list of ``Token``: words with their original code-point
  span and their normal form after contractions ("don't" -> do not) and numbers
  ("ten percent" and "10%" -> 10 percent) are rewritten. The matcher works on
  these; a token's span is its offset map. ``scan(text)`` gives the same tokens
  as parallel lists (``Words``): one regex split over the text, per-word Python
  work only for the words that need rewriting (numbers, contractions, hyphens,
  non-ASCII letters). The compiled ``_units.scan_words`` does the split when it
  is built (``scan_py`` is the reference; docs/matching.md).

Both are linear in the input: no regex backtracks (where a repeat is nested, each
inner run must start with a joiner, so a word matches in one way only).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from itertools import accumulate, compress, count, repeat
from operator import itemgetter, not_, or_
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
# The same on ASCII text (no marks or invisibles there), without Unicode classes and
# with runs of word characters as one repeat: faster.
_ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:(?:['.\-]|,(?=[0-9]))[A-Za-z0-9]+)*|%")

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


class Words(NamedTuple):
    """The tokens of a text as parallel lists (no object per word): what tokenize()
    gives, column by column."""
    norms: list[str]
    starts: list[int]
    ends: list[int]
    caps: list[bool]


Row = tuple[str, int, int, bool]  # one token's (norm, start, end, cap)


def _splice(words: Words, i: int, j: int, rows: list[Row]) -> None:
    """Replace tokens i..j-1 of ``words`` with ``rows``, in place."""
    for col, values in zip(words, zip(*rows) if rows else ((), (), (), ())):
        col[i:j] = values


# Words that can continue a number (see the loop in _merge_numbers).
_NUMBER_NEXT = _NUMBER_WORDS | frozenset(_SCALES) | {"and"}


def _is_plain_number(w: str) -> bool:
    """Whether the number ``w`` alone is written as _merge_numbers writes it: ASCII
    digits without a leading zero (or too long to be read as a number)."""
    return w.isascii() and w.isdigit() and (w[0] != "0" or w == "0" or len(w) > 15)


def _number_firsts(norms: list[str]) -> Iterable[int]:
    """The indices of the words that can start a number: a digit first, or a number word."""
    return compress(count(), map(or_, map(str.isdigit, map(itemgetter(0), norms)),
                                 map(_NUMBER_WORDS.__contains__, norms)))


# "the one most adaptable", "which one": after a determiner "one" stands for a noun, like
# "the ones", and is not the number 1 (as a number the numbers guard required a "1" of
# the page: "it's not the strongest species that survive but the ones most adaptable").
# Still a number before another number word ("the one hundred days").
# Not after "every"/"each"/"any": "for every one new rule" counts.
PRONOUN_ONE_AFTER = frozenset("the this that which".split())


def _pronoun_one(norms: list[str], i: int) -> bool:
    """Whether ``norms[i]`` is the pronoun "one" after a determiner, not the number."""
    return (norms[i] == "one" and i > 0 and norms[i - 1] in PRONOUN_ONE_AFTER
            and (i + 1 == len(norms) or norms[i + 1] not in _NUMBER_NEXT))


def _merge_numbers(words: Words, firsts: Iterable[int]) -> None:
    """Number words and scales -> one digit token ("twenty five million" -> 25000000), in
    place. ``firsts``: in order, the indices of at least every word that can start a
    number (the others are skipped)."""
    norms, starts, ends, caps = words
    runs: list[tuple[int, int, Row]] = []
    done = 0  # tokens before this index are decided
    n = len(norms)
    for i in firsts:
        if i < done:
            continue  # inside the previous number
        if (i + 1 == n or norms[i + 1] not in _NUMBER_NEXT) and _is_plain_number(norms[i]):
            continue  # "2020" followed by no number word: already in its final form
        value = _as_number(norms[i])
        if value is None or _pronoun_one(norms, i):
            continue
        j = i + 1
        total, current = 0.0, value
        while j < n:
            w = norms[j]
            if w in _UNITS and norms[j - 1] in _TENS and current % 100 >= 20 and current % 10 == 0:
                current += _UNITS[w]
            elif w in _SCALES:
                if _SCALES[w] == 100:
                    current *= 100
                else:
                    total += current * _SCALES[w]
                    current = 0.0
            elif w == "and" and j + 1 < n and (norms[j + 1] in _UNITS or norms[j + 1] in _TENS) \
                    and norms[j - 1] == "hundred":
                pass
            elif (w in _UNITS or w in _TENS) and norms[j - 1] in ("hundred", "and"):
                current += _as_number(w) or 0.0
            else:
                break
            j += 1
        if norms[j - 1] == "and":
            j -= 1
        runs.append((i, j, (_fmt(total + current), starts[i], ends[j - 1], caps[i])))
        done = j
    for i, j, row in reversed(runs):  # from the end, so earlier indices stay valid
        _splice(words, i, j, [row])


# Non-ASCII separators that are common in prose (curly quotes, dashes, no-break
# space), each made one ASCII space, and the curly apostrophe made ASCII (it joins
# words as "'" does). Same length and same words, so more blocks take the ASCII
# regex. None of these is a word character or a joiner of _WORD_RE.
_SEPARATORS = (("\u2019", "'"), *((c, " ") for c in
               "\u00a0\u2018\u201c\u201d\u201e\u2013\u2014\u2026\u00ab\u00bb\u2022\u2009\u202f"))


def _plain_separators(text: str) -> str:
    for char, plain in _SEPARATORS:  # str.replace: much faster than str.translate here
        if char in text:
            text = text.replace(char, plain)
    return text


# The word regexes as split patterns: split() gives separators and words in turn,
# so every word's span is a running sum of lengths, with no per-word match object.
_SPLIT_RE = re.compile(f"({_WORD_RE.pattern})")
_ASCII_SPLIT_RE = re.compile(f"({_ASCII_WORD_RE.pattern})")


def _hyphenated(raw: str, start: int) -> list[Row]:
    """Tokens of a hyphenated word, each part with its own span ("3-second" -> 3 second)."""
    out = []
    pos = start
    for piece in raw.split("-"):
        if piece:
            out.extend((part, pos, pos + len(piece), piece[:1].isupper())
                       for part in _split_word(piece) if part)
        pos += len(piece) + 1
    return out


def scan_py(text: str) -> Words:
    """The words of ``text`` in normal form with their original code-point spans."""
    if not text.isascii():
        text = _plain_separators(text)
    return _scan_plain(text)


def _scan_c(text: str) -> Words:
    """scan_py(text), the words found by the compiled _units.scan_words."""
    if not text.isascii():
        text = _plain_separators(text)
    *columns, specials = _units.scan_words(text, _split_word, _SPECIAL_WORDS)
    words = Words(*columns)
    if specials:  # else no number, "per cent" or "covid 19" to rewrite
        _merge_numbers(words, specials)
        _join_pairs(words)
    return words


def _scan_plain(text: str) -> Words:
    """scan_py after the separators are made plain."""
    ascii_text = text.isascii()
    parts = (_ASCII_SPLIT_RE if ascii_text else _SPLIT_RE).split(text)
    raws = parts[1::2]
    offsets = list(accumulate(map(len, parts)))  # [start of word 0, its end, start of word 1, ...]
    words = Words(list(map(str.lower, raws)), offsets[0:-1:2], offsets[1::2],
                  list(map(str.isupper, map(itemgetter(0), raws))))
    odd = list(compress(count(), map(not_, map(str.isalpha, raws))))
    if not ascii_text:
        odd = sorted(set(odd).union(compress(count(), map(not_, map(str.isascii, raws)))))
    elif not odd and _SPECIAL_WORDS.isdisjoint(words.norms):
        return words  # plain words only: no number, contraction or "per cent" to rewrite
    # The words that are not plain ASCII words: contractions, numbers, hyphenated or
    # non-ASCII words. From the end, so earlier indices stay valid.
    norms = words.norms
    for k in reversed(odd):
        raw = raws[k]
        if "-" in raw:
            rows = _hyphenated(raw, words.starts[k])
        else:
            forms = _split_word(raw)
            if len(forms) == 1 and forms[0]:  # the common case ("2020", "U.S"): one token for one
                norms[k] = forms[0]
                continue
            rows = [(form, words.starts[k], words.ends[k], words.caps[k]) for form in forms if form]
        _splice(words, k, k + 1, rows)
    _merge_numbers(words, _number_firsts(norms))
    _join_pairs(words)
    return words


def _join_pairs(words: Words) -> None:
    """Make "per cent" one token "percent", and "covid 19" one "covid" (COVID-19 is one
    name), in place."""
    norms = words.norms
    if "cent" in norms or "19" in norms:
        k = 1
        while k < len(norms):
            if norms[k] == "cent" and norms[k - 1] == "per" or norms[k] == "19" and norms[k - 1] == "covid":
                _splice(words, k - 1, k + 1, [("percent" if norms[k] == "cent" else "covid",
                                               words.starts[k - 1], words.ends[k], words.caps[k - 1])])
            else:
                k += 1


# The compiled scan (_units.c): the same tokens. CLAIMNOTES_PURE_PYTHON=1 keeps
# scan_py, and the Python fallback of every other C extension too (each module reads
# this flag): for benchmarks and for checking the fallbacks.
try:
    from claimnotes import _units
except ImportError:  # not built (no C compiler at install)
    _units = None
PURE_PYTHON = os.environ.get("CLAIMNOTES_PURE_PYTHON") == "1"
scan = scan_py if _units is None or PURE_PYTHON else _scan_c


def tokenize(text: str) -> list[Token]:
    """The words of ``text`` in normal form, each with its original code-point span."""
    # NamedTuple's own __new__ is a Python function: too slow per word.
    return list(map(tuple.__new__, repeat(Token), zip(*scan(text))))


_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


class Utf16Map:
    """Converts code-point offsets in one string to UTF-16 code-unit offsets."""

    __slots__ = ("_astral",)

    def __init__(self, text: str) -> None:
        # isascii() is a C check of a flag: most blocks need no regex pass.
        self._astral = [] if text.isascii() else [m.start() for m in _ASTRAL_RE.finditer(text)]

    def __call__(self, index: int) -> int:
        if not self._astral:
            return index
        from bisect import bisect_left
        return index + bisect_left(self._astral, index)


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (what JavaScript's .length counts)."""
    return len(text) + len(_ASTRAL_RE.findall(text))


# Every branch starts with a character class (the apostrophe's letter is a
# lookbehind), so the regex engine skips plain letters and spaces in C.
_UNSAFE_RE = re.compile("[^A-Za-z \t\n.,!?;:()\"$'\u2019\u201c\u201d-]|[.,][A-Za-z]"
                        "|['\u2019](?<=[A-Za-z]['\u2019])[^A-Za-z]")
_SIMPLE_WORD_RE = re.compile("[A-Za-z]+(?:['\u2019][A-Za-z]+)*")


def simple_words(text: str) -> tuple[list[str], list[bool]] | None:
    """The words' norms and caps, as tokenize() would give them, when ``text`` is
    plain prose (ASCII letters, apostrophes, hyphens and punctuation; no digits);
    otherwise None.

    A fast path for building the index: most claim texts are plain prose.
    """
    if _UNSAFE_RE.search(text):
        return None
    found = _SIMPLE_WORD_RE.findall(text)
    if "'" not in text and "\u2019" not in text:  # no contraction: whole lists at once
        norms = list(map(str.lower, found))
        if not _SPECIAL_WORDS.isdisjoint(norms):
            return None
        return norms, list(map(str.isupper, map(itemgetter(0), found)))
    norms, caps = [], []
    for w in found:
        cap = w[0].isupper()
        if "'" in w or "\u2019" in w:
            parts = [part for part in _split_word(w) if part]
            norms.extend(parts)
            caps.extend([cap] * len(parts))
            continue
        low = w.lower()
        if low in _SPECIAL_WORDS:
            return None
        norms.append(low)
        caps.append(cap)
    return norms, caps
