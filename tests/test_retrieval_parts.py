"""A page's retrieval a part at a time (claim_index.Retrieval): the compiled job thread
gives every unit the lists one call over the whole page gives, whatever the parts, the
threads, the callers and a fork."""

from __future__ import annotations

import os
import random
import threading

import numpy as np
import pytest
from test_aligner_speedups import REPO, read_claims
from test_candidates import build, needs_compiled, random_page, random_store, threaded

from claimnotes import claim_index, matcher
from claimnotes.claim_index import ClaimIndex, Retrieval
from claimnotes.terms import Unit, sentence_units

pytestmark = needs_compiled


@pytest.fixture(autouse=True)
def the_job(monkeypatch) -> None:
    """The compiled job, also where CLAIMNOTES_PURE_PYTHON=1 turns it off for matching, and
    parts in stores of any size (these are small: SPLIT_MIN_ENTRIES keeps them whole)."""
    monkeypatch.setattr(claim_index, "candidates_job", claim_index._retrieval.candidates)
    monkeypatch.setattr(claim_index, "SPLIT_MIN_ENTRIES", 0)


def in_parts(index: ClaimIndex, units: list[Unit], floor: float, sizes: list[int]) -> Retrieval:
    """A Retrieval given ``units`` a run of ``sizes`` at a time (the last size repeats)."""
    retrieval = Retrieval(index, floor)
    k = 0
    for n in sizes + [sizes[-1]] * len(units):
        retrieval.add(units[k:k + n])
        k += n
    return retrieval


def whole(index: ClaimIndex, units: list[Unit], floor: float) -> list[list[int]]:
    """One call over every unit, in the calling thread, one thread."""
    threads, index.threads = index.threads, 1
    try:
        return index._candidates(units, floor)
    finally:
        index.threads = threads


@pytest.mark.parametrize("part", [1, 5, 17])
@pytest.mark.parametrize("pre", [claim_index.PRE_CANDIDATES, 3])
@pytest.mark.parametrize("cap", [claim_index.CANDIDATES_PER_UNIT, 2])
@pytest.mark.parametrize("seed", range(3))
def test_a_page_in_parts_gets_the_whole_pages_lists(monkeypatch, seed: int, cap: int, pre: int, part: int) -> None:
    """Parts of 1 to 17 units, with and without the gate's cut (3 pairs a unit) and a cap
    low enough for the order by bound: the lists of one call over the page."""
    monkeypatch.setattr(claim_index, "PRE_CANDIDATES", pre)
    monkeypatch.setattr(claim_index, "CANDIDATES_PER_UNIT", cap)
    monkeypatch.setattr(claim_index, "PART_UNITS", part)
    rng = random.Random(seed)
    store = random_store(rng, 400)
    store += [(f"copy{i}", texts) for i, (_, texts) in enumerate(store[:60])]   # ties at the cut
    index = build(monkeypatch, store, "records")
    threaded(monkeypatch, index, 2)
    units = random_page(rng, store)
    for floor in (50.0, 20.0):
        retrieval = in_parts(index, units, floor, [1])
        assert retrieval._split and len(retrieval._parts) >= len(units) // part
        assert retrieval.lists() == whole(index, units, floor)
    assert sum(map(len, whole(index, units, 50.0))) > 20


@pytest.mark.parametrize("pre", [claim_index.PRE_CANDIDATES, 3])
def test_parts_that_decide_otherwise_than_the_page_are_run_again(monkeypatch, pre: int) -> None:
    """A part of units that hold no claim (no cut there, too few pairs to order by bound)
    between parts that hold many: its own decisions are not the page's."""
    monkeypatch.setattr(claim_index, "PRE_CANDIDATES", pre)
    monkeypatch.setattr(claim_index, "PART_UNITS", 4)
    rng = random.Random(11)
    store = random_store(rng, 400)
    index = build(monkeypatch, store, "records")
    threaded(monkeypatch, index, 2)
    claims = [u for _, texts in store[:12] for u in sentence_units(" ".join(texts) + ".")]
    plain = [u for u in sentence_units("Nothing here at all. Plain words only, again and again.") * 2]
    units = claims[:4] + plain[:4] + claims[4:]
    retrieval = in_parts(index, units, 50.0, [4])
    assert retrieval.lists() == whole(index, units, 50.0)
    assert retrieval.reruns >= (1 if pre == 3 else 0)
    lonely = in_parts(index, claims[:1] + plain, 50.0, [1, 1])   # few pairs in all: no order by bound
    assert lonely.lists() == whole(index, claims[:1] + plain, 50.0)
    assert lonely.reruns >= 1


