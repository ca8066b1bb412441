"""Compiled conditions: every operator, the three-valued (Kleene) combinators, and the evidence they report.

True, False, or None for undetermined: a blank or "don't know" could go either way, so it is never a "no"."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from vettriage.content.models import Condition
from vettriage.content import models as m
from vettriage.engine.conditions import compile_condition, compile_evidence

from vettriage.record import validate


class COND:
    """Conditions as the content files write them (`in`, `not`), validated like the loader does."""

    @staticmethod
    def validate_python(data):
        return validate(Condition, data)


def ctx(answers=None, scores=None, levels=None, red_flags=(), hidden=(), levels_hi=None, red_flags_maybe=()):
    scores = {k: (v, v) if not isinstance(v, tuple) else v for k, v in (scores or {}).items()}
    levels = levels or {}
    return SimpleNamespace(answers=answers or {}, scores=scores, levels=levels, red_flags=set(red_flags),
                           hidden=set(hidden), levels_hi=levels if levels_hi is None else levels_hi,
                           red_flags_maybe=set(red_flags_maybe))


def holds(cond: dict, c) -> bool | None:
    return compile_condition(COND.validate_python(cond))(c)


@pytest.mark.parametrize(("cond", "answers", "want"), [
    ({"item": "a", "eq": True}, {"a": True}, True),
    ({"item": "a", "eq": True}, {"a": False}, False),
    ({"item": "a", "eq": True}, {}, None),
    ({"item": "a", "ne": "x"}, {"a": "y"}, True),
    ({"item": "a", "ne": "x"}, {"a": "x"}, False),
    ({"item": "a", "ne": "x"}, {"a": "unknown"}, None),
    ({"item": "a", "ne": "x"}, {}, None),
    ({"item": "a", "in": ["x", "y"]}, {"a": "y"}, True),
    ({"item": "a", "in": ["x", "y"]}, {"a": "z"}, False),
    ({"item": "a", "contains": "x"}, {"a": ["x", "z"]}, True),
    ({"item": "a", "contains": "x"}, {"a": ["z"]}, False),
    ({"item": "a", "contains": "x"}, {"a": "unknown"}, None),
    ({"item": "a", "contains_any": ["q", "z"]}, {"a": ["x", "z"]}, True),
    ({"item": "a", "gte": 2}, {"a": 2}, True),
    ({"item": "a", "gte": 2}, {"a": "unknown"}, None),
    ({"item": "a", "lt": 2}, {"a": 1}, True),
    ({"item": "a", "lte": 6}, {"a": 7}, False),
    ({"item": "a", "gt": 6}, {"a": 7}, True),
    ({"item": "a", "known": True}, {"a": 0}, True),
    ({"item": "a", "known": True}, {"a": "unknown"}, False),
    ({"item": "a", "known": False}, {}, True),
    ({"item": "a", "unknown": True}, {"a": "unknown"}, True),
])
def test_item_operators(cond, answers, want) -> None:
    assert holds(cond, ctx(answers)) is want


def test_unknown_is_never_zero() -> None:
    assert holds({"item": "a", "lte": 0}, ctx({"a": "unknown"})) is None


def test_a_question_branching_hid_matches_nothing() -> None:
    c = ctx({}, hidden={"a"})
    assert holds({"item": "a", "eq": True}, c) is False
    assert holds({"not": {"item": "a", "eq": True}}, c) is True


def test_kleene_combinators() -> None:
    c = ctx({"a": 1})  # b is blank
    yes, no, maybe = {"item": "a", "eq": 1}, {"item": "a", "eq": 2}, {"item": "b", "eq": 1}
    assert holds({"all": [yes, maybe]}, c) is None
    assert holds({"all": [no, maybe]}, c) is False
    assert holds({"any": [yes, maybe]}, c) is True
    assert holds({"any": [no, maybe]}, c) is None
    assert holds({"not": maybe}, c) is None
    assert holds({"at_least": 2, "of": [yes, maybe, no]}, c) is None
    assert holds({"at_least": 1, "of": [yes, maybe, no]}, c) is True
    assert holds({"at_least": 2, "of": [no, maybe, no]}, c) is False


def test_score_intervals() -> None:
    c = ctx(scores={"s": (3.0, 9.0)})
    assert holds({"score": "s", "gte": 3}, c) is True, "a lower bound that reaches the threshold counts"
    assert holds({"score": "s", "gte": 5}, c) is None
    assert holds({"score": "s", "gte": 10}, c) is False, "no filling of the blanks could reach it"
    assert holds({"score": "s", "gt": 9}, c) is False and holds({"score": "s", "gt": 2}, c) is True
    assert holds({"score": "s", "lte": 9}, c) is True and holds({"score": "s", "lte": 2}, c) is False
    assert holds({"score": "s", "lt": 3}, c) is False and holds({"score": "s", "lt": 4}, c) is None


def test_findings_and_red_flags_that_blanks_could_still_raise() -> None:
    c = ctx(levels={"pain": 0}, levels_hi={"pain": 2}, red_flags_maybe={"collapse"})
    assert holds({"finding": "pain"}, c) is None
    assert holds({"finding": "ccd"}, c) is False
    assert holds({"red_flag": "any"}, c) is None and holds({"red_flag": "collapse"}, c) is None
    assert holds({"red_flag": "toxin"}, c) is False


def test_combinators() -> None:
    c = ctx({"a": 1, "b": 2})
    assert holds({"all": [{"item": "a", "eq": 1}, {"item": "b", "eq": 2}]}, c)
    assert not holds({"all": [{"item": "a", "eq": 1}, {"item": "b", "eq": 3}]}, c)
    assert holds({"any": [{"item": "a", "eq": 5}, {"item": "b", "eq": 2}]}, c)
    assert holds({"not": {"item": "a", "eq": 5}}, c)
    assert holds({"at_least": 2, "of": [{"item": "a", "eq": 1}, {"item": "b", "eq": 2}, {"item": "c", "eq": 1}]}, c)
    assert not holds({"at_least": 3, "of": [{"item": "a", "eq": 1}, {"item": "b", "eq": 2}, {"item": "c", "eq": 1}]}, c)


def test_scores_findings_and_red_flags() -> None:
    c = ctx(scores={"s": 2.5}, levels={"pain": 1}, red_flags={"collapse"})
    assert holds({"score": "s", "gte": 2}, c)
    assert holds({"finding": "pain"}, c)
    assert not holds({"finding": "pain", "at_least": "likely"}, c)
    assert not holds({"finding": "ccd"}, c)
    assert holds({"red_flag": "any"}, c) and holds({"red_flag": "collapse"}, c)
    assert not holds({"red_flag": "toxin"}, c)


def test_one_operator_per_test() -> None:
    with pytest.raises(ValueError):
        COND.validate_python({"item": "a", "eq": 1, "gte": 2})
    with pytest.raises(ValueError):
        COND.validate_python({"item": "a"})


def evidence(cond, ctx, test):
    """Reference semantics for evidence, a plain tree walk: the compiled form must give the same ids."""
    items: list[str] = []
    scores: list[str] = []

    def walk(c: m.Condition, only_true: bool) -> None:
        if only_true and test(c)(ctx) is not True:
            return
        if isinstance(c, m.AllOf):
            for x in c.all:
                walk(x, only_true)
        elif isinstance(c, m.AnyOf):
            for x in c.any:
                walk(x, only_true)
        elif isinstance(c, m.AtLeast):
            for x in c.of:
                walk(x, only_true)
        elif isinstance(c, m.NotOf):
            walk(c.not_, False)
        elif isinstance(c, m.ItemTest) and c.item not in items:
            items.append(c.item)
        elif isinstance(c, m.ScoreTest) and c.score not in scores:
            scores.append(c.score)

    walk(cond, True)
    return items, scores


def test_evidence_names_only_what_made_it_hold() -> None:
    cond = COND.validate_python({"any": [{"item": "a", "eq": 1}, {"item": "b", "eq": 9}, {"score": "s", "gte": 1}]})
    c = ctx({"a": 1, "b": 2}, scores={"s": 3})
    assert compile_evidence(cond, compile_condition)(c) == (["a"], ["s"])
    assert evidence(cond, c, compile_condition) == (["a"], ["s"])


def test_compiled_evidence_matches_the_tree_walk(catalogue) -> None:
    from vettriage.engine.conditions import compiled

    comp = compiled(catalogue)
    answers = {"rf_collapse": True, "rf_retching": True, "rf_belly_tight": False, "sys_pu_pd": True,
               "med_current": ["carprofen", "meloxicam"], "med_bloodwork_months": 9}
    c = ctx(answers, scores={s.id: (0.0, 0.0) for s in catalogue.scores})
    for rule, test in comp.rules:
        if test(c) is True:
            assert comp.evidence[rule.id](c) == evidence(rule.when, c, compile_condition), rule.id
