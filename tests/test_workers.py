"""`claimnotes serve --workers 2`: every worker follows store_version, so a
curator's change reaches all of them within a second."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from uvicorn.server import ServerState

from claimnotes.serving import DeadlineH11Protocol
from serve_process import ServeProcess

PROPAGATION_SECONDS = 1.0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def poll_new_connections(url: str, claim_id: str, text: str) -> list[bool]:
    """Match a page holding `text` over a new connection each time, for one
    second; whether each answer included the claim."""
    page = json.dumps({"blocks": [{"id": "p", "text": f"A friend told me that {text} I doubt it."}]})
    host, port = url.removeprefix("http://").split(":")
    seen = []
    deadline = time.monotonic() + PROPAGATION_SECONDS
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection(host, int(port), timeout=5)  # a new connection each time
        try:
            conn.request("POST", "/v1/match", body=page, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        assert response.status == 200, body
        seen.append(claim_id in {m["claim"]["id"] for m in json.loads(body)["matches"]})
    return seen


@pytest.fixture
def workers(tmp_path: Path, claims_file: Path):
    server = ServeProcess(tmp_path / "workers.db", "--workers", "2", seed_file=claims_file).start()
    yield server
    server.stop()


@pytest.mark.slow
def test_two_workers_serve(workers):
    deadline = time.monotonic() + 20
    while len(children(workers.proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(children(workers.proc.pid)) >= 2


@pytest.mark.slow
def test_a_curators_change_reaches_every_worker_within_a_second(workers):
    headers = {"Authorization": f"Bearer {workers.token('curator')}"}
    # Warm both workers up so that each holds an index at the current version.
    for _ in range(20):
        httpx.post(f"{workers.url}/v1/match", json={"blocks": [{"id": "w", "text": "warm up"}]}, timeout=10)
    text = "Owls can rotate their heads a full three hundred and sixty degrees."
    created = httpx.post(f"{workers.url}/v1/claims", headers=headers, timeout=10, json={
        "text": text, "rating": "false", "note": "Owls turn their heads about 270 degrees, not 360.",
        "sources": [{"url": "https://www.nationalgeographic.com/animals/", "title": "National Geographic"}]})
    assert created.status_code == 201, created.text
    claim_id = created.json()["id"]
    seen = poll_new_connections(workers.url, claim_id, text)
    assert len(seen) >= 5 and all(seen), seen

    # An edit that retracts it disappears everywhere just as fast.
    retracted = httpx.delete(f"{workers.url}/v1/claims/{claim_id}", headers={**headers, "If-Match": '"1"'})
    assert retracted.status_code == 200, retracted.text
    seen = poll_new_connections(workers.url, claim_id, text)
    assert len(seen) >= 5 and not any(seen), seen


@pytest.mark.slow
def test_a_write_from_outside_the_server_reaches_every_worker(workers, tmp_path):
    """`claimnotes import` writes the database directly: no worker made the change,
    so each one must pick it up from store_version."""
    for _ in range(20):
        httpx.post(f"{workers.url}/v1/match", json={"blocks": [{"id": "w", "text": "warm up"}]}, timeout=10)
    text = "Humans only use ten percent of their brains."
    path = tmp_path / "outside.jsonl"
    path.write_text(json.dumps({"id": "ten-percent-brain", "text": text, "rating": "false",
                                "note": "Brain imaging shows activity across the whole brain.",
                                "sources": [{"url": "https://www.ninds.nih.gov/", "title": "NINDS"}]}) + "\n")
    result = subprocess.run([sys.executable, "-m", "claimnotes", "import", str(path), "--db", str(workers.db)],
                            capture_output=True, timeout=60, env={**os.environ})
    assert result.returncode == 0, result.stderr.decode()
    seen = poll_new_connections(workers.url, "ten-percent-brain", text)
    assert len(seen) >= 5 and all(seen), seen


def test_every_connection_gets_tcp_nodelay():
    """With --workers, uvicorn binds the listening socket itself (proto 0) and
    asyncio then leaves Nagle's algorithm on for accepted connections: every
    response waited ~40 ms for a delayed ACK. Our protocol turns it off."""
    async def app(scope, receive, send):  # never called: no request is sent
        raise AssertionError

    config = uvicorn.Config(app, log_level="warning")
    config.load()
    listener = socket.socket(socket.AF_INET)  # as uvicorn's Config.bind_socket makes it
    listener.bind(("127.0.0.1", 0))
    protocols: list[DeadlineH11Protocol] = []

    async def main() -> int:
        loop = asyncio.get_running_loop()

        def factory() -> DeadlineH11Protocol:
            protocols.append(DeadlineH11Protocol(config=config, server_state=ServerState(), app_state={},
                                                 _loop=loop))
            return protocols[-1]

        server = await loop.create_server(factory, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname())
        while not protocols or protocols[0].transport is None:
            await asyncio.sleep(0.01)
        accepted = protocols[0].transport.get_extra_info("socket")
        value = accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        writer.close()
        server.close()
        await server.wait_closed()
        return value

    # In a thread of its own: the browser tests' Playwright keeps an event loop
    # running in the main thread for the whole session.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, main()).result(timeout=30) != 0
