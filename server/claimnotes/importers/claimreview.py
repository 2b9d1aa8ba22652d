"""schema.org ClaimReview as JSON-LD: one object, an array, an @graph, one
object per line (JSONL), or the ``<script type="application/ld+json">`` blocks
of a saved HTML page.

Items that `claimnotes export --format claimreview` wrote (``sdPublisher`` is
Claimnotes) carry every field of our claims and are read back exactly
(from_export); everything else is a fact-checker's review (from_item).
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import msgspec

from claimnotes.importers import ImportRow, json_lines, load_json
from claimnotes.importers.ratings import map_rating
from claimnotes.importers.review import as_text, name_of, review_row, url_of
from claimnotes.schemas import RATINGS, ClaimIn

SD_PUBLISHER = "Claimnotes"
"""sdPublisher.name of our own exports: the marker that makes an import exact."""
CLAIM_URL_PATH = "/v1/claims/"
"""Our own claims (no review of their own) are exported with their API URL as `url`."""
_MAX_DEPTH = 8


def is_type(node: dict[str, Any], name: str) -> bool:
    """@type is `name`, also as "schema:Name", a full schema.org IRI, or in a list."""
    types = node.get("@type")
    for t in types if isinstance(types, list) else [types]:
        if isinstance(t, str) and (t == name or t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == name):
            return True
    return False


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def from_item(number: int, item: dict[str, Any], where: str = "") -> ImportRow:
    """A fact-checker's ClaimReview object -> row (see docs/claimreview.md for the mapping)."""
    if _is_ours(item):
        return from_export(number, item, where)
    claim_reviewed = item.get("claimReviewed")
    if claim_reviewed is not None and not isinstance(claim_reviewed, str):
        return ImportRow(number, None, f"{where + ': ' if where else ''}claimReviewed must be text, "
                         f"not {type(claim_reviewed).__name__}.")
    rating = _first(item.get("reviewRating"))
    if isinstance(rating, dict):
        rating_text = as_text(rating.get("alternateName")) or as_text(rating.get("name"))
        explanation = as_text(rating.get("ratingExplanation"))
    else:
        rating_text, explanation = as_text(rating), ""
    author = item.get("author") or item.get("publisher")
    claim = _first(item.get("itemReviewed"))
    claim = claim if isinstance(claim, dict) else {}
    return review_row(
        # Without `url`, a node's @id (often the page URL plus an #anchor) still names the review.
        number, claim_reviewed=claim_reviewed, url=item.get("url") or item.get("@id"),
        publisher=name_of(author), publisher_url=url_of(author),
        rating_text=rating_text, note=as_text(item.get("reviewBody")) or explanation,
        title=as_text(item.get("headline")) or as_text(item.get("name")),
        date_published=as_text(item.get("datePublished")),
        claim_author=name_of(claim.get("author")), claim_date=as_text(claim.get("datePublished")),
        appearances=[claim.get("firstAppearance"), claim.get("appearance")],
        lang=item.get("inLanguage") or claim.get("inLanguage"), where=where)


def _is_ours(item: dict[str, Any]) -> bool:
    return name_of(item.get("sdPublisher")) == SD_PUBLISHER and isinstance(item.get("identifier"), str)


def _obj(value: Any) -> dict[str, Any]:
    value = _first(value)
    return value if isinstance(value, dict) else {}


