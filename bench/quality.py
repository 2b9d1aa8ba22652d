"""Matching quality: CheckThat! retrieval (find_similar) and recall (match_blocks),
and precision/recall/span accuracy on the labelled pages in fixtures/eval/.

    .venv/bin/python bench/quality.py                  # everything
    .venv/bin/python bench/quality.py --tasks 2021a --splits dev
    .venv/bin/python bench/quality.py --pages-only --threshold 70
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _datasets import TASKS, datasets_dir, eval_pages  # noqa: E402

from claimnotes.matcher import DEFAULT_THRESHOLD, ClaimIndex, find_similar, match_blocks  # noqa: E402


def average_precision(ranked: list[str], relevant: set[str], k: int = 5) -> float:
    hits, total = 0, 0.0
    for i, cid in enumerate(ranked[:k], 1):
        if cid in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant) if relevant else 0.0


def run_task(task, threshold: float, recall: bool) -> dict[str, float]:
    t0 = time.perf_counter()
    index = ClaimIndex.build(task.claims.items())
    build = time.perf_counter() - t0
    aps, p1, found, returned, correct = [], [], 0, 0, 0
    for qid, text in task.queries.items():
        rel = task.gold[qid]
        ranked = [cid for cid, _ in find_similar(text, index, limit=5)]
        aps.append(average_precision(ranked, rel))
        p1.append(1.0 if ranked[:1] and ranked[0] in rel else 0.0)
        if recall:
            ms = match_blocks([("q", text)], index, threshold=threshold)
            ids = {m.claim_id for m in ms}
            found += bool(ids & rel)
            returned += len(ids)
            correct += len(ids & rel)
    n = len(task.queries)
    out = {"queries": n, "claims": len(task.claims), "MAP@5": sum(aps) / n, "P@1": sum(p1) / n,
           "build_s": build}
    if recall:
        out["recall@thr"] = found / n
        out["gold_share_of_matches"] = correct / returned if returned else float("nan")
    return out


def run_pages(threshold: float, verbose: bool) -> dict[str, float] | None:
    store, pages = eval_pages()
    if not pages:
        return None
    index = ClaimIndex.build((c["id"], [c["text"], *c.get("variants", [])]) for c in store
                             if c.get("status", "published") == "published")
    tp = fp = fn = 0
    spans_ok = spans = 0
    for page in pages:
        ms = match_blocks(page.blocks, index, threshold=threshold)
        got: dict[str, list[str]] = {}
        for m in ms:
            got.setdefault(m.claim_id, []).append(m.quote)
        want: dict[str, list[str]] = {}
        for e in page.expected:
            want.setdefault(e["claim_id"], []).append(e["quote"])
        for cid, quotes in got.items():
            if cid in want:
                tp += 1
                spans += 1
                ok = any(q.strip() == w.strip() for q in quotes for w in want[cid])
                spans_ok += ok
                if verbose and not ok:
                    print(f"  span  {page.slug} {cid}: got {quotes!r} want {want[cid]!r}")
            else:
                fp += 1
                if verbose:
                    print(f"  FP    {page.slug} {cid}: {quotes!r} {[m.score for m in ms if m.claim_id == cid]}")
        for cid in want:
            if cid not in got:
                fn += 1
                if verbose:
                    print(f"  FN    {page.slug} {cid}: {want[cid]!r}")
    return {"pages": len(pages), "pairs": tp + fn, "precision": tp / (tp + fp) if tp + fp else float("nan"),
            "recall": tp / (tp + fn) if tp + fn else float("nan"),
            "span_accuracy": spans_ok / spans if spans else float("nan")}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", help="folder of the shared datasets")
    ap.add_argument("--tasks", default="2020,2021a,2021b")
    ap.add_argument("--splits", default="train,dev")
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--no-recall", action="store_true", help="skip match_blocks recall (faster)")
    ap.add_argument("--pages-only", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="list page-set errors")
    args = ap.parse_args(argv)
    print(f"threshold {args.threshold}")
    if not args.pages_only:
        root = datasets_dir(args.datasets)
        for name in args.tasks.split(","):
            for split in args.splits.split(","):
                r = run_task(TASKS[name](root, split), args.threshold, not args.no_recall)
                print(f"{name:6} {split:5} " + "  ".join(
                    f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items()), flush=True)
    r = run_pages(args.threshold, args.verbose)
    if r is None:
        print("pages: fixtures/eval/ has no labelled pages yet")
    else:
        print("pages  " + "  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items()))


if __name__ == "__main__":
    main()
