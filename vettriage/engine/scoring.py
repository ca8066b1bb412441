"""Scores: sums, means, maxima and counts over items and earlier scores. "Don't know" is never a zero.

A score over partly-unknown inputs is an interval: the lowest and highest value it could take once every blank
and "don't know" were filled with a value its scale allows (an input branching hid takes no part). Rules test
the interval (engine.conditions), so a partly-known sum that already reaches a threshold counts, and one that
could not reach it whatever the blanks hold is a definite "no". `value` is what reports show: the exact value
when every input is known, else the value over the known inputs when at least `min_share` of them are known
(a display hint, "based on 5 of 12"), else None.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Any, Collection, Mapping

from vettriage.content.catalogue import Catalogue
from vettriage.content.models import UNKNOWN
from vettriage.engine.assessment import DomainScore

Interval = tuple[float, float]


@dataclass(frozen=True)
class _Plan:
    """The catalogue's scores as flat tuples, read once per catalogue: scoring runs on every assessment."""

    scores: tuple[tuple[Any, ...], ...]
    """Per score: (id, method, inputs, threshold, min_share, title, heuristic, item ids, the same as a set,
    nested score ids, picker). Each input is (id, is_score, lowest, highest); an input that is not a number
    (no range) is left out. For the fast path: the item ids when every input is an item, with a picker that
    takes their answers from the answers to `items`; the score ids when every input is a score."""
    items: tuple[str, ...]
    """Every item a score reads directly."""
    item_set: frozenset[str]


@cache
def _plan(catalogue: Catalogue) -> _Plan:
    ranges: dict[str, Interval] = {}
    for item in catalogue.items.values():
        if item.type == "scale":
            vals = catalogue.scales[item.scale].values  # type: ignore[index]
            ranges[item.id] = (float(min(vals)), float(max(vals)))
        elif item.type in ("number", "months"):
            ranges[item.id] = (float(item.min), float(item.max))  # type: ignore[arg-type]
    every = tuple(dict.fromkeys(ref for s in catalogue.scores for ref in s.of if ref in ranges))
    position = {ref: k for k, ref in enumerate(every)}
    plan = []
    for s in catalogue.scores:
        inputs = []
        for ref in s.of:
            if ref in ranges:
                inputs.append((ref, False) + ranges[ref])
            elif ref in catalogue.score_by_id:
                inputs.append((ref, True, 0.0, 0.0))
        kinds = {i[1] for i in inputs}
        ids = tuple(i[0] for i in inputs) if kinds == {False} else None
        nested = tuple(i[0] for i in inputs) if kinds == {True} else None
        pick = None
        if ids:
            at = [position[i] for i in ids]
            pick = itemgetter(*at) if len(at) > 1 else (lambda vals, k=at[0]: (vals[k],))
        plan.append((s.id, s.method, tuple(inputs), s.threshold, s.min_share, s.title.tech, s.heuristic, ids,
                     frozenset(ids or ()), nested, pick))
    return _Plan(tuple(plan), every, frozenset(every))


def compute_scores(catalogue: Catalogue, answers: Mapping[str, Any], hidden: Collection[str] = (),
                   unknown: Collection[str] | None = None) -> tuple[dict[str, DomainScore], dict[str, Interval]]:
    """Every score of the catalogue in file order, and each score's interval (what rules test).

    One pass per score accumulates the interval directly (sum, count, max and mean are each exact over
    independent inputs): this runs after every answer in the terminal app."""
    out: dict[str, DomainScore] = {}
    spans: dict[str, Interval] = {}
    get = answers.get
    if hidden and not isinstance(hidden, (set, frozenset)):
        hidden = frozenset(hidden)
    # the ids answered "don't know" (`Answers.unknown_ids`, when the caller has them): a score whose items are
    # all answered with numbers is summed in C
    if unknown is None:
        unknown = {k for k, v in answers.items() if v == UNKNOWN} if UNKNOWN in answers.values() else ()
    elif unknown and not isinstance(unknown, (set, frozenset)):
        unknown = frozenset(unknown)
    plan = _plan(catalogue)
    # Every item the scores read answered with a number (the usual full intake): read them all at once, and
    # each score picks its own. (An answer to a hidden question was dropped, so these are all asked.)
    every = None
    if plan.item_set <= answers.keys() and (not unknown or unknown.isdisjoint(plan.item_set)):
        every = list(map(get, plan.items))
    for sid, method, inputs, threshold, min_share, title, heuristic, ids, idset, nested, pick in plan.scores:
        # Fast path: every input known (no item hidden, blank or "don't know"; every nested score exact).
        vals: Any = None
        if ids is not None:
            if every is not None:
                vals = pick(every)
            elif (not hidden or hidden.isdisjoint(idset)) and (not unknown or unknown.isdisjoint(idset)):
                vals = list(map(get, ids))
                if None in vals:
                    vals = None
        elif nested is not None:
            pairs = [spans[r] for r in nested]
            vals = [lo for lo, hi in pairs if lo == hi]
            if len(vals) != len(pairs):
                vals = None
        if vals:
            # typed as the interval pass below gives them (max keeps its input's type)
            if method == "sum":
                low = float(sum(vals))
            elif method == "mean":
                low = round(float(sum(vals)) / len(vals), 2)
            elif method == "max":
                low = max(vals)
            else:
                low = float(sum(map(threshold.__le__, vals)))  # type: ignore[union-attr]
            spans[sid] = (low, low)
            n = len(vals)
            # positional, in field order: id, title, value, answered, of, sufficient, heuristic, low, high
            out[sid] = DomainScore(sid, title, low, n, n, True, heuristic, float(low), float(low))
            continue
        known: list[float] = []
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
            if method == "count_at_least":
                if lo >= threshold:  # type: ignore[operator]
                    low += 1
                if hi >= threshold:  # type: ignore[operator]
                    high += 1
            elif method == "max":
                top_lo = lo if lo > top_lo else top_lo
                top_hi = hi if hi > top_hi else top_hi
            else:
                low += lo
                high += hi
        if method == "max":
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
        out[sid] = DomainScore(sid, title, value, len(known), n, sufficient, heuristic, float(low), float(high))
    return out, spans


def _value(method: str, known: list[float], threshold: float | None) -> float:
    if method == "sum":
        return float(sum(known))
    if method == "mean":
        return round(sum(known) / len(known), 2)
    if method == "max":
        return float(max(known))
    return float(sum(1 for k in known if k >= threshold))  # type: ignore[operator]


@cache
def score_input_floor(catalogue: Catalogue) -> dict[str, tuple[tuple[str, ...], tuple[float, ...], bool]]:
    """Per score, its item inputs through nested scores (in order) with each one's lowest value, and whether
    every lowest value is 0: to name the inputs seen above their floor."""
    direct = {sid: inputs for sid, _, inputs, *_ in _plan(catalogue).scores}
    flat: dict[str, tuple[tuple[str, ...], tuple[float, ...], bool]] = {}
    for sid, inputs in direct.items():  # file order: a nested score is always flattened first
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
