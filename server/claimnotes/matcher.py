"""Pure claim matching: text in, Match structs out (see docs/matching.md).

Pipeline for a page:

1. Each block is tokenized once (textnorm.tokenize: normal forms plus original
   spans) and split into sentences (sentences.split_sentences); sentences longer
   than ``WINDOW_WORDS`` words are cut into overlapping windows. Each such unit
   becomes a bag of *terms*: content words, canonicalised (synonyms, stemmer).
2. Retrieval: every claim text (text or variant, an *entry*) is filed under its
   rarest terms (its *keys*, chosen to hold ``KEY_FRACTION`` of its IDF weight).
   One sparse product (units x buckets) @ (buckets x entries) gives, per unit and
   entry, the key weight the unit contains. An entry whose key weight is below
   ``key_weight - (1 - MIN_COVERAGE) * total_weight`` cannot reach
   ``MIN_COVERAGE`` (a hard gate of the scorer), so pruning it loses nothing.
3. Verification: the word-level aligner (``_align``) finds the window of the unit
   that best covers the entry's terms and scores it (coverage, density, order)
   with guards for names, numbers and negation.
4. Per block: best span per claim, overlaps resolved by score, UTF-16 offsets.

``reference_match_blocks`` runs step 3 against every entry (no retrieval): the
simple loop the fast path is tested against.
"""

from __future__ import annotations

import math
import re
import zlib
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import pairwise, repeat
from operator import itemgetter

import msgspec
import numpy as np
from rapidfuzz.distance import Indel
from scipy import sparse

from claimnotes.sentences import split_sentences, windows
from claimnotes.synonyms import NEGATIONS, NOT_NEGATING_NEXT, STOPWORDS, SYNONYMS, stem
from claimnotes.textnorm import Token, Utf16Map, simple_words, tokenize

DEFAULT_THRESHOLD: float = 62.0
"""Score a span needs to be returned. Chosen on the labelled pages and CheckThat!
train splits (docs/benchmarks.md): lower lets paraphrases through at the cost of
false highlights."""

MIN_COVERAGE = 0.65    # a span must hold this share of a claim's IDF weight, or score 0
KEY_FRACTION = 0.8     # share of an entry's weight filed under keys; higher = fewer candidates
KEY_MAX_DF = 2_000     # a term in more entries than this is not a key (bounds the postings)
KEY_MAX = 6            # at most this many keys per entry (its rarest terms)...
KEY_SHARE = 0.5        # ...or this share of its distinct terms, if more
WINDOW_WORDS = 48      # longer sentences are matched in windows of this many words...
WINDOW_STEP = 24       # ...starting every this many words
PAIR_WORDS = 30        # adjacent sentences this short together are also matched as one unit
NEGATION_REACH = 4     # a negation this many words before a span still negates it...
NEGATION_AFTER = 2     # ...and a "not" this many after ("because most do not")
COUNT_SHARE = 0.0      # coverage = mix of IDF-weighted and plain term counts: rare words
                       # alone ("Apollo 11") must not stand for a whole claim
COVERAGE_POWER = 0.5   # score = 100 * coverage**COVERAGE_POWER * similarity**SIMILARITY_POWER
SIMILARITY_POWER = 1.0  # similarity: rapidfuzz Indel over the term sequences (order, extra words)
MISSING_SHARE = 0.3    # a claim word missing from the span that carries more than this share
                       # of the claim's weight ("turmeric" in "turmeric kills cancer cells") is a guard
GUARD_FACTOR = 0.5     # a conflicting name, missing number, flipped negation or missing
                       # distinctive word multiplies the score by this
SPECIFICITY_BONUS = 5.0  # when spans overlap, rank = score + this * matched terms
CACHE_SIZE = 20_000    # sentences whose results are kept (cleared on every index change)
CANDIDATES_PER_UNIT = 64  # align at most this many entries per unit (best score bound first)
PRE_CANDIDATES = 256   # pre-filter at most this many entries per unit on average (1M-claim stores)
_BUCKETS = 1 << 22     # terms are hashed into this many buckets (collisions only add candidates)
_MASK = _BUCKETS - 1


