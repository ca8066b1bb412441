"""make_plan: ordered options, ketamine last, emergencies deferred, routine care when nothing is found."""

from __future__ import annotations

import json

import pytest

from tests.render.conftest import case_names
from vettriage.engine.assessment import Hit
from vettriage.plan import make_plan


@pytest.mark.parametrize("name", case_names())
def test_ketamine_is_last_and_order_rises(cases, name):
    plan = cases[name].plan
    ids = [o.id for o in plan.options]
    orders = [o.order for o in plan.options]
    assert orders == sorted(orders)
    if "ketamine" in ids:
        assert ids[-1] == "ketamine"
        assert ids.count("ketamine") == 1
    assert json.loads(plan.model_dump_json())["options"] == [o.model_dump() for o in plan.options]


def test_emergency_defers_and_offers_nothing(cases):
    plan = cases["emergency"].plan
    assert plan.deferred and plan.urgency == "emergency"
    assert plan.options == []
    assert {s.id for s in plan.now} == {"collapse", "gums"}
    assert all(s.action for s in plan.now)


def test_red_flag_on_a_painful_dog_still_defers(catalogue, cases):
    """A hand-built Assessment: the pain case plus one red flag. Ketamine must vanish with everything else."""
    a = cases["pain"].assessment
    hit = Hit(id="bloat", title="bloat", evidence=[])
    emergency = a.model_copy(update={"red_flags": [hit], "urgency": "emergency"})
    plan = make_plan(catalogue, emergency, cases["pain"].answers)
    assert plan.deferred and plan.options == [] and [s.id for s in plan.now] == ["bloat"]
    assert "ketamine" in [o.id for o in cases["pain"].plan.options]


def test_no_findings_gets_routine_care_only(cases):
    plan = cases["routine"].plan
    assert plan.routine and not plan.deferred
    assert [o.id for o in plan.options] == ["routine_senior_care"]


def test_pain_plan_is_multimodal_first_and_lists_this_dogs_ketamine_cautions(cases):
    plan = cases["pain"].plan
    ids = [o.id for o in plan.options]
    for must in ("medical_workup", "weight_management", "nsaid_or_piprant", "anti_ngf", "pain_adjuncts",
                 "omega3_diet", "rehabilitation_exercise", "home_changes", "tramadol", "ketamine"):
        assert must in ids
    assert ids[0] == "medical_workup"
    tramadol = plan.options[ids.index("tramadol")]
    assert tramadol.evidence == "negative"
    ket = plan.options[-1]
    raised = set(cases["pain"].assessment.caution_ids)
    assert raised, "the pain case reports epilepsy and glaucoma, which the rules turn into ketamine cautions"
    assert {c.id for c in ket.cautions} == raised
    assert ket.cautioned and len(ket.questions) >= 6


def test_cognition_options_follow_the_work_up(cases):
    ids = [o.id for o in cases["ccd"].plan.options]
    assert ids[0] == "medical_workup"
    assert {"cognition_diet", "cognition_enrichment", "sleep_routine", "cognition_medicines"} <= set(ids)
    assert ids[-1] == "ketamine"


def test_plan_is_pure(catalogue, cases):
    c = cases["pain"]
    assert make_plan(catalogue, c.assessment, c.answers) == make_plan(catalogue, c.assessment, c.answers)


def test_content_never_states_a_dose(catalogue):
    from vettriage.resources import questionnaires_dir, reports_dir

    for folder in (questionnaires_dir(), reports_dir()):
        for path in folder.iterdir():
            if path.is_file():
                assert "mg/kg" not in path.read_text(encoding="utf-8").lower(), path


@pytest.mark.parametrize("name", case_names())
def test_ketamine_offered_last_for_pain_or_unexplained_cognitive_signs(cases, name):
    c = cases[name]
    levels = {k: r.level for k, r in c.assessment.categories.items()}
    found = levels["pain"] != "none" or (levels["ccd"] != "none" and levels["medical"] == "none")
    ids = [o.id for o in c.plan.options]
    if c.plan.deferred or not found:
        assert "ketamine" not in ids
    else:
        assert ids[-1] == "ketamine"


def test_current_medicines_caution_the_options_they_interact_with(cases):
    by_id = {o.id: o for o in cases["pain"].plan.options}  # the pain case takes tramadol
    assert by_id["ketamine"].caution_by_condition
    assert not by_id["anti_ngf"].caution_by_condition  # no NSAID given
    assert not by_id["weight_management"].cautioned


def test_ketamine_wording_stays_on_the_ketamine_option(cases):
    for o in cases["pain"].plan.options:
        for c in o.cautions:
            if o.id == "ketamine":
                assert c.kind == "ketamine_caution"
            else:
                assert c.kind != "ketamine_caution" and "etamine" not in c.detail + c.owner_detail
    anti_ngf = next(o for o in cases["pain"].plan.options if o.id == "anti_ngf")
    assert [c.kind for c in anti_ngf.cautions] == ["condition"]  # the pain case reports epilepsy
