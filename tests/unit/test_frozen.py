"""`@frozen` behaves as `@dataclass(frozen=True)` does: equality, hashing, repr, refusal of assignment and
deletion, and the dataclass functions (fields, asdict, replace), pickling and copying."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import dataclass, field
from typing import Any

import pytest

from vettriage.frozen import frozen


@frozen
class Ours:
    a: int
    b: str | None = None
    c: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Theirs:
    a: int
    b: str | None = None
    c: dict[str, Any] = field(default_factory=dict)


@frozen
class One:
    a: int


@dataclass(frozen=True)
class TheirOne:
    a: int


@frozen
class Hashable:
    a: int
    b: tuple[int, ...] = ()


@dataclass(frozen=True)
class TheirHashable:
    a: int
    b: tuple[int, ...] = ()


@pytest.mark.parametrize("ours, theirs", [(Ours, Theirs), (One, TheirOne), (Hashable, TheirHashable)])
def test_equality_and_repr_as_dataclasses_make_them(ours, theirs) -> None:
    x, y, z = ours(1), ours(1), ours(2)
    tx, ty, tz = theirs(1), theirs(1), theirs(2)
    assert (x == y, x == z, x != y, x != z) == (tx == ty, tx == tz, tx != ty, tx != tz) == (True, False, False, True)
    assert repr(x).replace(ours.__qualname__, "X") == repr(tx).replace(theirs.__qualname__, "X")
    assert x != tx and (x == 1) is False  # another class is never equal (NotImplemented, then identity)
    assert dataclasses.is_dataclass(x)
    assert dataclasses.asdict(x) == dataclasses.asdict(tx)
    assert [f.name for f in dataclasses.fields(x)] == [f.name for f in dataclasses.fields(tx)]
    assert dataclasses.replace(x, a=2) == z


def test_hash_is_the_fields_tuple_and_an_unhashable_field_refuses_as_dataclasses_do() -> None:
    assert hash(Hashable(1, (2,))) == hash(TheirHashable(1, (2,))) == hash((1, (2,)))
    assert hash(One(3)) == hash(TheirOne(3))
    assert len({Hashable(1), Hashable(1), Hashable(2)}) == 2
    for cls in (Ours, Theirs):
        with pytest.raises(TypeError):
            hash(cls(1))


@pytest.mark.parametrize("cls", [Ours, Theirs])
def test_assignment_and_deletion_are_refused(cls) -> None:
    x = cls(1, "b")
    with pytest.raises(dataclasses.FrozenInstanceError):
        x.a = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        x.other = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        del x.b
    assert (x.a, x.b) == (1, "b")


def test_pickling_and_copying_give_equal_frozen_records() -> None:
    x = Ours(1, "b", {"k": [1]})
    for y in (pickle.loads(pickle.dumps(x)), copy.copy(x), copy.deepcopy(x)):
        assert y == x and y is not x
        with pytest.raises(dataclasses.FrozenInstanceError):
            y.a = 5


def test_records_with_eq_compare_and_hash_as_frozen_dataclasses_do() -> None:
    """vettriage.record's frozen records with eq (the care plan's parts) share the same __eq__ and __hash__."""
    from vettriage.plan import NowStep

    fields = {f.name: f"v{k}" for k, f in enumerate(dataclasses.fields(NowStep))}
    a, b = NowStep(**fields), NowStep(**fields)
    other = NowStep(**dict(fields, **{next(iter(fields)): "else"}))
    assert a == b and hash(a) == hash(b) and a != other and len({a, b, other}) == 2
    assert hash(a) == hash(tuple(fields.values()))
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.__setattr__(next(iter(fields)), "x")


def test_replace_does_what_dataclasses_replace_does() -> None:
    from vettriage.frozen import replace

    ours, theirs = Ours(1, "x", {"k": 1}), Theirs(1, "x", {"k": 1})
    for changes in ({}, {"b": None}, {"a": 2, "c": {}}):
        got, want = replace(ours, **changes), dataclasses.replace(theirs, **changes)
        assert (got.a, got.b, got.c) == (want.a, want.b, want.c) and got is not ours
    assert replace(ours, b="y") == Ours(1, "y", {"k": 1}) and ours.b == "x"
    with pytest.raises(TypeError):
        replace(ours, d=1)
    with pytest.raises(TypeError):
        dataclasses.replace(theirs, d=1)


@frozen(eq=False)
class Identity:
    a: int


def test_eq_false_compares_and_hashes_by_identity_as_dataclasses_does() -> None:
    one, two = Identity(1), Identity(1)
    assert one != two and one == one and hash(one) == object.__hash__(one)
    assert dataclasses.fields(Identity)[0].name == "a" and not Identity.__dataclass_params__.eq