class Match(msgspec.Struct, frozen=True, kw_only=True):
    block_id: str
    start: int            # offset into the block's text in UTF-16 code units
    end: int
    quote: str            # == block_text[start:end] in UTF-16 terms
    score: float          # 0..100
    claim_id: str
    parts: dict[str, float] | None = None   # score parts, only when explain=True


# ---------------------------------------------------------------- terms

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


def _negated(tokens: Sequence[Token], i: int) -> bool:
    w = tokens[i].norm
    if w not in NEGATIONS:
        return False
    return not (i + 1 < len(tokens) and tokens[i + 1].norm in NOT_NEGATING_NEXT)


class _Entry(msgspec.Struct, array_like=True, gc=False):
    """One claim text, analysed: ordered content terms, name terms, negation parity."""
    claim: str
    terms: tuple[str, ...]
    names: tuple[str, ...]  # a tuple: a frozenset costs 200 bytes per entry at 1M entries
    neg: bool


def analyse(text: str, claim_id: str = "") -> _Entry:
    """The terms of one claim text."""
    words = simple_words(text)
    if words is None:
        toks = tokenize(text)
        norms = list(map(_norm_of, toks))
        caps = list(map(_cap_of, toks))
    else:
        norms = list(map(_norm_of, words))
        caps = list(map(_tok_cap_of, words))
    neg = False
    if not NEGATIONS.isdisjoint(norms):
        n = len(norms)
        for i, w in enumerate(norms):
            if w in NEGATIONS and not (i + 1 < n and norms[i + 1] in NOT_NEGATING_NEXT):
                neg = not neg
    all_terms = _terms_of(norms)
    terms = [t for t in all_terms if t is not None]
    names = {t for t, cap in zip(all_terms, caps) if cap and t is not None and not t.isdigit()}
    return _Entry(claim_id, tuple(terms), tuple(sorted(names)), neg)


_UNIT_TERMS: dict[str, str | None] = dict.fromkeys(_SKIP)  # word -> term, None = never a term
_MISS = object()
_norm_of = itemgetter(0)
_cap_of = itemgetter(3)
_tok_cap_of = itemgetter(1)


def _terms_of(norms: list[str]) -> list[str | None]:
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


class _Unit(msgspec.Struct):
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


def _make_unit(tokens: list[Token], sent: tuple[int, int]) -> _Unit:
    norms = list(map(_norm_of, tokens))
    terms = _terms_of(norms)
    names = frozenset([u for u, cap in zip(terms, map(_cap_of, tokens))
                       if cap and u is not None and not u.isdigit()])
    if NEGATIONS.isdisjoint(norms):
        negs = _NO_NEGS
    else:
        negs = [0]
        for k in range(len(tokens)):
            negs.append(negs[-1] + _negated(tokens, k))
    key = " ".join(norms)
    if names:
        key += "|" + " ".join(sorted(names))
    return _Unit(tokens, terms, key, sent, names, negs, frozenset(terms))


def _units(text: str) -> list[_Unit]:
    tokens = tokenize(text)
    if not tokens:
        return []
    # Token spans are in text order (both ends non-decreasing): bisect, not a scan.
    starts = list(map(_start_of, tokens))
    ends = list(map(_end_of, tokens))
    units: list[_Unit] = []
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
            units.append(_make_unit(sent[wa:wb], (a, b)))
        # Two short sentences together: a claim a writer broke in two ("I now use
        # Oxygen drops. Which help me ...").
        if prev is not None and len(prev[0]) + len(sent) <= PAIR_WORDS:
            units.append(_make_unit(prev[0] + sent, (prev[1], b)))
        prev = (sent, a)
    return units


_start_of = itemgetter(1)
_end_of = itemgetter(2)


# ---------------------------------------------------------------- scoring

def _idf(df: float, n: int) -> float:
    return math.log((n + 1.0) / (df + 0.5)) + 0.5


