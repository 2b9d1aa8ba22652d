"""ClaimStore: a thin layer over one SQLite file through sqlite-utils.

Returns Structs from schemas.py, never rows. Every write runs in one
``BEGIN IMMEDIATE`` transaction that also bumps ``store_version`` and appends to
``claim_history``, so a change and its history entry are stored together or not at all.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from urllib.parse import urlsplit

import msgspec
import sqlite_utils

from claimnotes.errors import (ClaimNotFoundError, DuplicateClaimError, InvalidClaimError,
                               PreconditionRequiredError, VersionConflictError)
from claimnotes.migrations import migrate
from claimnotes.schemas import Claim, ClaimIn, ClaimPatch, Feedback, HistoryEntry, ReviewInfo, Source

BUSY_TIMEOUT_MS = 10_000
"""How long a writer waits for another writer's lock before giving up."""

_JSON_FIELDS = ("variants", "sources", "tags")
_decode_sources = msgspec.json.Decoder(list[Source]).decode
_decode_claim = msgspec.json.Decoder(Claim).decode
_decode_review = msgspec.json.Decoder(ReviewInfo).decode


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_claim_id() -> str:
    return "c_" + secrets.token_hex(8)


def text_claim_id(text: str) -> str:
    """A stable id for a claim that came without one, so re-imports update it."""
    key = " ".join(text.casefold().split())
    return "c_" + hashlib.sha256(key.encode()).hexdigest()[:16]


def review_key(url: str) -> str:
    """The import key of a ClaimReview URL: http or https, the host's case and a
    trailing slash don't make a different review. The fragment does: Google's
    guidelines give each of several reviews on one page its own #anchor."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        # Python refuses some URLs that pass the wire pattern (an unbalanced "["
        # in the host, say); the URL as given is still a stable key.
        return url.strip()
    path = parts.path.rstrip("/") or "/"
    query = f"?{parts.query}" if parts.query else ""
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{parts.netloc.lower()}{path}{query}{fragment}"


def url_host(url: str) -> str:
    """The host part of a URL (`netloc`), or "" if Python can't parse the URL."""
    try:
        return urlsplit(url).netloc
    except ValueError:  # e.g. "https://[bad/": see review_key
        return ""


def review_claim_id(url: str) -> str:
    """The id of a claim created from a ClaimReview, stable across re-imports."""
    return "cr_" + hashlib.sha256(review_key(url).encode()).hexdigest()[:16]


