"""Small modal dialogs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


class DogPicker(ModalScreen[int | None]):
    """A name typed for a new intake matches dogs already on record: pick one of them, or a new dog of that
    name (names alone never merge two dogs). Dismisses with the dog's id, 0 for a new dog, None on Esc."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, name: str, dogs: list[tuple[int, str]]) -> None:
        super().__init__()
        self.dog_name, self.dogs = name, dogs

    def compose(self) -> ComposeResult:
        """The dogs (id, chart, owner, last visit) and the new-dog choice last."""
        from rich.text import Text
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option

        with Vertical(id="dialog"):
            yield Static(f"Which {self.dog_name}?", id="dialog-title", markup=False)
            yield Static("Dogs on record with this name. Pick one, or add a new dog.", markup=False)
            options = [Option(Text(label), id=f"dog-{dog_id}") for dog_id, label in self.dogs]
            options.append(Option(Text(f"A new dog named {self.dog_name}"), id="dog-0"))
            yield OptionList(*options, id="dogs")

    def on_option_list_option_selected(self, event: Any) -> None:
        """Enter or a click picks."""
        event.stop()
        self.dismiss(int(str(event.option.id).removeprefix("dog-")))

    def action_cancel(self) -> None:
        """Close without starting an intake."""
        self.dismiss(None)


class DogRecord(ModalScreen["int | None"]):
    """A new dog's record for the desk: its name, the owner, the owner's phone and the clinic's chart number.
    Enter goes to the next field, and on the last one saves through `save` (the fields, stripped, empty ones
    left out -> the new dog's id); only the name is required, and what the store refuses (a chart number
    another dog has) is said on one line, the record still open. Dismisses with the dog's id, None on Esc."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    FIELDS = (("name", "Dog's name"), ("owner_name", "Owner"), ("owner_phone", "Owner's phone"),
              ("chart", "Chart number"))

    def __init__(self, name: str, save: Any) -> None:
        super().__init__()
        self.dog_name = name
        self.save = save

    def compose(self) -> ComposeResult:
        """A labelled field per part of the record."""
        with Vertical(id="dialog"):
            yield Static("New dog", id="dialog-title")
            for key, label in self.FIELDS:
                yield Static(label, classes="label")
                yield Input(self.dog_name if key == "name" else "", id=key, max_length=200)
            yield Static("", id="record-error", markup=False)
            yield Static("Enter: next field, then save · Esc to cancel", classes="muted")

    def on_mount(self) -> None:
        """Start at the owner's name: the dog's is already typed."""
        self.query_one("#owner_name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Next field; the last one saves."""
        event.stop()
        keys = [k for k, _ in self.FIELDS]
        at = keys.index(str(event.input.id))
        if at + 1 < len(keys):
            self.query_one(f"#{keys[at + 1]}", Input).focus()
            return
        record = {k: " ".join(self.query_one(f"#{k}", Input).value.split()) for k in keys}
        if not record["name"]:
            self.query_one("#record-error", Static).update("The dog needs a name.")
            self.query_one("#name", Input).focus()
            return
        from vettriage.store.api import StoreError

        try:
            dog_id = self.save({k: v for k, v in record.items() if v})
        except StoreError as exc:
            self.query_one("#record-error", Static).update(f"Not saved: {exc}")
            return
        self.dismiss(dog_id)

    def action_cancel(self) -> None:
        """Close without a new dog."""
        self.dismiss(None)
