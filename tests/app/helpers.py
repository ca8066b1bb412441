"""Helpers for the Pilot flows: read what is on screen, answer the current question as a person would."""

from __future__ import annotations

from typing import Any

from textual.widgets import OptionList, Static

from vettriage.tui.screens.question import QuestionScreen


def screen_text(app: Any) -> str:
    """Every Static's text and every option list's prompts on the current screen, one per line."""
    out: list[str] = []
    for w in app.screen.query("*"):
        if isinstance(w, Static) and w.display:
            out.append(str(w.render()))
        elif isinstance(w, OptionList) and w.display:
            out += [str(w.get_option_at_index(i).prompt) for i in range(w.option_count)]
    return "\n".join(out)


def current_item(app: Any) -> Any:
    """The question on screen."""
    assert isinstance(app.screen, QuestionScreen), type(app.screen).__name__
    return app.screen.session.item


async def answer_current(pilot: Any, app: Any) -> str:
    """Answer the question on screen with a calm, non-emergency answer, using the keys; return its id."""
    item = current_item(app)
    t = item.type
    if app.screen.session.screen is not None:
        await pilot.press("0")  # a grouped emergency screen: none of these, and on
    elif t == "yesno":
        await pilot.press("2", "enter")  # No
    elif t in ("scale", "choice"):
        first = app.screen.query_one("ChoiceList").choices[0].number
        await pilot.press(str(first), "enter")
    elif t == "multi":
        # The last option is usually "none"; tick the first otherwise.
        await pilot.press("1", "enter")
    elif t in ("number", "months"):
        v = 1 if item.min <= 1 <= item.max else item.min
        await pilot.press(*f"{v:g}", "enter")
    elif t == "date":
        await pilot.press(*"2024-01-15", "enter")
    else:
        if item.required:
            await pilot.press(*"Bo", "enter")
        else:
            await pilot.press("enter")
    await pilot.pause()
    return item.id


async def desk_loaded(app: Any, pilot: Any) -> Any:
    """Wait for the desk's first load (every first page and the due counts) and its frame; the desk."""
    import asyncio

    from vettriage.tui.screens.desk import DeskScreen

    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, DeskScreen)
    done = asyncio.Event()
    screen.when_loaded(done.set)
    await asyncio.wait_for(done.wait(), 30)
    await pilot.pause()
    return screen
