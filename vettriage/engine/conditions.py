"""Conditions compiled into small closures: structured data in, three-valued truth out, no eval.

Truth is Kleene's: True, False, or None for "undetermined" (the answers given so far could go either way once
the blanks and "don't know"s were filled). A rule fires only when its condition is True, so what the owner did
see always counts and a blank never reads as a "no". Evaluation contexts carry:
- `answers`: item id -> value ("unknown" for don't know; a missing id is not answered);
- `hidden`: ids of items branching has ruled out (their tests are False, as for a question never asked);
- `scores`: score id -> (low, high), the interval the score can still take;
- `levels` / `levels_hi`: per category, the level already reached (lower bound) and the highest it can reach;
- `red_flags` / `red_flags_maybe`: red flags raised, and those that blanks could still raise.

This is the reference interpreter. Branching (`gates`) and the care options (`plan`) run it; the rule pass runs
engine.program, the rules written out as Python, which the tests check against `compile_condition` and
`compile_evidence` (the answers and scores that made a rule hold).
"""

from __future__ import annotations

import operator
from functools import cache, cached_property
from typing import Any, Callable, Optional

from vettriage.content import models as m
from vettriage.content.catalogue import Catalogue
from vettriage.content.models import UNKNOWN
from vettriage.frozen import frozen

Truth = Optional[bool]
Test = Callable[[Any], Truth]
LEVEL_RANK = {"none": 0, "possible": 1, "likely": 2}


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def compile_condition(cond: m.Condition, memo: dict[int, Test] | None = None) -> Test:
    """Turn a condition tree into a function of an evaluation context returning True, False or None.

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

        def all_of(ctx: Any) -> Truth:
            out: Truth = True
            for p in parts:
                v = p(ctx)
                if v is False:
                    return False
                if v is None:
                    out = None
            return out

        return all_of
    if isinstance(cond, m.AnyOf):
        parts = tuple(compile_condition(c, memo) for c in cond.any)
        if len(parts) == 1:
            return parts[0]

        def any_of(ctx: Any) -> Truth:
            out: Truth = False
            for p in parts:
                v = p(ctx)
                if v is True:
                    return True
                if v is None:
                    out = None
            return out

        return any_of
    if isinstance(cond, m.NotOf):
        inner = compile_condition(cond.not_, memo)

        def not_of(ctx: Any) -> Truth:
            v = inner(ctx)
            return None if v is None else not v

        return not_of
    if isinstance(cond, m.AtLeast):
        parts, n = tuple(compile_condition(c, memo) for c in cond.of), cond.at_least

        def at_least(ctx: Any) -> Truth:
            yes = maybe = 0
            for p in parts:
                v = p(ctx)
                if v is True:
                    yes += 1
                elif v is None:
                    maybe += 1
            return True if yes >= n else False if yes + maybe < n else None

        return at_least
    if isinstance(cond, m.ItemTest):
        return _item_test(cond)
    if isinstance(cond, m.ScoreTest):
        return _score_test(cond)
    if isinstance(cond, m.FindingTest):
        cat, need = cond.finding, LEVEL_RANK[cond.at_least]

        def finding(ctx: Any) -> Truth:
            if ctx.levels.get(cat, 0) >= need:
                return True
            return False if ctx.levels_hi.get(cat, 0) < need else None

        return finding
    if isinstance(cond, m.RedFlagTest):
        if cond.red_flag == "any":
            return lambda ctx: True if ctx.red_flags else (None if ctx.red_flags_maybe else False)
        rf = cond.red_flag
        return lambda ctx: True if rf in ctx.red_flags else (None if rf in ctx.red_flags_maybe else False)
    raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover


def _score_test(t: m.ScoreTest) -> Test:
    """A threshold on a score's interval: True when all of it meets the threshold, False when none of it can."""
    sid = t.score
    if t.gte is not None:
        ref = t.gte
        return lambda ctx: (True if (r := ctx.scores[sid])[0] >= ref else False if r[1] < ref else None)
    if t.gt is not None:
        ref = t.gt
        return lambda ctx: (True if (r := ctx.scores[sid])[0] > ref else False if r[1] <= ref else None)
    if t.lte is not None:
        ref = t.lte
        return lambda ctx: (True if (r := ctx.scores[sid])[1] <= ref else False if r[0] > ref else None)
    ref = t.lt
    return lambda ctx: (True if (r := ctx.scores[sid])[1] < ref else False if r[0] >= ref else None)


