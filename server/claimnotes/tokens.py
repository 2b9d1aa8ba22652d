"""Bearer tokens: only a SHA-256 hash of each token is stored.

Tokens are 256 random bits, so an unsalted fast hash is enough: nobody can
brute-force the preimage, and lookup by hash stays an index seek.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import sqlite_utils

from claimnotes.errors import ClaimNotesError
from claimnotes.schemas import Role, TokenInfo
from claimnotes.store import utc_now

TOKEN_PREFIX = "cn_"


class TokenNotFoundError(ClaimNotesError):
    """No active token with that name or id."""

    status_code = 404


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _info(row: dict) -> TokenInfo:
    return TokenInfo(id=row["id"], name=row["name"], role=row["role"],
                     created_at=row["created_at"], revoked_at=row["revoked_at"])


def create_token(db: sqlite_utils.Database, name: str, role: Role) -> tuple[str, TokenInfo]:
    """Make a token; returns the secret (shown once) and what is stored about it."""
    if not name or len(name) > 100:
        raise ClaimNotesError("A token name is 1 to 100 characters.")
    if role not in ("reader", "curator", "admin"):
        raise ClaimNotesError("The role must be reader, curator or admin.")
    if db.execute("SELECT 1 FROM tokens WHERE name = ?", [name]).fetchone():
        raise ClaimNotesError(f"A token named {name!r} exists already; names are never reused.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = {"id": "t_" + secrets.token_hex(6), "name": name, "role": role,
           "hash": hash_token(secret), "created_at": utc_now(), "revoked_at": None}
    db["tokens"].insert(row)
    return secret, _info(row)


def list_tokens(db: sqlite_utils.Database) -> list[TokenInfo]:
    return [_info(r) for r in db.query("SELECT * FROM tokens ORDER BY created_at, id")]


def revoke_token(db: sqlite_utils.Database, name_or_id: str) -> TokenInfo:
    row = db.execute("SELECT id FROM tokens WHERE (name = ? OR id = ?) AND revoked_at IS NULL",
                     [name_or_id, name_or_id]).fetchone()
    if row is None:
        raise TokenNotFoundError()
    db.execute("UPDATE tokens SET revoked_at = ? WHERE id = ?", [utc_now(), row[0]])
    return _info(next(db.query("SELECT * FROM tokens WHERE id = ?", [row[0]])))


def verify_token(db: sqlite_utils.Database, secret: str) -> TokenInfo | None:
    """The active token with this secret, or None."""
    digest = hash_token(secret)
    rows = list(db.query("SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL", [digest]))
    # The index lookup already picked the row; compare in constant time anyway so
    # that no code path compares secret material byte by byte.
    if rows and hmac.compare_digest(rows[0]["hash"], digest):
        return _info(rows[0])
    return None
