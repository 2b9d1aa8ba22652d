"""Who is calling: bearer tokens checked against the store, and role guards."""

from __future__ import annotations

from litestar import Request

from claimnotes.errors import ForbiddenError, TokenError
from claimnotes.schemas import TokenInfo
from claimnotes.store import ClaimStore
from claimnotes.tokens import verify_token

CURATOR_ROLES = frozenset({"curator", "admin"})


def bearer_secret(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def authenticate(request: Request, store: ClaimStore) -> TokenInfo:
    """The caller's active token; 401 if missing, unknown or revoked."""
    secret = bearer_secret(request)
    token = verify_token(store.db, secret) if secret else None
    if token is None:
        # Never echo the token back: error bodies can end up in logs.
        raise TokenError(headers={"WWW-Authenticate": 'Bearer realm="claimnotes"'})
    return token


def require_curator(request: Request, store: ClaimStore) -> TokenInfo:
    token = authenticate(request, store)
    if token.role not in CURATOR_ROLES:
        raise ForbiddenError("This needs a curator or admin token.")
    return token


def require_reader(request: Request, store: ClaimStore, required: bool) -> TokenInfo | None:
    """Readers need a token (any role) only when the server is set to require one."""
    return authenticate(request, store) if required else None
