"""The desk's day board: dogs due or overdue for a re-screen, invitations and their owners' progress at home
(a red flag reported from home first, until someone marks it seen; links about to expire), and a compact trend of the highlighted dog's pain signs. Urgency and due state are words first; the
colour only repeats them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Sparkline, Static

DUE_WITHIN_DAYS = 14  # the board looks two weeks ahead, as `dogs due --within 14d`
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
    """Re-screens due and invitations side by side, and the trend line under them."""

    def compose(self) -> ComposeResult:
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

    def refresh_board(self, store: Any) -> None:
        """Reload both tables from the store."""
        today = dt.date.today()
        now = dt.datetime.now(dt.timezone.utc)
        due = self.query_one("#due", DataTable)
        due.clear()
        for d in store.dogs_due(today + dt.timedelta(days=DUE_WITHIN_DAYS)):
            due.add_row(due_text(d.due, today), Text(d.dog.name),
                        Text((d.reason or "").split(" (product heuristic")[0]), key=f"dog-{d.dog.id}")
        if not due.row_count:
            due.add_row(Text(f"none in {DUE_WITHIN_DAYS} days"), "", "")
        self.refresh_invites(store, now)

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
