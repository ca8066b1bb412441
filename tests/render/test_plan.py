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
    assert "nsaid_or_piprant" in [o.id for o in cases["pain"].plan.options]
    assert plan.about_ketamine is not None and "emergency" in plan.about_ketamine.owner


def test_no_findings_on_a_barely_answered_form_asks_to_complete_the_screen_not_routine_care(cases):
    # "routine" answers almost nothing: no finding, but no category assessed either, so routine wellness would
    # read as an all-clear (issue 26); an assessed healthy dog still gets it (tests/render/test_page_one.py)
    plan = cases["routine"].plan
    assert plan.routine and not plan.deferred
    assert [o.id for o in plan.options] == ["complete_screen"]


def _after_nsaid_trial(catalogue, cases):
    """The pain case after a stated first-line trial only: an NSAID for 3 months that did not help."""
    from vettriage.engine import assess

    answers = dict(cases["pain"].answers, pain_tried=["nsaid", "tramadol"], med_pain_trial_months=3)
    return make_plan(catalogue, assess(catalogue, answers), answers)


def _after_multimodal_trial(catalogue, cases, **changes):
    """The pain case without its epilepsy and glaucoma, after a multimodal trial (an NSAID for 3 months plus
    weight loss) that gave too little relief, for pain of a year (issue 23's ketamine gate)."""
    from vettriage.engine import assess

    from tests.render.test_plan_fit import NO_RED_FLAGS

    answers = {**cases["pain"].answers, **NO_RED_FLAGS, "pain_tried": ["nsaid", "weight_loss", "tramadol"],
               "med_pain_trial_months": 3, "pain_duration_months": 12, "med_conditions": ["arthritis"], **changes}
    return make_plan(catalogue, assess(catalogue, answers), answers)


def test_pain_plan_is_multimodal_first_and_lists_this_dogs_ketamine_cautions(catalogue, cases):
    plan = cases["pain"].plan
    ids = [o.id for o in plan.options]
    for must in ("medical_workup", "weight_management", "nsaid_or_piprant", "anti_ngf", "pain_adjuncts",
                 "omega3_diet", "rehabilitation_exercise", "home_changes", "tramadol"):
        assert must in ids
    assert ids[0] == "medical_workup"
    tramadol = plan.options[ids.index("tramadol")]
    assert tramadol.evidence == "negative"  # named only because the dog already takes it
    # tramadol alone is not a first-line trial: no ketamine yet, a short answer instead
    assert "ketamine" not in ids and plan.about_ketamine is not None
    # epilepsy and glaucoma make ketamine unsuitable whatever was tried, and the answer says so
    plan = _after_multimodal_trial(catalogue, cases, med_conditions=["arthritis", "epilepsy", "glaucoma"])
    assert "ketamine" not in [o.id for o in plan.options]
    assert plan.about_ketamine.unsuitable and "seizures" in plan.about_ketamine.owner
    assert "eye" in plan.about_ketamine.owner
    plan = _after_multimodal_trial(catalogue, cases, med_conditions=["arthritis", "murmur"])
    ket = plan.options[-1]
    assert ket.id == "ketamine"
    assert {c.id for c in ket.cautions} >= {"cardiac"}
    assert ket.cautioned and len(ket.questions) >= 6
    assert ket.why and "Strong caution" in ket.why[0]  # heart disease: a strong caution, said first


def test_cognition_options_follow_the_work_up(catalogue, cases):
    from vettriage.engine import assess

    plan = cases["ccd"].plan
    ids = [o.id for o in plan.options]
    # neurological signs not asked: the CCD-specific options wait for the work-up (issue 11)
    assert not {"cognition_diet", "cognition_medicines"} & set(ids)
    # never for cognitive signs alone; the short answer only when the owner asked (no pain finding here)
    assert "ketamine" not in ids and plan.about_ketamine is None
    asked = dict(cases["ccd"].answers, ketamine_asked=True)
    about = make_plan(catalogue, assess(catalogue, asked), asked).about_ketamine
    assert about is not None and "brain ageing" in about.owner and len(about.questions) >= 6
    answers = dict(cases["ccd"].answers, sys_neuro=["none"])
    plan = make_plan(catalogue, assess(catalogue, answers), answers)
    ids = [o.id for o in plan.options]
    # the blood tests CCD needs (a diagnosis of exclusion) come before any cognitive option
    assert ids.index("labs_unknown") < min(ids.index(i) for i in ("cognition_diet", "cognition_medicines"))
    assert {"cognition_diet", "cognition_enrichment", "sleep_routine", "cognition_medicines"} <= set(ids)
    assert "ketamine" not in ids


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
def test_ketamine_only_last_for_pain_after_a_first_line_trial(cases, name):
    c = cases[name]
    levels = {k: r.level for k, r in c.assessment.categories.items()}
    trial = (set(c.answers.get("pain_tried") or ()) & {"nsaid", "grapiprant", "bedinvetmab"}
             and c.answers.get("pain_tried_response") in ("partly", "no_help")
             and (c.answers.get("med_pain_trial_months") or 0) >= 1)
    ids = [o.id for o in c.plan.options]
    if c.plan.deferred or levels["pain"] == "none" or not trial:
        assert "ketamine" not in ids
    if "ketamine" in ids:
        assert ids[-1] == "ketamine" and c.plan.about_ketamine is None
        assert set(c.answers["pain_tried"]) & {"weight_loss", "physio", "gabapentin", "amantadine"}


def test_current_medicines_caution_the_options_they_interact_with(catalogue, cases):
    by_id = {o.id: o for o in _after_multimodal_trial(catalogue, cases).options}  # the pain case takes tramadol
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
