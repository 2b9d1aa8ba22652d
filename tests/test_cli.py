"""The `claimnotes` command line, run as a real subprocess."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from claimnotes.store import ClaimStore

CONTENT_FIELDS = ("id", "text", "variants", "rating", "rating_text", "note", "sources", "tags",
                  "lang", "status")


def cli(*args: str, stdin: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "claimnotes", *args], input=stdin,
                            capture_output=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(result.stderr.decode())
    return result


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.db")


def test_token_create_prints_only_the_token(db):
    result = cli("token", "create", "--role", "curator", "--name", "alice", "--db", db)
    secret = result.stdout.decode()
    assert secret.startswith("cn_") and secret.endswith("\n") and secret.count("\n") == 1
    secret = secret.strip()
    # Only a hash is stored: the secret is nowhere in the database files.
    for path in Path(db).parent.glob("cli.db*"):
        assert secret.encode() not in path.read_bytes()
    listing = cli("token", "list", "--db", db).stdout.decode()
    assert "alice\tcurator" in listing and "active" in listing and secret not in listing
    assert cli("token", "create", "--role", "curator", "--name", "alice", "--db", db,
               check=False).returncode == 1
    cli("token", "revoke", "alice", "--db", db)
    assert "revoked" in cli("token", "list", "--db", db).stdout.decode()
    assert cli("token", "revoke", "alice", "--db", db, check=False).returncode == 1


def test_import_export_round_trip(db, tmp_path, claims_file):
    result = cli("import", str(claims_file), "--db", db)
    assert result.stdout.decode().startswith("3 created, 0 updated, 0 unchanged, 0 errors")
    again = cli("import", str(claims_file), "--db", db)
    assert again.stdout.decode().startswith("0 created, 0 updated, 3 unchanged")

    exported = cli("export", "--db", db).stdout
    lines = [json.loads(line) for line in exported.decode().splitlines()]
    assert [c["id"] for c in lines] == sorted(["chemo-spreads-cancer", "vaccines-autism", "cancer-fungus"])

    other = str(tmp_path / "other.db")
    cli("import", "-", "--db", other, stdin=exported)
    second = [json.loads(line) for line in cli("export", "--db", other).stdout.decode().splitlines()]
    assert [{k: c[k] for k in CONTENT_FIELDS} for c in second] == \
           [{k: c[k] for k in CONTENT_FIELDS} for c in lines]


def test_import_reports_bad_rows_and_keeps_the_rest(db, tmp_path, claims_file):
    good = claims_file.read_text().splitlines()
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([good[0], "{broken", '{"text": "No rating here."}', good[1], "[1]"]) + "\n")
    result = cli("import", str(path), "--db", db)
    assert result.stdout.decode().startswith("2 created, 0 updated, 0 unchanged, 3 errors")
    stderr = result.stderr.decode()
    assert "line 2: Invalid JSON" in stderr and "line 3:" in stderr and "line 5:" in stderr

    atomic_db = str(tmp_path / "atomic.db")
    failed = cli("import", str(path), "--db", atomic_db, "--atomic", check=False)
    assert failed.returncode == 1
    store = ClaimStore.open(atomic_db)
    assert store.is_empty()
    store.close()


def test_dry_run_changes_nothing(db, claims_file):
    result = cli("import", str(claims_file), "--db", db, "--dry-run")
    assert result.stdout.decode().startswith("3 would be created")
    store = ClaimStore.open(db)
    assert store.is_empty() and store.store_version() == 0
    store.close()


def test_match_prints_each_match_in_context(db, tmp_path, claims_file):
    cli("import", str(claims_file), "--db", db)
    page = tmp_path / "page.html"
    page.write_text("<html><body><h1>News</h1><p>Some say chemo spreads cancer throughout the body. "
                    "Others disagree.</p><p>My cat likes tuna.</p><script>var t='Cancer is a fungus.'"
                    "</script></body></html>")
    out = cli("match", str(page), "--db", db, "--no-seed").stdout.decode()
    assert "chemo-spreads-cancer (misleading)" in out
    assert "[[" in out and "chemo spreads cancer throughout the body" in out
    assert "cancer-fungus" not in out  # text inside <script> is not page text


def test_backup_copies_a_consistent_database(db, tmp_path, claims_file):
    cli("import", str(claims_file), "--db", db)
    target = tmp_path / "backup.db"
    cli("backup", str(target), "--db", db)
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM claims").fetchone()[0] == 3
    assert conn.execute("SELECT count(*) FROM claim_history").fetchone()[0] == 3
    conn.close()
    # Restoring is copying the file back: the restored store serves the same claims.
    restored = ClaimStore.open(str(target))
    assert {c.id for c in restored.published()} == {"chemo-spreads-cancer", "vaccines-autism", "cancer-fungus"}
    restored.close()
