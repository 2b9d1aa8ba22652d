"""Wire types: every JSON body the API reads or writes is one of these Structs.

Limits live in the types, so Litestar answers a violation with a 400 that names
the field. The numbers are documented in README.md ("Limits").
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from claimnotes.speakers import MAX_NAME


class Wire(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base for JSON types: immutable, strict; field names stay snake_case on the wire."""


Rating = Literal["false", "misleading", "missing_context", "unproven", "true", "satire", "other"]
RATINGS: tuple[str, ...] = Rating.__args__  # type: ignore[attr-defined]
Status = Literal["draft", "published", "retracted"]
Role = Literal["reader", "curator", "admin"]
Verdict = Literal["helpful", "wrong_match"]

MAX_BODY_BYTES = 2_000_000
"""Largest JSON body of any endpoint but import (a 20 KB page is ~25 KB of JSON)."""
MAX_IMPORT_BYTES = 64_000_000
"""Largest body of POST /v1/import; bigger files go through `claimnotes import`."""
MAX_BLOCKS = 2_000
"""Most text blocks in one /v1/match request (a long article has a few hundred)."""
MAX_BLOCK_CHARS = 20_000
"""Longest block of page text; the extension splits longer ones."""

ClaimId = Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$",
                              description="Stable, opaque claim id.")]
ClaimText = Annotated[str, Meta(min_length=3, max_length=1_000)]
NoteText = Annotated[str, Meta(min_length=1, max_length=1_000,
                               description="Plain text shown to readers; never HTML.")]
ShortText = Annotated[str, Meta(max_length=300)]
# No whitespace or control characters. Spelled out rather than `\s`, which means
# different things in Python (msgspec) and in JSON Schema (clients, fuzzers).
_URL_CHAR = r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
HttpUrl = Annotated[str, Meta(min_length=8, max_length=2_048, pattern=rf"^[Hh][Tt][Tt][Pp][Ss]?://{_URL_CHAR}+$",
                              description="An absolute http or https URL.")]
