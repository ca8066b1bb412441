"""The rule pass compiled to one Python generator: each rule's three-valued truth, in file order, at speed.

`conditions.compile_condition` is the reference interpreter (a closure per node, ~250 ns a call); the terminal
app re-assesses after every answer, so the rule pass is written out once per catalogue as Python source, the
way Jinja2 compiles a template or `dataclasses` writes an `__init__`, and compiled with `compile()`:

    def rules(g, H, U, S, L, LH, RF, RFM):  # answer or None, hidden, don't know, scores, levels, red flags
        a0 = g('rf_collapse')
        ...
        out = []
        if (t := (a0 if a0 is not None else (False if 'rf_collapse' in H else None))) is not False:
            out.append((0, t, (('rf_collapse',), ()) if t is True else None))
        if a45 is None and 'med_current' not in H or ...:      # rules gated on one answer, skipped together
            ...
        out.sort()
        yield from out
        if (t := (True if L.get('pain', 0) >= 1 else ...)) is not False:   # reads what came before
            yield 129, t, ...

It hands back (index, truth, names) for each rule not found false, in file order: names are the item and score
ids that made a fired rule hold (its evidence; None for rules that conclude nothing to explain). The caller
handles each before asking for the next, so a `finding` or `red_flag` test sees exactly what the rules above it
concluded. Rules that read no earlier conclusion are tested in groups sharing a gate, a rule of several parts
first with plain boolean tests on known answers, and with the items' types known no answer's type is checked.

Content never supplies code: the source is built only from the validated condition tree; every name in it is
ours; a content value enters as the `repr()` of a str, int, bool or finite float (each a plain literal) or else
as a bound constant. The compiled code is kept in the user's cache (content.cache), as a .pyc would be. Tests
check the program, typed and untyped, against the interpreter on random answers over the real catalogue.
"""
from __future__ import annotations

import math
from functools import cache
from typing import Any, Callable, Iterator

from vettriage.content import models as m
from vettriage.content.catalogue import Catalogue
from vettriage.engine.conditions import LEVEL_RANK

Program = Callable[..., Iterator[Any]]
_CMP = {"gte": ">=", "lte": "<=", "gt": ">", "lt": "<"}
# A score test: true when the whole interval meets the threshold, false when none of it can.
_SCORE = {"gte": ("{lo} >= {v}", "{hi} < {v}"), "gt": ("{lo} > {v}", "{hi} <= {v}"),
          "lte": ("{hi} <= {v}", "{lo} > {v}"), "lt": ("{hi} < {v}", "{lo} >= {v}")}


Piece = "tuple[str, ...] | str"  # ids known when the program is written, or an expression giving a tuple


def _join(pieces: list[Any]) -> str:
    """One tuple expression from pieces: constant ids written as a literal, expressions spliced in."""
    out: list[str] = []
    const: list[str] = []
    for p in pieces:
        if isinstance(p, tuple):
            const.extend(p)
            continue
        if const:
            out.append(repr(tuple(const)))
            const = []
        out.append(p)
    if const:
        out.append(repr(tuple(const)))
    if not out:
        return "()"
    if len(out) == 1:
        return out[0]
    return "(" + ", ".join(f"*{p}" for p in out) + ",)"


