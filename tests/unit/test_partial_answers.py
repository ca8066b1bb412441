"""Partial answers, as a phone intake leaves them: what was seen counts, and a blank is never an all-clear.

Properties over the real catalogue (three-valued rules, interval scores) and the shipped examples."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vettriage.content.catalogue import walk_conditions
from vettriage.content.models import ItemTest
from vettriage.engine import assess, read_answers_file
from vettriage.engine.conditions import LEVEL_RANK
from vettriage.engine.triage import CATEGORIES, RED_FLAG_SECTION

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def value_for(catalogue: Any, item: Any) -> st.SearchStrategy[Any]:
    """Any valid answer to `item` (never "unknown": the tests blank items themselves)."""
    if item.type == "scale":
        return st.sampled_from(catalogue.scales[item.scale].values)
    if item.type == "yesno":
        return st.booleans()
    if item.type == "choice":
        return st.sampled_from([o.value for o in item.options])
    if item.type == "multi":
        others = [o.value for o in item.options if o.value != "none"]
        subset = st.lists(st.sampled_from(others), unique=True, max_size=3) if others else st.just([])
        return subset.map(lambda v: v or ([o.value for o in item.options if o.value == "none"] or others[:1]))
    if item.type in ("number", "months"):
        return st.integers(math.ceil(item.min), math.floor(item.max))
    if item.type == "date":
        return st.just("2026-06-01")
    return st.just("noted")


@st.composite
def full_answers(draw: Any, catalogue: Any) -> dict[str, Any]:
    # A gateway's "no" hides its answered details (branching, tested in tests/unit/test_gateways.py): here the
    # gateways are open (yes or don't know) and the checklists tick every area (or don't know), so that every
    # blank is one the owner could still fill.
    out = {i.id: draw(st.sampled_from([True, "unknown"]) if i.id in catalogue.gateway_by_id
                      else st.sampled_from([[a.value for a in catalogue.checklist_by_id[i.id].areas], "unknown"])
                      if i.id in catalogue.checklist_by_id else value_for(catalogue, i))
           for i in catalogue.items.values()}
    for i in catalogue.items.values():  # an answer above its bound is refused (`not_above`): keep within it
        if i.not_above and isinstance(out.get(i.not_above), (int, float)):
            out[i.id] = min(out[i.id], out[i.not_above])
    return out


def levels(a: Any) -> dict[str, int]:
    return {c: LEVEL_RANK[r.level] for c, r in a.categories.items()}


def ccd_cap_items(catalogue: Any) -> set[str]:
    """Items a CCD cap names by itself: raising one may rightly lower CCD ("pain explains the restlessness")."""
    return {c.item for r in catalogue.rules if r.then.cap == "ccd"
            for c in walk_conditions(r.when) if isinstance(c, ItemTest)}


def about_missing_answers(catalogue: Any) -> set[str]:
    """Rules that test whether an answer is known (e.g. blood work of unknown age is a reason to test): they are
    about the form, not the dog, so filling the blank rightly settles them."""
    return {r.id for r in catalogue.rules for c in walk_conditions(r.when)
            if isinstance(c, ItemTest) and c.operator in ("known", "unknown")}


@SETTINGS
@given(data=st.data())
def test_filling_the_blanks_never_unfires_a_rule(catalogue, data) -> None:
    full = data.draw(full_answers(catalogue))
    blank = data.draw(st.sets(st.sampled_from(sorted(full))))
    partial = {k: (None if k in blank else v) for k, v in full.items()}
    fired_partial = set(assess(catalogue, partial).rules_fired) - about_missing_answers(catalogue)
    fired_full = set(assess(catalogue, full).rules_fired)
    assert fired_partial <= fired_full, sorted(fired_partial - fired_full)


@SETTINGS
@given(data=st.data())
def test_a_blank_or_dont_know_is_never_a_no(catalogue, data) -> None:
    """An undetermined answer can only widen what a category could reach, never settle it lower."""
    full = data.draw(full_answers(catalogue))
    blank = data.draw(st.sets(st.sampled_from(sorted(full)), min_size=1))
    how = data.draw(st.sampled_from([None, "unknown"]))
    partial = {k: (how if k in blank and catalogue.items[k].allow_unknown else v) for k, v in full.items()}
    p, f = assess(catalogue, partial), assess(catalogue, full)
    if about_missing_answers(catalogue) & (set(p.rules_fired) | set(f.rules_fired)):
        return  # a rule about the form itself settled something: see about_missing_answers
    for c in CATEGORIES:
        low, high = LEVEL_RANK[p.categories[c].level], LEVEL_RANK[p.categories[c].could_reach]
        if not p.categories[c].limited_by and not f.categories[c].limited_by:
            assert low <= LEVEL_RANK[f.categories[c].level] <= high, c


@SETTINGS
@given(data=st.data())
def test_raising_a_sign_never_lowers_a_level(catalogue, data) -> None:
    full = data.draw(full_answers(catalogue))
    scale_items = [i for i in catalogue.items.values() if i.type == "scale"]
    item = data.draw(st.sampled_from(scale_items))
    values = catalogue.scales[item.scale].values
    start = full[item.id]
    higher = data.draw(st.sampled_from([v for v in values if v >= start]))
    before = levels(assess(catalogue, full))
    after = levels(assess(catalogue, {**full, item.id: higher}))
    assert after["pain"] >= before["pain"] and after["medical"] >= before["medical"], item.id
    if item.id not in ccd_cap_items(catalogue) and catalogue.section_of[item.id] != "pain":
        assert after["ccd"] >= before["ccd"], item.id


def test_the_blank_template_is_not_assessed_anywhere(catalogue) -> None:
    a = assess(catalogue, {})
    assert {c: r.status for c, r in a.categories.items()} == dict.fromkeys(CATEGORIES, "not_assessed")
    red = [i.id for s in catalogue.sections if s.id == RED_FLAG_SECTION for i in s.items if i.enable_when is None]
    assert red and set(red) <= set(a.red_flags_unanswered)
    assert all(r.level == "none" and r.could_reach != "none" and r.deciding for r in a.categories.values())


def test_dont_know_answers_a_red_flag_question(catalogue) -> None:
    red = [i.id for s in catalogue.sections if s.id == RED_FLAG_SECTION for i in s.items]
    a = assess(catalogue, {i: "unknown" for i in red})
    assert a.red_flags_unanswered == []
    assert a.red_flags == [] and a.urgency != "emergency"


def test_a_fully_answered_healthy_dog_is_assessed_with_its_negatives(catalogue) -> None:
    a = assess(catalogue, read_answers_file(catalogue, Path(EXAMPLES[0]).with_name("healthy-senior.yaml")))
    for c, r in a.categories.items():
        assert r.level == "none" and r.status == "assessed" and r.negatives, c
        assert not r.positives and not r.deciding, c
    assert a.red_flags_unanswered == []


def test_the_classic_arthritis_phone_intake(catalogue) -> None:
    """Issue 10's Labrador: five signs the owner saw, every other pain item blank."""
    a = assess(catalogue, {"dog_age_years": 11, "dog_size": "large", "pain_sign_stiff_after_rest": 2,
                           "pain_sign_jumping": 3, "pain_sign_lagging": 2, "pain_sign_stairs": 1,
                           "pain_sign_joint_licking": 1})
    pain = a.categories["pain"]
    assert pain.level in ("possible", "likely") and pain.status == "assessed" and a.primary == "pain"
    assert {"pain_sign_stiff_after_rest", "pain_sign_jumping", "pain_sign_lagging"} <= {p.item for p in pain.positives}
    assert all(p.owner_question for p in pain.positives)
    assert a.categories["ccd"].status == "not_assessed" and a.categories["ccd"].level == "none"
    assert a.red_flags_unanswered


