"""How sessions start and end: one app per intake whatever arrives at once (in one server and across two
sharing a store), expiry, idleness, failed codes that never lock out a valid link, and a distinct close reason
for each ending. In process, with the stand-in app as the child; traffic to 127.0.0.1 only; every wait bounded."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import time

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tests.web.conftest import STANDIN, free_port, invite_for
from tests.web.test_server import screen_text, ticket_of
from vettriage.store import open_store
from vettriage.web.endings import close_code
from vettriage.web.server import IntakeServer


async def start(store_url, **kwargs):
    """(server, base url, test server) on a free port."""
    port = free_port()
    options = dict(child_argv=STANDIN, max_apps=16, revoke_poll=0.3, tick=0.2)
    options.update(kwargs)
    server = IntakeServer(lambda: open_store(store_url), port=port, public_url=f"http://127.0.0.1:{port}",
                          **options)
    ts = TestServer(await server._make_app(), host="127.0.0.1", port=port)
    await ts.start_server()
    return server, f"http://127.0.0.1:{port}", ts


@pytest.fixture
async def web(store_url):
    server, base, ts = await start(store_url)
    async with aiohttp.ClientSession() as http:
        yield server, base, http
    await ts.close()


async def page_ticket(http, base, code):
    async with http.get(base + "/i/" + code) as r:
        assert r.status == 200, r.status
        return ticket_of(await r.text())


async def closed_with(ws, limit: float = 15.0):
    """Read until the server closes: (close code, reason text)."""
    async with asyncio.timeout(limit):
        while True:
            msg = await ws.receive()
            if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                return ws.close_code, (msg.extra or "")


async def settle(server, limit: float = 15.0):
    """Until every session is gone and every slot free."""
    async with asyncio.timeout(limit):
        while server.live or server.slots.used:
            await asyncio.sleep(0.05)


async def test_eight_connections_at_once_from_one_link_leave_one_app(web, store, catalogue):
    server, base, http = web
    code, _, intake = invite_for(store, catalogue, "Rex")
    tickets = [await page_ticket(http, base, code) for _ in range(8)]
    assert len(server.tickets) == 4  # tickets are limited per intake: the oldest four were retired

    async def connect(ticket):
        try:
            return await http.ws_connect(f"{base}/ws/{ticket}", headers={"Origin": base})
        except aiohttp.WSServerHandshakeError as err:
            return err.status

    results = await asyncio.gather(*(connect(t) for t in tickets))
    sockets = [r for r in results if not isinstance(r, int)]
    assert sorted(r for r in results if isinstance(r, int)) == [403] * 4
    assert len(sockets) == 4
    # Exactly one of them gets the app; every other is closed and told it was taken over.
    readers = [asyncio.get_running_loop().create_task(closed_with(ws, 20)) for ws in sockets]
    async with asyncio.timeout(20):
        while sum(r.done() for r in readers) < 3 or intake.id not in server.live:
            await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    ended = [r.result() for r in readers if r.done()]
    alive = [ws for ws, r in zip(sockets, readers) if not r.done()]
    assert len(alive) == 1 and ended == [(close_code("takeover"), "takeover")] * 3
    for r in readers:
        r.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    await alive[0].send_json(["stdin", "d"])  # the survivor's app answers it
    async with asyncio.timeout(10):
        while True:
            msg = await alive[0].receive()
            if msg.type == aiohttp.WSMsgType.TEXT and "deliver_file_start" in msg.data:
                break
    assert len(server.live) == 1 and server.slots.used == 1 and server.peak_running == 1
    assert server.spawned == 1
    await alive[0].close()
    await settle(server)
    # Three more tries of the same burst: never two apps for the intake at any moment.
    for _ in range(3):
        tickets = [await page_ticket(http, base, code) for _ in range(4)]
        socks = await asyncio.gather(*(http.ws_connect(f"{base}/ws/{t}", headers={"Origin": base})
                                       for t in tickets))
        await asyncio.sleep(1.0)
        assert len(server.live) == 1 and server.peak_running == 1
        for ws in socks:
            await ws.close()
        await settle(server)


async def test_a_newer_tab_takes_over_and_the_older_is_told(web, store, catalogue):
    server, base, http = web
    code, _, intake = invite_for(store, catalogue, "Rex")
    first = await http.ws_connect(f"{base}/ws/{await page_ticket(http, base, code)}", headers={"Origin": base})
    await screen_text(first, "STANDIN")
    old_pid = server.live[intake.id].service.pid
    second = await http.ws_connect(f"{base}/ws/{await page_ticket(http, base, code)}", headers={"Origin": base})
    assert await closed_with(first) == (close_code("takeover"), "takeover")
    assert f"intake {intake.id}" in await screen_text(second, "STANDIN")
    assert not os.path.exists(f"/proc/{old_pid}") or open(f"/proc/{old_pid}/stat").read().split()[2] == "Z"
    assert server.peak_running == 1
    await second.close()
    await settle(server)


async def two_servers_one_app(store_url, store, catalogue):
    """The same link opened on server A, then on server B sharing A's store: A's app stops before B's starts."""
    a, base_a, ts_a = await start(store_url)
    b, base_b, ts_b = await start(store_url)
    code, _, intake = invite_for(store, catalogue, "Rex")
    samples = []

    async def sample():
        while True:
            samples.append(a.running.get(intake.id, 0) + b.running.get(intake.id, 0))
            await asyncio.sleep(0.02)

    sampler = asyncio.get_running_loop().create_task(sample())
    try:
        async with aiohttp.ClientSession() as http:
            ws_a = await http.ws_connect(f"{base_a}/ws/{await page_ticket(http, base_a, code)}",
                                         headers={"Origin": base_a})
            await screen_text(ws_a, "STANDIN")
            ws_b = await http.ws_connect(f"{base_b}/ws/{await page_ticket(http, base_b, code)}",
                                         headers={"Origin": base_b})
            # Server A sees at its next beat that B wants the intake, ends its session, releases; B starts.
            assert await closed_with(ws_a) == (close_code("takeover"), "takeover")
            assert f"intake {intake.id}" in await screen_text(ws_b, "STANDIN")
            assert intake.id in b.live and intake.id not in a.live
            await ws_b.close()
            await settle(b)
            await settle(a)
    finally:
        sampler.cancel()
        await ts_a.close()
        await ts_b.close()
    assert max(samples) == 1 and samples.count(1) > 0
    invite = store.list_invites()[0]
    assert "session" not in invite.extra  # released


