"""Answers: validate raw values against the catalogue, apply branching, drop answers to hidden items.

An answers mapping is `item id → value`, where value is the item type's value or "unknown" (don't know / not
observed). None (or a missing key) means not answered yet. Nothing here reads files: see `read_answers_file`.
"""

from __future__ import annotations

import datetime as dt
import math
import reprlib
from functools import cache
from typing import TYPE_CHECKING, Any, Mapping

from vettriage.content.catalogue import Catalogue
from vettriage.content.models import UNKNOWN, Item
from vettriage.errors import InputError, InputErrors, raise_all
from vettriage.frozen import frozen

if TYPE_CHECKING:
    from pathlib import Path

MAX_TEXT = 5000
_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlong = 3, 60, 60, 40


def show(value: Any) -> str:
    """A short repr for messages: bounded in length and depth (a list nested 999 deep or a 309-digit number
    must not turn into a RecursionError or an 80 MB line)."""
    return _REPR.repr(value)


@frozen
class Answers:
    """Validated answers to visible items, and the ids whose answers were dropped because branching hid them."""

    values: dict[str, Any]
    dropped: tuple[str, ...] = ()
    asked: int | None = None  # how many items branching shows for these answers
    hidden: frozenset[str] = frozenset()
    """Items branching rules out for these answers (their precondition is answered and does not hold). An item
    whose precondition is itself unanswered is neither shown nor hidden: its answer is still open."""
    shown: frozenset[str] | None = None
    """The items branching shows for these answers (None: not noted)."""
    unknown: frozenset[str] | None = None
    """The ids of `values` answered "don't know", noted as they are validated (None: not noted, worked out
    when needed)."""
    lists: dict[str, tuple[Any, ...]] | None = None
    """Each multi-choice answer as a tuple (a list cannot be a dictionary key), noted as they are validated."""

    def list_keys(self) -> dict[str, tuple[Any, ...]]:
        """Each multi-choice answer as a tuple."""
        if self.lists is not None:
            return self.lists
        return {k: tuple(v) for k, v in self.values.items() if v.__class__ is list}

    def unknown_ids(self) -> frozenset[str]:
        """The ids answered "don't know"."""
        if self.unknown is not None:
            return self.unknown
        return frozenset(k for k, v in self.values.items() if v == UNKNOWN)


def coerce_value(item: Item, value: Any, catalogue: Catalogue) -> Any:
    """Return `value` in its canonical form for `item`, or raise ValueError saying what is wrong."""
    if isinstance(value, str) and value.strip().lower() in (UNKNOWN, "don't know", "dont know"):
        if not item.allow_unknown:
            raise ValueError("\"don't know\" is not allowed for this question")
        return UNKNOWN
    t = item.type
    if t == "scale":
        allowed = catalogue.scales[item.scale].values  # type: ignore[index]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value not in allowed:
            raise ValueError(f"{show(value)} is not on the scale {allowed[0]}-{allowed[-1]}")
        return int(value)
    if t == "yesno":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _YES | _NO:
            return value.strip().lower() in _YES
        raise ValueError(f"{show(value)} is not yes or no")
    if t == "choice":
        options = [o.value for o in item.options or ()]
        named = value if value in options else _option_named(value, item)
        if named is None:
            raise ValueError(f"{show(value)} is not one of the options {options}")
        return named
    if t == "multi":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise ValueError("expected a list of options")
        allowed = {o.value for o in item.options or ()}
        value = [_option_named(v, item) or v if isinstance(v, str) and v not in allowed else v for v in value]
        for v in value:
            if not isinstance(v, str) or v not in allowed:
                raise ValueError(f"{show(v)} is not one of the options {sorted(allowed)}")
        if len(set(value)) != len(value):
            raise ValueError("an option is listed twice")
        if "none" in value and len(value) > 1:
            raise ValueError("'none' cannot be combined with other options")
        order = [o.value for o in item.options or ()]
        return sorted(value, key=order.index)
    if t in ("number", "months"):
        # math.isfinite of an int past 1e308 raises OverflowError: compare ints as they are (exact in Python)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                isinstance(value, float) and not math.isfinite(value)):
            raise ValueError(f"{show(value)} is not a number")
        if not (item.min <= value <= item.max):  # type: ignore[operator]
            unit = f" {item.unit}" if item.unit else ""
            raise ValueError(f"{show(value)}{unit} is outside {item.min:g}-{item.max:g}{unit}")
        if isinstance(value, int):
            return value
        return int(value) if value.is_integer() else value
    if t == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        raise ValueError(f"{show(value)} is not a date (YYYY-MM-DD)")
    if t == "text":
        if not isinstance(value, str):
            raise ValueError("expected text")
        if len(value) > MAX_TEXT:
            raise ValueError(f"text longer than {MAX_TEXT} characters")
        return value
    raise ValueError(f"unknown item type {t}")  # pragma: no cover - the model forbids it


