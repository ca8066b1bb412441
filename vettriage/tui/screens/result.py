"""The result: urgency, red flags, findings with why, cautions and the ordered options (ketamine last).

From here the pre-visit summary and the handout are saved as HTML or PDF, built in a worker thread (Jinja2
and WeasyPrint are imported there, never on the start-up path) and handed to `App.deliver_binary()`, which
saves locally in a terminal and downloads in a browser. A technician can amend a completed intake.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from vettriage import DISCLAIMER, DISCLAIMER_TECH
from vettriage.intake.session import IntakeSession
from vettriage.intake.words import CATEGORY_WORDS, LEVEL_WORDS, level_words, red_flag_words  # noqa: F401

def _range(x: Any) -> str:
    """A score as evidence: its value, or the range it can still take while inputs are unanswered."""
    if x.high is None or x.high == x.value:
        return f"{x.value:g}"
    return f"at least {x.value:g} (up to {x.high:g} once the rest are answered)"


class ResultScreen(Screen[None]):
    """Shows one completed intake's Assessment and plan."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("p", "save('previsit', 'html')", "Summary HTML"),
        Binding("P", "save('previsit', 'pdf')", "Summary PDF"),
        Binding("h", "save('handout', 'html')", "Handout HTML"),
        Binding("H", "save('handout', 'pdf')", "Handout PDF"),
        Binding("a", "amend", "Amend"),
        Binding("escape", "leave", "Done"),
    ]

    def __init__(self, session: IntakeSession, assessment: dict[str, Any] | None, *, draft: bool = False) -> None:
        super().__init__()
        self.session = session
        self.draft = draft
        """The intake is not finished (stopped at an emergency): documents carry the DRAFT mark."""
        from vettriage.engine.assessment import Assessment

        stored = Assessment.model_validate(assessment) if assessment else None
        # A record written before categories said how well they were assessed is assessed again from its
        # stored answers: its "none" may have been a form nobody filled in.
        self.assessment = stored if stored and stored.schema_version >= 2 else session.assessment()
        from vettriage.plan import make_plan

        self.plan = make_plan(session.catalogue, self.assessment, session.answers)
        from vettriage.render.page1 import document_options

        # the options the documents print (no routine-wellness all-clear when nothing could be assessed)
        self.options = document_options(session.catalogue, self.assessment, self.plan)
        self.changes = self._record_changes()
        self.saved: list[str] = []

    def _record_changes(self) -> Any:
        """The intake's withdrawn red flags and amendments, as `intakes show` and the documents word them."""
        from vettriage.record_changes import RecordChanges, record_changes

        s = self.session
        try:
            intake = s.store.get_intake(s.intake_id)
            return record_changes(s.catalogue, intake.answers, s.store.audit(s.intake_id), intake.status)
        except Exception:  # a store that cannot say: the result is still shown, without the history
            return RecordChanges()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """An owner sees the handout only and cannot amend."""
        owner = self.session.mode == "owner" or getattr(self.app, "locked", False)
        if owner and (action == "amend" or (action == "save" and parameters and parameters[0] == "previsit")):
            return False
        if action == "amend" and self.draft:
            return False
        return True

    def compose(self) -> ComposeResult:
        """The result as plain blocks of text in a scrolling column. Every block is a rich Text, never markup:
        dog names, answers and notes are typed by people and may hold brackets."""
        a, s, owner = self.assessment, self.session, self.session.mode == "owner"
        with VerticalScroll(id="result"):
            if self.draft:
                yield Static(Text(f"DRAFT: the questions stopped at \"{s.item.text.for_mode(s.mode)}\"; every "
                                  "answer so far is saved."), classes="flag")
            act = getattr(a, "emergency_act", None)
            tier = {"now": " (go in now)", "today": " (call now, seen today)"}.get(act or "", "")
            yield Static(Text(f"{s.dog_name} · urgency: {a.urgency.upper()}{tier}"), id="urgency",
                         classes=f"urgency-{a.urgency}")
            yield Static(Text(red_flag_words(a, owner)), classes="flag" if a.red_flags_unanswered else "muted")
            for line in self.changes.withdrawn_lines("owner" if owner else "tech") + self.changes.amendment_lines():
                yield Static(Text(line), classes="muted record-change")
            if a.red_flags:
                yield Static("Emergency signs - call now, seen today" if act == "today" else
                             "Emergency signs - act now", classes="heading")
                for hit in a.red_flags:
                    flag = s.catalogue.red_flags[hit.id]
                    yield Static(Text.assemble((f"! {flag.title.for_mode(s.mode)}", "bold"),
                                               f"\n  {flag.action.for_mode(s.mode)}"), classes="flag")
                config = getattr(self.app, "config", None)
                if config:
                    yield Static(Text(config.emergency_contact()), classes="flag")
            yield Static("Findings", classes="heading")
            for cat in ("pain", "medical", "ccd"):
                res = a.categories[cat]
                primary = " (main concern)" if a.primary == cat else ""
                yield Static(Text(f"{CATEGORY_WORDS[cat]}: {level_words(res)}{primary}", style="bold"),
                             classes="finding")
                for ev in res.evidence:
                    why = "; ".join(f"{s.catalogue.items[x.item].text.for_mode(s.mode)} → "
                                    f"{s.label(s.catalogue.items[x.item], x.value)}"
                                    for x in ev.answers if x.item in s.catalogue.items)
                    scores = "; ".join(f"{a.scores[x.score].title} = {_range(x)}"
                                       for x in ev.scores if x.score in a.scores)
                    why = "; ".join(w for w in (why, scores) if w)
                    yield Static(Text(f"  • {ev.title}" + (f"\n    why: {why}" if why else "")), classes="why")
                for ev in res.limited_by:
                    yield Static(Text(f"  ~ held back: {ev.title}"), classes="why muted")
            cautions = self.plan.ketamine_cautions + self.plan.medication_flags
            if cautions:
                yield Static("Cautions", classes="heading")
                for c in cautions:
                    title, detail = (c.owner_title, c.owner_detail) if owner else (c.title, c.detail)
                    yield Static(Text.assemble("  ! ", (title, "bold"), f": {detail}"), classes="caution")
            yield Static("Options to discuss with the vet, in order", classes="heading")
            if self.plan.deferred:
                yield Static("  First things first: the emergency. Care options wait until the dog has been seen.",
                             classes="option")
            for n, o in enumerate(self.options, 1):
                title = o.title if owner else o.vet_title
                mark = "  (caution)" if o.cautioned else ""
                yield Static(Text(f"  {n}. {title}{mark}"), classes="option")
            # the owner is told to have the dog examined; the clinic team reads the same line in its own words
            yield Static(DISCLAIMER if owner else DISCLAIMER_TECH, id="disclaimer", markup=False)
            yield Static("", id="saved", classes="muted", markup=False)
        from vettriage.tui.widgets.keybar import KeyBar

        yield KeyBar()  # whole keys, on a second line when 80 columns are not enough (Footer cut "a Ame")

    def action_save(self, kind: str, fmt: str) -> None:
        """Build a document in a worker thread and deliver it."""
        self.notify(f"Building the {_name(kind)} ({fmt.upper()})...", timeout=2)
        self._make_document(kind, fmt)

    @work(thread=True, exclusive=False, group="reports")
    def _make_document(self, kind: str, fmt: str) -> None:
        from vettriage.render import Clinic, ReportMeta, render

        s = self.session
        config = getattr(self.app, "config", None)
        try:
            # The clinic's name, phone, address and logo go on every page (a bad logo file is reported below).
            clinic = Clinic.from_config(config) if config is not None else Clinic()
            meta = ReportMeta(by="owner" if s.mode == "owner" else "technician", mode=s.mode,  # type: ignore[arg-type]
                              when=dt.datetime.now(dt.timezone.utc), intake_id=s.intake_id, clinic=clinic,
                              status="in_progress" if self.draft else "completed",
                              position=s.item.id if self.draft else None,
                              content_version=s.content_version, changes=self.changes)
            out = render(kind, fmt, s.catalogue, self.assessment, s.answers, meta, plan=self.plan)  # type: ignore[arg-type]
        except Exception as exc:  # a report that cannot be built must not take the screen down
            self.app.call_from_thread(self.notify, f"Could not build the {_name(kind)}: {exc}", severity="error")
            return
        data = out.encode("utf-8") if isinstance(out, str) else out
        safe_dog = "".join(ch for ch in s.dog_name if ch.isalnum()) or "dog"
        filename = f"{kind}-{safe_dog}-{s.intake_id}.{fmt}"
        if self.app.is_web:
            self.app.call_from_thread(self._deliver, data, filename)
            return
        # In a terminal, write the file here: textual 8.2's driver opens BytesIO deliveries in text mode and fails.
        try:
            path = _save_locally(data, filename, getattr(self.app, "save_dir", None))
        except OSError as exc:
            self.app.call_from_thread(self.notify, f"Could not save {filename}: {exc}", severity="error")
            return
        self.app.call_from_thread(self._saved, str(path))

    def _deliver(self, data: bytes, filename: str) -> None:
        self.app.deliver_binary(io.BytesIO(data), save_filename=filename, name=filename)
        self._saved(filename)

    def _saved(self, where: str) -> None:
        self.saved.append(where)
        self.query_one("#saved", Static).update("Saved: " + ", ".join(self.saved))
        self.notify(f"Saved {where}", timeout=6)

    def action_amend(self) -> None:
        """Ask for a reason, then reopen the questions; every change is recorded with that reason."""
        from vettriage.tui.screens.dialogs import TextPrompt

        def reopen(reason: str | None) -> None:
            if reason:
                intake = self.session.store.get_intake(self.session.intake_id)
                self.app.pop_screen()
                self.app.open_intake(intake, reason=reason)  # type: ignore[attr-defined]

        self.app.push_screen(TextPrompt("Amend this intake", "Why is it being amended? (recorded with each change)"),
                             reopen)

    def action_leave(self) -> None:
        """Back to the desk, or quit."""
        self.app.leave_intake()  # type: ignore[attr-defined]


def _save_locally(data: bytes, filename: str, directory: str | None) -> Path:
    """Write to `directory` (default: the user's downloads folder) without overwriting an earlier file."""
    if directory is None:
        from platformdirs import user_downloads_dir

        directory = user_downloads_dir()
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    n = 1
    while True:
        try:
            # readable by this user only, like the database: documents carry owners' answers
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            path = folder / f"{Path(filename).stem}-{n}{Path(filename).suffix}"
            n += 1
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return path


def _name(kind: str) -> str:
    return "pre-visit summary" if kind == "previsit" else "handout"