class _Writer:
    """Writes one condition tree as a Python expression of the program's arguments."""

    def __init__(self, types: dict[str, str] | None = None) -> None:
        self.types = types or {}
        """Item id -> item type, when the answers are known to be validated (each answer of its item's type):
        then a comparison needs no check of the answer's type."""
        self.consts: dict[str, Any] = {}
        self.n = 0
        self.items: dict[str, tuple[str, str]] = {}
        """Item id -> (answer variable, id literal); each answer is read once at the top of the program."""

    def var(self) -> str:
        self.n += 1
        return f"x{self.n}"

    def evidence(self, c: m.Condition) -> str:
        """For a rule that fired, the expression of (item ids, score ids) that made it hold: the same as
        conditions.compile_evidence, written with the program's variables (see there for the three modes)."""
        items, scores = self._names(c, "holds")
        return f"({_join(items)}, {_join(scores)})"

    def _names(self, c: m.Condition, mode: str) -> tuple[list[Any], list[Any]]:
        """Pieces naming the items and the scores of `c` (see _join)."""
        if isinstance(c, m.ItemTest):
            items, scores = [(c.item,)], []
        elif isinstance(c, m.ScoreTest):
            items, scores = [], [(c.score,)]
        elif isinstance(c, (m.AllOf, m.AnyOf, m.AtLeast)):
            parts = c.all if isinstance(c, m.AllOf) else c.any if isinstance(c, m.AnyOf) else c.of
            kid_mode = "all" if mode == "all" else "holds" if isinstance(c, m.AllOf) else "test"
            items, scores = [], []
            for part in parts:
                i, s = self._names(part, kid_mode)
                items += i
                scores += s
        elif isinstance(c, m.NotOf):
            items, scores = self._names(c.not_, "all")
        else:
            items, scores = [], []
        if mode != "test":
            return items, scores
        # named only when this part holds
        return ([f"({_join(items)} if {self.expr(c)} is True else ())"] if items else [],
                [f"({_join(scores)} if {self.expr(c)} is True else ())"] if scores else [])

    def known(self, c: m.Condition, want: bool) -> str:
        """An expression true only when the answers decide `c` as `want` (False: it is false whatever the blanks
        hold): plain boolean tests on known answers, cheaper than the three-valued expression, to settle the
        usual case first. Where that would take counting (`at_least`), it says nothing ("False")."""
        if isinstance(c, m.ItemTest):
            if c.operator in ("known", "unknown"):
                e = self.item(c)  # always decided: True or False
                return e if want else f"(not {e})"
            a = self.answer(c.item)[0]
            return f"({a} is not None and {'' if want else 'not '}({self.compare(c)}))"
        if isinstance(c, m.ScoreTest):
            op = next(o for o in _SCORE if getattr(c, o) is not None)
            yes, no = _SCORE[op]
            v = self.lit(float(getattr(c, op)))
            s = f"S[{self.lit(c.score)}]"
            return (yes if want else no).format(lo=f"{s}[0]", hi=f"{s}[1]", v=v)
        if isinstance(c, (m.AllOf, m.AnyOf)):
            kids = c.all if isinstance(c, m.AllOf) else c.any
            # all: true when every part is, false when one is; any: dually
            joiner = " and " if isinstance(c, m.AllOf) == want else " or "
            return "(" + joiner.join(self.known(k, want) for k in kids) + ")"
        if isinstance(c, m.NotOf):
            return self.known(c.not_, not want)
        return "False"

    def rule(self, c: m.Condition) -> str:
        """One rule's condition. Its variables are numbered afresh: a rule is evaluated whole before the next,
        so each reuses the names of the one before (a generator frame with fewer locals is cheaper to run)."""
        self.n = 0
        return self.expr(c)

    def lit(self, value: Any) -> str:
        """A content value as source: a literal when its repr is one, else a name bound to the value."""
        if value.__class__ in (str, int, bool) or (value.__class__ is float and math.isfinite(value)):
            return repr(value)
        name = f"K{len(self.consts)}"
        self.consts[name] = value
        return name

    def expr(self, c: m.Condition) -> str:
        if isinstance(c, (m.AllOf, m.AnyOf)):
            kids = c.all if isinstance(c, m.AllOf) else c.any
            if len(kids) == 1:
                return self.expr(kids[0])
            # Kleene: `all` is False as soon as one part is, else None if any part is, else True (`any` dually)
            stop, rest = ("False", "True") if isinstance(c, m.AllOf) else ("True", "False")
            names = [self.var() for _ in kids]
            first = " or ".join(f"({v} := {self.expr(k)}) is {stop}" for v, k in zip(names, kids))
            maybe = " or ".join(f"{v} is None" for v in names)
            full = f"({stop} if {first} else None if {maybe} else {rest})"
            if isinstance(c, m.AnyOf) and all(isinstance(k, m.ItemTest) and k.operator not in ("known", "unknown")
                                              for k in kids):
                # the usual case first: every answer known and none matches, decided without the Kleene steps
                known = " and ".join(dict.fromkeys(f"{self.answer(k.item)[0]} is not None" for k in kids))
                return f"(False if {known} and not ({' or '.join(self.compare(k) for k in kids)}) else {full})"
            return full
        if isinstance(c, m.NotOf):
            v = self.var()
            return f"(None if ({v} := {self.expr(c.not_)}) is None else not {v})"
        if isinstance(c, m.AtLeast):
            v = self.var()
            parts = ", ".join(self.expr(k) for k in c.of)
            n = c.at_least
            return (f"(True if ({v} := ({parts},)).count(True) >= {n} else False if {v}.count(True) + "
                    f"{v}.count(None) < {n} else None)")
        if isinstance(c, m.ItemTest):
            return self.item(c)
        if isinstance(c, m.ScoreTest):
            return self.score(c, next(o for o in _SCORE if getattr(c, o) is not None))
        if isinstance(c, m.FindingTest):
            cat, need = self.lit(c.finding), LEVEL_RANK[c.at_least]
            return f"(True if L.get({cat}, 0) >= {need} else False if LH.get({cat}, 0) < {need} else None)"
        if isinstance(c, m.RedFlagTest):
            if c.red_flag == "any":
                return "(True if RF else None if RFM else False)"
            rf = self.lit(c.red_flag)
            return f"(True if {rf} in RF else None if {rf} in RFM else False)"
        raise TypeError(f"unknown condition {c!r}")  # pragma: no cover

    def score(self, c: m.ScoreTest, op: str) -> str:
        v = self.lit(float(getattr(c, op)))
        s = self.var()
        yes, no = _SCORE[op]
        fetch = f"({s} := S[{self.lit(c.score)}])"
        # the first bound tested fetches the interval; the second reuses it
        first_lo = "{lo}" in yes
        yes_s = yes.format(lo=f"{fetch}[0]", hi=f"{s}[1]", v=v) if first_lo else yes.format(lo=f"{s}[0]",
                                                                                          hi=f"{fetch}[1]", v=v)
        no_s = no.format(lo=f"{s}[0]", hi=f"{s}[1]", v=v)
        return f"(True if {yes_s} else False if {no_s} else None)"

    def answer(self, item: str) -> tuple[str, str]:
        """The local name of an item's answer (None when it has none, or "don't know": `g` never gives one),
        and the item id as a literal."""
        got = self.items.get(item)
        if got is None:
            got = self.items[item] = (f"a{len(self.items)}", self.lit(item))
        return got

    def prelude(self) -> list[str]:
        """Each item's answer, read once per assessment: most items are tested by several rules."""
        return [f"{a} = g({i})" for a, i in self.items.values()]

    def item(self, t: m.ItemTest) -> str:
        """Same meaning as conditions._item_test: a blank or "don't know" is undetermined, except for an item
        branching hid (False) and for `known` / `unknown`, which are always decided."""
        op, val = t.operator, t.operand
        a, i = self.answer(t.item)
        if op == "known":
            return f"({a} is {'not ' if val else ''}None)"
        if op == "unknown":
            return f"({i} {'' if val else 'not '}in U)"
        # no answer: false when branching hid the question, else undetermined
        return f"(({self.compare(t)}) if {a} is not None else (False if {i} in H else None))"

    def compare(self, t: m.ItemTest) -> str:
        """The comparison of a known answer (its variable is not None) for every operator but `known` and
        `unknown`."""
        op, val = t.operator, t.operand
        a, _ = self.answer(t.item)
        kind = self.types.get(t.item)
        if op == "eq":
            if kind == "yesno" and val.__class__ is bool:  # a yes/no answer is True or False
                return a if val else f"not {a}"
            return f"{a} == {self.lit(val)}"
        if op == "ne":
            return f"{a} != {self.lit(val)}"
        if op == "in":
            return f"{a} in {self.lit(tuple(val))}" if all(
                x.__class__ in (str, int, bool) for x in val) else f"{a} in {self.lit(list(val))}"
        if op == "contains":
            if kind == "multi":  # a multi-choice answer is a list
                return f"{self.lit(val)} in {a}"
            return f"({a}.__class__ is list and {self.lit(val)} in {a})"
        if op == "contains_any":
            if kind == "multi":
                return f"not {self.lit(frozenset(val))}.isdisjoint({a})"
            return f"({a}.__class__ is list and not {self.lit(frozenset(val))}.isdisjoint({a}))"
        if kind in ("scale", "number", "months"):  # a number
            return f"{a} {_CMP[op]} {self.lit(val)}"
        return f"(({a}.__class__ is int or {a}.__class__ is float) and {a} {_CMP[op]} {self.lit(val)})"


