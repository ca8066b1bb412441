"""Small modal dialogs."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text; dismisses with the text (stripped, non-empty) or None on Escape."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, prompt: str) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        """Title, prompt and the field."""
        with Vertical(id="dialog"):
            yield Static(self.title_text, id="dialog-title")
            yield Static(self.prompt)
            yield Input(id="answer", max_length=200)
            yield Static("Enter to confirm · Esc to cancel", classes="muted")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Confirm with a non-empty value."""
        event.stop()
        text = " ".join(event.value.split())
        if text:
            self.dismiss(text)

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)


class Confirm(ModalScreen[bool | None]):
    """Ask a yes/no question; dismisses with True (`y`, or the first button), False (`n`, the second) or None
    (Esc: neither; callers that only ask yes or no read it as no)."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n", "answer(False)", "No"),
                Binding("escape", "answer(None)", "Cancel")]

    def __init__(self, title: str, message: str, yes: str, no: str) -> None:
        super().__init__()
        self.title_text, self.message, self.yes, self.no = title, message, yes, no

    def compose(self) -> ComposeResult:
        """Title, message and the two buttons (their keys in their labels)."""
        with Vertical(id="dialog"):
            yield Static(self.title_text, id="dialog-title", markup=False)
            yield Static(self.message, markup=False)
            yield Button(f"y  {self.yes}", id="yes", variant="warning")
            yield Button(f"n  {self.no}", id="no", variant="primary")

    def on_mount(self) -> None:
        """The safe choice has the focus: Enter goes back to the questions."""
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A button answers."""
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool | None) -> None:
        """A key answers."""
        self.dismiss(yes)
