"""A content record's shared __init__ (vettriage.record._init_of) does what dataclasses' generated one does:
fields by name (and by position where not keyword-only), defaults, a fresh value from each default factory, the
record's checks run after, and the same kinds of TypeError for a missing, unknown or repeated argument."""

from __future__ import annotations

import dataclasses

import pytest

from vettriage.content import models as m
from vettriage.record import Checked, constrained, record


@record(kw_only=False)
class Pair(Checked):
    a: str = constrained(min_len=1)
    b: list[str] = constrained([])
    c: int | None = None


@dataclasses.dataclass(slots=True)
class TheirPair:
    a: str
    b: list[str] = dataclasses.field(default_factory=list)
    c: int | None = None


def test_the_init_is_shared_and_fills_fields_as_the_generated_one() -> None:
    assert Pair.__init__.__code__ is m.Wording.__init__.__code__  # one function for every content record
    for ours, theirs in ((Pair("x"), TheirPair("x")), (Pair("x", ["y"], 3), TheirPair("x", ["y"], 3)),
                         (Pair(a="x", c=4), TheirPair(a="x", c=4)), (Pair("x", c=5), TheirPair("x", c=5))):
        assert tuple(getattr(ours, f.name) for f in dataclasses.fields(ours)) == dataclasses.astuple(theirs)
    one, two = Pair("x"), Pair("x")
    assert one.b == [] and one.b is not two.b  # a factory's value is made afresh for each record


def test_the_checks_run_after_the_fields_are_filled() -> None:
    with pytest.raises(ValueError):
        Pair("")  # min_len=1
    with pytest.raises(ValueError):
        m.Wording(owner="", tech="x")


@pytest.mark.parametrize("make", [
    lambda cls: cls(),                      # missing
    lambda cls: cls("x", nope=1),           # unknown
    lambda cls: cls("x", a="y"),            # repeated
    lambda cls: cls("x", [], 1, 2),         # too many
], ids=["missing", "unknown", "repeated", "too many"])
def test_wrong_arguments_are_refused_as_the_generated_init_refuses_them(make) -> None:
    with pytest.raises(TypeError):
        make(TheirPair)
    with pytest.raises(TypeError):
        make(Pair)


def test_keyword_only_records_refuse_positions() -> None:
    with pytest.raises(TypeError):
        m.Wording("a", "b")
    assert (m.Wording(owner="a", tech="b").owner, m.Wording(owner="a", tech="b").tech) == ("a", "b")
