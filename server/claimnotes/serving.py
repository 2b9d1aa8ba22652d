"""The HTTP protocol `claimnotes serve` runs: uvicorn's h11 protocol plus a
deadline for receiving each request, and TCP_NODELAY on every connection.

uvicorn arms no timer while a request's headers or body are still arriving
(its keep-alive timer only runs between requests, and any byte cancels it), so
a client that sends one byte every few seconds (slowloris) would hold its
connection, and a `--limit-concurrency` slot, forever. Here every request must
arrive whole within REQUEST_TIMEOUT seconds of the connection opening or of the
previous response; a client still sending after that is disconnected. A request
that has fully arrived is never cut off, however long the work takes.
"""

from __future__ import annotations

import asyncio
import os
import socket
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

DEFAULT_REQUEST_TIMEOUT = 30.0
"""Seconds a client has to send a request's headers and body (`--request-timeout`)."""
TIMEOUT_ENV = "CLAIMNOTES_REQUEST_TIMEOUT"  # how `serve` hands the option to worker processes


def _no_delay(transport: asyncio.Transport) -> None:
    """Send small responses at once (TCP_NODELAY).

    asyncio sets it only on sockets whose `proto` is IPPROTO_TCP. With
    `--workers N` uvicorn binds the listening socket itself with proto 0, so
    accepted connections kept Nagle's algorithm on, and every response waited
    ~40 ms for the client's delayed ACK (bench/load.py: 160 instead of 800 req/s).
    """
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


class DeadlineH11Protocol(H11Protocol):
    """H11Protocol that drops connections whose request arrives too slowly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request_timeout = float(os.environ.get(TIMEOUT_ENV, DEFAULT_REQUEST_TIMEOUT))
        self._deadline: asyncio.TimerHandle | None = None

    def _arm_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(self.request_timeout, self._deadline_passed)

    def _deadline_passed(self) -> None:
        self._deadline = None
        # IDLE: no complete request line and headers yet; SEND_BODY: the body is
        # still coming. Once the client is DONE the app has the whole request.
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
            self.logger.info("dropped a connection whose request took over %gs", self.request_timeout)
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        _no_delay(transport)
        self._arm_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_deadline()  # the next request on this connection gets its own deadline

    def connection_lost(self, exc: Exception | None) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        super().connection_lost(exc)
