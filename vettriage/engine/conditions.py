"""Conditions compiled once per catalogue into small closures: structured data in, booleans out, no eval.

The fast path only answers "does it hold?"; a second compiled function per rule (`compile_evidence`) walks the
same tree again, only for rules that fired, to name the answers and scores behind them.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable

from vettriage.content import models as m
from vettriage.content.catalogue import Catalogue
from vettriage.content.models import UNKNOWN

Test = Callable[[Any], bool]
_CMP = {"gte": operator.ge, "lte": operator.le, "gt": operator.gt, "lt": operator.lt}
LEVEL_RANK = {"none": 0, "possible": 1, "likely": 2}


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def compile_condition(cond: m.Condition, memo: dict[int, Test] | None = None) -> Test:
    """Turn a condition tree into a function of an evaluation context (answers, scores, levels, red_flags).

    `memo` (node id -> compiled node) compiles each node once when every node of a tree is wanted on its own
    (the evidence functions test each node of a rule that fired)."""
    if memo is None:
        return _compile(cond, None)
    test = memo.get(id(cond))
    if test is None:
        test = memo[id(cond)] = _compile(cond, memo)
    return test


def _compile(cond: m.Condition, memo: dict[int, Test] | None) -> Test:
    # Plain loops, not all()/any() over generators: this is the engine's innermost path.
    if isinstance(cond, m.AllOf):
        parts = tuple(compile_condition(c, memo) for c in cond.all)
        if len(parts) == 1:
            return parts[0]

        def all_of(ctx: Any) -> bool:
            for p in parts:
                if not p(ctx):
                    return False
            return True

        return all_of
    if isinstance(cond, m.AnyOf):
        parts = tuple(compile_condition(c, memo) for c in cond.any)
        if len(parts) == 1:
            return parts[0]

        def any_of(ctx: Any) -> bool:
            for p in parts:
                if p(ctx):
                    return True
            return False

        return any_of
    if isinstance(cond, m.NotOf):
        inner = compile_condition(cond.not_, memo)
        return lambda ctx: not inner(ctx)
    if isinstance(cond, m.AtLeast):
        parts, n = [compile_condition(c, memo) for c in cond.of], cond.at_least
        return lambda ctx: sum(1 for p in parts if p(ctx)) >= n
    if isinstance(cond, m.ItemTest):
        return _item_test(cond)
    if isinstance(cond, m.ScoreTest):
        op_name = next(k for k in ("gte", "lte", "gt", "lt") if getattr(cond, k) is not None)
        cmp, ref, sid = _CMP[op_name], getattr(cond, op_name), cond.score

        def score_test(ctx: Any) -> bool:
            v = ctx.scores.get(sid)
            return v is not None and cmp(v, ref)

        return score_test
    if isinstance(cond, m.FindingTest):
        cat, need = cond.finding, LEVEL_RANK[cond.at_least]
        return lambda ctx: ctx.levels.get(cat, 0) >= need
    if isinstance(cond, m.RedFlagTest):
        if cond.red_flag == "any":
            return lambda ctx: bool(ctx.red_flags)
        rf = cond.red_flag
        return lambda ctx: rf in ctx.red_flags
    raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover


def _item_test(t: m.ItemTest) -> Test:
    op = t.operator
    item, val = t.item, getattr(t, "in_" if op == "in" else op)
    if op == "eq":
        return lambda ctx: (a := ctx.answers.get(item)) is not None and a == val
    if op == "ne":
        return lambda ctx: (a := ctx.answers.get(item)) is not None and a != UNKNOWN and a != val
    if op == "in":
        vals = list(val)
        return lambda ctx: (a := ctx.answers.get(item)) is not None and a != UNKNOWN and a in vals
    if op == "contains":
        return lambda ctx: isinstance(a := ctx.answers.get(item), list) and val in a
    if op == "contains_any":
        wanted = set(val)
        return lambda ctx: isinstance(a := ctx.answers.get(item), list) and not wanted.isdisjoint(a)
    if op in _CMP:
        cmp = _CMP[op]
        return lambda ctx: _number(a := ctx.answers.get(item)) and cmp(a, val)
    if op == "known":
        want = bool(val)
        return lambda ctx: ((a := ctx.answers.get(item)) is not None and a != UNKNOWN) == want
    if op == "unknown":
        want = bool(val)
        return lambda ctx: (ctx.answers.get(item) == UNKNOWN) == want
    raise ValueError(op)  # pragma: no cover


Evidence = Callable[[Any], tuple[list[str], list[str]]]


def compile_evidence(cond: m.Condition, test: Callable[[m.Condition], Test]) -> Evidence:
    """The item ids and score ids that made `cond` hold (for `any` and `at_least`, the children that held; under
    `not`, everything it names), as a function of the context compiled once, called only for rules that fired."""

    def build(c: m.Condition, only_true: bool) -> Callable[[Any, list[str], list[str]], None]:
        if isinstance(c, m.ItemTest):
            item = c.item
            fn: Callable[[Any, list[str], list[str]], None] = lambda ctx, i, s: i.append(item)
        elif isinstance(c, m.ScoreTest):
            score = c.score
            fn = lambda ctx, i, s: s.append(score)
        elif isinstance(c, (m.AllOf, m.AnyOf, m.AtLeast)):
            kids = [build(x, only_true) for x in (c.all if isinstance(c, m.AllOf) else c.any
                                                  if isinstance(c, m.AnyOf) else c.of)]

            def fn(ctx: Any, i: list[str], s: list[str]) -> None:
                for k in kids:
                    k(ctx, i, s)
        elif isinstance(c, m.NotOf):
            fn = build(c.not_, False)
        else:
            fn = lambda ctx, i, s: None
        if not only_true:
            return fn
        holds = test(c)
        return lambda ctx, i, s: fn(ctx, i, s) if holds(ctx) else None

    root = build(cond, True)

    def run(ctx: Any) -> tuple[list[str], list[str]]:
        items: list[str] = []
        scores: list[str] = []
        root(ctx, items, scores)
        return list(dict.fromkeys(items)), list(dict.fromkeys(scores))

    return run


@dataclass(frozen=True)
class Compiled:
    """Every condition of a catalogue, compiled."""

    enable_when: dict[str, Test]
    rules: tuple[tuple[m.Rule, Test], ...]
    offer_when: dict[str, Test]
    caution_when: dict[str, Test]
    evidence: dict[str, Evidence]


@cache
def gates(catalogue: Catalogue) -> dict[str, Test]:
    """Each item's `enable_when`, compiled: all that branching needs, so that the terminal app can paint its
    first question before the rules are compiled. Cached like `compiled`, for the same reason."""
    return {i.id: compile_condition(i.enable_when) for i in catalogue.items.values() if i.enable_when}


@cache
def compiled(catalogue: Catalogue) -> Compiled:
    """Compile the catalogue's conditions once (the catalogue is immutable, so the cache never goes stale)."""
    memo: dict[int, Test] = {}
    test = lambda c: compile_condition(c, memo)  # noqa: E731
    return Compiled(
        enable_when=gates(catalogue),
        rules=tuple((r, test(r.when)) for r in catalogue.rules),
        offer_when={o.id: test(o.offer_when) for o in catalogue.options if o.offer_when},
        caution_when={o.id: test(o.caution_when) for o in catalogue.options if o.caution_when},
        evidence={r.id: compile_evidence(r.when, test) for r in catalogue.rules},
    )
