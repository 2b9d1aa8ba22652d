"""Cold-page time of one checkout at one store size: to compare two trees in the same minutes.

    .venv/bin/python bench/cold_pages.py --size 1000000 --pages 200
    .venv/bin/python bench/cold_pages.py --tree ../other-checkout --size 100000   # that tree's matcher

The page and the store are this checkout's bench/speed.py (`make_page`, `make_store`), so
every tree is timed on the same input; only the matcher (`--tree`'s server/) changes. The
GC is frozen after the build, as the server does; five warm-up pages, then `--pages` cold
pages (both caches cleared before each). Prints wall and CPU time, median and minimum. CPU
time counts both of the index's threads, so it shows the work done when the wall clock is
noisy (the machine's other jobs). Run two trees in turn, several times: one run of each
says little on a shared 2-core machine.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1],
                help="the checkout whose server/ is timed (default: this one)")
ap.add_argument("--size", type=int, default=100_000)
ap.add_argument("--pages", type=int, default=200)
ap.add_argument("--datasets", default=None)
args = ap.parse_args()
# The timed tree's package is imported first, so speed.py (which puts this checkout's
# server/ first on the path) finds it already loaded and times that tree's code.
sys.path.insert(0, str(args.tree.resolve() / "server"))
from claimnotes.matcher import ClaimIndex  # noqa: E402

import speed  # noqa: E402
from _datasets import datasets_dir  # noqa: E402

rows = speed.load(datasets_dir(args.datasets))
blocks, _ = speed.make_page(rows)
index = ClaimIndex.build(speed.make_store([{"id": r["id"], "claim": r["claim"]} for r in rows], args.size))
gc.collect()
gc.freeze()
for _ in range(5):
    speed.cold_page(index, blocks)
wall, cpu = [], []
for _ in range(args.pages):
    t0, c0 = time.perf_counter(), time.process_time()
    speed.cold_page(index, blocks)
    cpu.append(1000 * (time.process_time() - c0))
    wall.append(1000 * (time.perf_counter() - t0))
print(f"{args.tree.resolve()} {args.size:,} claims, {args.pages} cold pages: "
      f"wall p50 {statistics.median(wall):.2f} ms, min {min(wall):.2f}; "
      f"cpu p50 {statistics.median(cpu):.2f} ms, min {min(cpu):.2f}")
