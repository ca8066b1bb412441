"""Helpers for the headless-Chromium tests: the browser, what the app painted, an in-thread server."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from typing import Any, Callable

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
CHROMIUM = "/usr/bin/chromium"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[>=]")


class Screen:
    """Everything the app sent to one page, as text without escape sequences."""

    def __init__(self, page: Any) -> None:
        self.chunks: list[str] = []
        self.page = page
        page.on("websocket", self._attach)

    def _attach(self, ws: Any) -> None:
        ws.on("framereceived", lambda f: self.chunks.append(f if isinstance(f, str) else
                                                             f.decode("utf-8", "replace")))

    def mark(self) -> int:
        """A point to read from later (e.g. before a reload)."""
        return len(self.chunks)

    def text(self, since: int = 0) -> str:
        """The painted text since `since`."""
        return _ANSI.sub("", "".join(self.chunks[since:]))

    def wait_for(self, needle: str, since: int = 0, timeout: float = 15.0) -> str:
        """Wait (bounded) until `needle` has been painted."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text(since):
                return self.text(since)
            # The sync API delivers events only inside its own calls: wait through it, not time.sleep.
            self.page.wait_for_timeout(50)
        raise AssertionError(f"{needle!r} never painted; last: {self.text(since)[-300:]!r}")


def wait_until(cond: Callable[[], Any], timeout: float = 15.0, what: str = "condition", page: Any = None) -> Any:
    """Poll `cond` until truthy (bounded); with `page`, keep its events flowing meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        if page is not None:
            page.wait_for_timeout(50)
        else:
            time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def open_owner(browser: Any, link: str) -> tuple[Any, Any, "Screen", Any]:
    """A fresh browser profile on `link`: (context, page, screen, response)."""
    ctx = browser.new_context(viewport={"width": 1100, "height": 700}, accept_downloads=True)
    ctx.set_default_timeout(15000)
    page = ctx.new_page()
    screen = Screen(page)
    response = page.goto(link)
    return ctx, page, screen, response


class ThreadServer:
    """An IntakeServer on its own event loop in a thread (for the stand-in app tests)."""

    def __init__(self, server: Any) -> None:
        from aiohttp import web

        self.server = server
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        async def start() -> None:
            self.runner = web.AppRunner(await server._make_app())
            await self.runner.setup()
            await web.TCPSite(self.runner, "127.0.0.1", server.port).start()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(start())
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)

    def stop(self) -> None:
        """Shut down (closing every owner's connection) and join."""
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
