"""Shared fixtures: real servers on loopback over real SQLite files in tmp dirs."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from support import TEST_CLAIMS, LiveServer

from claimnotes.settings import Settings

if TYPE_CHECKING:
    import httpx


@pytest.fixture
def claims_file(tmp_path: Path) -> Path:
    path = tmp_path / "claims.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in TEST_CLAIMS), encoding="utf-8")
    return path


@pytest.fixture
def make_server(tmp_path: Path, claims_file: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start servers with settings overrides; all are stopped after the test."""
    started: list[LiveServer] = []

    def make(**overrides: object) -> LiveServer:
        values: dict[str, object] = {
            "db_path": str(tmp_path / "claimnotes.db"), "seed_file": str(claims_file),
            "match_rate_limit": 0, "curator_rate_limit": 0}
        values.update(overrides)
        server = LiveServer(Settings(**values)).start()  # type: ignore[arg-type]
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def server(make_server: Callable[..., LiveServer]) -> LiveServer:
    return make_server()


@pytest.fixture
def api(server: LiveServer) -> httpx.Client:
    return server.client


@pytest.fixture
def curator(server: LiveServer) -> dict[str, str]:
    """Authorization headers of a fresh curator token."""
    return {"Authorization": f"Bearer {server.token('curator')}"}
