"""ClaimIndex retrieval against brute force: on a small store the candidates of every
unit are exactly the entries that pass the aligner's own first checks, however the
key postings are cut into blocks."""

from __future__ import annotations

import random
import sys

import numpy as np
import pytest
from support import require_extension

from claimnotes import claim_index
from claimnotes.aligner import COVERAGE_POWER, MIN_COVERAGE, PURE_PYTHON, SIMILARITY_POWER
from claimnotes.claim_index import CANDIDATES_PER_UNIT, ClaimIndex
from claimnotes.terms import Unit, sentence_units
from test_aligner_speedups import REPO, read_claims

# Short made-up words (a few are real: "torn" becomes the term "tear"); claims and pages
# go through the same analysis, so the brute force sees what the index sees.
VOCAB = [a + b + c for a in ("b", "d", "k", "m", "t", "z") for b in ("a", "o", "u")
         for c in ("lp", "rn", "sk", "ng", "xt")]


def random_store(rng: random.Random, n: int) -> list[tuple[str, list[str]]]:
    """Claims of 2-9 words, some with a variant that shares most of their words."""
    store = []
    for i in range(n):
        words = rng.sample(VOCAB, rng.randint(2, 9))
        texts = [" ".join(words)]
        if rng.random() < 0.3:
            words[rng.randrange(len(words))] = rng.choice(VOCAB)
            texts.append(" ".join(words))
        store.append((f"c{i}", texts))
    return store


