"""The security layer in front of textual-serve, in process, with a stand-in app as the child."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import signal
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tests.web.conftest import STANDIN, free_port, invite_for
from vettriage.store import open_store
from vettriage.web.server import IntakeServer


@pytest.fixture
async def web(store_url):
    """(IntakeServer, base url, client session) on a free port, with the stand-in app as the child."""
    port = free_port()
    server = IntakeServer(lambda: open_store(store_url), port=port, public_url=f"http://127.0.0.1:{port}",
                          child_argv=STANDIN, max_apps=2, fail_limit=8, revoke_poll=0.2)
    ts = TestServer(await server._make_app(), host="127.0.0.1", port=port)
    await ts.start_server()
    async with aiohttp.ClientSession() as session:
        yield server, f"http://127.0.0.1:{port}", session
    await ts.close()


def ticket_of(page: str) -> str:
    return re.search(r'data-session-websocket-url="ws://127\.0\.0\.1:\d+/ws/([^"]+)"', page).group(1)


async def screen_text(ws, needle: str, limit: float = 15.0) -> str:
    """Frames from the app until `needle` shows up (bounded)."""
    seen = ""
    async with asyncio.timeout(limit):
        while needle not in seen:
            msg = await ws.receive()
            if msg.type == aiohttp.WSMsgType.BINARY:
                seen += msg.data.decode("utf-8", "replace")
            elif msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.ERROR):
                break
    return seen


async def test_refusals_are_short_pages_and_start_nothing(web, store, catalogue):
    server, base, http = web
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=4)
    expired, _, _ = invite_for(store, catalogue, "Old", lifetime=dt.timedelta(days=3), now=past)
    revoked, inv_r, _ = invite_for(store, catalogue, "Gone")
    store.revoke_invite(inv_r.id)
    done, _, intake_d = invite_for(store, catalogue, "Done")
    store.complete(intake_d.id, {"urgency": "routine"})
    cases = [("/", 404), ("/i/" + "A" * 43, 404), ("/i/nope", 404), (f"/i/{expired}", 403),
             (f"/i/{revoked}", 403), (f"/i/{done}", 403), (f"/i/{done}", 403)]
    for path, status in cases:
        async with http.get(base + path) as r:
            body = await r.text()
            assert r.status == status, path
            assert len(body) < 600 and "<p>" in body and "Traceback" not in body
    assert server.spawned == 0 and not server.live


async def test_rate_limit_on_failed_codes(web, store, catalogue):
    server, base, http = web
    good, _, _ = invite_for(store, catalogue, "Rex")
    for _ in range(8):
        async with http.get(base + "/i/" + "B" * 43) as r:
            assert r.status == 404
    async with http.get(base + "/i/" + "B" * 43) as r:
        assert r.status == 429 and int(r.headers["Retry-After"]) > 0
    async with http.get(base + "/i/" + good) as r:  # a good code opens whatever came from the address before
        assert r.status == 200 and "data-session-websocket-url" in await r.text()
    async with http.get(base + "/i/" + "B" * 43) as r:  # and the address stays blocked for guesses
        assert r.status == 429


async def test_headers_listings_and_traversal(web, store, catalogue):
    server, base, http = web
    good, _, _ = invite_for(store, catalogue, "Rex")
    async with http.get(base + "/i/" + good) as r:
        assert r.status == 200
        assert "script-src 'self'" in r.headers["Content-Security-Policy"]
        assert r.headers["Referrer-Policy"] == "no-referrer" and r.headers["Server"] == "vettriage"
        page = await r.text()
        assert good not in page and "googleapis" not in page
    for path in ["/static/", "/static/js/", "/static/../server.py", "/static/%2e%2e/server.py",
                 "/ws", "/download/../../etc/passwd", "/download/" + "0" * 32, "/desk", "/intakes/1"]:
        async with http.get(base + path) as r:
            assert r.status in (403, 404), path
            assert "textual.js" not in await r.text()
    async with http.post(base + "/i/" + good) as r:
        assert r.status == 405


async def test_websocket_checks_origin_then_ticket(web, store, catalogue):
    server, base, http = web
    good, _, intake = invite_for(store, catalogue, "Rex")
    async with http.get(base + "/i/" + good) as r:
        ticket = ticket_of(await r.text())
    for origin in [None, "http://evil.example", "http://localhost:" + base.rsplit(":", 1)[1],
                   "https://127.0.0.1:" + base.rsplit(":", 1)[1], "null"]:
        headers = {} if origin is None else {"Origin": origin}
        with pytest.raises(aiohttp.WSServerHandshakeError) as err:
            await http.ws_connect(f"{base}/ws/{ticket}", headers=headers)
        assert err.value.status == 403
    with pytest.raises(aiohttp.WSServerHandshakeError) as err:
        await http.ws_connect(f"{base}/ws/{'C' * 43}", headers={"Origin": base})
    assert err.value.status == 403
    assert server.spawned == 0
    # The untouched ticket still works from the right origin, once.
    async with http.ws_connect(f"{base}/ws/{ticket}?width=80&height=24", headers={"Origin": base}) as ws:
        assert f"STANDIN intake {intake.id}" in await screen_text(ws, "STANDIN")
        assert server.spawned == 1
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await http.ws_connect(f"{base}/ws/{ticket}", headers={"Origin": base})


async def test_each_link_reaches_only_its_intake_and_download(web, store, catalogue):
    server, base, http = web
    a, _, ia = invite_for(store, catalogue, "Rex")
    b, _, ib = invite_for(store, catalogue, "Bella")
    tickets = []
    for code in (a, b):
        async with http.get(base + "/i/" + code) as r:
            tickets.append(ticket_of(await r.text()))
    async with http.ws_connect(f"{base}/ws/{tickets[0]}", headers={"Origin": base}) as wa, \
            http.ws_connect(f"{base}/ws/{tickets[1]}", headers={"Origin": base}) as wb:
        sa, sb = await screen_text(wa, "STANDIN"), await screen_text(wb, "STANDIN")
        assert f"intake {ia.id}" in sa and f"intake {ib.id}" not in sa
        assert f"intake {ib.id}" in sb and f"intake {ia.id}" not in sb
        assert len(server.live) == 2
        # Cap of 2 processes: a third owner is told to come back, and nothing starts.
        c, _, _ = invite_for(store, catalogue, "Luna")
        async with http.get(base + "/i/" + c) as r:
            assert r.status == 503
        # The handout: the app delivers, the browser fetches /download/<key> once.
        await wa.send_json(["stdin", "d"])
        async with asyncio.timeout(10):
            while True:
                msg = await wa.receive()
                if msg.type == aiohttp.WSMsgType.TEXT and "deliver_file_start" in msg.data:
                    key = msg.json()[1]
                    break
        async with http.get(f"{base}/download/{key}") as r:
            assert r.status == 200 and await r.text() == f"handout for intake {ia.id}\n"
            assert r.headers["Content-Disposition"] == 'attachment; filename="handout.txt"'
        async with http.get(f"{base}/download/{key}") as r:
            assert r.status == 404
    for _ in range(300):
        if not (server.live or server.slots.used):
            break
        await asyncio.sleep(0.05)
    assert not server.live and server.slots.used == 0, (server.live, server.slots.used)


async def test_revoked_after_page_load_refuses_the_websocket(web, store, catalogue):
    server, base, http = web
    code, invite, _ = invite_for(store, catalogue, "Rex")
    async with http.get(base + "/i/" + code) as r:
        ticket = ticket_of(await r.text())
    store.revoke_invite(invite.id)
    with pytest.raises(aiohttp.WSServerHandshakeError) as err:
        await http.ws_connect(f"{base}/ws/{ticket}", headers={"Origin": base})
    assert err.value.status == 403 and server.spawned == 0


async def test_a_reload_takes_over_the_old_connection(web, store, catalogue):
    server, base, http = web
    code, _, intake = invite_for(store, catalogue, "Rex")
    socks = []
    for _ in range(2):
        async with http.get(base + "/i/" + code) as r:
            ticket = ticket_of(await r.text())
        ws = await http.ws_connect(f"{base}/ws/{ticket}", headers={"Origin": base})
        await screen_text(ws, "STANDIN")
        socks.append(ws)
    async with asyncio.timeout(10):
        while not socks[0].closed:
            await socks[0].receive()
    assert len(server.live) == 1 and server.slots.used == 1 and server.spawned == 2
    await socks[1].close()


async def open_session(server, base, http, code, intake_id):
    """Load the page, open the websocket and wait for the app to paint: (websocket, its app's pid)."""
    async with http.get(base + "/i/" + code) as r:
        ticket = ticket_of(await r.text())
    ws = await http.ws_connect(f"{base}/ws/{ticket}", headers={"Origin": base})
    assert f"intake {intake_id}" in await screen_text(ws, "STANDIN")
    return ws, server.live[intake_id].service.pid


async def until_closed_and_freed(server, ws, pid: int) -> None:
    """The browser's socket is closed, the slot is free and the app process is gone (reaped, not a zombie)."""
    async with asyncio.timeout(15):
        while not ws.closed:
            await ws.receive()
        while server.live or server.slots.used or Path(f"/proc/{pid}").exists():
            await asyncio.sleep(0.05)


async def test_revoking_ends_an_open_session(web, store, catalogue):
    server, base, http = web
    code, invite, intake = invite_for(store, catalogue, "Rex")
    other, _, other_intake = invite_for(store, catalogue, "Bella")
    ws, pid = await open_session(server, base, http, code, intake.id)
    ws_other, pid_other = await open_session(server, base, http, other, other_intake.id)
    await asyncio.sleep(0.6)  # several polls: sessions whose invitation stands stay open
    assert not ws.closed and len(server.live) == 2
    store.revoke_invite(invite.id)
    async with asyncio.timeout(15):
        while not ws.closed:
            await ws.receive()
        while intake.id in server.live or Path(f"/proc/{pid}").exists():
            await asyncio.sleep(0.05)
    assert not ws_other.closed and list(server.live) == [other_intake.id] and server.slots.used == 1
    assert Path(f"/proc/{pid_other}").exists()
    async with http.get(base + "/i/" + code) as r:
        assert r.status == 403
    await ws_other.close()
    await until_closed_and_freed(server, ws_other, pid_other)


async def test_an_app_that_dies_closes_its_page(web, store, catalogue):
    server, base, http = web
    code, _, intake = invite_for(store, catalogue, "Rex")
    ws, pid = await open_session(server, base, http, code, intake.id)
    os.kill(pid, signal.SIGKILL)
    await until_closed_and_freed(server, ws, pid)
