"""Matching quality: CheckThat! retrieval (find_similar) and recall (match_blocks),
and precision/recall/span accuracy per (page, claim) pair and highlight precision (every
match counted) on the labelled pages in fixtures/eval/.

    .venv/bin/python bench/quality.py                  # everything
    .venv/bin/python bench/quality.py --tasks 2021a --splits dev
        # 2021b gets four rows: "with=none" (the text alone), "with=said_on" (find_similar also
        # given the debate's day, from the sentence id, and each claim's "stated on" day),
        # "with=said_by" (who said the sentence, where its event is one person's, and each
        # claim's speaker) and "with=both"
    .venv/bin/python bench/quality.py --pages-only --threshold 70
    .venv/bin/python bench/quality.py --pages dev -v   # one page split, its errors (FP, FN, span, FH: a
        # false highlight of a labelled claim, on a sentence that is not its label)
    .venv/bin/python bench/quality.py --pages-only --pages heldout7   # the clean test split (no -v)
    .venv/bin/python bench/quality.py --semantic --no-recall --semantic-cache /tmp/vectors.pkl
        # with the semantic stage too (needs the extra: make install-test, or pip install -e '.[semantic]')
    .venv/bin/python bench/quality.py --pages-only --semantic-pages 0.75,0.8,0.85
        # pages also with the semantic sentence stage (semantic_match_blocks) at these cosines
"""

from __future__ import annotations

import argparse
import functools
import pickle
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _datasets import PAGE_SPLITS, TASKS, datasets_dir, eval_pages  # noqa: E402

from claimnotes.matcher import DEFAULT_THRESHOLD, ClaimIndex, find_similar, match_blocks  # noqa: E402
from claimnotes.semantic import DIMS, Embedder, SemanticIndex, semantic_match_blocks  # noqa: E402


def average_precision(ranked: list[str], relevant: set[str], k: int = 5) -> float:
    hits, total = 0, 0.0
    for i, cid in enumerate(ranked[:k], 1):
        if cid in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant) if relevant else 0.0


def run_task(task, threshold: float, recall: bool, embedder=None, dated: bool = False,
             spoken: bool = False) -> dict[str, float]:
    """MAP@5 and P@1 through find_similar (and, with an embedder, through its semantic
    stage as sem_*, with the milliseconds it adds per query and to the build); ``dated``:
    find_similar is given the day each query was said and the day each claim was stated;
    ``spoken``: who said each query (where known) and each claim's author."""
    t0 = time.perf_counter()
    index = ClaimIndex.build(task.claims.items())
    build = time.perf_counter() - t0
    semantic = None
    if embedder is not None:
        t0 = time.perf_counter()
        semantic = SemanticIndex.build(task.claims.items(), embedder)
        sem_build = time.perf_counter() - t0
        semantic.embedder = getattr(embedder, "model", embedder)  # queries never come from a cache
    aps, p1, found, returned, correct = [], [], 0, 0, 0
    sem_aps, sem_p1, lexical_s, semantic_s = [], [], 0.0, 0.0
    for qid, text in task.queries.items():
        rel = task.gold[qid]
        said = {"said_on": task.query_days.get(qid), "stated": task.claim_days} if dated else {}
        if spoken:
            said.update(said_by=task.query_speakers.get(qid), authors=task.authors)
        t0 = time.perf_counter()
        ranked = [cid for cid, _ in find_similar(text, index, limit=5, **said)]
        lexical_s += time.perf_counter() - t0
        aps.append(average_precision(ranked, rel))
        p1.append(1.0 if ranked[:1] and ranked[0] in rel else 0.0)
        if semantic is not None:
            t0 = time.perf_counter()
            ranked = [cid for cid, _ in find_similar(text, index, limit=5, semantic=semantic, **said)]
            semantic_s += time.perf_counter() - t0
            sem_aps.append(average_precision(ranked, rel))
            sem_p1.append(1.0 if ranked[:1] and ranked[0] in rel else 0.0)
        if recall:
            ms = match_blocks([("q", text)], index, threshold=threshold)
            ids = {m.claim_id for m in ms}
            found += bool(ids & rel)
            returned += len(ids)
            correct += len(ids & rel)
    n = len(task.queries)
    out = {"queries": n, "claims": len(task.claims), "MAP@5": sum(aps) / n, "P@1": sum(p1) / n,
           "build_s": build}
    if semantic is not None:
        out.update({"sem_MAP@5": sum(sem_aps) / n, "sem_P@1": sum(sem_p1) / n,
                    "sem_added_ms_per_query": 1000 * (semantic_s - lexical_s) / n, "sem_build_s": sem_build})
    if recall:
        out["recall@thr"] = found / n
        out["gold_share_of_matches"] = correct / returned if returned else float("nan")
    return out