def random_page(rng: random.Random, store: list[tuple[str, list[str]]]) -> list[Unit]:
    """Sentences of random words, some with a claim pasted in, some with half of one."""
    sentences = []
    for _ in range(40):
        words = rng.sample(VOCAB, rng.randint(1, 12))
        claim = rng.choice(store)[1][0].split()
        if rng.random() < 0.5:
            words[rng.randrange(len(words)):0] = claim if rng.random() < 0.5 else claim[:len(claim) // 2 + 1]
        sentences.append(" ".join(words).capitalize() + ".")
    return [u for k in range(0, 40, 8) for u in sentence_units(" ".join(sentences[k:k + 8]))]


def passes(index: ClaimIndex, unit: Unit, e_id: int, floor: float, slack: float) -> bool:
    """The aligner's first checks (coverage gate, best possible score), in float64;
    ``slack`` loosens both, for the fast path's float32 sums."""
    entry = index._entries[e_id]
    weight = index._entry_weights(e_id, entry)
    total = sum(weight.values())
    present = sum(w for t, w in weight.items() if t in unit.termset)
    common = sum(1 for t in entry.terms if t in unit.termset)
    best = 100.0 * (present / total) ** COVERAGE_POWER * (2.0 * common / (len(entry.terms) + common)) ** SIMILARITY_POWER
    return present * (1 + slack) >= MIN_COVERAGE * total - 1e-9 and best >= floor - 1e-9 - 100 * slack


compiled = claim_index._retrieval
needs_compiled = pytest.mark.skipif(
    compiled is None, reason="claimnotes._retrieval is not built (no C compiler at install): scipy's product serves")


def build(monkeypatch, store: list[tuple[str, list[str]]], gate: str) -> ClaimIndex:
    """An index whose key gate is the compiled one over records, the compiled block
    product (a store too large for records) or scipy's product."""
    monkeypatch.setattr(claim_index, "fused_gate", compiled.key_gate if gate == "records" else None)
    monkeypatch.setattr(claim_index, "block_gate", compiled.block_gate if gate == "blocks" else None)
    index = ClaimIndex.build(store)
    assert (index._records is not None) == (gate == "records")
    n_blocks = 0 if gate == "records" else -(-len(index._entries) // claim_index.ENTRY_BLOCK)
    assert len(index._kt) == n_blocks
    return index


# The compiled gates where the extension is built and not turned off; scipy's product always.
GATES = ["scipy"] + (["records", "blocks"] if claim_index.fused_gate is not None else [])


@pytest.mark.parametrize("gate", GATES)
@pytest.mark.parametrize("block", [claim_index.ENTRY_BLOCK, 37])
@pytest.mark.parametrize("seed", range(4))
def test_candidates_are_the_entries_that_pass_the_aligners_checks(monkeypatch, seed: int, block: int,
                                                                    gate: str) -> None:
    monkeypatch.setattr(claim_index, "ENTRY_BLOCK", block)
    rng = random.Random(seed)
    store = random_store(rng, 300)
    index = build(monkeypatch, store, gate)
    units = random_page(rng, store)
    check_against_brute_force(index, units)
    assert sum(map(len, index._candidates(units, 50.0))) > 20   # the page does hold claims


def check_against_brute_force(index: ClaimIndex, units: list[Unit]) -> None:
    for floor in (50.0, 20.0):
        found = index._candidates(units, floor)
        for unit, ids in zip(units, found):
            assert len(ids) < CANDIDATES_PER_UNIT and len(set(ids)) == len(ids)
            exact = {e for e, entry in enumerate(index._entries)
                     if entry is not None and passes(index, unit, e, floor, 0.0)}
            assert exact <= set(ids)
            assert all(passes(index, unit, e, floor, 1e-4) for e in ids)


@pytest.mark.parametrize("gate", GATES)
@pytest.mark.parametrize("seed", range(2))
def test_updates_of_a_store_in_blocks(monkeypatch, seed: int, gate: str) -> None:
    monkeypatch.setattr(claim_index, "ENTRY_BLOCK", 37)
    rng = random.Random(seed)
    store = random_store(rng, 600)
    index = build(monkeypatch, store[:200], gate)
    units = random_page(rng, store)
    # A few claims: pending, each a candidate of every unit it shares a term with.
    index.update(store[200:210], removals=["c0", "c1"])
    pending = range(index._indexed, len(index._entries))
    assert len(pending) >= 10
    for unit, ids in zip(units, index._candidates(units, 50.0)):
        assert {e for e in pending if unit.termset & set(index._entries[e].terms)} <= set(ids)
        assert not any(index._entries[e] is None or index._entries[e].claim in ("c0", "c1") for e in ids)
    # Enough for a rebuild (over 256 pending), in blocks: exact again.
    index.update(store[210:], removals=["c2"])
    assert index._indexed == len(index._entries) == sum(1 for e in index._entries if e is not None)
    assert (index._records is not None) == (gate == "records")
    assert len(index._kt) == (0 if gate == "records" else -(-len(index._entries) // 37))
    assert not any(e.claim in ("c0", "c1", "c2") for e in index._entries)
    check_against_brute_force(index, units)


def query(units: list[Unit]) -> claim_index.sparse.csr_matrix:
    """Units x buckets, 1 where the unit has a term (what _candidates gives _key_gate)."""
    cols = [sorted({claim_index.bucket(t) for t in u.termset if t is not None}) for u in units]
    return claim_index.sparse.csr_matrix(
        (np.ones(sum(map(len, cols)), dtype=np.float32), np.concatenate(cols).astype(np.int32),
         np.cumsum([0] + [len(c) for c in cols]).astype(np.int32)), shape=(len(units), claim_index.BUCKETS))


@pytest.mark.parametrize("seed", range(2))
def test_blocks_give_the_same_pairs_and_the_same_float32_key_weights(monkeypatch, seed: int) -> None:
    rng = random.Random(seed)
    store = random_store(rng, 300)
    units = random_page(rng, store)
    gates = []
    for block in (claim_index.ENTRY_BLOCK, 64, 1):
        monkeypatch.setattr(claim_index, "ENTRY_BLOCK", block)
        index = ClaimIndex.build(store)
        unit_of, entry_of, key_w, _ = index._key_gate(query(units))
        assert np.all(np.diff(unit_of) >= 0)
        order = np.lexsort((entry_of, unit_of))
        gates.append((unit_of[order], entry_of[order], key_w[order]))
    for other in gates[1:]:
        assert all(np.array_equal(a, b) for a, b in zip(gates[0], other))
    assert len(gates[0][0]) > 20


def test_the_public_product_gives_what_scipys_kernel_gives(monkeypatch) -> None:
    """The key gate calls scipy's private csr_matmat; without it (a scipy release that
    moves it) the public product must give the same pairs, weights and order."""
    assert claim_index.csr_matmat is not None   # this scipy has it: the fast path is the one tested
    rng = random.Random(5)
    store = random_store(rng, 300)
    units = random_page(rng, store)
    monkeypatch.setattr(claim_index, "ENTRY_BLOCK", 64)
    monkeypatch.setattr(claim_index, "fused_gate", None)   # scipy's product, not a C gate
    monkeypatch.setattr(claim_index, "block_gate", None)
    index = ClaimIndex.build(store)
    kernel = index._candidates(units, 50.0)
    monkeypatch.setattr(claim_index, "csr_matmat", None)
    assert index._candidates(units, 50.0) == kernel
    assert sum(map(len, kernel)) > 20


@pytest.mark.parametrize("seed", range(3))
def test_the_cut_keeps_what_a_stable_sort_of_each_unit_keeps(seed: int) -> None:
    rng = np.random.default_rng(seed)
    unit_of = np.sort(rng.integers(0, 30, 3000))
    values = -rng.integers(1, 8, 3000).astype(np.float32)   # few distinct values: ties at every cut
    k = 40
    expected = np.zeros(3000, dtype=bool)
    for u in range(31):
        run = np.flatnonzero(unit_of == u)
        expected[run[np.argsort(values[run], kind="stable")[:k]]] = True
    got = claim_index._top_per_unit(unit_of, values, k, 31)
    assert np.array_equal(got, expected)
    assert (np.bincount(unit_of) > k).sum() > 20


# ---------------------------------------------------------------- the compiled key gate

def test_the_retrieval_extension_is_built() -> None:
    require_extension(compiled, "claimnotes._retrieval")
    assert claim_index.fused_gate is (None if PURE_PYTHON else compiled.key_gate)
    assert claim_index.block_gate is (None if PURE_PYTHON else compiled.block_gate)
    assert claim_index.present_weights is (None if PURE_PYTHON else compiled.present_weights)


def gate_and_candidates(index: ClaimIndex, units: list[Unit]) -> tuple:
    return index._key_gate(query(units)), [index._candidates(units, floor) for floor in (50.0, 20.0)]


def assert_same(got: tuple, expected: tuple) -> None:
    """The same gate pairs in the same order, with the same float32 key weights (bit
    for bit), and the same candidate lists."""
    (gate, found), (gate_expected, found_expected) = got, expected
    assert all(np.array_equal(a.view(np.int32) if a.dtype == np.float32 else a,
                              b.view(np.int32) if b.dtype == np.float32 else b)
               and a.dtype == b.dtype for a, b in zip(gate[:3], gate_expected[:3]))
    assert gate[3] is gate_expected[3]   # cut or not
    assert found == found_expected


def threaded(monkeypatch, index: ClaimIndex, threads: int) -> None:
    """The compiled kernels of ``index`` share their work out to ``threads`` threads,
    however small the page."""
    monkeypatch.setattr(claim_index, "THREADED_RECORDS", 0)
    monkeypatch.setattr(claim_index, "THREADED_PAIRS", 0)
    index.threads = threads


@needs_compiled
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("pre", [claim_index.PRE_CANDIDATES, 3])
@pytest.mark.parametrize("block", [claim_index.ENTRY_BLOCK, 64, 37, 1])
@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_retrieval_gives_what_scipy_gives(monkeypatch, seed: int, block: int, pre: int,
                                                       threads: int) -> None:
    """The compiled gate walks only the required keys' records, each record once for
    all the units that hold its row (units share rows: a sentence, its windows, its
    pair with the next), yet gives the product's pairs in the product's order, whatever
    the blocks; with the pre-filter and the cut to ``pre`` pairs per unit (1M-claim
    stores; 3 cuts here), the same candidate lists, in one thread or two. So does the
    compiled block product (stores too large for records). Also after removals
    (masked, still in the records) and upserts."""
    monkeypatch.setattr(claim_index, "ENTRY_BLOCK", block)
    monkeypatch.setattr(claim_index, "PRE_CANDIDATES", pre)
    monkeypatch.setattr(claim_index, "present_weights", compiled.present_weights)
    rng = random.Random(seed)
    store = random_store(rng, 400)
    store += [(f"copy{i}", texts) for i, (_, texts) in enumerate(store[:60])]   # ties at the cut
    records, blocks, product = (build(monkeypatch, store, gate) for gate in ("records", "blocks", "scipy"))
    threaded(monkeypatch, records, threads)
    units = random_page(rng, store)
    rows = query(units).indices
    assert len(np.unique(rows)) < 0.5 * len(rows)   # the units share rows
    got = gate_and_candidates(records, units)
    monkeypatch.setattr(claim_index, "block_gate", compiled.block_gate)
    got_blocks = gate_and_candidates(blocks, units)
    monkeypatch.setattr(claim_index, "block_gate", None)
    monkeypatch.setattr(claim_index, "present_weights", None)
    expected = gate_and_candidates(product, units)
    assert_same(got, expected)
    assert_same(got_blocks, expected)
    assert len(got[0][0]) > 50 and sum(map(len, got[1][1])) > 20
    assert got[0][3] is (pre == 3)   # the cut applies (or not)
    # Some keys are light, so fewer records than postings are walked.
    rp, n_keys = records._records[0], sum(block.nnz for _, block in product._kt)
    assert rp[-1] < 0.8 * n_keys
    for index in (records, blocks, product):
        index.update(store[:5], removals=[claim for claim, _ in store[5:60:3]])
    expected = gate_and_candidates(product, units)
    monkeypatch.setattr(claim_index, "present_weights", compiled.present_weights)
    assert_same(gate_and_candidates(records, units), expected)
    monkeypatch.setattr(claim_index, "block_gate", compiled.block_gate)
    assert_same(gate_and_candidates(blocks, units), expected)


@needs_compiled
@pytest.mark.parametrize("threads", [1, 2])
def test_pages_of_a_few_units_give_what_scipy_gives(monkeypatch, threads: int) -> None:
    """Pages of one unit and of three: they hold few of the store's key rows, most of
    the rows come after their last one (the walk numbers the page's rows among all
    the rows; an off-by-one there wrote past its table, caught by ASan)."""
    rng = random.Random(7)
    store = random_store(rng, 400)
    records, product = (build(monkeypatch, store, gate) for gate in ("records", "scipy"))
    threaded(monkeypatch, records, threads)
    units = random_page(rng, store)
    key_buckets = records._key_buckets
    def held(page: list[Unit]) -> np.ndarray:   # the page's key rows
        return np.intersect1d(key_buckets, query(page).indices)
    pages = [page for page in [units[k:k + 1] for k in range(0, len(units), 7)] + [units[:3]]
             if held(page).max() < key_buckets[-1]]
    assert len(pages) > 5 and all(len(held(page)) < 0.5 * len(key_buckets) for page in pages)
    for page in pages:
        monkeypatch.setattr(claim_index, "present_weights", compiled.present_weights)
        got = gate_and_candidates(records, page)
        monkeypatch.setattr(claim_index, "present_weights", None)
        assert_same(got, gate_and_candidates(product, page))
    assert sum(len(gate_and_candidates(records, page)[0][0]) for page in pages) > 20


@needs_compiled
@pytest.mark.parametrize("layout", ["shared buckets", "32-bit ids", "over RECORDS_MAX"])
def test_every_records_layout_gives_what_scipy_gives(monkeypatch, layout: str) -> None:
    """Terms hashed into 64 buckets, so that entries hold terms sharing a bucket (one
    key, of a weight that is not its row's: an id past the rows); copies in 32 bits;
    and a store whose copies pass RECORDS_MAX, which the compiled blocks serve."""
    monkeypatch.setattr(claim_index, "present_weights", compiled.present_weights)
    if layout == "shared buckets":
        monkeypatch.setattr(claim_index, "bucket", lambda term: claim_index.zlib.crc32(term.encode()) & 63)
        monkeypatch.setattr(claim_index, "_MASK", 63)   # the compiled query rows hash ASCII terms themselves
    monkeypatch.setattr(claim_index, "NARROW_KEYS", 1 if layout == "32-bit ids" else claim_index.NARROW_KEYS)
    monkeypatch.setattr(claim_index, "RECORDS_MAX", 0 if layout == "over RECORDS_MAX" else claim_index.RECORDS_MAX)
    rng = random.Random(5)
    store = random_store(rng, 400)
    units = random_page(rng, store)
    monkeypatch.setattr(claim_index, "fused_gate", compiled.key_gate)
    monkeypatch.setattr(claim_index, "block_gate", compiled.block_gate)
    fast = ClaimIndex.build(store)
    assert (fast._records is None) == (layout == "over RECORDS_MAX") and bool(fast._kt) == (fast._records is None)
    if fast._records is not None:
        key, key_rows = fast._records[4], fast._records[5]
        assert key.dtype == (np.int32 if layout == "32-bit ids" else np.uint16)
        assert (len(key_rows) > len(fast._key_buckets)) == (layout == "shared buckets")
    got = gate_and_candidates(fast, units)
    monkeypatch.setattr(claim_index, "fused_gate", None)
    monkeypatch.setattr(claim_index, "block_gate", None)
    monkeypatch.setattr(claim_index, "present_weights", None)
    expected = gate_and_candidates(ClaimIndex.build(store), units)
    assert_same(got, expected)
    assert len(got[0][0]) > 50 and sum(map(len, got[1][1])) > 20


@needs_compiled
@pytest.mark.parametrize("threads", [1, 2])
def test_the_compiled_retrieval_gives_what_scipy_gives_on_the_eval_pages(monkeypatch, threads: int) -> None:
    """Real claims and pages (the fixtures' claims, every labelled page): the same pairs,
    weights and candidate lists."""
    store = read_claims()
    fast, product = (build(monkeypatch, store, gate) for gate in ("records", "scipy"))
    threaded(monkeypatch, fast, threads)
    pages = sorted((REPO / "fixtures/eval").glob("**/pages/*.txt"))
    units = [u for p in pages for u in sentence_units(p.read_text(encoding="utf-8"))]
    assert len(pages) > 120
    got = gate_and_candidates(fast, units)
    assert_same(got, gate_and_candidates(product, units))
    assert len(got[0][0]) > 1000


@needs_compiled
@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("seed", range(3))
def test_present_weights_are_scipys_product_summed(seed: int, threads: int) -> None:
    """Bit for bit what fw[entry_of].multiply(q[unit_of]).sum(axis=1) gives, and the
    product's row lengths: rows long enough for numpy's pairwise sum (over 8 terms)
    and rows with nothing in common included; the pairs shared by 1 to 3 threads."""
    rng = np.random.default_rng(seed)
    n_rows, n_cols = 50, 400
    def rows(n: int, most: int) -> claim_index.sparse.csr_matrix:
        picks = [np.sort(rng.choice(n_cols, rng.integers(0, most), replace=False)) for _ in range(n)]
        return claim_index.sparse.csr_matrix(
            ((rng.random(sum(map(len, picks))) * 9 + 0.5).astype(np.float32), np.concatenate(picks).astype(np.int32),
             np.cumsum([0] + [len(p) for p in picks]).astype(np.int32)), shape=(n, n_cols))
    fw = rows(n_rows, 300)
    q = rows(n_rows, 400)
    q.data[:] = 1.0
    unit_of = rng.integers(0, n_rows, 3000).astype(np.int32)
    entry_of = rng.integers(0, n_rows, 3000).astype(np.int32)
    found, common = np.empty(3000, np.float32), np.empty(3000, np.int32)
    compiled.present_weights(fw.indptr, fw.indices, fw.data, q.indptr, q.indices, unit_of, entry_of, found, common,
                             threads)
    both = fw[entry_of].multiply(q[unit_of]).tocsr()
    assert np.array_equal(found.view(np.int32), np.asarray(both.sum(axis=1)).ravel().view(np.int32))
    assert np.array_equal(common, np.diff(both.indptr))
    assert (common > 128).sum() > 100 and (common == 0).sum() > 10
    # Bad input: an entry past the rows, outputs of the wrong length or type.
    refs = [sys.getrefcount(a) for a in (fw.indptr, unit_of, found, common)]
    with pytest.raises(ValueError):
        compiled.present_weights(fw.indptr, fw.indices, fw.data, q.indptr, q.indices, unit_of,
                                 entry_of + n_rows, found, common, threads)
    with pytest.raises(ValueError):
        compiled.present_weights(fw.indptr, fw.indices, fw.data, q.indptr, q.indices, unit_of, entry_of,
                                 found[:10], common, threads)
    with pytest.raises(TypeError):
        compiled.present_weights(fw.indptr, fw.indices, fw.data, q.indptr, q.indices, unit_of, entry_of,
                                 found.astype(np.float64), common, threads)
    for bad in (0, 9):   # no thread, more threads than it takes
        with pytest.raises(ValueError):
            compiled.present_weights(fw.indptr, fw.indices, fw.data, q.indptr, q.indices, unit_of, entry_of,
                                     found, common, bad)
    assert [sys.getrefcount(a) for a in (fw.indptr, unit_of, found, common)] == refs   # buffers released


def gate_arrays() -> list:
    """A valid call: 2 units over 3 key rows and 4 entries; unit 0 holds rows 0 and 2.
    Entry 0's key: row 1 (2.0, gate 1.0); entry 1's: rows 0 (1.5) and 2 (1.0, light:
    below its gate 2.0); entry 3's: rows 0 (0.25, light) and 2 (0.5), gate 0.6. So row 0
    holds the record of entry 1, row 1 of entry 0, row 2 of entry 3. The keys' table:
    ids 0-4 are (row 0, 0.25), (0, 1.5), (1, 2.0), (2, 0.5), (2, 1.0)."""
    i32, f32 = np.int32, np.float32
    up, uj = np.array([0, 2, 3], i32), np.array([0, 2, 1], i32)
    rp, entry, gate = np.array([0, 1, 2, 3], i32), np.array([1, 0, 3], i32), np.array([2.0, 1.0, 0.6], f32)
    key_ptr = np.array([0, 2, 3, 5], i32)
    key = np.array([1 << 1 | 1, 4 << 1, 2 << 1 | 1, 0 << 1, 3 << 1 | 1], np.uint16)   # id << 1 | required
    key_row, key_w = np.array([0, 0, 1, 2, 2], i32), np.array([0.25, 1.5, 2.0, 0.5, 1.0], f32)
    return [up, uj, rp, entry, gate, key_ptr, key, key_row, key_w,
            np.empty(3, i32), np.empty(8, i32), np.empty(8, f32), 4, 4, 8, 1]


@needs_compiled
@pytest.mark.parametrize("threads", [1, 2, 8])
def test_the_compiled_gate_on_hand_made_records(threads: int) -> None:
    """Also in threads: 2, and 8 (more than the page's rows and units: parts with nothing)."""
    arrays = gate_arrays()
    arrays[15] = threads
    assert compiled.key_gate(*arrays) == (3, False)
    # Unit 0: entry 1 (1.5 + 1.0 = 2.5, found through row 0) and entry 3 (0.25 + 0.5 =
    # 0.75, through row 2, its light key first): both first touched at row 0, so the
    # latest entry first; unit 1: entry 0 (2.0).
    assert arrays[9].tolist() == [0, 2, 3]
    assert arrays[10][:3].tolist() == [3, 1, 0] and arrays[11][:3].tolist() == [0.75, 2.5, 2.0]
    # The gate: a sum passes at its gate exactly, not below it; an infinite gate (a
    # removed entry's) fails.
    arrays[4][:] = [2.6, 2.0, 0.75]
    assert compiled.key_gate(*arrays) == (2, False)
    assert arrays[9].tolist() == [0, 1, 2]
    assert arrays[10][:2].tolist() == [3, 0] and arrays[11][:2].tolist() == [0.75, 2.0]
    arrays[4][2] = np.inf
    assert compiled.key_gate(*arrays) == (1, False) and arrays[10][0] == 0
    # More than 1 pair per unit on average: each unit keeps its 1 of most weight; on a
    # tie (entry 1 at 0.5 + 0.25, as entry 3), the first in order.
    arrays[4][:] = [0.5, 1.0, 0.6]
    arrays[14] = 1
    assert compiled.key_gate(*arrays) == (2, True)
    assert arrays[9].tolist() == [0, 1, 2] and arrays[10][:2].tolist() == [1, 0]
    arrays[8][[1, 4]] = [0.5, 0.25]
    assert compiled.key_gate(*arrays) == (2, True)
    assert arrays[10][:2].tolist() == [3, 0] and arrays[11][:2].tolist() == [0.75, 2.0]
    # The order across blocks: one unit holding rows 0 and 1, entry 0 keyed at row 1 and
    # entry 1 at row 0. One product lists entry 0 (first touched last) first; blocks of
    # one entry, taken last first, list entry 1 first.
    i32, f32 = np.int32, np.float32
    ones = np.ones(2, f32)
    two = [np.array([0, 2], i32), np.array([0, 1], i32), np.array([0, 1, 2], i32), np.array([1, 0], i32),
           ones, np.array([0, 1, 2], i32), np.array([0 << 1 | 1, 1 << 1 | 1], np.uint16), np.arange(2, dtype=i32),
           ones]
    for block, expected in ((2, [0, 1]), (1, [1, 0])):
        out = [np.empty(2, i32), np.empty(2, i32), np.empty(2, f32)]
        assert compiled.key_gate(*two, *out, 2, block, 8, threads) == (2, False) and out[1].tolist() == expected


@needs_compiled
@pytest.mark.parametrize("threads", [1, 2])
def test_the_compiled_gate_splits_a_rows_keys_kept_by_record(threads: int) -> None:
    """A row of several records: the keys kept are read for the whole row at once, then
    handed to each record by place, so a record must get its own, not a neighbour's.
    Unit 0 holds rows 0 and 2, unit 1 row 0; row 1 is no unit's, so its key (id 1, heavy)
    is never kept. Row 0 holds entry 0 (ids 0 and 2), entry 1 (ids 0 and 1: its last key
    not kept) and entry 2 (ids 0, 1 and 2: one not kept between two kept); row 2 entry 3
    (id 2). Keys' table: id 0 (row 0, 1.0), id 1 (row 1, 4.0), id 2 (row 2, 0.5)."""
    i32, f32 = np.int32, np.float32
    key = np.array([0 << 1 | 1, 2 << 1, 0 << 1 | 1, 1 << 1, 0 << 1 | 1, 1 << 1, 2 << 1, 2 << 1 | 1], np.uint16)
    out = [np.empty(3, i32), np.empty(8, i32), np.empty(8, f32)]
    assert compiled.key_gate(np.array([0, 2, 3], i32), np.array([0, 2, 0], i32), np.array([0, 3, 3, 4], i32),
                             np.arange(4, dtype=i32), np.array([1.2, 1.0, 1.5, 0.5], f32),
                             np.array([0, 2, 4, 7, 8], i32), key, np.arange(3, dtype=i32),
                             np.array([1.0, 4.0, 0.5], f32), *out, 4, 8, 8, threads) == (5, False)
    # Unit 0: entries 0 and 2 at 1.5, entry 1 at 1.0 (not 5.0: id 1 not counted),
    # entry 3 at 0.5 (first touched at row 2, so first); unit 1: entry 1 only (1.0 at
    # its gate; entries 0 and 2 get 1.0, under theirs).
    assert out[0].tolist() == [0, 4, 5]
    assert out[1][:5].tolist() == [3, 2, 1, 0, 1] and out[2][:5].tolist() == [0.5, 1.5, 1.0, 1.5, 1.0]


@needs_compiled
@pytest.mark.parametrize("threads", [1, 2])
def test_the_compiled_gate_orders_pairs_found_in_reverse(threads: int) -> None:
    """Entries all first touched at row 0 (a light key) but found through their required
    key, entry 0 at the last row: found in the reverse of their order (the insertion
    sort would take quadratic time; qsort takes over)."""
    n = 300
    i32, f32 = np.int32, np.float32
    rows = np.arange(n + 1, dtype=i32)
    rp = np.concatenate(([0], np.arange(n + 1))).astype(i32)   # row r >= 1 holds entry n - r
    entry = (n - rows[1:]).astype(i32)
    key = np.stack([np.zeros(n, i32), rows[1:] << 1 | 1], axis=1).ravel()   # int32 ids: the wide layout
    weight = np.ones(n + 1, f32)
    weight[0] = 0.5
    out = [np.empty(2, i32), np.empty(n, i32), np.empty(n, f32)]
    assert compiled.key_gate(np.array([0, n + 1], i32), rows, rp, entry, np.ones(n, f32),
                             np.arange(0, 2 * n + 1, 2, dtype=i32), key, rows, weight, *out, n, n, n,
                             threads) == (n, False)
    assert out[1].tolist() == list(range(n - 1, -1, -1)) and set(out[2].tolist()) == {1.5}


def assert_refused_releasing_buffers(kernel, arrays: list, error) -> None:
    """``kernel(*arrays)`` raises ``error`` and releases every buffer it took (the
    arrays' reference counts are back where they were; an int's count moves by itself)."""
    counted = [a for a in arrays if isinstance(a, np.ndarray)]
    refs = [sys.getrefcount(a) for a in counted]
    with pytest.raises(error):
        kernel(*arrays)
    assert [sys.getrefcount(a) for a in counted] == refs


@needs_compiled
@pytest.mark.parametrize("bad", [
    (0, np.array([0, 2, 3], dtype=np.int64)),     # int64 index array
    (4, np.ones(3)),                               # float64 gates
    (1, np.array([[0, 2, 1]], dtype=np.int32)),   # 2-D
    (1, np.array([0, 9, 1], dtype=np.int32)),     # a key row past rp
    (1, np.array([0, 2**31 - 1, 1], dtype=np.int32)),  # a key row whose r + 1 overflows int32
    (1, np.array([2, 0, 1], dtype=np.int32)),     # a unit's rows not ascending
    (3, np.array([1, 0, 9], dtype=np.int32)),     # an entry past n_entries
    (5, np.array([0, 3, 2, 5], dtype=np.int32)),  # key_ptr not ascending
    (5, np.array([0, 2, 3, 9], dtype=np.int32)),  # key_ptr past the keys
    (6, np.array([3, 8, 5, 0, 99], dtype=np.uint16)),  # a key id past the table
    (6, np.array([3, -4, 5, 0, 7], dtype=np.int32)),   # a negative key
    (6, np.array([3, 65535, 5, 0, 7], dtype=np.uint16)),   # the last id a uint16 holds
    (6, np.array([3, 1 << 20, 5, 0, 7], dtype=np.int32)),  # past every id a uint16 holds
    (6, np.array([3, 8, 5, 0, 7], dtype=np.int16)),    # signed 16-bit keys
    (6, np.array([3, 8, 5, 0, 7], dtype=np.float32)),  # float keys
    (7, np.array([0, 0, 1, 2, 3], dtype=np.int32)),    # a key's row past rp
    (7, np.array([0, 0, 1, 2, -1], dtype=np.int32)),   # a negative key row
    (8, np.ones(4, np.float32)),                       # a weight short of the table
    (0, np.array([0, 3, 2], dtype=np.int32)),     # up not ascending
    (0, np.array([0, 2, 9], dtype=np.int32)),     # up past uj
    (2, np.array([0, 1, 2, 9], dtype=np.int32)),  # rp past the records
    (10, np.empty(1, np.int32)),                  # outputs too small for the pairs
    (9, np.empty(2, np.int32)),                   # out_ptr not len(up)
    (10, np.empty(8, np.int32)[::2]),             # not contiguous
    (9, np.empty(3, np.int32).view(np.float32)),  # float32 where int32 is wanted
    (0, b"\0" * 12),                              # bytes: not int32
    (0, 3),                                        # not a buffer
    (12, -1),                                      # fewer than no entries
    (13, 0),                                       # blocks of no entry
    (14, 0),                                       # a cut to no pair
    (15, 0),                                       # no thread
    (15, 9),                                       # more threads than it takes
])
def test_bad_input_raises_and_leaks_no_reference(bad) -> None:
    arrays = gate_arrays()
    arrays[bad[0]] = bad[1]
    assert_refused_releasing_buffers(compiled.key_gate, arrays, (ValueError, TypeError))
    with pytest.raises(TypeError):
        compiled.key_gate(*arrays[:15])


def product_arrays() -> list[np.ndarray]:
    """A valid call: 2 units over 3 key rows x 4 entries; unit 0 holds rows 0 and 2."""
    ap = np.array([0, 2, 3], dtype=np.int32)
    aj = np.array([0, 2, 1], dtype=np.int32)
    bp = np.array([0, 2, 3, 5], dtype=np.int32)
    bj = np.array([1, 3, 0, 3, 1], dtype=np.int32)
    bx = np.array([1.5, 0.25, 2.0, 0.5, 1.0], dtype=np.float32)
    kmin = np.array([1.0, 2.0, 1e-6, 0.6], dtype=np.float32)
    return [ap, aj, bp, bj, bx, kmin, np.empty(3, np.int32), np.empty(8, np.int32), np.empty(8, np.float32)]


@needs_compiled
def test_the_block_gate_on_a_hand_made_product() -> None:
    arrays = product_arrays()
    assert compiled.block_gate(*arrays) == 3
    # Unit 0: entry 1 (1.5 + 1.0 = 2.5), entry 3 (0.25 + 0.5 = 0.75), latest first
    # touched first; unit 1: entry 0 (2.0).
    assert arrays[6].tolist() == [0, 2, 3]
    assert arrays[7][:3].tolist() == [3, 1, 0] and arrays[8][:3].tolist() == [0.75, 2.5, 2.0]
    # The gate: a sum passes at its kmin exactly, not below it.
    arrays[5][:] = [2.0, 2.6, 1e-6, 0.75]
    assert compiled.block_gate(*arrays) == 2
    assert arrays[6].tolist() == [0, 1, 2]
    assert arrays[7][:2].tolist() == [3, 0] and arrays[8][:2].tolist() == [0.75, 2.0]


@needs_compiled
@pytest.mark.parametrize("bad", [
    (0, np.array([0, 2, 3], dtype=np.int64)),     # int64 index array
    (4, np.ones(5)),                               # float64 weights
    (1, np.array([[0, 2, 1]], dtype=np.int32)),   # 2-D
    (1, np.array([0, 9, 1], dtype=np.int32)),     # a key row past bp
    (1, np.array([0, 2**31 - 1, 1], dtype=np.int32)),  # a key row whose j + 1 overflows int32
    (3, np.array([1, 4, 0, 3, 1], dtype=np.int32)),   # an entry past kmin
    (0, np.array([0, 3, 2], dtype=np.int32)),     # ap not ascending
    (0, np.array([0, 2, 9], dtype=np.int32)),     # ap past aj
    (2, np.array([0, 2, 9, 5], dtype=np.int32)),  # bp past bj
    (7, np.empty(1, np.int32)),                   # outputs too small for the pairs
    (6, np.empty(2, np.int32)),                   # out_ptr not len(ap)
    (7, np.empty(8, np.int32)[::2]),              # not contiguous
    (6, np.empty(3, np.int32).view(np.float32)),  # float32 where int32 is wanted
    (0, b"\0" * 12),                               # bytes: not int32
    (0, 3),                                        # not a buffer
])
def test_bad_block_gate_input_raises_and_leaks_no_reference(bad) -> None:
    arrays = product_arrays()
    arrays[bad[0]] = bad[1]
    assert_refused_releasing_buffers(compiled.block_gate, arrays, (ValueError, TypeError))
    with pytest.raises(TypeError):
        compiled.block_gate(*arrays[:8])


@needs_compiled
@pytest.mark.parametrize("entry", [2**31 - 1, 1, 0])
def test_present_weights_refuses_rows_out_of_range(entry: int) -> None:
    # An entry whose e + 1 overflows int32, the entry one past the last row (the prefetch
    # reads fp[e] and fp[e + 1] ahead of the checks), and empty row pointers (it reads
    # fp[0]): all raise instead of reading out of bounds (run under ASan to see it).
    i32 = np.int32
    n = 20
    fp = np.array([0, 1], i32) if entry else np.zeros(0, i32)
    with pytest.raises(ValueError):
        compiled.present_weights(fp, np.zeros(1, i32), np.ones(1, np.float32), np.array([0, 1], i32),
                                 np.zeros(1, i32), np.zeros(n, i32), np.full(n, entry, i32),
                                 np.empty(n, np.float32), np.empty(n, i32), 2)


@needs_compiled
def test_read_only_outputs_are_refused() -> None:
    arrays = gate_arrays()
    arrays[11].flags.writeable = False
    with pytest.raises((ValueError, TypeError, BufferError)):
        compiled.key_gate(*arrays)


# ---------------------------------------------------------------- the compiled query rows and selection

def test_the_query_and_selection_kernels_are_built() -> None:
    require_extension(compiled, "claimnotes._retrieval")
    assert claim_index.query_rows is (None if PURE_PYTHON else compiled.query_rows)
    assert claim_index.select_candidates is (None if PURE_PYTHON else compiled.select_candidates)


class Terms:
    """A unit as query_rows reads it: its termset only."""
    def __init__(self, termset) -> None:
        self.termset = termset


def python_rows(monkeypatch, units) -> claim_index._Query:
    monkeypatch.setattr(claim_index, "query_rows", None)
    rows = claim_index._query(units)
    monkeypatch.undo()
    return rows


@needs_compiled
def test_the_compiled_query_rows_are_the_python_rows(monkeypatch) -> None:
    """The same rows, buckets ascending once each: for the labelled pages, for non-ASCII
    terms (hashed by Python's bucket(), lone surrogates included) and for terms that
    share a bucket; and the C crc32 is zlib's on ASCII terms of every length."""
    monkeypatch.setattr(claim_index, "query_rows", compiled.query_rows)
    pages = sorted((REPO / "fixtures/eval").glob("**/pages/*.txt"))
    units = [u for p in pages for u in sentence_units(p.read_text(encoding="utf-8"))]
    units += sentence_units("Ελλάδα και Κύπρος. Москва не сразу строилась. 東京タワー is tall. "
                            "Le café à Zürich coûte 5€. Bad \udcff byte. " + " ".join(VOCAB[:80]) + ".")
    rng = random.Random(0)
    ascii_terms = ["".join(rng.choice("abcxyz019 -'") for _ in range(n)) for n in range(40) for _ in range(5)]
    units += [Terms(frozenset(ascii_terms[k:k + 90])) for k in range(0, len(ascii_terms), 30)]
    units += [Terms(frozenset()), Terms(frozenset({None})), Terms({"set", None, "κι"})]
    got = claim_index._query(units)
    expected = python_rows(monkeypatch, units)
    assert got.shape == expected.shape and got.indptr.dtype == got.indices.dtype == np.int32
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    assert len(got.indices) > 10_000
    # Many terms in few buckets: repeats dropped within a unit, not across units.
    for mask in (0, 7):
        rows = compiled.query_rows(units, lambda t: claim_index.bucket(t) & mask, mask)
        indptr, cols = (np.frombuffer(a, np.int32) for a in rows)
        for u, unit in enumerate(units):
            terms = [t for t in unit.termset if t is not None]
            assert cols[indptr[u]:indptr[u + 1]].tolist() == sorted({claim_index.bucket(t) & mask for t in terms})


@needs_compiled
@pytest.mark.parametrize("bad", [
    (3, TypeError),                                    # not a sequence
    ([Terms(["a", "b"])], TypeError),                 # a termset that is not a set
    ([object()], AttributeError),                      # no termset
    ([Terms(frozenset({"é"}))], ValueError),          # bucket() out of range (below)
    ([Terms(frozenset({b"bytes"}))], ValueError),     # bucket() raises (below)
])
def test_bad_query_input_raises(bad) -> None:
    units, error = bad
    def bucket(term):
        if isinstance(term, bytes):
            raise ValueError("not a str")
        return 1 << 40
    with pytest.raises(error):
        compiled.query_rows(units, bucket, claim_index._MASK)
    with pytest.raises(ValueError):
        compiled.query_rows([], bucket, -1)


def all_compiled(monkeypatch, on: bool) -> None:
    for name in ("query_rows", "present_weights", "select_candidates"):
        monkeypatch.setattr(claim_index, name, getattr(compiled, name) if on else None)


@needs_compiled
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("powers", [(COVERAGE_POWER, SIMILARITY_POWER), (2.0, 0.5)])
@pytest.mark.parametrize("cap", [CANDIDATES_PER_UNIT, 3, 10**6])
@pytest.mark.parametrize("pre", [claim_index.PRE_CANDIDATES, 3])
@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_selection_gives_numpys_lists(monkeypatch, seed: int, pre: int, cap: int,
                                                   powers: tuple[float, float], threads: int) -> None:
    """The compiled query, filter and order give the numpy path's lists, entry for
    entry and in order, at every floor: with and without the cut, with a cap that
    orders by bound (3, and 64 over a page's pairs) and one that leaves the gate's
    order (10**6), with tied bounds and weights (copies of claims), and with other
    exponents of the bound (numpy's `**` takes sqrt and square for them too); the
    filter's units shared by one thread or two."""
    monkeypatch.setattr(claim_index, "PRE_CANDIDATES", pre)
    monkeypatch.setattr(claim_index, "CANDIDATES_PER_UNIT", cap)
    monkeypatch.setattr(claim_index, "COVERAGE_POWER", powers[0])
    monkeypatch.setattr(claim_index, "SIMILARITY_POWER", powers[1])
    rng = random.Random(seed)
    store = random_store(rng, 400)
    store += [(f"copy{i}", texts) for i, (_, texts) in enumerate(store[:60])]
    index = build(monkeypatch, store, "records" if seed % 2 else "blocks")
    threaded(monkeypatch, index, threads)
    units = random_page(rng, store)
    lists = {}
    for on in (True, False):
        all_compiled(monkeypatch, on)
        lists[on] = [index._candidates(units, floor) for floor in (100.0, 62.0, 50.0, 20.0, 0.0)]
    assert lists[True] == lists[False]
    assert sum(map(len, lists[True][2])) > 20 and lists[True][0] != lists[True][2]   # the floor matters
    if cap == 3:
        assert max(map(len, lists[True][-1])) == 3


def select_arrays() -> list:
    """A valid call: 2 units, 3 pairs over 3 entries. Pair 0 (unit 0, entry 2): present
    2.0 of 2.0, every term common: bound 100. Pair 1 (unit 0, entry 0): 1.0 of 4.0,
    below MIN_COVERAGE. Pair 2 (unit 1, entry 1): 3.0 of 4.0, 2 of 4 terms common
    (sim 2 * 2 / 6): bound 100 * 0.75 ** 0.5 * 2 / 3 = 57.7."""
    i32, f32 = np.int32, np.float32
    return [np.array([0, 0, 1], i32), np.array([2, 0, 1], i32), np.array([1.0, 2.0, 3.0], f32),
            np.array([2.0, 1.0, 3.0], f32), np.array([2, 1, 2], i32), np.array([4.0, 4.0, 2.0]),
            np.array([4, 4, 2], i32), np.zeros(3, i32), 2, 1.0, MIN_COVERAGE, 1e-9, 50.0, 0.5, 1.0, False, 64, 1]


@needs_compiled
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_the_compiled_selection_on_hand_made_pairs(threads: int) -> None:
    arrays = select_arrays()
    arrays[17] = threads   # 2 units: as many tasks, however many threads
    assert compiled.select_candidates(*arrays) == [[2], [1]]
    arrays[12] = 57.8   # the bar: above pair 2's bound
    assert compiled.select_candidates(*arrays) == [[2], []]
    arrays[12] = 100.0   # a bound at the bar passes
    assert compiled.select_candidates(*arrays) == [[2], []]
    arrays[12] = np.nextafter(100.0, 101.0)
    assert compiled.select_candidates(*arrays) == [[], []]
    arrays[12] = 50.0
    # Both pairs of unit 0 pass (entry 0 now one term of weight 3.0, all present), more
    # than cap in all: the best bound first, on a tie (100) the most weight present.
    arrays[12], arrays[5][0], arrays[6][0], arrays[3][1], arrays[4][1], arrays[16] = 50.0, 3.0, 1, 3.0, 1, 2
    assert compiled.select_candidates(*arrays) == [[0, 2], [1]]
    arrays[3][1] = 2.0   # a tie in both: the gate's order
    assert compiled.select_candidates(*arrays) == [[2, 0], [1]]
    arrays[4][1], arrays[6][0] = 2, 3   # entry 0's bound below 100: after entry 2
    arrays[3][0] = 1.5   # ...though entry 2 has less weight present
    assert compiled.select_candidates(*arrays) == [[2, 0], [1]]
    arrays[3][:] = [2.0, 3.0, 3.0]
    arrays[4][1], arrays[6][0] = 1, 1
    arrays[16] = 1
    assert compiled.select_candidates(*arrays) == [[0], [1]]
    arrays[16] = 3   # no cap to fill: the gate's order
    assert compiled.select_candidates(*arrays) == [[2, 0], [1]]
    arrays[15] = True   # the cut: most key weight first, ties in the gate's order
    assert compiled.select_candidates(*arrays) == [[0, 2], [1]]
    arrays[2][:2] = 2.0
    assert compiled.select_candidates(*arrays) == [[2, 0], [1]]


@needs_compiled
def test_the_compiled_selection_reads_strided_entry_fields() -> None:
    """total, n_terms and extra as the index keeps them, fields of one structured array
    (strided views), give the lists the contiguous arrays give; with other values in
    the fields between them, so that a wrong stride would read those."""
    arrays = select_arrays()
    fields = np.zeros(3, dtype=[("total", np.float64), ("pad", np.float64), ("n_terms", np.int32),
                                ("pad2", np.int32), ("extra", np.int32)])
    fields["pad"], fields["pad2"] = 1e9, 10**6
    for name, at in (("total", 5), ("n_terms", 6), ("extra", 7)):
        fields[name] = arrays[at]
    strided = arrays[:5] + [fields["total"], fields["n_terms"], fields["extra"]] + arrays[8:]
    assert compiled.select_candidates(*strided) == compiled.select_candidates(*arrays) == [[2], [1]]
    arrays[12] = 57.8
    strided[12] = 57.8
    assert compiled.select_candidates(*strided) == compiled.select_candidates(*arrays) == [[2], []]
    index = ClaimIndex.build([("c1", ["Bats are blind"]), ("c2", ["Vaccines cause autism"])])
    assert index._total.base is index._n_terms.base is index._extra.base


@needs_compiled
@pytest.mark.parametrize("bad", [
    (0, np.array([1, 0, 1], dtype=np.int32), ValueError),   # units out of order
    (0, np.array([0, 0, 2], dtype=np.int32), ValueError),   # a unit past n_units
    (1, np.array([2, 0, 3], dtype=np.int32), ValueError),   # an entry past total
    (1, np.array([2, -1, 1], dtype=np.int32), ValueError),  # a negative entry
    (3, np.ones(2, np.float32), ValueError),                 # found not one per pair
    (6, np.ones(2, np.int32), ValueError),                   # n_terms not one per entry
    (5, np.ones(3, np.float32), TypeError),                  # float32 totals
    (3, np.ones(3), TypeError),                              # float64 found
    (2, np.array([np.nan, 2, 3], dtype=np.float32), ValueError),   # a NaN key weight kept
    (8, -1, ValueError),                                     # fewer than no units
    (13, 0.7, ValueError),                                   # an exponent numpy's pow serves
    (14, 3.0, ValueError),
    (0, b"\0" * 12, TypeError),                              # bytes: not int32
    (5, np.array([2.0, 4.0, 4.0])[::-1], TypeError),         # a negative stride
    (6, np.ones((3, 1), np.int32), TypeError),               # 2-D
    (17, 0, ValueError),                                     # no thread
    (17, 9, ValueError),                                     # more threads than it takes
])
def test_bad_selection_input_raises_and_leaks_no_reference(bad) -> None:
    arrays = select_arrays()
    at, value, error = bad
    arrays[at] = value
    assert_refused_releasing_buffers(compiled.select_candidates, arrays, error)


@needs_compiled
def test_the_compiled_present_weight_is_rounded_as_numpys() -> None:
    """found * slack is a float32 product, as numpy's float32 array times a Python float
    (NEP 50: slack rounded to float32 first), not the float64 product rounded to float32:
    pairs whose coverage bar lies between the two pass as numpy has them."""
    rng = np.random.default_rng(1)
    found = (rng.random(200_000) * 10 + 0.5).astype(np.float32)
    numpy_present = found * claim_index._PRESENT_SLACK
    differ = np.flatnonzero(numpy_present != (found.astype(np.float64) * claim_index._PRESENT_SLACK).astype(np.float32))
    n, i32 = 50, np.int32
    assert len(differ) > 10_000
    for total, passing in ((numpy_present[differ[:n]], list(range(n))), (np.nextafter(numpy_present[differ[:n]], 99), [])):
        # min_coverage 1, no tolerance: a pair passes where its present weight reaches its total.
        got = compiled.select_candidates(np.zeros(n, i32), np.arange(n, dtype=i32), np.ones(n, np.float32),
                                         found[differ[:n]], np.ones(n, i32), total.astype(np.float64), np.ones(n, i32),
                                         np.zeros(n, i32), 1, claim_index._PRESENT_SLACK, 1.0, 0.0, 0.0, 0.5, 1.0,
                                         False, 10**6)
        assert got == [passing]