def test_one_part_is_one_call_and_no_job_without_the_kernels(monkeypatch) -> None:
    """A page under PART_UNITS units is one job, run by the caller; without the compiled
    job (pure Python, one core, a store over SPLIT_MAX_ENTRIES or under SPLIT_MIN_ENTRIES) the lists are
    _candidates' own."""
    rng = random.Random(3)
    store = random_store(rng, 300)
    index = build(monkeypatch, store, "records")
    units = random_page(rng, store)[:20]
    retrieval = in_parts(index, units, 50.0, [3])
    assert retrieval.lists() == whole(index, units, 50.0) and len(retrieval._parts) == 1
    index.threads = 1
    assert not Retrieval(index, 50.0)._split
    index.threads = 2
    monkeypatch.setattr(claim_index, "SPLIT_MAX_ENTRIES", len(index._entries) - 1)   # a large store
    retrieval = in_parts(index, units, 50.0, [3])
    assert not retrieval._split and retrieval.lists() == whole(index, units, 50.0)
    monkeypatch.setattr(claim_index, "SPLIT_MAX_ENTRIES", len(index._entries))
    assert Retrieval(index, 50.0)._split
    monkeypatch.setattr(claim_index, "SPLIT_MIN_ENTRIES", len(index._entries) + 1)   # a small store
    retrieval = in_parts(index, units, 50.0, [3])
    assert not retrieval._split and retrieval.lists() == whole(index, units, 50.0)
    monkeypatch.setattr(claim_index, "SPLIT_MIN_ENTRIES", len(index._entries))
    assert Retrieval(index, 50.0)._split
    monkeypatch.setattr(claim_index, "candidates_job", None)
    retrieval = in_parts(index, units, 50.0, [3])
    assert not retrieval._split and retrieval.lists() == whole(index, units, 50.0)


def eval_pages() -> list[tuple[str, str]]:
    pages = sorted((REPO / "fixtures/eval").glob("**/pages/*.txt"))
    assert len(pages) > 120
    return [(p.stem, p.read_text(encoding="utf-8")) for p in pages]


def matches(index: ClaimIndex, blocks: list[tuple[str, str]], threshold: float) -> list:
    index._cache.clear()
    index._block_cache.clear()
    return matcher.match_blocks(blocks, index, threshold=threshold, explain=True)


@pytest.mark.parametrize("part", [3, 64])
def test_every_labelled_page_matches_the_same_in_parts(monkeypatch, part: int) -> None:
    """Every labelled page, its paragraphs as blocks, matched with the fixtures' claims
    in one thread (one call) and in parts (the job thread, two threads): the same
    matches, spans, scores and score parts, through the cache and without it."""
    monkeypatch.setattr(claim_index, "PART_UNITS", part)
    index = build(monkeypatch, read_claims(), "records")
    found = 0
    for name, text in eval_pages():
        blocks = [(f"{name}-{k}", b) for k, b in enumerate(text.split("\n\n")) if b.strip()]
        for threshold in (62.0, 40.0):
            threaded(monkeypatch, index, 1)
            one = matches(index, blocks, threshold)
            threaded(monkeypatch, index, 2)
            assert matches(index, blocks, threshold) == one
            found += len(one)
    assert found > 300


def test_callers_in_several_threads_get_their_own_lists(monkeypatch) -> None:
    """Four threads, each with its own index (the server's lock allows one caller per
    index), their parts queued to the one job thread in turn: each gets its own lists."""
    monkeypatch.setattr(claim_index, "PART_UNITS", 2)
    rng = random.Random(4)
    indexes, pages = [], []
    for _ in range(4):
        store = random_store(rng, 300)
        indexes.append(build(monkeypatch, store, "records"))
        threaded(monkeypatch, indexes[-1], 2)
        pages.append(random_page(rng, store))
    expected = [whole(index, units, 50.0) for index, units in zip(indexes, pages)]
    got: dict[int, list] = {}

    def run(k: int) -> None:
        got[k] = [in_parts(indexes[k], pages[k], 50.0, [2]).lists() for _ in range(5)]

    workers = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert all(got[k] == [expected[k]] * 5 for k in range(4))


