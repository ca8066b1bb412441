"""The answer widgets: a numbered option list (scale, yes/no, choice), a checklist (multi) and a text field.

The question screen keeps one of each and refills it for every question, which is much faster than mounting
new widgets (see bench/tui.py). Each posts the small messages in `vettriage.tui.messages`.
"""

from __future__ import annotations

import time
from typing import Any

from textual import events
from textual.binding import Binding
from textual.widgets import Input, OptionList, SelectionList
from textual.widgets._input import Selection as InputSelection
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from vettriage.content.models import UNKNOWN
from vettriage.tui.messages import Back, DontKnow, Next, Picked
from vettriage.intake.session import Choice, choices_for  # noqa: F401 - the numbering lives in the session

TWO_DIGIT_WINDOW = 0.8
"""Seconds within which "1" then "0" picks 10 on a 0-10 scale."""


def _prompt(c: Choice) -> str:
    label = c.label
    # Scale labels often start with their own number ("3 severe"): do not show it twice.
    first, _, rest = label.partition(" ")
    if first == str(c.number):
        label = rest.lstrip("- ")
    return f"{c.number:>2}  {label}".rstrip()


class _Moves:
    """The arrows move between questions (a list would otherwise scroll sideways with them). Textual reads
    BINDINGS from widget classes only, so each list lists the arrow bindings itself."""

    def action_go_next(self) -> None:
        """Go on."""
        self.post_message(Next())  # type: ignore[attr-defined]

    def action_go_back(self) -> None:
        """Go back."""
        self.post_message(Back())  # type: ignore[attr-defined]


class _KeepRenders:
    """An option list drops every rendered option on each resize and asks for another frame, so a question
    with more or fewer options than the last cost two frames. Its renders depend on the width only: drop them
    when a frame is drawn at a new width instead, within that same frame (textual 8.2 internals)."""

    _render_width: int = -1

    def _on_resize(self, event: events.Resize) -> None:
        event.prevent_default()  # else OptionList._on_resize runs too (Textual calls each class's handler)

    def render_lines(self, crop: Any) -> Any:
        """Drop renders made at another width, then draw."""
        width = self.scrollable_content_region.width  # type: ignore[attr-defined]
        if width != self._render_width:
            self._render_width = width
            self._option_render_cache.clear()  # type: ignore[attr-defined]
            self._line_cache.clear()  # type: ignore[attr-defined]
        return super().render_lines(crop)  # type: ignore[misc]


