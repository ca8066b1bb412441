"""content.sharing: a loaded catalogue holds one object per distinct condition node. Sharing must change no
value (the catalogue equals, field by field, one built without sharing) and no result (the same Assessment and
the same answers kept for random answers), and what is cached must be the shared catalogue."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vettriage.content import catalogue as catalogue_module
from vettriage.content import load_catalogue, sharing
from vettriage.content import models as m
from vettriage.engine import assess, validate_answers
from vettriage.record import record_fields

from tests.unit.test_partial_answers import SETTINGS, value_for

EXAMPLE_PACK = catalogue_module.__file__.rsplit("/vettriage/", 1)[0] + "/examples/packs/demo-instrument"


def _unshared(monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> Any:
    with monkeypatch.context() as patch:
        patch.setattr(sharing, "share_equal_conditions", lambda catalogue: 0)
        return load_catalogue(use_cache=False, **kwargs)


def _plain(value: Any) -> Any:
    """A value as plain nested data, with each record's type: what two catalogues must agree on."""
    kind = type(value)
    if "__record_fields__" in kind.__dict__:
        return (kind.__name__, tuple((f.name, _plain(getattr(value, f.name))) for f in record_fields(kind)))
    if kind in (list, tuple):
        return (kind.__name__, tuple(_plain(v) for v in value))
    if kind is dict:
        return ("dict", tuple((k, _plain(v)) for k, v in value.items()))
    if kind in (set, frozenset):
        return (kind.__name__, tuple(sorted(map(repr, value))))
    return (kind.__name__, value)


def _nodes(catalogue: Any) -> list[Any]:
    """Every distinct condition object reachable from the catalogue."""
    seen: dict[int, Any] = {}

    def walk(v: Any) -> None:
        kind = type(v)
        if kind in (list, tuple):
            for x in v:
                walk(x)
        elif kind is dict:
            for x in v.values():
                walk(x)
        elif "__record_fields__" in kind.__dict__ and id(v) not in seen:
            seen[id(v)] = v
            for f in record_fields(kind):
                walk(getattr(v, f.name))

    for v in vars(catalogue).values():
        walk(v)
    return [v for v in seen.values() if type(v) in sharing.CONDITIONS]


@pytest.mark.parametrize("packs", [[], [EXAMPLE_PACK]], ids=["shipped", "with a pack"])
def test_sharing_changes_no_value_and_leaves_one_object_per_structure(monkeypatch, packs) -> None:
    shared = load_catalogue(use_cache=False, packs=packs)
    plain = _unshared(monkeypatch, packs=packs)
    fields = [k for k in vars(plain) if k != "directory"]
    assert {k: _plain(getattr(shared, k)) for k in fields} == {k: _plain(getattr(plain, k)) for k in fields}
    nodes = _nodes(shared)
    assert len(nodes) < len(_nodes(plain)) / 2  # the shipped content repeats its conditions
    keys = [sharing._key(n) for n in nodes]
    assert len(set(keys)) == len(keys), "two equal condition nodes left as two objects"


def test_the_cached_catalogue_is_the_shared_one(catalogue) -> None:
    again = load_catalogue()  # from the cache the session's first load wrote
    assert len(_nodes(again)) == len(_nodes(catalogue)) == len(_nodes(load_catalogue(use_cache=False)))


def test_scalars_of_another_type_are_never_shared() -> None:
    """True == 1 == 1.0 in Python: a test for `eq: true` must not become one for `eq: 1`."""
    tests = [m.ItemTest(item="x", eq=v) for v in (True, 1, 1.0, "1")] + [m.ItemTest(item="x", eq=True)]
    holder = type("Holder", (), {})()
    holder.conditions = tests
    assert sharing.share_equal_conditions(holder) == 4
    assert [type(t.eq) for t in holder.conditions] == [bool, int, float, str, bool]
    assert holder.conditions[4] is holder.conditions[0]


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> tuple[Any, Any]:
    mp = pytest.MonkeyPatch()
    try:
        return load_catalogue(use_cache=False), _unshared(mp)
    finally:
        mp.undo()


@SETTINGS
@given(data=st.data())
def test_the_same_assessment_with_and_without_sharing(pair, data) -> None:
    shared, plain = pair
    raw: dict[str, Any] = {}
    for item in shared.items.values():
        how = data.draw(st.sampled_from(["blank", "answer", "answer", "unknown"]))
        if how == "answer":
            raw[item.id] = data.draw(value_for(shared, item))
        elif how == "unknown" and item.allow_unknown:
            raw[item.id] = "unknown"
    for item in shared.items.values():  # within each `not_above` bound, as the form requires
        bound = raw.get(item.not_above) if item.not_above else None
        if isinstance(raw.get(item.id), (int, float)) and isinstance(bound, (int, float)):
            raw[item.id] = min(raw[item.id], bound)
    a, b = validate_answers(shared, raw), validate_answers(plain, raw)
    assert (a.values, a.dropped, a.hidden) == (b.values, b.dropped, b.hidden)
    assert assess(shared, a).model_dump() == assess(plain, b).model_dump()
