"""A whole technician intake walked from the desk with the documented keys only (README, "Keys"): the same
rule on every question, no key chosen per question. The example's answers are what gets stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.app.keywalk import RECORD, TECHNICIAN, file_answers, walk
from vettriage.tui.app import make_app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "arthritis.yaml"


@pytest.mark.parametrize("section_none", [False, True], ids=["every-question", "with-ctrl-n"])
async def test_a_technician_intake_with_the_documented_keys_only(section_none: bool, store: Any, catalogue: Any,
                                                                 config: Any) -> None:
    answers = file_answers(catalogue, EXAMPLE)
    app = make_app(store=store, catalogue=catalogue, config=config, mode="tech")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        count = await walk(app, pilot, catalogue, answers, section_none=section_none)
    (row,) = store.list_intakes(dog="Bella")
    intake = store.get_intake(row.id)
    assert intake.status == "completed" and not intake.emergency
    assert intake.answers == answers
    assert intake.by == TECHNICIAN and {e.who for e in store.audit(intake.id)} == {TECHNICIAN}
    dog = store.dog_by_chart(RECORD["chart"])
    assert (dog.id, dog.owner_name, dog.owner_phone) == (intake.dog.id, RECORD["owner"], RECORD["phone"])
    assert count.by_key.get("ctrl+n", 0) > 0 if section_none else "ctrl+n" not in count.by_key


async def test_a_mistyped_yes_on_a_red_flag_is_put_right_before_enter(store: Any, catalogue: Any,
                                                                      config: Any) -> None:
    from tests.app.helpers import current_item
    from tests.app.test_flows import _seed
    from vettriage.tui.screens.question import QuestionScreen

    intake = _seed(store, catalogue, "Kip", {}, "rf_collapse")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=intake.id, mode="tech")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1")  # a slip: "yes, collapsed"
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen) and current_item(app).id == "rf_collapse"
        await pilot.press("2", "enter")  # put right, then on
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen) and current_item(app).id != "rf_collapse"
    got = store.get_intake(intake.id)
    assert got.answers["rf_collapse"] is False and got.urgency != "emergency"
    trail = [e for e in store.audit(intake.id) if e.item_id == "rf_collapse"]
    assert [e.new_value for e in trail] == [True, False] and "red flag withdrawn" in (trail[-1].reason or "")


async def test_u_and_a_click_choose_like_a_digit_and_never_move_on(store: Any, catalogue: Any,
                                                                  config: Any) -> None:
    from tests.app.helpers import current_item
    from tests.app.test_flows import _seed

    intake = _seed(store, catalogue, "Kip", {}, "dog_size")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=intake.id, mode="tech")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert current_item(app).id == "dog_size" and store.get_intake(intake.id).answers["dog_size"] == "unknown"
        options = app.screen.query_one("ChoiceList")
        await pilot.click(options, offset=(4, 2))  # the second option's row, under the border
        await pilot.pause()
        assert current_item(app).id == "dog_size"
        assert store.get_intake(intake.id).answers["dog_size"] == options.choices[1].value
        await pilot.press("enter")
        await pilot.pause()
        assert current_item(app).id != "dog_size"


async def test_q_quits_the_desk(store: Any, catalogue: Any, config: Any) -> None:
    app = make_app(store=store, catalogue=catalogue, config=config)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
