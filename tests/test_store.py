"""The SQLite file: WAL, schema versions and migrations."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from claimnotes import migrations
from claimnotes.store import ClaimStore, connect


def test_new_file_is_wal_and_versioned(tmp_path):
    path = str(tmp_path / "new.db")
    store = ClaimStore.open(path)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
    assert store.store_version() == 0
    store.close()


def test_migrations_upgrade_an_old_file_in_place(tmp_path, monkeypatch):
    path = str(tmp_path / "old.db")
    # A file made by the first schema version, with data in it...
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    migrations._v1_initial(db)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO claims VALUES ('old', 'Old claim text.', '[]', 'false', NULL, 'n', "
                 "'[{\"url\": \"https://a.example/\", \"title\": \"\"}]', '[]', 'en', 'published', "
                 "'2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', 1, 'seed', 1)")
    conn.commit()
    conn.close()

    # ...opened by a release with one more migration.
    def v2(db: sqlite_utils.Database) -> None:
        db.execute("ALTER TABLE claims ADD COLUMN added_in_v2 TEXT DEFAULT 'yes'")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, v2])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(migrations.MIGRATIONS))
    db = connect(path)
    latest = len(migrations.MIGRATIONS)  # v1, the shipped migrations after it, and this test's one
    assert db.execute("PRAGMA user_version").fetchone()[0] == latest
    assert db.execute("SELECT id, added_in_v2 FROM claims").fetchall() == [("old", "yes")]
    # Running again is a no-op.
    assert migrations.migrate(db) == latest
    db.conn.close()


def test_a_newer_file_is_refused(tmp_path):
    path = str(tmp_path / "future.db")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer"):
        connect(path)