def _align(unit: _Unit, entry: _Entry, weight: dict[str, float],
           floor: float = 0.0) -> tuple[float, int, int, dict[str, float]] | None:
    """Best window of ``unit`` for ``entry``: (score, first token, last token, parts).

    None when no window can score ``floor`` or more."""
    present = weight.keys() & unit.termset   # the claim's terms found in the unit
    if not present:
        return None
    total = sum(weight.values())
    present_w = sum(weight[t] for t in present)
    if total <= 0 or present_w < MIN_COVERAGE * total - 1e-9:
        return None
    claim_terms = weight.keys()
    terms = unit.terms
    # Upper bound of any window's score: all present terms covered, and the best
    # Indel similarity a window holding them could reach. Guards only lower it.
    n_claim = len(entry.terms)
    common = sum(1 for t in entry.terms if t in present)
    sim_max = 2.0 * common / (n_claim + common)
    if 100.0 * (present_w / total) ** COVERAGE_POWER * sim_max ** SIMILARITY_POWER < floor - 1e-9:
        return None
    hits = [i for i, t in enumerate(terms) if t in present]
    claim_numbers = {t for t in claim_terms if t.isdigit()}
    # A capitalised word of the unit that the claim lacks, while a claim name is
    # missing: "Jones voted..." is not "Smith voted...".
    other_names = bool(unit.names - claim_terms)
    best: tuple[float, int, int, dict[str, float]] | None = None
    need = MIN_COVERAGE * total - 1e-9
    # Claim words heavy enough that missing one is a guard (see MISSING_SHARE).
    heavy = [u for u in claim_terms if weight[u] > MISSING_SHARE * total]
    negs = unit.negs
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
            neg_span = bool(negs) and bool((negs[j + 1] - negs[max(0, i - NEGATION_REACH)]) % 2)
            # After the span only a plain "not" counts ("because most do not"), not
            # "no"/"nobody" starting a new clause ("...mercury and nobody will tell you").
            if negs:
                for k in range(j + 1, min(len(terms), j + 1 + NEGATION_AFTER)):
                    if unit.tokens[k].norm == "not" and _negated(unit.tokens, k):
                        neg_span = not neg_span
            negation = 1.0 if neg_span == entry.neg else GUARD_FACTOR
            distinct = GUARD_FACTOR if heavy and not covered.issuperset(heavy) else 1.0
            score = base * names * numbers * negation * distinct
            if best is None or score > best[0] + 1e-9:
                best = (score, i, j, {"coverage": round(cov, 4), "similarity": round(sim, 4),
                                      "names": names, "numbers": numbers, "negation": negation,
                                      "distinct": distinct,
                                      "terms": float(len(covered))})
    return best


# ---------------------------------------------------------------- index

@lru_cache(maxsize=1 << 20)
def _bucket(term: str) -> int:
    # A stable hash, not hash(): str hashes are salted per process, and bucket
    # collisions change document frequencies, so results would differ between
    # runs and between worker processes.
    return zlib.crc32(term.encode("utf-8", "surrogatepass")) & _MASK


