"""Small modal dialogs."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


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
