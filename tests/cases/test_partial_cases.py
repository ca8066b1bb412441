"""Partial phone intakes (partial.yaml): the conclusions the known answers support, with most items blank."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from vettriage.content.models import MEDICATION_FLAG_IDS, RED_FLAG_IDS
from vettriage.engine import assess, validate_answers
from vettriage.engine.conditions import LEVEL_RANK

HERE = Path(__file__).parent
# partial.yaml, then the files beside it named partial_*.yaml (the same format; e.g. partial_safety.yaml)
CASES = [c for f in [HERE / "partial.yaml", *sorted(HERE.glob("partial_*.yaml"))]
         for c in yaml.safe_load(f.read_text())["cases"]]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_partial_case(catalogue, case) -> None:
    answers = validate_answers(catalogue, case["answers"])
    assert len(answers.values) * 2 <= answers.asked, "a partial intake leaves half or more of its questions blank"
    a = assess(catalogue, answers)
    want = case["expect"]
    if "urgency" in want:
        assert a.urgency == want["urgency"]
    assert set(want.get("red_flags", [])) <= set(a.red_flag_ids)
    assert set(want.get("medication_flags", [])) <= set(a.medication_flag_ids)
    for cat, level in want.get("at_least", {}).items():
        assert LEVEL_RANK[a.categories[cat].level] >= LEVEL_RANK[level], cat
        assert a.categories[cat].positives, f"{cat}: what was seen is shown"
    for cat in want.get("none", []):
        assert a.categories[cat].level == "none", cat
    for cat in want.get("not_assessed", []):
        assert a.categories[cat].status != "assessed", cat
    if "primary" in want:
        assert a.primary == want["primary"]
    assert a.red_flags_unanswered, "a phone intake that skipped emergency questions says so"


def test_partial_cases_cover_every_red_flag_and_medication_flag() -> None:
    named = {f for c in CASES for f in c["expect"].get("red_flags", []) + c["expect"].get("medication_flags", [])}
    assert set(RED_FLAG_IDS) | set(MEDICATION_FLAG_IDS) <= named
