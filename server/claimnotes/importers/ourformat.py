"""Our own format: JSONL, one claim per line, or a JSON array of claims.

Server-managed fields that `claimnotes export` writes (created_at, version, ...)
are accepted and ignored, so an export imports back as it is.
"""

from __future__ import annotations

from collections.abc import Iterator

import msgspec

from claimnotes.importers import ImportRow, json_lines
from claimnotes.schemas import ClaimIn

_MANAGED = frozenset({"created_at", "updated_at", "version", "author", "feedback"})


def sniff(data: bytes) -> bool:
    head = data.lstrip()[:1]
    if head == b"{":
        # A JSONL file's first line is a claim object with "text".
        first = data.lstrip().split(b"\n", 1)[0]
        try:
            obj = msgspec.json.decode(first)
        except msgspec.DecodeError:
            return False
        return isinstance(obj, dict) and "text" in obj and "@context" not in obj and "@type" not in obj
    if head == b"[":
        try:
            items = msgspec.json.decode(data)
        except msgspec.DecodeError:
            return True  # a broken array is still ours to report on
        return not items or (isinstance(items[0], dict) and "text" in items[0]
                             and "@type" not in items[0])
    return False


def _row(number: int, obj: object) -> ImportRow:
    if not isinstance(obj, dict):
        return ImportRow(number, None, "Expected a JSON object.")
    try:
        claim = msgspec.convert({k: v for k, v in obj.items() if k not in _MANAGED}, ClaimIn)
    except msgspec.ValidationError as exc:
        return ImportRow(number, None, str(exc))
    return ImportRow(number, claim)


def parse(data: bytes) -> Iterator[ImportRow]:
    if data.lstrip()[:1] == b"[":
        try:
            items = msgspec.json.decode(data)
        except msgspec.DecodeError as exc:
            yield ImportRow(1, None, f"Invalid JSON: {exc}")
            return
        for number, obj in enumerate(items, 1):
            yield _row(number, obj)
        return
    for number, obj, error in json_lines(data):
        yield ImportRow(number, None, error) if error else _row(number, obj)
