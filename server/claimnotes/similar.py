"""find_similar: claims most like a text, ranked (BM25 then the aligner); pure."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from claimnotes.aligner import align
from claimnotes.claim_index import BUCKETS, ClaimIndex, bucket
from claimnotes.terms import analyse, make_unit
from claimnotes.textnorm import tokenize

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
                                       shape=(BUCKETS, n)), claims)
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
    q = sorted({bucket(t) for t in _doc_terms(query.terms)})
    scores = np.asarray(ft[q].sum(axis=0)).ravel()
    nz = np.flatnonzero(scores)
    if not len(nz):
        return []
    top_n = max(limit, RERANK)
    if len(nz) > top_n:
        nz = nz[np.argpartition(-scores[nz], top_n - 1)[:top_n]]
    top = float(scores[nz].max())
    whole = make_unit(tokenize(plain), (0, len(plain)))
    ranked = []
    for c in nz.tolist():
        claim = claims[c]
        best = 0.0
        for e_id in index._by_claim.get(claim, []):
            entry = index._entries[e_id]
            if entry is not None:
                r = align(whole, entry, index._weights(dict.fromkeys(entry.terms)))
                if r is not None:
                    best = max(best, r[0])
        score = BM25_SHARE * 100.0 * float(scores[c]) / top + (1 - BM25_SHARE) * best
        ranked.append((claim, round(score, 4)))
    ranked.sort(key=lambda cs: (-cs[1], cs[0]))
    return ranked[:limit]

