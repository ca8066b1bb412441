"""The same intake given in the plain mode and, key by key, in the terminal app stores the same answers and the
same result: both drive one IntakeSession, so they cannot drift apart."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from tests.plain.script import DOG, WAIT, app_keys, plain_script, planned_answers
from vettriage.plain import PlainDialogue
from vettriage.store import open_store
from vettriage.intake.starting import resume_or_start
from vettriage.intake.session import IntakeSession
from vettriage.tui.widgets.answer import TWO_DIGIT_WINDOW


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "cursor_blink", False)


async def _through_the_app(url: str, catalogue: Any, config: Any) -> Any:
    from vettriage.tui.app import make_app
    from vettriage.tui.screens.dialogs import Confirm
    from vettriage.tui.screens.emergency import EmergencyScreen
    from vettriage.tui.screens.question import QuestionScreen
    from vettriage.tui.screens.result import ResultScreen
    from vettriage.tui.screens.review import ReviewScreen

    store = open_store(url)
    answers = planned_answers(catalogue)
    app = make_app(store=store, catalogue=catalogue, config=config, dog_name=DOG)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            for _ in range(300):
                if not isinstance(app.screen, QuestionScreen):
                    break
                item = app.screen.session.item
                for key in app_keys(item, catalogue, answers.get(item.id)):
                    if key == WAIT:
                        await pilot.pause(TWO_DIGIT_WINDOW + 0.1)
                    else:
                        await pilot.press(key)
                await pilot.pause()
                if isinstance(app.screen, EmergencyScreen):
                    await pilot.press("f")  # finish for the record: on to the next question
                elif isinstance(app.screen, QuestionScreen) and app.screen.session.item.id == item.id:
                    await pilot.press("enter")
                await pilot.pause()
            assert isinstance(app.screen, ReviewScreen), type(app.screen).__name__
            await pilot.press("c")
            await pilot.pause()
            if isinstance(app.screen, Confirm):
                await pilot.press("y")
                await pilot.pause()
            assert isinstance(app.screen, ResultScreen), type(app.screen).__name__
        rows = store.list_intakes(dog=DOG)
        return store.get_intake(rows[0].id)
    finally:
        store.close()


def _through_plain(url: str, catalogue: Any, config: Any) -> Any:
    store = open_store(url)
    try:
        intake = resume_or_start(store, catalogue, DOG, "tech")
        session = IntakeSession(catalogue, store, intake, "tech")
        PlainDialogue(session, config, io.StringIO(plain_script(catalogue)), io.StringIO()).run()
        return store.get_intake(intake.id)
    finally:
        store.close()


async def test_plain_mode_and_the_app_store_the_same_intake(catalogue: Any, config: Any, tmp_path: Path) -> None:
    plain = _through_plain(f"sqlite:///{tmp_path / 'plain.db'}", catalogue, config)
    app = await _through_the_app(f"sqlite:///{tmp_path / 'app.db'}", catalogue, config)
    assert plain.status == app.status == "completed"
    assert plain.answers == app.answers == planned_answers(catalogue)
    assert plain.emergency is app.emergency is True
    assert plain.urgency == app.urgency == "emergency"
    same = ("urgency", "red_flags", "categories", "scores", "ketamine_cautions", "medication_flags", "workup")
    assert {k: plain.assessment[k] for k in same} == {k: app.assessment[k] for k in same}
