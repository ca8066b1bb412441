"""Screening checklists in the terminal app (content 2026.12.4): one list of areas, a digit ticks one, Enter
goes on to the ticked areas' questions only; "none of these" skips the block; left blank, the yes/no gateway."""

from __future__ import annotations

from typing import Any

from tests.app.helpers import screen_text
from vettriage.intake.session import choices_for
from vettriage.intake.starting import start_intake
from vettriage.tui.app import make_app
from vettriage.tui.widgets.answer import TWO_DIGIT_WINDOW

SIZE = (100, 40)


def _app(store: Any, catalogue: Any, config: Any) -> Any:
    intake = start_intake(store, catalogue, "Biscuit", "owner")
    store.set_position(intake.id, "gw_cognition_areas")
    return make_app(store=store, catalogue=catalogue, config=config, intake_id=intake.id, mode="owner",
                    locked=True), intake.id


def _number(catalogue: Any, value: str) -> str:
    item = catalogue.items["gw_cognition_areas"]
    return str(next(c.number for c in choices_for(item, catalogue, "owner") if c.value == value))


async def test_ticked_areas_open_only_their_own_questions(store: Any, catalogue: Any, config: Any) -> None:
    app, iid = _app(store, catalogue, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.session.item.id == "gw_cognition_areas"
        text = screen_text(app)
        for area in catalogue.checklist_by_id["gw_cognition_areas"].areas:
            assert area.label.owner in text  # every area on the one screen
        await pilot.press(_number(catalogue, "sleep"))
        await pilot.pause(TWO_DIGIT_WINDOW + 0.1)
        await pilot.press(_number(catalogue, "alone"))
        await pilot.pause(TWO_DIGIT_WINDOW + 0.1)
        await pilot.press("enter")
        await pilot.pause()
        asked = []
        for _ in range(4):
            asked.append(app.screen.session.item.id)
            await pilot.press("1", "enter")
            await pilot.pause()
        assert asked == ["cog_sleep_night_restless", "cog_sleep_night_waking", "cog_sleep_night_vocal",
                         "cog_anxiety_separation"]
        assert app.screen.session.item.id == "gw_pain_areas"  # the other areas are not asked
    answers = store.get_intake(iid).answers
    assert answers["gw_cognition_areas"] == ["sleep", "alone"]
    assert answers.get("gw_cognition") is None and answers["cog_sleep_night_waking"] == 1


async def test_none_of_these_skips_the_block_and_blank_asks_the_yes_no_question(store: Any, catalogue: Any,
                                                                                config: Any) -> None:
    app, iid = _app(store, catalogue, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # on without ticking anything
        await pilot.pause()
        assert app.screen.session.item.id == "gw_cognition"  # left blank: the single yes/no question
        assert store.get_intake(iid).answers.get("gw_cognition_areas") is None
        await pilot.press("left")
        await pilot.pause()
        assert app.screen.session.item.id == "gw_cognition_areas"
        await pilot.press(*_number(catalogue, "none"))
        await pilot.pause(TWO_DIGIT_WINDOW + 0.1)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.session.item.id == "gw_pain_areas"  # no behaviour question at all
    assert store.get_intake(iid).answers["gw_cognition_areas"] == ["none"]
