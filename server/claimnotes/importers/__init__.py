"""Importers: detect a file's format, parse it into rows, apply the rows to the store.

Each format module has ``sniff(data) -> bool`` and ``parse(data) -> Iterator[ImportRow]``.
FORMATS is tried in order; the first that recognises the data parses it. A row
that fails carries its line (or item) number and the reason, and never stops
the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import NamedTuple

from claimnotes.errors import UnsupportedFormatError
from claimnotes.schemas import ClaimIn


class ImportRow(NamedTuple):
    line: int
    """1-based line (JSONL, CSV) or item number (JSON arrays, feeds) in the source."""
    claim: ClaimIn | None
    error: str | None = None


def formats() -> list[ModuleType]:
    from claimnotes.importers import ourformat

    return [ourformat]


def read_rows(data: bytes) -> Iterator[ImportRow]:
    """Rows of an import file in any supported format."""
    for fmt in formats():
        if fmt.sniff(data):
            return fmt.parse(data)
    raise UnsupportedFormatError(
        "Send JSONL (one claim per line) or a JSON array of claims in our format.")
