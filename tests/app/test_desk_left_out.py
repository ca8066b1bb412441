"""The desk lists the dogs left out of the due list (`o`): lost to follow-up first, latest mark first, then
overdue past the cut-off, labelled and paged; `u` takes a lost mark back, audited as `dogs lost --undo` is."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from textual.widgets import DataTable

from tests.app.conftest import CONFIG
from tests.app.helpers import desk_loaded
from tests.due_fixtures import due_dogs
from vettriage.config import RescreenPolicy
from vettriage.store.api import LOST_ITEM
from vettriage.tui.app import make_app
from vettriage.tui.widgets import dayboard
from vettriage.tui.widgets.keybar import shown_keys

SIZE = (110, 36)
CUT_30 = dataclasses.replace(CONFIG, rescreen=RescreenPolicy(overdue_cutoff_days=30))


def _days(*offsets: int) -> list[dt.date]:
    return [dt.date.today() + dt.timedelta(days=d) for d in offsets]  # read when used: the desk reads the clock too


async def _listed(app: Any, pilot: Any) -> DataTable:
    """Wait for the board's reads in threads (a left-out page, the counts) and their rows; the board's table."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
    return app.screen.query_one("#due", DataTable)


def _rows(table: DataTable) -> list[tuple[str, str, str]]:
    return [tuple(str(c) for c in table.get_row_at(k)) for k in range(table.row_count)]  # type: ignore[misc]


def _count(app: Any) -> str:
    return str(app.screen.query_one("#due-count").render())


def _keys(app: Any) -> list[tuple[str, str]]:
    return [(k.key, k.description) for k in shown_keys(app.screen)]


async def test_o_lists_the_lost_first_then_the_long_overdue_labelled_and_o_goes_back(store: Any,
                                                                                    catalogue: Any) -> None:
    # due in 2 days, overdue by 40 and 60 days (past the 30-day cut-off), and two due dogs marked lost
    soon, od40, od60, moved, died = due_dogs(store, _days(2, -40, -60, -3, 5))
    store.mark_lost(moved, "Sam", "moved away")
    store.mark_lost(died, "Alex", "died at home")
    app = make_app(store=store, catalogue=catalogue, config=CUT_30)
    async with app.run_test(size=SIZE) as pilot:
        await desk_loaded(app, pilot)
        assert ("o", "Overdue & lost") in _keys(app) and "u" not in dict(_keys(app))
        assert _count(app) == ("Re-screens due in 14 days: 1 · not shown (o lists them): 2 lost to follow-up, "
                               "2 overdue by more than 30 days")
        await pilot.press("o")
        table = await _listed(app, pilot)
        assert table.has_focus
        marked = dt.date.today().isoformat()
        assert _rows(table) == [
            ("LOST TO FOLLOW-UP", "Dog 4", f"died at home (Alex, {marked})"),  # the latest mark first
            ("LOST TO FOLLOW-UP", "Dog 3", f"moved away (Sam, {marked})"),
            ("overdue by 60 days", "Dog 2", "routine senior re-check"),
            ("overdue by 40 days", "Dog 1", "routine senior re-check")]
        assert _count(app) == ("Not on the due list (o: back to it): 2 lost to follow-up, 2 overdue by more than "
                               "30 days")
        assert ("o", "Due list") in _keys(app) and ("u", "Undo lost") in _keys(app)
        await pilot.press("o")
        table = await _listed(app, pilot)
        assert [r[1] for r in _rows(table)] == ["Dog 0"]
        assert "u" not in dict(_keys(app)) and _count(app).startswith("Re-screens due in 14 days: 1")
    assert soon and od40 and od60  # every dog above is one of these


