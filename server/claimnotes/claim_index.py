"""ClaimIndex: the in-memory retrieval index over claim texts (pure, no I/O).

Every claim text (text or variant, an *entry*) is filed under its rarest terms
(its *keys*, chosen to hold ``KEY_FRACTION`` of its IDF weight). The key gate
gives, per unit and entry, the key weight the unit contains. An entry whose key
weight is below ``key_weight - (1 - MIN_COVERAGE) * total_weight`` cannot reach
``MIN_COVERAGE`` (a hard gate of the aligner), so pruning it loses nothing. The
compiled gate walks only each entry's *required* keys (``_records``); without it,
one sparse product (units x buckets) @ (buckets x entries) per block of
``ENTRY_BLOCK`` entries (``_product``): the same pairs, sums and order."""

from __future__ import annotations

import os
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain, pairwise
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from scipy import sparse
try:  # scipy's own kernel of sparse @ sparse, called without its counting pass (see _product)
    from scipy.sparse._sparsetools import csr_matmat
except ImportError:  # a private module: should a scipy release move it, the public product serves
    csr_matmat = None

from claimnotes.aligner import COVERAGE_POWER, MIN_COVERAGE, PURE_PYTHON, SIMILARITY_POWER, TOLERANCE, idf
from claimnotes.terms import Entry, Unit, analyse, is_term
try:  # the key gate and the exact pre-filter in C (_retrieval.c): the same results, bit for bit
    from claimnotes import _retrieval
except ImportError:  # not built (no C compiler at install time): numpy and scipy serve
    _retrieval = None
# The compiled gates: an index built while fused_gate is set files its keys for it
# (_records, key copies of up to RECORDS_MAX bytes), or else in blocks for block_gate (_product).
fused_gate = None if _retrieval is None or PURE_PYTHON else _retrieval.key_gate
block_gate = None if _retrieval is None or PURE_PYTHON else _retrieval.block_gate
present_weights = None if _retrieval is None or PURE_PYTHON else _retrieval.present_weights
query_rows = None if _retrieval is None or PURE_PYTHON else _retrieval.query_rows
# The compiled filter raises the bound's factors to their powers as numpy's `**` does
# for 0.5, 1 and 2 (sqrt, itself, square); for other exponents numpy may use its own
# SIMD pow, whose last bit can differ from C's.
select_candidates = (None if _retrieval is None or PURE_PYTHON
                     or not {COVERAGE_POWER, SIMILARITY_POWER} <= {0.5, 1.0, 2.0}
                     else _retrieval.select_candidates)

# A page's retrieval in parts, each one job of the three kernels (claim_index.Retrieval).
candidates_job = None if select_candidates is None else _retrieval.candidates

if TYPE_CHECKING:
    from claimnotes.matcher import Block

KEY_FRACTION = 0.8     # share of an entry's weight filed under keys; higher = fewer candidates
KEY_MAX_DF = 2_000     # a term in more entries than this is not a key (bounds the postings)...
KEY_MAX_DF_SHARE = 0.005  # ...or than this share of the entries, if more (large stores: see _reindex)
KEY_MAX = 6            # at most this many keys per entry (its rarest terms)...
KEY_SHARE = 0.5        # ...or this share of its distinct terms, if more
PART_UNITS = 64        # a page's retrieval starts a part in the job thread every this many units (Retrieval)...
SPLIT_MAX_ENTRIES = 300_000  # ...in stores of up to this many entries: at 1M the walk, bound by memory,
                             # slows beside the page's Python by more than it overlaps (docs/matching.md)
SPLIT_MIN_ENTRIES = 20_000   # ...and of at least this many: below, a part's retrieval is too short to
                             # pay for the job thread's hand-offs (1k and 10k: 1-1.7 ms a page more)
CANDIDATES_PER_UNIT = 64  # align at most this many entries per unit (best score bound first)
PRE_CANDIDATES = 256   # pre-filter at most this many entries per unit on average (1M-claim stores)
BUCKETS = 1 << 22     # terms are hashed into this many buckets (collisions only add candidates)
ENTRY_BLOCK = 1 << 17  # the key product runs per block of this many entries (its sums fit in cache)
RECORDS_MAX = 1 << 26  # bytes the compiled gate's key copies may take, 2 a copy (1M claims: 18M copies)
NARROW_KEYS = 1 << 15  # up to this many key ids, a copy (id << 1 | required) fits 16 bits; else 32
# The compiled gate, pre-filter and selection share their work out to this many threads
# (ClaimIndex.threads; 1: none), only where it takes several ms in one thread: a
# thread start costs ~0.02 ms, and a thread that waits for a core (the server's
# workers and other jobs share them) can cost ms (docs/matching.md §3). The 20 KB
# bench page walks 110k records at 100k claims (2.2 ms in one thread: ~0.9 ms less
# a page in two on a quiet machine), 912k at 1M (20 ms), and weighs 4k and 58k pairs.
THREADS = min(2, os.cpu_count() or 1)
THREADED_RECORDS = 50_000   # the gate walks this many records or more (one unit at a time)
THREADED_PAIRS = 20_000     # ...and the pre-filter and selection weigh this many pairs or more
_MASK = BUCKETS - 1
_PER_ENTRY = np.dtype([("total", np.float64), ("n_terms", np.int32), ("extra", np.int32)])
_terms = attrgetter("terms")
_PRESENT_SLACK = 1 + 1e-5  # the pre-filter's present weight is a float32 sum: a pair at the bar in exact arithmetic passes


