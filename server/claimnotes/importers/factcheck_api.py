"""Google Fact Check Tools API responses (``claims:search``):
``{"claims": [{"text", "claimant", "claimDate", "claimReview": [...]}], "nextPageToken"}``.

Each ``claimReview[]`` entry is one row. A JSON array of several responses
(pages saved one after another) is read too. Rows are numbered 1, 2, ... across
the file and each error names its place (``claims[4].claimReview[0]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from claimnotes.importers import ImportRow, load_json
from claimnotes.importers.review import as_text, name_of, review_row


def _pages(doc: Any) -> list[Any] | None:
    pages = doc if isinstance(doc, list) else [doc]
    ok = bool(pages) and all(isinstance(p, dict) and isinstance(p.get("claims"), list) for p in pages)
    return pages if ok else None


def sniff(data: bytes) -> bool:
    return _pages(load_json(data)) is not None


def _review(number: int, claim: dict[str, Any], review: Any, where: str) -> ImportRow:
    if not isinstance(review, dict):
        return ImportRow(number, None, f"{where}: expected an object.")
    text = claim.get("text")
    if text is not None and not isinstance(text, str):
        return ImportRow(number, None, f"{where}: text must be a string, not {type(text).__name__}.")
    publisher = review.get("publisher") if isinstance(review.get("publisher"), dict) else {}
    site = as_text(publisher.get("site"))
    return review_row(
        number, claim_reviewed=text, url=review.get("url"), publisher=name_of(publisher) or site,
        publisher_url=f"https://{site}" if site and "/" not in site else "",
        rating_text=as_text(review.get("textualRating")), title=as_text(review.get("title")),
        date_published=as_text(review.get("reviewDate")), claim_author=as_text(claim.get("claimant")),
        claim_date=as_text(claim.get("claimDate")), lang=review.get("languageCode"), where=where)


def parse(data: bytes) -> Iterator[ImportRow]:
    number = 0
    pages = _pages(load_json(data)) or []
    for p, page in enumerate(pages):
        prefix = f"[{p}]." if len(pages) > 1 else ""
        for i, claim in enumerate(page["claims"]):
            reviews = claim.get("claimReview") if isinstance(claim, dict) else None
            if not isinstance(reviews, list) or not reviews:
                number += 1
                yield ImportRow(number, None, f"{prefix}claims[{i}]: no claimReview list.")
                continue
            for j, review in enumerate(reviews):
                number += 1
                yield _review(number, claim, review, f"{prefix}claims[{i}].claimReview[{j}]")
