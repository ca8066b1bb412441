"""Screening gateways and grouped emergency screens (issue 27): the engine on a gateway's no, blank and yes; the
loader's checks; nothing clinical lost against the content without gateways, over every example and case."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from vettriage.content import load_catalogue
from vettriage.engine import assess
from vettriage.engine.answers import read_answers_file, validate_answers, visible_items
from vettriage.engine.gateways import implied_gateways, not_seen, screened_walk
from vettriage.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
HEALTHY = yaml.safe_load((ROOT / "examples" / "healthy-senior.yaml").read_text())


@pytest.fixture(scope="module")
def cat() -> Any:
    return load_catalogue(use_cache=False)


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The same content without gateways.yaml and screens.yaml: what was asked before issue 27."""
    q = tmp_path_factory.mktemp("before") / "q"
    shutil.copytree(ROOT / "questionnaires", q, ignore=shutil.ignore_patterns("gateways.yaml", "screens.yaml"))
    return load_catalogue(q, packs=[], use_cache=False)


def _copy(tmp_path: Path) -> Path:
    q = tmp_path / "q"
    shutil.copytree(ROOT / "questionnaires", q)
    return q


def _pain_details(cat: Any) -> list[str]:
    return [i for i in cat.gateway_leaves("gw_pain") if i not in cat.gateway_by_id]


RANK = {"none": 0, "possible": 1, "likely": 2}


def _clinical(a: Any, skip: set[str] = frozenset()) -> tuple[Any, ...]:
    return (a.urgency, sorted(a.red_flag_ids), sorted(f.id for f in a.medication_flags),
            sorted(f.id for f in a.ketamine_cautions), {k: c.level for k, c in a.categories.items() if k not in skip})


# --- the engine -----------------------------------------------------------------------------------------------


def test_gateway_no_makes_its_details_known_not_seen_and_the_category_assessed(cat: Any) -> None:
    answers = {k: v for k, v in HEALTHY.items() if k not in _pain_details(cat)}
    blank = assess(cat, answers)
    assert blank.categories["pain"].status != "assessed"  # the details are open: nothing decides pain
    answers["gw_pain"] = False
    checked = validate_answers(cat, answers)
    assert set(_pain_details(cat)) <= checked.hidden  # hidden by branching: read as not seen
    assert not set(_pain_details(cat)) & set(visible_items(cat, answers))
    a = assess(cat, answers)
    assert a.categories["pain"].level == "none" and a.categories["pain"].status == "assessed"
    assert a.categories["pain"].unanswered == 0


def test_gateway_blank_leaves_its_details_asked_and_unanswered(cat: Any) -> None:
    answers = {k: v for k, v in HEALTHY.items() if k not in _pain_details(cat)}
    shown = set(visible_items(cat, answers))
    assert {"gw_pain", *_pain_details(cat)} - {"pain_sign_stiff_after_rest"} <= shown | {"gw_pain"}
    assert set(_pain_details(cat)) <= shown
    a = assess(cat, answers)
    assert a.categories["pain"].unanswered >= len(_pain_details(cat))


def test_gateway_dont_know_asks_the_details_too(cat: Any) -> None:
    shown = set(visible_items(cat, {**HEALTHY, "gw_pain": "unknown"}))
    assert set(_pain_details(cat)) <= shown


def test_gateway_yes_with_details_gives_the_result_of_the_details(cat: Any) -> None:
    signs = {"pain_sign_stiff_after_rest": 3, "pain_sign_rising": 2, "pain_sign_stairs": 2, "pain_sign_limping": 2}
    old = assess(cat, {**HEALTHY, **signs})
    new = assess(cat, {**HEALTHY, **signs, "gw_pain": True, "gw_pain_rest": True, "gw_pain_moving": True})
    assert new.categories["pain"].level == old.categories["pain"].level != "none"
    assert _clinical(new) == _clinical(old)


def test_a_no_to_an_outer_gateway_hides_the_inner_ones_and_their_details(cat: Any) -> None:
    shown = set(visible_items(cat, {**HEALTHY, "gw_cognition": False}))
    assert not {"gw_cog_sleep", "cog_sleep_night_waking"} & shown
    shown = set(visible_items(cat, {**HEALTHY, "gw_cognition": True, "gw_cog_sleep": False}))
    assert "gw_cog_disorientation" in shown and "cog_sleep_night_waking" not in shown


