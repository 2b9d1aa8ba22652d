"""Dependencies shared by the route modules."""

from __future__ import annotations

from litestar.di import NamedDependency

from collections.abc import Iterator

from litestar import Request
from litestar.datastructures import State

from claimnotes.auth import require_curator, require_reader
from claimnotes.live_index import LiveIndex
from claimnotes.schemas import TokenInfo
from claimnotes.settings import Settings
from claimnotes.store import ClaimStore


def provide_store(state: State) -> Iterator[ClaimStore]:
    """One connection per request: SQLite connections are cheap, and this keeps
    each one on one thread at a time."""
    store = ClaimStore.open(state.settings.db_path)
    try:
        yield store
    finally:
        store.close()


def provide_settings(state: State) -> Settings:
    return state.settings


def provide_live(state: State) -> LiveIndex:
    return state.live


def provide_curator(request: Request, store: NamedDependency[ClaimStore]) -> TokenInfo:
    return require_curator(request, store)


def provide_reader(request: Request, store: NamedDependency[ClaimStore], settings: NamedDependency[Settings]) -> TokenInfo | None:
    return require_reader(request, store, settings.require_reader_token)
