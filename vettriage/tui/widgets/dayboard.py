"""The desk's day board: dogs due or overdue for a re-screen, invitations and their owners' progress at home
(a red flag reported from home first, until someone marks it seen; links about to expire), and a compact trend of the highlighted dog's pain signs. Urgency and due state are words first; the
colour only repeats them.

The due list is read a page at a time in due order (the store's keyset page on the re-screen index), the next
page when the reader nears the end; its counts (the whole list, the dogs overdue past the cut-off and those
lost to follow-up, both left out) are counted in a thread, so a store of any size paints at once.

The same table shows, on request (the desk's `o`), the dogs the due list leaves out, labelled: those marked lost
to follow-up first (the latest mark at the top, where a mark made by mistake is found), then those overdue past
the cut-off, most overdue first. Its pages are read in a thread: no index holds the lost mark."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Sparkline, Static

DUE_WITHIN_DAYS = 14  # the board looks two weeks ahead, as `dogs due --within 14d`
PAGE = 25
"""Rows read at a time into the board's due list (it shows about eight): a page more as the reader nears the end."""
NEAR_END = 5
"""Rows from the end of what is loaded at which the next page is read."""
EXPIRING_HOURS = 24  # an unanswered link with less than this left is flagged
URGENCY_STYLE = {"emergency": "bold red", "soon": "yellow", "routine": "green"}


def urgency_text(urgency: str | None) -> Text:
    """The urgency as a word (capitals for an emergency) with a colour that repeats it."""
    if not urgency:
        return Text("-")
    word = urgency.upper() if urgency == "emergency" else urgency
    return Text(word, style=URGENCY_STYLE.get(urgency, ""))


def due_text(due: dt.date, today: dt.date) -> Text:
    """`overdue by 3 days` in red, `due today` in yellow, `due in 5 days` plain."""
    from vettriage.followup import due_status

    delta = (due - today).days
    style = "bold red" if delta < 0 else ("yellow" if delta == 0 else "")
    return Text(due_status(due, today), style=style)


def count_line(counts: Any, cutoff_days: int | None, left_out: bool = False) -> str:
    """`Re-screens due in 14 days: 1,234 · not shown (o lists them): 2 lost to follow-up, 3,217 overdue by more
    than 182 days (6 months)`; with `left_out`, the line over the list of those left out. The key comes before
    the figures: a narrow terminal cuts the line's end."""
    from vettriage.followup import span_words

    left = [f"{counts.lost:,} lost to follow-up"] if counts.lost else []
    left += [f"{counts.overdue:,} overdue by more than {span_words(cutoff_days)}"] if counts.overdue and cutoff_days \
        else []
    if left_out:
        return "Not on the due list (o: back to it): " + (", ".join(left) if left else "none")
    line = f"Re-screens due in {DUE_WITHIN_DAYS} days: {counts.due:,}"
    if left:
        line += " · not shown (o lists them): " + ", ".join(left)
    return line


def left_out_cells(d: Any, today: dt.date) -> tuple[Text, Text, Text]:
    """A dog left out of the due list as the board shows it: `LOST TO FOLLOW-UP` with why, who and when, or
    how long overdue with the re-screen's reason."""
    if d.lost_at is not None:
        when = d.lost_at.astimezone().strftime("%Y-%m-%d")
        return (Text("LOST TO FOLLOW-UP", style="bold magenta"), Text(d.dog.name),
                Text(f"{d.lost_reason} ({d.lost_by}, {when})"))  # the reason first: a narrow table cuts the end
    return due_text(d.due, today), Text(d.dog.name), Text(_reason(d))


def _reason(d: Any) -> str:
    return (d.reason or "").split(" (product heuristic")[0]


def pending_invites(store: Any, now: dt.datetime) -> list[tuple[Any, str, bool]]:
    """Invitations not used, not revoked and not expired: (invite, dog name, expiring soon), soonest first."""
    rows = []
    for inv in sorted(store.list_invites(), key=lambda i: i.expires_at):
        if inv.used or inv.revoked or inv.expires_at <= now:
            continue
        try:
            name = store.get_intake(inv.intake_id).dog.name
        except Exception:  # a damaged or removed intake must not take the desk down; its id still shows
            name = f"intake {inv.intake_id}"
        rows.append((inv, name, inv.expires_at - now <= dt.timedelta(hours=EXPIRING_HOURS)))
    return rows


def _cursor_key(table: DataTable) -> str | None:
    """The key of the row the cursor is on (None for an empty table)."""
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:
        return None


def _restore_cursor(table: DataTable, key: str | None) -> None:
    """Put the cursor back on the row with `key`, if it is still there (a refresh keeps the reader's place)."""
    if key is None:
        return
    try:
        table.move_cursor(row=table.get_row_index(key), animate=False, scroll=False)
    except Exception:  # the row is gone: the cursor stays where the table put it
        pass


