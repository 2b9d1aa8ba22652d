"""Schema versions. Each migration upgrades a database file in place.

``PRAGMA user_version`` holds the number of migrations applied. Add a function to
MIGRATIONS to change the schema; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils


def _v1_initial(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE claims (
            id TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            variants TEXT NOT NULL DEFAULT '[]',
            rating TEXT NOT NULL,
            rating_text TEXT,
            note TEXT NOT NULL,
            sources TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]',
            lang TEXT NOT NULL DEFAULT 'en',
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL,
            author TEXT NOT NULL,
            -- store_version of the write that last touched this row, so that
            -- other processes can follow changes incrementally
            changed_version INTEGER NOT NULL
        )""")
    db.execute("CREATE INDEX claims_changed ON claims (changed_version)")
    db.execute("CREATE INDEX claims_status ON claims (status, id)")
    db.execute("""
        CREATE TABLE claim_history (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            claim_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            action TEXT NOT NULL,
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            before TEXT,
            after TEXT
        )""")
    db.execute("CREATE INDEX claim_history_claim ON claim_history (claim_id, seq)")
    db.execute("""
        CREATE TABLE tokens (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        )""")
    db.execute("""
        CREATE TABLE feedback (
            claim_id TEXT PRIMARY KEY,
            helpful INTEGER NOT NULL DEFAULT 0,
            wrong_match INTEGER NOT NULL DEFAULT 0
        )""")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
    db.execute("INSERT INTO meta (key, value) VALUES ('store_version', 0)")


def _v2_claim_reviews(db: sqlite_utils.Database) -> None:
    # `review` holds the ReviewInfo of a claim imported from ClaimReview (JSON);
    # `review_key` is its normalised review URL, the key that makes re-imports
    # update instead of duplicate (store.review_key). NULL for other claims.
    db.execute("ALTER TABLE claims ADD COLUMN review TEXT")
    db.execute("ALTER TABLE claims ADD COLUMN review_key TEXT")
    db.execute("CREATE INDEX claims_review_key ON claims (review_key)")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1_initial, _v2_claim_reviews]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite_utils.Database) -> int:
    """Apply the migrations this file lacks, each in its own transaction; return the version."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"database schema {current} is newer than this claimnotes ({SCHEMA_VERSION}); upgrade claimnotes")
    for number in range(current, SCHEMA_VERSION):
        db.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            if db.execute("PRAGMA user_version").fetchone()[0] > number:
                db.execute("ROLLBACK")
                continue
            MIGRATIONS[number](db)
            db.execute(f"PRAGMA user_version = {number + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION
