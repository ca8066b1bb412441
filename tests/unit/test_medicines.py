"""One instruction per medicine (vettriage.medicines), the emergency tiers and the age check (issue 22)."""

from __future__ import annotations

import pytest

from vettriage.cli import main
from vettriage.engine import assess
from vettriage.engine.answers import bound_problem
from vettriage.medicines import medicine_instructions


def lines(catalogue, **answers) -> dict[str, tuple[str, tuple[str, ...]]]:
    a = assess(catalogue, answers)
    return {ln.medicine: (ln.action, ln.because) for ln in medicine_instructions(catalogue, a, answers)}


def test_no_flag_means_no_medicine_list(catalogue) -> None:
    assert lines(catalogue, med_current=["carprofen", "omega3"], med_bloodwork_months=2) == {}


def test_the_strictest_instruction_wins_and_names_its_flags(catalogue) -> None:
    got = lines(catalogue, med_current=["meloxicam", "benazepril"], med_conditions=["kidney_disease"],
                med_bloodwork_months=8, rf_not_eating="less")
    assert got["meloxicam"][0] == "hold" and {"nsaid_kidney", "nsaid_gi"} <= set(got["meloxicam"][1])
    assert got["benazepril"][0] == "continue"  # the ACE-inhibitor flag only asks to review the NSAID


def test_a_steroid_beside_a_held_nsaid_is_never_held(catalogue) -> None:
    got = lines(catalogue, med_current=["carprofen", "prednisolone"], med_bloodwork_months=2)
    assert got["carprofen"][0] == "hold" and got["prednisolone"][0] == "call_today"


def test_unflagged_medicines_are_kept_as_usual(catalogue) -> None:
    got = lines(catalogue, med_current=["ibuprofen", "omega3", "phenobarbital"])
    assert got == {"ibuprofen": ("hold", ("human_nsaid",)), "omega3": ("continue", ()),
                   "phenobarbital": ("continue", ())}


def test_a_held_class_is_said_once_when_the_list_was_not_asked(catalogue) -> None:
    got = lines(catalogue, rf_hypoglycaemia=True)
    assert got == {"insulin": ("hold", ("hypoglycaemia",))}


def test_a_held_class_the_dog_does_not_take_is_not_printed(catalogue) -> None:
    assert "nsaid" not in lines(catalogue, med_current=["omega3"], rf_vomiting=True)


def test_a_planned_nsaid_is_held_as_a_class(catalogue) -> None:
    got = lines(catalogue, med_current=["omega3"], med_conditions=["kidney_disease"], med_nsaid_planned=True)
    assert got["nsaid"][0] == "hold"


def test_the_collar_is_taken_off_in_its_own_words(catalogue) -> None:
    a = assess(catalogue, {"med_current": ["amitraz_collar", "selegiline"]})
    [collar] = [ln for ln in medicine_instructions(catalogue, a, {"med_current": ["amitraz_collar", "selegiline"]})
                if ln.medicine == "amitraz_collar"]
    assert collar.action == "hold" and "take it off" in collar.owner


@pytest.mark.parametrize("answers, act", [
    ({"rf_collapse": True}, "now"),
    ({"rf_urine_strain": True}, "today"),
    ({"rf_urine_strain": True, "rf_collapse": True}, "now"),  # the stricter tier wins
    ({"rf_gums": "yellow"}, "today"),
    ({"rf_gums": "brick_red"}, "now"),
    ({}, None),
])
def test_the_emergency_tier_is_the_strictest_red_flags(catalogue, answers, act) -> None:
    a = assess(catalogue, answers)
    assert a.emergency_act == act
    assert all(h.act in ("now", "today") for h in a.red_flags)
    assert (a.urgency == "emergency") is (act is not None)


def test_every_red_flag_states_its_tier_and_its_source(catalogue) -> None:
    for rf in catalogue.red_flags.values():
        assert rf.act in ("now", "today") and rf.act_source in catalogue.references, rf.id


def test_a_same_day_emergency_never_says_go_now(catalogue) -> None:
    from vettriage.plan import make_plan
    from vettriage.render import render_context
    from vettriage.render.context import build_context

    answers = {"rf_urine_strain": True}
    a = assess(catalogue, answers)
    for kind in ("handout", "previsit"):
        text = render_context(build_context(kind, catalogue, a, answers, make_plan(catalogue, a, answers)), "md")
        # the urgency line: the first bold line after the clinic and, on the vet's page 1, the patient line (issue 26)
        first = next(ln for ln in text.splitlines() if ln.startswith("**") and "clinic" not in ln.lower()
                     and not ln.startswith("**your dog**"))
        assert "today" in first.lower() and not first.startswith("**EMERGENCY") and "go in" not in first, first


def test_a_first_seizure_older_than_the_dog_is_refused(catalogue) -> None:
    assert bound_problem(catalogue, "sys_seizure_first_age", 14, {"dog_age_years": 12})
    assert bound_problem(catalogue, "dog_age_years", 12, {"sys_seizure_first_age": 14})  # either order
    assert bound_problem(catalogue, "sys_seizure_first_age", 9, {"dog_age_years": 12}) is None
    assert bound_problem(catalogue, "sys_seizure_first_age", 9, {"dog_age_years": "unknown"}) is None


def test_the_age_check_is_a_one_line_error_exit_2(tmp_path, capsys) -> None:
    p = tmp_path / "a.yaml"
    p.write_text("dog_age_years: 8\nsys_seizure_history: true\nsys_seizure_first_age: 11\n")
    assert main(["assess", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(p) in err and "sys_seizure_first_age" in err and "dog_age_years" in err
