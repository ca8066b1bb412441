"""The withdrawn-red-flag replay is skipped when no red flag outside the final ones could ever have been raised
(vettriage.record_changes._could_raise): the answer must be the one the full replay gives, on any trail."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vettriage.content import load_catalogue
from vettriage.record_changes import _could_raise, _flag_rules, _flags, _red_flag_inputs, _withdrawn

CAT = load_catalogue()


def _values(item: Any) -> list[Any]:
    """A few answers each question accepts (and a clear)."""
    t = item.type
    opts = [o.value for o in item.options or ()]
    out: list[Any] = {
        "yesno": [True, False], "choice": opts, "multi": [[o] for o in opts[:4]],
        "scale": list(CAT.scales[item.scale].values) if item.scale else [],
        "number": [item.min, item.max] if item.min is not None else [], "months": [item.min, item.max],
        "text": ["x"], "date": ["2026-01-01"],
    }.get(t, [])
    if item.allow_unknown:
        out.append("unknown")
    return [*out, None]


def _items() -> list[str]:
    """The emergency questions, what branching hangs them on, and the gateways: every answer that moves a flag."""
    ids = set(_red_flag_inputs(CAT)) | {g.id for g in CAT.gateways}
    from vettriage.content.catalogue import walk_conditions

    for i in list(ids):
        for n in walk_conditions(CAT.items[i].enable_when if i in CAT.items else None):
            if getattr(n, "item", None) in CAT.items:
                ids.add(n.item)
    return sorted(i for i in ids if i in CAT.items)


ITEMS = _items()


def _event(items: list[str]) -> Any:
    return st.sampled_from(items).flatmap(lambda i: st.tuples(st.just(i), st.sampled_from(_values(CAT.items[i]))))


# a few questions answered and changed again and again, so that flags are raised and withdrawn often
TRAILS = st.lists(st.sampled_from(ITEMS), min_size=1, max_size=3, unique=True).flatmap(
    lambda items: st.lists(_event(items), min_size=1, max_size=10))


def _trail(steps: list[tuple[str, Any]]) -> tuple[dict[str, Any], list[Any]]:
    state: dict[str, Any] = {}
    events = []
    at = dt.datetime(2026, 5, 1, tzinfo=dt.timezone.utc)
    for k, (item, value) in enumerate(steps):
        events.append(SimpleNamespace(item_id=item, old_value=state.get(item), new_value=value, who="Sam",
                                      at=at + dt.timedelta(seconds=k), reason=None))
        if value is None:
            state.pop(item, None)
        else:
            state[item] = value
    return state, events


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TRAILS)
def test_the_shortcut_gives_what_the_replay_gives(steps):
    answers, events = _trail(steps)
    assert _withdrawn(CAT, answers, events, shortcut=True) == _withdrawn(CAT, answers, events, shortcut=False)


@pytest.mark.parametrize("flag_item,raise_value,drop_value", [("rf_collapse", True, False)])
def test_a_flag_raised_then_withdrawn_is_never_skipped(flag_item, raise_value, drop_value):
    answers, events = _trail([(flag_item, raise_value), ("dog_age_years", 12), (flag_item, drop_value)])
    assert "collapse" in _could_raise(CAT, answers, events)
    assert [w.flag for w in _withdrawn(CAT, answers, events, shortcut=True)] == ["collapse"]


def test_a_form_with_no_emergency_sign_needs_no_replay():
    from vettriage.engine import read_answers_file
    from tests.render.cases import example_files

    path = next(p for p in example_files() if p.stem == "arthritis")
    answers = dict(read_answers_file(CAT, path).values)
    _, events = _trail(list(answers.items()))
    assert _could_raise(CAT, answers, events) == set()


# --- the red flags of one state, from the red-flag rules alone ----------------------------------------------


def _bank_answers() -> list[tuple[str, dict[str, Any]]]:
    """Every shipped example and every answers file of the clinical case bank: real, varied answer sets."""
    import yaml

    from tests.render.cases import example_files

    root = Path(__file__).resolve().parents[2]
    files = [*example_files(), *sorted((root / "validation" / "cases").glob("*.answers.yaml"))]
    return [(p.name, yaml.safe_load(p.read_text(encoding="utf-8")) or {}) for p in files]


BANK = _bank_answers()


def test_the_content_s_red_flag_rules_read_answers_only():
    """The shortcut needs it (otherwise every state is assessed whole): a content change that breaks it only
    makes `report` slower, and this test says so."""
    assert _flag_rules(CAT)


@pytest.mark.parametrize("name, answers", BANK, ids=[n for n, _ in BANK])
def test_the_red_flag_rules_alone_give_the_assessment_s_flags(name, answers):
    assert _flags(CAT, answers) == _flags(CAT, answers, engine=True)


def test_the_bank_raises_and_refuses_red_flags():
    """The comparison above is not empty: the bank has emergencies, answer sets without one, and the flags
    shortcut answers None for a set the content refuses, as the assessment does."""
    got = [_flags(CAT, a) for _, a in BANK]
    assert any(got) and any(g == set() for g in got)
    assert _flags(CAT, {"rf_collapse": "sometimes"}) is None is _flags(CAT, {"rf_collapse": "sometimes"}, True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(BANK), st.lists(_event(ITEMS), min_size=1, max_size=12))
def test_red_flags_of_changed_answers_match_the_assessment(base, changes):
    """A bank answer set with emergency questions, gateways and what branching hangs them on changed: answered,
    cleared, "don't know", hidden behind a screening question's no."""
    answers = dict(base[1])
    for item, value in changes:
        if value is None:
            answers.pop(item, None)
        else:
            answers[item] = value
    assert _flags(CAT, answers) == _flags(CAT, answers, engine=True)


def test_the_report_passes_its_validated_answers():
    """`validated` is the same answers, checked once: the result is the one got from the raw answers."""
    from vettriage.engine.answers import validate_answers

    for _, answers in BANK[:12]:
        assert _flags(CAT, answers, validated=validate_answers(CAT, answers)) == _flags(CAT, answers, engine=True)
