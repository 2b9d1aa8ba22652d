"""Claim texts and page sentences as bags of canonical terms (pure).

An *entry* is one claim text analysed: its content terms in order (stopwords and
negations dropped; synonyms and the stemmer applied), the terms of its capitalised
words (names) and its negation parity. A *unit* is a sentence of a page block (or a
window of a long sentence, or two short sentences together) analysed the same way,
keeping its tokens so that a match maps back to exact offsets.

The per-word loops of a page's units (``terms_of``, ``block_units``) are compiled in
``_units`` when it is built; ``terms_of_py`` and ``block_units_py`` are the reference.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import partial
from itertools import accumulate, compress, count, repeat
from operator import is_not, itemgetter

import msgspec

from claimnotes.evidence import EVIDENCE, frame_end
from claimnotes.sentences import split_sentences, windows
from claimnotes.synonyms import FAR, NEGATIONS, STOPWORDS, SYNONYMS, negates, stem
from claimnotes.textnorm import PURE_PYTHON, Token, _units, scan, simple_words

WINDOW_WORDS = 48      # longer sentences are matched in windows of this many words...
WINDOW_STEP = 24       # ...starting every this many words
PAIR_WORDS = 30        # adjacent sentences this short together are also matched as one unit


_TERM_CACHE: dict[str, str] = {}
is_term = partial(is_not, None)  # terms_of() gives None for stopwords and negations
# "nobody" negates what follows and is also a term, which "no one" shares: "Bill Gates
# said no one would ever need more than 640K" is "... nobody would ever need ..." (the
# "one" was otherwise the number 1, which the numbers guard then required of the page).
NOBODY = "nobody"
ANSWER_NO = "no"
_SKIP = (STOPWORDS | NEGATIONS) - {NOBODY, FAR}  # words that are never terms


def term_of(word: str) -> str:
    """The canonical term of a normalised word: synonym, then stem."""
    t = _TERM_CACHE.get(word)
    if t is None:
        t = stem(SYNONYMS.get(word, word))
        if len(_TERM_CACHE) > 500_000:
            _TERM_CACHE.clear()
        _TERM_CACHE[word] = t
    return t


# "There are no penguins in the Arctic and no polar bears in the Antarctic", "neither
# safe nor effective": a negation joined to one before it by "and", "or" or "nor" negates
# a clause of its own, not the first one again (a running count made the pair cancel out).
PARALLEL = frozenset(("and", "or"))
PARALLEL_NEGATION = "nor"


def parallel(norms: Sequence[str], i: int) -> bool:
    """Whether the negation at ``i`` is coordinated with one before it (``PARALLEL``):
    it keeps the running count odd rather than evening it."""
    return norms[i] == PARALLEL_NEGATION or i > 0 and norms[i - 1] in PARALLEL


def negated(tokens: Sequence[Token], i: int) -> bool:
    w = tokens[i].norm
    if w not in NEGATIONS:
        return False
    # "No, vaccines don't cause autism." / "No. Bats are not blind.": a "no" cut off from the
    # next word by punctuation (more than one character between them) answers a question and
    # does not negate what follows; counted, it cancelled the sentence's own "not". Not
    # before a number: "No. 1 reason" is the abbreviation, read as a negation in claim texts
    # too (analyse sees no spans), so both sides keep it.
    if (w == ANSWER_NO and i + 1 < len(tokens) and tokens[i + 1].start - tokens[i].end > 1
            and not tokens[i + 1].norm[:1].isdigit()):
        return False
    n = len(tokens)
    return negates(tokens[i - 1].norm if i else "", w, tokens[i + 1].norm if i + 1 < n else "",
                   tokens[i + 2].norm if i + 2 < n else "")


# Capitalised without naming anyone. As names they set off the names guard against
# the claim a sentence makes ('"I helped win one of the biggest private lawsuits against
# Medicare fraud in history," Evans said on a June 12, 2017 campaign video'), and a
# claim "... on July 4" required "July" of a page as a name.
NOT_NAMES = frozenset("january february march april may june july august september october november december "
                      "monday tuesday wednesday thursday friday saturday sunday".split())


def name_caps(norms: list[str], caps: list[bool]) -> list[bool]:
    """The capital flags of the words that can be names: months and weekdays lose theirs.
    Both the page's units (compiled or not) and the claim texts read names from these."""
    if NOT_NAMES.isdisjoint(norms):
        return caps
    return [c and w not in NOT_NAMES for w, c in zip(norms, caps)]


