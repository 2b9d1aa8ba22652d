"""Curator endpoints that move many claims at once: import and export."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from litestar.response import Stream
from anyio.to_thread import run_sync

from claimnotes.exporters import EXPORTERS
from claimnotes.importers import read_rows
from claimnotes.importers.apply import apply_rows
from claimnotes.live_index import LiveIndex
from claimnotes.routes.common import error_responses
from claimnotes.routes.deps import provide_curator
from claimnotes.schemas import MAX_IMPORT_BYTES, ImportReport, TokenInfo
from claimnotes.store import ClaimStore

_curator = {"curator": Provide(provide_curator, sync_to_thread=False)}


@post("/v1/import", status_code=200, tags=["curators"], security=[{"BearerToken": []}],
      dependencies=_curator, request_max_body_size=MAX_IMPORT_BYTES,
      responses=error_responses(400, 401, 403, 413, 415))
async def import_claims(
    request: Request, store: NamedDependency[ClaimStore], live: NamedDependency[LiveIndex], curator: NamedDependency[TokenInfo],
    atomic: Annotated[bool, QueryParameter(required=False)] = False,
    dry_run: Annotated[bool, QueryParameter(required=False)] = False,
    merge: Annotated[bool, QueryParameter(
        required=False, description="Add near-duplicates to the claim they repeat, as a variant and a source.")] = False,
    status: Annotated[Literal["draft", "published"] | None, QueryParameter(
        required=False, description="Status of the claims this import creates (default: each row's own).")] = None,
) -> ImportReport:
    """Import claims in any supported format (our JSONL or JSON, ClaimReview JSON-LD or an HTML
    page holding it, Fact Check Tools API, DataCommons feed, CSV); bad rows are reported, never fatal."""
    body = await request.body()

    def work() -> ImportReport:
        report = apply_rows(store, read_rows(body), curator.name, atomic=atomic, dry_run=dry_run,
                            merge=merge, new_status=status)
        live.follow(store)
        return report

    # The store work blocks: keep it off the event loop so readers are served meanwhile.
    return await run_sync(work)


@get("/v1/export", tags=["curators"], security=[{"BearerToken": []}], dependencies=_curator,
     sync_to_thread=False, responses=error_responses(400, 401, 403))
def export_claims(
    request: Request, store: NamedDependency[ClaimStore], curator: NamedDependency[TokenInfo],
    format: Annotated[Literal["jsonl", "claimreview"], QueryParameter(required=False)] = "jsonl",
) -> Stream:
    """Every claim, in any status, as JSONL or as ClaimReview JSON-LD."""
    export, media_type = EXPORTERS[format]
    # Our own claims get their API URL as ClaimReview `url` (docs/claimreview.md).
    base_url = str(request.base_url).rstrip("/")
    # Read everything now: the request's connection closes before the body streams.
    return Stream(export(list(store.all()), base_url), media_type=media_type)
