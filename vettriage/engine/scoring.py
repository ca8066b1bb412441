"""Scores: sums, means, maxima and counts over items and earlier scores. "Don't know" is never a zero.

A score over partly-unknown inputs is an interval: the lowest and highest value it could take once every blank
and "don't know" were filled with a value its scale allows (an input branching hid takes no part). Rules test
the interval (engine.conditions), so a partly-known sum that already reaches a threshold counts, and one that
could not reach it whatever the blanks hold is a definite "no". `value` is what reports show: the exact value
when every input is known, else the value over the known inputs when at least `min_share` of them are known
(a display hint, "based on 5 of 12"), else None.

`_interval` is the whole computation for one score. It runs after every answer in the terminal app, so the
usual case (every input answered with a number) is also written out once per catalogue as Python source, as
engine.program does for the rules: each item read once, each score a straight sum, and any score with an
input blank, hidden or "don't know" handed to `_interval`. A test checks the two agree.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Callable, Collection, Mapping

from vettriage.content.catalogue import Catalogue
from vettriage.engine.assessment import DomainScore
from vettriage.frozen import frozen

Interval = tuple[float, float]
Entry = tuple[Any, ...]


@frozen
class _Plan:
    """The catalogue's scores as flat tuples, read once per catalogue."""

    scores: tuple[Entry, ...]
    """Per score: (id, method, inputs, threshold, min_share, title, heuristic). Each input is
    (id, is_score, lowest, highest); an input that is not a number (no range) is left out."""
    items: tuple[str, ...]
    """Every item a score reads directly, each once."""
    item_set: frozenset[str]
    numeric: frozenset[str]
    """The items among them whose answers may be fractional (number and months; a scale answer is an int)."""


@cache
def _plan(catalogue: Catalogue) -> _Plan:
    ranges: dict[str, Interval] = {}
    numeric: set[str] = set()
    for item in catalogue.items.values():
        if item.type == "scale":
            vals = catalogue.scales[item.scale].values  # type: ignore[index]
            ranges[item.id] = (float(min(vals)), float(max(vals)))
        elif item.type in ("number", "months"):
            ranges[item.id] = (float(item.min), float(item.max))  # type: ignore[arg-type]
            numeric.add(item.id)
    plan = []
    for s in catalogue.scores:
        inputs = []
        for ref in s.of:
            if ref in ranges:
                inputs.append((ref, False) + ranges[ref])
            elif ref in catalogue.score_by_id:
                inputs.append((ref, True, 0.0, 0.0))
        plan.append((s.id, s.method, tuple(inputs), s.threshold, s.min_share, s.title.tech, s.heuristic))
    items = tuple(dict.fromkeys(ref for s in plan for ref, is_score, *_ in s[2] if not is_score))
    return _Plan(tuple(plan), items, frozenset(items), frozenset(numeric))


def compute_scores(catalogue: Catalogue, answers: Mapping[str, Any], hidden: Collection[str] = (),
                   unknown: Collection[str] | None = None) -> tuple[dict[str, DomainScore], dict[str, Interval]]:
    """Every score of the catalogue in file order, and each score's interval (what rules test).

    `unknown` (the ids answered "don't know") is given by callers whose answers are validated (assess): then a
    full set of answers skips every check."""
    if hidden and not isinstance(hidden, (set, frozenset)):
        hidden = frozenset(hidden)
    plan = _plan(catalogue)
    get = answers.get

    def slow(k: int, out: dict[str, DomainScore], spans: dict[str, Interval]) -> None:
        _interval(plan.scores[k], get, hidden, out, spans)

    # every score item answered, none "don't know" (only when the caller says which are: `unknown`); a hidden
    # question has no answer, and a validated answer to a scale or number item is a number
    complete = unknown is not None and plan.item_set <= answers.keys() and (
        not unknown or unknown.isdisjoint(plan.item_set))
    return _score_program(catalogue)(get, slow, complete)


