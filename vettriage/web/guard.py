"""What sits around the form application: headers on every response, a bounded request body, a log that never
holds a code, and a uvicorn connection protocol that limits connections per address, closes connections whose
request headers do not arrive in time (a half-open request cannot hold the server), and answers a request it
cannot parse with a short 400 carrying our headers, logged as one line without a traceback.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any, Callable

from vettriage.web.pages import security_headers

log = logging.getLogger("vettriage.web")

# Codes and session tokens are 43 URL-safe characters, hashes 64 hex digits: a run of 32 or more such
# characters is blanked wherever it appears (identifiers in a traceback are shorter).
_SECRET_PATH = re.compile(r"/(i)/[^\s'\"?#]*")
_LONG_RUN = re.compile(r"[A-Za-z0-9_\-]{32,}")

MAX_TARGET = 8 * 1024
"""Bytes a request's path and query may have (a link is under 100)."""
MAX_BODY = 16 * 1024
"""Bytes a request body may have: a page's form is well under 4 KB."""
HEADER_TIMEOUT = 10.0
"""Seconds a connection may take to send a request's headers (from connecting, or since its last response)."""
MAX_PER_ADDRESS = 32
"""Connections one address may hold open at once (per worker process)."""


def redact(text: str) -> str:
    """`text` with every code-bearing path and every code-like run blanked."""
    return _LONG_RUN.sub("…", _SECRET_PATH.sub(r"/\1/…", text))


class RedactingFormatter(logging.Formatter):
    """A formatter whose every line (message and traceback) goes through `redact`."""

    def format(self, record: logging.LogRecord) -> str:
        """Format as usual, then redact."""
        return redact(super().format(record))


def install_redacting_logging(level: int = logging.INFO) -> None:
    """Log to stderr through `RedactingFormatter`, uvicorn's loggers included (their access log is off: ours
    below prints redacted paths)."""
    logging.basicConfig(level=level, format="%(message)s")
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(handler.formatter._fmt if handler.formatter else "%(message)s"))
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True


def guarded(app: Any, owner: Any) -> Any:
    """`app` wrapped: security headers on every response, `Server: vettriage`, request bodies over MAX_BODY
    refused, one redacted access-log line per request."""
    headers = security_headers(secure=owner.secure) + [(b"server", b"vettriage")]
    names = {k for k, _ in headers}

    async def middleware(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start = time.monotonic()
        status = [0]
        received = [0]

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                own = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names or k.lower() in (
                    b"referrer-policy", b"content-security-policy")]
                given = {k.lower() for k, _ in own}
                message = {**message, "headers": own + [(k, v) for k, v in headers if k not in given]}
            await send(message)

        async def bounded_receive() -> dict[str, Any]:
            message = await receive()
            if message["type"] == "http.request":
                received[0] += len(message.get("body", b""))
                if received[0] > MAX_BODY:
                    raise BodyTooLarge
            return message

        if len(scope.get("raw_path", b"")) + len(scope.get("query_string", b"")) > MAX_TARGET:
            await _short(send_with_headers, 414, b"This address is too long.")
            log.info("%s %s %s", scope.get("method"), "(address too long)", 414)
            return
        try:
            await app(scope, bounded_receive, send_with_headers)
        except BodyTooLarge:
            if not status[0]:
                await _short(send_with_headers, 413, b"Too large.")
        finally:
            log.info("%s %s %s %.0fms", scope.get("method"), redact(scope.get("path", "")), status[0],
                     (time.monotonic() - start) * 1000)

    return middleware


class BodyTooLarge(Exception):
    """A request body past MAX_BODY."""


async def _short(send: Callable[..., Any], status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


import h11  # noqa: E402 - uvicorn's own parser: imported with the protocol below
from uvicorn.protocols.http.h11_impl import H11Protocol  # noqa: E402

_open_by_address: dict[str, int] = {}


class GuardedH11(H11Protocol):  # type: ignore[misc]
    """uvicorn's h11 protocol with a per-address cap, a header deadline and a quiet 400. Module level (not
    made by a function) so that uvicorn's worker processes find it by name; `configure` sets its limits in
    each process (from the environment `vettriage serve` hands them)."""

    secure = False
    max_per_address = MAX_PER_ADDRESS
    header_timeout = HEADER_TIMEOUT
    exempt: frozenset[str] = frozenset()

    _counted = False
    _deadline: Any = None
    _cycle_seen: Any = None
    _host = "?"

    @classmethod
    def configure(cls, *, secure: bool, max_per_address: int = MAX_PER_ADDRESS,
                  header_timeout: float = HEADER_TIMEOUT, exempt: frozenset[str] = frozenset()) -> None:
        """Set the limits. `exempt` addresses (a local reverse proxy carrying every owner's connection) are
        not limited per address."""
        cls.secure, cls.max_per_address, cls.header_timeout, cls.exempt = (secure, max_per_address,
                                                                            header_timeout, exempt)

    def connection_made(self, transport: Any) -> None:
        """Count the address's connections (refusing one past the cap) and start the header deadline."""
        super().connection_made(transport)
        host = self.client[0] if self.client else "?"
        self._host = host
        if host not in self.exempt and _open_by_address.get(host, 0) >= self.max_per_address:
            log.info("too many connections from %s: closed", host)
            transport.abort()
            return
        _open_by_address[host] = _open_by_address.get(host, 0) + 1
        self._counted = True
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        """Uncount the connection."""
        self._disarm()
        if self._counted:
            self._counted = False
            left = _open_by_address.get(self._host, 1) - 1
            if left > 0:
                _open_by_address[self._host] = left
            else:
                _open_by_address.pop(self._host, None)
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.cycle is None or self.cycle.response_complete:
            log.info("request headers from %s did not arrive in %gs: closed", self._host, self.header_timeout)
            self.transport.close()

    def handle_events(self) -> None:
        """As uvicorn's; once a request's line and headers have arrived, its deadline is met."""
        super().handle_events()
        if self.cycle is not None and self.cycle is not self._cycle_seen:
            self._cycle_seen = self.cycle
            self._disarm()

    def on_response_complete(self) -> None:
        """As uvicorn's; the next request on this connection gets its own deadline."""
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def send_400_response(self, msg: str) -> None:
        """A request we cannot parse: a short page with our headers, the connection closed, one log line
        naming only the address (uvicorn's own warning is filtered out by QuietInvalid)."""
        log.info("malformed request from %s: closed", self._host)
        extra = security_headers(secure=self.secure) + [(b"server", b"vettriage")]
        try:
            event = h11.Response(status_code=400, headers=[(b"content-type", b"text/plain; charset=utf-8"),
                                                           (b"connection", b"close"), *extra], reason=b"Bad Request")
            self.transport.write(self.conn.send(event))
            self.transport.write(self.conn.send(h11.Data(data=b"This request could not be read.\n")))
            self.transport.write(self.conn.send(h11.EndOfMessage()))
        except h11.LocalProtocolError:
            pass
        self.transport.close()


class QuietInvalid(logging.Filter):
    """Drops uvicorn's "Invalid HTTP request received." (our protocol logs its own line, with the address)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for that one message."""
        return "Invalid HTTP request received" not in record.getMessage()
