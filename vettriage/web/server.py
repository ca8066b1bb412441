"""textual-serve with invitations: the only web surface of vettriage.

Routes: /i/{code} (validates the code, then serves the page with a one-time websocket ticket),
/ws/{ticket} (checks Origin, ticket, invitation, caps; then starts one app process bound to that intake),
/download/{key} (the handout), /static/... (textual-serve's front end, no listings), /assets/page.js.
Everything else is 404. The store is used from one worker thread so the event loop never blocks on it.
A revoked invitation also ends a session already open for it (checked every `revoke_poll` seconds).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
import os
import re
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable

from aiohttp import WSMsgType, web
from textual_serve.server import Server

from vettriage.web import invites as inv
from vettriage.web.appservice import OwnerAppService
from vettriage.web.child import INTAKE_ENV, PARENT_ENV, STORE_ENV  # noqa: F401 (STORE_ENV re-exported for serve)
from vettriage.web.limits import FailureLimiter, Slots
from vettriage.web.origin import origin_of, websocket_origin
from vettriage.web.pages import app_page, plain_page, security_headers

log = logging.getLogger("vettriage.web")

TICKET_SECONDS = 120.0
REVOKE_POLL = 5.0
"""Seconds between checks that the invitations of open sessions have not been revoked."""
MAX_MESSAGE = 64 * 1024
_KEY_RE = re.compile(r"^[0-9a-f]{32}$")
_FILENAME_BAD = re.compile(r"[^A-Za-z0-9._-]")


@dataclass
class Ticket:
    """A one-time permission to open the websocket for one intake, handed out in the page."""

    intake_id: int
    code_hash: str
    expires: float


@dataclass
class Live:
    """The one running app process of an intake."""

    websocket: web.WebSocketResponse
    service: OwnerAppService
    code_hash: str = ""
    done: asyncio.Event = field(default_factory=asyncio.Event)


def default_child_argv() -> list[str]:
    """The hidden command each owner connection runs."""
    return [sys.executable, "-m", "vettriage", "web-child"]


class IntakeServer(Server):
    """textual-serve's Server with invitation codes, Origin checks, a failure rate limit and a process cap."""

    def __init__(self, store_factory: Callable[[], Any], *, host: str = "127.0.0.1", port: int = 8000,
                 public_url: str | None = None, child_argv: list[str] | None = None,
                 child_env: dict[str, str] | None = None, max_apps: int = 16, fail_limit: int = 10,
                 fail_window: float = 600.0, trust_forwarded: bool = False,
                 title: str = "Pre-visit questionnaire", revoke_poll: float = REVOKE_POLL) -> None:
        super().__init__("vettriage web-child", host=host, port=port, title=title, public_url=public_url)
        self.public_url = self.public_url.rstrip("/")
        self.origin = origin_of(self.public_url)
        self.ws_origin = websocket_origin(self.public_url)
        self.store_factory = store_factory
        self.child_argv = child_argv or default_child_argv()
        self.child_env = dict(child_env or {})
        self.slots = Slots(max_apps)
        self.limiter = FailureLimiter(fail_limit, fail_window)
        self.trust_forwarded = trust_forwarded
        self.tickets: dict[str, Ticket] = {}
        self.live: dict[int, Live] = {}
        self.spawned = 0
        self.revoke_poll = revoke_poll
        self._finishing: set[asyncio.Task[None]] = set()
        self._watcher: asyncio.Task[None] | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vettriage-store")
        self._store: Any = None
        self._headers = security_headers(self.ws_origin)
        self._page_js = (files("vettriage.web") / "static" / "page.js").read_bytes()

    # -- plumbing -----------------------------------------------------------------------------------------
    async def db(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(store, *args)` on the store thread."""
        def call() -> Any:
            if self._store is None:
                self._store = self.store_factory()
            return fn(self._store, *args)
        return await asyncio.get_running_loop().run_in_executor(self._pool, call)

    def client_address(self, request: web.Request) -> str:
        """The owner's address: the peer, or the proxy's X-Forwarded-For entry when told to trust it."""
        peer = request.remote or "unknown"
        if self.trust_forwarded and peer in ("127.0.0.1", "::1"):
            # The proxy appends the address it saw last; earlier entries are the client's to invent.
            last = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
            if last:
                return last
        return peer

    def refuse(self, reason: str, status: int, **headers: str) -> web.Response:
        """A short plain page."""
        return web.Response(text=plain_page(reason), status=status, content_type="text/html",
                            headers=headers or None)

    def _issue_ticket(self, intake_id: int, code_hash: str) -> str:
        now = time.monotonic()
        for key in [k for k, t in self.tickets.items() if t.expires <= now]:
            del self.tickets[key]
        if len(self.tickets) > 10_000:  # bounded memory even under a flood of valid page loads
            self.tickets.pop(next(iter(self.tickets)))
        ticket = secrets.token_urlsafe(32)
        self.tickets[_digest(ticket)] = Ticket(intake_id, code_hash, now + TICKET_SECONDS)
        return ticket

    def _take_ticket(self, ticket: str) -> Ticket | None:
        if not re.fullmatch(r"[A-Za-z0-9_-]{40,64}", ticket):
            return None
        found = self.tickets.pop(_digest(ticket), None)
        if found is None or found.expires <= time.monotonic():
            return None
        return found

    # -- aiohttp application ------------------------------------------------------------------------------
    async def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=4096)
        statics = Path(self.statics_path)
        app.add_routes([
            web.get("/", self.handle_root),
            web.get("/i/{code}", self.handle_invite),
            web.get("/ws/{ticket}", self.handle_websocket),
            web.get("/download/{key}", self.handle_download),
            web.get("/assets/page.js", self.handle_page_js),
            web.static("/static", statics, show_index=False, follow_symlinks=False),
        ])
        app.on_response_prepare.append(self._on_prepare)
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def _on_prepare(self, request: web.Request, response: web.StreamResponse) -> None:
        response.headers["Server"] = "vettriage"
        for name, value in self._headers.items():
            response.headers.setdefault(name, value)

    async def on_startup(self, app: web.Application) -> None:
        """Say where we serve (never a code)."""
        print(f"vettriage: serving owner intakes on {self.public_url} "
              f"(listening on {self.host}:{self.port}); Ctrl+C to stop", flush=True)
        self._watcher = asyncio.get_running_loop().create_task(self._watch_revocations())

    async def _watch_revocations(self) -> None:
        """End the sessions whose invitation has been revoked since they opened (from the desk or the CLI,
        in another process: the store is the only channel, so it is polled, one indexed lookup per session)."""
        while True:
            await asyncio.sleep(self.revoke_poll)
            if not self.live:
                continue
            open_now = {intake_id: live.code_hash for intake_id, live in self.live.items()}
            try:
                revoked = await self.db(_revoked_among, open_now)
            except Exception:
                log.exception("store unavailable while checking for revoked invitations")
                continue
            for intake_id in revoked:
                live = self.live.get(intake_id)
                if live is not None and live.code_hash == open_now[intake_id]:
                    log.info("invitation for intake %s revoked: ending its open session", intake_id)
                    await self.end_session(live)

    async def end_session(self, live: Live) -> None:
        """Close one owner's connection and stop its app (the usual clean-up then frees the slot)."""
        await _close(live.websocket)
        await live.service.shutdown()

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every owner's connection; each app saves as it goes."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(BaseException):
                await self._watcher
        for live in list(self.live.values()):
            await live.websocket.close()
        await asyncio.gather(*(lv.service.shutdown() for lv in list(self.live.values())), return_exceptions=True)
        self._pool.submit(self._close_store).result()
        self._pool.shutdown(wait=True)

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def serve(self, debug: bool = False) -> None:
        """Run until Ctrl+C, with an access log that never prints a code or a ticket."""
        logging.basicConfig(level=logging.INFO, format="%(message)s")
        web.run_app(self._make_app(), host=self.host, port=self.port, access_log_class=RedactingAccessLogger,
                    print=lambda *a: None, handle_signals=True)

    # -- handlers -----------------------------------------------------------------------------------------
    async def handle_root(self, request: web.Request) -> web.Response:
        """No code: a short page, 404."""
        return self.refuse("missing", 404)

    async def handle_page_js(self, request: web.Request) -> web.Response:
        """The page's own small script (kept out of the HTML so the CSP needs no inline script)."""
        return web.Response(body=self._page_js, content_type="application/javascript")

    async def handle_invite(self, request: web.Request) -> web.Response:
        """Validate the code; on success serve the app page with a one-time websocket ticket."""
        address = self.client_address(request)
        if self.limiter.blocked(address):
            return self.refuse("limited", 429, **{"Retry-After": str(self.limiter.retry_after(address))})
        try:
            access = await self.db(inv.check_code, request.match_info["code"])
        except Exception:  # the store is down or busy: say so briefly, never a traceback page
            log.exception("store unavailable while checking a code")
            return self.refuse("busy", 503, **{"Retry-After": "30"})
        if not access.ok:
            self.limiter.fail(address)
            return self.refuse(access.reason or "unknown", access.status)
        if self.slots.full and access.intake_id not in self.live:
            return self.refuse("busy", 503, **{"Retry-After": "60"})
        ticket = self._issue_ticket(access.intake_id, inv.hash_code(request.match_info["code"]))
        page = app_page(static_url="/static/", page_js_url="/assets/page.js",
                        websocket_url=f"{self.ws_origin}/ws/{ticket}", title=self.title)
        return web.Response(text=page, content_type="text/html")

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        """Origin, ticket, invitation and cap checked before any process starts; then run one app."""
        origin = request.headers.get("Origin")
        if origin is None or origin_of(origin) != self.origin:
            return self.refuse("origin", 403)
        address = self.client_address(request)
        if self.limiter.blocked(address):
            return self.refuse("limited", 429, **{"Retry-After": str(self.limiter.retry_after(address))})
        ticket = self._take_ticket(request.match_info["ticket"])
        if ticket is None:
            self.limiter.fail(address)
            return self.refuse("unknown", 403)
        try:
            access = await self.db(_recheck, ticket.code_hash)
        except Exception:
            log.exception("store unavailable while checking a ticket")
            return self.refuse("busy", 503, **{"Retry-After": "30"})
        if not access.ok or access.intake_id != ticket.intake_id:
            return self.refuse(access.reason or "unknown", 403)
        # One process per intake: a reload or a second tab takes over from the old connection.
        previous = self.live.get(ticket.intake_id)
        if previous is not None:
            await previous.websocket.close()
            try:
                await asyncio.wait_for(previous.done.wait(), 15)
            except asyncio.TimeoutError:
                return self.refuse("busy", 503, **{"Retry-After": "10"})
        if not self.slots.take():
            return self.refuse("busy", 503, **{"Retry-After": "60"})
        return await self._run_app(request, ticket.intake_id, access.invite_id, ticket.code_hash)

    async def _run_app(self, request: web.Request, intake_id: int, invite_id: int | None,
                       code_hash: str = "") -> web.StreamResponse:
        """Start the app for one intake and pump the browser's input to it; the slot is already taken."""
        width = _clamp(request.query.get("width"), 80, 20, 400)
        height = _clamp(request.query.get("height"), 24, 5, 200)
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        env = {**self.child_env, INTAKE_ENV: str(intake_id), PARENT_ENV: str(os.getpid())}
        service = OwnerAppService(self.child_argv, env, write_bytes=websocket.send_bytes,
                                  write_str=websocket.send_str, close=lambda: _close(websocket),
                                  download_manager=self.download_manager)
        live = self.live[intake_id] = Live(websocket, service, code_hash)
        try:
            await websocket.prepare(request)
            await service.start(width, height)
            self.spawned += 1
            # An app that ends without saying goodbye (crashed, killed) must not leave a frozen page open.
            assert service._task is not None
            service._task.add_done_callback(lambda _: self._spawn(_close(websocket)))
            await self._pump(websocket, service)
        except asyncio.CancelledError:
            pass
        except Exception:  # a broken connection must not take the server down
            log.exception("owner connection failed")
        finally:
            # The clean-up runs as its own task, held here, so a cancelled or dropped handler cannot skip it.
            task = asyncio.get_running_loop().create_task(self._finish(live, intake_id, invite_id))
            self._finishing.add(task)
            task.add_done_callback(self._finishing.discard)
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                pass
        return websocket

    def _spawn(self, coro: Any) -> None:
        """Run `coro` as a task held until it ends (the loop keeps only weak references to tasks)."""
        task = asyncio.get_running_loop().create_task(coro)
        self._finishing.add(task)
        task.add_done_callback(self._finishing.discard)

    async def _finish(self, live: Live, intake_id: int, invite_id: int | None) -> None:
        """Stop the app (it saved as it went), free the slot, mark the invitation used if the intake is done."""
        try:
            await _close(live.websocket)
            await live.service.shutdown()
        finally:
            self.slots.give_back()
            if self.live.get(intake_id) is live:
                del self.live[intake_id]
            live.done.set()
        if invite_id is not None:
            try:
                await self.db(inv.refresh_used, invite_id, intake_id)
            except Exception:
                log.exception("could not update the invitation")

    async def _pump(self, websocket: web.WebSocketResponse, service: OwnerAppService) -> None:
        """Browser -> app: keystrokes, size, focus; anything malformed is dropped, never trusted."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                kind = envelope[0]
            except Exception:
                continue
            if kind == "stdin" and isinstance(envelope[1], str):
                await service.send_bytes(envelope[1].encode("utf-8"))
            elif kind == "resize" and isinstance(envelope[1], dict):
                size = envelope[1]
                await service.set_terminal_size(_clamp(size.get("width"), 80, 20, 400),
                                                _clamp(size.get("height"), 24, 5, 200))
            elif kind == "ping":
                await websocket.send_json(["pong", str(envelope[1])[:64]])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """The handout an app delivered: only a live delivery key (122 random bits) opens it, once."""
        key = request.match_info["key"]
        if not _KEY_RE.match(key):
            return self.refuse("not_found", 404)
        try:
            meta = await self.download_manager.get_download_metadata(key)
        except KeyError:
            return self.refuse("not_found", 404)
        name = _FILENAME_BAD.sub("_", meta.file_name or "handout")[:80] or "handout"
        response = web.StreamResponse()
        response.headers["Content-Type"] = meta.mime_type + (f"; charset={meta.encoding}" if meta.encoding else "")
        disposition = "inline" if meta.open_method == "browser" else "attachment"
        response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
        await response.prepare(request)
        async for chunk in self.download_manager.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response


class RedactingAccessLogger(web.AbstractAccessLogger):  # type: ignore[misc]
    """One line per request with codes and tickets blanked out."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        """Log method, redacted path, status and duration."""
        path = re.sub(r"^/(i|ws|download)/[^/?]+", r"/\1/…", request.path)
        self.logger.info("%s %s %s %.0fms", request.method, path, response.status, time * 1000)


async def _close(websocket: web.WebSocketResponse) -> None:
    """Close without waiting on a browser that has gone (aiohttp would wait up to its close timeout)."""
    if not websocket.closed and websocket.prepared:
        try:
            await asyncio.wait_for(websocket.close(), 2)
        except (asyncio.TimeoutError, Exception):
            pass


def _revoked_among(store: Any, code_hashes: dict[int, str]) -> list[int]:
    """The intakes (of those given with their invitation's code hash) whose invitation is revoked or gone."""
    out = []
    for intake_id, code_hash in code_hashes.items():
        invite = store.find_invite(code_hash) if code_hash else None
        if code_hash and (invite is None or invite.revoked):
            out.append(intake_id)
    return out


def _recheck(store: Any, code_hash: str) -> inv.Access:
    invite = store.find_invite(code_hash)
    if invite is None:
        return inv.Access("unknown")
    return inv.check_invite(store, invite, dt.datetime.now(dt.timezone.utc))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _clamp(value: Any, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))