def reference_scores(catalogue: Catalogue, answers: Mapping[str, Any],
                     hidden: Collection[str] = ()) -> tuple[dict[str, DomainScore], dict[str, Interval]]:
    """The same as compute_scores, every score through `_interval`: what the generated fast path is tested
    against."""
    out: dict[str, DomainScore] = {}
    spans: dict[str, Interval] = {}
    for entry in _plan(catalogue).scores:
        _interval(entry, answers.get, hidden, out, spans)
    return out, spans


def _interval(entry: Entry, get: Callable[[str], Any], hidden: Collection[str], out: dict[str, DomainScore],
              spans: dict[str, Interval]) -> None:
    """One score: one pass accumulates its interval directly (sum, count, max and mean are each exact over
    independent inputs)."""
    sid, method, inputs, threshold, min_share, title, heuristic = entry
    known: list[float] = []
    ends: list[Interval] = []
    n = 0
    low = high = 0.0
    top_lo = top_hi = float("-inf")
    for ref, is_score, lo, hi in inputs:
        if is_score:
            lo, hi = spans[ref]
            if lo == hi:
                known.append(lo)
        elif ref in hidden:
            continue
        else:
            v = get(ref)
            # exact classes: True is an int to Python, but a yes/no answer is never a number here
            if v.__class__ is int or v.__class__ is float:
                known.append(v)
                lo = hi = v
        n += 1
        if method == "percent_drop":
            ends.append((lo, hi))
            continue
        if method == "count_at_least":
            if lo >= threshold:
                low += 1
            if hi >= threshold:
                high += 1
        elif method == "max":
            top_lo = lo if lo > top_lo else top_lo
            top_hi = hi if hi > top_hi else top_hi
        else:
            low += lo
            high += hi
    if method == "percent_drop":
        # [before, now]: the drop is largest with `before` high and `now` low. An input branching hid (no loss
        # reported) leaves nothing to compare: 0.
        if len(ends) == 2:
            (b_lo, b_hi), (n_lo, n_hi) = ends
            low, high = _drop(b_lo, n_hi), _drop(b_hi, n_lo)
        else:
            low = high = 0.0
    elif method == "max":
        low, high = (top_lo, top_hi) if n else (0.0, 0.0)
    elif method == "mean" and n:
        low, high = round(low / n, 2), round(high / n, 2)
    spans[sid] = (low, high)
    sufficient = bool(known) and len(known) / (n or 1) >= min_share
    value: float | None = None
    if low == high and n:
        value = low
        sufficient = True
    elif sufficient:
        value = _value(method, known, threshold)
    if method == "percent_drop" and len(ends) < 2:  # nothing to compare (a question branching hid): no value
        value, sufficient = None, False
    # positional, in field order: id, title, value, answered, of, sufficient, heuristic, low, high
    out[sid] = DomainScore(sid, title, value, len(known), n, sufficient, heuristic, float(low), float(high))


def _drop(before: float, now: float) -> float:
    """How much lower `now` is than `before`, in percent of `before` (the fast path writes the same)."""
    return round((before - now) / before * 100, 2) if before > 0 else 0.0


def _value(method: str, known: list[float], threshold: float | None) -> float:
    if method == "percent_drop":
        return _drop(known[0], known[1]) if len(known) == 2 else 0.0
    if method == "sum":
        return float(sum(known))
    if method == "mean":
        return round(sum(known) / len(known), 2)
    if method == "max":
        return float(max(known))
    return float(sum(1 for k in known if k >= threshold))  # type: ignore[operator]


