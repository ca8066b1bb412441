"""Small messages the intake widgets post to their screen."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class Next(Message):
    """Go on to the next question (Enter or the right arrow)."""


class Back(Message):
    """Go back one question (the left arrow, or Backspace in an empty field)."""


class DontKnow(Message):
    """Answer "don't know / not observed"."""


class Picked(Message):
    """An answer was chosen; `advance` says whether to go on at once (Enter, a click)."""

    def __init__(self, value: Any, advance: bool = False) -> None:
        super().__init__()
        self.value = value
        self.advance = advance