def test_a_job_dropped_unfinished_is_unqueued_or_waited_for(monkeypatch) -> None:
    """A job freed before its lists are asked for (an error in the caller's analysis):
    taken out of the queue if it still waits there, else freed once the job thread is
    done with its arrays, which stay alive until then."""
    rng = random.Random(6)
    store = random_store(rng, 300)
    index = build(monkeypatch, store, "records")
    units = random_page(rng, store)
    q = claim_index._query(units)
    expected = whole(index, units, 50.0)
    for _ in range(20):
        job = index._job(q, 50.0, -1, -1, 1, True)
        del job
    assert index._job(q, 50.0, -1, -1, 1, True).finish()[0] == expected
    # Dropped from the middle and the end of the queue: the jobs left in it still run.
    jobs = [index._job(q, 50.0, -1, -1, 1, True) for _ in range(6)]
    del jobs[5], jobs[3], jobs[1]
    assert [job.finish()[0] for job in jobs] == [expected] * 3


def test_two_threads_asking_for_one_jobs_lists_both_get_them(monkeypatch) -> None:
    """A job run by the thread that asked first: the second one, waiting for it, is woken
    when it is done (not only when the job thread finishes a job of its own)."""
    rng = random.Random(7)
    store = random_store(rng, 300)
    index = build(monkeypatch, store, "records")
    units = random_page(rng, store)
    expected = whole(index, units, 50.0)
    for _ in range(10):
        job = index._job(claim_index._query(units), 50.0, -1, -1, 1, False)   # not queued
        got: list = []
        callers = [threading.Thread(target=lambda: got.append(job.finish()[0]), daemon=True) for _ in range(2)]
        for c in callers:
            c.start()
        for c in callers:
            c.join(timeout=60)   # a hang detector (daemon threads: a hang fails, not blocks)
        assert not any(c.is_alive() for c in callers)
        assert got == [expected, expected]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_a_forked_child_runs_its_own_jobs(monkeypatch) -> None:
    """A process forked while jobs are queued: the child has no job thread, so it runs
    those jobs itself when asked, and starts a thread of its own for new ones."""
    monkeypatch.setattr(claim_index, "PART_UNITS", 2)
    rng = random.Random(8)
    store = random_store(rng, 300)
    index = build(monkeypatch, store, "records")
    threaded(monkeypatch, index, 2)
    units = random_page(rng, store)
    expected = whole(index, units, 50.0)
    queued = in_parts(index, units, 50.0, [2])
    pid = os.fork()
    if pid == 0:   # the child: no pytest from here on, only an exit status
        ok = queued.lists() == expected and in_parts(index, units, 50.0, [2]).lists() == expected
        os._exit(0 if ok else 1)
    assert queued.lists() == expected
    assert os.waitpid(pid, 0)[1] == 0


def job_arrays(index: ClaimIndex, units: list[Unit]) -> list:
    """A valid candidates() call's arguments, as ClaimIndex._job makes them."""
    q = claim_index._query(units)
    indptr, cols = index._key_rows(q)
    fw = index._fw
    return [indptr.astype(np.int32), cols.astype(np.int32), *index._records, len(index._kmin),
            index._entry_block, claim_index.PRE_CANDIDATES, -1, fw.indptr, fw.indices, fw.data, q.indptr,
            q.indices, index._total, index._n_terms, index._extra, claim_index._PRESENT_SLACK,
            claim_index.MIN_COVERAGE, claim_index.TOLERANCE, 50.0 - 1e-6, claim_index.COVERAGE_POWER,
            claim_index.SIMILARITY_POWER, claim_index.CANDIDATES_PER_UNIT, -1, 2, 0, 0, False]


@pytest.mark.parametrize("bad", [
    (0, np.zeros(3, np.int64)),        # int64 row pointers
    (1, np.array([10**6], np.int32)),  # a key row past rp (found when run)
    (12, 2),                           # a cut other than -1, 0 or 1
    (17, np.zeros(2, np.int32)),       # query rows of another page
    (25, 0.3),                         # an exponent numpy's ** does not take as is
    (28, -2),                          # an order by bound other than -1, 0 or 1
    (29, 9),                           # more threads than it takes
])
def test_bad_job_input_raises(monkeypatch, bad) -> None:
    rng = random.Random(9)
    store = random_store(rng, 200)
    index = build(monkeypatch, store, "records")
    units = random_page(rng, store)[:6]
    arrays = job_arrays(index, units)
    assert claim_index._retrieval.candidates(*arrays).finish()[0] == whole(index, units, 50.0)
    arrays[bad[0]] = bad[1]
    with pytest.raises((ValueError, TypeError)):
        claim_index._retrieval.candidates(*arrays).finish()