@lru_cache(maxsize=1 << 20)
def bucket(term: str) -> int:
    # A stable hash, not hash(): str hashes are salted per process, and bucket
    # collisions change document frequencies, so results would differ between
    # runs and between worker processes.
    return zlib.crc32(term.encode("utf-8", "surrogatepass")) & _MASK


class ClaimIndex:
    """In-memory index over claim texts and variants; not thread-safe."""

    def __init__(self) -> None:
        self._entries: list[Entry | None] = []
        self._by_claim: dict[str, tuple[int, ...]] = {}
        self._df = np.zeros(BUCKETS, dtype=np.int32)
        self._n_live = 0
        self._kt: list[tuple[int, sparse.csr_matrix]] = []  # (first entry, key rows x entries), key weights
        self._records: tuple[np.ndarray, ...] | None = None   # or the compiled gate's postings (_records)
        self._entry_block = ENTRY_BLOCK                       # the blocks' size (the gate's order follows it)
        self._key_buckets = np.zeros(0, dtype=np.int32)    # the key rows: buckets holding a key, ascending
        self._kmin = np.zeros(0, dtype=np.float32)  # per entry: key weight needed
        self._indexed = 0                            # entries [0, _indexed) are in the key postings
        self.rebuilds = 0                            # _reindex() calls: the server settles its GC after one
        self.threads = THREADS                       # the compiled kernels' threads for a large page
        self._ft: tuple[sparse.csr_matrix, list[str], dict[str, int]] | None = None  # BM25 (lazy, similar.py)
        self._cache: OrderedDict[str, list[tuple[str, int, int, float, dict[str, float]]]] = OrderedDict()
        self._block_cache: OrderedDict[str, Block] = OrderedDict()
        self._wcache: dict[int, dict[str, float]] = {}
        self._owncache: dict[str, set[str]] = {}     # matcher._own_terms per claim (it reads only the index)
        self._claimcache: dict[str, tuple[bool, set[str]]] = {}   # matcher._claim_of per claim (the same)
        self._tw: dict[str, float] = {}  # term -> current IDF weight (for _wcache)

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
        ids = list(self._by_claim.get(claim_id, ()))
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
                    self._df[bucket(t)] += 1
            self._n_live += 1
        if ids:
            self._by_claim[claim_id] = tuple(ids)  # a tuple: 30 bytes less than a list, x 1M claims

    def _entry_weights(self, e_id: int, entry: Entry) -> dict[str, float]:
        """IDF weights of an entry's terms (first occurrence order), cached until the index changes."""
        w = self._wcache.get(e_id)
        if w is None:
            # Per term, not per entry: near-copies of a claim share most terms, so at
            # 1M claims most of a cold page's entries need no new idf() at all.
            tw = self._tw
            terms = entry.terms
            for t in terms:
                if t not in tw:
                    tw[t] = idf(float(self._df[bucket(t)]), self._n_live)
            # dict(zip()) keeps each term's first position, as dict.fromkeys() does.
            w = self._wcache[e_id] = dict(zip(terms, map(tw.__getitem__, terms)))
        return w

    def _reindex(self) -> None:
        """(Re)build the key postings and the entry matrix over every entry (numpy).

        Called by build() and _compact() only, so no entry is None here. Memory: at
        1M entries every array over all terms is 10M long, so they are int32 where
        they can be and dropped as soon as they are used (the peak of a 1M build).
        """
        entries = self._entries
        n_entries = len(entries)
        # numpy.fromiter over C iterators, not lists: a list of 10M Python ints is ~700 MB.
        lengths = np.fromiter(map(len, map(dict.fromkeys, map(_terms, entries))),
                              dtype=np.int32, count=n_entries)
        starts = np.zeros(n_entries + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        n_terms = int(starts[-1])
        b = np.fromiter(map(bucket, chain.from_iterable(map(dict.fromkeys, map(_terms, entries)))),
                        dtype=np.int32, count=n_terms)
        self._df = df = np.bincount(b, minlength=BUCKETS).astype(np.int32)
        e = np.repeat(np.arange(n_entries, dtype=np.int32), lengths)
        # By entry, heaviest (rarest) term first, ties in text order: IDF falls as df
        # grows, so this is a stable sort by (entry, df).
        order = np.argsort((e.astype(np.int64) << 32) | df[b], kind="stable")
        b = b[order]
        del order
        n = self._n_live
        w = np.log((n + 1.0) / (df[b] + 0.5)) + 0.5  # == idf
        csum = np.zeros(n_terms + 1)
        np.cumsum(w, out=csum[1:])
        total = csum[starts[1:]] - csum[starts[:-1]]
        before = np.repeat(csum[starts[:-1]], lengths)
        np.subtract(csum[:-1], before, out=before)  # weight of heavier terms of the same entry
        del csum
        # Very common terms are not keys (their postings would dominate the product),
        # except an entry's rarest term, so every entry has at least one key. An
        # entry made only of common words can then be missed: the one place where
        # retrieval is not exact (docs/matching.md).
        keep = before < np.repeat(KEY_FRACTION * total - 1e-12, lengths)
        del before
        is_first = np.zeros(n_terms, dtype=bool)
        is_first[starts[:-1][lengths > 0]] = True
        # The df cap grows with the store: with a fixed cap most entries of a 1M store
        # keep only their rarest term as a key, so the key-weight gate passes every
        # entry sharing one word and the per-unit cuts must guess among them.
        keep &= (df[b] <= max(KEY_MAX_DF, KEY_MAX_DF_SHARE * n_entries)) | is_first
        del is_first
        # At most max(KEY_MAX, KEY_SHARE * distinct terms) keys: a term's rank in its
        # entry (0 = rarest) must be below that.
        max_keys = np.ceil(np.maximum(KEY_MAX, lengths * KEY_SHARE)).astype(np.int64)
        index_dtype = np.int32 if n_terms < 2**31 else np.int64
        keep &= np.arange(n_terms, dtype=index_dtype) < np.repeat(
            (starts[:-1] + max_keys).astype(index_dtype), lengths)
        keyed = np.bincount(e[keep], weights=w[keep], minlength=n_entries)
        kmin = np.maximum(keyed - (1.0 - MIN_COVERAGE) * total - 1e-4, 1e-6).astype(np.float32)
        kmin[lengths == 0] = np.inf
        # Key postings: rows are the buckets that hold a key (~20k of the 4M, so the
        # row pointers are small), columns the entries.
        key_row = b[keep]
        has_key = np.zeros(BUCKETS, dtype=bool)
        has_key[key_row] = True
        self._key_buckets = np.flatnonzero(has_key).astype(np.int32)
        key_row = (np.cumsum(has_key, dtype=np.int32) - 1)[key_row]
        del has_key
        key_e, key_w = e[keep], w[keep].astype(np.float32)   # key_e ascending: the arrays are in entry order
        del keep, e
        # Entries x buckets with every term's weight: the exact pre-filter of candidates.
        fw = sparse.csr_matrix((w.astype(np.float32), b, starts.astype(index_dtype) if n_entries
                                else np.zeros(2, dtype=index_dtype)),
                               shape=(max(1, n_entries), BUCKETS))
        del w, b
        fw.sum_duplicates()   # sorts each row; merges terms that share a bucket
        self._postings(key_e, key_row, key_w, kmin)   # after the arrays over all terms are freed
        del key_e, key_row, key_w
        self._fw = fw
        # What the selection reads of a pair's entry, side by side: one cache line an entry
        # rather than one in each of three arrays (1M claims: ~37k entries a page, far apart).
        per_entry = np.empty(n_entries, dtype=_PER_ENTRY)
        per_entry["total"] = total
        per_entry["n_terms"] = np.fromiter(map(len, map(_terms, entries)), dtype=np.int32, count=n_entries)
        per_entry["extra"] = per_entry["n_terms"] - np.diff(fw.indptr)[:n_entries]   # repeats
        self._total, self._n_terms, self._extra = per_entry["total"], per_entry["n_terms"], per_entry["extra"]
        self._kmin = kmin
        self._keyed = np.maximum(keyed, 1e-6).astype(np.float32)
        self._indexed = n_entries
        self.rebuilds += 1
        self._ft = None

    def _postings(self, key_e: np.ndarray, key_row: np.ndarray, key_w: np.ndarray, kmin: np.ndarray) -> None:
        """The key postings: for the compiled gate, its records (_records), if they hold
        at most RECORDS_MAX bytes of key copies; else blocks of ``ENTRY_BLOCK`` entries for the
        product (so that each block's sums stay in cache).

        ``key_e`` ascending, each entry's keys heaviest first (float32 weights)."""
        n_entries = len(kmin)
        self._entry_block = ENTRY_BLOCK
        self._kt = []
        self._records = None if fused_gate is None else _records(key_e, key_row, key_w, kmin, len(self._key_buckets))
        if self._records is not None:
            return
        cuts = np.searchsorted(key_e, np.arange(0, n_entries + ENTRY_BLOCK, ENTRY_BLOCK))
        for first, (a, z) in zip(range(0, max(1, n_entries), ENTRY_BLOCK), pairwise(cuts.tolist())):
            block = sparse.csr_matrix((key_w[a:z], (key_row[a:z], key_e[a:z] - first)),
                                      shape=(len(self._key_buckets), min(ENTRY_BLOCK, max(1, n_entries - first))))
            block.sum_duplicates()   # terms that share a bucket: one key, their weights summed
            self._kt.append((first, block))

    def _changed(self) -> None:
        self._wcache.clear()
        self._owncache.clear()
        self._claimcache.clear()
        self._tw.clear()
        self._cache.clear()
        self._block_cache.clear()
        self._ft = None
        pending = len(self._entries) - self._indexed
        if pending > max(256, self._indexed // 20):
            self._compact()

    def _compact(self) -> None:
        live = [(e.claim, e) for e in self._entries if e is not None]
        self._entries = []
        by_claim: dict[str, list[int]] = {}
        for claim, e in live:
            by_claim.setdefault(claim, []).append(len(self._entries))
            self._entries.append(e)
        self._by_claim = {claim: tuple(ids) for claim, ids in by_claim.items()}
        self._reindex()

    def upsert(self, claim_id: str, texts: Sequence[str]) -> None:
        """Add or replace one claim's texts; it matches on the very next call."""
        self.update([(claim_id, texts)])

    def remove(self, claim_id: str) -> None:
        """Forget a claim (no error if it is not indexed)."""
        self.update(removals=[claim_id])

    def update(self, upserts: Iterable[tuple[str, Sequence[str]]] = (),
               removals: Iterable[str] = ()) -> None:
        """Forget ``removals``, then add or replace each ``(claim_id, texts)`` of
        ``upserts``; every change matches on the very next call. The matrices are
        rebuilt at most once, however many claims change (an import's batch)."""
        changed = False
        for claim_id in removals:
            changed |= self._drop(claim_id)
        for claim_id, texts in upserts:
            self._drop(claim_id)
            self._add(claim_id, texts)
            changed = True
        if changed:
            self._changed()

    def _drop(self, claim_id: str) -> bool:
        ids = self._by_claim.pop(claim_id, None)
        if not ids:
            return False
        for e_id in ids:
            entry = self._entries[e_id]
            if entry is not None:
                for t in set(entry.terms):
                    self._df[bucket(t)] -= 1
                if self._records is not None and e_id < self._indexed:
                    self._mask_records(e_id, entry)
                self._entries[e_id] = None
                self._n_live -= 1
            if e_id < len(self._kmin):
                self._kmin[e_id] = np.inf
        return True

    def _mask_records(self, e_id: int, entry: Entry) -> None:
        """A removed entry's records fail the gate (their gate is infinite): the compiled
        gate reads the gate from the record it walks, not kmin far away in memory."""
        rp, entry_of, gate = self._records[:3]
        kb = self._key_buckets
        for t in set(entry.terms):   # a superset of the rows of its records
            r = int(np.searchsorted(kb, bucket(t)))
            if r < len(kb) and kb[r] == bucket(t):
                x = rp[r] + int(np.searchsorted(entry_of[rp[r]:rp[r + 1]], e_id))
                if x < rp[r + 1] and entry_of[x] == e_id:
                    gate[x] = np.inf

    def __len__(self) -> int:
        return len(self._by_claim)

    # ---- retrieval

    def _key_gate(self, q: _Query | sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        """(unit, entry, key weight found) of every pair that passes the key gate, by unit,
        and whether they were cut. Very large stores (more than PRE_CANDIDATES pairs per
        unit on average) keep each unit's PRE_CANDIDATES with the most key weight found,
        the first in order on a tie (not exact past this point). The absolute weight, not
        its share of the entry's: by share, a claim of one common word (share 1.0)
        outranks a long claim pasted whole (share KEY_FRACTION), and at 1M claims such
        short ones fill the cut.

        Within a unit, in the order one product ``q @ keys`` over all entries gives (the
        order only breaks ties downstream), except between blocks: scipy lists a row's
        entries latest first touched first, so taking the blocks last first gives that
        order unless an earlier block's entry was touched first through a later bucket.
        The compiled gate gives the same pairs in the same order (see _records)."""
        n_units = q.shape[0]
        indptr, cols = self._key_rows(q)
        if self._records is not None:
            rp, entry_of, gate, key_ptr, key, key_row, key_w = self._records
            i32 = np.int32
            jj = cols.astype(i32)
            size = int((rp[jj + 1] - rp[jj]).sum())   # a pair at most per record walked
            out_ptr = np.empty(n_units + 1, dtype=i32)
            entry = np.empty(size, dtype=i32)
            found = np.empty(size, dtype=np.float32)
            n, cut = _retrieval.key_gate(indptr.astype(i32), jj, rp, entry_of, gate, key_ptr, key, key_row,
                                         key_w, out_ptr, entry, found, len(self._kmin), self._entry_block,
                                         PRE_CANDIDATES, self.threads if size >= THREADED_RECORDS else 1)
            return np.repeat(np.arange(n_units), np.diff(out_ptr)), entry[:n], found[:n], cut
        unit_of, entry_of, key_w = self._product(indptr, cols, n_units)
        cut = len(entry_of) > PRE_CANDIDATES * n_units
        if cut:
            keep = _top_per_unit(unit_of, -key_w, PRE_CANDIDATES, n_units)
            unit_of, entry_of, key_w = unit_of[keep], entry_of[keep], key_w[keep]
        return unit_of, entry_of, key_w, cut

    def _key_rows(self, q: _Query) -> tuple[np.ndarray, np.ndarray]:
        """q's columns as rows of the key postings (row pointers, rows): buckets that
        hold no key drop out and the order stays ascending, so every sum adds the same
        float32 terms in the same order as a product over all buckets would."""
        kb = self._key_buckets
        pos = np.searchsorted(kb, q.indices)
        hit = kb[np.minimum(pos, len(kb) - 1)] == q.indices   # kb is not empty: every entry has a key
        return np.concatenate(([0], np.cumsum(hit)))[q.indptr], pos[hit]

    def _product(self, indptr: np.ndarray, cols: np.ndarray,
                 n_units: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The key gate over the blocks (units' key rows: ``indptr``, ``cols``): the key
        product, then the gate on its sums; compiled (block_gate) or scipy's."""
        ones = np.ones(len(cols), dtype=np.float32)
        rows = np.arange(n_units)
        parts = []
        for first, block in reversed(self._kt):
            idx = block.indptr.dtype
            ip, jj = indptr.astype(idx), cols.astype(idx)
            # One pair at most per posting walked: an upper bound of the product's size,
            # so scipy's counting pass (csr_matmat_maxnnz, ~10% of the product) is skipped.
            size = int((block.indptr[jj + 1] - block.indptr[jj]).sum())
            if not size:
                continue
            if block_gate is not None and idx == np.int32:
                # The product fused with the gate: the pairs that fail it are never written.
                out_ptr = np.empty(n_units + 1, dtype=np.int32)
                entry = np.empty(size, dtype=np.int32)
                weight = np.empty(size, dtype=np.float32)
                n = block_gate(ip, jj, block.indptr, block.indices, block.data,
                               self._kmin[first:first + block.shape[1]], out_ptr, entry, weight)
                parts.append((np.repeat(rows, np.diff(out_ptr)), entry[:n] + first, weight[:n]))
                continue
            if csr_matmat is None:
                s = sparse.csr_matrix((ones, jj, ip), shape=(n_units, block.shape[0])) @ block
                out_ptr, entry, weight = s.indptr, s.indices, s.data
            else:
                out_ptr = np.empty(n_units + 1, dtype=idx)
                entry = np.empty(size, dtype=idx)
                weight = np.empty(size, dtype=np.float32)
                csr_matmat(n_units, block.shape[1], ip, jj, ones, block.indptr, block.indices, block.data,
                           out_ptr, entry, weight)
            # np.take: indexing with int32 indices first copies them to intp (~1.5x slower).
            ok = np.flatnonzero(weight[:out_ptr[-1]] >= np.take(self._kmin[first:first + block.shape[1]],
                                                                 entry[:out_ptr[-1]]))
            # The row of each pair: one binary search per row, not per pair (~280k at 1M).
            parts.append((np.repeat(rows, np.diff(np.searchsorted(ok, out_ptr))), entry[ok] + first, weight[ok]))
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return rows[:0], rows[:0], np.zeros(0, dtype=np.float32)
        unit_of, entry_of, key_w = map(np.concatenate, zip(*parts))
        order = np.argsort(unit_of, kind="stable")   # by unit, each block's pairs kept in order
        return unit_of[order], entry_of[order], key_w[order]

    def _candidates(self, units: Sequence[Unit], floor: float) -> list[list[int]]:
        """Per unit, the entries whose best window could score ``floor`` (best key weight first)."""
        out: list[list[int]] = [[] for _ in units]
        if not units or not self._entries:
            return out
        q = _query(units)
        if self._indexed and len(q.indices):
            unit_of, entry_of, key_w, cut = self._key_gate(q)
            if len(entry_of):
                out = self._select(q, unit_of, entry_of, key_w, cut, floor)
        self._add_unindexed(units, out)
        return out

    def _add_unindexed(self, units: Sequence[Unit], out: list[list[int]]) -> None:
        """Entries added since the last reindex, appended to the lists of the units that
        share a term with them: checked directly (few by construction)."""
        for e_id in range(self._indexed, len(self._entries)):
            entry = self._entries[e_id]
            if entry is None:
                continue
            needed = set(entry.terms)
            for u, unit in enumerate(units):
                if needed.intersection(unit.terms):
                    out[u].append(e_id)

    def _splits(self) -> bool:
        """Whether a page's retrieval can run a part at a time in the job thread (Retrieval):
        with the compiled kernels over records, THREADS above 1, and an index to walk of
        SPLIT_MIN_ENTRIES to SPLIT_MAX_ENTRIES entries."""
        fw = self._fw
        return (candidates_job is not None and self.threads > 1 and self._records is not None
                and max(1, SPLIT_MIN_ENTRIES) <= self._indexed <= SPLIT_MAX_ENTRIES and fw.indptr.dtype == fw.indices.dtype == np.int32)

    def _job(self, q: _Query, floor: float, cut: int, by_bound: int, threads: int, background: bool) -> object:
        """_candidates' gate and selection for the units of ``q`` as one compiled job
        (_retrieval.candidates): cut and by_bound -1 to decide them on these units, else
        as given (0 or 1)."""
        indptr, cols = self._key_rows(q)
        fw = self._fw
        return candidates_job(indptr.astype(np.int32), cols.astype(np.int32), *self._records, len(self._kmin),
                              self._entry_block, PRE_CANDIDATES, cut, fw.indptr, fw.indices, fw.data, q.indptr,
                              q.indices, self._total, self._n_terms, self._extra, _PRESENT_SLACK, MIN_COVERAGE,
                              TOLERANCE, floor - 1e-6, COVERAGE_POWER, SIMILARITY_POWER, CANDIDATES_PER_UNIT,
                              by_bound, threads, THREADED_RECORDS, THREADED_PAIRS, background)

    def _select(self, q: _Query, unit_of: np.ndarray, entry_of: np.ndarray, key_w: np.ndarray,
                cut: bool, floor: float) -> list[list[int]]:
        """Per unit, its entries of the key gate's pairs that pass the aligner's own first
        checks, in order, cut to CANDIDATES_PER_UNIT: compiled (select_candidates), or numpy.

        The checks, for all pairs at once: the weight of the entry's terms in the unit
        (MIN_COVERAGE), and the best score any window could reach with them (see
        align). Exact at build-time weights."""
        fw = self._fw
        n_units = q.shape[0]
        bar = floor - 1e-6
        if present_weights is not None and fw.indptr.dtype == fw.indices.dtype == np.int32:
            found = np.empty(len(entry_of), dtype=np.float32)
            common = np.empty(len(entry_of), dtype=np.int32)
            unit_of, entry_of = unit_of.astype(np.int32), entry_of.astype(np.int32)
            present_weights(fw.indptr, fw.indices, fw.data, q.indptr, q.indices, unit_of, entry_of, found, common,
                            self.threads if len(entry_of) >= THREADED_PAIRS else 1)
            if select_candidates is not None:
                return select_candidates(unit_of, entry_of, key_w, found, common, self._total,
                                         self._n_terms, self._extra, n_units, _PRESENT_SLACK, MIN_COVERAGE,
                                         TOLERANCE, bar, COVERAGE_POWER, SIMILARITY_POWER, cut,
                                         CANDIDATES_PER_UNIT, self.threads if len(entry_of) >= THREADED_PAIRS else 1)
        else:
            qm = sparse.csr_matrix((np.ones(len(q.indices), dtype=np.float32), q.indices, q.indptr), shape=q.shape)
            both = fw[entry_of].multiply(qm[unit_of]).tocsr()
            found = np.asarray(both.sum(axis=1)).ravel()
            common = np.diff(both.indptr)
        present = found * _PRESENT_SLACK
        total = self._total[entry_of]
        n_claim = self._n_terms[entry_of]
        common = common + self._extra[entry_of]
        sim_max = 2.0 * common / (n_claim + common)
        cov = np.minimum(present / total, 1.0)
        best = 100.0 * cov ** COVERAGE_POWER * sim_max ** SIMILARITY_POWER
        good = (present >= MIN_COVERAGE * total - TOLERANCE) & (best >= bar)
        unit_of, entry_of, key_w, best, present = (
            unit_of[good], entry_of[good], key_w[good], best[good], present[good])
        # Each unit's entries in order (stable sorts: the product's order last):
        # best bound first, so a cap keeps the most promising entries (a claim
        # pasted whole has 100), and on a tie the entry with more weight in the
        # unit (a long claim pasted whole before one-word claims that also bound
        # at 100: at 1M they fill the cap); after the cut, then the most key
        # weight found, the cut's own order. With no cap to fill (64 pairs or
        # fewer in all), only the cut's order.
        keys = [-key_w] if cut else []
        if len(entry_of) > CANDIDATES_PER_UNIT:
            keys += [-present, -best]
        if keys:
            order = np.lexsort((*keys, unit_of))
            unit_of, entry_of = unit_of[order], entry_of[order]
        # unit_of is sorted: each unit's entries are one run, cut to the cap.
        out: list[list[int]] = [[] for _ in range(n_units)]
        bounds = np.searchsorted(unit_of, np.arange(n_units + 1)).tolist()
        for u, (a, b) in enumerate(pairwise(bounds)):
            if b > a:
                out[u] = entry_of[a:min(b, a + CANDIDATES_PER_UNIT)].tolist()
        return out


class Retrieval:
    """The candidate lists of a page's units, as ``ClaimIndex._candidates`` gives them for
    all at once, computed a part at a time while the page is analysed: every
    ``PART_UNITS`` units added, their gate, pre-filter and selection start as one job in
    the compiled job thread (_retrieval.candidates), which needs no GIL, so the caller's
    Python runs on the other core meanwhile; the rest are run by ``lists()``.

    A part's lists are its units' own, except for two decisions made on the whole batch:
    the gate's ``PRE_CANDIDATES`` cut (more pairs per unit than that on average) and the
    order by bound (more than ``CANDIDATES_PER_UNIT`` pairs pass in all). A part makes
    them on its own units; ``lists()`` makes them on the page's sums and runs again the
    parts that guessed wrong, so the lists are the whole batch's in every case. Without
    the job (pure Python, one core, a store in blocks or over SPLIT_MAX_ENTRIES), one
    ``_candidates`` call."""

    def __init__(self, index: ClaimIndex, floor: float) -> None:
        self._index, self._floor = index, floor
        self._units: list[Unit] = []
        self._todo = 0                      # units added since the last part started
        self._parts: list[tuple[int, _Query | None, object]] = []   # (units, query, job)
        self._split = index._splits()
        self.reruns = 0                     # parts run again with the page's decisions

    def add(self, units: Sequence[Unit]) -> None:
        """Adds units (in page order); starts a part once PART_UNITS wait."""
        self._units.extend(units)
        self._todo += len(units)
        if self._split and self._todo >= PART_UNITS:
            self._start(background=True)

    def start(self) -> None:
        """Starts a part of the units waiting, if any, before the caller's last work
        (a page's pronoun sentences), so that the part ``lists()`` runs is small."""
        if self._split and self._todo and self._parts:
            self._start(background=True)

    def _start(self, background: bool) -> None:
        units = self._units[len(self._units) - self._todo:]
        q = _query(units)
        index = self._index
        if not len(q.indices):
            self._parts.append((len(units), None, None))
        else:
            # In the job thread, one thread: the caller's Python takes the other core. The
            # last part, run by the caller, as many as the index's once the job thread is
            # idle (its jobs run in order: the last one done, all are).
            jobs = [job for _, _, job in self._parts if job is not None]
            threads = 1 if background or (jobs and not jobs[-1].done()) else index.threads
            # A page in one part makes both decisions on its own; a part of a page guesses
            # the order by bound (a page cut in parts has more than 64 pairs in all).
            by_bound = -1 if not background and not self._parts else 1
            self._parts.append((len(units), q, index._job(q, self._floor, -1, by_bound, threads, background)))
        self._todo = 0

    def lists(self) -> list[list[int]]:
        """Every unit's candidate entries, in the order added."""
        index, units = self._index, self._units
        if not self._split:
            return index._candidates(units, self._floor)
        if self._todo or not self._parts:
            self._start(background=False)
        # The latest parts first: those the job thread has not taken yet are run here
        # (Job.finish), so that both cores work on the page's last parts.
        done = [job.finish() if job is not None else None for _, _, job in reversed(self._parts)][::-1]
        cut = sum(d[1] for d in done if d) > PRE_CANDIDATES * len(units)
        done = [self._again(q, cut, d[4]) if d and d[2] != cut else d for (_, q, _), d in zip(self._parts, done)]
        by_bound = sum(d[3] for d in done if d) > CANDIDATES_PER_UNIT
        done = [self._again(q, cut, by_bound) if d and d[4] != by_bound else d
                for (_, q, _), d in zip(self._parts, done)]
        out = [ids for (n, _, _), d in zip(self._parts, done) for ids in (d[0] if d else [[] for _ in range(n)])]
        index._add_unindexed(units, out)
        return out

    def _again(self, q: _Query, cut: bool, by_bound: bool) -> tuple:
        """A part's job run again here with the page's decisions."""
        self.reruns += 1
        return self._index._job(q, self._floor, int(cut), int(by_bound), self._index.threads, False).finish()


class _Query(NamedTuple):
    """Units x buckets, 1 where the unit has a term, in CSR form (int32), each row's
    buckets ascending: what _key_gate and the pre-filter read of a csr_matrix, which
    takes ~0.1 ms to build and is needed only by scipy's pre-filter."""
    indptr: np.ndarray
    indices: np.ndarray
    shape: tuple[int, int]


def _query(units: Sequence[Unit]) -> _Query:
    """The units' query rows: compiled (query_rows), or a Python loop."""
    if query_rows is not None:
        indptr, cols = (np.frombuffer(a, dtype=np.int32) for a in query_rows(units, bucket, _MASK))
    else:
        rows: list[int] = []
        ptr = [0]
        for unit in units:
            rows.extend(sorted(set(map(bucket, filter(is_term, unit.termset)))))
            ptr.append(len(rows))
        indptr, cols = np.asarray(ptr, dtype=np.int32), np.asarray(rows, dtype=np.int32)
    return _Query(indptr, cols, (len(units), BUCKETS))


def _records(key_e: np.ndarray, key_row: np.ndarray, key_w: np.ndarray, kmin: np.ndarray,
             n_rows: int) -> tuple[np.ndarray, ...] | None:
    """The compiled gate's postings: for every required key, a *record* filed under its
    row, holding the entry, its gate and a copy of all its keys, so that the gate reads
    a posting's records in sequence instead of each entry's keys far away in memory.
    ``(rp, entry, gate, key_ptr, key, key_row, key_weight)`` as _retrieval.key_gate
    takes them, or None if the copies would take more than RECORDS_MAX bytes.
    Arguments as _postings takes them, and the number of key rows."""
    # A copy names its key by an id into a table of (row, weight): a key's weight is
    # its row's IDF, so the id is its row, and a table of ~20k keys (1M claims) lets a
    # copy take 2 bytes, not 8. A key whose weight is not its row's (terms sharing a
    # bucket, summed) gets an id past the rows.
    row_w = np.zeros(n_rows, dtype=np.float32)
    row_w[key_row] = key_w
    extra: dict[tuple[int, float], int] = {}
    codes, rec_row, rec_entry = [np.zeros(0, np.int32)], [np.zeros(0, np.int32)], [np.zeros(0, np.int32)]
    n_keys = np.bincount(key_e, minlength=len(kmin))   # then merged as below
    # A slice of entries at a time: with arrays over every key at once, the build's
    # peak RSS at 1M claims was 1,086 MB, with slices of 2^20 keys 999, of 2^16 974
    # (the process keeps the memory freed by the slices and reuses it, small ones best).
    bounds = np.concatenate(([0], np.cumsum(n_keys)))
    cuts = np.unique(np.append(np.searchsorted(bounds, np.arange(0, bounds[-1], 1 << 16)), len(kmin)))
    for ea, ez in pairwise(cuts.tolist()):
        a, z = bounds[ea], bounds[ez]
        e, row, w, nk = key_e[a:z], key_row[a:z], key_w[a:z], n_keys[ea:ez]
        # A key is *required* unless it is one of the entry's lightest keys whose
        # weights sum below kmin: those alone cannot pass the gate, so every unit that
        # passes holds a required key. The light keys are a suffix (heaviest first);
        # the margin covers the float32 sums.
        after = np.cumsum(w[::-1], dtype=np.float64)[::-1]   # this key's weight and every later key's
        after -= np.append(after, 0.0)[np.repeat(np.cumsum(nk), nk)]   # ...of its entry
        required = after * (1 + 1e-4) + 1e-6 >= kmin[e]
        del after
        # One key per (entry, row), rows ascending: terms that share a bucket are one
        # key, their float32 weights summed (as the blocks' sum_duplicates does).
        order = np.argsort(((e - ea).astype(np.int64) << 32) | row, kind="stable")
        e, row = e[order], row[order]
        new = np.ones(len(order), dtype=bool)
        new[1:] = (e[1:] != e[:-1]) | (row[1:] != row[:-1])
        at = np.flatnonzero(new)
        w = np.add.reduceat(w[order], at)
        required = np.logical_or.reduceat(required[order], at)
        e, row = e[at], row[at]
        n_keys[ea:ez] = np.bincount(e - ea, minlength=ez - ea)
        key_id = row.copy()
        for k in np.flatnonzero(w != row_w[row]).tolist():
            key_id[k] = extra.setdefault((int(row[k]), float(w[k])), n_rows + len(extra))
        codes.append((key_id << 1) | required)   # the low bit says required
        rec_row.append(row[required])
        rec_entry.append(e[required])
    rec_row, entry = np.concatenate(rec_row), np.concatenate(rec_entry)
    n_ids = n_rows + len(extra)
    code = np.concatenate(codes).astype(np.uint16 if n_ids <= NARROW_KEYS else np.int32)
    del codes
    length = n_keys[entry]
    if int(length.sum()) * code.itemsize > RECORDS_MAX:
        return None
    first_key = np.zeros(len(kmin) + 1, dtype=np.int64)
    np.cumsum(n_keys, out=first_key[1:])
    by_row = np.argsort(rec_row, kind="stable")   # by row; within a row, by entry
    entry, length = entry[by_row], length[by_row]
    rp = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rec_row, minlength=n_rows), out=rp[1:])
    del by_row, rec_row
    key_ptr = np.zeros(len(entry) + 1, dtype=np.int64)
    np.cumsum(length, out=key_ptr[1:])
    key = np.empty(key_ptr[-1], dtype=code.dtype)
    # Each record's copy of its entry's keys, a slice of records at a time (the index
    # arrays over every copy would take 16 bytes a copy).
    step = 1 << 18
    for x in range(0, len(entry), step):
        part = slice(x, min(x + step, len(entry)))
        a, z = key_ptr[part.start], key_ptr[part.stop]
        src = np.repeat(first_key[entry[part]] - key_ptr[part], length[part])
        src += np.arange(a, z)
        key[a:z] = code[src]
    key_rows = np.concatenate((np.arange(n_rows), [r for r, _ in extra])).astype(np.int32)
    key_weights = np.concatenate((row_w, np.array([w for _, w in extra], dtype=np.float32)))
    i32 = np.int32
    return rp.astype(i32), entry.astype(i32), kmin[entry], key_ptr.astype(i32), key, key_rows, key_weights


def _top_per_unit(unit_of: np.ndarray, values: np.ndarray, k: int, n_units: int) -> np.ndarray:
    """Mask of each unit's ``k`` smallest values, ties in array order (``unit_of`` sorted):
    what a stable sort of each unit's run, cut to ``k``, keeps (its order is left to
    the caller's own stable sort, which is cheaper on the few pairs left then)."""
    bounds = np.searchsorted(unit_of, np.arange(n_units + 1))
    kth = np.full(n_units, np.inf, dtype=values.dtype)   # units with k pairs or fewer keep all
    for u in np.flatnonzero(np.diff(bounds) > k).tolist():
        kth[u] = np.partition(values[bounds[u]:bounds[u + 1]], k - 1)[k - 1]
    limit = kth[unit_of]
    less = values < limit
    tie = values == limit
    ties = np.concatenate(([0], np.cumsum(tie)))   # ties[i]: ties before pair i
    room = k - np.bincount(unit_of[less], minlength=n_units)
    return less | (tie & (ties[:-1] - ties[bounds[:-1]][unit_of] < room[unit_of]))