def _item_test(t: m.ItemTest) -> Test:
    """One answer compared. Not answered or "don't know": undetermined (the answer could be anything), except
    for a question branching hid (never asked: nothing to match) and for `known` / `unknown`, which test the
    answer's state and are always decided."""
    op = t.operator
    item, val = t.item, getattr(t, "in_" if op == "in" else op)
    if op == "known":
        want = bool(val)
        return lambda ctx: ((a := ctx.answers.get(item)) is not None and a != UNKNOWN) == want
    if op == "unknown":
        want = bool(val)
        return lambda ctx: (ctx.answers.get(item) == UNKNOWN) == want
    # One closure per operator, the comparison written inline: this is the engine's most-called function.
    if op == "eq":
        def item_test(ctx: Any) -> Truth:
            a = ctx.answers.get(item)
            if a is None or a == UNKNOWN:
                return False if item in ctx.hidden else None
            return a == val
    elif op == "ne":
        def item_test(ctx: Any) -> Truth:
            a = ctx.answers.get(item)
            if a is None or a == UNKNOWN:
                return False if item in ctx.hidden else None
            return a != val
    elif op == "in":
        vals = list(val)

        def item_test(ctx: Any) -> Truth:
            a = ctx.answers.get(item)
            if a is None or a == UNKNOWN:
                return False if item in ctx.hidden else None
            return a in vals
    elif op == "contains":
        def item_test(ctx: Any) -> Truth:
            a = ctx.answers.get(item)
            if a is None or a == UNKNOWN:
                return False if item in ctx.hidden else None
            return a.__class__ is list and val in a
    elif op == "contains_any":
        wanted = frozenset(val)

        def item_test(ctx: Any) -> Truth:
            a = ctx.answers.get(item)
            if a is None or a == UNKNOWN:
                return False if item in ctx.hidden else None
            return a.__class__ is list and not wanted.isdisjoint(a)
    elif op in ("gte", "lte", "gt", "lt"):
        cmp = getattr(operator, {"gte": "ge", "lte": "le"}.get(op, op))

        def item_test(ctx: Any) -> Truth:
            a = ctx.answers.get(item)
            if a is None or a == UNKNOWN:
                return False if item in ctx.hidden else None
            return _number(a) and cmp(a, val)
    else:  # pragma: no cover - the model allows no other operator
        raise ValueError(op)
    return item_test


Evidence = Callable[[Any], tuple[list[str], list[str]]]


def compile_evidence(cond: m.Condition, test: Callable[[m.Condition], Test]) -> Evidence:
    """The item ids and score ids that made `cond` hold (for `any` and `at_least`, the children that held; under
    `not`, everything it names), as a function of the context compiled once, called only for rules that fired.

    A node is walked in one of three modes: known to hold (the fired rule itself, and each part of an `all`
    that holds: nothing to test), to be tested (a part of an `any` or `at_least`: named only if it holds), or
    everything (under `not`). Only parts of `any` and `at_least` are ever tested again."""
    Walk = Callable[[Any, list[str], list[str]], None]

    def build(c: m.Condition, mode: str) -> Walk:
        if isinstance(c, m.ItemTest):
            item = c.item
            fn: Walk = lambda ctx, i, s: i.append(item)
        elif isinstance(c, m.ScoreTest):
            score = c.score
            fn = lambda ctx, i, s: s.append(score)
        elif isinstance(c, (m.AllOf, m.AnyOf, m.AtLeast)):
            parts = c.all if isinstance(c, m.AllOf) else c.any if isinstance(c, m.AnyOf) else c.of
            kid_mode = "all" if mode == "all" else "holds" if isinstance(c, m.AllOf) else "test"
            kids = tuple(build(x, kid_mode) for x in parts)

            def fn(ctx: Any, i: list[str], s: list[str]) -> None:
                for k in kids:
                    k(ctx, i, s)
        elif isinstance(c, m.NotOf):
            fn = build(c.not_, "all")
        else:
            fn = lambda ctx, i, s: None
        if mode != "test":
            return fn
        holds = test(c)
        return lambda ctx, i, s: fn(ctx, i, s) if holds(ctx) is True else None

    if not any(isinstance(c, (m.AnyOf, m.AtLeast)) for c in _walk(cond)):
        # nothing to test: a fired rule without `any` or `at_least` always names the same answers and scores
        names: tuple[list[str], list[str]] = ([], [])
        build(cond, "holds")(None, *names)
        items_, scores_ = list(dict.fromkeys(names[0])), list(dict.fromkeys(names[1]))
        return lambda ctx: (items_, scores_)

    root = build(cond, "holds")

    def run(ctx: Any) -> tuple[list[str], list[str]]:
        items: list[str] = []
        scores: list[str] = []
        root(ctx, items, scores)
        return list(dict.fromkeys(items)), list(dict.fromkeys(scores))

    return run


def _walk(cond: m.Condition) -> list[m.Condition]:
    from vettriage.content.catalogue import walk_conditions

    return list(walk_conditions(cond))


