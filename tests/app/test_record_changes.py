"""Issue 26: the result screen says what the record and the documents say about a withdrawn red flag and an
amendment, and speaks to the clinic team in its own words (never "your dog" on a technician's screen)."""

from __future__ import annotations

from typing import Any

from tests.app.helpers import screen_text
from tests.app.test_flows import SIZE
from tests.render.record_case import AMEND_REASON, withdrawn_and_amended
from vettriage import DISCLAIMER, DISCLAIMER_TECH
from vettriage.record_changes import record_changes
from vettriage.tui.app import make_app
from vettriage.tui.screens.result import ResultScreen


async def test_result_screen_shows_the_withdrawn_flag_and_the_amendment(store: Any, catalogue: Any,
                                                                       config: Any) -> None:
    intake_id = withdrawn_and_amended(store, catalogue)
    intake = store.get_intake(intake_id)
    changes = record_changes(catalogue, intake.answers, store.audit(intake_id), intake.status)
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=intake_id, mode="tech")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
        text = screen_text(app)
    for line in changes.withdrawn_lines() + changes.amendment_lines():
        assert line in text
    assert AMEND_REASON in text
    assert DISCLAIMER_TECH in text and DISCLAIMER not in text and "Your dog" not in text
