"""Importers: detect a file's format, parse it into rows, apply the rows to the store.

Each format module has ``sniff(data) -> bool`` and ``parse(data) -> Iterator[ImportRow]``.
FORMATS is tried in order; the first that recognises the data parses it. A row
that fails carries its line (or item) number and the reason, and never stops
the rest. docs/claimreview.md lists the formats and how each is told apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any, NamedTuple

import msgspec

from claimnotes.errors import UnsupportedFormatError
from claimnotes.schemas import ClaimIn


class ImportRow(NamedTuple):
    line: int
    """1-based line (JSONL, CSV) or item number (JSON arrays, feeds) in the source."""
    claim: ClaimIn | None
    error: str | None = None
    key: str | None = None
    """The review URL of a ClaimReview row: the claim it updates is found by it."""
    external: bool = False
    """A fact-checker's review, not one of our claims: a re-import updates only the
    fields the review owns and keeps curators' edits (importers/apply.py)."""


def formats() -> list[ModuleType]:
    from claimnotes.importers import (claimreview, csvformat, datacommons, factcheck_api,
                                      factchecked, ourformat)

    # Most specific first: each later sniffer assumes the earlier ones said no.
    return [ourformat, factchecked, factcheck_api, datacommons, claimreview, csvformat]


_NOT_JSON = object()
_last: tuple[bytes | None, Any] = (None, _NOT_JSON)
"""The last document decoded, as one tuple so that threads read it whole."""


def json_lines(data: bytes) -> Iterator[tuple[int, Any, str | None]]:
    """Each non-blank line of a JSONL file: (line number, decoded value, error or None)."""
    for number, line in enumerate(data.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            yield number, msgspec.json.decode(line), None
        except msgspec.DecodeError as exc:
            yield number, None, f"Invalid JSON: {exc}"


def load_json(data: bytes) -> Any:
    """`data` decoded as one JSON document, or None if it isn't one.

    Several sniffers, then the parser, look at the same document: it is kept
    until the import's rows have been read, so that a 50 MB file is decoded
    once, not once per format.
    """
    global _last
    cached_data, doc = _last
    if cached_data is not data:
        doc = _NOT_JSON
        if data.lstrip()[:1] in (b"{", b"["):
            try:
                doc = msgspec.json.decode(data)
            except msgspec.DecodeError:
                pass
        _last = (data, doc)
    return None if doc is _NOT_JSON else doc


def _forget() -> None:
    global _last
    _last = (None, _NOT_JSON)


def _parsed(fmt: ModuleType, data: bytes) -> Iterator[ImportRow]:
    try:
        yield from fmt.parse(data)
    finally:
        _forget()


def _broken_json(data: bytes) -> Iterator[ImportRow] | None:
    """Rows for data that starts like JSON but is no document: JSONL whose first
    line is broken is still read line by line; anything else is one "Invalid
    JSON" error that says where it breaks, rather than "unsupported format"."""
    stripped = data.lstrip()
    if stripped[:1] not in (b"{", b"[") or load_json(data) is not None:
        return None
    for line in stripped.split(b"\n", 5)[1:5]:
        try:
            if isinstance(msgspec.json.decode(line), dict):
                from claimnotes.importers import ourformat

                return ourformat.parse(data)
        except msgspec.DecodeError:
            continue
    try:
        msgspec.json.decode(stripped)
    except msgspec.DecodeError as exc:
        return iter([ImportRow(1, None, f"Invalid JSON: {exc}")])
    return None


def read_rows(data: bytes) -> Iterator[ImportRow]:
    """Rows of an import file in any supported format."""
    for fmt in formats():
        if fmt.sniff(data):
            return _parsed(fmt, data)
    broken = _broken_json(data)
    _forget()
    if broken is not None:
        return broken
    raise UnsupportedFormatError(
        "Send our JSONL or JSON array, ClaimReview JSON-LD (or an HTML page holding it), a Google "
        "Fact Check Tools API response, a DataCommons ClaimReview feed, or CSV with a header.")
