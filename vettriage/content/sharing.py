"""Equal condition trees shared: one object for each distinct condition node of a catalogue.

The content repeats its conditions: every detail behind a gateway tests that gateway, rules repeat the same
gates, and YAML anchors become separate objects once validated. Of the ~1,840 condition nodes of the shipped
content (2026.12.4) about 630 are distinct. Sharing them when the catalogue is built makes the cached catalogue
~1,150 records (28%) fewer to unpickle at every start that loads the content (~40% of the unpickling time), and
lets the engine compile each distinct node once (engine.conditions memoises compiled nodes by object).

Conditions are immutable records compared by structure everywhere; nothing keys anything by a condition's
identity except those compile memos, for which equal nodes compile to the same test. So sharing changes no
result: tests/content/test_sharing.py checks the shared catalogue equal, node for node, to the one loaded without
sharing, and the Assessments of random answers the same."""

from __future__ import annotations

from vettriage.content import models as m
from vettriage.record import record_fields

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

CONDITIONS = frozenset(m.Condition.__args__)  # type: ignore[attr-defined]
"""The condition node types (the members of models.Condition)."""


def share_equal_conditions(catalogue: Any) -> int:
    """Make every condition node reachable from `catalogue` the first-seen object of its structure, in place
    (the loader calls it on a catalogue no one else holds yet). Returns how many distinct nodes remain."""
    pool: dict[tuple[Any, ...], Any] = {}
    done: set[int] = set()
    for name, value in list(vars(catalogue).items()):
        new = _visit(value, pool, done)
        if new is not value:
            object.__setattr__(catalogue, name, new)
    return len(pool)


def _visit(value: Any, pool: dict[tuple[Any, ...], Any], done: set[int]) -> Any:
    """`value` with its condition nodes shared (the canonical node when `value` is one); records are updated in
    place through their own pickling pair (__getstate__/__setstate__), the only way to set a frozen field."""
    kind = type(value)
    if kind in (list, tuple):
        shared = [_visit(v, pool, done) for v in value]
        if all(a is b for a, b in zip(shared, value)):
            return value
        return kind(shared)
    if kind is dict:
        for key, v in value.items():
            new = _visit(v, pool, done)
            if new is not v:
                value[key] = new
        return value
    if "__record_fields__" not in kind.__dict__:
        return value
    if id(value) not in done:
        done.add(id(value))
        state = value.__getstate__()
        new_state = [_visit(v, pool, done) for v in state]
        if any(a is not b for a, b in zip(new_state, state)):
            value.__setstate__(new_state)
    if kind not in CONDITIONS:
        return value
    return pool.setdefault(_key(value), value)


def _key(node: Any) -> tuple[Any, ...]:
    """A node's structure: its type and each field's value, its sub-nodes by identity (already shared, so equal
    sub-trees are the same object) and every scalar with its type (True is not 1, nor 1.0)."""
    return (type(node), *(_part(getattr(node, f.name)) for f in record_fields(type(node))))


def _part(v: Any) -> Any:
    kind = type(v)
    if kind in CONDITIONS:
        return ("node", id(v))
    if kind in (list, tuple):
        return (kind, *(_part(x) for x in v))
    if kind in (str, int, float, bool) or v is None:
        return (kind, v)
    return ("object", id(v))  # anything else is never taken as equal to another object