def _reads_state(c: m.Condition) -> bool:
    """Whether a condition reads what earlier rules concluded (levels, red flags)."""
    from vettriage.content.catalogue import walk_conditions

    return any(isinstance(x, (m.FindingTest, m.RedFlagTest)) for x in walk_conditions(c))


def _gate(c: m.Condition) -> m.ItemTest | None:
    """A test on one answer that is false whenever `c` is: the condition itself, or a part of an `all`."""
    if isinstance(c, m.ItemTest):
        return c if c.operator not in ("known", "unknown") else None
    if isinstance(c, m.AllOf):
        for part in c.all:
            got = _gate(part)
            if got is not None:
                return got
    return None


def _scalar(v: Any) -> bool:
    return v.__class__ in (str, int, bool)


def _guard(w: _Writer, gates: list[m.ItemTest]) -> str:
    """An expression that is false only when every gate is known false: the group's rules are then skipped.
    An open question (no answer, not hidden) always enters; a hidden one makes every gate false."""
    a, i = w.answer(gates[0].item)
    ops = {g.operator for g in gates}
    if ops <= {"eq", "in"} and all(_scalar(v) for g in gates for v in (g.operand if g.operator == "in"
                                                                       else [g.operand])):
        values = frozenset(v for g in gates for v in (g.operand if g.operator == "in" else [g.operand]))
        # a list answer (multi-choice) never equals a scalar, and is not hashable
        kind = w.types.get(gates[0].item)
        known = (f"{a} in {w.lit(values)}" if kind is not None and kind != "multi"
                 else f"{a}.__class__ is not list and {a} in {w.lit(values)}")
    elif ops <= {"contains", "contains_any"}:
        values = frozenset(v for g in gates for v in (g.operand if g.operator == "contains_any" else [g.operand]))
        known = (f"not {w.lit(values)}.isdisjoint({a})" if w.types.get(gates[0].item) == "multi"
                 else f"{a}.__class__ is list and not {w.lit(values)}.isdisjoint({a})")
    else:
        known = " or ".join(w.item(g) for g in gates)
    return f"(({known}) if {a} is not None else {i} not in H)"


