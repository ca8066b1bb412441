"""Coming back to an answer: a text keeps its words with the cursor after them; a follow-up shows what was
pre-filled from the last visit for confirmation; clearing a pre-filled answer asks why and records it."""

from __future__ import annotations

from typing import Any

from tests.app.helpers import current_item, screen_text
from tests.app.test_flows import SIZE, _seed
from vettriage.engine import assess
from vettriage.tui.app import make_app
from vettriage.tui.screens.dialogs import TextPrompt
from vettriage.tui.screens.question import QuestionScreen
from vettriage.tui.widgets.answer import AnswerInput


async def test_a_text_answer_revisited_keeps_its_words_and_the_cursor_after_them(store: Any, catalogue: Any,
                                                                               config: Any) -> None:
    intake = _seed(store, catalogue, "Fudge", {"dog_breed": "Border Collie"}, "dog_breed")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=intake.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        field = app.screen.query_one(AnswerInput)
        assert field.value == "Border Collie" and field.cursor_position == len("Border Collie")
        assert field.selection.is_empty
        await pilot.press("space", *"cross", "enter")
        await pilot.pause()
    assert store.get_intake(intake.id).answers["dog_breed"] == "Border Collie cross"


async def test_a_follow_up_shows_the_prefilled_history_and_clearing_it_asks_why(store: Any, catalogue: Any,
                                                                            config: Any) -> None:
    first = _seed(store, catalogue, "Bella", {"dog_age_years": 12, "med_current": ["carprofen"]}, None)
    store.complete(first.id, assess(catalogue, store.get_intake(first.id).answers).model_dump(mode="json"))
    app = make_app(store=store, catalogue=catalogue, config=config)
    app.technician = "Sam"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", *"Bella", "enter")
        await pilot.pause()
        await pilot.press("home", "enter")  # the Bella on record
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert current_item(app).id == "dog_age_years", "the pre-filled history is shown, not skipped"
        assert "Pre-filled" in screen_text(app) and "Enter keeps it" in screen_text(app)
        await pilot.press("ctrl+u", "enter")  # cleared: asks why; Esc keeps it
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("escape")
        await pilot.pause()
        assert current_item(app).id == "dog_age_years" and app.screen.query_one(AnswerInput).value
        await pilot.press("ctrl+u", "enter")  # the field emptied (Ctrl+U is the field's own here)
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"owner unsure", "enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen) and current_item(app).id != "dog_age_years"
        new = app.screen.session.intake_id
    assert "dog_age_years" not in store.get_intake(new).answers
    last = [e for e in store.audit(new) if e.item_id == "dog_age_years"][-1]
    assert (last.new_value, last.reason, last.who) == (None, "cleared the pre-filled answer: owner unsure", "Sam")