def _option_named(value: Any, item: Item) -> str | None:
    """The one option `value` names in another case ("Large" for large), or by its label in either wording
    ("F" for female), else None: none matches, or several do (then nothing is guessed)."""
    if not isinstance(value, str):
        return None
    folded = value.strip().casefold()
    for names in (lambda o: (o.value,), lambda o: (o.label.owner, o.label.tech)):
        found = {o.value for o in item.options or () if any(n.strip().casefold() == folded for n in names(o))}
        if found:
            return found.pop() if len(found) == 1 else None
    return None


def validate_answers(catalogue: Catalogue, raw: Mapping[Any, Any], source: str = "answers") -> Answers:
    """Check every answer; unknown ids and bad values raise InputError naming `source` and the item (every
    problem of the mapping at once: InputErrors when there are several).

    An answer to a retired item (one an earlier content version asked, catalogue.retired_items) is left out:
    a stored intake keeps it and the documents show it as it was asked, but nothing scores it any more."""
    items = catalogue.items
    retired = catalogue.retired_items
    values: dict[str, Any] = {}
    unknown: set[str] = set()
    errors: list[InputError] = []
    for key, value in raw.items():
        if isinstance(key, str) and key not in items and key in retired:
            continue
        if not isinstance(key, str) or key not in items:
            errors.append(InputError(source, key if isinstance(key, str) else show(key), "unknown question id"))
            continue
        if value is None:
            continue
        try:
            v = values[key] = coerce_value(items[key], value, catalogue)
        except ValueError as exc:
            errors.append(InputError(source, key, str(exc)))
            continue
        if v is UNKNOWN:
            unknown.add(key)
    for key, _ in _bounds(catalogue)[0]:
        problem = bound_problem(catalogue, key, values.get(key), values) if key in values else None
        if problem:
            errors.append(InputError(source, key, problem))
    raise_all(errors)
    return apply_branching(catalogue, values, unknown, True)


def bound_problem(catalogue: Catalogue, item_id: str, value: Any, answers: Mapping[str, Any]) -> str | None:
    """Why `value` for `item_id` cannot stand beside the other answers (an item's `not_above`, checked both
    ways), or None: a first seizure older than the dog is a typing slip to correct, never a fact to reason on."""
    pairs, below = _bounds(catalogue)
    checks = [(item_id, b) for i, b in pairs if i == item_id] + [(i, item_id) for i in below.get(item_id, ())]
    for low_id, high_id in checks:
        low = value if low_id == item_id else answers.get(low_id)
        high = value if high_id == item_id else answers.get(high_id)
        if _number(low) and _number(high) and low > high:
            return f"{show(low)} for {low_id} is more than the answer to {high_id} ({show(high)}); correct one of the two"
    return None


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


@cache
def _bounds(catalogue: Catalogue) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """The `not_above` pairs (item, the item it cannot exceed) and, per bounding item, the items it bounds;
    worked out once per catalogue."""
    pairs = [(i.id, i.not_above) for i in catalogue.items.values() if i.not_above]
    below: dict[str, list[str]] = {}
    for low, high in pairs:
        below.setdefault(high, []).append(low)
    return pairs, below


