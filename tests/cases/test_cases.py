"""The hand-written clinical cases in cases.yaml, and a check that together they exercise every red flag, every
ketamine caution, every medication flag and every cross-domain rule."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from vettriage.content.models import KETAMINE_CAUTION_IDS, MEDICATION_FLAG_IDS, RED_FLAG_IDS
from vettriage.engine import assess

HERE = Path(__file__).parent
CASES = yaml.safe_load((HERE / "cases.yaml").read_text())["cases"]
HEALTHY = yaml.safe_load((HERE.parents[1] / "examples" / "healthy-senior.yaml").read_text())


def run(catalogue, case):
    answers = dict(HEALTHY) if case["base"] == "healthy" else {}
    answers.update(case["answers"])
    return assess(catalogue, answers)


def fired(result) -> set[str]:
    evs = [e for c in result.categories.values() for e in c.evidence + c.limited_by]
    evs += [e for h in result.red_flags + result.ketamine_cautions + result.medication_flags for e in h.evidence]
    return {e.rule for e in evs} | {n.rule for n in result.notes}


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
    if "ccd_limited" in want:
        assert bool(result.categories["ccd"].limited_by) is want["ccd_limited"]
    for sid in want.get("insufficient", []):
        assert result.scores[sid].value is None and not result.scores[sid].sufficient
    rules = fired(result)
    for rid in case.get("fired", []):
        assert rid in rules, f"{rid} did not fire"
    for rid in case.get("not_fired", []):
        assert rid not in rules, f"{rid} fired"
    for hit in result.red_flags + result.ketamine_cautions + result.medication_flags:
        assert hit.evidence and all(e.source for e in hit.evidence), "every conclusion carries its evidence"


def test_cases_cover_every_flag_and_cross_rule(catalogue) -> None:
    results = [run(catalogue, c) for c in CASES]
    assert set(RED_FLAG_IDS) <= {i for r in results for i in r.red_flag_ids}
    assert set(KETAMINE_CAUTION_IDS) <= {i for r in results for i in r.caution_ids}
    assert set(MEDICATION_FLAG_IDS) <= {i for r in results for i in r.medication_flag_ids}
    cross = {r.id for r in catalogue.rules if r.id.startswith("cross_") or r.id == "emergency_defers_ketamine"}
    assert cross <= set().union(*(fired(r) for r in results))
    assert len(CASES) >= 20


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
