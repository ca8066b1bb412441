"""Issue 30: the desk paints, then reads a page of each list; scrolling reads more; the due list's counts say
what it leaves out (overdue past the cut-off, lost to follow-up); `l` marks a dog lost, audited."""

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
from vettriage.tui.screens import desk as desk_module
from vettriage.tui.screens.desk import DeskScreen
from vettriage.tui.widgets import dayboard

SIZE = (110, 36)


def _count(screen: DeskScreen) -> str:
    return str(screen.query_one("#due-count").render())


async def test_the_desk_paints_before_it_reads_its_lists(store: Any, catalogue: Any) -> None:
    today = dt.date.today()  # where it is used: the desk reads the clock when it runs
    due_dogs(store, [today] * 3)
    app = make_app(store=store, catalogue=catalogue, config=CONFIG)
    painted: list[tuple[int, str]] = []
    mount = DeskScreen.on_mount

    def on_mount(self: DeskScreen) -> None:
        mount(self)
        # what the first frame holds: the rows are read after it
        painted.append((self.query_one("#due", DataTable).row_count, str(self.query_one("#empty").render())))

    DeskScreen.on_mount = on_mount  # type: ignore[method-assign]
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await desk_loaded(app, pilot)
            assert painted == [(0, "Loading...")]
            assert screen.query_one("#due", DataTable).row_count == 3
            assert _count(screen) == "Re-screens due in 14 days: 3"
    finally:
        DeskScreen.on_mount = mount  # type: ignore[method-assign]


async def test_the_due_list_reads_a_page_and_more_as_the_reader_moves_or_scrolls(store: Any,
                                                                                 catalogue: Any) -> None:
    today = dt.date.today()  # where it is used: the desk reads the clock when it runs
    n = 2 * dayboard.PAGE + 7
    due_dogs(store, [today - dt.timedelta(days=k % 90) for k in range(n)])
    app = make_app(store=store, catalogue=catalogue, config=CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        screen = await desk_loaded(app, pilot)
        due = screen.query_one("#due", DataTable)
        assert due.row_count == dayboard.PAGE
        assert _count(screen) == f"Re-screens due in 14 days: {n}"
        first = [str(due.get_row_at(k)[0]) for k in range(3)]
        assert first[0] == f"overdue by {n - 1} days"  # most overdue first
        due.focus()
        due.move_cursor(row=due.row_count - 1)  # the keys: down to the last row read
        await pilot.pause()
        assert due.row_count == 2 * dayboard.PAGE
        due.scroll_y = due.max_scroll_y  # the wheel: to the end
        await pilot.pause()
        await pilot.pause()
        assert due.row_count == n
        keys = [due.coordinate_to_cell_key((k, 0)).row_key.value for k in range(n)]
        assert len(set(keys)) == n  # every dog once, no page read twice
        days = [dayboard.due_text(d.due, today) for d in screen.query_one(dayboard.DayBoard).due_dogs.values()]
        assert len(days) == n


async def test_todays_list_reads_a_page_and_more_as_the_reader_moves(store: Any, catalogue: Any,
                                                                     monkeypatch: Any) -> None:
    from vettriage.intake.starting import start_intake

    monkeypatch.setattr(desk_module, "PAGE", 8)
    for k in range(13):
        start_intake(store, catalogue, f"Pup {k}", "tech")
    app = make_app(store=store, catalogue=catalogue, config=CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        screen = await desk_loaded(app, pilot)
        table = screen.query_one("#intakes", DataTable)
        assert table.row_count == 8
        assert str(screen.query_one("#empty").render()) == "Today's intakes: 8+ (more as you scroll)"
        table.move_cursor(row=6)
        await pilot.pause()
        assert table.row_count == 13
        assert table.cursor_row == 6  # the reader's row kept
        assert str(screen.query_one("#empty").render()) == "Today's intakes: 13"
        await pilot.press("slash", *"Pup 1")  # search still works: Pup 1, Pup 10, 11, 12
        await pilot.pause()
        assert table.row_count == 4


async def test_counts_leave_out_the_long_overdue_by_the_configured_cut_off(store: Any, catalogue: Any) -> None:
    today = dt.date.today()  # where it is used: the desk reads the clock when it runs
    due_dogs(store, [today - dt.timedelta(days=d) for d in (1, 2, 40, 50, 60)])
    config = dataclasses.replace(CONFIG, rescreen=RescreenPolicy(overdue_cutoff_days=30))
    app = make_app(store=store, catalogue=catalogue, config=config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await desk_loaded(app, pilot)
        assert screen.query_one("#due", DataTable).row_count == 2
        assert _count(screen) == ("Re-screens due in 14 days: 2 · not shown (o lists them): 3 overdue by more "
                                  "than 30 days")


async def test_l_marks_the_highlighted_dog_lost_to_follow_up(store: Any, catalogue: Any) -> None:
    today = dt.date.today()  # where it is used: the desk reads the clock when it runs
    rex, bo = due_dogs(store, [today - dt.timedelta(days=3), today])
    app = make_app(store=store, catalogue=catalogue, config=CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        screen = await desk_loaded(app, pilot)
        due = screen.query_one("#due", DataTable)
        await pilot.press("l")  # not on the due list: it says where to go
        await pilot.pause()
        assert store.due_counts(today).lost == 0
        due.focus()
        due.move_cursor(row=0)
        await pilot.press("l")
        await pilot.pause()
        await pilot.press(*"Sam Lee", "enter")  # who is at the desk, once
        await pilot.pause()
        await pilot.press(*"moved away", "enter")
        await pilot.pause()
        await pilot.pause()
        assert [d.dog.id for d in store.dogs_due(today)] == [bo]
        assert due.row_count == 1
        for _ in range(50):
            if "lost to follow-up" in _count(screen):
                break
            await pilot.pause(0.1)
        assert _count(screen) == "Re-screens due in 14 days: 1 · not shown (o lists them): 1 lost to follow-up"
    (lost,) = [d for d in store.dogs_due(today, lost=True) if d.lost_at]
    events = [e for e in store.audit(lost.intake_id) if e.item_id == LOST_ITEM]
    assert lost.dog.id == rex and [(e.who, e.reason, e.new_value) for e in events] == [
        ("Sam Lee", "moved away", True)]
