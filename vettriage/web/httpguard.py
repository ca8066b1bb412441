"""What aiohttp does below the application, made safe: requests it cannot parse, and every log line.

aiohttp answers a request it cannot parse (a request line over 8,190 bytes, a bad header) itself, before any
route or `on_response_prepare` hook runs: its 400 carried none of our security headers, named the server's
version, and its log line quoted the start of the request line, invitation code included. `GuardedRunner`
makes the server use `GuardedHandler`, whose error responses are our short page with our headers and whose log
line names only the client address and the kind of error. `RedactingFormatter` is the last line of defence on
every log handler: whatever a message or a traceback holds, paths under /i/, /ws/ and /download/ and any long
run of code-like characters are blanked before the line is written.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable

from aiohttp import web
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_server import Server

log = logging.getLogger("vettriage.web")

# Codes and tickets are 43 URL-safe characters, download keys 32 hex digits: a run of 32 or more such
# characters is blanked wherever it appears (identifiers in a traceback are shorter).
_SECRET_PATH = re.compile(r"/(i|ws|download)/[^\s'\"?#]*")
_LONG_RUN = re.compile(r"[A-Za-z0-9_\-]{32,}")


def redact(text: str) -> str:
    """`text` with every code-bearing path and every code-like run blanked."""
    return _LONG_RUN.sub("…", _SECRET_PATH.sub(r"/\1/…", text))


class RedactingFormatter(logging.Formatter):
    """A formatter whose every line (message and traceback) goes through `redact`."""

    def format(self, record: logging.LogRecord) -> str:
        """Format as usual, then redact."""
        return redact(super().format(record))


def install_redacting_logging(level: int = logging.INFO) -> None:
    """Log to stderr through `RedactingFormatter` (also every handler already on the root logger)."""
    logging.basicConfig(level=level, format="%(message)s")
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(handler.formatter._fmt if handler.formatter else "%(message)s"))


class GuardedHandler(RequestHandler):
    """aiohttp's connection handler with our own answer to requests it cannot parse."""

    make_error_page: Callable[[int], web.Response] | None = None

    def handle_error(self, request: Any, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        """One redacted log line (a traceback only for a real server error), and our page with our headers."""
        if status >= 500 and exc is not None:
            log.error("error handling a request from %s", request.remote, exc_info=exc)
        else:  # the client's own fault: its bytes are never quoted
            log.info("bad request from %s: %s (%s)", request.remote, type(exc).__name__ if exc else "error", status)
        if request.writer.output_size > 0:
            raise ConnectionError("response already started")
        assert self.make_error_page is not None
        response = self.make_error_page(status)
        response.force_close()
        return response


class GuardedServer(Server):
    """aiohttp's Server, making `GuardedHandler`s."""

    error_page: Callable[[int], web.Response] | None = None

    def __call__(self) -> RequestHandler:
        handler = GuardedHandler(self, loop=self._loop, **self._kwargs)
        handler.make_error_page = self.error_page
        return handler


class GuardedRunner(web.AppRunner):
    """An AppRunner whose server answers unparseable requests with `error_page(status)`."""

    def __init__(self, app: web.Application, error_page: Callable[[int], web.Response], **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self._error_page = error_page

    async def _make_server(self) -> Server:
        server = await super()._make_server()
        # Same object, same state: only the class that builds each connection's handler changes.
        server.__class__ = GuardedServer
        server.error_page = self._error_page  # type: ignore[attr-defined]
        return server