def negated_items(cond: m.Condition) -> frozenset[str]:
    """Items a condition names only under a `not`: they say what was absent, so they are never what was seen."""
    plain: set[str] = set()
    negated: set[str] = set()

    def walk(c: m.Condition, under_not: bool) -> None:
        if isinstance(c, m.ItemTest):
            (negated if under_not else plain).add(c.item)
        elif isinstance(c, (m.AllOf, m.AnyOf, m.AtLeast)):
            for x in (c.all if isinstance(c, m.AllOf) else c.any if isinstance(c, m.AnyOf) else c.of):
                walk(x, under_not)
        elif isinstance(c, m.NotOf):
            walk(c.not_, True)

    walk(cond, False)
    return frozenset(negated - plain)


def condition_items(cond: m.Condition | None, score_inputs: dict[str, frozenset[str]],
                    memo: dict[int, frozenset[str]] | None = None) -> frozenset[str]:
    """Every item a condition reads, directly or through the scores it tests (static, per catalogue).

    `memo` (node id -> its items) works out each node once: equal conditions are one object in a loaded
    catalogue (content.sharing), so the rules' ~1,800 nodes are ~600 to walk."""
    if cond is None:
        return frozenset()
    if memo is not None:
        got = memo.get(id(cond))
        if got is not None:
            return got
    if isinstance(cond, m.ItemTest):
        got = frozenset((cond.item,))
    elif isinstance(cond, m.ScoreTest):
        got = frozenset(score_inputs.get(cond.score, ()))
    elif isinstance(cond, (m.AllOf, m.AnyOf, m.AtLeast)):
        parts = cond.all if isinstance(cond, m.AllOf) else cond.any if isinstance(cond, m.AnyOf) else cond.of
        got = frozenset().union(*(condition_items(c, score_inputs, memo) for c in parts))
    elif isinstance(cond, m.NotOf):
        got = condition_items(cond.not_, score_inputs, memo)
    else:  # a finding or red-flag test reads no answer
        got = frozenset()
    if memo is not None:
        memo[id(cond)] = got
    return got


@cache
def score_inputs(catalogue: Catalogue) -> dict[str, frozenset[str]]:
    """Each score's input items, through nested scores."""
    out: dict[str, frozenset[str]] = {}
    for s in catalogue.scores:  # a score names only earlier scores, so one pass in file order resolves all
        items: set[str] = set()
        for ref in s.of:
            items.update(out.get(ref, {ref}))
        out[s.id] = frozenset(items)
    return out


@frozen
class Compiled:
    """Every condition of a catalogue, compiled. The rules' tests and evidence functions (the reference
    interpreter: assess runs engine.program) are compiled on first use."""

    catalogue: Catalogue
    enable_when: dict[str, Test]
    offer_when: dict[str, Test]
    caution_when: dict[str, Test]
    negated: dict[str, frozenset[str]]
    """Per rule, the items it names only under `not` (left out of what the owner saw)."""
    rule_items: dict[str, frozenset[str]]
    """Each rule's items, read directly or through its scores: what could still decide an undetermined rule."""

    @cached_property
    def _memo(self) -> dict[int, Test]:
        return {}

    @cached_property
    def rules(self) -> tuple[tuple[m.Rule, Test], ...]:
        return tuple((r, compile_condition(r.when, self._memo)) for r in self.catalogue.rules)

    @cached_property
    def evidence(self) -> dict[str, Evidence]:
        test = lambda c: compile_condition(c, self._memo)  # noqa: E731
        return {r.id: compile_evidence(r.when, test) for r in self.catalogue.rules}


@cache
def gates(catalogue: Catalogue) -> dict[str, Test]:
    """Each item's `enable_when`, compiled: all that branching needs, so that the terminal app can paint its
    first question before the rules are compiled. Cached like `compiled`, for the same reason. Equal
    conditions are one object in a loaded catalogue (content.sharing): each is compiled once."""
    memo: dict[int, Test] = {}
    return {i.id: compile_condition(i.enable_when, memo) for i in catalogue.items.values() if i.enable_when}


@cache
def compiled(catalogue: Catalogue) -> Compiled:
    """Compile the catalogue's conditions once (the catalogue is immutable, so the cache never goes stale)."""
    memo: dict[int, Test] = {}
    items_memo: dict[int, frozenset[str]] = {}
    test = lambda c: compile_condition(c, memo)  # noqa: E731
    return Compiled(
        catalogue=catalogue,
        enable_when=gates(catalogue),
        offer_when={o.id: test(o.offer_when) for o in catalogue.options if o.offer_when},
        caution_when={o.id: test(o.caution_when) for o in catalogue.options if o.caution_when},
        negated={r.id: negated_items(r.when) for r in catalogue.rules},
        rule_items={r.id: condition_items(r.when, score_inputs(catalogue), items_memo) for r in catalogue.rules},
    )