def from_export(number: int, item: dict[str, Any], where: str = "") -> ImportRow:
    """One of our own exported claims, read back field for field (exporters.claim_to_claimreview).

    Values are taken as they are, not cleaned up as for a fact-checker's review,
    so that a round trip is exact and a value of the wrong type is an error.
    """
    claim_id = item["identifier"]
    rating, subject, author = _obj(item.get("reviewRating")), _obj(item.get("itemReviewed")), _obj(item.get("author"))
    url = item.get("url")
    review = None
    if isinstance(url, str) and not url.endswith(CLAIM_URL_PATH + claim_id):
        appearances = item_list(subject.get("appearance"))
        review = {"url": url, "publisher": author.get("name", ""), "publisher_url": author.get("url", ""),
                  "date_published": item.get("datePublished", ""),
                  "claim_author": _obj(subject.get("author")).get("name", ""),
                  "claim_date": subject.get("datePublished", ""),
                  "appearances": [a.get("url") if isinstance(a, dict) else a for a in appearances]}
    code = rating.get("identifier")
    row = {
        "id": claim_id, "text": item.get("claimReviewed"),
        "variants": item_list(subject.get("alternateName")),
        "rating": code if code in RATINGS else map_rating(as_text(rating.get("alternateName"))),
        "rating_text": rating.get("name"), "note": item.get("reviewBody"),
        "sources": [{"url": c.get("url"), "title": c.get("name", "")} if isinstance(c, dict) else c
                    for c in item_list(item.get("citation"))],
        "tags": item_list(item.get("keywords")),
        "lang": item.get("inLanguage", "en"),
        "status": item.get("creativeWorkStatus", "published"),
        "review": review,
    }
    try:
        claim = msgspec.convert(row, ClaimIn)
    except msgspec.ValidationError as exc:
        return ImportRow(number, None, f"{where + ': ' if where else ''}{exc}")
    return ImportRow(number, claim, key=url if review else None)


def item_list(value: Any) -> list[Any]:
    """A JSON-LD property that may hold one value or a list of them, as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _reviews(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """ClaimReview objects anywhere in a JSON-LD document (@graph, nested in an Article...)."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, list):
        for value in node:
            yield from _reviews(value, depth + 1)
    elif isinstance(node, dict):
        if is_type(node, "ClaimReview"):
            yield node
            return
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _reviews(value, depth + 1)


def _rows(doc: Any, number: int = 0, where: str = "") -> Iterator[ImportRow]:
    """Rows of one JSON-LD document; a top-level array is numbered by element."""
    if isinstance(doc, list):
        for i, element in enumerate(doc, 1):
            here = f"{where}item {i}"
            if not isinstance(element, dict):
                yield ImportRow(number + i, None, f"{here}: expected a JSON object, "
                                f"not {type(element).__name__}.")
                continue
            for review in _reviews(element):
                yield from_item(number + i, review, here)
        return
    for i, review in enumerate(_reviews(doc), 1):
        yield from_item(number + i, review, f"{where}item {i}")


class _ScriptBlocks(HTMLParser):
    """Collects the text of <script type="application/ld+json"> blocks with their line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[tuple[int, str]] = []
        self._current: list[str] | None = None
        self._line = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
        if tag == "script" and kind == "application/ld+json":
            self._current, self._line = [], self.getpos()[0]

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.blocks.append((self._line, "".join(self._current)))
            self._current = None


def _is_html(data: bytes) -> bool:
    return data.lstrip()[:1] == b"<" and b"application/ld+json" in data.lower()


def _is_jsonl(data: bytes) -> bool:
    """One ClaimReview object per line (no single JSON document)."""
    start = data.lstrip()
    if start[:1] != b"{" or load_json(data) is not None:
        return False
    try:
        first = msgspec.json.decode(start.split(b"\n", 1)[0])
    except msgspec.DecodeError:
        return False
    return isinstance(first, dict) and is_type(first, "ClaimReview")


def sniff(data: bytes) -> bool:
    if _is_html(data) or _is_jsonl(data):
        return True
    return next(_reviews(load_json(data)), None) is not None


def _parse_lines(data: bytes) -> Iterator[ImportRow]:
    for number, doc, error in json_lines(data):
        if error:
            yield ImportRow(number, None, error)
            continue
        for row in _rows(doc, where=f"line {number}, "):
            yield row._replace(line=number)


def parse(data: bytes) -> Iterator[ImportRow]:
    if _is_jsonl(data):
        yield from _parse_lines(data)
        return
    if not _is_html(data):
        yield from _rows(load_json(data))
        return
    parser = _ScriptBlocks()
    parser.feed(data.decode("utf-8", errors="replace"))
    parser.close()
    found = 0
    for line, text in parser.blocks:
        where = f"script block at line {line}, "
        try:
            doc = msgspec.json.decode(text.strip().encode())
        except msgspec.DecodeError as exc:
            found += 1
            yield ImportRow(line, None, f"script block at line {line}: invalid JSON: {exc}")
            continue
        for row in _rows(doc, where=where):
            found += 1
            yield row._replace(line=line)
    if not found:
        yield ImportRow(1, None, "The page holds no ClaimReview in its application/ld+json blocks.")
