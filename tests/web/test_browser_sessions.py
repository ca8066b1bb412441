"""In headless Chromium against `vettriage serve` with the real owner app: no JavaScript error on load, Ctrl+P
opens no palette, and the page says how its session ended (a second tab takes over; Save & leave)."""

from __future__ import annotations

import pytest

from tests.web.browser import open_owner, wait_until
from tests.web.conftest import invite_for
from vettriage.web import invites as inv
from vettriage.web.endings import ENDINGS

pytest.importorskip("playwright.sync_api")


def watch_errors(page) -> list[str]:
    """Uncaught page errors and console errors, as they happen."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    return errors


def test_no_js_error_no_palette_and_a_takeover_is_explained(browser, live, store, catalogue):
    code, _, intake = invite_for(store, catalogue, "Rex")
    link = inv.invite_link(live.url, code)
    ctx = browser.new_context(viewport={"width": 1100, "height": 700})
    page = ctx.new_page()
    errors = watch_errors(page)
    from tests.web.browser import Screen

    screen = Screen(page)
    assert page.goto(link).status == 200
    page.wait_for_selector("body.-first-byte")
    screen.wait_for("Rex")
    page.wait_for_timeout(500)
    assert errors == [], errors  # e.g. "Still in CONNECTING state" from a send before the socket opened
    page.click("#terminal")
    mark = screen.mark()
    page.keyboard.press("Control+p")
    page.wait_for_timeout(1500)
    painted = screen.text(mark)
    assert "Screenshot" not in painted and "Search for commands" not in painted and "Quit" not in painted
    page.keyboard.press("Control+q")
    page.wait_for_timeout(1000)
    assert len(live.children()) == 1 and "-closed" not in (page.get_attribute("body", "class") or "")

    # The same link in a second tab: the first is closed and says why; the second carries on.
    ctx2, page2, screen2, response = open_owner(browser, link)
    errors2 = watch_errors(page2)
    assert response.status == 200
    page.wait_for_selector("body.-closed", timeout=20000)
    assert page.get_attribute("body", "data-ending") == "takeover"
    assert page.inner_text("#why") == ENDINGS["takeover"].text and page.is_visible("#restart")
    screen2.wait_for("Rex")
    wait_until(lambda: len(live.children()) == 1, what="one app")
    assert errors == [] and errors2 == [], errors + errors2
    ctx2.close()
    ctx.close()
    wait_until(lambda: not live.children(), what="apps to end")