def source(conditions: list[m.Condition], explain: list[bool] | None = None,
           types: dict[str, str] | None = None, alone: list[bool] | None = None) -> tuple[str, dict[str, Any]]:
    """The program's source for these conditions, and the constants it names. Each rule not found false is
    handed back as (index, truth, names): for a rule that held and is to be explained (`explain`, every rule
    when not given), the item and score ids that made it hold, else None.

    A rule found false concludes nothing, so only the others are handed back, with their index, in file
    order. Rules that read no earlier conclusion are independent of each other: between two rules that do,
    they are tested in groups that share a gate (a test on one answer that must hold, such as "the current
    medicines include an NSAID"), each group skipped at once when its answer rules out every gate, and what
    they give is handed back in file order before the next rule that reads conclusions is tested.

    A rule marked `alone` is tested on its own, like one that reads conclusions, and so are the rules after
    it: the caller may change the scores when it holds (a rule that `explains` answers), and the rules below
    it read the scores only once it has been handled."""
    w = _Writer(types)
    body: list[str] = []
    segment: list[int] = []

    def settled(k: int) -> str:
        """For a rule of several parts, the plain test that it is false, tried before the three-valued one."""
        c = conditions[k]
        if isinstance(c, (m.ItemTest, m.ScoreTest)):
            return ""
        return f"not {w.known(c, False)} and "

    helpers: list[str] = []

    def names(k: int) -> str:
        if explain is not None and not explain[k]:
            return "None"
        items, scores = w._names(conditions[k], "holds")
        if all(isinstance(p, tuple) for p in items + scores):  # the same every time: written as a constant
            return f"({_join(items)}, {_join(scores)}) if t is True else None"
        # Which parts held must be tested again: in a function of its own, called only when the rule held,
        # so that the program itself stays small.
        sub = _Writer(types)
        sub.consts = w.consts  # one namespace: constants are numbered across both
        expr = sub.evidence(conditions[k])
        helpers.extend([f"def names{k}(g, H, U, S, L, LH, RF, RFM):", *(f"    {x}" for x in sub.prelude()),
                        f"    return {expr}", ""])
        return f"(names{k}(g, H, U, S, L, LH, RF, RFM) if t is True else None)"

    def flush() -> None:
        if not segment:
            return
        groups: dict[str, list[int]] = {}
        for k in segment:
            gate = _gate(conditions[k])
            groups.setdefault(gate.item if gate is not None else f"#{k}", []).append(k)
        body.append("    out = []")
        for key, ks in groups.items():
            tests = [f"if {settled(k)}(t := {w.rule(conditions[k])}) is not False: out.append(({k}, t, {names(k)}))"
                     for k in ks]
            if key.startswith("#") or len(ks) == 1:
                body.extend(f"    {x}" for x in tests)
            else:
                gates = [_gate(conditions[k]) for k in ks]
                body.append(f"    if {_guard(w, gates)}:")  # type: ignore[arg-type]
                body.extend(f"        {x}" for x in tests)
        body.append("    out.sort()")
        body.append("    yield from out")
        segment.clear()

    for k, c in enumerate(conditions):
        if _reads_state(c) or (alone is not None and alone[k]):
            flush()
            body.append(f"    if (t := {w.rule(c)}) is not False:\n        yield {k}, t, {names(k)}")
        else:
            segment.append(k)
    flush()
    body = body or ["    yield from ()"]
    lines = [*helpers, "def rules(g, H, U, S, L, LH, RF, RFM):", *(f"    {x}" for x in w.prelude()), *body]
    return "\n".join(lines) + "\n", w.consts


