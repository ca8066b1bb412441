"""The hand-written clinical cases in cases.yaml and reasoning.yaml, and a check that together they exercise every red flag, every
ketamine caution, every medication flag and every rule of the red-flag, medication-safety, CCD and cross-domain
files, both ways: each fires in some case and is named as not firing in a near-miss case (one that answers an
item the rule reads)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from vettriage.content import models as m
from vettriage.content.catalogue import walk_conditions
from vettriage.content.models import KETAMINE_CAUTION_IDS, MEDICATION_FLAG_IDS, RED_FLAG_IDS
from vettriage.engine import assess
from vettriage.plan import make_plan
from vettriage.resources import questionnaires_dir

HERE = Path(__file__).parent
# cases.yaml, reasoning.yaml, then the files beside them named cases_*.yaml (the same format; e.g.
# cases_safety.yaml)
CASES = [c for f in [HERE / "cases.yaml", HERE / "reasoning.yaml", *sorted(HERE.glob("cases_*.yaml"))]
         for c in yaml.safe_load(f.read_text())["cases"]]
HEALTHY = yaml.safe_load((HERE.parents[1] / "examples" / "healthy-senior.yaml").read_text())


# Rule files whose every rule must fire in some case and be named in a near-miss case's `not_fired`.
COVERED_FILES = ("rules_redflags", "rules_medsafety", "rules_ccd", "rules_cross")


def answers_of(case) -> dict:
    answers = dict(HEALTHY) if case["base"] == "healthy" else {}
    answers.update(case["answers"])
    return answers


def run(catalogue, case):
    return assess(catalogue, answers_of(case))


def fired(result) -> set[str]:
    evs = [e for c in result.categories.values() for e in c.evidence + c.limited_by]
    evs += [e for h in result.red_flags + result.ketamine_cautions + result.medication_flags for e in h.evidence]
    return {e.rule for e in evs} | {n.rule for n in result.notes}


def held(catalogue, result, answers) -> set[str]:
    """Every rule that fired (the Assessment lists them), plus the rules behind conclusions."""
    return fired(result) | set(result.rules_fired)


def _items(cond) -> set[str]:
    """The item ids a condition reads."""
    return {n.item for n in walk_conditions(cond) if isinstance(n, m.ItemTest)}


def covered_rules(catalogue) -> list:
    ids = set()
    for name in COVERED_FILES:
        ids |= {r["id"] for r in yaml.safe_load((questionnaires_dir() / f"{name}.yaml").read_text())["rules"]}
    return [r for r in catalogue.rules if r.id in ids]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(catalogue, case) -> None:
    result = run(catalogue, case)
    want = case["expect"]
    if "urgency" in want:
        assert result.urgency == want["urgency"]
    for key, got in (("red_flags", result.red_flag_ids), ("ketamine_cautions", result.caution_ids),
                     ("medication_flags", result.medication_flag_ids)):
        if key in want:
            assert sorted(got) == sorted(want[key]), key
    for cat, level in want.get("levels", {}).items():
        assert result.categories[cat].level == level, cat
    if "primary" in want:
        assert result.primary == want["primary"]
    for cat, sev in want.get("severity", {}).items():
        assert result.categories[cat].severity == sev, cat
    for cat, ids in want.get("set_aside", {}).items():
        got_aside = result.categories[cat].set_aside
        assert set(ids) <= set(got_aside) and (ids or not got_aside), (cat, got_aside)
        seen = {a.item for a in result.categories[cat].positives}
        assert not seen & set(got_aside), "an answer set aside is not shown as what was seen"
    for cat, rules in want.get("evidence", {}).items():
        assert set(rules) <= {e.rule for e in result.categories[cat].evidence}, cat
    for cat, level in want.get("could_reach", {}).items():
        assert result.categories[cat].could_reach == level, cat
    if "ccd_limited" in want:
        assert bool(result.categories["ccd"].limited_by) is want["ccd_limited"]
    for sid in want.get("insufficient", []):
        assert result.scores[sid].value is None and not result.scores[sid].sufficient
    rules = held(catalogue, result, answers_of(case))
    for rid in case.get("fired", []):
        assert rid in rules, f"{rid} did not fire"
    for rid in case.get("not_fired", []):
        assert rid not in rules, f"{rid} fired"
    for hit in result.red_flags + result.ketamine_cautions + result.medication_flags:
        assert hit.evidence and all(e.source for e in hit.evidence), "every conclusion carries its evidence"
    plan = make_plan(catalogue, result, answers_of(case))
    offered = [o.id for o in plan.options]
    for oid in case.get("plan_has", []):
        assert oid in offered, f"plan lacks {oid}: {offered}"
    for oid in case.get("plan_not", []):
        assert oid not in offered, f"plan offers {oid}"
    if "plan_first" in case:
        assert offered and offered[0] == case["plan_first"], offered
    if case.get("ketamine_last"):
        assert offered[-1] == "ketamine" and plan.about_ketamine is None
    if "about_ketamine" in case:
        assert (plan.about_ketamine is not None) is case["about_ketamine"]
        if case["about_ketamine"]:
            assert "ketamine" not in offered, "about_ketamine only when not offered"
    for oid, title in case.get("plan_title", {}).items():
        assert next(o.title for o in plan.options if o.id == oid) == title


def test_cases_cover_every_flag_and_cross_rule(catalogue) -> None:
    results = [run(catalogue, c) for c in CASES]
    assert set(RED_FLAG_IDS) <= {i for r in results for i in r.red_flag_ids}
    assert set(KETAMINE_CAUTION_IDS) <= {i for r in results for i in r.caution_ids}
    assert set(MEDICATION_FLAG_IDS) <= {i for r in results for i in r.medication_flag_ids}
    cross = {r.id for r in catalogue.rules if r.id.startswith("cross_") or r.id == "emergency_defers_ketamine"}
    assert cross <= set().union(*(fired(r) for r in results))
    assert len(CASES) >= 20


def test_cases_fire_and_near_miss_every_covered_rule(catalogue) -> None:
    """Positive: each rule of COVERED_FILES fires in some case. Negative: each is named in `not_fired` by a case
    that answers at least one item the rule reads (a near miss, not merely the healthy baseline)."""
    held_any = set().union(*(held(catalogue, run(catalogue, c), answers_of(c)) for c in CASES))
    missing_pos, missing_neg = [], []
    for rule in covered_rules(catalogue):
        if rule.id not in held_any:
            missing_pos.append(rule.id)
        reads = _items(rule.when)
        if not any(rule.id in c.get("not_fired", []) and (reads & set(c["answers"]) or not reads) for c in CASES):
            missing_neg.append(rule.id)
    assert not missing_pos, f"rules no case fires: {missing_pos}"
    assert not missing_neg, f"rules with no near-miss case: {missing_neg}"


@pytest.mark.parametrize("path", sorted((HERE.parents[1] / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_examples_assess(catalogue, path) -> None:
    from vettriage.engine import read_answers_file

    result = assess(catalogue, read_answers_file(catalogue, path))
    expected = {"healthy-senior": "routine", "emergency": "emergency"}
    if path.stem in expected:
        assert result.urgency == expected[path.stem]
    if path.stem == "healthy-senior":
        assert not (result.red_flags or result.ketamine_cautions or result.medication_flags or result.primary)
    if path.stem == "ketamine-cautions":
        assert len(result.caution_ids) >= 4