def apply_branching(catalogue: Catalogue, values: Mapping[str, Any], unknown: set[str] | None = None,
                    validated: bool = False) -> Answers:
    """Keep answers to visible items only; an item is visible when its `enable_when` holds on earlier answers.
    `unknown`, when given, holds every id of `values` answered "don't know"; `validated` says the values are
    in their canonical form (coerce_value's)."""
    kept, dropped, shown, hidden = _walk(catalogue, values)
    if unknown is not None:
        unknown = frozenset(unknown.intersection(kept)) if unknown else frozenset()
    lists = {k: tuple(v) for k, v in kept.items() if v.__class__ is list} if validated else None
    return Answers(kept, tuple(dropped), len(shown), frozenset(hidden), frozenset(shown), unknown, lists)


def visible_items(catalogue: Catalogue, values: Mapping[str, Any]) -> list[str]:
    """The ids of the items that are asked given `values` (used by the intake screens to walk the questions)."""
    return _walk(catalogue, values)[2]


def shown_and_ruled_out(catalogue: Catalogue, values: Mapping[str, Any]) -> tuple[list[str], set[str]]:
    """The items asked given `values`, in order, and those their answers rule out (an item whose precondition
    is unanswered is in neither: an answer it holds, such as one pre-filled from an earlier visit, stays)."""
    _, _, shown, hidden = _walk(catalogue, values)
    return shown, hidden


def _walk(catalogue: Catalogue,
          values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str], list[str], set[str]]:
    """One pass in asking order: (answers kept, ids dropped because not shown, ids shown, ids ruled out).

    An item is shown only when its `enable_when` is true on earlier answers; it is ruled out (hidden) when the
    condition is false, and still open when the condition is undetermined (its precondition is unanswered)."""
    from vettriage.engine.conditions import gates as compiled_gates

    gates = compiled_gates(catalogue)
    kept: dict[str, Any] = {}
    dropped: list[str] = []
    shown: list[str] = []
    ctx = _Ctx(kept)
    hidden = ctx.hidden
    for item_id in catalogue.items:
        gate = gates.get(item_id)
        open_ = True if gate is None else gate(ctx)
        if open_ is True:
            shown.append(item_id)
            if item_id in values:
                kept[item_id] = values[item_id]
            continue
        if open_ is False:
            hidden.add(item_id)
        if item_id in values:
            dropped.append(item_id)
    return kept, dropped, shown, hidden


class _Ctx:
    """The evaluation context for branching: answers only."""

    __slots__ = ("answers", "hidden", "scores", "levels", "levels_hi", "red_flags", "red_flags_maybe")

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.hidden: set[str] = set()
        self.scores: dict[str, Any] = {}
        self.levels: dict[str, int] = {}
        self.levels_hi: dict[str, int] = {}
        self.red_flags: set[str] = set()
        self.red_flags_maybe: set[str] = set()


def read_answers_file(catalogue: Catalogue, path: Path | str) -> Answers:
    """Read and validate a flat YAML answers file; every problem is an InputError naming the file and item."""
    from vettriage.content.yamlfile import read_yaml

    import os

    from vettriage.pathtext import normal

    path = normal(os.fspath(path))  # str(Path(path)), as errors name it, without pathlib
    doc = read_yaml(path)
    if doc.data is None:
        return Answers({})
    if not isinstance(doc.data, dict):
        raise InputError(str(path), None, "expected a mapping of question id to answer", 1)
    errors: list[InputError] = []
    for key in doc.data:
        if isinstance(key, str) and key not in catalogue.items and key in catalogue.retired_items:
            # a file names no content version, so an answer to a retired question is refused, never ignored
            errors.append(InputError(str(path), key, "question retired from the content (see the changelog in "
                                     "catalogue.yaml); answer today's questions instead", doc.line([key])))
    try:
        answers = validate_answers(catalogue, doc.data, str(path))
    except InputError as exc:
        found = exc.errors if isinstance(exc, InputErrors) else [exc]
        for e in found:
            e.line = doc.line([e.field]) if e.field else None
        errors += found
    raise_all(sorted(errors, key=lambda e: e.line or 0))
    return answers