def build(conditions: list[m.Condition], name: str = "<rules>", explain: list[bool] | None = None,
          cache_key: str | None = None, types: dict[str, str] | None = None,
          alone: list[bool] | None = None) -> Program:
    """Compile a program for these conditions (engine.codegen). With `cache_key` (naming the content and the
    explained rules), the compiled code is kept in the user's cache."""

    from vettriage.engine.codegen import function

    return function("rules", cache_key, __file__, lambda: source(conditions, explain, types, alone),
                    {"list": list, "int": int, "float": float}, name)


@cache
def rule_program(catalogue: Catalogue) -> Program:
    """The catalogue's rules as one generator function (compiled once; the catalogue is immutable). A rule is
    explained when it draws a conclusion whose evidence is kept (a flag, a finding, a limit)."""
    explain = [bool(e.red_flag or e.finding or e.cap or e.ketamine_caution or e.medication_flag or e.pain_kind)
               for e in (r.then for r in catalogue.rules)]
    # a rule that explains answers changes the scores the rules below it read (engine.triage)
    alone = [bool(r.then.explains) for r in catalogue.rules]
    key = (f"rules|{catalogue.hash}|{''.join('1' if x else '0' for x in explain)}"
           f"|{''.join('1' if x else '0' for x in alone)}")
    # assess validates every answer first: each is of its item's type (engine.answers)
    types = {i.id: i.type for i in catalogue.items.values()}
    return build([r.when for r in catalogue.rules], f"<rules of content {catalogue.version}>", explain, key,
                 types, alone)
