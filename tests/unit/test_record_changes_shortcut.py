"""The withdrawn-red-flag replay is skipped when no red flag outside the final ones could ever have been raised
(vettriage.record_changes._could_raise): the answer must be the one the full replay gives, on any trail."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vettriage.content import load_catalogue
from vettriage.record_changes import _could_raise, _red_flag_inputs, _withdrawn

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