class Entry(msgspec.Struct, array_like=True, gc=False):
    """One claim text, analysed: ordered content terms, name terms, negation parity."""
    claim: str
    terms: tuple[str, ...]
    names: tuple[str, ...]  # a tuple: a frozenset costs 200 bytes per entry at 1M entries
    neg: bool


def analyse(text: str, claim_id: str = "") -> Entry:
    """The terms of one claim text."""
    columns = simple_words(text)
    if columns is None:
        norms, _, _, caps = scan(text)
    else:
        norms, caps = columns
    neg = False
    if not NEGATIONS.isdisjoint(norms):
        n = len(norms)
        for i, w in enumerate(norms):
            if w in NEGATIONS and negates(norms[i - 1] if i else "", w, norms[i + 1] if i + 1 < n else "",
                                          norms[i + 2] if i + 2 < n else "") and not (neg and parallel(norms, i)):
                neg = not neg
    all_terms = terms_of(norms)
    caps = name_caps(norms, caps)
    names = {t for t in compress(all_terms, caps) if t is not None and not t.isdigit()}
    return Entry(claim_id, tuple(filter(is_term, all_terms)), tuple(sorted(names)), neg)


_UNIT_TERMS: dict[str, str | None] = dict.fromkeys(_SKIP)  # word -> term, None = never a term
_NOBODY_TERM = term_of(NOBODY)
_MISS = object()
norm_of = itemgetter(0)
cap_of = itemgetter(3)


def terms_of_py(norms: list[str]) -> list[str | None]:
    """The term of each normalised word from the cache, term_of() on a miss."""
    terms = list(map(_UNIT_TERMS.get, norms, repeat(_MISS)))
    if _MISS in terms:
        for k, t in enumerate(terms):
            if t is _MISS:
                terms[k] = _new_term(norms[k])
    return terms


def _new_term(word: str) -> str:
    """term_of(word), kept in the cache of terms_of."""
    t = term_of(word)
    if len(_UNIT_TERMS) > 500_000:
        _UNIT_TERMS.clear()
        _UNIT_TERMS.update(dict.fromkeys(_SKIP))
    _UNIT_TERMS[word] = t
    return t


def _terms_of_c(norms: list[str]) -> list[str | None]:
    """terms_of_py, the loop compiled (_units.c)."""
    return _units.cached_terms(norms, _UNIT_TERMS, _new_term)


_cached_terms = terms_of_py if _units is None or PURE_PYTHON else _terms_of_c


def terms_of(norms: list[str]) -> list[str | None]:
    """The term of each normalised word, None for stopwords and negations (but "nobody",
    and the "one" of "no one", which are one term)."""
    terms = _cached_terms(norms)
    if "1" in terms:
        for k in range(1, len(terms)):
            if terms[k] == "1" and norms[k - 1] == "no":
                terms[k] = _NOBODY_TERM
    return terms


class Unit(msgspec.Struct, gc=False):
    """A sentence or window of a block: tokens, their terms (None = stopword), the
    sentence span it belongs to, the terms of its capitalised words, the running
    count of negations (``negs[k]`` = negations among the first k tokens), and in a
    pair of sentences the first token of the second (``wall``; 0 in one sentence): a
    negation does not reach across it (aligner.py)."""
    tokens: list[Token]
    terms: list[str | None]
    key: str
    sent: tuple[int, int]
    names: frozenset[str]
    negs: list[int]
    termset: frozenset[str | None]
    wall: int = 0


_NO_NEGS: list[int] = []


def make_unit(tokens: list[Token], sent: tuple[int, int]) -> Unit:
    norms = list(map(norm_of, tokens))
    return _unit(tokens, norms, terms_of(norms), list(map(cap_of, tokens)), sent)


def _negs(tokens: list[Token], norms: list[str]) -> list[int]:
    """The running count of negations of a unit, from the negation words alone (the
    negation of an evidence frame counted where the frame ends: evidence.py)."""
    flags = [0] * len(tokens)
    framed = not EVIDENCE.isdisjoint(norms)   # most units name no evidence: no frame to look for
    odd = False
    for k in compress(count(), map(NEGATIONS.__contains__, norms)):
        if negated(tokens, k) and not (odd and parallel(norms, k)):
            flags[frame_end(norms, k) if framed else k] ^= 1
            odd = not odd
    return list(accumulate(flags, initial=0))


