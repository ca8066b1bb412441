"""The emergency interrupt: what a red flag means and what to do now, then the choice to finish for the record."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from vettriage.intake.session import IntakeSession
from vettriage.intake.words import DEFAULT_CONTACT


class EmergencyScreen(ModalScreen[bool]):
    """Dismisses with True to finish the questionnaire for the record, False to stop here (the question screen
    then shows the emergency summary: what to do, whom to call, and documents to print)."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("enter,f", "finish", "Finish for the record"),
        Binding("escape,s", "stop", "Stop here"),
        Binding("c", "stop", "Call now", show=False),
        # Arrows move between the two buttons, as people try first (tried in tmux: → did nothing).
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]

    def __init__(self, session: IntakeSession, flag_ids: list[str]) -> None:
        super().__init__()
        self.session = session
        self.flag_ids = flag_ids

    def compose(self) -> ComposeResult:
        """The warning, each red flag with its action, whom to call, and two buttons."""
        owner = self.session.mode == "owner"
        config = getattr(self.app, "config", None)
        contact = config.emergency_contact() if config else DEFAULT_CONTACT
        # The clinic's name and phone (in `contact`) and address, as configured (`vettriage config`): typed text,
        # so never read as markup (a name with "[" in it).
        address = getattr(config, "clinic_address", None)
        notice = self.session.emergency_notice(self.flag_ids, contact)
        with VerticalScroll(id="box"):
            yield Static(notice.title, id="title")
            yield Static(notice.lead, id="lead")
            for title, action in notice.flags:
                yield Static(f"! {title}", classes="flag", markup=False)
                yield Static(action, classes="action", markup=False)
            yield Static(notice.contact, id="contact", markup=False)
            if address:
                yield Static(address, id="clinic", markup=False)
            yield Static(notice.saved, classes="muted")
            with Horizontal(id="buttons"):
                if owner:
                    # the owner's first action is the call: it has the focus, and shows the number to ring
                    phone = getattr(config, "clinic_phone", None)
                    yield Button(f"I will call {phone} now (c)" if phone else "I will call the vet now (c)",
                                 id="stop", variant="error")
                    yield Button("Finish the questions too (f)", id="finish", variant="primary")
                else:
                    yield Button("Finish the questions for the record (f)", id="finish", variant="primary")
                    yield Button("Stop here: emergency summary (s)", id="stop", variant="error")

    def on_mount(self) -> None:
        """The owner's focus is on the call; the technician's on finishing the record (the vet is told either
        way: the intake is marked emergency at once)."""
        self.query_one("#stop" if self.session.mode == "owner" else "#finish", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Either button dismisses the screen."""
        event.stop()
        self.dismiss(event.button.id == "finish")

    def action_finish(self) -> None:
        """Go on with the questionnaire."""
        self.dismiss(True)

    def action_stop(self) -> None:
        """Stop here (answers are kept)."""
        self.dismiss(False)
