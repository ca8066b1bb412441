"""textual-serve with invitations: the only web surface of vettriage.

Routes: /i/{code} (validates the code, then serves the page with a one-time websocket ticket),
/ws/{ticket} (checks Origin, ticket, invitation, caps; then starts one app process bound to that intake),
/download/{key} (the handout), /static/... (textual-serve's front end, no listings), /assets/page.js,
/favicon.ico. Everything else is 404. The store is used from one worker thread so the event loop never blocks.

One app per intake, whatever arrives at once: each WebSocket takes the intake's in-memory claim (a generation
number) synchronously, before its first `await`; the newest claim wins, an older connection still starting gives
up, an older running one is ended ("takeover") and waited for before the new app starts. Across servers sharing
one store, `claims` orders them the same way. A session also ends when its invitation expires (checked every
`tick`), is revoked or used up (every `revoke_poll`), or after `idle_timeout` seconds without a keystroke; the
close frame names the reason and the page says it (vettriage.web.endings).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import re
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable

from aiohttp import WSMsgType, web
from textual_serve.server import Server

from vettriage.web import claims
from vettriage.web import invites as inv
from vettriage.web.appservice import OwnerAppService
from vettriage.web.child import INTAKE_ENV, PARENT_ENV, STORE_ENV  # noqa: F401 (STORE_ENV re-exported for serve)
from vettriage.web.endings import close_code
from vettriage.web.httpguard import GuardedRunner, install_redacting_logging, redact
from vettriage.web.limits import FailureLimiter, Slots
from vettriage.web.origin import origin_of, websocket_origin
from vettriage.web.pages import app_page, plain_page, security_headers
from vettriage.web.sessions import Live, TicketBook, own_ending, poll, recheck

log = logging.getLogger("vettriage.web")

REVOKE_POLL = 5.0
"""Seconds between checks of the open sessions' invitations (revoked, used up) and renewals of their claims."""
TICK = 1.0
"""Seconds between checks of expiry and idleness (no store access: both are known in memory)."""
IDLE_TIMEOUT = 30 * 60.0
TAKEOVER_WAIT = 15.0
"""Seconds a new connection waits for the intake's previous app to stop before giving up ("busy")."""
MAX_MESSAGE = 64 * 1024
_KEY_RE = re.compile(r"^[0-9a-f]{32}$")
_FILENAME_BAD = re.compile(r"[^A-Za-z0-9._-]")
# A code that is not one of ours counts against the address; a real one that no longer works (expired,
# revoked, used) is an owner with an old link, not a guess.
GUESSES = {"missing", "unknown"}


def default_child_argv() -> list[str]:
    """The hidden command each owner connection runs."""
    return [sys.executable, "-m", "vettriage", "web-child"]


