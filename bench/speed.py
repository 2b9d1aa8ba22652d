"""Matching speed and scale: a ~20 KB page against stores of 1k..1M claims.

    .venv/bin/python bench/speed.py --sizes 1000,10000          # quick
    .venv/bin/python bench/speed.py                              # 1k,10k,100k,1M

Stores come from ../shared/datasets/factchecked-claims-33k; above 33k claims,
generated variants (two words of a real claim swapped for words of other
claims, deterministic) fill the store. The page mixes article text with a few
claims pasted verbatim and paraphrased. Each timed run clears the sentence
cache first (a cold page); a warm run is reported separately. "build s" is the
index's own time: generating the store's variants is timed apart and left out.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _datasets import datasets_dir, read_jsonl  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from claimnotes.matcher import ClaimIndex, match_blocks  # noqa: E402
from claimnotes.sentences import split_sentences  # noqa: E402


T = TypeVar("T")
_DONE = object()


def load(root: Path) -> list[dict]:
    return read_jsonl(root / "factchecked-claims-33k" / "claims.jsonl")


def make_store(rows: list[dict], size: int, seed: int = 7) -> Iterator[tuple[str, list[str]]]:
    """``size`` claims: the real ones first, then generated variants (two words of a
    real claim replaced by words of other claims). A generator, so that the
    benchmark does not hold a second copy of the store."""
    rng = random.Random(seed)
    base = [(r["id"], r["claim"]) for r in rows]
    vocab = [w for _, t in base[:5000] for w in t.split() if w.isalpha() and len(w) > 3]
    for cid, text in base[:size]:
        yield cid, [text]
    for i in range(max(0, size - len(base))):
        cid, text = base[i % len(base)]
        words = text.split()
        for _ in range(2):
            words[rng.randrange(len(words))] = rng.choice(vocab)
        yield f"{cid}~{i}", [" ".join(words)]


def make_page(rows: list[dict], chars: int = 20_000, seed: int = 3) -> tuple[list[tuple[str, str]], list[str]]:
    """Paragraphs of fact-check context text, with 5 claims pasted in verbatim."""
    rng = random.Random(seed)
    ctx = [r["context"] for r in rows if r.get("context")]
    planted = [rows[rng.randrange(1000)] for _ in range(5)]  # in every store size
    paras: list[str] = []
    total = 0
    while total < chars:
        p = ctx[rng.randrange(len(ctx))].replace("\n", " ")[:900]
        paras.append(p)
        total += len(p)
    for k, r in enumerate(planted):
        pos = rng.randrange(len(paras))
        paras[pos] = f"{paras[pos]} As one post put it, {r['claim']}"
    return [(f"p{i}", p) for i, p in enumerate(paras)], [r["id"] for r in planted]


def timed_iter(items: Iterator[T], spent: list[float]) -> Iterator[T]:
    """``items``, adding the time spent producing them to ``spent[0]``."""
    while True:
        t0 = time.perf_counter()
        item = next(items, _DONE)
        spent[0] += time.perf_counter() - t0
        if item is _DONE:
            return
        yield item


def cold_page(index: ClaimIndex, blocks: list[tuple[str, str]]) -> None:
    """Match ``blocks`` as a page never seen: the sentence and block caches cleared first."""
    index._cache.clear()
    index._block_cache.clear()
    match_blocks(blocks, index)


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def brute_force_ms(sentences: list[str], texts: list[str], sample: int, size: int) -> tuple[float, bool]:
    """process.cdist of every sentence against every claim (extrapolated above ``sample``)."""
    use = texts[:sample]
    t0 = time.perf_counter()
    process.cdist(sentences, use, scorer=fuzz.ratio, workers=1)
    ms = (time.perf_counter() - t0) * 1000
    return ms * size / len(use), len(use) < size


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets")
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--brute-sample", type=int, default=10_000, help="claims timed for the brute-force scan")
    args = ap.parse_args(argv)
    rows = load(datasets_dir(args.datasets))
    blocks, planted = make_page(rows)
    rows = [{"id": r["id"], "claim": r["claim"]} for r in rows]  # drop article text: RSS counts
    gc.collect()
    page_chars = sum(len(t) for _, t in blocks)
    sentences = [t[a:b] for _, t in blocks for a, b in split_sentences(t)]
    print(f"page: {page_chars} chars, {len(blocks)} blocks, {len(sentences)} sentences")
    print("| claims | build s | p50 ms | p95 ms | warm p50 ms | upsert ms | found planted | brute force ms | ratio | peak RSS MB after build |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size in [int(s) for s in args.sizes.split(",")]:
        gc.collect()
        generating = [0.0]
        t0 = time.perf_counter()
        index = ClaimIndex.build(timed_iter(make_store(rows, size), generating))
        build = time.perf_counter() - t0 - generating[0]  # the index's own time
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # As the server does after its build (live_index): the index's millions of objects
        # leave the cyclic GC's generations, so a full collection does not walk them.
        gc.collect()
        gc.freeze()

        cold_page(index, blocks)
        times = timed(lambda: cold_page(index, blocks), args.repeat)
        warm = timed(lambda: match_blocks(blocks, index), args.repeat)
        found = {m.claim_id for m in match_blocks(blocks, index)}
        hit = sum(1 for p in planted if p in found)
        t0 = time.perf_counter()
        index.upsert("bench-new", ["Purple giraffes secretly run the national weather service."])
        up = (time.perf_counter() - t0) * 1000
        ok = any(m.claim_id == "bench-new" for m in match_blocks(
            [("x", "I read that purple giraffes secretly run the national weather service.")], index))
        assert ok, "upserted claim not matched on the next call"
        sample = [t[0] for _, t in islice(make_store(rows, size), args.brute_sample)]
        brute, extrapolated = brute_force_ms(sentences, sample, args.brute_sample, size)
        p50 = statistics.median(times)
        p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
        print(f"| {size:,} | {build:.2f} | {p50:.2f} | {p95:.2f} | {statistics.median(warm):.2f} | {up:.2f} "
              f"| {hit}/{len(planted)} | {brute:,.0f}{' (extrapolated)' if extrapolated else ''} "
              f"| {brute / p50:,.0f}x | {rss:,.0f} |", flush=True)
        index = None  # free the store before the next size (not `del`: the closures above read it)
        gc.unfreeze()
        gc.collect()


if __name__ == "__main__":
    main()
