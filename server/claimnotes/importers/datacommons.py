"""The DataCommons ClaimReview feed: a schema.org DataFeed whose
``dataFeedElement[].item[]`` are ClaimReview objects.

Items are numbered 1, 2, ... across the whole feed, in file order, and each
error also names its place (``dataFeedElement[3].item[0]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from claimnotes.importers import ImportRow, load_json
from claimnotes.importers.claimreview import from_item


def sniff(data: bytes) -> bool:
    doc = load_json(data)
    return isinstance(doc, dict) and "dataFeedElement" in doc


def parse(data: bytes) -> Iterator[ImportRow]:
    elements: Any = load_json(data)["dataFeedElement"]
    if not isinstance(elements, list):
        yield ImportRow(1, None, "dataFeedElement must be a list.")
        return
    number = 0
    for i, element in enumerate(elements):
        items = element.get("item") if isinstance(element, dict) else None
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list):
            number += 1
            yield ImportRow(number, None, f"dataFeedElement[{i}]: expected an object with an item list.")
            continue
        for j, item in enumerate(items):
            number += 1
            where = f"dataFeedElement[{i}].item[{j}]"
            if not isinstance(item, dict):
                yield ImportRow(number, None, f"{where}: expected a ClaimReview object.")
            else:
                yield from_item(number, item, where)
