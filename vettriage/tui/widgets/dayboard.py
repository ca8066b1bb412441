"""The desk's day board: dogs due or overdue for a re-screen, invitations not yet answered (and links about to
expire), and a compact trend of the highlighted dog's pain signs. Urgency and due state are words first; the
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
        inv = self.query_one("#invites", DataTable)
        inv.clear()
        for invite, name, soon in pending_invites(store, now):
            left = invite.expires_at - now
            hours = int(left.total_seconds() // 3600)
            when = f"in {hours} h" if hours < 48 else invite.expires_at.astimezone().strftime("%Y-%m-%d %H:%M")
            state = Text("expires soon", style="yellow") if soon else Text("not answered")
            inv.add_row(state, Text(name), when, key=f"inv-{invite.id}")
        if not inv.row_count:
            inv.add_row(Text("none waiting"), "", "")

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
