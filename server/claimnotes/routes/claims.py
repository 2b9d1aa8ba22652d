"""Curator endpoints for claims: create, list, read, edit, retract, history."""

from __future__ import annotations

import re
from typing import Annotated

from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from msgspec import UNSET
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter

from claimnotes.errors import InvalidClaimError
from claimnotes.live_index import LiveIndex
from claimnotes.routes.common import error_responses
from claimnotes.routes.deps import provide_curator
from claimnotes.schemas import (Claim, ClaimIn, ClaimPage, ClaimPatch, HistoryPage, PreviewMatch, PreviewRequest,
                                PreviewResponse, Rating, SimilarResult, Status, TokenInfo)
from claimnotes.store import ClaimStore

IfMatch = Annotated[str | None, HeaderParameter(name="If-Match", required=False, max_length=40,
                                          pattern=r'^(W/)?"?[0-9]{1,18}"?$',
                                          description="The version being edited, e.g. \"3\".")]
_VERSION_TAG = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


def _etag(claim: Claim) -> dict[str, str]:
    return {"ETag": f'"{claim.version}"'}


def _expected_version(if_match: str | None, body_version: int | None) -> int | None:
    if if_match is None:
        return body_version
    found = _VERSION_TAG.match(if_match)
    if not found:
        raise InvalidClaimError('If-Match must hold a claim version, such as "3".')
    version = int(found.group(1))
    if body_version is not None and body_version != version:
        raise InvalidClaimError("If-Match and the version field disagree.")
    return version


class ClaimController(Controller):
    path = "/v1/claims"
    tags = ["curators"]
    security = [{"BearerToken": []}]
    dependencies = {"curator": Provide(provide_curator, sync_to_thread=False)}

    @post("/", status_code=201, sync_to_thread=True, responses=error_responses(400, 401, 403, 409, 413))
    def create_claim(self, data: JSONBody[ClaimIn], store: NamedDependency[ClaimStore], live: NamedDependency[LiveIndex],
                     curator: NamedDependency[TokenInfo]) -> Response[Claim]:
        """Add a claim; published claims match from the next request on."""
        claim = store.create(data, curator.name)
        live.follow(store)
        return Response(claim, status_code=201, headers=_etag(claim))

    @get("/", sync_to_thread=True, responses=error_responses(400, 401, 403))
    def list_claims(
        self, store: NamedDependency[ClaimStore], curator: NamedDependency[TokenInfo],
        q: Annotated[str | None, QueryParameter(max_length=500, required=False)] = None,
        status: FromQuery[Status | None] = None,
        rating: FromQuery[Rating | None] = None,
        tag: Annotated[str | None, QueryParameter(max_length=64, required=False)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        cursor: Annotated[str | None, QueryParameter(max_length=400, required=False)] = None,
    ) -> ClaimPage:
        """A page of claims in id order; pass next_cursor back for the next page."""
        items, next_cursor = store.list(q=q, status=status, rating=rating, tag=tag,
                                        limit=limit, cursor=cursor)
        return ClaimPage(items=items, next_cursor=next_cursor)

    @post("/preview", status_code=200, sync_to_thread=True, responses=error_responses(400, 401, 403, 404, 413))
    def preview_claim(self, data: JSONBody[PreviewRequest], store: NamedDependency[ClaimStore],
                      live: NamedDependency[LiveIndex], curator: NamedDependency[TokenInfo]) -> PreviewResponse:
        """What a claim would match in some text before it is published, with score parts,
        and the existing claims most like it."""
        if data.claim_id is not None:
            stored = store.get(data.claim_id)
            variants = stored.variants if data.variants is UNSET else data.variants
            texts = [data.text or stored.text, *variants]
        elif data.text is not None:
            texts = [data.text, *(data.variants or [])]
        else:
            raise InvalidClaimError("Send a claim_id or a text to preview.")
        found = live.preview(store, texts, [(b.id, b.text) for b in data.blocks], replacing=data.claim_id)
        similar = [SimilarResult(claim=card, score=round(score, 2))
                   for card, score in live.similar(store, texts[0], 5) if card.id != data.claim_id]
        return PreviewResponse(
            matches=[PreviewMatch(block_id=m.block_id, start=m.start, end=m.end, quote=m.quote,
                                  score=round(m.score, 2), parts=m.parts or {}) for m in found],
            similar=similar)

    @get("/{claim_id:str}", sync_to_thread=True, responses=error_responses(401, 403, 404))
    def get_claim(self, claim_id: FromPath[str], store: NamedDependency[ClaimStore],
                  curator: NamedDependency[TokenInfo]) -> Response[Claim]:
        """One claim, with its reader feedback counts; ETag is its version."""
        claim = store.get(claim_id)
        return Response(claim, headers=_etag(claim))

    @patch("/{claim_id:str}", sync_to_thread=True,
           responses=error_responses(400, 401, 403, 404, 409, 413, 428))
    def update_claim(self, claim_id: FromPath[str], data: JSONBody[ClaimPatch], store: NamedDependency[ClaimStore],
                     live: NamedDependency[LiveIndex], curator: NamedDependency[TokenInfo], if_match: IfMatch = None) -> Response[Claim]:
        """Edit a claim at the version you read (If-Match or `version`); 409 if it moved on."""
        expected = _expected_version(if_match, None if data.version is UNSET else data.version)
        claim = store.update(claim_id, data, curator.name, expected)
        live.follow(store)
        return Response(claim, headers=_etag(claim))

    @delete("/{claim_id:str}", status_code=200, sync_to_thread=True,
            responses=error_responses(400, 401, 403, 404, 409))
    def retract_claim(self, claim_id: FromPath[str], store: NamedDependency[ClaimStore], live: NamedDependency[LiveIndex],
                      curator: NamedDependency[TokenInfo], if_match: IfMatch = None) -> Claim:
        """Retract a claim: it stops matching at once and stays in the history."""
        claim = store.retract(claim_id, curator.name, _expected_version(if_match, None))
        live.follow(store)
        return claim

    @get("/{claim_id:str}/history", sync_to_thread=True, responses=error_responses(401, 403, 404))
    def claim_history(self, claim_id: FromPath[str], store: NamedDependency[ClaimStore],
                      curator: NamedDependency[TokenInfo]) -> HistoryPage:
        """Every version of the claim, oldest first, with who changed it and when."""
        return HistoryPage(items=store.history(claim_id))