async def test_a_session_open_at_expiry_is_closed_within_15_seconds(store_url, store, catalogue):
    server, base, ts = await start(store_url, tick=1.0, revoke_poll=5.0)  # the defaults of `serve`
    now = dt.datetime.now(dt.timezone.utc)
    code, invite, intake = invite_for(store, catalogue, "Rex", lifetime=dt.timedelta(days=1),
                                      now=now - dt.timedelta(days=1) + dt.timedelta(seconds=4))
    expires = invite.expires_at.timestamp()
    try:
        async with aiohttp.ClientSession() as http:
            ws = await http.ws_connect(f"{base}/ws/{await page_ticket(http, base, code)}", headers={"Origin": base})
            await screen_text(ws, "STANDIN")
            assert time.time() < expires
            assert await closed_with(ws, 25) == (close_code("expired"), "expired")
            late = time.time() - expires
            assert 0 <= late < 15, late
            await settle(server)
            async with http.get(f"{base}/i/{code}") as r:  # Continue now gets the "expired" page
                assert r.status == 403 and "expired" in await r.text()
    finally:
        await ts.close()
    print(f"closed {late:.2f} s after expiry")


async def test_an_idle_session_ends_and_continue_resumes(store_url, store, catalogue):
    # generous margins: on a busy 2-core machine a keystroke can arrive a second late
    server, base, ts = await start(store_url, idle_timeout=4)
    code, _, intake = invite_for(store, catalogue, "Rex")
    try:
        async with aiohttp.ClientSession() as http:
            ws = await http.ws_connect(f"{base}/ws/{await page_ticket(http, base, code)}", headers={"Origin": base})
            await screen_text(ws, "STANDIN")
            for _ in range(3):  # keystrokes keep it open
                await asyncio.sleep(1.0)
                await ws.send_json(["stdin", "z"])
            assert not ws.closed
            assert await closed_with(ws) == (close_code("idle"), "idle")
            await settle(server)
            again = await http.ws_connect(f"{base}/ws/{await page_ticket(http, base, code)}",
                                          headers={"Origin": base})
            assert f"intake {intake.id}" in await screen_text(again, "STANDIN")
            await again.close()
            await settle(server)
    finally:
        await ts.close()


async def test_twelve_wrong_codes_then_the_valid_link_opens(web, store, catalogue):
    server, base, http = web  # fail_limit 10 per 10 minutes, the default
    code, _, intake = invite_for(store, catalogue, "Rex")
    statuses = []
    for i in range(12):
        async with http.get(f"{base}/i/{'W' * 42}{i % 10}") as r:
            statuses.append(r.status)
    assert statuses == [404] * 10 + [429] * 2
    ticket = await page_ticket(http, base, code)
    ws = await http.ws_connect(f"{base}/ws/{ticket}", headers={"Origin": base})
    assert f"intake {intake.id}" in await screen_text(ws, "STANDIN")
    # Twelve bad tickets from the same address do not stop a good one either.
    for _ in range(12):
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await http.ws_connect(f"{base}/ws/{'T' * 43}", headers={"Origin": base})
    await ws.close()
    await settle(server)
    again = await http.ws_connect(f"{base}/ws/{await page_ticket(http, base, code)}", headers={"Origin": base})
    assert f"intake {intake.id}" in await screen_text(again, "STANDIN")
    await again.close()
    await settle(server)


async def test_each_ending_has_its_own_reason(web, store, catalogue):
    server, base, http = web

    async def session(name):
        code, invite, intake = invite_for(store, catalogue, name)
        ws = await http.ws_connect(f"{base}/ws/{await page_ticket(http, base, code)}", headers={"Origin": base})
        await screen_text(ws, "STANDIN")
        return ws, invite, intake

    ws, _, _ = await session("Saved")
    await ws.send_json(["stdin", "x"])  # the app quits by itself, intake still in progress: Save & leave
    assert await closed_with(ws) == (close_code("saved"), "saved")
    ws, _, intake = await session("Done")
    store.complete(intake.id, {"urgency": "routine"})
    await ws.send_json(["stdin", "x"])
    assert await closed_with(ws) == (close_code("done"), "done")
    ws, _, intake = await session("Dead")
    os.kill(server.live[intake.id].service.pid, signal.SIGKILL)
    assert await closed_with(ws) == (close_code("crashed"), "crashed")
    ws, invite, _ = await session("Revoked")
    store.revoke_invite(invite.id)
    assert await closed_with(ws) == (close_code("revoked"), "revoked")
    ws, invite, _ = await session("Used")
    store.use_invite(invite.id)
    assert await closed_with(ws) == (close_code("used"), "used")
    await settle(server)
    assert len({close_code(r) for r in ("done", "saved", "crashed", "takeover", "expired", "revoked", "used",
                                        "idle", "shutdown")}) == 9
