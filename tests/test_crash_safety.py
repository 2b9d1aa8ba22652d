"""kill -9 a real `claimnotes serve` during edits and imports; after a restart the
database is intact and every acknowledged write is there. Backups are taken
while the server serves and is written to, and restoring one works."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from claimnotes.importers.apply import BATCH_SIZE
from serve_process import ServeProcess

WORDS = ("amber basil cedar delta ember fjord garnet harbor indigo juniper kestrel lumen marble "
         "nectar onyx pewter quartz russet saffron tundra umber velvet willow xenon yarrow zephyr").split()


def claim_body(n: int, prefix: str) -> dict:
    """A valid claim whose text is unlike every other one."""
    words = " ".join(WORDS[(n // 26 ** k) % 26] for k in range(3))
    return {"id": f"{prefix}-{n}", "text": f"The {words} remedy number {n} cures every known illness.",
            "rating": "false", "note": f"No remedy cures every illness; note {n}.",
            "sources": [{"url": f"https://www.who.int/news-room/fact-sheets?n={n}", "title": "WHO"}]}


def check_database(db: Path) -> sqlite3.Connection:
    """integrity_check is ok, and every claim's current version has its history entry."""
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    orphans = conn.execute(
        "SELECT count(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM claim_history h"
        " WHERE h.claim_id = c.id AND h.version = c.version)").fetchone()[0]
    assert orphans == 0
    store_version = conn.execute("SELECT value FROM meta WHERE key = 'store_version'").fetchone()[0]
    assert store_version >= (conn.execute("SELECT max(changed_version) FROM claims").fetchone()[0] or 0)
    return conn


class Writer(threading.Thread):
    """Creates claims and edits them at the version it read, recording every
    write the server acknowledged, until the connection dies."""

    def __init__(self, url: str, token: str, prefix: str, first: int = 0) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(base_url=url, timeout=10,
                                   headers={"Authorization": f"Bearer {token}"})
        self.prefix = prefix
        self.first = first  # writers use different numbers, so their claims' texts differ
        self.acked: dict[str, int] = {}   # claim id -> last acknowledged version
        self.failed = 0

    def run(self) -> None:
        n = self.first
        try:
            while True:
                n += 1
                created = self.client.post("/v1/claims", json=claim_body(n, self.prefix))
                assert created.status_code == 201, created.text
                claim_id = created.json()["id"]
                self.acked[claim_id] = 1
                for version in (1, 2):
                    edited = self.client.patch(f"/v1/claims/{claim_id}", headers={"If-Match": f'"{version}"'},
                                               json={"note": f"Edited to version {version + 1}."})
                    assert edited.status_code == 200, edited.text
                    self.acked[claim_id] = edited.json()["version"]
        except httpx.TransportError:
            self.failed += 1  # the server was killed mid-request: that write was not acknowledged
        finally:
            self.client.close()


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


@pytest.fixture
def serve(tmp_path: Path, claims_file: Path):
    started: list[ServeProcess] = []

    def make(*args: str, db: Path | None = None) -> ServeProcess:
        proc = ServeProcess(db or tmp_path / "crash.db", *args, seed_file=claims_file)
        started.append(proc)
        return proc.start()

    yield make
    for proc in started:
        proc.stop()


def acked_count(writers: list[Writer]) -> int:
    return sum(len(w.acked) for w in writers)


def start_writers(server, token: str, prefix: str, count: int, *, at_least: int) -> list[Writer]:
    """`count` started writer threads, returned once `at_least` writes are acknowledged."""
    writers = [Writer(server.url, token, f"{prefix}{i}", 5_000 * i) for i in range(count)]
    for w in writers:
        w.start()
    wait_until(lambda: acked_count(writers) >= at_least, 60, f"{at_least} acknowledged writes")
    return writers


@pytest.mark.slow
def test_kill_during_edits_loses_no_acknowledged_write(serve, tmp_path):
    server = serve()
    token = server.token("curator", "crash-editor")
    writers = start_writers(server, token, "w", 3, at_least=40)
    server.kill9()
    for w in writers:
        w.join(timeout=15)
        assert not w.is_alive()
    acked = {cid: v for w in writers for cid, v in w.acked.items()}

    check_database(server.db).close()
    server.start()  # same database, new process
    client = httpx.Client(base_url=server.url, timeout=10, headers={"Authorization": f"Bearer {token}"})
    for claim_id, version in acked.items():
        stored = client.get(f"/v1/claims/{claim_id}").json()
        assert stored["version"] >= version, claim_id
        history = {h["version"] for h in client.get(f"/v1/claims/{claim_id}/history").json()["items"]}
        assert set(range(1, version + 1)) <= history, claim_id
    # The restarted server's index holds them: the last acknowledged claim matches.
    last = max(acked, key=lambda cid: int(cid.split("-")[1]))
    text = client.get(f"/v1/claims/{last}").json()["text"]
    found = client.post("/v1/match", json={"blocks": [{"id": "b", "text": f"I read that {text}"}]}).json()
    assert last in {m["claim"]["id"] for m in found["matches"]}
    client.close()


