"""find_similar: claims most like a text, ranked (BM25 then the aligner); pure."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from claimnotes.aligner import align
from claimnotes.claim_index import BUCKETS, ClaimIndex, bucket
from claimnotes.speakers import person_name, same_person
from claimnotes.synonyms import STOPWORDS
from claimnotes.terms import Unit, analyse, make_unit, term_of
from claimnotes.textnorm import tokenize

if TYPE_CHECKING:
    from claimnotes.semantic import SemanticIndex

_BM25_K1 = 1.2
_BM25_B = 0.5
RERANK = 50          # claims re-scored with the aligner in find_similar
BM25_SHARE = 0.9     # find_similar score = this * BM25 (relative to the best) + rest * aligner
BIGRAMS = False      # BM25 also counts adjacent term pairs (phrases)
SEMANTIC_RECALL = 20  # with the semantic stage: claims nearest in meaning added to the candidates
SEMANTIC_SHARE = 0.8  # with the semantic stage: score = this * 100 * cosine + rest * lexical score
# With the day the text was said (said_on): claims stated more than GRACE_DAYS after it are
# left out (a text can only repeat a claim already made; PolitiFact sometimes dates a claim
# by a later repetition, hence the grace), and a recency prior takes RECENCY_SHARE of the
# score, 100 for a claim stated that day (or in the grace days), halving every
# RECENCY_HALF_LIFE days before. Claims without a day are kept, with no prior.
GRACE_DAYS = 7
RECENCY_SHARE = 0.3
RECENCY_HALF_LIFE = 180.0
# With who said the text (said_by) and each claim's author (authors): a claim by the same
# person (speakers.same_person) gets SPEAKER_SHARE of its score as a bonus, others none.
SPEAKER_SHARE = 0.15

_URL_RE = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*")
_TRAILER_RE = re.compile(r"\s[\u2014-]\s[^\u2014\n]{0,80}\(@\w+\)\s+\w+\s+\d{1,2},\s+\d{4}\s*$")
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TAG_RE = re.compile(r"[#@](\w+)")
GLUED_WORD = (7, 30)  # an unknown word this long (letters) may be two glued words; longer
                      # ones are left alone (each split costs two look-ups: bounded work)
GLUED_PART = 3       # a glued word is split only into parts of at least this many letters
_GLUED_RE = re.compile(r"(?<![A-Za-z])[A-Za-z]{%d,%d}(?![A-Za-z])" % GLUED_WORD)


def _query_text(text: str) -> str:
    """Social-media text made plain: no URLs or tweet trailer; #CamelCase split into words."""
    text = _TRAILER_RE.sub(" ", text)
    text = _URL_RE.sub(" ", text)
    return _TAG_RE.sub(lambda m: " " + _CAMEL_RE.sub(" ", m.group(1)) + " ", text)


def _split_glued(text: str, index: ClaimIndex) -> str:
    """Words the index has never seen, split in two words it knows: "singlepayer",
    "HillaryClinton" (handles, debate transcripts that dropped hyphens). Of the
    possible splits, the one whose rarer part is most common wins."""
    def df(word: str) -> int:
        return int(index._df[bucket(term_of(word))])

    def split(m: re.Match[str]) -> str:
        word = m.group(0)
        low = word.lower()
        if low in STOPWORDS or df(low):
            return word
        best, best_df = word, 0
        for i in range(GLUED_PART, len(low) - GLUED_PART + 1):
            a, b = low[:i], low[i:]
            if a in STOPWORDS or b in STOPWORDS:
                continue
            common = min(df(a), df(b))
            if common > best_df:
                best, best_df = f"{word[:i]} {word[i:]}", common
        return best

    return _GLUED_RE.sub(split, text)


def _doc_terms(terms: Sequence[str]) -> list[str]:
    out = list(terms)
    if BIGRAMS:
        out += [f"{a}_{b}" for a, b in zip(terms, terms[1:])]
    return out


def _bm25(index: ClaimIndex) -> tuple[sparse.csr_matrix, list[str], dict[str, int]]:
    """Buckets x claims BM25 weights over each claim's texts taken together, the
    claims in column order and claim -> column (built lazily, kept with the index)."""
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
                        b = bucket(t)
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
                                       shape=(BUCKETS, n)), claims, {claim: c for c, claim in enumerate(claims)})
    return index._ft