class ChoiceList(_KeepRenders, _Moves, OptionList):
    """Single choice. Enter on a highlighted option picks it and goes on; with nothing highlighted, goes on."""

    BINDINGS = [
        Binding("right", "go_next", "Next", key_display="→"),
        Binding("left", "go_back", "Back", key_display="←"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices: list[Choice] = []
        self._last_digit: tuple[int, float] | None = None

    def fill(self, choices: list[Choice], value: Any) -> None:
        """Show `choices` with the current answer highlighted."""
        self.choices = choices
        self._last_digit = None  # a digit typed on the last question never combines with one typed here
        self.clear_options()
        self.add_options([Option(_prompt(c)) for c in choices])
        values = [c.value for c in choices]
        self.highlighted = values.index(value) if value in values and value != UNKNOWN else None

    def pick_number(self, digit: int) -> Any:
        """Highlight and return the value whose number is `digit` (1 then 0 quickly gives 10)."""
        now = time.monotonic()
        number = digit
        if self._last_digit and now - self._last_digit[1] < TWO_DIGIT_WINDOW:
            combined = self._last_digit[0] * 10 + digit
            if any(c.number == combined for c in self.choices):
                number = combined
        self._last_digit = (digit, now)
        for n, c in enumerate(self.choices):
            if c.number == number:
                self.highlighted = n
                return c.value
        return None

    def action_select(self) -> None:
        """Enter: pick the highlighted option and go on, or just go on."""
        if self.highlighted is None:
            self.post_message(Next())
        else:
            self.post_message(Picked(self.choices[self.highlighted].value, advance=True))


class MultiList(_KeepRenders, _Moves, SelectionList[str]):
    """Several options. Space or a digit toggles; Enter goes on. "none" excludes the others."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices: list[Choice] = []
        self._filling = False
        self._last_digit: tuple[int, float] | None = None

    def fill(self, choices: list[Choice], value: Any) -> None:
        """Show `choices` ticked as in `value` (a list, or unknown)."""
        self._filling = True
        self.choices = choices
        self._last_digit = None  # a digit typed on the last question never combines with one typed here
        ticked = set(value) if isinstance(value, list) else set()
        self.clear_options()
        self.add_options([Selection(_prompt(c), c.value, c.value in ticked) for c in choices])
        self.highlighted = 0 if choices else None
        self._filling = False

    def toggle_number(self, digit: int) -> None:
        """Toggle the option numbered `digit`; "1" then "5" quickly toggles 15 instead (the 1 is undone), so
        every option of a long list can be ticked by number."""
        now = time.monotonic()
        last, self._last_digit = self._last_digit, (digit, now)
        if last and now - last[1] < TWO_DIGIT_WINDOW:
            combined = last[0] * 10 + digit
            if any(c.number == combined for c in self.choices):
                self._tick_number(last[0])  # undo the first digit's tick: it was the start of a longer number
                self._last_digit = None
                self._tick_number(combined)
                return
        self._tick_number(digit)

    def _tick_number(self, number: int) -> None:
        for n, c in enumerate(self.choices):
            if c.number == number:
                self.highlighted = n
                self.toggle(c.value)

    def action_select(self) -> None:
        """Enter goes on; Space toggles (bound separately below)."""
        self.post_message(Next())

    def action_toggle_highlighted(self) -> None:
        """Space: toggle the highlighted option."""
        if self.highlighted is not None:
            self.toggle(self.choices[self.highlighted].value)

    BINDINGS = [
        Binding("right", "go_next", "Next", key_display="→"),
        Binding("left", "go_back", "Back", key_display="←"),
        Binding("space", "toggle_highlighted", "Tick"),
    ]

    async def _on_click(self, event: events.Click) -> None:
        # A click ticks the option under the pointer; it must not go on to the next question.
        clicked = event.style.meta.get("option")
        if clicked is not None:
            self.highlighted = clicked
            self.action_toggle_highlighted()

    def render_line(self, y: int) -> Any:
        """The row with its box marked by a character, not only a colour: "x" when ticked, blank when not
        (Textual draws the same "X" in both, told apart by colour alone)."""
        from rich.segment import Segment
        from textual.strip import Strip

        strip = super().render_line(y)
        segments = list(strip)
        try:
            option = self.get_option_at_index(self.scroll_offset[1] + y)
        except Exception:  # below the last option: nothing to mark
            return strip
        if len(segments) > 1:
            inner = segments[1]
            segments[1] = Segment("x" if option.value in self._selected else " ", inner.style)
            return Strip(segments, strip.cell_length)
        return strip

    def current(self) -> list[str]:
        """The ticked values in option order."""
        ticked = set(self.selected)
        return [c.value for c in self.choices if c.value in ticked]

    def exclusive(self, changed: str | None) -> None:
        """Keep "none" exclusive: ticking it clears the rest, ticking another clears it."""
        ticked = set(self.selected)
        if "none" in ticked and len(ticked) > 1:
            if changed == "none":
                for v in ticked - {"none"}:
                    self.deselect(v)
            else:
                self.deselect("none")


class AnswerInput(Input):
    """A typed answer (number, months, date, text). Enter (or -> at the end) submits; Backspace when empty
    or <- at the start goes back;
    `u` means "don't know" in fields that cannot contain letters."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(select_on_focus=False, **kwargs)
        self.kind = "text"

    def fill(self, kind: str, value: Any, placeholder: str) -> None:
        """Prepare for an item of type `kind` showing its current answer."""
        self.kind = kind
        self.placeholder = placeholder
        self.value = "" if value is None or value == UNKNOWN else (f"{value:g}" if isinstance(value, float) else str(value))
        # The old answer is selected so that typing replaces it (as on focus, but also when the field is reused).
        self.selection = InputSelection(0, len(self.value)) if self.value else InputSelection.cursor(0)

    async def _on_key(self, event: events.Key) -> None:
        # At the edges of the field the arrows move between questions, as they do everywhere else.
        if event.key == "left" and self.cursor_position == 0 and self.selection.is_empty:
            event.stop()
            event.prevent_default()
            self.post_message(Back())
            return
        if event.key == "right" and self.cursor_position >= len(self.value):
            event.stop()
            event.prevent_default()
            await self.action_submit()
            return
        if event.key == "backspace" and not self.value:
            event.stop()
            event.prevent_default()
            self.post_message(Back())
            return
        if event.character == "u" and self.kind in ("number", "months", "date"):
            event.stop()
            event.prevent_default()
            self.post_message(DontKnow())
            return
        await super()._on_key(event)