class IntakeServer(Server):
    """textual-serve's Server with invitation codes, Origin checks, a failure rate limit and a process cap."""

    def __init__(self, store_factory: Callable[[], Any], *, host: str = "127.0.0.1", port: int = 8000,
                 public_url: str | None = None, child_argv: list[str] | None = None,
                 child_env: dict[str, str] | None = None, max_apps: int = 16, fail_limit: int = 10,
                 fail_window: float = 600.0, trust_forwarded: bool = False,
                 title: str = "Pre-visit questionnaire", revoke_poll: float = REVOKE_POLL,
                 idle_timeout: float = IDLE_TIMEOUT, tick: float = TICK) -> None:
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
        self.tickets = TicketBook()
        self.live: dict[int, Live] = {}
        self.claims: dict[int, int] = {}
        """Intake id -> the newest connection's generation: only that connection may start the intake's app."""
        self._generations = itertools.count(1)
        self.server_id = secrets.token_hex(8)
        self.running: dict[int, int] = {}
        self.peak_running = 0
        """The most app processes one intake has had at once (tests assert it is never above 1)."""
        self.spawned = 0
        self.revoke_poll = revoke_poll
        self.idle_timeout = idle_timeout
        self.tick = tick
        self.stale_after = max(15.0, 3 * revoke_poll)
        self._finishing: set[asyncio.Task[None]] = set()
        self._watcher: asyncio.Task[None] | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vettriage-store")
        self._store: Any = None
        self._headers = security_headers(self.ws_origin)
        self._page_js = (files("vettriage.web") / "static" / "page.js").read_bytes()
        self._favicon = (files("vettriage.web") / "static" / "favicon.svg").read_bytes()

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

    def error_page(self, status: int) -> web.Response:
        """What aiohttp's own error path answers (a request it could not parse): our page and our headers."""
        response = self.refuse("bad_request" if 400 <= status < 500 else "busy", status)
        response.headers.update(self._headers)
        response.headers["Server"] = "vettriage"
        return response

    def _spawn(self, coro: Any) -> None:
        """Run `coro` as a task held until it ends (the loop keeps only weak references to tasks)."""
        task = asyncio.get_running_loop().create_task(coro)
        self._finishing.add(task)
        task.add_done_callback(self._finishing.discard)

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
            web.get("/favicon.ico", self.handle_favicon),
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
        self._watcher = asyncio.get_running_loop().create_task(self._watch_sessions())

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every owner's connection ("the server is restarting"); each app saves as it goes."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(BaseException):
                await self._watcher
        await asyncio.gather(*(self.end_session(lv, "shutdown") for lv in list(self.live.values())),
                             return_exceptions=True)
        if self._finishing:
            await asyncio.gather(*list(self._finishing), return_exceptions=True)
        self._pool.submit(self._close_store).result()
        self._pool.shutdown(wait=True)

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def serve(self, debug: bool = False) -> None:
        """Run until Ctrl+C, with logs that never print a code or a ticket."""
        install_redacting_logging()

        async def run() -> None:
            runner = GuardedRunner(await self._make_app(), self.error_page, handle_signals=True,
                                   access_log_class=RedactingAccessLogger)
            await runner.setup()
            try:
                await web.TCPSite(runner, self.host, self.port).start()
                await asyncio.Event().wait()  # until SIGINT/SIGTERM raise GracefulExit here
            finally:
                await runner.cleanup()

        with contextlib.suppress(web.GracefulExit, KeyboardInterrupt):
            asyncio.run(run())

    # -- the sessions' ends -------------------------------------------------------------------------------
    async def _watch_sessions(self) -> None:
        """End sessions whose invitation expired or that sat idle (every `tick`), and those whose invitation
        was revoked or used up, or whose claim another server wants (every `revoke_poll`: one store
        transaction for all open sessions)."""
        next_poll = time.monotonic() + self.revoke_poll
        while True:
            await asyncio.sleep(self.tick)
            now = time.monotonic()
            for live in list(self.live.values()):
                if live.end_reason is not None:
                    continue
                if time.time() >= live.expires_at:
                    self._spawn(self.end_session(live, "expired"))
                elif self.idle_timeout and now - live.last_input >= self.idle_timeout:
                    self._spawn(self.end_session(live, "idle"))
            if now < next_poll or not self.live:
                continue
            next_poll = now + self.revoke_poll
            sessions = {i: (lv.code_hash, lv.claim_id) for i, lv in self.live.items() if lv.end_reason is None}
            try:
                ended = await self.db(poll, sessions, time.time())
            except Exception:
                log.exception("store unavailable while checking the open sessions")
                continue
            for intake_id, reason in ended.items():
                live = self.live.get(intake_id)
                if live is not None and live.claim_id == sessions[intake_id][1]:
                    log.info("intake %s: ending its open session (%s)", intake_id, reason)
                    self._spawn(self.end_session(live, reason))

    async def end_session(self, live: Live, reason: str) -> None:
        """End one owner's session for `reason` (the page is told), stop its app and wait until its clean-up
        has freed the slot. The first reason given is the one the owner sees."""
        if live.end_reason is None:
            live.end_reason = reason
        await _close(live.websocket, live.end_reason)
        if live.service is not None:
            await live.service.shutdown()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(live.done.wait(), TAKEOVER_WAIT)

    async def _app_said_goodbye(self, live: Live) -> None:
        """The app quit by itself: Done when the intake is complete, else Save & leave."""
        live.said_goodbye = True
        reason = live.end_reason
        if reason is None:
            try:
                reason = await self.db(own_ending, live.intake_id)
            except Exception:
                reason = "saved"
        await _close(live.websocket, reason)

    async def _app_gone(self, live: Live) -> None:
        """The app's output ended: if it never said goodbye and nobody stopped it, it died."""
        if not live.said_goodbye:
            await _close(live.websocket, live.end_reason or "crashed")

    # -- handlers -----------------------------------------------------------------------------------------
    async def handle_root(self, request: web.Request) -> web.Response:
        """No code: a short page, 404."""
        return self.refuse("missing", 404)

    async def handle_page_js(self, request: web.Request) -> web.Response:
        """The page's own small script (kept out of the HTML so the CSP needs no inline script)."""
        return web.Response(body=self._page_js, content_type="application/javascript")

    async def handle_favicon(self, request: web.Request) -> web.Response:
        """The tab's icon (browsers ask for it on every page)."""
        return web.Response(body=self._favicon, content_type="image/svg+xml")

    async def handle_invite(self, request: web.Request) -> web.Response:
        """Validate the code; on success serve the app page with a one-time websocket ticket. A valid code
        always opens, whatever came from the address before: only failures are limited."""
        address = self.client_address(request)
        code = request.match_info["code"]
        try:
            access = await self.db(inv.check_code, code)
        except Exception:  # the store is down or busy: say so briefly, never a traceback page
            log.exception("store unavailable while checking a code")
            return self.refuse("busy", 503, **{"Retry-After": "30"})
        if not access.ok:
            reason = access.reason or "unknown"
            if reason in GUESSES:
                if self.limiter.blocked(address):
                    return self.refuse("limited", 429, **{"Retry-After": str(self.limiter.retry_after(address))})
                self.limiter.fail(address)
            return self.refuse(reason, access.status)
        if self.slots.full and access.intake_id not in self.live:
            return self.refuse("busy", 503, **{"Retry-After": "60"})
        ticket = self.tickets.issue(access.intake_id, inv.hash_code(code))
        page = app_page(static_url="/static/", page_js_url="/assets/page.js",
                        websocket_url=f"{self.ws_origin}/ws/{ticket}", title=self.title)
        return web.Response(text=page, content_type="text/html")

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        """Origin, ticket, invitation and cap checked before any process starts; then run one app."""
        origin = request.headers.get("Origin")
        if origin is None or origin_of(origin) != self.origin:
            return self.refuse("origin", 403)
        address = self.client_address(request)
        ticket = self.tickets.take(request.match_info["ticket"])
        if ticket is None:
            if self.limiter.blocked(address):
                return self.refuse("limited", 429, **{"Retry-After": str(self.limiter.retry_after(address))})
            self.limiter.fail(address)
            return self.refuse("unknown", 403)
        intake_id = ticket.intake_id
        # The claim, before any await: of connections arriving together, the last to get here is the one.
        generation = self.claims[intake_id] = next(self._generations)
        try:
            access = await self.db(recheck, ticket.code_hash)
        except Exception:
            self._drop_claim(intake_id, generation)
            log.exception("store unavailable while checking a ticket")
            return self.refuse("busy", 503, **{"Retry-After": "30"})
        if not access.ok or access.intake_id != intake_id:
            self._drop_claim(intake_id, generation)
            return self.refuse(access.reason or "unknown", 403)
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        await websocket.prepare(request)
        reason = await self._wait_for_turn(intake_id, generation)
        if reason is not None:
            self._drop_claim(intake_id, generation)
            await _close(websocket, reason)
            return websocket
        # Synchronously from the last check: no other connection can slip in between.
        if self.claims.get(intake_id) != generation or intake_id in self.live or not self.slots.take():
            busy = self.claims.get(intake_id) == generation
            self._drop_claim(intake_id, generation)
            await self.db(claims.release, intake_id, claims.holder(self.server_id, generation)["id"])
            await _close(websocket, "busy" if busy else "takeover")
            return websocket
        assert access.expires_at is not None
        live = self.live[intake_id] = Live(intake_id, generation, claims.holder(self.server_id, generation)["id"],
                                           ticket.code_hash, access.invite_id, access.expires_at.timestamp(),
                                           websocket=websocket)
        return await self._run_app(request, live)

    async def _wait_for_turn(self, intake_id: int, generation: int) -> str | None:
        """Until this connection may start the intake's app: the previous one here has stopped and no other
        server holds the intake. None when it may; else why not (takeover by a newer one, busy)."""
        previous = self.live.get(intake_id)
        if previous is not None:
            await self.end_session(previous, "takeover")
        me = claims.holder(self.server_id, generation)
        deadline = time.monotonic() + self.stale_after + TAKEOVER_WAIT
        while True:
            if self.claims.get(intake_id) != generation:
                return "takeover"
            if intake_id in self.live:  # still stopping after TAKEOVER_WAIT
                return "busy"
            try:
                if await self.db(claims.take, intake_id, me, time.time(), self.stale_after):
                    return None if self.claims.get(intake_id) == generation else "takeover"
            except Exception:
                log.exception("store unavailable while claiming an intake")
                return "busy"
            if time.monotonic() > deadline:
                return "busy"
            await asyncio.sleep(0.5)

    def _drop_claim(self, intake_id: int, generation: int) -> None:
        if self.claims.get(intake_id) == generation:
            del self.claims[intake_id]

    async def _run_app(self, request: web.Request, live: Live) -> web.StreamResponse:
        """Start the app for one intake and pump the browser's input to it; the slot is already taken."""
        websocket = live.websocket
        width = _clamp(request.query.get("width"), 80, 20, 400)
        height = _clamp(request.query.get("height"), 24, 5, 200)
        env = {**self.child_env, INTAKE_ENV: str(live.intake_id), PARENT_ENV: str(os.getpid())}
        live.service = service = OwnerAppService(
            self.child_argv, env, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
            close=lambda: self._app_said_goodbye(live), download_manager=self.download_manager)
        try:
            await service.start(width, height)
            self.spawned += 1
            self.running[live.intake_id] = self.running.get(live.intake_id, 0) + 1
            self.peak_running = max(self.peak_running, self.running[live.intake_id])
            # An app that ends without saying goodbye (crashed, killed) must not leave a frozen page open.
            assert service._task is not None
            service._task.add_done_callback(lambda _: self._spawn(self._app_gone(live)))
            await self._pump(websocket, live)
        except asyncio.CancelledError:
            pass
        except Exception:  # a broken connection must not take the server down
            log.exception("owner connection failed")
        finally:
            # The clean-up runs as its own task, held here, so a cancelled or dropped handler cannot skip it.
            task = asyncio.get_running_loop().create_task(self._finish(live))
            self._finishing.add(task)
            task.add_done_callback(self._finishing.discard)
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                pass
        return websocket

    async def _finish(self, live: Live) -> None:
        """Stop the app (it saved as it went), free the slot and the claims, mark the invitation used if the
        intake is done."""
        intake_id = live.intake_id
        try:
            await _close(live.websocket, live.end_reason or "saved")
            await live.service.shutdown()
        finally:
            if live.service is not None and live.service.pid is not None:
                self.running[intake_id] = max(0, self.running.get(intake_id, 1) - 1)
            self.slots.give_back()
            if self.live.get(intake_id) is live:
                del self.live[intake_id]
            self._drop_claim(intake_id, live.generation)
            live.done.set()
        try:
            await self.db(claims.release, intake_id, live.claim_id)
            if live.invite_id is not None:
                await self.db(inv.refresh_used, live.invite_id, intake_id)
        except Exception:
            log.exception("could not update the invitation")

    async def _pump(self, websocket: web.WebSocketResponse, live: Live) -> None:
        """Browser -> app: keystrokes, size, focus; anything malformed is dropped, never trusted."""
        service = live.service
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                kind = envelope[0]
            except Exception:
                continue
            if kind == "stdin" and isinstance(envelope[1], str):
                live.last_input = time.monotonic()
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
        self.logger.info("%s %s %s %.0fms", request.method, redact(request.path), response.status, time * 1000)


async def _close(websocket: web.WebSocketResponse | None, reason: str) -> None:
    """Close with the code naming `reason` (the page shows why), without waiting on a browser that has gone
    (aiohttp would wait up to its close timeout)."""
    if websocket is not None and not websocket.closed and websocket.prepared:
        try:
            await asyncio.wait_for(websocket.close(code=close_code(reason), message=reason.encode()), 2)
        except (asyncio.TimeoutError, Exception):
            pass


def _clamp(value: Any, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))
