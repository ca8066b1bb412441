"""`vettriage serve` as a process: its apps never outlive it."""

from __future__ import annotations

import asyncio
import os
import re
import signal
from pathlib import Path

import aiohttp

from tests.web.conftest import LiveServer, invite_for


async def test_apps_end_when_the_server_is_killed_outright(store_url, store, catalogue, tmp_path):
    live = LiveServer(store_url, tmp_path)
    app_pid = None
    try:
        code, _, intake = invite_for(store, catalogue, "Rex")
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{live.url}/i/{code}") as r:
                ws_url = re.search(r'data-session-websocket-url="([^"]+)"', await r.text()).group(1)
            ws = await http.ws_connect(ws_url, headers={"Origin": live.url})
            async with asyncio.timeout(20):
                seen = b""
                while b"Rex" not in seen:
                    msg = await ws.receive()
                    assert msg.type == aiohttp.WSMsgType.BINARY, msg
                    seen += msg.data
            (app_pid,) = live.children()
            live.proc.send_signal(signal.SIGKILL)  # no clean-up at all: only the kernel can tell the app
            live.proc.wait(10)
            async with asyncio.timeout(15):
                while _alive(app_pid):
                    await asyncio.sleep(0.05)
            await ws.close()
    finally:
        live.stop()
        if app_pid is not None and _alive(app_pid):  # the test failed: do not leave the orphan behind
            os.kill(app_pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    """Running (an exited orphan is reaped by init and disappears; a zombie state counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False
