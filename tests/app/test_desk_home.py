"""The desk sees owners at home: a red flag answered in the web form (a real store written by the web path)
shows at the top of the desk by itself, with its time, without moving the technician's row; marking it seen
is audited with who and when, and it leaves the top."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from tests.web.formclient import action_of, invite, make_client, open_link, options_of, post
from vettriage.intake.starting import start_intake
from vettriage.tui.app import make_app
from vettriage.tui.screens.desk import REFRESH_SECONDS, DeskScreen


def _cells(table: DataTable, row: int) -> list[str]:
    return [str(c) for c in table.get_row_at(row)]


async def _until(pilot: Any, cond: Any, seconds: float) -> bool:
    """Let the app run (its timers included) until `cond()` or `seconds` have passed."""
    for _ in range(int(seconds / 0.1)):
        if cond():
            return True
        await pilot.pause(0.1)
    return cond()


async def test_a_red_flag_from_home_reaches_the_top_of_the_desk(store: Any, catalogue: Any, config: Any,
                                                                db_url: str) -> None:
    assert REFRESH_SECONDS <= 10
    for name in ("Ada", "Bo", "Cy"):
        start_intake(store, catalogue, name, "tech")
    code, _, intake = invite(store, catalogue, "Rex")
    app = make_app(store=store, catalogue=catalogue, config=config)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DeskScreen)
        table = app.screen.query_one("#intakes", DataTable)
        invites = app.screen.query_one("#invites", DataTable)
        assert "not started" in _cells(invites, 0)[0]
        await pilot.press("down")  # the technician is on a row of their own
        mine = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

        # the owner, at home, in the web form: opens the link and reports laboured breathing
        web, _ = make_client(db_url, catalogue)
        open_link(web, code)
        page = web.get("/form/q/rf_breathing")
        yes = next(v for v, label in options_of(page.text) if label == "Yes")
        assert post(web, action_of(page.text), page.text, {"answer": yes}).status_code == 303

        assert await _until(pilot, lambda: "EMERGENCY" in _cells(table, 0)[3], 10.0)
        top = _cells(table, 0)
        assert top[0] == "Rex" and "(not seen)" in top[3]
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == mine  # place kept
        assert "EMERGENCY" in _cells(invites, 0)[0] and _cells(invites, 0)[1] == "Rex"

        table.move_cursor(row=0)
        await pilot.press("s")
        await pilot.pause()
        for ch in "Sam":
            await pilot.press(ch)
        await pilot.press("enter")
        assert await _until(pilot, lambda: "EMERGENCY" not in _cells(table, 0)[3], 10.0)
    seen = [e for e in store.audit(intake.id) if e.item_id == "emergency_seen"]
    assert len(seen) == 1 and seen[0].who == "Sam" and seen[0].at is not None


async def test_the_invitations_panel_shows_started_and_answered(store: Any, catalogue: Any, config: Any,
                                                                db_url: str) -> None:
    code, _, intake = invite(store, catalogue, "Rex")
    web, _ = make_client(db_url, catalogue)
    page = open_link(web, code)
    post(web, action_of(page.text), page.text, {"answer": "11"})
    app = make_app(store=store, catalogue=catalogue, config=config)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.pause()
        invites = app.screen.query_one("#invites", DataTable)
        assert _cells(invites, 0)[0].startswith("started (2 answers)")
        store.complete(intake.id, {"urgency": "routine"})
        assert await _until(pilot, lambda: _cells(invites, 0)[0].startswith("answered"), 10.0)
