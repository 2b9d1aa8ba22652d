"""Reader endpoints: health, match, similar claims, feedback. Open unless the
server requires reader tokens. Nothing here stores or logs page text or URLs."""

from __future__ import annotations

from litestar.di import NamedDependency

from litestar import get, post
from litestar.params import FromQuery, JSONBody

from claimnotes.live_index import LiveIndex
from claimnotes.routes.common import error_responses
from claimnotes.schemas import (FeedbackRequest, FeedbackResponse, HealthResponse, MatchOut,
                                MatchRequest, MatchResponse, SimilarRequest, SimilarResponse,
                                SimilarResult, TokenInfo)
from claimnotes.store import ClaimStore


@get("/v1/health", tags=["readers"], sync_to_thread=True, responses=error_responses())
def health(store: NamedDependency[ClaimStore]) -> HealthResponse:
    """Liveness, the number of published claims, and the store version."""
    with store.snapshot():
        return HealthResponse(status="ok", claims=store.count_published(),
                              store_version=store.store_version())


@post("/v1/match", status_code=200, tags=["readers"], sync_to_thread=True,
      responses=error_responses(400, 401, 413))
def match_page(data: JSONBody[MatchRequest], store: NamedDependency[ClaimStore], live: NamedDependency[LiveIndex], reader: NamedDependency[TokenInfo | None],
               explain: FromQuery[bool] = False) -> MatchResponse:
    """Find known claims in the page's text blocks; spans are UTF-16 offsets."""
    found, version = live.match(store, [(b.id, b.text) for b in data.blocks], explain=explain)
    # data.url is accepted for compatibility and deliberately never used or kept.
    return MatchResponse(store_version=version, matches=[
        MatchOut(block_id=m.block_id, start=m.start, end=m.end, quote=m.quote,
                 score=round(m.score, 2), claim=card, parts=m.parts if explain else None)
        for m, card in found])


@post("/v1/claims/similar", status_code=200, tags=["readers", "curators"], sync_to_thread=True,
      responses=error_responses(400, 401, 413))
def similar_claims(data: JSONBody[SimilarRequest], store: NamedDependency[ClaimStore], live: NamedDependency[LiveIndex],
                   reader: NamedDependency[TokenInfo | None]) -> SimilarResponse:
    """The published claims closest to a text, best first, with no threshold; with
    `said_on`, only claims made by then (a week's grace), recent ones favoured; with
    `said_by`, claims made by that person favoured."""
    return SimilarResponse(results=[
        SimilarResult(claim=card, score=round(score, 2))
        for card, score in live.similar(store, data.text, data.limit, data.said_on, data.said_by)])


@post("/v1/feedback", status_code=202, tags=["readers"], sync_to_thread=True,
      responses=error_responses(400, 401, 404, 413))
def send_feedback(data: JSONBody[FeedbackRequest], store: NamedDependency[ClaimStore],
                  reader: NamedDependency[TokenInfo | None]) -> FeedbackResponse:
    """Count a reader's "helpful" or "wrong match"; the quote and page are not kept."""
    counts = store.add_feedback(data.claim_id, data.verdict)
    return FeedbackResponse(claim_id=data.claim_id, helpful=counts.helpful,
                            wrong_match=counts.wrong_match)
