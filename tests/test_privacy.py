"""What readers send (page text, page URLs, quotes) is never kept: not in the
database, not in the logs, not in any file the server writes."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import httpx
import pytest

from serve_process import ServeProcess

SECRET_TEXT = "Zqxv7f3a my oncologist said the biopsy of Ilsabet Quorren"
SECRET_URL = "https://patients.example/zqxv7f3a-records?name=ilsabet-quorren"
SECRETS = ["zqxv7f3a", "ilsabet", "quorren"]


def reader_traffic(client: httpx.Client) -> None:
    """Everything a reader's browser can send, the distinctive strings in each place."""
    page = {"url": SECRET_URL, "blocks": [
        {"id": "zqxv7f3a-block", "text": f"{SECRET_TEXT}. Some people say cancer is a fungus."},
        {"id": "b2", "text": f"Posted by Ilsabet Quorren from {SECRET_URL}"}]}
    for path in ("/v1/match", "/v1/match?explain=true"):
        response = client.post(path, json=page)
        assert response.status_code == 200, response.text
        assert response.json()["matches"]  # a real match was computed on the text
    assert client.post("/v1/claims/similar", json={"text": SECRET_TEXT}).status_code == 200
    assert client.post("/v1/feedback", json={"claim_id": "cancer-fungus", "verdict": "wrong_match",
                                             "quote": SECRET_TEXT}).status_code == 202
    # Refused requests must not leak into logs either.
    bad = [
        {"url": SECRET_URL, "blocks": [{"id": "x", "text": SECRET_TEXT * 1_000}]},      # too long
        {"url": SECRET_URL, "blocks": [{"id": "x", "text": SECRET_TEXT}], "zqxv7f3a": 1},  # unknown field
        {"url": SECRET_URL, "blocks": [{"id": SECRET_TEXT * 10, "text": SECRET_TEXT}]},  # id too long
    ]
    for body in bad:
        assert client.post("/v1/match", json=body).status_code == 400
    assert client.post("/v1/feedback", json={"claim_id": "no-such-claim", "verdict": "helpful",
                                             "quote": SECRET_TEXT}).status_code == 404
    assert client.post("/v1/match", content=f'{{"url": "{SECRET_URL}", "blocks": ['.encode(),
                       headers={"content-type": "application/json"}).status_code == 400


def assert_nothing_kept(haystack: bytes, where: str) -> None:
    lowered = haystack.lower()
    for secret in SECRETS:
        for encoded in (secret.encode(), secret.encode("utf-16-le")):
            assert encoded not in lowered, f"{secret!r} found in {where}"


@pytest.mark.slow
def test_a_real_server_keeps_nothing_readers_send(tmp_path, claims_file):
    server = ServeProcess(tmp_path / "private.db", "--access-log", "--log-level", "debug",
                          seed_file=claims_file).start()
    # An open connection keeps the -wal and -shm files from being checkpointed
    # away when the server closes its own, so they are there to be scanned.
    watcher = sqlite3.connect(server.db)
    watcher.execute("SELECT count(*) FROM claims").fetchone()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            reader_traffic(client)
        files = [p for p in tmp_path.rglob("*") if p.is_file()]
        assert {p.name for p in files} >= {"private.db-wal", "private.db-shm"}
        assert (tmp_path / "private.db-wal").stat().st_size > 0  # feedback counts were written
        for path in files:
            if not path.name.startswith("serve-"):
                assert_nothing_kept(path.read_bytes(), str(path))
    finally:
        watcher.close()
        server.stop()
    logs = server.logs()
    assert "POST /v1/match" in logs  # the access log was on and captured
    assert_nothing_kept(logs.encode(), "the server's output")
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert_nothing_kept(path.read_bytes(), str(path))


def test_python_logging_sees_nothing_readers_send(server, caplog):
    caplog.set_level(logging.DEBUG)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        reader_traffic(client)
    assert caplog.records  # logging was captured at DEBUG
    text = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records
                     if not r.name.startswith("httpx") and not r.name.startswith("httpcore"))
    assert_nothing_kept(text.encode(), "Python logging")
    assert_nothing_kept(Path(server.settings.db_path).read_bytes(), "the database")