class DayBoard(Vertical):
    """Re-screens due and invitations side by side, the due list's counts above them, the trend line under."""

    left_out = False
    """True while the table lists the dogs left out of the due list instead of the due list."""

    def compose(self) -> ComposeResult:
        yield Static("Re-screens: loading...", id="due-count", markup=False)
        with Horizontal(id="board-tables"):
            yield DataTable(id="due", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="invites", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="trend-row"):
            yield Static("", id="trend-label", markup=False)
            yield Sparkline([], id="trend")

    def on_mount(self) -> None:
        self.query_one("#due", DataTable).add_columns("Re-screen", "Dog", "Why")
        self.query_one("#invites", DataTable).add_columns("Invitation", "Dog", "Expires")
        self.query_one("#trend", Sparkline).display = False  # until a dog with two scored visits is highlighted
        self.due_dogs: dict[str, Any] = {}
        """Row key -> the DueDog shown on that row (the `l` key marks it lost to follow-up, `u` takes it back)."""
        self._after: Any = None
        self._more = False
        self._segment = "lost"
        self._reader: Any = None
        """The worker reading the left-out list's next page (None: none); a reload forgets it, and its rows."""
        self._keep: str | None = None
        self._query: tuple[Any, dt.date, dt.date | None, dt.date] | None = None
        self.counts: Any = None
        """The last DueCounts read (None until the first count is in)."""
        self.watch(self.query_one("#due", DataTable), "scroll_y", self._scrolled, init=False)

    def refresh_board(self, store: Any, overdue_cutoff_days: int | None = None) -> None:
        """Reload the list's first page (the due list, or those it leaves out) and, in a thread, its counts;
        and the invitations."""
        today = dt.date.today()
        on = today + dt.timedelta(days=DUE_WITHIN_DAYS)
        since = None if overdue_cutoff_days is None else today - dt.timedelta(days=overdue_cutoff_days)
        self._query = (store, on, since, today)
        self._cutoff = overdue_cutoff_days
        self._reload()
        self.run_worker(lambda: store.due_counts(on, since), thread=True, group="due-counts", exclusive=True,
                        exit_on_error=False)
        self.refresh_invites(store)

    def show_left_out(self, left_out: bool) -> None:
        """List the dogs left out of the due list (True) or the due list itself, from the first page; the
        counts already read stay (they count both)."""
        self.left_out = left_out
        self._show_counts()
        self._reload()

    def _reload(self) -> None:
        """The list shown, from its first page, the reader's row kept when it is still there."""
        due = self.query_one("#due", DataTable)
        at = _cursor_key(due)
        due.clear()
        self.due_dogs = {}
        self._after, self._more, self._segment, self._reader = None, True, "lost", None
        self._keep = at  # the left-out list puts it back when its first page is in, from the thread
        self.load_more()
        if not self.left_out:
            if not due.row_count:
                due.add_row(Text(f"none in {DUE_WITHIN_DAYS} days"), "", "")
            _restore_cursor(due, at)

    def load_more(self) -> bool:
        """Read the next page of the list into the table (the left-out list's in a thread); False when the
        list is all in."""
        if not self._more or self._query is None:
            return False
        if self.left_out:
            if self._reader is None:
                self._reader = self.run_worker(self._left_out_page(self._query, self._segment, self._after),
                                               thread=True, group="left-out", exit_on_error=False)
            return True
        store, on, since, today = self._query
        page = store.dogs_due(on, overdue_since=since, limit=PAGE, after=self._after)
        due = self.query_one("#due", DataTable)
        for d in page:
            key = f"dog-{d.dog.id}"
            if key in self.due_dogs:  # the same dog twice cannot happen (one last visit); a key must be unique
                continue
            self.due_dogs[key] = d
            due.add_row(due_text(d.due, today), Text(d.dog.name), Text(_reason(d)), key=key)
        if page:
            self._after = (page[-1].due, page[-1].intake_id)
        self._more = len(page) == PAGE
        return bool(page)

    @staticmethod
    def _left_out_page(query: tuple[Any, ...], segment: str, after: Any) -> Any:
        """What the worker runs: the next page of those left out, the lost first (keyset on the mark's time)
        and then, on the same page, the overdue past the cut-off (keyset on the re-screen date)."""
        store, on, since, _today = query

        def page() -> tuple[list[Any], str, Any, bool]:
            rows: list[Any] = []
            where, key = segment, after
            if where == "lost":
                rows = store.dogs_lost(on, limit=PAGE, after=key)
                if len(rows) == PAGE:
                    return rows, "lost", (rows[-1].lost_at, rows[-1].intake_id), True
                where, key = "overdue", None
            if since is None:  # no cut-off: nothing is left out for being overdue
                return rows, where, key, False
            want = PAGE - len(rows)
            overdue = store.dogs_overdue(on, since, limit=want, after=key)
            if overdue:
                key = (overdue[-1].due, overdue[-1].intake_id)
            return rows + overdue, where, key, len(overdue) == want

        return page

    def _left_out_read(self, result: tuple[list[Any], str, Any, bool]) -> None:
        """A page of those left out is in: add it."""
        page, self._segment, self._after, self._more = result
        due = self.query_one("#due", DataTable)
        today = self._query[3] if self._query else dt.date.today()
        for d in page:
            key = f"dog-{d.dog.id}"
            if key not in self.due_dogs:  # a dog whose mark changed between two pages is shown once
                self.due_dogs[key] = d
                due.add_row(*left_out_cells(d, today), key=key)
        if not due.row_count and not self._more:
            due.add_row(Text("none overdue or lost"), "", "")
        if self._keep is not None:
            _restore_cursor(due, self._keep)
            self._keep = None
        self._reader = None

    def _near_end(self, row: int) -> None:
        due = self.query_one("#due", DataTable)
        if self._more and row >= due.row_count - NEAR_END:
            self.load_more()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Moving down the due list reads the next page before the end is reached."""
        if event.data_table.id == "due":
            self._near_end(event.cursor_row)

    def _scrolled(self, _old: float, new: float) -> None:
        """Scrolling (the wheel, the scroll bar) reads the next page too."""
        due = self.query_one("#due", DataTable)
        if self._more and new >= due.max_scroll_y - NEAR_END:
            self.load_more()

    def on_worker_state_changed(self, event: Any) -> None:
        """The counts, once counted: the whole list, and what it leaves out; or a page of those left out."""
        from textual.worker import WorkerState

        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        if event.worker.group == "left-out":
            if event.worker is not self._reader:  # the list was reloaded since: its rows are not wanted
                return
            if event.state == WorkerState.SUCCESS:
                self._left_out_read(event.worker.result)
            else:
                self._reader = None
                self.query_one("#due-count", Static).update("Not on the due list: could not be read (o: back)")
            return
        if event.worker.group != "due-counts":
            return
        label = self.query_one("#due-count", Static)
        if event.state == WorkerState.ERROR:
            label.update("Re-screens: could not be counted (the list below is as read)")
        else:
            self.counts = event.worker.result
            self._show_counts()
        self.post_message(self.Counted())

    def _show_counts(self) -> None:
        """The line over the list, for the list shown (once the counts are in)."""
        if self.counts is not None:
            self.query_one("#due-count", Static).update(count_line(self.counts, self._cutoff, self.left_out))

    class Counted(Message):
        """The due list's counts are on the board (the desk's first load is complete)."""

    def refresh_invites(self, store: Any, now: dt.datetime | None = None) -> None:
        """Reload the invitations: each live link's progress at home (not started, started with how many
        answers, answered, or an EMERGENCY not yet seen, first), keeping the row the reader is on."""
        from vettriage.intake.home import home_rows

        now = now or dt.datetime.now(dt.timezone.utc)
        inv = self.query_one("#invites", DataTable)
        at = _cursor_key(inv)
        inv.clear()
        for row in home_rows(store, now):
            if row.link != "active" and not row.alarm:
                continue
            left = row.expires_at - now
            hours = int(left.total_seconds() // 3600)
            when = f"in {hours} h" if hours < 48 else row.expires_at.astimezone().strftime("%Y-%m-%d %H:%M")
            if row.alarm:
                state = Text(row.progress, style="bold red")
            elif row.status == "in_progress" and left <= dt.timedelta(hours=EXPIRING_HOURS):
                state = Text(f"{row.progress}, expires soon", style="yellow")
            else:
                state = Text(row.progress)
            inv.add_row(state, Text(row.dog_name), when, key=f"inv-{row.intake_id}")
        if not inv.row_count:
            inv.add_row(Text("none waiting"), "", "")
        _restore_cursor(inv, at)

    def show_trend(self, store: Any, catalogue: Any, dog_id: int, dog_name: str) -> None:
        """The highlighted dog's first pain total over its last visits (the known part where answers are
        missing: what was seen)."""
        from vettriage.followup import Range, top_level_scores

        pain = top_level_scores(catalogue).get("pain") or []
        label = self.query_one("#trend-label", Static)
        line = self.query_one("#trend", Sparkline)
        if not pain:
            label.update("")
            line.display = False
            return
        score = pain[0]
        values = []
        for v in store.visits(dog_id, limit=12):
            r = Range.of((v.assessment.get("scores") or {}).get(score.id))
            if r.low is not None:
                values.append(float(r.low))
        if len(values) < 2:
            label.update(f"{dog_name}: {len(values)} scored visit(s), no trend yet")
            line.display = False
            return
        label.update(f"{dog_name}, {score.title.for_mode('tech')[:30]}: "
                     + " > ".join(f"{x:g}" for x in values[-6:]) + " ")
        line.data = values
        line.display = True
