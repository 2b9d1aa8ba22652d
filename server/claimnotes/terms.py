"""Claim texts and page sentences as bags of canonical terms (pure).

An *entry* is one claim text analysed: its content terms in order (stopwords and
negations dropped; synonyms and the stemmer applied), the terms of its capitalised
words (names) and its negation parity. A *unit* is a sentence of a page block (or a
window of a long sentence, or two short sentences together) analysed the same way,
keeping its tokens so that a match maps back to exact offsets.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import repeat
from operator import itemgetter

import msgspec

from claimnotes.sentences import split_sentences, windows
from claimnotes.synonyms import NEGATIONS, NOT_NEGATING_NEXT, STOPWORDS, SYNONYMS, stem
from claimnotes.textnorm import Token, simple_words, tokenize

WINDOW_WORDS = 48      # longer sentences are matched in windows of this many words...
WINDOW_STEP = 24       # ...starting every this many words
PAIR_WORDS = 30        # adjacent sentences this short together are also matched as one unit


_TERM_CACHE: dict[str, str] = {}
_SKIP = STOPWORDS | NEGATIONS  # words that are never terms


def term_of(word: str) -> str:
    """The canonical term of a normalised word: synonym, then stem."""
    t = _TERM_CACHE.get(word)
    if t is None:
        t = stem(SYNONYMS.get(word, word))
        if len(_TERM_CACHE) > 500_000:
            _TERM_CACHE.clear()
        _TERM_CACHE[word] = t
    return t


def negated(tokens: Sequence[Token], i: int) -> bool:
    w = tokens[i].norm
    if w not in NEGATIONS:
        return False
    return not (i + 1 < len(tokens) and tokens[i + 1].norm in NOT_NEGATING_NEXT)


class Entry(msgspec.Struct, array_like=True, gc=False):
    """One claim text, analysed: ordered content terms, name terms, negation parity."""
    claim: str
    terms: tuple[str, ...]
    names: tuple[str, ...]  # a tuple: a frozenset costs 200 bytes per entry at 1M entries
    neg: bool


def analyse(text: str, claim_id: str = "") -> Entry:
    """The terms of one claim text."""
    words = simple_words(text)
    if words is None:
        toks = tokenize(text)
        norms = list(map(norm_of, toks))
        caps = list(map(cap_of, toks))
    else:
        norms = list(map(norm_of, words))
        caps = list(map(_word_cap_of, words))
    neg = False
    if not NEGATIONS.isdisjoint(norms):
        n = len(norms)
        for i, w in enumerate(norms):
            if w in NEGATIONS and not (i + 1 < n and norms[i + 1] in NOT_NEGATING_NEXT):
                neg = not neg
    all_terms = terms_of(norms)
    terms = [t for t in all_terms if t is not None]
    names = {t for t, cap in zip(all_terms, caps) if cap and t is not None and not t.isdigit()}
    return Entry(claim_id, tuple(terms), tuple(sorted(names)), neg)


_UNIT_TERMS: dict[str, str | None] = dict.fromkeys(_SKIP)  # word -> term, None = never a term
_MISS = object()
norm_of = itemgetter(0)
cap_of = itemgetter(3)
_word_cap_of = itemgetter(1)


def terms_of(norms: list[str]) -> list[str | None]:
    """The term of each normalised word, None for stopwords and negations."""
    cache = _UNIT_TERMS
    terms = list(map(cache.get, norms, repeat(_MISS)))
    if _MISS in terms:
        for k, t in enumerate(terms):
            if t is _MISS:
                w = norms[k]
                t = terms[k] = term_of(w)
                if len(cache) > 500_000:
                    cache.clear()
                    cache.update(dict.fromkeys(_SKIP))
                cache[w] = t
    return terms


class Unit(msgspec.Struct):
    """A sentence or window of a block: tokens, their terms (None = stopword), the
    sentence span it belongs to, the terms of its capitalised words, and the running
    count of negations (``negs[k]`` = negations among the first k tokens)."""
    tokens: list[Token]
    terms: list[str | None]
    key: str
    sent: tuple[int, int]
    names: frozenset[str]
    negs: list[int]
    termset: frozenset[str | None]


_NO_NEGS: list[int] = []


def make_unit(tokens: list[Token], sent: tuple[int, int]) -> Unit:
    norms = list(map(norm_of, tokens))
    terms = terms_of(norms)
    names = frozenset([u for u, cap in zip(terms, map(cap_of, tokens))
                       if cap and u is not None and not u.isdigit()])
    if NEGATIONS.isdisjoint(norms):
        negs = _NO_NEGS
    else:
        negs = [0]
        for k in range(len(tokens)):
            negs.append(negs[-1] + negated(tokens, k))
    key = " ".join(norms)
    if names:
        key += "|" + " ".join(sorted(names))
    return Unit(tokens, terms, key, sent, names, negs, frozenset(terms))


def sentence_units(text: str) -> list[Unit]:
    tokens = tokenize(text)
    if not tokens:
        return []
    # Token spans are in text order (both ends non-decreasing): bisect, not a scan.
    starts = list(map(_start_of, tokens))
    ends = list(map(_end_of, tokens))
    units: list[Unit] = []
    k = 0
    prev: tuple[list[Token], int] | None = None
    for a, b in split_sentences(text):
        k = bisect_right(ends, a, k)
        j = bisect_left(starts, b, k)
        sent = tokens[k:j]
        k = j
        if not sent:
            continue
        for wa, wb in windows(len(sent), WINDOW_WORDS, WINDOW_STEP):
            units.append(make_unit(sent[wa:wb], (a, b)))
        # Two short sentences together: a claim a writer broke in two ("I now use
        # Oxygen drops. Which help me ...").
        if prev is not None and len(prev[0]) + len(sent) <= PAIR_WORDS:
            units.append(make_unit(prev[0] + sent, (prev[1], b)))
        prev = (sent, a)
    return units


_start_of = itemgetter(1)
_end_of = itemgetter(2)
