"""The labelled page sets in fixtures/eval/ are well formed (fixtures/eval/README.md).

bench/quality.py scores the matcher on them: dev pages (fixtures/eval/pages, tuned on)
and eight held-out splits (fixtures/eval/heldout/pages, heldout2/pages ... heldout8/pages,
never tuned on). The harness finds each
labelled quote with str.find inside its paragraph, so a quote that occurs twice, spans
two paragraphs or names an unknown claim would silently skew precision and recall.
These tests check the labels' form, not the matcher.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import msgspec
import pytest

EVAL = Path(__file__).resolve().parent.parent / "fixtures" / "eval"
SPLITS = {"dev": EVAL / "pages", "heldout": EVAL / "heldout" / "pages", "heldout2": EVAL / "heldout2" / "pages",
          "heldout3": EVAL / "heldout3" / "pages", "heldout4": EVAL / "heldout4" / "pages",
          "heldout5": EVAL / "heldout5" / "pages", "heldout6": EVAL / "heldout6" / "pages",
          "heldout7": EVAL / "heldout7" / "pages", "heldout8": EVAL / "heldout8" / "pages"}
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")  # as bench/quality.py splits a page into blocks


class Label(msgspec.Struct, forbid_unknown_fields=True):
    claim_id: str
    quote: str


class Labels(msgspec.Struct, forbid_unknown_fields=True):
    matches: list[Label]


def published_ids() -> set[str]:
    claims = [json.loads(line) for path in (EVAL.parent / "claims.jsonl", EVAL / "claims.jsonl")
              for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {c["id"] for c in claims if c["status"] == "published"}


PAGES = [pytest.param(path, id=f"{split}/{path.stem}")
         for split, folder in SPLITS.items() for path in sorted(folder.glob("*.txt"))]


@pytest.mark.parametrize("split", SPLITS)
def test_split_has_labelled_pages(split: str) -> None:
    folder = SPLITS[split]
    texts = {p.name.removesuffix(".txt") for p in folder.glob("*.txt")}
    labels = {p.name.removesuffix(".expected.json") for p in folder.glob("*.expected.json")}
    assert texts, f"no pages in {folder}"
    assert texts == labels, f"pages without labels or labels without pages: {sorted(texts ^ labels)}"


def test_slugs_are_unique_across_splits() -> None:
    slugs = [page.values[0].stem for page in PAGES]
    assert len(slugs) == len(set(slugs)), "a slug names a page in both splits"


@pytest.mark.parametrize("path", PAGES)
def test_labels_locate_one_sentence_of_a_published_claim(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n") and not text.endswith("\n\n"), "a page ends in exactly one newline"
    labels = msgspec.json.decode(path.with_suffix(".expected.json").read_bytes(), type=Labels)
    paragraphs = PARAGRAPH_BREAK.split(text)
    ids = published_ids()
    seen = set()
    for label in labels.matches:
        assert label.claim_id in ids, f"{label.claim_id} is not a published claim of the eval store"
        assert label.quote.strip(), "empty quote"
        assert text.count(label.quote) == 1, f"quote must occur exactly once: {label.quote!r}"
        holders = [i for i, p in enumerate(paragraphs) if label.quote in p]
        assert len(holders) == 1, f"quote must lie inside one paragraph: {label.quote!r}"
        assert (label.claim_id, holders[0]) not in seen, f"two labels for {label.claim_id} in one paragraph"
        seen.add((label.claim_id, holders[0]))