def test_a_gateway_no_drops_answers_given_behind_it(cat: Any) -> None:
    checked = validate_answers(cat, {**HEALTHY, "gw_pain": False})
    assert "pain_sign_rising" in checked.dropped


def test_the_onset_question_is_asked_only_when_something_changed(cat: Any) -> None:
    nothing = {"gw_cognition": False, "gw_pain": False, "gw_systems": False}
    assert "sys_onset" not in visible_items(cat, {**HEALTHY, **nothing})
    assert "sys_onset" in visible_items(cat, {**HEALTHY, **nothing, "gw_pain": True})
    assert "sys_onset" in visible_items(cat, HEALTHY)  # no gateway answered: asked as before


def test_emergency_questions_are_never_behind_a_gateway(cat: Any) -> None:
    every_no = {g.id: False for g in cat.gateways}
    shown = set(visible_items(cat, {**HEALTHY, **every_no}))
    red = [i for i, s in cat.section_of.items() if s == "redflags" and not cat.items[i].enable_when]
    assert red and set(red) <= shown


# --- nothing clinical lost ------------------------------------------------------------------------------------


def _answer_sets() -> list[tuple[str, dict[str, Any]]]:
    from tests.cases.test_cases import CASES, answers_of

    sets = [(p.name, yaml.safe_load(p.read_text()) or {}) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    sets += [(p.name, yaml.safe_load(p.read_text()) or {})
             for p in sorted((ROOT / "validation" / "cases").glob("*.answers.yaml"))]
    sets += [(c["name"], answers_of(c)) for c in CASES]
    sets += [(p.name, yaml.safe_load(p.read_text()) or {})
             for p in sorted((ROOT / "validation" / "practice").glob("*.yaml"))]  # practice stories' answers
    partial = yaml.safe_load((ROOT / "tests" / "cases" / "partial.yaml").read_text())["cases"]
    sets += [(c["name"], c["answers"]) for c in partial]
    return sets


def test_every_example_and_case_gives_the_same_result_with_and_without_gateways(cat: Any, before: Any) -> None:
    """Old answers files (no gateway answered) give what they gave before issue 27; and walked as an owner
    answering the gateways (a no wherever every detail was not seen) they give the same urgency, red flags,
    medicine flags, ketamine cautions and category levels, and no category loses its `assessed` status."""
    sets = _answer_sets()
    assert len(sets) > 100
    for name, raw in sets:
        old = assess(before, validate_answers(before, raw).values)
        same_file = assess(cat, validate_answers(cat, raw).values)
        assert _clinical(same_file) == _clinical(old), name
        assert sorted(same_file.red_flags_unanswered) == sorted(old.red_flags_unanswered), name
        walked = screened_walk(cat, validate_answers(cat, raw).values)
        new = assess(cat, walked)
        assert _clinical(new) == _clinical(old), name
        for k, c in old.categories.items():
            if c.status == "assessed":
                assert new.categories[k].status == "assessed", (name, k)


def test_phone_forms_walked_with_a_no_where_nothing_was_reported_keep_their_results(cat: Any) -> None:
    """The case bank's answers files record only what the owner said. Walked as if the owner answered each
    screening question no where nothing behind it was reported, the clinical results are the same and no
    category's status gets worse (blanks become known: most become `assessed`)."""
    rank = {"not_assessed": 0, "incomplete": 1, "assessed": 2}
    better = 0
    paths = sorted((ROOT / "validation" / "cases").glob("*.answers.yaml"))
    paths += sorted((ROOT / "validation" / "practice").glob("*.yaml"))
    for path in paths:
        values = validate_answers(cat, yaml.safe_load(path.read_text()) or {}).values
        old, new = assess(cat, values), assess(cat, screened_walk(cat, values, blank_is_no=True))
        # a category the old answers could not decide may now be decided (e.g. cognitive signs that pain could
        # have explained, once the pain questions are answered no): that is information gained, not lost
        undecided = {k for k, c in old.categories.items() if c.status != "assessed"
                     and RANK[new.categories[k].level] >= RANK[c.level]}
        assert _clinical(new, undecided) == _clinical(old, undecided), path.name
        for k, c in old.categories.items():
            assert rank[new.categories[k].status] >= rank[c.status], (path.name, k)
            better += rank[new.categories[k].status] > rank[c.status]
    assert better


def test_the_healthy_senior_walk_answers_every_screening_question_no(cat: Any) -> None:
    walked = screened_walk(cat, validate_answers(cat, HEALTHY).values)
    checklists = ("gw_cognition_areas", "gw_pain_areas", "gw_systems_areas")
    assert {c: walked.get(c) for c in checklists} == dict.fromkeys(checklists, ["none"])
    assert walked["gw_history"] is False
    shown = visible_items(cat, walked)
    assert not {"gw_cognition", "gw_pain", "gw_systems"} & set(shown)  # replaced by the checklists
    assert len(shown) <= 45


def test_not_seen_answers(cat: Any) -> None:
    assert not_seen(cat, "cog_sleep_night_waking") == 0
    assert not_seen(cat, "sys_pu_pd") is False
    assert not_seen(cat, "sys_mouth") == ["none"]
    assert not_seen(cat, "sys_appetite") == "normal"
    assert not_seen(cat, "med_conditions_other") is None


def test_details_answered_without_their_gateway_imply_it(cat: Any) -> None:
    assert implied_gateways(cat, {"cog_sleep_night_waking": 2}) == ["gw_cognition", "gw_cog_sleep"]
    assert implied_gateways(cat, {"cog_sleep_night_waking": 2, "gw_cognition": True}) == ["gw_cog_sleep"]
    assert implied_gateways(cat, {"dog_name": "Rex"}) == []


# --- the loader -----------------------------------------------------------------------------------------------


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_a_red_flag_on_no_screen_fails_naming_it(tmp_path: Path) -> None:
    q = _copy(tmp_path)
    _edit(q / "screens.yaml", "items: [rf_toxin, rf_hypoglycaemia, rf_severe_pain]",
          "items: [rf_hypoglycaemia, rf_severe_pain]")
    with pytest.raises(InputError, match="rf_toxin") as exc:
        load_catalogue(q, packs=[], use_cache=False)
    assert "screens.yaml" in str(exc.value.source)


def test_a_red_flag_on_two_screens_fails(tmp_path: Path) -> None:
    q = _copy(tmp_path)
    _edit(q / "screens.yaml", "items: [rf_collapse, rf_breathing, rf_heat]", "items: [rf_collapse, rf_breathing, rf_heat, rf_toxin]")
    with pytest.raises(InputError, match="rf_toxin"):
        load_catalogue(q, packs=[], use_cache=False)


def test_a_choice_question_never_shares_a_screen(tmp_path: Path) -> None:
    q = _copy(tmp_path)
    _edit(q / "screens.yaml", "items: [rf_collapse, rf_breathing, rf_heat]", "items: [rf_collapse, rf_breathing, rf_heat, rf_gums]")
    _edit(q / "screens.yaml", "items: [rf_gums]\n", "items: [rf_seizure_count]\n")
    _edit(q / "screens.yaml", "    title: {owner: \"How many seizures\", tech: \"Seizure count\"}\n    items: [rf_seizure_count]",
          "    title: {owner: \"How many seizures\", tech: \"Seizure count\"}\n    items: [rf_toxin]")
    with pytest.raises(InputError, match="only yes/no"):
        load_catalogue(q, packs=[], use_cache=False)


def test_a_red_flag_behind_a_gateway_is_refused(tmp_path: Path) -> None:
    q = _copy(tmp_path)
    _edit(q / "gateways.yaml", "details: [med_conditions, med_conditions_other,", "details: [rf_toxin, med_conditions, med_conditions_other,")
    with pytest.raises(InputError, match="gateway"):
        load_catalogue(q, packs=[], use_cache=False)


def test_a_choice_detail_needs_its_not_seen_option(tmp_path: Path) -> None:
    q = _copy(tmp_path)
    _edit(q / "gateways.yaml", "      - {item: sys_appetite, value: normal}\n", "")
    with pytest.raises(InputError, match="sys_appetite"):
        load_catalogue(q, packs=[], use_cache=False)


def test_a_detail_behind_two_gateways_or_unknown_is_refused(tmp_path: Path) -> None:
    q = _copy(tmp_path)
    _edit(q / "gateways.yaml", "details: [cog_anxiety_separation,", "details: [cog_sleep_night_waking, cog_anxiety_separation,")
    with pytest.raises(InputError, match="already behind"):
        load_catalogue(q, packs=[], use_cache=False)
    q2 = _copy(tmp_path / "b")
    _edit(q2 / "gateways.yaml", "details: [cog_anxiety_separation,", "details: [cog_anxiety_nowhere,")
    with pytest.raises(InputError, match="cog_anxiety_nowhere"):
        load_catalogue(q2, packs=[], use_cache=False)


def test_a_gateway_cites_a_known_source(tmp_path: Path) -> None:
    q = _copy(tmp_path)
    _edit(q / "gateways.yaml", "    source: s1\n", "    source: nowhere_2030\n")
    with pytest.raises(InputError, match="nowhere_2030"):
        load_catalogue(q, packs=[], use_cache=False)


# --- the answers form -----------------------------------------------------------------------------------------


def test_answers_template_indents_each_block_under_its_gateway_and_reads_back(cat: Any, tmp_path: Path) -> None:
    from vettriage.commands.content import template_text

    text = template_text(cat, "tech")
    lines = text.splitlines()
    at = lines.index("gw_cognition_areas: null")
    assert lines[at - 2].startswith("# [screening checklist]") and "sleep (" in lines[at - 1]
    at = lines.index("gw_cog_sleep: null")  # the yes/no gateways, for a form that leaves the checklist blank
    assert lines[at - 2].startswith("#   |   | [screening, only when gw_cognition_areas is null]")
    assert lines[at + 1].startswith("#   |   |   | ") and lines[at + 3] == "cog_sleep_night_restless: null"
    assert "[sleep in gw_cognition_areas]" in lines[at + 2]
    path = tmp_path / "form.yaml"
    path.write_text(text)
    assert read_answers_file(cat, path).values == {}


# --- intakes add ----------------------------------------------------------------------------------------------


def test_intakes_add_implies_a_skipped_gateway_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from vettriage.cli import main
    from vettriage.store import open_store

    form = tmp_path / "phone.yaml"
    form.write_text(yaml.safe_dump({**HEALTHY, "gw_pain": False, "gw_systems": False,
                                    "cog_sleep_night_waking": 2, "cog_sleep_night_restless": 2}))
    db = f"sqlite:///{tmp_path / 'vt.db'}"
    assert main(["intakes", "add", str(form), "--dog", "Poppy", "--db", db]) == 0
    err = capsys.readouterr().err
    assert "screening question(s) not answered, stored as yes because questions behind them are answered" in err
    assert "gw_cognition" in err and err.count("note:") == 1
    implied = {x.strip() for x in err.split("answered:")[-1].split(",")}
    assert "gw_cog_sleep" in implied and "gw_pain" not in implied  # answered no: not implied
    store = open_store(db)
    try:
        intake = store.get_intake(store.list_intakes()[0].id)
    finally:
        store.close()
    assert intake.answers["gw_cognition"] is True and intake.answers["gw_cog_sleep"] is True
    assert intake.answers["cog_sleep_night_waking"] == 2  # the details are kept, never dropped
    assert "pain_sign_rising" not in intake.answers  # behind the no the form gave: dropped, with a warning
    assert "pain_sign_rising: answer ignored" in err


def test_a_diagnosis_carried_to_a_follow_up_opens_its_gateway(cat: Any) -> None:
    import datetime as dt

    from vettriage.followup import prefill

    day, later = dt.date(2026, 1, 1), dt.date(2026, 6, 1)
    carried = prefill(cat, {"med_conditions": ["ckd"], "med_current": ["none"]}, day, later)
    assert carried["gw_history"] is True and cat.items["gw_history"].history
    assert "gw_history" not in prefill(cat, {"med_conditions": ["none"]}, day, later)  # the owner is asked
    assert "gw_pain" not in prefill(cat, {"pain_sign_rising": 2}, day, later)  # a sign is never carried


# --- checklists (content 2026.12.4) ---------------------------------------------------------------------------


def _cog_details(cat: Any) -> list[str]:
    return [d for a in cat.checklist_by_id["gw_cognition_areas"].areas for d in a.details]


def _area(cat: Any, value: str) -> list[str]:
    return next(a.details for a in cat.checklist_by_id["gw_cognition_areas"].areas if a.value == value)


def test_checklist_none_makes_every_detail_not_seen_and_the_category_assessed(cat: Any) -> None:
    answers = {k: v for k, v in HEALTHY.items() if k not in _cog_details(cat)}
    answers["gw_cognition_areas"] = ["none"]
    shown = set(visible_items(cat, answers))
    assert "gw_cognition_areas" in shown
    assert not ({"gw_cognition", "gw_cog_sleep", *_cog_details(cat)} & shown)
    a = assess(cat, answers)
    assert a.categories["ccd"].status == "assessed" and a.categories["ccd"].level == "none"
    # no more blanks than with every cognition question answered "not at all" (the rest are history questions)
    assert a.categories["ccd"].unanswered == assess(cat, HEALTHY).categories["ccd"].unanswered


def test_checklist_blank_asks_the_yes_no_gateways_as_before(cat: Any) -> None:
    answers = {k: v for k, v in HEALTHY.items() if k not in _cog_details(cat)}
    shown = set(visible_items(cat, answers))
    assert {"gw_cognition_areas", "gw_cognition", "gw_cog_sleep", *_cog_details(cat)} <= shown
    assert assess(cat, answers).categories["ccd"].unanswered >= len(_cog_details(cat))
    # an answer made before the checklist existed reads exactly as it did
    old = {**answers, "gw_cognition": False}
    assert not set(_cog_details(cat)) & set(visible_items(cat, old))
    assert assess(cat, old).categories["ccd"].status == "assessed"


def test_checklist_dont_know_asks_every_area_without_the_gateways(cat: Any) -> None:
    shown = set(visible_items(cat, {**HEALTHY, "gw_cognition_areas": "unknown"}))
    assert set(_cog_details(cat)) <= shown
    assert not {"gw_cognition", "gw_cog_sleep"} & shown


def test_a_ticked_area_asks_only_its_own_details(cat: Any) -> None:
    sleep = _area(cat, "sleep")
    answers = {**{k: v for k, v in HEALTHY.items() if k not in _cog_details(cat)},
               "gw_cognition_areas": ["sleep", "fears"], "cog_sleep_night_waking": 3, "cog_sleep_night_restless": 2,
               "cog_sleep_night_vocal": 0, "cog_anxiety_noise": 2, "cog_anxiety_places": 0}
    shown = visible_items(cat, answers)
    asked = [i for i in shown if i in _cog_details(cat)]
    assert asked == [*sleep, "cog_anxiety_noise", "cog_anxiety_places"]
    checked = validate_answers(cat, answers)
    assert set(_area(cat, "lost_stuck")) <= checked.hidden and "cog_anxiety_separation" in checked.hidden
    # the same result as every cognition question answered, the unticked ones "not at all"
    full = {**{k: v for k, v in answers.items() if k != "gw_cognition_areas"},
            **{d: 0 for d in _cog_details(cat) if d not in answers}}
    new, old = assess(cat, answers), assess(cat, full)
    assert new.categories["ccd"].level == old.categories["ccd"].level != "none"
    assert _clinical(new) == _clinical(old)
    assert new.categories["ccd"].status == old.categories["ccd"].status == "assessed"


def test_an_unticked_area_drops_answers_given_in_it(cat: Any) -> None:
    checked = validate_answers(cat, {**HEALTHY, "gw_cognition_areas": ["sleep"], "cog_anxiety_noise": 2})
    assert "cog_anxiety_noise" in checked.dropped


def test_follow_ups_wait_for_a_change_in_behaviour_or_comfort(cat: Any) -> None:
    none = {"gw_cognition_areas": ["none"], "gw_pain_areas": ["none"], "gw_systems_areas": ["none"]}
    shown = set(visible_items(cat, {**HEALTHY, **none}))
    assert not {"med_pain_exam", "ketamine_asked", "sys_onset"} & shown
    shown = set(visible_items(cat, {**HEALTHY, **none, "gw_pain_areas": ["rest"]}))
    assert {"med_pain_exam", "ketamine_asked", "sys_onset"} <= shown
    shown = set(visible_items(cat, {**HEALTHY, **none, "gw_systems_areas": ["eating"]}))
    assert "sys_onset" in shown and not {"med_pain_exam", "ketamine_asked"} & shown
    # hidden, the examination's finding is no answer at all: nothing is assumed about that examination
    a = assess(cat, {**HEALTHY, **none})
    assert "med_pain_exam" not in validate_answers(cat, {**HEALTHY, **none}).values
    assert a.categories["pain"].status == "assessed"
    # answered before the checklists (gateways no), the same questions are hidden as before
    assert "med_pain_exam" not in visible_items(cat, {**HEALTHY, "gw_cognition": False, "gw_pain": False})


def test_a_checklist_answered_never_implies_the_gateways_it_replaces(cat: Any) -> None:
    assert implied_gateways(cat, {"gw_cognition_areas": ["sleep"], "cog_sleep_night_waking": 2}) == []
    assert implied_gateways(cat, {"cog_sleep_night_waking": 2}) == ["gw_cognition", "gw_cog_sleep"]


def test_a_checklist_that_leaves_a_detail_out_fails_naming_it(tmp_path: Path) -> None:
    q = _copy(tmp_path)
    _edit(q / "gateways.yaml", "details: [cog_anxiety_noise, cog_anxiety_places]", "details: [cog_anxiety_noise]")
    with pytest.raises(InputError, match="cog_anxiety_places") as exc:
        load_catalogue(q, packs=[], use_cache=False)
    assert "gateways.yaml" in str(exc.value.source) and "gw_cognition_areas" in str(exc.value)


def test_a_checklist_detail_in_two_areas_or_not_behind_its_gateway_is_refused(tmp_path: Path) -> None:
    q = _copy(tmp_path)
    _edit(q / "gateways.yaml", "details: [cog_anxiety_separation]", "details: [cog_anxiety_separation, cog_anxiety_noise]")
    with pytest.raises(InputError, match="two areas"):
        load_catalogue(q, packs=[], use_cache=False)
    q2 = _copy(tmp_path / "b")
    _edit(q2 / "gateways.yaml", "details: [cog_anxiety_separation]", "details: [cog_anxiety_separation, pain_sign_rising]")
    with pytest.raises(InputError, match="pain_sign_rising"):
        load_catalogue(q2, packs=[], use_cache=False)


def test_a_checklist_replaces_an_outermost_gateway_and_never_names_an_area_none(tmp_path: Path) -> None:
    q = _copy(tmp_path)
    _edit(q / "gateways.yaml", "replaces: gw_cognition\n", "replaces: gw_cog_sleep\n")
    with pytest.raises(InputError, match="outermost"):
        load_catalogue(q, packs=[], use_cache=False)
    q2 = _copy(tmp_path / "b")
    _edit(q2 / "gateways.yaml", "- value: alone\n", "- value: none\n")
    with pytest.raises(InputError, match="never 'none'"):
        load_catalogue(q2, packs=[], use_cache=False)


def test_a_screened_area_is_said_once_in_the_documents(cat: Any, tmp_path: Path) -> None:
    from vettriage.cli import main

    answers = screened_walk(cat, validate_answers(cat, yaml.safe_load(
        (ROOT / "examples" / "pain-and-cognition.yaml").read_text())).values)
    assert "restless_repetitive" not in answers["gw_cognition_areas"]
    form = tmp_path / "walked.yaml"
    form.write_text(yaml.safe_dump(answers))
    assert main(["report", str(form), "--format", "md", "-o", str(tmp_path / "r.md")]) == 0
    text = (tmp_path / "r.md").read_text()
    assert "**Screened: no change reported:** increased or repetitive activity; separation" in text
    assert cat.items["cog_activity_pacing"].label not in text  # said once, by its area, not per question


def test_every_checklist_box_fits_one_line_of_the_80_column_app(cat: Any) -> None:
    # a longer label is cut with an ellipsis in the terminal app: the details go in the help text instead
    labels = [getattr(x, m) for c in cat.checklists for x in [a.label for a in c.areas] + [c.none_label]
              for m in ("owner", "tech")]
    assert labels and max(map(len, labels)) <= 62