def _top_columns(scores: np.ndarray, top_n: int, keep: Callable[[int], bool]) -> np.ndarray:
    """The columns of the ``top_n`` highest non-zero scores that ``keep`` accepts (any order).
    Only the best few are offered to ``keep``, twice as many each round until enough pass."""
    nz = np.flatnonzero(scores)
    k = top_n
    while True:
        best = nz if len(nz) <= k else nz[np.argpartition(-scores[nz], k - 1)[:k]]
        kept = best[[keep(c) for c in best.tolist()]] if len(best) else best
        if len(kept) >= top_n or len(best) == len(nz):
            return kept if len(kept) <= top_n else kept[np.argpartition(-scores[kept], top_n - 1)[:top_n]]
        k *= 2


def recency(days: int) -> float:
    """The prior (0..1) of a claim stated ``days`` before the text was said (negative: after)."""
    return 0.5 ** (max(0, days) / RECENCY_HALF_LIFE)


def find_similar(text: str, index: ClaimIndex, *, limit: int = 10,
                 semantic: SemanticIndex | None = None, said_on: date | None = None,
                 stated: Mapping[str, date] | None = None, said_by: str | None = None,
                 authors: Mapping[str, str] | None = None) -> list[tuple[str, float]]:
    """Claims most like ``text``, best first, as ``(claim_id, score 0..100)``; no threshold.

    BM25 over each claim's texts picks ``RERANK`` claims; the word aligner
    re-scores them; the two are blended (``BM25_SHARE``). With ``semantic`` (the
    optional embedding stage, semantic.py) the ``SEMANTIC_RECALL`` claims nearest
    in meaning join the candidates, and the embedding cosine takes
    ``SEMANTIC_SHARE`` of the score. With ``said_on``, the day ``text`` was said,
    and ``stated`` (claim id -> the day the claim was stated), claims stated more
    than ``GRACE_DAYS`` later are left out and the rest get a recency prior
    (``RECENCY_SHARE``, ``recency``); claims missing from ``stated`` are kept, with no prior.
    With ``said_by``, who said ``text``, and ``authors`` (claim id -> who made the claim),
    claims by the same person (``speakers.same_person``) get ``SPEAKER_SHARE`` of the score.
    """
    if limit <= 0 or not index._by_claim:
        return []
    stated = stated if said_on is not None else None
    plain = _split_glued(_query_text(text), index)
    query = analyse(plain)
    ft, claims, column = _bm25(index)
    q = sorted({bucket(t) for t in _doc_terms(query.terms)})
    scores = np.asarray(ft[q].sum(axis=0)).ravel() if q else np.zeros(len(claims))
    days_before: dict[str, int] = {}

    def keep(claim: str) -> bool:
        day = stated.get(claim) if stated else None
        if day is None:
            return True
        days_before[claim] = (said_on - day).days
        return days_before[claim] >= -GRACE_DAYS

    asked = person_name(said_by) if said_by and authors else None
    nz = _top_columns(scores, max(limit, RERANK), lambda c: keep(claims[c]))
    pool = {claims[c]: c for c in nz.tolist()}  # claim -> its BM25 column
    cosines = None
    if semantic is not None and plain.strip():
        cosines = semantic.cosines(semantic.query(plain))
        nearest = [c for c in cosines.top(max(limit, SEMANTIC_RECALL)) if c not in pool and keep(c)]
        if nearest:
            pool.update((claim, column[claim]) for claim in nearest if claim in column)
    if not pool:
        return []
    top = float(scores[nz].max()) if len(nz) else 1.0
    whole = make_unit(tokenize(plain), (0, len(plain)))
    ranked = []
    for claim, c in pool.items():
        score = BM25_SHARE * 100.0 * float(scores[c]) / top + (1 - BM25_SHARE) * _aligned(whole, claim, index)
        if cosines is not None:
            score = (1 - SEMANTIC_SHARE) * score + SEMANTIC_SHARE * 100.0 * max(0.0, cosines.of(claim))
        if stated:  # a claim without a day gets no prior (as if stated long before)
            prior = recency(days_before[claim]) if claim in days_before else 0.0
            score = (1 - RECENCY_SHARE) * score + RECENCY_SHARE * 100.0 * prior
        if asked is not None and authors:  # a claim without an author, or by another, gets nothing
            author = person_name(authors.get(claim, ""))
            same = author is not None and same_person(asked, author)
            score = (1 - SPEAKER_SHARE) * score + SPEAKER_SHARE * 100.0 * same
        ranked.append((claim, round(score, 4)))
    ranked.sort(key=lambda cs: (-cs[1], cs[0]))
    return ranked[:limit]


def _aligned(whole: Unit, claim: str, index: ClaimIndex) -> float:
    """The aligner's best score for the claim's texts in the whole query (0 if none)."""
    best = 0.0
    for e_id in index._by_claim.get(claim, ()):
        entry = index._entries[e_id]
        if entry is not None:
            r = align(whole, entry, index._entry_weights(e_id, entry))
            if r is not None:
                best = max(best, r[0])
    return best