def _unit(tokens: list[Token], norms: list[str], terms: list[str | None], caps: list[bool],
          sent: tuple[int, int], wall: int = 0) -> Unit:
    names = frozenset([u for u in compress(terms, caps) if u is not None and not u.isdigit()])
    negs = _NO_NEGS if NEGATIONS.isdisjoint(norms) else _negs(tokens, norms)
    key = " ".join(norms)
    if names:
        key += "|" + " ".join(sorted(names))
    return Unit(tokens, terms, key, sent, names, negs, frozenset(terms), wall)


class BlockUnits(list[Unit]):
    """The units of one block, with the block's token columns and, per sentence that
    has words, its token range and start: what pronouns.names_in needs to read each
    word once instead of once per unit that holds it; and the set of its words, which
    tells whether any of its units can hold a word a rule looks for (readings,
    pronouns), in one test per block instead of one per unit."""

    __slots__ = ("tokens", "terms", "starts", "caps", "sentences", "words")   # made once per block

    def __init__(self, units: list[Unit], tokens: list[Token], terms: list[str | None],
                 starts: list[int], caps: list[bool], sentences: list[tuple[int, int, int]],
                 words: frozenset[str]) -> None:
        list.__init__(self, units)
        self.tokens, self.terms, self.starts, self.caps = tokens, terms, starts, caps
        self.sentences = sentences   # (first token, end token, start offset), in text order
        self.words = words           # the normal forms of its tokens


def sentence_units(text: str) -> list[Unit]:
    words = scan(text)
    if not words.norms:
        return []
    terms = terms_of(words.norms)
    caps = name_caps(words.norms, words.caps)
    units, tokens, sentences = block_units(words.norms, words.starts, words.ends, caps, terms, split_sentences(text))
    return BlockUnits(units, tokens, terms, words.starts, caps, sentences, frozenset(words.norms))


def block_units_py(norms: list[str], starts: list[int], ends: list[int], caps: list[bool],
                   terms: list[str | None], spans: list[tuple[int, int]]
                   ) -> tuple[list[Unit], list[Token], list[tuple[int, int, int]]]:
    """The units of a block's words (its token columns and their terms) in its sentence
    spans; its tokens; and per sentence that has words, its token range and start."""
    # The whole block's tokens and terms at once; a unit takes slices of them.
    tokens = list(map(tuple.__new__, repeat(Token), zip(norms, starts, ends, caps)))
    units: list[Unit] = []
    sentences: list[tuple[int, int, int]] = []
    k = 0
    prev = (0, 0, 0)   # token range and start of the previous sentence
    for a, b in spans:
        # Token spans are in text order (both ends non-decreasing): bisect, not a scan.
        k = bisect_right(ends, a, k)
        j = bisect_left(starts, b, k)
        if j == k:
            continue
        for wa, wb in windows(j - k, WINDOW_WORDS, WINDOW_STEP):
            wa += k
            wb += k
            units.append(_unit(tokens[wa:wb], norms[wa:wb], terms[wa:wb], caps[wa:wb], (a, b)))
        # Two short sentences together: a claim a writer broke in two ("I now use
        # Oxygen drops. Which help me ...").
        pa, pb, p_start = prev
        if pb > pa and (pb - pa) + (j - k) <= PAIR_WORDS:
            units.append(_unit(tokens[pa:pb] + tokens[k:j], norms[pa:pb] + norms[k:j],
                               terms[pa:pb] + terms[k:j], caps[pa:pb] + caps[k:j], (p_start, b), pb - pa))
        prev = (k, j, a)
        sentences.append(prev)
        k = j
    return units, tokens, sentences


def _block_units_c(norms: list[str], starts: list[int], ends: list[int], caps: list[bool],
                   terms: list[str | None], spans: list[tuple[int, int]]
                   ) -> tuple[list[Unit], list[Token], list[tuple[int, int, int]]]:
    """block_units_py, compiled (_units.c); the rules' constants come from here."""
    return _units.block_units(norms, starts, ends, caps, terms, spans, Token, Unit, NEGATIONS, _negs,
                              _NO_NEGS, WINDOW_WORDS, WINDOW_STEP, PAIR_WORDS)


block_units = block_units_py if _units is None or PURE_PYTHON else _block_units_c
