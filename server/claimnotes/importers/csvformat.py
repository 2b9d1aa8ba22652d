"""CSV (or TSV) with a header row, as spreadsheets save it.

Column names are matched case-insensitively and may be ours or ClaimReview's
(docs/claimreview.md has the table). A row with a review URL is a fact-checker's
review, keyed by that URL like any ClaimReview; a row without one is one of our
claims and needs a note and a source_url. Lists (variants, tags, appearances)
are separated by "|". Rows are numbered by their line in the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import msgspec

from claimnotes.importers import ImportRow
from claimnotes.importers.ratings import map_rating
from claimnotes.importers.review import review_row
from claimnotes.schemas import RATINGS, ClaimIn

ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "claim", "claimreviewed", "claim_reviewed"),
    "url": ("url", "review_url", "reviewurl"),
    "publisher": ("publisher", "author", "reviewer"),
    "rating": ("rating", "textualrating", "textual_rating", "verdict"),
    "rating_text": ("rating_text",),
    "note": ("note", "reviewbody", "review_body"),
    "title": ("title", "headline"),
    "date_published": ("date_published", "datepublished", "review_date", "date"),
    "claim_author": ("claim_author", "claimant", "speaker"),
    "claim_date": ("claim_date", "claimdate"),
    "appearances": ("appearances", "appearance"),
    "lang": ("lang", "language", "inlanguage", "languagecode"),
    "id": ("id",), "variants": ("variants",), "tags": ("tags",), "status": ("status",),
    "source_url": ("source_url",), "source_title": ("source_title",),
}
_BY_ALIAS = {alias: field for field, aliases in ALIASES.items() for alias in aliases}
_DELIMITERS = (",", "\t", ";")


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig", errors="replace")


def _header(text: str) -> tuple[str, list[str]]:
    first = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first.count)
    return delimiter, next(csv.reader([first], delimiter=delimiter), [])


def sniff(data: bytes) -> bool:
    if data.lstrip()[:1] in (b"{", b"[", b"<", b""):
        return False
    _, header = _header(_text(data[:65_536]))
    fields = {_BY_ALIAS.get(h.strip().lower()) for h in header}
    return "text" in fields and len(header) >= 2


def _list(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def _our_claim(number: int, row: dict[str, str]) -> ImportRow:
    rating = row.get("rating", "")
    obj: dict[str, object] = {
        "text": row.get("text", ""), "variants": _list(row.get("variants", "")),
        "rating": rating if rating in RATINGS else map_rating(rating),
        "rating_text": row.get("rating_text") or (rating if rating and rating not in RATINGS else None),
        "note": row.get("note", ""),
        "sources": [{"url": row["source_url"], "title": row.get("source_title", "")}]
        if row.get("source_url") else [],
        "tags": _list(row.get("tags", "")), "lang": row.get("lang") or "en",
        "status": row.get("status") or "published",
    }
    if row.get("id"):
        obj["id"] = row["id"]
    try:
        return ImportRow(number, msgspec.convert(obj, ClaimIn))
    except msgspec.ValidationError as exc:
        return ImportRow(number, None, str(exc))


def parse(data: bytes) -> Iterator[ImportRow]:
    text = _text(data)
    delimiter, _ = _header(text)
    reader = csv.reader(io.StringIO(text.lstrip("\r\n"), newline=""), delimiter=delimiter)
    header = [_BY_ALIAS.get(h.strip().lower(), "") for h in next(reader)]
    offset = len(text) - len(text.lstrip("\r\n"))  # blank lines before the header
    offset = text[:offset].count("\n")
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield ImportRow(reader.line_num + offset, None, f"Invalid CSV: {exc}")
            continue
        number = reader.line_num + offset
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            yield ImportRow(number, None, f"{len(cells)} cells but the header has {len(header)} columns.")
            continue
        row = {f: c.strip() for f, c in zip(header, cells, strict=False) if f}
        if not row.get("url"):
            yield _our_claim(number, row)
            continue
        yield review_row(
            number, claim_reviewed=row.get("text"), url=row["url"], publisher=row.get("publisher", ""),
            rating_text=row.get("rating_text") or row.get("rating", ""), note=row.get("note", ""),
            title=row.get("title", ""), date_published=row.get("date_published", ""),
            claim_author=row.get("claim_author", ""), claim_date=row.get("claim_date", ""),
            appearances=_list(row.get("appearances", "")), lang=row.get("lang") or None)