class CachedEmbedder:
    """Claim vectors from a pickle file (text -> vector), the model for the rest;
    new vectors are saved back. Only for building: re-runs skip minutes of embedding."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vectors = pickle.loads(path.read_bytes()) if path.exists() else {}
        self.model = Embedder()

    def embed(self, texts):
        new = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if new:
            self.vectors.update(zip(new, self.model.embed(new)))
            self.path.write_bytes(pickle.dumps(self.vectors))
        return np.asarray([self.vectors[t] for t in texts], dtype=np.float32).reshape(len(texts), DIMS)


# (said_on, said_by) of each CheckThat! row: the text alone, then with the day, the speaker, both.
ROWS = ((False, False), (True, False), (False, True), (True, True))

# Page figures are also shown at these thresholds, to see how the trade-off moves either way.
PAGE_THRESHOLDS = (55.0, 70.0)


def run_pages(split: str, thresholds: list[float], verbose: bool,
              embedder=None, cosines: list[float] = ()) -> list[dict[str, float]]:
    """One row of page-set figures per threshold for one split; verbose lists the errors at the first.
    With an embedder, one row per cosine instead (semantic_match_blocks at the first threshold)."""
    store, pages = eval_pages(split)
    if not pages:
        return []
    entries = [(c["id"], [c["text"], *c.get("variants", [])]) for c in store
               if c.get("status", "published") == "published"]
    index = ClaimIndex.build(entries)
    if embedder is None:
        return [score_pages(pages, index, t, verbose and i == 0) for i, t in enumerate(thresholds)]
    semantic = SemanticIndex.build(entries, embedder)
    return [{**score_pages(pages, index, thresholds[0], verbose and i == 0,
                           functools.partial(semantic_match_blocks, semantic=semantic, cosine=c)), "cosine": c}
            for i, c in enumerate(cosines)]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def labelled_quotes(page) -> dict[str, list[str]]:
    want: dict[str, list[str]] = {}
    for e in page.expected:
        want.setdefault(e["claim_id"], []).append(e["quote"])
    return want


def label_spans(page) -> dict[str, list[tuple[str, int, int]]]:
    """claim id -> (block id, start, end) of each labelled quote, in UTF-16 units like Match.
    A quote occurs once in the page, inside one paragraph (fixtures/eval/README.md)."""
    spans: dict[str, list[tuple[str, int, int]]] = {}
    for e in page.expected:
        for block_id, text in page.blocks:
            i = text.find(e["quote"])
            if i >= 0:
                start = utf16_len(text[:i])
                spans.setdefault(e["claim_id"], []).append((block_id, start, start + utf16_len(e["quote"])))
                break
    return spans


def correct_highlight(m, spans: dict[str, list[tuple[str, int, int]]]) -> bool:
    """A highlight is correct when its claim is labelled on the page and its span overlaps a
    labelled quote of that claim: the same quotes span accuracy compares with, located."""
    return any(b == m.block_id and m.start < end and start < m.end for b, start, end in spans.get(m.claim_id, ()))


def score_page(page, ms) -> dict[str, int]:
    """Counts for one page's matches: (page, claim) pairs (TP/FP/FN, exact spans of the true
    pairs) and highlights (every match is one; correct ones as above)."""
    got: dict[str, list[str]] = {}
    for m in ms:
        got.setdefault(m.claim_id, []).append(m.quote)
    want = labelled_quotes(page)
    tp = [cid for cid in got if cid in want]
    spans = label_spans(page)
    return {"TP": len(tp), "FP": len(got) - len(tp), "FN": sum(cid not in got for cid in want),
            "spans_ok": sum(any(q.strip() == w.strip() for q in got[cid] for w in want[cid]) for cid in tp),
            "highlights": len(ms), "highlights_ok": sum(correct_highlight(m, spans) for m in ms)}


def print_errors(page, ms) -> None:
    """The page's errors: false and missed pairs, inexact spans, and wrong highlights of true pairs."""
    want = labelled_quotes(page)
    spans = label_spans(page)
    got = {m.claim_id for m in ms}
    for cid in dict.fromkeys(m.claim_id for m in ms):
        quotes = [m.quote for m in ms if m.claim_id == cid]
        if cid not in want:
            print(f"  FP    {page.slug} {cid}: {quotes!r} {[m.score for m in ms if m.claim_id == cid]}")
        elif not any(q.strip() == w.strip() for q in quotes for w in want[cid]):
            print(f"  span  {page.slug} {cid}: got {quotes!r} want {want[cid]!r}")
    for m in ms:
        if m.claim_id in want and not correct_highlight(m, spans):
            print(f"  FH    {page.slug} {m.block_id} {m.claim_id}: {m.quote!r} {m.score}")
    for cid in want:
        if cid not in got:
            print(f"  FN    {page.slug} {cid}: {want[cid]!r}")