def score_source(plan: _Plan) -> tuple[str, dict[str, Any]]:
    """The fast path's source, and the constants it names (titles and heuristics, which are content text).

    For each score: when every input is known exactly (an item answered with a number; a nested score whose
    interval is one value), its value written out; else `slow(k, out, S)`. Values are typed as `_interval`
    gives them: float, except that `max` keeps its input's type."""
    consts: dict[str, Any] = {}
    var = {item: f"a{k}" for k, item in enumerate(plan.items)}
    lines = ["def scores(g, slow, complete):", "    out = {}", "    S = {}"]
    lines += [f"    {var[item]} = g({item!r})" for item in plan.items]
    # `complete`: every item the scores read is answered with a number, so no input needs a check
    lines.append("    if complete:")
    lines += [f"    {x}" for x in _scores(plan, var, consts, checked=False)]
    lines.append("        return out, S")
    lines += _scores(plan, var, consts, checked=True)
    lines.append("    return out, S")
    return "\n".join(lines) + "\n", consts


def _scores(plan: _Plan, var: dict[str, str], consts: dict[str, Any], checked: bool) -> list[str]:
    lines = []
    for k, (sid, method, inputs, threshold, *_) in enumerate(plan.scores):
        consts[f"T{k}"], consts[f"E{k}"] = plan.scores[k][5], plan.scores[k][6]
        if not inputs:
            lines.append(f"    slow({k}, out, S)")
            continue
        tests, values = [], []
        for j, (ref, is_score, *_) in enumerate(inputs):
            if is_score:
                p = f"p{j}"
                tests.append(f"({p} := S[{ref!r}])[0] == {p}[1]")
                values.append(f"{p}[0]" if checked else f"S[{ref!r}][0]")
            else:
                a = var[ref]
                tests.append(f"({a}.__class__ is int or {a}.__class__ is float)" if ref in plan.numeric
                             else f"{a}.__class__ is int")
                values.append(a)
        n = len(inputs)
        total = " + ".join(values)
        if method == "sum":
            expr = f"float({total})"
        elif method == "mean":
            expr = f"round(float({total}) / {n}, 2)"
        elif method == "max":
            expr = f"max({', '.join(values)})" if n > 1 else values[0]
        elif method == "percent_drop":
            expr = (f"(round(({values[0]} - {values[1]}) / {values[0]} * 100, 2) if {values[0]} > 0 "
                    f"else 0.0)")
        else:
            expr = "float(" + " + ".join(f"({v} >= {float(threshold)!r})" for v in values) + ")"
        exact = [f"v = {expr}", f"S[{sid!r}] = (v, v)",
                 f"out[{sid!r}] = DS({sid!r}, T{k}, v, {n}, {n}, True, E{k}, float(v), float(v))"]
        if checked:
            lines += [f"    if {' and '.join(tests)}:", *(f"        {x}" for x in exact),
                      "    else:", f"        slow({k}, out, S)"]
        else:
            # nested scores are over complete item scores: each is one value
            lines += [f"    {x}" for x in exact]
    return lines


@cache
def _score_program(catalogue: Catalogue) -> Callable[..., tuple[dict[str, DomainScore], dict[str, Interval]]]:

    from vettriage.engine.codegen import function

    # kept compiled in the user's cache like the rules; a stand-in catalogue (tests) has no hash
    key = f"scores|{catalogue.hash}" if isinstance(getattr(catalogue, "hash", None), str) else None
    return function("scores", key, __file__, lambda: score_source(_plan(catalogue)),
                    {"int": int, "float": float, "round": round, "max": max, "DS": DomainScore}, "<scores>")


@cache
def score_input_floor(catalogue: Catalogue) -> dict[str, tuple[tuple[str, ...], tuple[float, ...], bool]]:
    """Per score, its item inputs through nested scores (in order) with each one's lowest value, and whether
    every lowest value is 0: to name the inputs seen above their floor."""
    flat: dict[str, tuple[tuple[str, ...], tuple[float, ...], bool]] = {}
    for sid, _, inputs, *_ in _plan(catalogue).scores:  # file order: a nested score is always flattened first
        ids: list[str] = []
        floors: list[float] = []
        for ref, is_score, lo, _ in inputs:
            if is_score:
                ids.extend(flat[ref][0])
                floors.extend(flat[ref][1])
            else:
                ids.append(ref)
                floors.append(lo)
        flat[sid] = (tuple(ids), tuple(floors), all(f == 0 for f in floors))
    return flat
