"""The web intake in a real headless Chromium against `vettriage serve` (traffic to 127.0.0.1 only)."""

from __future__ import annotations

import datetime as dt
import re
import urllib.request

import pytest

from tests.web.browser import ThreadServer, open_owner, wait_until
from tests.web.conftest import STANDIN, free_port, invite_for
from vettriage.store import open_store
from vettriage.web import invites as inv
from vettriage.web.codes import new_code

pytest.importorskip("playwright.sync_api")


def first_words(text: str, n: int = 3) -> str:
    return " ".join(text.split()[:n])


def test_answers_autosave_and_survive_a_reload(browser, live, store, catalogue):
    code, _, intake = invite_for(store, catalogue, "Rex")
    ctx, page, screen, response = open_owner(browser, inv.invite_link(live.url, code))
    assert response.status == 200
    page.wait_for_selector("body.-first-byte")
    screen.wait_for("Rex")
    page.click("#terminal")
    first = store.get_intake(intake.id).answers
    page.keyboard.press("u")  # "don't know" on the first open question, then on to the next
    after_one = wait_until(lambda: (a := store.get_intake(intake.id).answers) != first and a, what="autosave")
    page.keyboard.press("u")
    kept = wait_until(lambda: (a := store.get_intake(intake.id).answers) != after_one and a, what="2nd save")
    # The shown question: the next one, not yet answered.
    position = wait_until(lambda: (p := store.get_intake(intake.id).position) not in kept and p, what="position")
    assert len(kept) == len(first) + 2
    assert len(live.children()) == 1

    mark = screen.mark()
    page.reload()
    page.wait_for_selector("body.-first-byte")
    item = catalogue.items[position]
    screen.wait_for(first_words(item.text.owner), since=mark)
    again = store.get_intake(intake.id)
    assert again.answers == kept and again.position == position and again.status == "in_progress"
    wait_until(lambda: len(live.children()) == 1, what="the old process to go")
    ctx.close()
    wait_until(lambda: not live.children(), what="processes to end after the owner left")


def test_two_owners_each_see_only_their_own_dog(browser, live, store, catalogue):
    a, _, ia = invite_for(store, catalogue, "Biscuit")
    b, _, ib = invite_for(store, catalogue, "Marmalade")
    owners = [open_owner(browser, inv.invite_link(live.url, c)) for c in (a, b)]
    for (ctx, page, screen, resp), mine, theirs in zip(owners, ("Biscuit", "Marmalade"), ("Marmalade", "Biscuit")):
        assert resp.status == 200
        text = screen.wait_for(mine)
        assert theirs not in text
    assert len(live.children()) == 2
    owners[0][1].click("#terminal")
    owners[0][1].keyboard.press("u")
    wait_until(lambda: len(store.get_intake(ia.id).answers) > 1, what="owner A's save")
    assert store.get_intake(ib.id).answers == {"dog_name": "Marmalade"}
    for ctx, *_ in owners:
        ctx.close()


def test_bad_codes_are_refused_without_a_process(browser, live, store, catalogue):
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=4)
    expired, _, _ = invite_for(store, catalogue, "Old", lifetime=dt.timedelta(days=3), now=past)
    used, _, done = invite_for(store, catalogue, "Done")
    store.complete(done.id, {"urgency": "routine"})
    ctx = browser.new_context()
    page = ctx.new_page()
    for code, status in [(new_code(), 404), (expired, 403), (used, 403), (used, 403), ("", 404)]:
        resp = page.goto(inv.invite_link(live.url, code) if code else live.url + "/")
        assert resp.status == status
        assert len(page.content()) < 800
        assert page.query_selector("#terminal") is None
    assert live.children() == []
    assert "/ws/" not in live.output()
    ctx.close()


def test_cross_origin_websocket_is_refused(browser, live, store, catalogue):
    code, _, _ = invite_for(store, catalogue, "Rex")
    html = urllib.request.urlopen(inv.invite_link(live.url, code), timeout=10).read().decode()
    ws_url = re.search(r'data-session-websocket-url="([^"]+)"', html).group(1)
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(live.url.replace("127.0.0.1", "localhost") + "/")  # another origin, same machine
    outcome = page.evaluate("""url => new Promise(done => {
        const ws = new WebSocket(url);
        ws.onopen = () => done("open"); ws.onerror = () => done("refused");
        setTimeout(() => done("timeout"), 8000); })""", ws_url)
    assert outcome == "refused"
    assert re.search(r"GET /ws/… 403", live.output())
    assert live.children() == []
    ctx.close()


def test_handout_download_through_the_browser(browser, store_url, store, catalogue):
    """deliver_binary -> the browser fetches /download/<key> and saves the file (stand-in app as the child)."""
    from vettriage.web.server import IntakeServer

    port = free_port()
    srv = ThreadServer(IntakeServer(lambda: open_store(store_url), port=port,
                                    public_url=f"http://127.0.0.1:{port}", child_argv=STANDIN))
    try:
        code, _, intake = invite_for(store, catalogue, "Rex")
        ctx, page, screen, resp = open_owner(browser, inv.invite_link(f"http://127.0.0.1:{port}", code))
        downloads = []
        ctx.on("page", lambda p: p.on("download", lambda d: downloads.append(d)))
        page.on("download", lambda d: downloads.append(d))
        screen.wait_for(f"STANDIN intake {intake.id}")
        page.click("#terminal")
        page.keyboard.press("d")
        wait_until(lambda: downloads, what="the download", page=page)
        path = downloads[0].path()
        assert open(path).read() == f"handout for intake {intake.id}\n"
        assert downloads[0].suggested_filename == "handout.txt"
        ctx.close()
    finally:
        srv.stop()