def connect(path: str) -> sqlite_utils.Database:
    """Open the database file in WAL mode and bring its schema up to date."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                           timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    # NORMAL in WAL mode survives a killed process; only an OS crash or power
    # loss can drop the last commits. See SECURITY.md.
    conn.execute("PRAGMA synchronous = NORMAL")
    db = sqlite_utils.Database(conn)
    migrate(db)
    return db


def _row_to_claim(row: dict[str, Any], feedback: Feedback | None = None) -> Claim:
    return Claim(
        id=row["id"], text=row["text"], variants=msgspec.json.decode(row["variants"]),
        rating=row["rating"], rating_text=row["rating_text"], note=row["note"],
        sources=_decode_sources(row["sources"]), tags=msgspec.json.decode(row["tags"]),
        lang=row["lang"], status=row["status"], created_at=row["created_at"],
        updated_at=row["updated_at"], version=row["version"], author=row["author"],
        feedback=feedback or Feedback(),
        review=_decode_review(row["review"]) if row.get("review") else None)


def _claim_to_row(claim: Claim, changed_version: int) -> dict[str, Any]:
    row = msgspec.to_builtins(claim)
    row.pop("feedback")
    for name in _JSON_FIELDS:
        row[name] = msgspec.json.encode(row[name]).decode()
    review = row.pop("review", None)
    row["review"] = msgspec.json.encode(review).decode() if review else None
    row["review_key"] = review_key(claim.review.url) if claim.review else None
    row["changed_version"] = changed_version
    return row


def _encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> str:
    try:
        padded = (cursor + "=" * (-len(cursor) % 4)).encode()
        return base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        raise InvalidClaimError("That cursor is not valid.") from None


class ClaimStore:
    """Claims, their history, and reader feedback counts in one SQLite file."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    @classmethod
    def open(cls, path: str) -> ClaimStore:
        return cls(connect(path))

    def close(self) -> None:
        self.db.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; other writers wait up to BUSY_TIMEOUT_MS."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: one import row's writes land whole or not at all."""
        self.db.execute("SAVEPOINT row")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK TO row")
            self.db.execute("RELEASE row")
            raise
        self.db.execute("RELEASE row")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every query inside sees the same store version."""
        if self.db.conn.in_transaction:
            yield
            return
        self.db.execute("BEGIN")
        try:
            yield
        finally:
            self.db.execute("COMMIT")

    # -- reads ---------------------------------------------------------------

    def store_version(self) -> int:
        return self.db.execute("SELECT value FROM meta WHERE key = 'store_version'").fetchone()[0]

    def count_published(self) -> int:
        return self.db.execute("SELECT count(*) FROM claims WHERE status = 'published'").fetchone()[0]

    def is_empty(self) -> bool:
        return self.db.execute("SELECT 1 FROM claims LIMIT 1").fetchone() is None

    def get(self, claim_id: str) -> Claim:
        rows = list(self.db.query("SELECT * FROM claims WHERE id = ?", [claim_id]))
        if not rows:
            raise ClaimNotFoundError()
        return _row_to_claim(rows[0], self.feedback(claim_id))

    def find(self, claim_id: str) -> Claim | None:
        try:
            return self.get(claim_id)
        except ClaimNotFoundError:
            return None

    def list(self, *, q: str | None = None, status: str | None = None, rating: str | None = None,
             tag: str | None = None, limit: int = 50,
             cursor: str | None = None) -> tuple[list[Claim], str | None]:
        """A page of claims in id order, and the cursor of the next page (keyset, no OFFSET)."""
        where, params = [], []
        if cursor:
            where.append("id > ?")
            params.append(_decode_cursor(cursor))
        if status:
            where.append("status = ?")
            params.append(status)
        if rating:
            where.append("rating = ?")
            params.append(rating)
        if tag:
            where.append("EXISTS (SELECT 1 FROM json_each(claims.tags) WHERE value = ?)")
            params.append(tag)
        if q:
            pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append("(text LIKE ? ESCAPE '\\' OR variants LIKE ? ESCAPE '\\' OR note LIKE ? ESCAPE '\\')")
            params += [pattern, pattern, pattern]
        sql = "SELECT * FROM claims"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id LIMIT ?"
        rows = list(self.db.query(sql, [*params, limit + 1]))
        items = [_row_to_claim(r) for r in rows[:limit]]
        next_cursor = _encode_cursor(items[-1].id) if len(rows) > limit else None
        return items, next_cursor

    def all(self) -> Iterator[Claim]:
        for row in self.db.query("SELECT * FROM claims ORDER BY id"):
            yield _row_to_claim(row)

    def published(self) -> Iterator[Claim]:
        for row in self.db.query("SELECT * FROM claims WHERE status = 'published'"):
            yield _row_to_claim(row)

    def changed_since(self, version: int) -> list[Claim]:
        """Claims written after store_version `version`, whatever their status now."""
        return [_row_to_claim(r) for r in self.db.query(
            "SELECT * FROM claims WHERE changed_version > ? ORDER BY changed_version", [version])]

    def history(self, claim_id: str) -> list[HistoryEntry]:
        rows = list(self.db.query(
            "SELECT * FROM claim_history WHERE claim_id = ? ORDER BY seq", [claim_id]))
        if not rows:
            raise ClaimNotFoundError()
        return [HistoryEntry(
            seq=r["seq"], claim_id=r["claim_id"], version=r["version"], action=r["action"],
            actor=r["actor"], at=r["at"],
            before=_decode_claim(r["before"]) if r["before"] else None,
            after=_decode_claim(r["after"]) if r["after"] else None) for r in rows]

    def feedback(self, claim_id: str) -> Feedback:
        row = self.db.execute(
            "SELECT helpful, wrong_match FROM feedback WHERE claim_id = ?", [claim_id]).fetchone()
        return Feedback(helpful=row[0], wrong_match=row[1]) if row else Feedback()

    # -- writes --------------------------------------------------------------
    # The *_in_tx methods expect an open transaction; importers batch many of them.

    def _bump_version(self) -> int:
        self.db.execute("UPDATE meta SET value = value + 1 WHERE key = 'store_version'")
        return self.store_version()

    def _record(self, action: str, actor: str, before: Claim | None, after: Claim, at: str) -> None:
        self.db.execute(
            "INSERT INTO claim_history (claim_id, version, action, actor, at, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [after.id, after.version, action, actor, at,
             msgspec.json.encode(before).decode() if before else None,
             msgspec.json.encode(after).decode()])

    def find_in_tx(self, claim_id: str) -> Claim | None:
        rows = list(self.db.query("SELECT * FROM claims WHERE id = ?", [claim_id]))
        return _row_to_claim(rows[0]) if rows else None

    def find_by_review_in_tx(self, url: str) -> Claim | None:
        """The claim imported from the review at `url`, if any (see review_key)."""
        rows = list(self.db.query("SELECT * FROM claims WHERE review_key = ? ORDER BY id LIMIT 1",
                                  [review_key(url)]))
        return _row_to_claim(rows[0]) if rows else None

    def create_in_tx(self, data: ClaimIn, author: str, *, claim_id: str | None = None) -> Claim:
        claim_id = claim_id or data.id or new_claim_id()
        if self.find_in_tx(claim_id) is not None:
            raise DuplicateClaimError(f"A claim with id {claim_id!r} already exists.")
        now = utc_now()
        claim = Claim(id=claim_id, text=data.text, variants=list(data.variants), rating=data.rating,
                      rating_text=data.rating_text, note=data.note, sources=list(data.sources),
                      tags=list(data.tags), lang=data.lang, status=data.status, created_at=now,
                      updated_at=now, version=1, author=author, review=data.review)
        row = _claim_to_row(claim, self._bump_version())
        # Plain SQL rather than Table.insert: sqlite-utils re-reads the table's
        # schema on every call, a third of the time of a 33k-row import.
        self.db.execute(f"INSERT INTO claims ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                        list(row.values()))
        self._record("create", author, None, claim, now)
        return claim

    def replace_in_tx(self, before: Claim, changes: dict[str, Any], author: str,
                      action: str = "update") -> Claim:
        """Write `changes` over `before` as the next version; returns `before` if nothing changed."""
        current = msgspec.to_builtins(before)
        changed = {k: v for k, v in msgspec.to_builtins(changes).items() if current.get(k) != v}
        if not changed:
            return before
        now = utc_now()
        after = msgspec.convert({**current, **changed, "version": before.version + 1,
                                 "updated_at": now, "author": author}, Claim)
        _check_claim(after)
        self.db["claims"].update(before.id, _claim_to_row(after, self._bump_version()))
        self._record(action, author, before, after, now)
        return after

    def create(self, data: ClaimIn, author: str) -> Claim:
        with self.transaction():
            return self.create_in_tx(data, author)

    def update(self, claim_id: str, patch: ClaimPatch, author: str,
               expected_version: int | None) -> Claim:
        """Apply a partial edit if the claim is still at `expected_version`."""
        if expected_version is None:
            raise PreconditionRequiredError()
        changes = {f: getattr(patch, f) for f in patch.__struct_fields__
                   if f != "version" and getattr(patch, f) is not msgspec.UNSET}
        with self.transaction():
            before = self.find_in_tx(claim_id)
            if before is None:
                raise ClaimNotFoundError()
            if before.version != expected_version:
                raise VersionConflictError(extra={"current_version": before.version})
            retracting = changes.get("status") == "retracted" and before.status != "retracted"
            action = "retract" if retracting else "update"
            return self.replace_in_tx(before, changes, author, action)

    def retract(self, claim_id: str, author: str, expected_version: int | None = None) -> Claim:
        with self.transaction():
            before = self.find_in_tx(claim_id)
            if before is None:
                raise ClaimNotFoundError()
            if expected_version is not None and before.version != expected_version:
                raise VersionConflictError(extra={"current_version": before.version})
            return self.replace_in_tx(before, {"status": "retracted"}, author, "retract")

    def add_feedback(self, claim_id: str, verdict: str) -> Feedback:
        column = {"helpful": "helpful", "wrong_match": "wrong_match"}[verdict]
        with self.transaction():
            if self.find_in_tx(claim_id) is None:
                raise ClaimNotFoundError()
            self.db.execute(
                f"INSERT INTO feedback (claim_id, {column}) VALUES (?, 1)"
                f" ON CONFLICT (claim_id) DO UPDATE SET {column} = {column} + 1", [claim_id])
        return self.feedback(claim_id)


def _check_claim(claim: Claim) -> None:
    """Re-validate a merged claim against the wire limits (a PATCH can't break them)."""
    try:
        msgspec.convert({k: v for k, v in msgspec.to_builtins(claim).items()
                         if k in ClaimIn.__struct_fields__}, ClaimIn)
    except msgspec.ValidationError as exc:
        raise InvalidClaimError(str(exc)) from None
