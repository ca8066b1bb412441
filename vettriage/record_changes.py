"""What an intake's audit trail says happened after its answers were given: red flags that were reported and then
withdrawn (the answer that withdrew each, who changed it, when and why) and amendments (who, when, why, which
answers). Built once here and worded once here, so that `vettriage intakes show`, the result screen and both
documents say the same thing (issue 26: the record said "EMERGENCY SIGN REPORTED" while the vet's summary never
mentioned the withdrawn flag, and an amended summary did not say it was amended).

Pure: the catalogue, the stored answers and the audit events in, a `RecordChanges` out. It runs the engine on the
answers as they stood before and after each change to a question a red-flag rule reads (the trail is replayed
backwards from the stored answers, so it works whether or not the first answers were audited).
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from typing import Any, Iterable, Mapping

from vettriage.frozen import frozen

AUTO_REASON = "red flag withdrawn: "
"""The reason the intake session records when an answer withdraws every red flag raised so far (no amendment)."""


@frozen
class Withdrawn:
    """A red flag the answers raised at some point and no longer raise."""

    flag: str
    title: str
    owner_title: str
    item: str
    item_label: str
    old: Any
    new: Any
    who: str
    at: dt.datetime
    reason: str | None


@frozen
class Amendment:
    """One amendment: the changes made by one person for one reason."""

    who: str
    at: dt.datetime
    reason: str
    items: tuple[str, ...]


@frozen
class RecordChanges:
    """The withdrawn red flags and the amendments of one intake (both empty for a form never changed)."""

    withdrawn: tuple[Withdrawn, ...] = ()
    amendments: tuple[Amendment, ...] = ()
    amended: bool = False
    """The stored status is `amended` (true even when the trail of a record made elsewhere has no reasons)."""

    def __bool__(self) -> bool:
        return bool(self.withdrawn or self.amendments or self.amended)

    def withdrawn_lines(self, mode: str = "tech") -> list[str]:
        """One line per withdrawn red flag, with its title in the reader's words: `Red flag withdrawn: Collapse
        (collapse / syncope (24 h): yes -> no, by Sam, 2026-05-01 09:30 UTC; reason: ...)`."""
        out = []
        for w in self.withdrawn:
            title = w.owner_title if mode == "owner" else w.title
            why = f"; reason: {w.reason}" if w.reason and not w.reason.startswith(AUTO_REASON) else ""
            out.append(f"Red flag withdrawn: {title} ({w.item_label}: {_value(w.old)} -> {_value(w.new)}, by "
                       f"{w.who}, {_when(w.at)}{why})")
        return out

    def amendment_lines(self) -> list[str]:
        """One line per amendment: who, when, why and which answers changed."""
        out = [f"Amended by {a.who}, {_when(a.at)}: {a.reason} (changed: {', '.join(a.items)})"
               for a in self.amendments]
        if self.amended and not out:
            out.append("Amended after completion (no reason recorded).")
        return out


def _value(v: Any) -> str:
    if v is None:
        return "not answered"
    if v is True or v is False:
        return "yes" if v else "no"
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def _when(at: dt.datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


@cache
def _red_flag_inputs(catalogue: Any) -> frozenset[str]:
    """The items any red-flag rule reads: only a change to one of them can raise or withdraw a red flag."""
    from vettriage.content.catalogue import walk_conditions
    from vettriage.content.models import ItemTest

    return frozenset(n.item for r in catalogue.rules if r.then.red_flag
                     for n in walk_conditions(r.when) if isinstance(n, ItemTest))


def _flags(catalogue: Any, answers: Mapping[str, Any], engine: bool = False, validated: Any = None
           ) -> set[str] | None:
    """The red flags the engine raises on `answers`, or None when the current content refuses them (an answer
    it no longer accepts: that state cannot be judged). When every red-flag rule reads answers only
    (`_flag_rules`), only those rules are tested (`_answered_flags`); `engine` asks the whole assessment, the
    reference the tests compare with. `validated`: `answers` already validated (the same Answers)."""
    rules = None if engine else _flag_rules(catalogue)
    if rules is not None:
        from vettriage.engine.answers import validate_answers

        try:
            checked = validated if validated is not None else validate_answers(catalogue, answers)
            return _answered_flags(catalogue, rules, checked)
        except Exception:  # as below: the assessment would refuse them at the same point
            return None
    from vettriage.engine.triage import assess

    try:
        return set(assess(catalogue, {k: v for k, v in answers.items() if v is not None}).red_flag_ids)
    except Exception:  # an answer the current content no longer accepts: this state cannot be judged
        return None


def _answered_flags(catalogue: Any, rules: tuple[tuple[str, Any], ...], answers: Any) -> set[str]:
    """The red flags of validated answers when every red-flag rule reads answers only: a rule's truth then
    depends on nothing the other rules conclude, so each is tested alone, on what the engine reads (the
    answers with branching applied and a screening question's "no" read as "not seen"), by the reference
    interpreter that engine.program is checked against (tests/unit/test_program.py). The rest of an
    assessment (scores, findings, evidence, and the rule program's import: ~7 ms of a `report` process, against
    ~0.2 ms for the red-flag rules alone) is not built;
    tests/unit/test_record_changes_shortcut.py compares the result with `assess(...).red_flag_ids`."""
    values, hidden = answers.values, answers.hidden
    if hidden and catalogue.gateways:
        from vettriage.engine.gateways import as_read

        values, hidden, _ = as_read(catalogue, values, hidden)  # as engine.triage.assess reads them
    ctx = _State(values, hidden)
    return {flag for flag, cond in rules if _item_test(cond)(ctx) is True}


@cache
def _flag_rules(catalogue: Any) -> tuple[tuple[str, Any], ...] | None:
    """(red flag, condition) of every rule that raises one, when every such condition reads answers only (item
    tests under all / any / not / at least); None when one reads a score, a finding or another flag."""
    from vettriage.content import models as m
    from vettriage.content.catalogue import walk_conditions

    out = []
    for r in catalogue.rules:
        if r.then.red_flag:
            nodes = walk_conditions(r.when)
            if not all(isinstance(n, (m.ItemTest, m.AllOf, m.AnyOf, m.NotOf, m.AtLeast)) for n in nodes):
                return None
            out.append((r.then.red_flag, r.when))
    return tuple(out)


class _State:
    """An evaluation context holding a whole set of answers (red-flag rules read nothing else)."""

    __slots__ = ("answers", "hidden")

    def __init__(self, answers: Mapping[str, Any], hidden: frozenset[str]) -> None:
        self.answers = answers
        self.hidden = hidden


class _Probe:
    """An evaluation context holding one answer (or the question hidden by branching)."""

    __slots__ = ("answers", "hidden")

    def __init__(self, item: str, value: Any, hidden: bool) -> None:
        self.answers = {} if hidden or value is None else {item: value}
        self.hidden = frozenset((item,)) if hidden else frozenset()


@cache
def _item_test(cond: Any) -> Any:
    from vettriage.engine.conditions import compile_condition

    return compile_condition(cond)


def _outcomes(cond: Any, seen: Mapping[str, list[Any]], catalogue: Any) -> set[bool | None]:
    """Every truth `cond` could take in any state the trail passed through, over-counted: each item tested
    takes, independently, any value it ever had, a blank, and (when branching can hide it) hidden or the
    "not seen" answer a gateway's no stands for."""
    from vettriage.content import models as m

    if isinstance(cond, m.ItemTest):
        item = catalogue.items.get(cond.item)
        test = _item_test(cond)
        out = {test(_Probe(cond.item, v, False)) for v in [None, *seen.get(cond.item, ())]}
        if item is None or item.enable_when is not None:
            from vettriage.engine.gateways import not_seen

            out.add(test(_Probe(cond.item, None, True)))
            if item is not None:
                out.add(test(_Probe(cond.item, not_seen(catalogue, cond.item), False)))
        return out
    if isinstance(cond, m.NotOf):
        return {None if v is None else not v for v in _outcomes(cond.not_, seen, catalogue)}
    parts = [_outcomes(c, seen, catalogue) for c in (cond.all if isinstance(cond, m.AllOf) else
                                                     cond.any if isinstance(cond, m.AnyOf) else cond.of)]
    maybe = {None} if any(None in p for p in parts) else set()
    if isinstance(cond, m.AllOf):
        return maybe | ({True} if all(True in p for p in parts) else set()) | (
            {False} if any(False in p for p in parts) else set())
    if isinstance(cond, m.AnyOf):
        return maybe | ({True} if any(True in p for p in parts) else set()) | (
            {False} if all(False in p for p in parts) else set())
    can_true = sum(True in p for p in parts)
    can_false = sum(False in p for p in parts)
    return maybe | ({True} if can_true >= cond.at_least else set()) | (
        {False} if can_false >= len(parts) - cond.at_least + 1 else set())


def _could_raise(catalogue: Any, answers: Mapping[str, Any], events: list[Any]) -> set[str] | None:
    """The red flags some state of the trail could have raised (a superset), or None when the content's red-flag
    rules read more than answers. A flag outside it was never raised, so never withdrawn: the replay, one test
    of the red-flag rules per answer to an emergency question (a whole assessment each when they read more than
    answers), is skipped when nothing is left."""
    from vettriage.engine.answers import coerce_value

    rules = _flag_rules(catalogue)
    if rules is None:
        return None
    seen: dict[str, list[Any]] = {}
    read = _red_flag_inputs(catalogue)
    given = [*answers.items(), *((e.item_id, v) for e in events for v in (e.old_value, e.new_value))]
    for k, v in given:
        if v is None or k not in read:
            continue
        item = catalogue.items.get(k)
        if item is not None:
            try:
                v = coerce_value(item, v, catalogue)  # as the engine reads it
            except ValueError:
                continue  # a state holding it fails validation: the replay cannot judge it either
        seen.setdefault(k, []).append(v)
    return {flag for flag, cond in rules if True in _outcomes(cond, seen, catalogue)}


def record_changes(catalogue: Any, answers: Mapping[str, Any], trail: Iterable[Any],
                   status: str | None = None, validated: Any = None) -> RecordChanges:
    """The withdrawn red flags and amendments of an intake, from its stored answers and its audit events
    (objects with item_id, old_value, new_value, who, at, reason; in the order they happened). `validated`:
    the stored answers as `validate_answers` returned them, when the caller has them (not checked again)."""
    events = list(trail)
    withdrawn = _withdrawn(catalogue, answers, events, shortcut=True, validated=validated)
    groups: dict[tuple[str, str], list[Any]] = {}
    for e in events:
        if e.reason and not e.reason.startswith(AUTO_REASON):
            groups.setdefault((e.who, e.reason), []).append(e)
    amendments = tuple(Amendment(who=who, at=evs[0].at, reason=reason,
                                 items=tuple(dict.fromkeys(_label(catalogue, e.item_id) for e in evs)))
                       for (who, reason), evs in groups.items())
    return RecordChanges(withdrawn, amendments, status == "amended")


def _withdrawn(catalogue: Any, answers: Mapping[str, Any], events: list[Any],
               shortcut: bool, validated: Any = None) -> tuple[Withdrawn, ...]:
    """The trail replayed: the red flags raised at some point and not at the end, each with the answer that
    withdrew it. `shortcut`: skip the replay when no flag outside the final ones could ever have been raised,
    and test only the red-flag rules in each state (`_flags`); without it, each state is assessed whole (the
    reference the tests compare with)."""
    possible = _could_raise(catalogue, answers, events) if shortcut else None
    if possible is not None and not possible:
        return ()
    engine = not shortcut
    final = _flags(catalogue, answers, engine, validated) or set()
    if possible is not None and possible <= final:
        return ()  # every flag it could have raised is still raised
    # states[k] = the answers before event k; states[len] = the stored answers
    states: list[dict[str, Any]] = [dict(answers)]
    for e in reversed(events):
        before = dict(states[0])
        if e.old_value is None:
            before.pop(e.item_id, None)
        else:
            before[e.item_id] = e.old_value
        states.insert(0, before)
    inputs = _red_flag_inputs(catalogue)
    withdrawn: dict[str, Withdrawn] = {}
    flags_before: set[str] | None = None
    for k, e in enumerate(events):
        if e.item_id not in inputs:
            continue
        if flags_before is None:
            flags_before = _flags(catalogue, states[k], engine)
        after = _flags(catalogue, states[k + 1], engine)
        if flags_before is not None and after is not None:
            for f in sorted(flags_before - after):
                if f in catalogue.red_flags and f not in final:
                    rf, item = catalogue.red_flags[f], catalogue.items.get(e.item_id)
                    withdrawn[f] = Withdrawn(
                        flag=f, title=rf.title.tech, owner_title=rf.title.owner, item=e.item_id,
                        item_label=(item.label or item.text.tech.rstrip("?")) if item else e.item_id,
                        old=e.old_value, new=e.new_value, who=e.who, at=e.at, reason=e.reason)
            for f in after:
                withdrawn.pop(f, None)  # raised again later: not withdrawn
        flags_before = after
    return tuple(withdrawn.values())


def _label(catalogue: Any, item_id: str) -> str:
    item = catalogue.items.get(item_id)
    return (item.label or item_id) if item else item_id
