"""The medical content: agreed ids exist, and every medical rule fires when it should and stays quiet for a
healthy senior.

Answers use only dog, red-flag and medical ids, so these tests do not depend on the cognitive and pain content.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from vettriage.content import load_catalogue
from vettriage.engine import assess
from vettriage.resources import questionnaires_dir

COX_NSAIDS = ["carprofen", "meloxicam", "firocoxib", "deracoxib", "robenacoxib", "other_nsaid"]

# A healthy 12-year-old: every system normal, no medicines, recent blood work, no red flags.
HEALTHY: dict[str, Any] = {
    "dog_name": "Bess", "dog_age_years": 12, "dog_size": "medium", "dog_breed": "Springer Spaniel",
    "dog_weight_kg": 19, "dog_sex": "female", "dog_neutered": True, "dog_body_condition": "ideal",
    "rf_collapse": False, "rf_breathing": False, "rf_gums": "pink", "rf_retching": False,
    "rf_belly_tight": False, "rf_abdomen": False, "rf_seizure_recent": False, "rf_urine_strain": False,
    "rf_vision_sudden": False, "rf_eye_painful": False, "rf_cannot_walk": False, "rf_balance": False,
    "rf_vomiting": False, "rf_gi_blood": False, "rf_toxin": False, "rf_not_eating": "normal", "rf_pyometra": False,
    "rf_severe_pain": False,
    "med_current": ["none"], "med_nsaid_planned": False, "med_conditions": ["none"], "med_bloodwork_months": 4,
    "sys_pu_pd": False, "sys_appetite": "normal", "sys_weight_change": "stable", "sys_vomiting": "none",
    "sys_stool": "normal", "sys_cough": False, "sys_exercise": "normal", "sys_breathing_rest": "normal",
    "sys_vision": "normal", "sys_hearing": "normal", "sys_mouth": ["none"], "sys_coat": ["none"],
    "sys_seizure_history": False, "sys_neuro": ["none"], "sys_onset": "no_change",
}


@pytest.fixture(scope="module")
def cat():
    """The shipped catalogue."""
    return load_catalogue()


@pytest.fixture(scope="module")
def medical_rule_ids() -> set[str]:
    """The ids of the rules in rules_medical.yaml."""
    data = yaml.safe_load((questionnaires_dir() / "rules_medical.yaml").read_text(encoding="utf-8"))
    return {r["id"] for r in data["rules"]}


def run(cat, **changes: Any):
    """Assess the healthy senior with `changes` applied (a value of None removes the answer)."""
    answers = {**HEALTHY, **changes}
    return assess(cat, {k: v for k, v in answers.items() if v is not None})


def hit_rules(hits, hit_id: str) -> set[str]:
    """The rules behind the hit `hit_id` (empty when it was not raised)."""
    return {e.rule for h in hits if h.id == hit_id for e in h.evidence}


def medical_rules(a) -> set[str]:
    """The rules behind the medical finding."""
    return {e.rule for e in a.categories["medical"].evidence}


# --- the agreed public ids -------------------------------------------------------------------------------

AGREED_OPTIONS = {
    "dog_size": ["toy", "small", "medium", "large", "giant"],
    "dog_sex": ["male", "female"],
    "dog_body_condition": ["very_thin", "thin", "ideal", "overweight", "obese"],
    "med_current": COX_NSAIDS[:5] + ["grapiprant", "other_nsaid", "aspirin", "prednisolone", "other_steroid",
                                     "phenobarbital", "potassium_bromide", "levetiracetam", "imepitoin",
                                     "other_anticonvulsant", "benazepril", "amlodipine", "pimobendan",
                                     "furosemide", "other_heart_bp", "selegiline", "gabapentin", "amantadine",
                                     "tramadol", "bedinvetmab", "trazodone", "fluoxetine", "clomipramine",
                                     "melatonin", "levothyroxine", "trilostane", "insulin", "omega3",
                                     "joint_supplement", "ibuprofen", "naproxen", "diclofenac", "paracetamol",
                                     "cbd", "ketamine_home", "mitotane", "amitraz_collar", "other", "none"],
    "med_conditions": ["epilepsy", "glaucoma", "eye_disease", "heart_disease", "murmur", "hypertension",
                       "kidney_disease", "liver_disease", "airway_disease", "diabetes", "thyroid", "cushings",
                       "cancer", "back_disc", "bladder_stones", "arthritis", "none"],
    "sys_appetite": ["normal", "increased", "decreased"],
    "sys_weight_change": ["stable", "loss", "gain"],
    "sys_vomiting": ["none", "occasional", "frequent"],
    "sys_stool": ["normal", "diarrhoea", "soft", "constipated"],
    "sys_exercise": ["normal", "tires_easily", "cannot_exercise"],
    "sys_breathing_rest": ["normal", "faster_or_harder"],
    "sys_vision": ["normal", "reduced", "blind"],
    "sys_hearing": ["normal", "reduced", "deaf"],
    "sys_mouth": ["dropping_food", "one_sided_chewing", "bad_breath", "face_shy", "pawing_mouth", "none"],
    "sys_coat": ["thinning", "symmetric_hair_loss", "slow_regrowth", "seeks_warmth", "pot_belly", "panting", "none"],
    "sys_neuro": ["circling", "head_pressing", "head_tilt", "knuckling", "weakness", "none"],
    "sys_onset": ["sudden", "gradual", "no_change"],
}
AGREED_TYPES = {
    "dog_name": "text", "dog_age_years": "number", "dog_breed": "text", "dog_weight_kg": "number",
    "dog_neutered": "yesno", "med_nsaid_planned": "yesno", "med_bloodwork_months": "months", "sys_pu_pd": "yesno",
    "sys_cough": "yesno", "sys_seizure_history": "yesno", "sys_last_seizure": "date", "sys_seizures_24h": "number",
    "med_current_other": "text",
}


def test_agreed_items_and_options_exist_exactly(cat) -> None:
    for item_id, options in AGREED_OPTIONS.items():
        assert [o.value for o in cat.items[item_id].options] == options, item_id
    for item_id, type_ in AGREED_TYPES.items():
        assert cat.items[item_id].type == type_, item_id
    assert (cat.items["dog_age_years"].min, cat.items["dog_age_years"].max) == (0, 30)
    assert (cat.items["dog_weight_kg"].min, cat.items["dog_weight_kg"].max) == (0.5, 120)
    assert (cat.items["med_bloodwork_months"].min, cat.items["med_bloodwork_months"].max) == (0, 120)
    assert (cat.items["sys_seizures_24h"].min, cat.items["sys_seizures_24h"].max) == (0, 50)
    assert cat.section_of["dog_age_years"] == "dog" and cat.section_of["sys_onset"] == "medical"


def test_dog_and_medical_items_have_both_wordings_and_a_source(cat) -> None:
    for item in cat.items.values():
        if cat.section_of[item.id] in ("dog", "medical"):
            assert item.text.owner.strip() and item.text.tech.strip()
            assert item.source in cat.references
            for o in item.options or ():
                assert o.label.owner.strip() and o.label.tech.strip()


@pytest.mark.parametrize("gated, gate", [
    ("med_current_other", {"med_current": ["other"]}),
    ("sys_last_seizure", {"sys_seizure_history": True}),
    ("sys_seizures_24h", {"sys_seizure_history": True}),
])
def test_detail_items_are_asked_only_when_relevant(cat, gated: str, gate: dict) -> None:
    from vettriage.engine.answers import visible_items

    assert gated not in visible_items(cat, HEALTHY)
    assert gated in visible_items(cat, {**HEALTHY, **gate})


# --- a healthy senior ------------------------------------------------------------------------------------

def test_healthy_senior_raises_nothing(cat, medical_rule_ids) -> None:
    a = run(cat)
    assert a.urgency == "routine"
    assert a.red_flags == [] and a.ketamine_cautions == [] and a.medication_flags == []
    assert a.categories["medical"].level == "none"
    assert a.workup == []
    fired = {e.rule for c in a.categories.values() for e in c.evidence} | {n.rule for n in a.notes}
    assert not fired & medical_rule_ids


# --- the medical red flag --------------------------------------------------------------------------------

def test_two_seizures_in_24h_is_a_red_flag(cat) -> None:
    a = run(cat, sys_seizure_history=True, sys_seizures_24h=2)
    assert hit_rules(a.red_flags, "seizure") == {"med_seizure_cluster"}
    assert a.urgency == "emergency"


@pytest.mark.parametrize("changes", [
    {"sys_seizure_history": True, "sys_seizures_24h": 1},
    {"sys_seizure_history": True, "sys_seizures_24h": 0},
    {"sys_seizure_history": False, "sys_seizures_24h": 3},  # hidden by branching, so dropped
])
def test_no_seizure_red_flag_below_two_or_without_history(cat, changes) -> None:
    assert hit_rules(run(cat, **changes).red_flags, "seizure") == set()


# --- ketamine cautions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, caution, rule", [
    ({"med_conditions": ["epilepsy"]}, "seizure", "ket_seizure"),
    ({"sys_seizure_history": True}, "seizure", "ket_seizure"),
    ({"rf_seizure_recent": True, "rf_seizure_count": 1, "rf_seizure_long": False}, "seizure", "ket_seizure"),
    ({"med_current": ["levetiracetam"]}, "seizure", "ket_seizure"),
    ({"med_current": ["phenobarbital"]}, "seizure", "ket_seizure"),
    ({"med_conditions": ["glaucoma"]}, "iop", "ket_iop"),
    ({"med_conditions": ["eye_disease"]}, "iop", "ket_iop"),
    ({"rf_eye_painful": True}, "iop", "ket_iop"),
    ({"sys_neuro": ["head_pressing"]}, "icp", "ket_icp"),
    ({"sys_neuro": ["circling"]}, "icp", "ket_icp"),
    ({"rf_balance": True}, "icp", "ket_icp"),
    ({"sys_neuro": ["head_tilt"], "sys_onset": "sudden"}, "icp", "ket_icp"),
    ({"sys_neuro": ["knuckling"], "sys_onset": "sudden"}, "icp", "ket_icp"),
    ({"sys_seizure_history": True, "sys_seizure_first_age": 9}, "icp", "ket_icp"),
    ({"sys_seizure_history": True}, "icp", "ket_icp"),  # 12-year-old, no epilepsy diagnosis
    ({"med_conditions": ["heart_disease"]}, "cardiac", "ket_cardiac"),
    ({"med_conditions": ["murmur"]}, "cardiac", "ket_cardiac"),
    ({"med_current": ["pimobendan"]}, "cardiac", "ket_cardiac"),
    ({"med_current": ["furosemide"]}, "cardiac", "ket_cardiac"),
    ({"med_conditions": ["hypertension"]}, "hypertension", "ket_hypertension"),
    ({"med_current": ["amlodipine"]}, "hypertension", "ket_hypertension"),
    ({"med_current": ["other_heart_bp"]}, "hypertension", "ket_hypertension"),
    ({"med_conditions": ["kidney_disease"]}, "kidney", "ket_kidney"),
    ({"med_conditions": ["liver_disease"]}, "liver", "ket_liver"),
    ({"med_conditions": ["airway_disease"]}, "respiratory", "ket_respiratory"),
    ({"sys_cough": True}, "respiratory", "ket_respiratory"),
    ({"sys_breathing_rest": "faster_or_harder"}, "respiratory", "ket_respiratory"),
])
def test_ketamine_caution_fires(cat, changes, caution, rule) -> None:
    assert rule in hit_rules(run(cat, **changes).ketamine_cautions, caution)


@pytest.mark.parametrize("changes, caution", [
    ({"sys_neuro": ["knuckling"], "sys_onset": "gradual"}, "icp"),
    ({"sys_seizure_history": True, "sys_seizure_first_age": 2, "med_conditions": ["epilepsy"]}, "icp"),
    ({"sys_seizure_history": True, "dog_age_years": 5}, "icp"),
    ({"med_conditions": ["arthritis", "back_disc"]}, "cardiac"),
    ({"med_current": ["benazepril"]}, "hypertension"),  # usually prescribed for the heart or kidneys
    # benazepril alone is often for the kidneys, an unnamed heart or blood-pressure medicine may be for pressure:
    # neither makes a heart caution without heart disease, a murmur or a heart-only medicine (issue 22)
    ({"med_current": ["benazepril"], "med_conditions": ["kidney_disease"]}, "cardiac"),
    ({"med_current": ["other_heart_bp"]}, "cardiac"),
    ({"med_conditions": ["eye_disease"], "med_eye_conditions": ["dry_eye"]}, "iop"),  # dry eye is not glaucoma
    ({"med_current": ["insulin"], "rf_hypoglycaemia": True}, "seizure"),  # low sugar is no seizure disorder
    ({"sys_exercise": "tires_easily"}, "respiratory"),
    ({"med_current": ["gabapentin", "amantadine"]}, "seizure"),
])
def test_ketamine_caution_does_not_fire(cat, changes, caution) -> None:
    assert hit_rules(run(cat, **changes).ketamine_cautions, caution) == set()


def test_every_ketamine_caution_but_defer_is_reachable_from_medical_answers(cat) -> None:
    a = run(cat, med_conditions=["epilepsy", "glaucoma", "heart_disease", "hypertension", "kidney_disease",
                                 "liver_disease", "airway_disease"], sys_neuro=["head_pressing"])
    assert {h.id for h in a.ketamine_cautions} == set(cat.ketamine_cautions) - {"defer"}


# --- medication flags ------------------------------------------------------------------------------------

@pytest.mark.parametrize("meds, planned, rule", [
    (["carprofen", "meloxicam"], None, "nsaid_combo_two"),
    (["firocoxib", "other_nsaid"], None, "nsaid_combo_two"),
    (["deracoxib", "robenacoxib"], None, "nsaid_combo_two"),
    (["carprofen", "aspirin"], None, "nsaid_combo_aspirin"),
    (["meloxicam", "prednisolone"], None, "nsaid_combo_steroid"),
    (["aspirin", "other_steroid"], None, "nsaid_combo_steroid"),
    (["grapiprant", "robenacoxib"], None, "nsaid_combo_grapiprant"),
    (["grapiprant", "aspirin"], None, "nsaid_combo_grapiprant"),
    (["prednisolone"], True, "nsaid_combo_planned"),
])
def test_nsaid_combo_fires(cat, meds, planned, rule) -> None:
    a = run(cat, med_current=meds, med_nsaid_planned=planned)
    assert rule in hit_rules(a.medication_flags, "nsaid_combo")


@pytest.mark.parametrize("meds", [
    ["carprofen"], ["grapiprant"], ["prednisolone"], ["aspirin"],
    ["carprofen", "omega3", "joint_supplement", "gabapentin", "amantadine", "bedinvetmab"],
])
def test_nsaid_combo_does_not_fire_for_one_anti_inflammatory(cat, meds) -> None:
    assert hit_rules(run(cat, med_current=meds).medication_flags, "nsaid_combo") == set()


@pytest.mark.parametrize("changes", [
    {"med_current": ["carprofen"], "med_bloodwork_months": 9},
    {"med_current": ["meloxicam"], "med_bloodwork_months": "unknown"},
    {"med_current": ["firocoxib"], "med_bloodwork_months": None},
    {"med_nsaid_planned": True, "med_bloodwork_months": 7},
    {"med_nsaid_planned": True, "med_bloodwork_months": None},
])
def test_nsaid_monitor_fires_without_recent_blood_work(cat, changes) -> None:
    a = run(cat, **changes)
    assert hit_rules(a.medication_flags, "nsaid_monitor") == {"nsaid_monitor_labs"}
    assert {"cbc", "chemistry", "urinalysis"} <= set(a.workup)


@pytest.mark.parametrize("changes", [
    {"med_current": ["carprofen"], "med_bloodwork_months": 6},
    {"med_nsaid_planned": True, "med_bloodwork_months": 2},
    {"med_current": ["none"], "med_bloodwork_months": 30},
])
def test_nsaid_monitor_quiet_with_recent_labs_or_no_nsaid(cat, changes) -> None:
    assert hit_rules(run(cat, **changes).medication_flags, "nsaid_monitor") == set()


@pytest.mark.parametrize("changes", [
    {"sys_vomiting": "occasional"}, {"sys_stool": "diarrhoea"}, {"sys_appetite": "decreased"},
    {"rf_vomiting": True}, {"rf_gi_blood": True}, {"rf_not_eating": "none_24_48h"},
])
def test_nsaid_gi_fires_for_gut_signs_on_an_nsaid(cat, changes) -> None:
    a = run(cat, med_current=["carprofen"], **changes)
    assert hit_rules(a.medication_flags, "nsaid_gi") == {"nsaid_gi_signs"}
    assert a.urgency in ("soon", "emergency")


def test_nsaid_gi_fires_on_grapiprant(cat) -> None:
    a = run(cat, med_current=["grapiprant"], sys_vomiting="frequent")
    assert hit_rules(a.medication_flags, "nsaid_gi") == {"nsaid_gi_grapiprant"}


@pytest.mark.parametrize("changes", [
    {"med_current": ["carprofen"], "sys_stool": "soft"},
    {"med_current": ["none"], "sys_vomiting": "frequent"},
])
def test_nsaid_gi_quiet_without_both_nsaid_and_gut_signs(cat, changes) -> None:
    assert hit_rules(run(cat, **changes).medication_flags, "nsaid_gi") == set()


def test_nsaid_kidney_fires_for_known_kidney_disease_even_without_an_nsaid(cat) -> None:
    a = run(cat, med_conditions=["kidney_disease"])
    assert hit_rules(a.medication_flags, "nsaid_kidney") == {"nsaid_kidney_disease"}


def test_every_medication_flag_is_reachable(cat) -> None:
    a = run(cat, med_current=["grapiprant", "benazepril", "tramadol", "trazodone", "phenobarbital", "bedinvetmab",
                              "prednisolone"], med_nsaid_planned=True,
            med_conditions=["kidney_disease", "epilepsy"], med_bloodwork_months="unknown", sys_vomiting="occasional",
            sys_pu_pd=True, pain_sign_stiff_after_rest=3, pain_sign_stairs=3, pain_sign_jumping=3,
            pain_sign_lagging=2, pain_sign_limping=2, pain_sign_lying_down=2, pain_sign_touch_sensitive=2)
    b = run(cat, med_current=["ibuprofen", "paracetamol", "cbd", "ketamine_home", "insulin", "prednisolone",
                              "amitraz_collar", "selegiline", "potassium_bromide", "trilostane"],
            med_conditions=["liver_disease", "kidney_disease", "thyroid"])
    c = run(cat, med_current=["aspirin"])  # aspirin alone: a second NSAID makes it a combination instead
    assert {h.id for r in (a, b, c) for h in r.medication_flags} == set(cat.medication_flags)


@pytest.mark.parametrize("flag", ["nsaid_combo", "nsaid_gi", "nsaid_ace_diuretic", "serotonin", "tramadol_seizure",
                                  "bedinvetmab_signs"])
def test_stop_and_call_flags_set_urgency_soon(cat, flag) -> None:
    meds = {"nsaid_combo": ["carprofen", "meloxicam"], "nsaid_gi": ["carprofen"],
            "nsaid_ace_diuretic": ["carprofen", "furosemide"], "serotonin": ["tramadol", "fluoxetine"],
            "tramadol_seizure": ["tramadol", "levetiracetam"], "bedinvetmab_signs": ["bedinvetmab"]}[flag]
    extra = {"nsaid_gi": {"sys_stool": "diarrhoea"}, "bedinvetmab_signs": {"sys_neuro": ["weakness"]}}.get(flag, {})
    a = run(cat, med_current=meds, med_bloodwork_months=2, **extra)
    assert flag in {h.id for h in a.medication_flags} and a.urgency == "soon"


def test_selegiline_with_an_antidepressant_is_a_serotonin_flag(cat) -> None:
    assert "serotonin" in {h.id for h in run(cat, med_current=["selegiline", "fluoxetine"]).medication_flags}
    assert "serotonin" not in {h.id for h in run(cat, med_current=["selegiline"]).medication_flags}


# --- medical findings ------------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, level, rule, workup, urgency", [
    ({"sys_pu_pd": True}, "possible", "med_pupd", {"chemistry", "urinalysis", "blood_pressure"}, "routine"),
    ({"sys_pu_pd": True, "sys_weight_change": "loss"}, "likely", "med_pupd_weight_loss", {"chemistry"}, "soon"),
    ({"sys_weight_change": "loss"}, "possible", "med_weight_loss", {"cbc", "thyroid"}, "routine"),
    ({"dog_body_condition": "very_thin"}, "possible", "med_weight_loss", {"cbc"}, "routine"),
    ({"sys_weight_change": "loss", "sys_vomiting": "occasional"}, "likely", "med_weight_loss_gi", {"imaging"}, "soon"),
    ({"sys_appetite": "decreased"}, "possible", "med_appetite_decreased", {"dental_exam"}, "routine"),
    ({"sys_appetite": "increased"}, "possible", "med_appetite_increased", {"chemistry"}, "routine"),
    ({"sys_stool": "diarrhoea"}, "possible", "med_vomiting_diarrhoea", {"cbc"}, "routine"),
    ({"sys_vomiting": "frequent"}, "possible", "med_gi_persistent", {"imaging"}, "soon"),
    ({"sys_cough": True}, "possible", "med_cardioresp", {"imaging"}, "routine"),
    ({"sys_exercise": "cannot_exercise"}, "possible", "med_cardioresp", {"imaging"}, "routine"),
    ({"sys_breathing_rest": "faster_or_harder"}, "possible", "med_cardioresp", {"imaging"}, "soon"),
    ({"sys_cough": True, "sys_exercise": "tires_easily"}, "likely", "med_cardioresp_likely", {"imaging"}, "soon"),
    ({"sys_cough": True, "med_conditions": ["murmur"]}, "likely", "med_cardioresp_likely", {"blood_pressure"}, "soon"),
    ({"sys_weight_change": "gain", "sys_coat": ["seeks_warmth"]}, "possible", "med_hypothyroid_possible", {"thyroid"}, "routine"),
    ({"sys_weight_change": "gain", "sys_coat": ["seeks_warmth", "slow_regrowth"]}, "likely", "med_hypothyroid_likely", {"thyroid"}, "routine"),
    ({"sys_pu_pd": True, "sys_coat": ["pot_belly"]}, "possible", "med_cushings_possible", {"endocrine_tests"}, "routine"),
    ({"sys_coat": ["pot_belly", "panting"]}, "possible", "med_cushings_possible", {"endocrine_tests"}, "routine"),
    ({"sys_pu_pd": True, "sys_coat": ["pot_belly", "panting", "symmetric_hair_loss"]}, "likely", "med_cushings_likely", {"endocrine_tests", "blood_pressure"}, "routine"),
    ({"sys_pu_pd": True, "sys_appetite": "increased", "sys_coat": ["panting"]}, "likely", "med_cushings_likely", {"endocrine_tests"}, "routine"),
    ({"sys_vision": "reduced"}, "possible", "med_vision", {"eye_exam", "hearing_vision_check"}, "routine"),
    ({"sys_vision": "blind", "sys_onset": "sudden"}, "possible", "med_vision_sudden", {"blood_pressure"}, "soon"),
    ({"sys_hearing": "deaf"}, "possible", "med_hearing", {"hearing_vision_check"}, "routine"),
    ({"sys_mouth": ["one_sided_chewing"]}, "possible", "med_oral", {"dental_exam"}, "routine"),
    ({"sys_neuro": ["head_pressing"]}, "likely", "med_neuro_head_pressing", {"neuro_exam", "imaging"}, "soon"),
    ({"sys_neuro": ["circling"]}, "possible", "med_neuro_central", {"neuro_exam"}, "soon"),
    ({"sys_neuro": ["head_tilt"]}, "possible", "med_neuro_central", {"neuro_exam"}, "soon"),
    ({"sys_neuro": ["knuckling"]}, "possible", "med_neuro_gait", {"neuro_exam", "orthopaedic_exam"}, "soon"),
    ({"sys_neuro": ["weakness"], "sys_onset": "sudden"}, "likely", "med_neuro_sudden", {"neuro_exam"}, "soon"),
    ({"sys_seizure_history": True, "sys_seizure_first_age": 9}, "likely", "med_seizure_late_onset", {"neuro_exam", "imaging"}, "soon"),
    ({"sys_seizure_history": True}, "likely", "med_seizure_late_onset", {"neuro_exam"}, "soon"),
    ({"med_conditions": ["kidney_disease"]}, "possible", "med_known_kidney", {"chemistry", "urinalysis"}, "routine"),
    ({"med_conditions": ["liver_disease"]}, "possible", "med_known_liver", {"chemistry"}, "routine"),
    ({"med_conditions": ["diabetes"]}, "possible", "med_known_diabetes", {"chemistry"}, "routine"),
    ({"med_current": ["insulin"]}, "possible", "med_known_diabetes", {"urinalysis"}, "routine"),
    ({"med_conditions": ["thyroid"]}, "possible", "med_known_thyroid", {"thyroid"}, "routine"),
    ({"med_conditions": ["cushings"]}, "possible", "med_known_cushings", {"endocrine_tests"}, "routine"),
    ({"med_current": ["trilostane"]}, "possible", "med_known_cushings", {"blood_pressure"}, "routine"),
    ({"med_conditions": ["cancer"]}, "possible", "med_known_cancer", {"imaging"}, "routine"),
    ({"med_conditions": ["heart_disease"]}, "possible", "med_known_heart", {"imaging"}, "routine"),
    ({"med_conditions": ["hypertension"]}, "possible", "med_known_hypertension", {"eye_exam"}, "routine"),
    ({"med_conditions": ["cancer"], "sys_appetite": "decreased"}, "likely", "med_known_with_decline", {"cbc"}, "soon"),
    ({"sys_onset": "sudden"}, "possible", "med_sudden_onset", {"chemistry"}, "soon"),
])
def test_medical_finding(cat, changes, level, rule, workup, urgency) -> None:
    a = run(cat, **changes)
    assert a.categories["medical"].level == level
    assert rule in medical_rules(a)
    assert workup <= set(a.workup)
    assert a.urgency == urgency


@pytest.mark.parametrize("changes", [
    {"sys_exercise": "tires_easily"},           # also a pain sign: not medical on its own
    {"sys_weight_change": "gain"},
    {"sys_stool": "soft"},
    {"dog_body_condition": "obese"},
    {"sys_coat": ["symmetric_hair_loss"]},
    {"sys_onset": "gradual"},
    {"med_conditions": ["arthritis"]},
    {"med_current": ["omega3", "joint_supplement"]},
])
def test_single_soft_signs_do_not_make_a_medical_finding(cat, changes) -> None:
    a = run(cat, **changes)
    assert a.categories["medical"].level == "none"
    assert a.urgency == "routine"


def test_early_onset_epilepsy_is_not_the_late_onset_picture(cat) -> None:
    a = run(cat, sys_seizure_history=True, sys_seizure_first_age=2, med_conditions=["epilepsy"],
            med_current=["phenobarbital"])
    assert a.categories["medical"].level == "possible"
    assert "med_seizure_late_onset" not in medical_rules(a)
    assert "med_seizure_history" in medical_rules(a)


def test_blood_work_overdue_adds_routine_labs_only(cat) -> None:
    a = run(cat, med_bloodwork_months=18)
    assert {"cbc", "chemistry", "urinalysis"} <= set(a.workup)
    assert a.categories["medical"].level == "none" and a.urgency == "routine"
    assert run(cat, med_bloodwork_months="unknown").workup
