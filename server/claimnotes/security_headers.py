"""Security headers on every response, errors and unknown routes included.

Installed as a ``before_send`` hook, which Litestar runs on every message the
app sends (route middleware would miss 404s for unknown paths).
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

API_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cache-control": "no-store",
}
# JSON never needs to run anything; the schema pages need their own scripts.
STRICT_CSP = "default-src 'none'; frame-ancestors 'none'"
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https:; "
            "style-src 'self' 'unsafe-inline' https:; img-src 'self' data: https:; "
            "font-src 'self' https: data:; connect-src 'self'; frame-ancestors 'none'")


async def add_security_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in API_HEADERS.items():
        if name not in headers:
            headers[name] = value
    headers["content-security-policy"] = DOCS_CSP if scope["path"].startswith("/schema") else STRICT_CSP