async def test_u_takes_a_lost_mark_back_with_the_technicians_name_and_why(store: Any, catalogue: Any) -> None:
    today = dt.date.today()  # where it is used: the desk reads the clock when it runs
    rex, bo = due_dogs(store, _days(-3, 1))
    visit = store.mark_lost(rex, "Sam", "moved away")
    app = make_app(store=store, catalogue=catalogue, config=CUT_30)
    async with app.run_test(size=SIZE) as pilot:
        await desk_loaded(app, pilot)
        await pilot.press("o")
        table = await _listed(app, pilot)
        assert [r[1] for r in _rows(table)] == ["Dog 0"]
        await pilot.press("u")
        await pilot.pause()
        await pilot.press(*"Kim", "enter")  # who is at the desk, once per session
        await pilot.pause()
        prompt = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        assert f"Marked lost by Sam on {dt.date.today().isoformat()}: moved away." in prompt
        await pilot.press(*"marked by mistake", "enter")
        table = await _listed(app, pilot)
        assert _rows(table) == [("none overdue or lost", "", "")]
        assert _count(app) == "Not on the due list (o: back to it): none"
        await pilot.press("o")
        table = await _listed(app, pilot)
        assert [r[1] for r in _rows(table)] == ["Dog 0", "Dog 1"]
    trail = [(e.item_id, e.old_value, e.new_value, e.who, e.reason) for e in store.audit(visit)]
    assert trail == [(LOST_ITEM, False, True, "Sam", "moved away"),
                     (LOST_ITEM, True, False, "Kim", "marked by mistake")]
    assert [d.dog.id for d in store.dogs_due(today + dt.timedelta(days=14))] == [rex, bo]


async def test_among_those_left_out_l_marks_an_overdue_dog_and_each_key_refuses_the_other_kind(
        store: Any, catalogue: Any) -> None:
    today = dt.date.today()  # where it is used: the desk reads the clock when it runs
    od, gone = due_dogs(store, _days(-90, -2))
    store.mark_lost(gone, "Sam", "moved away")
    app = make_app(store=store, catalogue=catalogue, config=CUT_30)
    app.technician = "Kim"
    async with app.run_test(size=SIZE) as pilot:
        await desk_loaded(app, pilot)
        await pilot.press("o")
        table = await _listed(app, pilot)
        table.move_cursor(row=0)  # the lost dog: `l` says it is marked already
        await pilot.press("l")
        await pilot.pause()
        table.move_cursor(row=1)  # the overdue dog: `u` has nothing to take back
        await pilot.press("u")
        await pilot.pause()
        assert [n.message for n in app._notifications][-2:] == [
            "Dog 1 is already marked lost to follow-up (u takes the mark back).",
            "Dog 0 is not marked lost to follow-up."]
        await pilot.press("l", *"no answer in a year", "enter")  # the overdue dog, given up on
        table = await _listed(app, pilot)
        assert [(r[0], r[1]) for r in _rows(table)] == [("LOST TO FOLLOW-UP", "Dog 0"),
                                                         ("LOST TO FOLLOW-UP", "Dog 1")]
    assert store.dogs_overdue(today, today - dt.timedelta(days=30)) == []
    assert [d.dog.id for d in store.dogs_lost(today)] == [od, gone]


async def test_those_left_out_are_read_a_page_at_a_time_as_the_reader_moves(store: Any, catalogue: Any,
                                                                           monkeypatch: Any) -> None:
    monkeypatch.setattr(dayboard, "PAGE", 4)
    monkeypatch.setattr(dayboard, "NEAR_END", 1)
    ids = due_dogs(store, _days(*(-40 - k for k in range(9)), 1, -2, -5))
    for dog in ids[-3:]:
        store.mark_lost(dog, "Sam", "moved away")
    app = make_app(store=store, catalogue=catalogue, config=CUT_30)
    async with app.run_test(size=SIZE) as pilot:
        await desk_loaded(app, pilot)
        await pilot.press("o")
        table = await _listed(app, pilot)
        assert table.row_count == 4  # the 3 lost, then the most overdue on the same page
        seen = 4
        while True:
            table.move_cursor(row=table.row_count - 1)
            table = await _listed(app, pilot)
            if table.row_count == seen:
                break
            seen = table.row_count
        names = [r[1] for r in _rows(table)]
        assert names == ["Dog 11", "Dog 10", "Dog 9"] + [f"Dog {k}" for k in range(8, -1, -1)]
        assert _count(app) == ("Not on the due list (o: back to it): 3 lost to follow-up, 9 overdue by more than "
                               "30 days")


async def test_o_and_u_type_into_the_search_field(store: Any, catalogue: Any) -> None:
    from vettriage.intake.starting import start_intake

    start_intake(store, catalogue, "Louie", "tech")
    app = make_app(store=store, catalogue=catalogue, config=CUT_30)
    async with app.run_test(size=SIZE) as pilot:
        await desk_loaded(app, pilot)
        await pilot.press("slash", *"Lou")
        await pilot.pause()
        assert app.screen.query_one("#search").value == "Lou"
        assert not app.screen.query_one(dayboard.DayBoard).left_out
        assert app.screen.query_one("#intakes", DataTable).row_count == 1
