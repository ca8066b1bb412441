"""Grouped emergency screens in the terminal app (issue 27): one list of signs, y / n / u per sign, 0 for none of
these, the interrupt on the first yes, an untouched screen left unanswered."""

from __future__ import annotations

from typing import Any

from tests.app.helpers import screen_text
from vettriage.intake.starting import start_intake
from vettriage.tui.app import make_app
from vettriage.tui.screens.emergency import EmergencyScreen
from vettriage.tui.screens.question import QuestionScreen

SIZE = (100, 32)


def _app(store: Any, catalogue: Any, config: Any, position: str = "rf_collapse") -> Any:
    intake = start_intake(store, catalogue, "Biscuit", "owner")
    store.set_position(intake.id, position)
    return make_app(store=store, catalogue=catalogue, config=config, intake_id=intake.id, mode="owner",
                    locked=True), intake.id


async def test_signs_share_a_screen_and_a_yes_interrupts_on_its_enter(store: Any, catalogue: Any,
                                                                      config: Any) -> None:
    app, iid = _app(store, catalogue, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        text = screen_text(app)
        assert "Collapse, breathing and heat" in text
        for item_id in ("rf_collapse", "rf_breathing", "rf_heat"):
            assert catalogue.items[item_id].text.owner in text
        await pilot.press("n")  # the first sign: no; the highlight moves to the second
        await pilot.pause()
        assert app.screen.session.item.id == "rf_breathing"
        await pilot.press("y")  # a yes: saved and marked an emergency at once; the steps open on Enter
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen) and store.get_intake(iid).emergency
        assert "Enter" in screen_text(app)  # the warning line says what Enter does
        await pilot.press("enter")  # before the rest of the screen
        await pilot.pause()
        assert isinstance(app.screen, EmergencyScreen)
        await pilot.press("f")  # finish for the record: back on the same screen, on the next sign
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen) and app.screen.session.item.id == "rf_heat"
        assert "[yes]" in screen_text(app) and "[no ]" in screen_text(app)
        await pilot.press("0")  # none of these: the last sign no, and on
        await pilot.pause()
        assert app.screen.session.item.id == "rf_gums"
    answers = store.get_intake(iid).answers
    assert answers["rf_collapse"] is False and answers["rf_breathing"] is True and answers["rf_heat"] is False


async def test_none_of_these_is_one_key_and_an_untouched_screen_stays_unanswered(store: Any, catalogue: Any,
                                                                              config: Any) -> None:
    app, iid = _app(store, catalogue, config, "rf_retching")
    belly = [i for sc in catalogue.screens if sc.id == "belly" for i in sc.items]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.session.screen.id == "belly"
        await pilot.press("enter")  # on without touching it
        await pilot.pause()
        assert app.screen.session.screen.id == "neurological"
        await pilot.press("0")
        await pilot.pause()
        assert app.screen.session.item.id == "rf_urine_strain"  # no seizure: its follow-ups are not asked
        await pilot.press("left")  # back one screen
        await pilot.pause()
        assert app.screen.session.item.id == "rf_seizure_recent"
    answers = store.get_intake(iid).answers
    assert not any(answers.get(i) is not None for i in belly)  # never a no that was not given
    assert all(answers[i] is False for i in ("rf_seizure_recent", "rf_cannot_walk", "rf_balance",
                                              "rf_vision_sudden", "rf_eye_painful"))


async def test_dont_know_on_a_sign(store: Any, catalogue: Any, config: Any) -> None:
    app, iid = _app(store, catalogue, config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("u", "0")
        await pilot.pause()
    answers = store.get_intake(iid).answers
    assert answers["rf_collapse"] == "unknown" and answers["rf_breathing"] is False
