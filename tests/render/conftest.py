"""Shared fixtures: the catalogue, and each hand-written case (plus examples/*.yaml) assessed and planned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from tests.render.cases import CASES, example_files
from vettriage.content import load_catalogue
from vettriage.engine import assess, read_answers_file, validate_answers
from vettriage.engine.assessment import Assessment
from vettriage.plan import Plan, make_plan
from vettriage.render import ReportMeta


@dataclass
class Case:
    """One answer set, assessed and planned."""

    name: str
    answers: dict[str, Any]
    assessment: Assessment
    plan: Plan


META = ReportMeta(by="Jo Bloggs", mode="owner", when=dt.datetime(2026, 5, 1, 9, 30, tzinfo=dt.timezone.utc))


@pytest.fixture(scope="session")
def catalogue() -> Any:
    return load_catalogue()


def _all_cases(cat: Any) -> dict[str, Case]:
    out = {}
    for name, raw in CASES.items():
        ans = validate_answers(cat, raw)
        a = assess(cat, ans)
        out[name] = Case(name, ans.values, a, make_plan(cat, a, ans.values))
    for path in example_files():
        ans = read_answers_file(cat, path)
        a = assess(cat, ans)
        out[f"example:{path.stem}"] = Case(path.stem, ans.values, a, make_plan(cat, a, ans.values))
    return out


@pytest.fixture(scope="session")
def cases(catalogue: Any) -> dict[str, Case]:
    return _all_cases(catalogue)


def case_names() -> list[str]:
    """Parametrisation ids: the hand-written cases and every example file present at collection time."""
    return list(CASES) + [f"example:{p.stem}" for p in example_files()]


def _partial(values: dict[str, Any]) -> dict[str, Any]:
    """An example with every answer below 2 left blank (issue 10: a phone intake that records only what was
    seen), and every "no" and "none" blank too."""
    out = {}
    for k, v in values.items():
        if isinstance(v, bool) or v in ("none", "normal", ["none"]):
            continue
        if isinstance(v, (int, float)) and v < 2:
            continue
        out[k] = v
    return out


@pytest.fixture(scope="session")
def extra_cases(catalogue: Any, cases: dict[str, Case]) -> dict[str, Case]:
    """The blank form (nothing answered) and a partial phone intake of the arthritis example."""
    out = {}
    for name, raw in (("blank", {}), ("partial", _partial(cases["example:arthritis"].answers))):
        ans = validate_answers(catalogue, raw)
        a = assess(catalogue, ans)
        out[name] = Case(name, ans.values, a, make_plan(catalogue, a, ans.values))
    return out
