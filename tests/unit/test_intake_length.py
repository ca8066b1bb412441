"""Intake length targets (issue 27), counted over the shipped examples: questions and screens an owner is shown
when answering the screening questions as the example's answers say (counts, never time)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vettriage.content import load_catalogue
from vettriage.engine.answers import read_answers_file
from vettriage.engine.gateways import intake_length, screened_walk

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def cat() -> Any:
    return load_catalogue()


def _length(cat: Any, path: Path) -> tuple[int, int]:
    return intake_length(cat, screened_walk(cat, read_answers_file(cat, path).values))


def test_a_healthy_senior_is_asked_at_most_45_questions_on_25_screens(cat: Any) -> None:
    questions, screens = _length(cat, ROOT / "examples" / "healthy-senior.yaml")
    assert questions <= 45 and screens <= 25, (questions, screens)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_shipped_example_is_asked_at_most_85_questions(cat: Any, path: Path) -> None:
    questions, _ = _length(cat, path)
    assert questions <= 85, (path.stem, questions)


def test_a_checklist_is_one_question_and_a_grouped_screen_one_screen(cat: Any) -> None:
    base = dict(read_answers_file(cat, ROOT / "examples" / "healthy-senior.yaml").values)
    walked = screened_walk(cat, base)
    q0, s0 = intake_length(cat, walked)
    q1, s1 = intake_length(cat, {**walked, "gw_cognition_areas": ["sleep"]})
    # the three sleep questions, then med_pain_exam, ketamine_asked and sys_onset (a change was reported)
    assert (q1 - q0, s1 - s0) == (3 + 3, 3 + 3)
    assert EXAMPLES and len(EXAMPLES) >= 9
