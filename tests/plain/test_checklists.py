"""The plain mode on a screening checklist (content 2026.12.4): the areas' numbers on one line open only those
areas' questions; the number of "none of these" skips the block; an empty line asks the yes/no question."""

from __future__ import annotations

import io
from typing import Any

from vettriage.intake.session import IntakeSession, choices_for
from vettriage.intake.starting import start_intake
from vettriage.plain import PlainDialogue


def run_plain(store: Any, catalogue: Any, config: Any, lines: list[str]) -> tuple[str, Any]:
    intake = start_intake(store, catalogue, "Rex", "tech")
    store.set_position(intake.id, "gw_cognition_areas")
    session = IntakeSession(catalogue, store, store.get_intake(intake.id), "tech")
    out = io.StringIO()
    PlainDialogue(session, config, io.StringIO("\n".join(lines) + "\n"), out).run()
    return out.getvalue(), store.get_intake(intake.id)


def _n(catalogue: Any, value: str) -> str:
    item = catalogue.items["gw_cognition_areas"]
    return str(next(c.number for c in choices_for(item, catalogue, "tech") if c.value == value))


def test_ticked_areas_open_only_their_questions(store: Any, catalogue: Any, config: Any) -> None:
    out, intake = run_plain(store, catalogue, config,
                            [f"{_n(catalogue, 'sleep')} {_n(catalogue, 'fears')}", "1", "2", "0", "1", "0", "q"])
    assert intake.answers["gw_cognition_areas"] == ["sleep", "fears"]
    assert [intake.answers[i] for i in ("cog_sleep_night_restless", "cog_sleep_night_waking",
                                        "cog_sleep_night_vocal", "cog_anxiety_noise", "cog_anxiety_places")] == [1, 2, 0, 1, 0]
    asked = out.split(catalogue.items["gw_cognition_areas"].text.tech)[1]
    assert catalogue.items["cog_disorientation_stuck"].text.tech not in asked  # unticked: not asked
    assert catalogue.items["gw_pain_areas"].text.tech in asked  # on to the pain checklist


def test_none_of_these_skips_the_block_and_an_empty_line_asks_the_yes_no_question(store: Any, catalogue: Any,
                                                                                   config: Any) -> None:
    out, intake = run_plain(store, catalogue, config, [_n(catalogue, "none"), "q"])
    assert intake.answers["gw_cognition_areas"] == ["none"]
    after = out.split(catalogue.items["gw_cognition_areas"].text.tech)[1]
    assert catalogue.items["gw_pain_areas"].text.tech in after and catalogue.items["gw_cognition"].text.tech not in after
    out, intake = run_plain(store, catalogue, config, ["", "q"])
    assert "gw_cognition_areas" not in intake.answers
    assert catalogue.items["gw_cognition"].text.tech in out.split(catalogue.items["gw_cognition_areas"].text.tech)[1]