def test_the_classic_ccd_phone_intake(catalogue) -> None:
    """Issue 10's poodle: three DISHAA domains past the affected line, a few items blank."""
    answers = {"dog_age_years": 14}
    for domain, n in (("cog_disorientation", 6), ("cog_sleep", 6), ("cog_house", 6)):
        items = [i for i in catalogue.score_by_id[domain].of]
        left = n
        for i in items:
            if left <= 0:
                break
            answers[i] = min(3, left)
            left -= answers[i]
    a = assess(catalogue, answers)
    assert a.scores["cog_domains_affected"].low >= 3
    assert a.categories["ccd"].level in ("possible", "likely")


def test_every_example_keeps_its_conclusions_with_mild_answers_blanked(catalogue) -> None:
    """The issue's check: every answer below 2 set to null still flags what the example flags with those answers
    at 0 (since 2026.12.3 mild signs across several DISHAA domains are a finding of their own, so the example as
    written may rest on an answer of 1: what answers of 2 or more support is what a blank must not take away)."""
    for path in EXAMPLES:
        raw = yaml.safe_load(path.read_text())
        mild = {k for k, v in raw.items() if isinstance(v, (int, float)) and not isinstance(v, bool) and v < 2}
        full = assess(catalogue, {k: (0 if k in mild else v) for k, v in raw.items()})
        thin = {k: (None if k in mild else v) for k, v in raw.items()}
        part = assess(catalogue, thin)
        assert set(full.red_flag_ids) <= set(part.red_flag_ids), path.stem
        for c in CATEGORIES:
            if full.categories[c].level != "none":
                assert part.categories[c].level != "none", (path.stem, c)
            if part.categories[c].level == "none":
                assert part.categories[c].status != "assessed" or full.categories[c].level == "none", (path.stem, c)
