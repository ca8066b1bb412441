"""A technician's intake walked from the desk with the documented keys only (README, "Keys"), counting every
key pressed: the Pilot test in test_keys.py and the figures of bench/keys.py. It asks nothing of the screens but
what a person sees: which screen is up, which question is on it and what it already holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.plain.script import WAIT, app_keys

RECORD = {"owner": "Ann Lee", "phone": "01632 960111", "chart": "K-12"}
TECHNICIAN = "Sam Lee"


@dataclass
class Count:
    """Key presses by where they went."""

    desk: int = 0
    questions: int = 0
    finish: int = 0
    by_key: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Every key pressed."""
        return self.desk + self.questions + self.finish


def file_answers(catalogue: Any, path: Path) -> dict[str, Any]:
    """An answers file's answers in their stored form."""
    from vettriage.engine.answers import read_answers_file

    return dict(read_answers_file(catalogue, path).values)


async def walk(app: Any, pilot: Any, catalogue: Any, answers: dict[str, Any], *, section_none: bool) -> Count:
    """From the desk to the result. `section_none`: Ctrl+N where the file's answers to the rest of a section
    are all "no / not seen" (the owner said no to the whole section)."""
    from textual.widgets import Input

    from vettriage.tui.screens.desk import DeskScreen
    from vettriage.tui.screens.question import QuestionScreen
    from vettriage.tui.widgets.answer import TWO_DIGIT_WINDOW

    count = Count()

    async def press(where: str, *keys: str) -> None:
        for key in keys:
            if key == WAIT:
                await pilot.pause(TWO_DIGIT_WINDOW + 0.1)
                continue
            await pilot.press(key)
            setattr(count, where, getattr(count, where) + 1)
            count.by_key[key] = count.by_key.get(key, 0) + 1
        await pilot.pause()

    def typed(text: str) -> list[str]:
        return ["space" if ch == " " else ch for ch in text]

    assert isinstance(app.screen, DeskScreen)
    await press("desk", "n")
    title = _title(app)
    if "Who is at the desk" in title:
        await press("desk", *typed(TECHNICIAN), "enter")
    await press("desk", *typed(str(answers["dog_name"])), "enter")
    if _title(app) == "New dog":  # the new dog's record: owner, phone, chart number
        for value in RECORD.values():
            await press("desk", *typed(value), "enter")
    for _ in range(600):
        screen = app.screen
        name = type(screen).__name__
        if name == "EmergencyScreen":
            raise AssertionError("a calm example raised an emergency")
        if name == "Confirm":  # "none of these?" on the old desk, or finishing with gaps
            await press("questions" if isinstance(app.screen_stack[-2], QuestionScreen) else "finish", "y")
            continue
        if name == "ReviewScreen":
            await press("finish", "c")
            if type(app.screen).__name__ == "Confirm":
                await press("finish", "y")
            break
        assert isinstance(screen, QuestionScreen), name
        s = screen.session
        item = s.item
        want = answers.get(item.id)
        if section_none and item.id in s.section_blanks() and all(
                answers.get(b) == s.none_answer(catalogue.items[b]) for b in s.section_blanks()):
            await press("questions", "ctrl+n")
            continue
        if s.answers.get(item.id) == want or (want is None and item.id not in s.answers):
            await press("questions", "enter")
        else:
            keys = app_keys(item, catalogue, want)
            if item.type in ("number", "months", "date", "text") and screen.query_one(Input).value:
                keys = ["ctrl+u" if item.type != "text" else "end"] + keys  # never the case in a new intake
            await press("questions", *keys)
            if isinstance(app.screen, QuestionScreen) and app.screen.session.item.id == item.id:
                await press("questions", "enter")
    else:
        raise AssertionError("the walk did not reach the review")
    assert type(app.screen).__name__ == "ResultScreen", type(app.screen).__name__
    return count


def _title(app: Any) -> str:
    from textual.widgets import Static

    found = app.screen.query("#dialog-title")
    return str(found.first(Static).render()) if found else ""
