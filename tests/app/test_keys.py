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
