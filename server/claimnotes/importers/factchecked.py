"""The scale-test dataset shared/datasets/factchecked-claims-33k (see its SOURCE.md):
JSONL with ``id, claim, rating, url, source, title, speaker, date, context``.

It is told apart from our JSONL by its first line: a ``claim`` field and a
``source`` name, and no ``text``. PolitiFact rows carry a review URL and a
rating slug, and import like any ClaimReview (keyed by that URL). Snopes rows
carry neither: they become *drafts* rated ``other`` under the dataset's own id,
with the Snopes home page and headline as the source and a note saying the
verdict is missing, so that readers never see them until a curator has checked them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import msgspec

from claimnotes.importers import ImportRow, json_lines
from claimnotes.importers.review import NEEDS_NOTE, as_text, clip, review_row
from claimnotes.schemas import ClaimIn

POLITIFACT_LABELS = {
    "true": "True", "mostly-true": "Mostly True", "half-true": "Half True",
    "barely-true": "Mostly False", "false": "False", "pants-fire": "Pants on Fire!",
    "full-flop": "Full Flop", "half-flip": "Half Flip", "no-flip": "No Flip",
}
"""PolitiFact's URL slugs -> the ratings as PolitiFact prints them ("barely-true" is
the slug of "Mostly False")."""

PUBLISHER_HOMES = {"Snopes": "https://www.snopes.com/", "PolitiFact": "https://www.politifact.com/"}
_STATED = re.compile(r"^stated on (.+?)(?: in .*)?:?$", re.IGNORECASE)
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$")


def _first_line(data: bytes) -> bytes:
    start = data.lstrip()
    return start[: start.find(b"\n")] if b"\n" in start else start


def sniff(data: bytes) -> bool:
    if data.lstrip()[:1] != b"{":
        return False
    try:
        obj = msgspec.json.decode(_first_line(data))
    except msgspec.DecodeError:
        return False
    return isinstance(obj, dict) and "claim" in obj and "source" in obj and "text" not in obj


def _claim_id(raw: str) -> str:
    """The dataset's id, shortened with a hash where it is longer than our 80 characters."""
    if _ID.match(raw):
        return raw
    safe = re.sub(r"[^A-Za-z0-9_.:-]", "-", raw).lstrip("-_.:") or "x"
    return f"{safe[:71]}-{hashlib.sha256(raw.encode()).hexdigest()[:8]}"


def _unreviewed(number: int, obj: dict[str, Any]) -> ImportRow:
    """A row without a review URL or verdict: a draft for curators, never shown to readers."""
    source = as_text(obj.get("source")) or "A fact-checker"
    title = as_text(obj.get("title"))
    date = as_text(obj.get("date"))
    note = (f"{source} published a fact-check of this claim"
            + (f' headlined "{clip(title, 200)}"' if title else "") + (f" ({date})" if date else "")
            + ". The verdict is not in the imported data: check it before publishing.")
    home = PUBLISHER_HOMES.get(source)
    row = {"id": _claim_id(as_text(obj.get("id"))) if obj.get("id") else None,
           "text": " ".join(as_text(obj.get("claim")).split()), "rating": "other", "note": note,
           "sources": [{"url": home, "title": clip(f"{source}: {title}" if title else source, 300)}]
           if home else [], "tags": [NEEDS_NOTE], "status": "draft"}
    try:
        return ImportRow(number, msgspec.convert(row, ClaimIn), external=True)
    except msgspec.ValidationError as exc:
        return ImportRow(number, None, str(exc))


def _row(number: int, obj: Any) -> ImportRow:
    if not isinstance(obj, dict):
        return ImportRow(number, None, "Expected a JSON object.")
    if not isinstance(obj.get("claim"), str):
        return ImportRow(number, None, "claim (the claim's text) is missing or not a string.")
    if not obj.get("url"):
        return _unreviewed(number, obj)
    slug = as_text(obj.get("rating"))
    stated = _STATED.match(as_text(obj.get("date")))
    return review_row(
        number, claim_reviewed=obj["claim"], url=obj.get("url"), publisher=as_text(obj.get("source")),
        publisher_url=PUBLISHER_HOMES.get(as_text(obj.get("source")), ""),
        rating_text=POLITIFACT_LABELS.get(slug, slug), title=as_text(obj.get("title")),
        claim_author=as_text(obj.get("speaker")), claim_date=stated.group(1) if stated else "")


def parse(data: bytes) -> Iterator[ImportRow]:
    for number, obj, error in json_lines(data):
        yield ImportRow(number, None, error) if error else _row(number, obj)
