"""create_app(settings) -> Litestar: all wiring lives here."""

from __future__ import annotations

import logging
from pathlib import Path

from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import RedocRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from claimnotes import __doc__ as package_doc
from claimnotes.errors import (ClaimNotesError, handle_domain_error, handle_http_error,
                               handle_undecodable_body, handle_unexpected_error)
from claimnotes.importers import read_rows
from claimnotes.importers.apply import apply_rows
from claimnotes.live_index import LiveIndex
from claimnotes.openapi_extras import finish_openapi
from claimnotes.routes.claims import ClaimController
from claimnotes.routes.deps import provide_live, provide_reader, provide_settings, provide_store
from claimnotes.routes.reader import health, match_page, send_feedback, similar_claims
from claimnotes.routes.transfer import export_claims, import_claims
from claimnotes.schemas import MAX_BODY_BYTES
from claimnotes.security_headers import add_security_headers
from claimnotes.settings import Settings
from claimnotes.store import ClaimStore

log = logging.getLogger("claimnotes")

# Extension pages and service workers fetch from these origins.
EXTENSION_ORIGINS = r"^(?:chrome-extension|moz-extension)://[A-Za-z0-9-]{1,64}$"


def seed_store(store: ClaimStore, seed_file: str) -> int:
    """Load the default claims into an empty store; returns how many were created."""
    path = Path(seed_file)
    if not store.is_empty() or not path.is_file():
        return 0
    report = apply_rows(store, read_rows(path.read_bytes()), "seed")
    for problem in report.errors:
        log.warning("seed file line %d skipped: %s", problem.line, problem.detail)
    return report.created


def _startup(app: Litestar) -> None:
    settings: Settings = app.state.settings
    store = ClaimStore.open(settings.db_path)
    try:
        if settings.seed:
            created = seed_store(store, settings.seed_file)
            if created:
                log.info("loaded %d default claims from %s", created, settings.seed_file)
        app.state.live.load(store)
        log.info("claim index ready: %d published claims", len(app.state.live))
    finally:
        store.close()


def _rate_limit(per_minute: int, store: str) -> list:
    if per_minute <= 0:
        return []
    return [RateLimitConfig(rate_limit=("minute", per_minute), store=store).middleware]


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    readers = Router(
        path="/", route_handlers=[health, match_page, similar_claims, send_feedback],
        dependencies={"reader": Provide(provide_reader, sync_to_thread=False)},
        middleware=_rate_limit(settings.match_rate_limit, "rate_limit_readers"))
    curators = Router(
        path="/", route_handlers=[ClaimController, import_claims, export_claims],
        middleware=_rate_limit(settings.curator_rate_limit, "rate_limit_curators"))
    app = Litestar(
        route_handlers=[readers, curators],
        dependencies={
            "store": Provide(provide_store),
            "settings": Provide(provide_settings, sync_to_thread=False),
            "live": Provide(provide_live, sync_to_thread=False),
        },
        exception_handlers={
            ClaimNotesError: handle_domain_error,
            HTTPException: handle_http_error,
            UnicodeDecodeError: handle_undecodable_body,
            RecursionError: handle_undecodable_body,
            Exception: handle_unexpected_error,
        },
        on_startup=[_startup],
        state=State({"settings": settings, "live": LiveIndex(semantic=settings.semantic)}),
        cors_config=CORSConfig(
            allow_origins=list(settings.cors_origins), allow_origin_regex=EXTENSION_ORIGINS,
            allow_methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "If-Match"], expose_headers=["ETag"]),
        before_send=[add_security_headers],
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=OpenAPIConfig(
            title="Claimnotes", version="1", description=package_doc, path="/schema",
            render_plugins=[SwaggerRenderPlugin(path="/"), RedocRenderPlugin(path="/redoc")],
            components=Components(security_schemes={"BearerToken": SecurityScheme(
                type="http", scheme="bearer", description="A token from `claimnotes token create`.")}),
        ),
        debug=False,
    )
    finish_openapi(app)
    return app