def score_pages(pages, index: ClaimIndex, threshold: float, verbose: bool, match=match_blocks) -> dict[str, float]:
    """Pair figures (a (page, claim) pair is found whatever the span) and highlight figures
    (each match is one highlight a reader sees; a false one counts even if the pair is true)."""
    n = dict.fromkeys(("TP", "FP", "FN", "spans_ok", "highlights", "highlights_ok"), 0)
    for page in pages:
        ms = match(page.blocks, index, threshold=threshold)
        for k, v in score_page(page, ms).items():
            n[k] += v
        if verbose:
            print_errors(page, ms)
    tp, fp, fn = n["TP"], n["FP"], n["FN"]
    return {"threshold": threshold, "pages": len(pages), "pairs": tp + fn, "TP": tp, "FP": fp, "FN": fn,
            "precision": tp / (tp + fp) if tp + fp else float("nan"),
            "recall": tp / (tp + fn) if tp + fn else float("nan"),
            "span_accuracy": n["spans_ok"] / tp if tp else float("nan"),
            "highlights": n["highlights"], "false_highlights": n["highlights"] - n["highlights_ok"],
            "highlight_precision": n["highlights_ok"] / n["highlights"] if n["highlights"] else float("nan"),
            "highlights_per_page": n["highlights"] / len(pages) if pages else float("nan")}


def print_pages(split: str, thresholds: list[float], verbose: bool, embedder=None, cosines: list[float] = ()) -> None:
    print(f"pages {split}" + (f" + semantic sentences, threshold {thresholds[0]}" if embedder else ""), flush=True)
    rows = run_pages(split, thresholds, verbose, embedder, cosines)
    if not rows:
        print("  no labelled pages yet")
        return
    key = "cosine" if embedder else "threshold"
    print(f"  {rows[0]['pages']} pages, {rows[0]['pairs']} (page, claim) pairs")
    print(f"  {key:>9}  precision  recall  span_accuracy   TP  FP  FN"
          "  highlight_precision  highlights  false  per_page")
    for r in rows:
        print(f"  {r[key]:9.{2 if embedder else 1}f}  {r['precision']:9.3f}  {r['recall']:6.3f}  {r['span_accuracy']:13.3f}"
              f"  {r['TP']:3}  {r['FP']:2}  {r['FN']:2}  {r['highlight_precision']:19.3f}  {r['highlights']:10}"
              f"  {r['false_highlights']:5}  {r['highlights_per_page']:8.2f}", flush=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", help="folder of the shared datasets")
    ap.add_argument("--tasks", default="2020,2021a,2021b")
    ap.add_argument("--splits", default="train,dev")
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--no-recall", action="store_true", help="skip match_blocks recall (faster)")
    ap.add_argument("--semantic", action="store_true",
                    help="also score find_similar with the semantic stage (needs the semantic extra)")
    ap.add_argument("--semantic-cache", type=Path, metavar="FILE",
                    help="keep claim vectors in FILE between runs (the build time is then not the model's)")
    ap.add_argument("--semantic-pages", metavar="C,C,...",
                    help="also score the pages with the semantic sentence stage at these cosines")
    ap.add_argument("--pages-only", action="store_true")
    ap.add_argument("--no-pages", action="store_true",
                    help="CheckThat! only: score no labelled page (a tuning run must not score the clean split by accident)")
    ap.add_argument("--pages", choices=[*PAGE_SPLITS, "all"],
                    help="only this labelled page split (all: every split as one set); "
                         "default: every split, one table each")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="list page-set errors (held-out errors only when --pages names that split)")
    args = ap.parse_args(argv)
    print(f"threshold {args.threshold}")
    if not (args.pages_only or args.pages):
        root = datasets_dir(args.datasets)
        embedder = None
        if args.semantic:
            embedder = CachedEmbedder(args.semantic_cache) if args.semantic_cache else Embedder()
        for name in args.tasks.split(","):
            for split in args.splits.split(","):
                task = TASKS[name](root, split)
                # More rows with the days and speakers where the task has them (2B); recall@thr is
                # match_blocks', which takes neither, so it is in the first row only.
                for dated, spoken in ROWS if task.query_days else ROWS[:1]:
                    r = run_task(task, args.threshold, not (args.no_recall or dated or spoken), embedder,
                                 dated, spoken)
                    given = {(False, False): "none", (True, False): "said_on", (False, True): "said_by",
                             (True, True): "both"}[dated, spoken]
                    print(f"{name:6} {split:5} with={given:7} " + "  ".join(
                        f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items()), flush=True)
    thresholds = list(dict.fromkeys([args.threshold, *PAGE_THRESHOLDS]))
    if args.semantic_pages:
        embedder = CachedEmbedder(args.semantic_cache) if args.semantic_cache else Embedder()
    for split in [] if args.no_pages else [args.pages] if args.pages else PAGE_SPLITS:
        # Nobody tunes on the held-out split, so its errors are shown only when asked for by name.
        verbose = args.verbose and (args.pages is not None or split == "dev")
        print_pages(split, thresholds, verbose)
        if args.semantic_pages:
            print_pages(split, thresholds, verbose, embedder, [float(c) for c in args.semantic_pages.split(",")])


if __name__ == "__main__":
    main()
