"""Colour is never the only signal (issue 18): under NO_COLOR no screen draws any colour in any theme (so no
text can be black on black) and the cursor row is still marked; the high-contrast theme reaches 7:1 for every
text on every screen; the ticked boxes show in a NO_COLOR snapshot; animations follow TEXTUAL_ANIMATIONS."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from typing import Any, Callable

import pytest

from tests.app.contrast import Cell, cells
from vettriage.config import THEMES as CONFIG_THEMES
from vettriage.engine import assess
from vettriage.tui.app import THEMES, make_app
from vettriage.intake.starting import start_intake

SIZE = (80, 24)


def _intake(store: Any, catalogue: Any, answers: dict[str, Any], position: str | None) -> int:
    intake = start_intake(store, catalogue, "Biscuit", "tech")
    for k, v in answers.items():
        store.save_answer(intake.id, k, v, who="test")
    if position:
        store.set_position(intake.id, position)
    return intake.id


def _modal_cells(app: Any, box: str) -> list[Cell]:
    """Only what is inside a dialog: the screen behind it is dimmed on purpose."""
    region = app.screen.query_one(box).region
    return [c for c in cells(app) if region.contains(c.x, c.y)]


async def _walk(store: Any, catalogue: Any, config: Any, look: Callable[[str, list[Cell]], None]) -> None:
    """The desk, a checklist with a tick, the review, the emergency, a typed answer refused, the leave
    dialog and a result with an emergency and cautions: `look` is given each one's painted text."""
    from vettriage.tui.screens.dialogs import Confirm
    from vettriage.tui.screens.emergency import EmergencyScreen

    _intake(store, catalogue, {"sys_mouth": ["bad_breath"]}, "sys_mouth")
    app = make_app(store=store, catalogue=catalogue, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        look("desk", cells(app))
        await pilot.press("enter")
        await pilot.pause()
        look("checklist", cells(app))
        await pilot.press("r")
        await pilot.pause()
        look("review", cells(app))
        await pilot.press("escape")
        await pilot.pause()
        app.screen.session.go_to("rf_collapse")
        app.screen.show_question()
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, EmergencyScreen)
        look("emergency", _modal_cells(app, "#box"))
        await pilot.press("f")
        await pilot.pause()
        app.screen.session.go_to("dog_age_years")
        app.screen.show_question()
        await pilot.press("x", "enter")
        await pilot.pause()
        look("typed error", cells(app))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        look("leave dialog", _modal_cells(app, "#dialog"))
    answers = {"rf_collapse": True, "pain_sign_stiff_after_rest": 3, "pain_sign_jumping": 2,
               "med_current": ["carprofen", "prednisolone"]}
    done = _intake(store, catalogue, answers, None)
    store.complete(done, assess(catalogue, store.get_intake(done).answers).model_dump(mode="json"))
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=done)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        look("result", cells(app))


@pytest.mark.parametrize("theme", CONFIG_THEMES)
async def test_no_colour_means_no_colour_on_any_screen_in_any_theme(theme: str, store: Any, catalogue: Any,
                                                                    config: Any,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # Textual would turn a theme's colours grey under NO_COLOR: "not answered" in yellow on the cursor row
    # measured 2.0:1 in the light theme. Drawn in the terminal's own colours instead, text cannot vanish.
    monkeypatch.setenv("NO_COLOR", "1")
    seen: dict[str, list[Cell]] = {}

    def look(name: str, painted: list[Cell]) -> None:
        coloured = [c for c in painted if c.fg or c.bg]
        assert not coloured, (name, coloured[:5])
        seen[name] = painted

    await _walk(store, catalogue, dataclasses.replace(config, theme=theme), look)
    assert set(seen) == {"desk", "checklist", "review", "emergency", "typed error", "leave dialog", "result"}


async def test_the_cursor_row_is_marked_without_colour(store: Any, catalogue: Any, config: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    iid = _intake(store, catalogue, {}, "dog_size")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=iid)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        rows = {strip.text.strip(): strip for strip in app.screen._compositor.render_strips()}
        medium = next(s for t, s in rows.items() if "Medium" in t)
        small = next(s for t, s in rows.items() if "Small" in t)
        assert any(seg.style and seg.style.underline for seg in medium if "Medium" in seg.text)
        assert not any(seg.style and seg.style.underline for seg in small)


async def test_high_contrast_theme_reaches_7_to_1_everywhere(store: Any, catalogue: Any, config: Any) -> None:
    low: list[tuple[str, Cell]] = []
    seen: list[str] = []

    def look(name: str, painted: list[Cell]) -> None:
        seen.append(name)
        assert painted, name
        low.extend((name, c) for c in painted if c.ratio is not None and c.ratio < 7)

    await _walk(store, catalogue, dataclasses.replace(config, theme="high-contrast"), look)
    assert len(seen) == 7 and not low, low[:6]


async def test_the_theme_setting_picks_the_theme_and_ctrl_t_goes_round(store: Any, catalogue: Any,
                                                                       config: Any) -> None:
    iid = _intake(store, catalogue, {}, None)
    app = make_app(store=store, catalogue=catalogue, config=dataclasses.replace(config, theme="high-contrast"),
                   intake_id=iid)
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "vettriage-high-contrast"
        order = [app.theme]
        for _ in THEMES:
            await pilot.press("ctrl+t")
            order.append(app.theme)
        assert order == ["vettriage-high-contrast", "textual-dark", "textual-light", "vettriage-high-contrast"]


def test_question_screen_under_no_colour_shows_the_ticked_marks(snap_compare: Any, store: Any, catalogue: Any,
                                                                config: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checklist with two boxes ticked and the cursor on a third: the ticks are an "x", the cursor row is
    underlined, and nothing is coloured."""
    monkeypatch.setenv("NO_COLOR", "1")
    iid = _intake(store, catalogue, {"sys_mouth": ["bad_breath", "face_shy"]}, "sys_mouth")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=iid, mode="owner", locked=True)
    assert snap_compare(app, terminal_size=SIZE, press=["down"])


def test_animations_are_off_with_textual_animations_none(tmp_path: Any) -> None:
    # Textual reads TEXTUAL_ANIMATIONS when it is imported: a fresh interpreter, as a user's shell would be.
    code = ("import asyncio\n"
            "from vettriage.config import Config\n"
            "from vettriage.tui.app import make_app\n"
            f"app = make_app(store_url='sqlite:///{tmp_path}/a.db', config=Config())\n"
            "async def main():\n"
            "    async with app.run_test() as pilot:\n"
            "        await pilot.pause()\n"
            "        print('LEVEL', app.animation_level)\n"
            "asyncio.run(main())\n")
    env = {**os.environ, "TEXTUAL_ANIMATIONS": "none"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert "LEVEL none" in done.stdout, done.stdout + done.stderr
