"""The plain mode on grouped emergency screens (issue 27): one sign per line, 0 for none of these."""

from __future__ import annotations

from typing import Any

import io

from vettriage.intake.session import IntakeSession
from vettriage.intake.starting import start_intake
from vettriage.plain import PlainDialogue


def run_plain(store: Any, catalogue: Any, config: Any, lines: list[str]) -> tuple[int, str, Any]:
    """The plain dialogue from the first emergency screen on, `lines` typed."""
    intake = start_intake(store, catalogue, "Rex", "tech")
    store.set_position(intake.id, "rf_collapse")
    session = IntakeSession(catalogue, store, store.get_intake(intake.id), "tech")
    out = io.StringIO()
    rc = PlainDialogue(session, config, io.StringIO("\n".join(lines) + "\n"), out).run()
    return rc, out.getvalue(), store.get_intake(intake.id)


def test_each_sign_on_its_own_line_and_zero_answers_the_rest_no(store: Any, catalogue: Any, config: Any) -> None:
    rc, out, intake = run_plain(store, catalogue, config, ["n", "0", "q"])
    assert rc == 0
    assert f"{catalogue.screens[0].title.tech}: 3 signs, one per line" in out
    assert intake.answers["rf_collapse"] is False
    assert intake.answers["rf_breathing"] is False and intake.answers["rf_heat"] is False
    assert "none of these: answered 2 signs of this group no." in out.lower()
    assert catalogue.items["rf_gums"].text.tech in out.split("answered 2 signs")[1]  # on to the next screen


def test_a_yes_on_a_grouped_screen_interrupts_before_the_next_sign(store: Any, catalogue: Any, config: Any) -> None:
    rc, out, intake = run_plain(store, catalogue, config, ["n", "y", "f", "0", "q"])
    after_yes = out.split(catalogue.items["rf_breathing"].text.tech)[1]
    assert after_yes.index("EMERGENCY.") < after_yes.index(catalogue.items["rf_heat"].text.tech)
    assert intake.answers["rf_breathing"] is True and intake.answers["rf_heat"] is False
    assert intake.emergency