def _import_in_thread(url: str, token: str, body: bytes, query: str = "") -> tuple[threading.Thread, list]:
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(httpx.post(f"{url}/v1/import{query}", content=body, timeout=120,
                                      headers={"Authorization": f"Bearer {token}",
                                               "Content-Type": "application/x-ndjson"}))
        except httpx.TransportError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def _count(db: Path, prefix: str) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute("SELECT count(*) FROM claims WHERE id LIKE ?", [f"{prefix}-%"]).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.slow
def test_kill_during_import_keeps_whole_batches_and_a_rerun_completes_it(serve):
    server = serve()
    token = server.token("curator", "crash-importer")
    total = BATCH_SIZE * 8
    body = "".join(json.dumps(claim_body(n, "imp")) + "\n" for n in range(total)).encode()
    thread, outcome = _import_in_thread(server.url, token, body)
    wait_until(lambda: _count(server.db, "imp") >= BATCH_SIZE, 90, "the first committed batch")
    server.kill9()
    thread.join(timeout=15)
    assert outcome and isinstance(outcome[0], httpx.TransportError), "the import finished before the kill"

    conn = check_database(server.db)
    kept = conn.execute("SELECT count(*) FROM claims WHERE id LIKE 'imp-%'").fetchone()[0]
    conn.close()
    assert 0 < kept < total and kept % BATCH_SIZE == 0

    server.start()
    rerun = httpx.post(f"{server.url}/v1/import", content=body, timeout=120,
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"})
    assert rerun.status_code == 200, rerun.text
    report = rerun.json()
    assert report["created"] == total - kept and report["skipped"] == kept and not report["errors"]
    check_database(server.db).close()


@pytest.mark.slow
def test_kill_during_atomic_import_keeps_nothing(serve):
    server = serve()
    token = server.token("curator", "crash-atomic")
    total = BATCH_SIZE * 8
    body = "".join(json.dumps(claim_body(n, "atom")) + "\n" for n in range(total)).encode()
    conn = check_database(server.db)
    before = conn.execute("SELECT value FROM meta WHERE key = 'store_version'").fetchone()[0]
    conn.close()
    thread, outcome = _import_in_thread(server.url, token, body, "?atomic=true")
    # The server is inside the import's one transaction once it holds the write lock.
    conn = sqlite3.connect(server.db, timeout=0)

    def locked() -> bool:
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True

    wait_until(locked, 60, "the import's write transaction")
    conn.close()
    time.sleep(0.1)  # let it write some rows inside the transaction
    server.kill9()
    thread.join(timeout=15)
    assert outcome and isinstance(outcome[0], httpx.TransportError), "the import finished before the kill"
    conn = check_database(server.db)
    assert conn.execute("SELECT count(*) FROM claims WHERE id LIKE 'atom-%'").fetchone()[0] == 0
    assert conn.execute("SELECT value FROM meta WHERE key = 'store_version'").fetchone()[0] == before
    conn.close()
    server.start()
    assert httpx.get(f"{server.url}/v1/health").json()["store_version"] == before


def test_backup_while_serving_and_writing_then_restore(serve, tmp_path, claims_file):
    server = serve()
    token = server.token("curator", "backup-writer")
    writers = start_writers(server, token, "b", 2, at_least=10)
    # Writes acknowledged before the backup starts must all be in it.
    acked_before = {cid: v for w in writers for cid, v in dict(w.acked).items()}
    backup = tmp_path / "backup.db"
    result = subprocess.run([sys.executable, "-m", "claimnotes", "backup", str(backup), "--db", str(server.db)],
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert b"integrity_check: ok" in result.stderr
    wait_until(lambda: acked_count(writers) >= len(acked_before) + 5, 60, "writes after the backup")
    server.stop()
    for w in writers:
        w.join(timeout=15)

    conn = check_database(backup)
    in_backup = dict(conn.execute("SELECT id, version FROM claims").fetchall())
    conn.close()
    # Taken while writes went on: it holds a consistent point in time that
    # includes what was acknowledged before it started, and not what came after.
    for claim_id, version in acked_before.items():
        assert in_backup.get(claim_id, 0) >= version, claim_id
    acked_after = {cid: v for w in writers for cid, v in w.acked.items()}
    assert set(acked_after) - set(in_backup), "the backup should predate later writes"

    # Restore as README.md says: stop the server, replace the file, drop -wal/-shm, start.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{server.db}{suffix}").unlink(missing_ok=True)
    backup.replace(server.db)
    server.start()
    client = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    for claim_id in list(in_backup)[:50]:
        assert client.get(f"/v1/claims/{claim_id}").status_code == 200
    missing = next(iter(set(acked_after) - set(in_backup)))
    assert client.get(f"/v1/claims/{missing}").status_code == 404
    assert client.get("/v1/health").json()["claims"] == len(in_backup)  # all published
    client.close()