Tag = Annotated[str, Meta(min_length=1, max_length=64)]
Lang = Annotated[str, Meta(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$", max_length=35)]
Timestamp = Annotated[str, Meta(description="UTC time, ISO 8601.")]


class Source(Wire, kw_only=True):
    url: HttpUrl
    title: ShortText = ""


Sources = Annotated[list[Source], Meta(min_length=1, max_length=10)]
Variants = Annotated[list[ClaimText], Meta(max_length=50)]
Tags = Annotated[list[Tag], Meta(max_length=30)]


class ReviewInfo(Wire, kw_only=True, omit_defaults=True):
    """The fact-check a claim was imported from (schema.org ClaimReview); see docs/claimreview.md.

    `url` is the import key: importing a review with the same URL again updates this claim.
    """

    url: HttpUrl
    publisher: ShortText = ""
    """Name of the organisation that published the review (ClaimReview.author)."""
    publisher_url: Annotated[str, Meta(max_length=2_048)] = ""
    date_published: Annotated[str, Meta(max_length=40)] = ""
    """When the review was published, as the publisher wrote it (ISO 8601 when they do)."""
    claim_author: ShortText = ""
    """Who made the claim (itemReviewed.author.name)."""
    claim_date: Annotated[str, Meta(max_length=40)] = ""
    appearances: Annotated[list[HttpUrl], Meta(max_length=20)] = []
    """Where the claim was seen (itemReviewed.appearance / firstAppearance)."""


class ClaimIn(Wire, kw_only=True):
    """A new claim, as a curator writes it (POST /v1/claims, import)."""

    id: ClaimId | None = None
    text: ClaimText
    variants: Variants = []
    rating: Rating
    rating_text: ShortText | None = None
    note: NoteText
    sources: Sources
    tags: Tags = []
    lang: Lang = "en"
    status: Status = "published"
    review: ReviewInfo | None = None


class ClaimPatch(Wire, kw_only=True):
    """A partial edit; `version` (or the If-Match header) names the version being edited."""

    version: Annotated[int, Meta(ge=1)] | UnsetType = UNSET
    text: ClaimText | UnsetType = UNSET
    variants: Variants | UnsetType = UNSET
    rating: Rating | UnsetType = UNSET
    rating_text: ShortText | None | UnsetType = UNSET
    note: NoteText | UnsetType = UNSET
    sources: Sources | UnsetType = UNSET
    tags: Tags | UnsetType = UNSET
    lang: Lang | UnsetType = UNSET
    status: Status | UnsetType = UNSET
    review: ReviewInfo | None | UnsetType = UNSET


class Feedback(Wire, kw_only=True):
    helpful: int = 0
    wrong_match: int = 0


class Claim(Wire, kw_only=True):
    """A stored claim, as curators see it."""

    id: str
    text: str
    variants: list[str]
    rating: Rating
    rating_text: str | None
    note: str
    sources: list[Source]
    tags: list[str]
    lang: str
    status: Status
    created_at: Timestamp
    updated_at: Timestamp
    version: int
    author: str
    feedback: Feedback = Feedback()
    review: ReviewInfo | None = None


class ClaimCard(Wire, kw_only=True):
    """What a reader sees of a claim."""

    id: str
    text: str
    rating: Rating
    rating_text: str | None
    note: str
    sources: list[Source]
    updated_at: Timestamp


class ClaimPage(Wire, kw_only=True):
    items: list[Claim]
    next_cursor: str | None


class HistoryEntry(Wire, kw_only=True):
    seq: int
    claim_id: str
    version: int
    action: Literal["create", "update", "retract"]
    actor: str
    at: Timestamp
    before: Claim | None
    after: Claim | None


class HistoryPage(Wire, kw_only=True):
    items: list[HistoryEntry]


class Block(Wire, kw_only=True):
    id: Annotated[str, Meta(min_length=1, max_length=200)]
    text: Annotated[str, Meta(max_length=MAX_BLOCK_CHARS)]


class MatchRequest(Wire, kw_only=True):
    url: Annotated[str, Meta(max_length=8_192)] | None = None
    blocks: Annotated[list[Block], Meta(max_length=MAX_BLOCKS)]


class MatchOut(Wire, kw_only=True, omit_defaults=True):
    block_id: str
    start: Annotated[int, Meta(description="Offset into the block text, in UTF-16 code units.")]
    end: int
    quote: str
    score: float
    claim: ClaimCard
    parts: dict[str, float] | None = None


class MatchResponse(Wire, kw_only=True):
    matches: list[MatchOut]
    store_version: int


class PreviewRequest(Wire, kw_only=True):
    """A claim to try on some text before it is published: a stored claim's id, or new wording."""

    claim_id: ClaimId | None = None
    text: ClaimText | None = None
    variants: Variants | UnsetType = UNSET
    blocks: Annotated[list[Block], Meta(min_length=1, max_length=MAX_BLOCKS)]


class PreviewMatch(Wire, kw_only=True):
    block_id: str
    start: int
    end: int
    quote: str
    score: float
    parts: dict[str, float]


class SimilarRequest(Wire, kw_only=True):
    text: Annotated[str, Meta(min_length=1, max_length=5_000)]
    limit: Annotated[int, Meta(ge=1, le=50)] = 10
    said_on: date | None = None
    """The day the text was said or written (YYYY-MM-DD): claims made more than a week later
    (review.claim_date) are left out and recent ones favoured; claims without a date are kept."""
    said_by: Annotated[str, Meta(min_length=1, max_length=MAX_NAME)] | None = None
    """Who said the text, a person's name ("Donald Trump", "Trump"): claims whose
    review.claim_author names the same person are favoured; a surname alone names everyone
    with that surname."""


class SimilarResult(Wire, kw_only=True):
    claim: ClaimCard
    score: float


class SimilarResponse(Wire, kw_only=True):
    results: list[SimilarResult]


class PreviewResponse(Wire, kw_only=True):
    matches: list[PreviewMatch]
    similar: list[SimilarResult]


class HealthResponse(Wire, kw_only=True):
    status: Literal["ok"]
    claims: int
    store_version: int


class ImportProblem(Wire, kw_only=True):
    line: int
    detail: str


class NearDuplicate(Wire, kw_only=True):
    line: int
    claim_id: str
    existing_id: str
    score: float


class ImportReport(Wire, kw_only=True):
    created: int = 0
    updated: int = 0
    skipped: int = 0
    merged: int = 0
    """Rows added to a near-duplicate claim as a variant and a source (merge=true)."""
    errors: list[ImportProblem] = []
    duplicates: list[NearDuplicate] = []
    dry_run: bool = False


class FeedbackRequest(Wire, kw_only=True):
    claim_id: ClaimId
    verdict: Verdict
    quote: Annotated[str, Meta(max_length=2_000)] = ""


class FeedbackResponse(Wire, kw_only=True):
    claim_id: str
    helpful: int
    wrong_match: int


class TokenInfo(Wire, kw_only=True):
    id: str
    name: str
    role: Role
    created_at: Timestamp
    revoked_at: Timestamp | None
