"""Test support shared by test modules: real servers on loopback.

Import it as ``from support import ...``; never import from conftest.py, whose
module name is ambiguous when several conftest files are collected.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

from claimnotes import create_app
from claimnotes.claim_index import ClaimIndex
from claimnotes.matcher import match_blocks
from claimnotes.settings import Settings
from claimnotes.store import ClaimStore
from claimnotes.tokens import create_token

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"


def speed_bench(real: int | None, size: int) -> tuple[list[tuple[str, str]], ClaimIndex]:
    """bench/speed.py's page and a store of ``size`` claims built as it builds them,
    from the first ``real`` real claims (all when None); skips where its dataset
    (../shared/datasets, or $CLAIMNOTES_DATASETS) is missing."""
    root = Path(os.environ.get("CLAIMNOTES_DATASETS") or REPO.parent / "shared" / "datasets")
    if not (root / "factchecked-claims-33k").is_dir():
        pytest.skip(f"the speed benchmark's dataset is not at {root}")
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import speed
        rows = speed.load(root)
        blocks, _ = speed.make_page(rows)
        return blocks, ClaimIndex.build(speed.make_store(rows[:real], size))
    finally:
        sys.path.remove(str(REPO / "bench"))


# Claims the API tests rely on, built here so that a change to the default
# store (fixtures/claims.jsonl) can't break them.
TEST_CLAIMS = [
    {"id": "chemo-spreads-cancer", "text": "Chemotherapy causes cancer to spread.",
     "variants": ["chemo spreads cancer throughout the body", "chemotherapy makes cancer metastasize"],
     "rating": "misleading",
     "note": "A 2017 study found signs that some chemotherapy can raise the spread of breast "
             "cancer cells in mice; it did not show that chemotherapy harms patients overall.",
     "sources": [{"url": "https://www.cancer.gov/about-cancer/treatment/types/chemotherapy",
                  "title": "Chemotherapy to Treat Cancer (NCI)"}],
     "tags": ["cancer", "chemotherapy"]},
    {"id": "vaccines-autism", "text": "Vaccines cause autism.",
     "variants": ["the MMR vaccine causes autism", "childhood vaccines lead to autism"],
     "rating": "false",
     "note": "Large studies in many countries have found no link between vaccines and autism.",
     "sources": [{"url": "https://www.cdc.gov/vaccine-safety/about/autism.html",
                  "title": "Autism and Vaccines (CDC)"}],
     "tags": ["vaccines", "autism"]},
    {"id": "cancer-fungus", "text": "Cancer is a fungus.",
     "variants": ["cancer is caused by a fungus", "cancer is really a fungal infection"],
     "rating": "false",
     "note": "Cancer is the uncontrolled growth of the body's own cells, driven by changes in "
             "their DNA; it is not a fungus.",
     "sources": [{"url": "https://www.cancer.gov/about-cancer/understanding/what-is-cancer",
                  "title": "What Is Cancer? (NCI)"}],
     "tags": ["cancer"]},
]


def require_extension(module: object | None, name: str) -> None:
    """Skip a test of an optional C extension that was not built, or fail: CI and
    `make test` set CLAIMNOTES_REQUIRE_SPEEDUPS=1, so that a failed build cannot leave
    the comparisons skipped and the pure-Python fallback alone tested."""
    if module is None:
        if os.environ.get("CLAIMNOTES_REQUIRE_SPEEDUPS") == "1":
            pytest.fail(f"{name} is not built, and CLAIMNOTES_REQUIRE_SPEEDUPS=1")
        pytest.skip(f"{name} is not built (no C compiler at install)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """A real uvicorn server running create_app(settings) in a thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="on", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.client = httpx.Client(base_url=self.url, timeout=30)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.client.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def store(self) -> ClaimStore:
        return ClaimStore.open(self.settings.db_path)

    def token(self, role: str, name: str | None = None) -> str:
        store = self.store()
        try:
            secret, _ = create_token(store.db, name or f"{role}-{time.monotonic_ns()}", role)  # type: ignore[arg-type]
        finally:
            store.close()
        return secret


def similar_ids(api: httpx.Client, text: str, **extra: object) -> list[str]:
    """The claim ids ``POST /v1/claims/similar`` ranks for ``text`` (up to 10), given ``extra`` fields."""
    response = api.post("/v1/claims/similar", json={"text": text, "limit": 10, **extra})
    assert response.status_code == 200, response.text
    return [r["claim"]["id"] for r in response.json()["results"]]


def claims_in(text: str, index: ClaimIndex) -> set[str]:
    """The claims ``match_blocks`` finds in ``text``, one block, at the default threshold."""
    return {m.claim_id for m in match_blocks([("b", text)], index)}
