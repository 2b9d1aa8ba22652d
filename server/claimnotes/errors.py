"""Domain errors and the one JSON error shape every 4xx/5xx response uses.

Only ``routes/`` and ``app.py`` know HTTP; the store and importers raise these.
The shape is Litestar's own: ``{"status_code", "detail", "extra"?}``.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, TooManyRequestsException, ValidationException

log = logging.getLogger("claimnotes")


class ClaimNotesError(Exception):
    """Something went wrong."""

    status_code = 400

    def __init__(self, detail: str | None = None, *, extra: Any = None,
                 headers: dict[str, str] | None = None) -> None:
        self.detail = detail or (self.__doc__ or "").strip()
        self.extra = extra
        self.headers = headers
        super().__init__(self.detail)


class ClaimNotFoundError(ClaimNotesError):
    """No claim with that id."""

    status_code = 404


class VersionConflictError(ClaimNotesError):
    """The claim was changed by someone else since you read it; reload and retry."""

    status_code = 409


class PreconditionRequiredError(ClaimNotesError):
    """Send the version you are editing, as an If-Match header or a version field."""

    status_code = 428


class InvalidClaimError(ClaimNotesError):
    """The claim is not valid."""

    status_code = 400


class DuplicateClaimError(ClaimNotesError):
    """A claim with that id already exists."""

    status_code = 409


class TokenError(ClaimNotesError):
    """A valid bearer token is required."""

    status_code = 401


class ForbiddenError(ClaimNotesError):
    """Your token's role may not do this."""

    status_code = 403


class PayloadTooLargeError(ClaimNotesError):
    """The request is larger than this server accepts."""

    status_code = 413


class UnsupportedFormatError(ClaimNotesError):
    """The data is in no format this server can read."""

    status_code = 415


def error_body(status_code: int, detail: str, extra: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status_code": status_code, "detail": detail}
    if extra is not None:
        body["extra"] = extra
    return body


def handle_domain_error(_: Request, exc: ClaimNotesError) -> Response[dict[str, Any]]:
    return Response(error_body(exc.status_code, exc.detail, exc.extra),
                    status_code=exc.status_code, headers=exc.headers)


def handle_http_error(_: Request, exc: HTTPException) -> Response[dict[str, Any]]:
    """Litestar's own errors (validation, 404 route, 405, 413, 429) in our shape."""
    extra = exc.extra if isinstance(exc, ValidationException) else (exc.extra or None)
    headers = dict(exc.headers or {})
    if isinstance(exc, TooManyRequestsException):
        # Litestar's rate limiter sends only the RateLimit-* draft headers;
        # clients and proxies look for Retry-After.
        reset = next((v for k, v in headers.items() if k.lower() == "ratelimit-reset"), "1")
        headers["Retry-After"] = str(max(1, int(reset))) if reset.isdigit() else "1"
    return Response(error_body(exc.status_code, exc.detail, extra),
                    status_code=exc.status_code, headers=headers or None)


def handle_undecodable_body(_: Request, exc: Exception) -> Response[dict[str, Any]]:
    """Bodies that break the JSON decoder itself (invalid UTF-8, absurd nesting)."""
    detail = ("The request body is not valid UTF-8." if isinstance(exc, UnicodeDecodeError)
              else "The request body is nested too deeply.")
    return Response(error_body(400, detail), status_code=400)


def handle_unexpected_error(_: Request, exc: Exception) -> Response[dict[str, Any]]:
    # Log the type and where it was raised, never the message or the request:
    # either may hold the page text a reader sent.
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    log.error("internal error: %s at %s", type(exc).__name__, where)
    return Response(error_body(500, "Internal server error."), status_code=500)
