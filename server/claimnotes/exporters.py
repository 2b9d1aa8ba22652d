"""Exporters: the store as our own JSONL (round-trips through import) or as
schema.org ClaimReview JSON-LD (docs/claimreview.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import msgspec

from claimnotes.importers.claimreview import CLAIM_URL_PATH, SD_PUBLISHER
from claimnotes.importers.ratings import LABELS
from claimnotes.schemas import Claim
from claimnotes.store import url_host

_encoder = msgspec.json.Encoder()

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
"""Where our own claims say they live when no server URL is known (the CLI's default)."""


def export_jsonl(claims: Iterable[Claim], base_url: str = DEFAULT_BASE_URL) -> Iterator[bytes]:
    """One JSON object per line, every field included."""
    for claim in claims:
        yield _encoder.encode(claim) + b"\n"


def _org(name: str, url: str = "") -> dict[str, str]:
    return {"@type": "Organization", "name": name, **({"url": url} if url else {})}


def claim_to_claimreview(claim: Claim, base_url: str = DEFAULT_BASE_URL) -> dict[str, Any]:
    """One claim as a ClaimReview object with Google's required and recommended fields.

    Google's fields: url, claimReviewed, reviewRating.alternateName, author,
    datePublished, itemReviewed (a Claim). The others (identifier, citation,
    keywords, creativeWorkStatus, reviewRating.identifier/name, sdPublisher)
    carry the rest of the claim, so that our own import reads it back exactly
    (importers/claimreview.from_export).
    """
    review = claim.review
    base = base_url.rstrip("/")
    subject: dict[str, Any] = {"@type": "Claim"}
    if claim.variants:
        subject["alternateName"] = list(claim.variants)
    if review and review.claim_author:
        subject["author"] = {"@type": "Person", "name": review.claim_author}
    if review and review.claim_date:
        subject["datePublished"] = review.claim_date
    if review and review.appearances:
        subject["appearance"] = [{"@type": "CreativeWork", "url": u} for u in review.appearances]
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": claim.rating_text or LABELS[claim.rating],
                              "identifier": claim.rating}
    if claim.rating_text is not None:
        rating["name"] = claim.rating_text  # present only when set: None must come back as None
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "identifier": claim.id,
        # Claim ids use only URL-safe characters (":" is allowed in a path), so no quoting.
        "url": review.url if review else f"{base}{CLAIM_URL_PATH}{claim.id}",
        "claimReviewed": claim.text,
        "reviewRating": rating,
        "reviewBody": claim.note,
        # Google wants an author name: a review stored without one is credited to its site.
        "author": _org(review.publisher or url_host(review.url), review.publisher_url) if review
        else _org(SD_PUBLISHER, base),
        # A review that came without a date gets the day it was added here.
        "datePublished": (review.date_published if review and review.date_published else claim.created_at[:10]),
        "dateModified": claim.updated_at,
        "inLanguage": claim.lang,
        "itemReviewed": subject,
        "citation": [{"@type": "CreativeWork", "url": s.url, "name": s.title} for s in claim.sources],
        "keywords": list(claim.tags),
        "creativeWorkStatus": claim.status,
        "sdPublisher": _org(SD_PUBLISHER),
    }


def export_claimreview(claims: Iterable[Claim], base_url: str = DEFAULT_BASE_URL) -> Iterator[bytes]:
    """A JSON array of ClaimReview objects (valid JSON-LD), streamed one claim at a time."""
    yield b"["
    for i, claim in enumerate(claims):
        yield (b",\n" if i else b"\n") + _encoder.encode(claim_to_claimreview(claim, base_url))
    yield b"\n]\n"


Exporter = Callable[[Iterable[Claim], str], Iterator[bytes]]
EXPORTERS: dict[str, tuple[Exporter, str]] = {
    "jsonl": (export_jsonl, "application/x-ndjson"),
    "claimreview": (export_claimreview, "application/ld+json"),
}
