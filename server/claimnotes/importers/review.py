"""One fact-checker's review -> one ImportRow. Shared by every ClaimReview-shaped format.

The field mapping is documented in docs/claimreview.md: claimReviewed is the
text; the review URL and its publisher become the first source and the import
key; the textual rating is kept word for word in rating_text and mapped onto our
rating through importers/ratings.py.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

import msgspec

from claimnotes.importers import ImportRow
from claimnotes.importers.ratings import map_rating
from claimnotes.schemas import ClaimIn
from claimnotes.store import url_host

NEEDS_NOTE = "needs-note"
"""Tag on claims whose note was built from the verdict: a curator should write a real one.
List them with GET /v1/claims?tag=needs-note."""

MAX_NOTE = 1_000
MAX_SHORT = 300
MAX_APPEARANCES = 20
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def clip(text: str, limit: int) -> str:
    """`text` with whitespace collapsed, cut at a word to at most `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


_TAG = re.compile(r"<[^>]{0,2000}>")


def plain_text(text: str) -> str:
    """Publisher text without HTML: some feeds put markup in reviewBody, and notes are plain text."""
    return html.unescape(_TAG.sub(" ", text)) if "<" in text or "&" in text else text


def as_text(value: Any) -> str:
    """A string property, whether given as a string, a list of strings, or a number."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str | int | float)), "")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value).strip()


def name_of(value: Any) -> str:
    """The name of an Organization/Person given as an object, a list of them, or a plain string."""
    if isinstance(value, list):
        return next((n for n in (name_of(v) for v in value) if n), "")
    if isinstance(value, dict):
        return as_text(value.get("name")) or as_text(value.get("alternateName"))
    return as_text(value)


def url_of(value: Any) -> str:
    """A URL given as a string, a {"url": ...} object, or a list of either."""
    if isinstance(value, list):
        return next((u for u in (url_of(v) for v in value) if u), "")
    if isinstance(value, dict):
        return url_of(value.get("url") or value.get("@id"))
    text = as_text(value)
    return text if _URL.match(text) else ""


def urls_of(values: Iterable[Any]) -> list[str]:
    seen: list[str] = []
    for value in values:
        for url in (url_of(v) for v in (value if isinstance(value, list) else [value])):
            if url and url not in seen and len(url) <= 2_048:
                seen.append(url)
    return seen[:MAX_APPEARANCES]


def language(value: Any) -> str:
    """A BCP 47 tag from inLanguage / languageCode; "en" when absent, "und" when unreadable."""
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    text = as_text(value).replace("_", "-")
    if not text:
        return "en"
    first, _, rest = text.partition("-")
    tag = first.lower() + ("-" + rest if rest else "")
    return tag if _LANG.match(tag) and len(tag) <= 35 else "und"


def build_note(publisher: str, rating_text: str, title: str) -> str:
    """A neutral note from the verdict and the reviewer, for reviews that come without one."""
    who = publisher or "A fact-checker"
    note = f'{who} rated this claim "{rating_text}".' if rating_text else \
        f"{who} published a fact-check of this claim."
    if title:
        note += f' Their review: "{clip(title, MAX_SHORT)}".'
    return note + " Follow the source link for the evidence."


def review_row(number: int, *, claim_reviewed: Any, url: Any, publisher: str = "",
               publisher_url: str = "", rating_text: str = "", note: str = "", title: str = "",
               date_published: str = "", claim_author: str = "", claim_date: str = "",
               appearances: Iterable[Any] = (), lang: Any = None, where: str = "") -> ImportRow:
    """An ImportRow for one review, or one that says which required field is missing."""
    prefix = f"{where}: " if where else ""
    text = " ".join(as_text(claim_reviewed).split())
    review_url = url_of(url)
    if not text:
        return ImportRow(number, None, prefix + "claimReviewed (the claim's text) is missing.")
    if not review_url:
        return ImportRow(number, None, prefix + "url (the review's http(s) address) is missing.")
    if len(text) > 1_000:
        return ImportRow(number, None, prefix + f"claimReviewed is {len(text)} characters; at most 1000.")
    rating_text = clip(rating_text, MAX_SHORT)
    # Readers see the publisher in the source title: a review without one is credited to its site.
    publisher = publisher or url_host(review_url)
    generated = not note.strip()
    source_title = publisher + (f": {title}" if publisher and title else title)
    row = {
        "text": text,
        "rating": map_rating(rating_text),
        "rating_text": rating_text or None,
        "note": clip(build_note(publisher, rating_text, title) if generated else plain_text(note), MAX_NOTE),
        "sources": [{"url": review_url, "title": clip(source_title, MAX_SHORT)}],
        "tags": [NEEDS_NOTE] if generated else [],
        "lang": language(lang),
        "review": {
            "url": review_url, "publisher": clip(publisher, MAX_SHORT),
            "publisher_url": url_of(publisher_url), "date_published": clip(date_published, 40),
            "claim_author": clip(claim_author, MAX_SHORT), "claim_date": clip(claim_date, 40),
            "appearances": urls_of(appearances),
        },
    }
    try:
        claim = msgspec.convert(row, ClaimIn)
    except msgspec.ValidationError as exc:
        return ImportRow(number, None, prefix + str(exc))
    return ImportRow(number, claim, key=review_url, external=True)
