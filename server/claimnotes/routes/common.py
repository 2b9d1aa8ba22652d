"""What every route module shares: the error responses documented in OpenAPI."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.openapi.datastructures import ResponseSpec


class ErrorResponse(msgspec.Struct, kw_only=True):
    """The one error shape of every 4xx and 5xx response."""

    status_code: int
    detail: str
    extra: Any = None


_DESCRIPTIONS = {
    400: "Malformed or invalid input.",
    401: "A valid bearer token is required.",
    403: "The token's role may not do this.",
    404: "Not found.",
    409: "Conflict with the stored state.",
    413: "The request is too large.",
    415: "Unsupported media type.",
    428: "A version precondition is required.",
    429: "Too many requests; see Retry-After.",
}


def error_responses(*codes: int) -> dict[int, ResponseSpec]:
    # No generated examples: they are random, so the schema would change on every start.
    return {code: ResponseSpec(data_container=ErrorResponse, description=_DESCRIPTIONS[code],
                               generate_examples=False)
            for code in (*codes, 429)}
