"""The desk: today's intakes (dog, status, urgency as a word and a colour, progress at home), search by dog,
start a new intake, open one; under them the day board (re-screens due, invitations and their progress, the
highlighted dog's trend). It reloads itself every few seconds without moving the reader's row; a red flag
reported from home goes to the top, with its time, until someone marks it seen (`s`).

The screen paints empty first and reads its lists right after that first frame: a page of each (today's
intakes or the search's, the due list), a page more as the reader scrolls, and the due list's counts in a
thread (vettriage.tui.widgets.dayboard), so the desk opens as fast on 100,000 intakes as on ten. `o` shows,
in the due list's place, the dogs it leaves out (lost to follow-up, overdue past the cut-off), where `u` puts a
dog marked lost by mistake, or come back, on the due list again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from vettriage.tui.widgets.dayboard import _cursor_key
from vettriage.tui.widgets.keybar import KeyBar

STATUS_WORDS = {"in_progress": "in progress", "completed": "completed", "amended": "amended"}
REFRESH_SECONDS = 5.0
"""How often the desk reloads its lists by itself: owners answer at home while it is open."""
PAGE = 30
"""Intakes read at a time into the list (a screenful and more); a page more as the reader nears the end."""


class DeskScreen(Screen[None]):
    """The technician's list of intakes. Its stylesheet, desk.tcss, is read with the app's."""

    BINDINGS = [
        Binding("n", "new", "New intake"),
        Binding("enter", "open", "Open", show=True),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("escape", "clear_search", "Today", show=False),
        Binding("s", "seen", "Mark seen"),
        Binding("l", "lost", "Lost to follow-up"),
        # one key, two meanings: check_action hides the one that does not apply, so the bar names the other
        Binding("o", "left_out", "Overdue & lost"),
        Binding("o", "due_list", "Due list"),
        Binding("u", "undo_lost", "Undo lost"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        """Title, search field, the table and the footer."""
        config = getattr(self.app, "config", None)
        clinic = f" · {config.clinic_name}" if config else ""
        yield Static(f"vettriage{clinic} · intakes", id="title", markup=False)
        yield Input(placeholder="/ search by dog name (all dates); Esc for today", id="search")
        yield DataTable(id="intakes", cursor_type="row", zebra_stripes=True)
        yield Static("", id="empty", classes="muted", markup=False)  # quotes the search
        from vettriage.tui.widgets.dayboard import DayBoard

        yield DayBoard(id="board")
        yield KeyBar()  # whole keys, on a second line when 80 columns are not enough (Footer cut "q Quit")

    def on_mount(self) -> None:
        """The columns now; the rows after the first frame is painted."""
        table = self.query_one("#intakes", DataTable)
        table.add_columns("Dog", "Status", "Urgency", "Home", "By", "Updated")
        self._dog_of: dict[str, tuple[int, str]] = {}
        self._alarms: set[str] = set()
        self._limit = PAGE
        self._more = False
        self._loaded = False
        self._on_loaded: list[Any] = []
        self.query_one("#empty", Static).update("Loading...")
        table.focus()
        self.call_after_refresh(self.refresh_rows)
        self.set_interval(REFRESH_SECONDS, self._tick)

    def when_loaded(self, callback: Any) -> None:
        """Call `callback` once the first load is on screen: every list's first page and the due counts (at once
        if it already is). Tests and bench/desk.py wait on it."""
        if self._loaded:
            callback()
        else:
            self._on_loaded.append(callback)

    def on_day_board_counted(self, event: Any) -> None:
        """The board's counts are in: the first load is complete."""
        if not self._loaded:
            self._loaded = True
            callbacks, self._on_loaded = self._on_loaded, []
            for callback in callbacks:
                callback()

    def _tick(self) -> None:
        """The periodic reload: only while the desk is the screen shown, keeping the reader's row and
        whatever is typed in the search field."""
        if self.app.screen is not self:
            return
        from vettriage.tui.widgets.dayboard import DayBoard

        self.refresh_rows(board=False)
        self.query_one(DayBoard).refresh_invites(self.app.store)  # type: ignore[attr-defined]

    def refresh_rows(self, board: bool = True) -> None:
        """Reload the rows: today's, or those matching the search; and the day board unless `board` is False
        (a search keystroke: the board does not depend on it, and `dogs_due` reads every dog)."""
        store = self.app.store  # type: ignore[attr-defined]
        query = self.query_one("#search", Input).value.strip()
        if query:
            rows = store.list_intakes(dog=query, limit=self._limit + 1)
            heading = f"Intakes of dogs matching {query!r}"
        else:
            from vettriage.localtime import today

            day = today()  # the local day, not UTC's: its bounds as UTC times, so the page is one indexed range
            rows = store.list_intakes(since=_midnight(day), until=_midnight(day + dt.timedelta(days=1)),
                                      limit=self._limit + 1)
            heading = "Today's intakes"
        self._more = len(rows) > self._limit  # one row past the page says whether there is more to read
        rows = rows[:self._limit]
        from vettriage.tui.widgets.dayboard import DayBoard, urgency_text

        from vettriage.intake.home import home_rows
        from vettriage.tui.widgets.dayboard import _cursor_key, _restore_cursor

        home = {r.intake_id: r for r in home_rows(store)}
        alarms = [r for r in home.values() if r.alarm]  # red flags from home not yet seen: first, any day
        table = self.query_one("#intakes", DataTable)
        at = _cursor_key(table)
        table.clear()
        self._dog_of = {}
        self._alarms = {str(r.intake_id) for r in alarms}
        for r in alarms:
            table.add_row(Text(r.dog_name), STATUS_WORDS.get(r.status, r.status), urgency_text("emergency"),
                          Text(r.progress, style="bold red"), Text("owner"), _local(r.updated_at),
                          key=str(r.intake_id))
            self._dog_of[str(r.intake_id)] = (r.dog_id, r.dog_name)
        for r in rows:
            if str(r.id) in self._alarms:
                continue
            at_home = home.get(r.id)
            # Typed names as Text: a plain string cell would be read as markup ("Rex [/]" would crash the desk).
            table.add_row(Text(r.dog_name), STATUS_WORDS.get(r.status, r.status), urgency_text(r.urgency),
                          Text(at_home.progress if at_home else "-"), Text(r.by), _local(r.updated_at),
                          key=str(r.id))
            self._dog_of[str(r.id)] = (r.dog_id, r.dog_name)
        _restore_cursor(table, at)
        if board:
            config = getattr(self.app, "config", None)
            self.query_one(DayBoard).refresh_board(store, config.rescreen.overdue_cutoff_days if config else None)
        count = f"{len(rows)}+ (more as you scroll)" if self._more else f"{len(rows)}"
        self.query_one("#empty", Static).update(
            f"{heading}: {count}" + ("" if rows else " · press n to start a new intake"))

    def _read_more(self, row: int) -> None:
        """Near the end of what is loaded: a page more, the reader's row kept. The list is read again with the
        larger limit (not from an offset): the 5-second reload reads every row shown anyway, for statuses and
        progress at home, and a day's intakes or a search's stay a few hundred."""
        table = self.query_one("#intakes", DataTable)
        if self._more and row >= table.row_count - 5:
            self._limit += PAGE
            self.refresh_rows(board=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Search as you type (from the first page again)."""
        event.stop()
        self._limit = PAGE
        self.refresh_rows(board=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search field moves to the results."""
        event.stop()
        self.query_one("#intakes", DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter or a click on an intake opens it (the board's rows are for reading)."""
        event.stop()
        if event.data_table.id == "intakes":
            self._open(int(event.row_key.value))  # type: ignore[arg-type]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted intake's dog: its trend under the board."""
        if event.data_table.id != "intakes" or event.row_key is None:
            return
        self._read_more(event.cursor_row)
        dog = self._dog_of.get(str(event.row_key.value))
        if dog is not None:
            from vettriage.tui.widgets.dayboard import DayBoard

            app: Any = self.app
            self.query_one(DayBoard).show_trend(app.store, app.catalogue, *dog)

    def action_open(self) -> None:
        """Open the highlighted intake: resume it, or show its result."""
        table = self.query_one("#intakes", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            self._open(int(key.value))  # type: ignore[arg-type]

    def _open(self, intake_id: int) -> None:
        app: Any = self.app
        self._with_technician(lambda: app.open_intake(app.store.get_intake(intake_id)))

    def _with_technician(self, then: Any, *, always: bool = False) -> None:
        """Ask the technician's name once per desk session (it is recorded on every answer they enter and on
        the intakes they start), then go on with `then`. `always`: ask in owner wording too (a staff action
        audited with who did it)."""
        app: Any = self.app
        if app.technician or (app.mode != "tech" and not always):
            then()
            return
        from vettriage.tui.screens.dialogs import TextPrompt

        def named(who: str | None) -> None:
            if who:
                app.technician = who
                title = self.query_one("#title", Static)
                title.update(f"{title.render()} · at the desk: {who}")
                then()

        app.push_screen(TextPrompt("Who is at the desk?", "Your name (recorded on every answer you enter "
                                   "until the app is closed):"), named)

    def action_seen(self) -> None:
        """Mark the highlighted intake's red flag from home as seen, after asking who is marking it (recorded
        in the audit with the time); it then leaves the top of the list."""
        from vettriage.tui.screens.dialogs import TextPrompt

        table = self.query_one("#intakes", DataTable)
        if not table.row_count:
            return
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        if key not in self._alarms:
            self.notify("This intake has no red flag from home waiting to be seen.", markup=False)
            return

        def mark(who: str | None) -> None:
            if who and who.strip():
                self.app.store.mark_seen(int(key), who.strip())  # type: ignore[attr-defined]
                self.notify(f"Marked seen by {who.strip()}.", markup=False)
                self.refresh_rows()

        self.app.push_screen(TextPrompt("Mark the emergency seen", "Your name (recorded with the time):"), mark)

    def _left_out(self) -> bool:
        """Whether the board lists the dogs left out of the due list (False before it is mounted)."""
        from vettriage.tui.widgets.dayboard import DayBoard

        boards = self.query(DayBoard)
        return bool(boards) and boards.first().left_out

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`o` names the list it would show; `u` is offered only where lost dogs are listed."""
        if action == "left_out":
            return not self._left_out()
        if action in ("due_list", "undo_lost"):
            return self._left_out()
        return True

    def action_left_out(self) -> None:
        """Show, in the due list's place, the dogs it leaves out: lost to follow-up (latest mark first), then
        overdue past the cut-off; the focus goes to them, where `l` and `u` work."""
        self._show_board(True)

    def action_due_list(self) -> None:
        """Back to the due list."""
        self._show_board(False)

    def _show_board(self, left_out: bool) -> None:
        from vettriage.tui.widgets.dayboard import DayBoard

        board = self.query_one(DayBoard)
        board.show_left_out(left_out)
        board.query_one("#due", DataTable).focus()
        self.refresh_bindings()

    def _board_dog(self) -> Any:
        """The DueDog highlighted in the board's list, when the list has the focus; else None (with a word)."""
        from vettriage.tui.widgets.dayboard import DayBoard

        board = self.query_one(DayBoard)
        due = board.query_one("#due", DataTable)
        key = _cursor_key(due) if due.has_focus else None
        dog = board.due_dogs.get(key) if key else None
        if dog is None:
            self.notify("Move to the re-screens list (Tab) and highlight a dog first.", markup=False)
        return dog

    def _store_change(self, change: Any, done: str) -> None:
        """Run one audited change of the store; say `done`, or in one line why it was refused (another desk
        may have changed the same dog meanwhile); then reload the lists."""
        from vettriage.store.api import StoreError

        try:
            change()
        except StoreError as e:
            self.notify(str(e), severity="error", markup=False, timeout=8)
        else:
            self.notify(done, markup=False, timeout=8)
        self.refresh_rows()

    def action_lost(self) -> None:
        """Mark the dog highlighted in the re-screens list lost to follow-up (moved away, seen elsewhere): it
        leaves the due list, counted there. Who (the technician's name) and why are asked, and audited; `u`
        among the dogs left out (`o`) takes the mark back."""
        dog = self._board_dog()
        if dog is None:
            return
        if dog.lost_at is not None:
            self.notify(f"{dog.dog.name} is already marked lost to follow-up (u takes the mark back).",
                        markup=False)
            return
        if not self.app.technician:  # type: ignore[attr-defined]
            self._with_technician(self.action_lost, always=True)
            return
        from vettriage.tui.screens.dialogs import TextPrompt

        app: Any = self.app

        def mark(why: str | None) -> None:
            if why:
                self._store_change(lambda: app.store.mark_lost(dog.dog.id, app.technician, why),
                                   f"{dog.dog.name}: lost to follow-up, off the due list (o lists it, u takes "
                                   "the mark back).")

        app.push_screen(TextPrompt(f"{dog.dog.name}: lost to follow-up",
                                   "Why (moved away, seen elsewhere, died...)? Recorded with your name:"), mark)

    def action_undo_lost(self) -> None:
        """Take back the lost-to-follow-up mark of the dog highlighted among those left out (marked by mistake,
        or the dog came back): as `vettriage dogs lost ID --undo`, audited with the technician's name and why,
        in one transaction. It is then on the due list again, unless it is overdue past the cut-off."""
        dog = self._board_dog()
        if dog is None:
            return
        if dog.lost_at is None:
            self.notify(f"{dog.dog.name} is not marked lost to follow-up.", markup=False)
            return
        if not self.app.technician:  # type: ignore[attr-defined]
            self._with_technician(self.action_undo_lost, always=True)
            return
        from vettriage.tui.screens.dialogs import TextPrompt

        app: Any = self.app
        marked = f"Marked lost by {dog.lost_by} on {dog.lost_at.astimezone():%Y-%m-%d}: {dog.lost_reason}."

        def undo(why: str | None) -> None:
            if why:
                self._store_change(lambda: app.store.mark_lost(dog.dog.id, app.technician, why, lost=False),
                                   f"{dog.dog.name}: the lost mark is taken back; on the due list again "
                                   "when due.")

        app.push_screen(TextPrompt(f"{dog.dog.name}: back on the due list",
                                   f"{marked} Why is it back (marked by mistake, came back...)? Recorded with "
                                   "your name:"), undo)

    def action_search(self) -> None:
        """Focus the search field."""
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        """Back to today's list."""
        self.query_one("#search", Input).value = ""
        self.query_one("#intakes", DataTable).focus()

    def action_new(self) -> None:
        """The technician's name first (once per desk session: it is recorded on every answer); then the dog:
        a chart number picks its dog; a name offers the dogs of that name on record (names alone never merge
        two dogs) or a new dog, whose record (owner, phone, chart number) is asked for. Then that dog's intake
        in progress is resumed or one is started."""
        from vettriage.tui.screens.dialogs import TextPrompt

        app: Any = self.app
        if not app.technician and app.mode == "tech":
            self._with_technician(self.action_new)
            return

        def start(name: str | None) -> None:
            if not name or not name.strip():
                return
            from vettriage.intake.starting import dog_choices
            from vettriage.store.api import NotFoundError

            try:
                dog = app.store.dog_by_chart(name)
            except NotFoundError:
                dog = None
            if dog is not None:
                self._start_for(dog.id, dog.name)
                return
            choices = dog_choices(app.store, name)
            if not choices:
                self._new_dog(name)
                return
            from vettriage.tui.screens.dialogs import DogPicker

            def picked(dog_id: int | None) -> None:
                if dog_id == 0:
                    self._new_dog(name)
                elif dog_id is not None:
                    self._start_for(dog_id, name)

            app.push_screen(DogPicker(" ".join(name.split()), choices), picked)

        app.push_screen(TextPrompt("New intake", "The dog's name, or its chart number:"), start)

    def _new_dog(self, name: str) -> None:
        """Ask for the new dog's record, store it, and start its intake."""
        from vettriage.tui.screens.dialogs import DogRecord

        app: Any = self.app

        def save(record: dict[str, str]) -> int:
            return app.store.add_dog(record.pop("name"), **record).id

        def saved(dog_id: int | None) -> None:
            if dog_id is not None:
                self._start_for(dog_id, name)

        app.push_screen(DogRecord(" ".join(name.split()), save), saved)

    def _start_for(self, dog_id: int, name: str) -> None:
        """A known dog: its intake in progress is offered before a second one."""
        from vettriage.intake.starting import in_progress_of, start_intake

        app: Any = self.app
        open_ = in_progress_of(app.store, dog_id)
        if open_ is None:
            app.open_intake(start_intake(app.store, app.catalogue, name, app.mode, dog_id=dog_id,
                                         who=app.technician))
            return
        # the same dog again, half asked: offer its intake before a second one
        from vettriage.tui.screens.dialogs import Confirm

        def choose(resume: bool | None) -> None:
            if resume:
                app.open_intake(app.store.get_intake(open_.id))
            elif resume is False:
                app.open_intake(start_intake(app.store, app.catalogue, name, app.mode, dog_id=dog_id,
                                             who=app.technician))

        started = _local(open_.created_at)
        self.app.push_screen(Confirm(
            f"{open_.dog.name} has an intake in progress",
            f"Started {started} by {open_.by}, {len(open_.answers)} answers so far. Resume it, or start a "
            "second intake?", yes="Resume it", no="Start a new one"), choose)


def _midnight(day: dt.date) -> dt.datetime:
    """The local midnight that starts `day`, as an aware UTC time (a 23- or 25-hour day included)."""
    return dt.datetime.combine(day, dt.time()).astimezone(dt.timezone.utc)


def _local(when: dt.datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    local = when.astimezone()
    today = dt.datetime.now().astimezone().date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%Y-%m-%d %H:%M")