class ClaimIndex:
    """In-memory index over claim texts and variants; not thread-safe."""

    def __init__(self) -> None:
        self._entries: list[_Entry | None] = []
        self._by_claim: dict[str, list[int]] = {}
        self._df = np.zeros(_BUCKETS, dtype=np.int32)
        self._n_live = 0
        self._kt: sparse.csr_matrix | None = None   # buckets x entries, key weights
        self._kmin = np.zeros(0, dtype=np.float32)  # per entry: key weight needed
        self._indexed = 0                            # entries [0, _indexed) are in _kt
        self._ft: tuple[sparse.csr_matrix, list[str]] | None = None  # buckets x claims, BM25 (lazy)
        self._cache: OrderedDict[str, list[tuple[str, int, int, float, dict[str, float]]]] = OrderedDict()
        self._block_cache: OrderedDict[str, list[_Found]] = OrderedDict()
        self._wcache: dict[int, dict[str, float]] = {}

    # ---- building

    @classmethod
    def build(cls, entries: Iterable[tuple[str, Sequence[str]]]) -> ClaimIndex:
        """An index over ``(claim_id, [text, *variants])`` pairs."""
        index = cls()
        for claim_id, texts in entries:
            index._add(claim_id, texts, count=False)
        index._reindex()
        return index

    def _add(self, claim_id: str, texts: Sequence[str], count: bool = True) -> None:
        ids = self._by_claim.setdefault(claim_id, [])
        seen: set[tuple[str, ...]] = set()
        for text in texts:
            if not isinstance(text, str):
                raise ValueError("claim texts must be strings")
            entry = analyse(text, claim_id)
            if not entry.terms or entry.terms in seen:
                continue
            seen.add(entry.terms)
            ids.append(len(self._entries))
            self._entries.append(entry)
            if count:  # build() counts all document frequencies at once in _reindex
                for t in set(entry.terms):
                    self._df[_bucket(t)] += 1
            self._n_live += 1
        if not ids:
            del self._by_claim[claim_id]

    def _weights(self, terms: Iterable[str]) -> dict[str, float]:
        n = self._n_live
        return {t: _idf(float(self._df[_bucket(t)]), n) for t in terms}

    def _entry_weights(self, e_id: int, entry: _Entry) -> dict[str, float]:
        """IDF weights of an entry's terms, cached until the index changes."""
        w = self._wcache.get(e_id)
        if w is None:
            w = self._wcache[e_id] = self._weights(dict.fromkeys(entry.terms))
        return w

    def _reindex(self) -> None:
        """(Re)build the key postings and the entry matrix over every live entry (numpy)."""
        entries = self._entries
        n_entries = len(entries)
        # numpy.fromiter, not lists: at 1M entries a list of 10M Python ints is ~700 MB.
        lengths = np.fromiter((0 if en is None else len(dict.fromkeys(en.terms)) for en in entries),
                              dtype=np.int64, count=n_entries)
        b = np.fromiter((_bucket(t) for en in entries if en is not None for t in dict.fromkeys(en.terms)),
                        dtype=np.int32, count=int(lengths.sum()))
        e = np.repeat(np.arange(n_entries, dtype=np.int32), lengths)
        self._df = np.bincount(b, minlength=_BUCKETS).astype(np.int32)
        n = self._n_live
        w = np.log((n + 1.0) / (self._df[b] + 0.5)) + 0.5  # == _idf
        order = np.lexsort((-w, e))            # by entry, heaviest term first
        e, b, w = e[order], b[order], w[order]
        del order
        starts = np.zeros(n_entries + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        csum = np.zeros(len(w) + 1)
        np.cumsum(w, out=csum[1:])
        total = csum[starts[1:]] - csum[starts[:-1]]
        before = csum[:-1] - np.repeat(csum[starts[:-1]], lengths)  # heavier terms of the same entry
        del csum
        is_first = np.zeros(len(w), dtype=bool)
        is_first[starts[:-1][lengths > 0]] = True
        # Very common terms are not keys (their postings would dominate the product),
        # except an entry's rarest term, so every entry has at least one key. An
        # entry made only of common words can then be missed: the one place where
        # retrieval is not exact (docs/matching.md).
        rank = np.arange(len(w)) - np.repeat(starts[:-1], lengths)   # 0 = rarest term of its entry
        keep = (before < KEY_FRACTION * np.repeat(total, lengths) - 1e-12) & (
            (self._df[b] <= KEY_MAX_DF) | is_first) & (
            rank < np.maximum(KEY_MAX, np.repeat(lengths, lengths) * KEY_SHARE))
        del before, is_first, rank
        keyed = np.bincount(e[keep], weights=w[keep], minlength=n_entries)
        kmin = np.maximum(keyed - (1.0 - MIN_COVERAGE) * total - 1e-4, 1e-6).astype(np.float32)
        kmin[lengths == 0] = np.inf
        self._kt = sparse.csr_matrix((w[keep].astype(np.float32), (b[keep], e[keep])),
                                     shape=(_BUCKETS, max(1, n_entries)))
        self._kt.sum_duplicates()
        del keep, e
        # Entries x buckets with every term's weight: the exact pre-filter of candidates.
        fw = sparse.csr_matrix((w.astype(np.float32), b, starts if n_entries else np.zeros(2, dtype=np.int64)),
                               shape=(max(1, n_entries), _BUCKETS))
        fw.sum_duplicates()   # sorts each row; merges terms that share a bucket
        self._fw = fw
        self._total = total
        self._n_terms = np.fromiter((0 if en is None else len(en.terms) for en in entries),
                                    dtype=np.int32, count=n_entries)
        self._extra = self._n_terms - np.diff(fw.indptr)[:n_entries].astype(np.int32)  # repeats
        self._kmin = kmin
        self._keyed = np.maximum(keyed, 1e-6).astype(np.float32)
        self._indexed = n_entries
        self._ft = None

    def _changed(self) -> None:
        self._wcache.clear()
        self._cache.clear()
        self._block_cache.clear()
        self._ft = None
        pending = len(self._entries) - self._indexed
        if pending > max(256, self._indexed // 20):
            self._compact()

    def _compact(self) -> None:
        live = [(e.claim, e) for e in self._entries if e is not None]
        self._entries = []
        self._by_claim = {}
        for claim, e in live:
            self._by_claim.setdefault(claim, []).append(len(self._entries))
            self._entries.append(e)
        self._reindex()

    def upsert(self, claim_id: str, texts: Sequence[str]) -> None:
        """Add or replace one claim's texts; it matches on the very next call."""
        self._drop(claim_id)
        self._add(claim_id, texts)
        self._changed()

    def remove(self, claim_id: str) -> None:
        """Forget a claim (no error if it is not indexed)."""
        if self._drop(claim_id):
            self._changed()

    def _drop(self, claim_id: str) -> bool:
        ids = self._by_claim.pop(claim_id, None)
        if not ids:
            return False
        for e_id in ids:
            entry = self._entries[e_id]
            if entry is not None:
                for t in set(entry.terms):
                    self._df[_bucket(t)] -= 1
                self._entries[e_id] = None
                self._n_live -= 1
            if e_id < len(self._kmin):
                self._kmin[e_id] = np.inf
        return True

    def __len__(self) -> int:
        return len(self._by_claim)

    # ---- retrieval

    def _candidates(self, units: Sequence[_Unit], floor: float) -> list[list[int]]:
        """Per unit, the entries whose best window could score ``floor`` (best key weight first)."""
        out: list[list[int]] = [[] for _ in units]
        if not units or not self._entries:
            return out
        # Units x buckets, 1 where the unit has a term: built as CSR directly, each
        # row's buckets sorted (the canonical form a COO conversion would give).
        cols: list[int] = []
        indptr = [0]
        for unit in units:
            cols.extend(sorted({_bucket(t) for t in unit.termset if t is not None}))
            indptr.append(len(cols))
        if self._indexed and cols:
            q = sparse.csr_matrix((np.ones(len(cols), dtype=np.float32), np.asarray(cols, dtype=np.int32),
                                   np.asarray(indptr, dtype=np.int32)), shape=(len(units), _BUCKETS))
            s = (q @ self._kt).tocsr()
            ok = np.flatnonzero(s.data >= self._kmin[s.indices])
            unit_of = np.searchsorted(s.indptr, ok, side="right") - 1   # the row of each
            entry_of = s.indices[ok]
            # Rank by the share of the entry's whole weight that its keys found.
            key_w = s.data[ok] / self._total[entry_of]
            if len(entry_of) > PRE_CANDIDATES * len(units):
                # Very large stores: keep each unit's PRE_CANDIDATES entries with the most
                # key weight before the exact pre-filter (not exact past this point).
                # unit_of is sorted already: a stable sort of each unit's run by -key_w
                # (what np.lexsort((-key_w, unit_of)) gives), cut to its first entries.
                bounds = np.searchsorted(unit_of, np.arange(len(units) + 1)).tolist()
                neg = -key_w
                top = [a + _stable_top(neg[a:b], PRE_CANDIDATES) for a, b in pairwise(bounds) if b > a]
                top = np.concatenate(top)
                unit_of, entry_of, key_w = unit_of[top], entry_of[top], key_w[top]
            if len(entry_of):
                # The aligner's own first checks, for all pairs at once: the weight of
                # the entry's terms in the unit (MIN_COVERAGE), and the best score any
                # window could reach with them (see _align). Exact at build-time weights.
                both = self._fw[entry_of].multiply(q[unit_of]).tocsr()
                present = np.asarray(both.sum(axis=1)).ravel() * (1 + 1e-5)
                total = self._total[entry_of]
                n_claim = self._n_terms[entry_of]
                common = np.diff(both.indptr) + self._extra[entry_of]
                sim_max = 2.0 * common / (n_claim + common)
                cov = np.minimum(present / total, 1.0)
                best = 100.0 * cov ** COVERAGE_POWER * sim_max ** SIMILARITY_POWER
                good = (present >= MIN_COVERAGE * total - 1e-9) & (best >= floor - 1e-6)
                # From here on rank by that bound: a claim pasted whole has 100.
                unit_of, entry_of, key_w = unit_of[good], entry_of[good], best[good]
            if len(entry_of) > CANDIDATES_PER_UNIT:
                # Best bound first, so a cap keeps the most promising entries.
                order = np.lexsort((-key_w, unit_of))
                unit_of, entry_of = unit_of[order], entry_of[order]
            for u, e in zip(unit_of.tolist(), entry_of.tolist()):
                if len(out[u]) < CANDIDATES_PER_UNIT:
                    out[u].append(e)
        # Entries added since the last reindex: checked directly (few by construction).
        for e_id in range(self._indexed, len(self._entries)):
            entry = self._entries[e_id]
            if entry is None:
                continue
            needed = set(entry.terms)
            for u, unit in enumerate(units):
                if needed.intersection(unit.terms):
                    out[u].append(e_id)
        return out


def _stable_top(values: np.ndarray, k: int) -> np.ndarray:
    """``np.argsort(values, kind="stable")[:k]``, without sorting all of a long array."""
    if len(values) <= k:
        return np.argsort(values, kind="stable")
    kth = np.partition(values, k - 1)[k - 1]
    less = np.flatnonzero(values < kth)
    keep = np.sort(np.concatenate((less, np.flatnonzero(values == kth)[:k - len(less)])))
    return keep[np.argsort(values[keep], kind="stable")]


# ---------------------------------------------------------------- matching

def _unit_results(unit: _Unit, entry_ids: Iterable[int], index: ClaimIndex,
                  threshold: float) -> list[tuple[str, int, int, float, dict[str, float]]]:
    best: dict[str, tuple[str, int, int, float, dict[str, float]]] = {}
    for e_id in entry_ids:
        entry = index._entries[e_id]
        if entry is None:
            continue
        found = _align(unit, entry, index._entry_weights(e_id, entry), threshold)
        if found is None or found[0] < threshold:
            continue
        score, i, j, parts = found
        prev = best.get(entry.claim)
        if prev is None or score > prev[3] or (score == prev[3] and (j - i) < (prev[2] - prev[1])):
            best[entry.claim] = (entry.claim, i, j, score, parts)
    return list(best.values())


_Found = tuple[str, int, int, float, dict[str, float], tuple[int, int]]
# (claim id, start, end in code points, score, parts, sentence span)


def _found_in(units: Sequence[_Unit], results: Sequence[Sequence[tuple[str, int, int, float, dict[str, float]]]]
              ) -> list[_Found]:
    return [(claim, u.tokens[i].start, u.tokens[j].end, score, parts, u.sent)
            for u, res in zip(units, results) for claim, i, j, score, parts in res]


def _resolve(block_id: str, text: str, found: Sequence[_Found], threshold: float, explain: bool) -> list[Match]:
    """Best span per claim, overlaps resolved, each span widened to its sentence."""
    if not found:
        return []
    per_claim: dict[str, _Found] = {}
    for f in found:
        if f[3] < threshold:
            continue
        prev = per_claim.get(f[0])
        # Best score; on a tie the shorter sentence (a pair loses to its own half), then the first.
        if prev is None or f[3] > prev[3] or (f[3] == prev[3] and (
                (f[5][1] - f[5][0], f[1]) < (prev[5][1] - prev[5][0], prev[1]))):
            per_claim[f[0]] = f
    # Overlaps are judged on the aligned words: best score first, and a claim that
    # matches more terms (the more specific one) gets a head start.
    ranked = sorted(per_claim.values(), key=lambda f: (
        -(f[3] + SPECIFICITY_BONUS * f[4].get("terms", 0.0)), f[1], f[0]))
    chosen: list[_Found] = []
    for f in ranked:
        if all(f[2] <= c[1] or f[1] >= c[2] for c in chosen):
            chosen.append(f)
    chosen.sort(key=lambda c: (c[1], c[0]))
    # The quote is the sentence that makes the claim, unless that would run into
    # another match's words; very long sentences keep the aligned words.
    to16 = Utf16Map(text)
    out = []
    for n, (claim, start, end, score, parts, (sa, sb)) in enumerate(chosen):
        lo = chosen[n - 1][2] if n else 0
        hi = chosen[n + 1][1] if n + 1 < len(chosen) else len(text)
        if sa >= lo and sb <= hi and (sb - sa) <= MAX_QUOTE_CHARS:
            start, end = sa, sb
        out.append(Match(block_id=block_id, start=to16(start), end=to16(end), quote=text[start:end],
                         score=round(min(100.0, score), 2), claim_id=claim,
                         parts=dict(parts) if explain else None))
    return out


MAX_QUOTE_CHARS = 400  # a sentence longer than this is not quoted whole


def match_blocks(blocks: Sequence[tuple[str, str]], index: ClaimIndex, *,
                 threshold: float = DEFAULT_THRESHOLD, explain: bool = False) -> list[Match]:
    """Claims found in page blocks, sorted by block (input order), then start.

    Parameters
    ----------
    blocks: ``(block_id, text)`` pairs; offsets are UTF-16 code units into ``text``.
    index: the claim index.
    threshold: minimum score (0..100) of a returned match; results at or above
        ``_FLOOR`` are cached, lower thresholds are computed afresh.
    explain: include each match's score parts.
    """
    if threshold < _FLOOR:
        return _match_uncached(blocks, index, threshold, explain)
    block_cache, unit_cache = index._block_cache, index._cache
    local: dict[str, list[_Found]] = {}
    pending: dict[str, list[_Unit]] = {}
    for _, text in blocks:
        if text in local or text in pending:
            continue
        hit = block_cache.get(text)
        if hit is not None:
            block_cache.move_to_end(text)
            local[text] = hit
        else:
            pending[text] = _units(text)
    if pending:
        todo: dict[str, _Unit] = {}
        for units in pending.values():
            for u in units:
                if u.key not in unit_cache:
                    todo.setdefault(u.key, u)
        if todo:
            fresh = list(todo.values())
            for u, ids in zip(fresh, index._candidates(fresh, _FLOOR)):
                unit_cache[u.key] = _unit_results(u, ids, index, _FLOOR)
                if len(unit_cache) > CACHE_SIZE:
                    unit_cache.popitem(last=False)
        for text, units in pending.items():
            results = []
            for u in units:
                res = unit_cache.get(u.key)
                if res is None:  # evicted within this call
                    res = _unit_results(u, index._candidates([u], _FLOOR)[0], index, _FLOOR)
                results.append(res)
            local[text] = block_cache[text] = _found_in(units, results)
            if len(block_cache) > BLOCK_CACHE_SIZE:
                block_cache.popitem(last=False)
    out: list[Match] = []
    for bid, text in blocks:
        out.extend(_resolve(bid, text, local[text], threshold, explain))
    return out


def _match_uncached(blocks: Sequence[tuple[str, str]], index: ClaimIndex, threshold: float,
                    explain: bool) -> list[Match]:
    out: list[Match] = []
    for bid, text in blocks:
        units = _units(text)
        cands = index._candidates(units, threshold)
        results = [_unit_results(u, ids, index, threshold) for u, ids in zip(units, cands)]
        out.extend(_resolve(bid, text, _found_in(units, results), threshold, explain))
    return out


# The cache stores results above this floor so that any threshold at or above it
# can be served from the cache.
_FLOOR = 50.0
BLOCK_CACHE_SIZE = 5_000  # whole blocks (nav bars, footers and reloads repeat verbatim)


def reference_match_blocks(blocks: Sequence[tuple[str, str]], index: ClaimIndex, *,
                           threshold: float = DEFAULT_THRESHOLD) -> list[Match]:
    """The simple loop: every unit against every entry, no retrieval, no cache."""
    out: list[Match] = []
    everything = range(len(index._entries))
    for bid, text in blocks:
        units = _units(text)
        results = [_unit_results(u, everything, index, threshold) for u in units]
        out.extend(_resolve(bid, text, _found_in(units, results), threshold, False))
    return out


# ---------------------------------------------------------------- similar

_BM25_K1 = 1.2
_BM25_B = 0.5
RERANK = 50          # claims re-scored with the aligner in find_similar
BM25_SHARE = 0.9     # find_similar score = this * BM25 (relative to the best) + rest * aligner
BIGRAMS = False      # BM25 also counts adjacent term pairs (phrases)

_URL_RE = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*")
_TRAILER_RE = re.compile(r"\s[\u2014-]\s[^\u2014\n]{0,80}\(@\w+\)\s+\w+\s+\d{1,2},\s+\d{4}\s*$")
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TAG_RE = re.compile(r"[#@](\w+)")


def _query_text(text: str) -> str:
    """Social-media text made plain: no URLs or tweet trailer; #CamelCase split into words."""
    text = _TRAILER_RE.sub(" ", text)
    text = _URL_RE.sub(" ", text)
    return _TAG_RE.sub(lambda m: " " + _CAMEL_RE.sub(" ", m.group(1)) + " ", text)


def _doc_terms(terms: Sequence[str]) -> list[str]:
    out = list(terms)
    if BIGRAMS:
        out += [f"{a}_{b}" for a, b in zip(terms, terms[1:])]
    return out


def _bm25(index: ClaimIndex) -> tuple[sparse.csr_matrix, list[str]]:
    """Buckets x claims BM25 weights over each claim's texts taken together (built lazily)."""
    if index._ft is None:
        claims = list(index._by_claim)
        docs: list[dict[int, int]] = []
        df: dict[int, int] = {}
        for claim in claims:
            tf: dict[int, int] = {}
            for e_id in index._by_claim[claim]:
                entry = index._entries[e_id]
                if entry is not None:
                    for t in _doc_terms(entry.terms):
                        b = _bucket(t)
                        tf[b] = tf.get(b, 0) + 1
            docs.append(tf)
            for b in tf:
                df[b] = df.get(b, 0) + 1
        n = max(1, len(claims))
        lengths = [sum(tf.values()) for tf in docs]
        avg = (sum(lengths) / len(lengths)) if lengths else 1.0
        rows, cols, vals = [], [], []
        for c, (tf, length) in enumerate(zip(docs, lengths)):
            norm = _BM25_K1 * (1 - _BM25_B + _BM25_B * length / avg)
            for b, k in tf.items():
                idf = math.log(1 + (n - df[b] + 0.5) / (df[b] + 0.5))
                rows.append(b)
                cols.append(c)
                vals.append(idf * k * (_BM25_K1 + 1) / (k + norm))
        index._ft = (sparse.csr_matrix((np.asarray(vals, dtype=np.float32), (rows, cols)),
                                       shape=(_BUCKETS, n)), claims)
    return index._ft


def find_similar(text: str, index: ClaimIndex, *, limit: int = 10) -> list[tuple[str, float]]:
    """Claims most like ``text``, best first, as ``(claim_id, score 0..100)``; no threshold.

    BM25 over each claim's texts (terms and term pairs) picks ``RERANK`` claims;
    the word aligner re-scores them; the two are blended (``BM25_SHARE``).
    """
    if limit <= 0 or not index._by_claim:
        return []
    plain = _query_text(text)
    query = analyse(plain)
    if not query.terms:
        return []
    ft, claims = _bm25(index)
    q = sorted({_bucket(t) for t in _doc_terms(query.terms)})
    scores = np.asarray(ft[q].sum(axis=0)).ravel()
    nz = np.flatnonzero(scores)
    if not len(nz):
        return []
    top_n = max(limit, RERANK)
    if len(nz) > top_n:
        nz = nz[np.argpartition(-scores[nz], top_n - 1)[:top_n]]
    top = float(scores[nz].max())
    whole = _make_unit(tokenize(plain), (0, len(plain)))
    ranked = []
    for c in nz.tolist():
        claim = claims[c]
        align = 0.0
        for e_id in index._by_claim.get(claim, []):
            entry = index._entries[e_id]
            if entry is not None:
                r = _align(whole, entry, index._weights(dict.fromkeys(entry.terms)))
                if r is not None:
                    align = max(align, r[0])
        score = BM25_SHARE * 100.0 * float(scores[c]) / top + (1 - BM25_SHARE) * align
        ranked.append((claim, round(score, 4)))
    ranked.sort(key=lambda cs: (-cs[1], cs[0]))
    return ranked[:limit]
