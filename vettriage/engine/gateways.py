"""Gateway answers worked out from detail answers (pure functions, no I/O).

- `not_seen(catalogue, item_id)`: the answer a gateway's "no" stands for on one detail.
- `screened_walk(catalogue, answers)`: the answers an owner gives when the screening questions are asked: a
  checklist ticks the areas where a detail was seen or "don't know" ("none" when none was); a gateway is "no"
  when every detail behind it was answered "not seen", "yes" when any was seen or "don't know", blank
  otherwise; a "no" or an unticked area drops its details (branching hides them). Used to check that gateways lose nothing
  (the same results as the full walk) and by bench/intake_length.py.
- `implied_gateways(catalogue, answers)`: the gateways left blank although details behind them are answered
  (a file written by a technician who skipped the gateway line): they are implied yes.
"""

from __future__ import annotations

from typing import Any, Mapping

from vettriage.content.models import UNKNOWN


def not_seen(catalogue: Any, item_id: str) -> Any:
    """The "not seen" answer of a detail: lowest scale point, no, a checklist's "none", the choice named in
    the gateway's `not_seen`; None for a typed answer (left blank)."""
    item = catalogue.items[item_id]
    if item.type == "scale":
        return min(catalogue.scales[item.scale].values)
    if item.type == "yesno":
        return False
    if item.type == "multi":
        return ["none"] if any(o.value == "none" for o in item.options or ()) else None
    if item.type == "choice":
        gid = catalogue.gateway_of.get(item_id)
        if gid is not None:
            for ns in catalogue.gateway_by_id[gid].not_seen:
                if ns.item == item_id:
                    return ns.value
        for f in catalogue.follow_ups:
            if f.item == item_id:
                return f.not_seen
    return None


def _state(catalogue: Any, gid: str, answers: Mapping[str, Any], out: dict[str, Any],
           blank_is_no: bool = False) -> Any:
    """True / False / None for one gateway, from its details (inner gateways decided first, into `out`)."""
    states = []
    for d in catalogue.gateway_by_id[gid].details:
        if d in catalogue.gateway_by_id:
            out[d] = _state(catalogue, d, answers, out, blank_is_no)
            states.append("no" if out[d] is False else "seen" if out[d] is True else "blank")
            continue
        a = answers.get(d)
        if a is None or (isinstance(a, str) and not a.strip() and catalogue.items[d].type == "text"):
            states.append("blank" if not_seen(catalogue, d) is not None and not blank_is_no else "no")
        elif a == UNKNOWN:
            states.append("seen")
        elif a == not_seen(catalogue, d):
            states.append("no")
        else:
            states.append("seen")
    if "seen" in states:
        return True
    if all(s == "no" for s in states):
        return False
    return None


def _area_state(catalogue: Any, details: list[str], answers: Mapping[str, Any], blank_is_no: bool) -> str:
    """"seen", "no" or "blank" for one checklist area, from its details (as `_state` judges a gateway's)."""
    states = []
    for d in details:
        a = answers.get(d)
        if a is None or (isinstance(a, str) and not a.strip() and catalogue.items[d].type == "text"):
            states.append("blank" if not_seen(catalogue, d) is not None and not blank_is_no else "no")
        elif a == UNKNOWN or a != not_seen(catalogue, d):
            states.append("seen")
        else:
            states.append("no")
    return "seen" if "seen" in states else "no" if all(x == "no" for x in states) else "blank"


def screened_walk(catalogue: Any, answers: Mapping[str, Any], *, blank_is_no: bool = False) -> dict[str, Any]:
    """`answers` as an owner answering the screening questions would give them (see the module's note): a
    checklist ticks each area where something behind it was seen (or left blank: ticked and asked, as a blank
    gateway keeps its details asked), "none" when nothing was; the yes/no gateways a checklist replaces are then
    not asked. `blank_is_no`: a detail left blank counts as not seen too (a phone form that records only what
    the owner reported: asked the screening question, that owner would have said no)."""
    out = {k: v for k, v in answers.items() if k not in catalogue.screening_ids}
    states: dict[str, Any] = {}
    for c in catalogue.checklists:
        ticked = [a for a in c.areas if _area_state(catalogue, a.details, answers, blank_is_no) != "no"]
        out[c.id] = [a.value for a in ticked] or ["none"]
        states[c.replaces] = bool(ticked)
        for a in c.areas:
            if a not in ticked:
                for d in a.details:
                    out.pop(d, None)
    replaced = set(states)
    for g in catalogue.gateways:
        if g.id in catalogue.gateway_of or g.id in replaced:
            continue  # decided with its outer gateway, or replaced by a checklist
        states[g.id] = _state(catalogue, g.id, answers, states, blank_is_no)
    for gid, state in states.items():
        if state is None or gid in replaced:
            continue
        out[gid] = state
        if state is False:
            for d in catalogue.gateway_leaves(gid):
                out.pop(d, None)
    for f in catalogue.follow_ups:
        if all(states.get(g) is False for g in f.after) and out.get(f.item) in (None, not_seen(catalogue, f.item)):
            out.pop(f.item, None)
    return out


def implied_gateways(catalogue: Any, answers: Mapping[str, Any]) -> list[str]:
    """The gateways with no answer behind which some detail is answered (outer ones first). A gateway that a
    checklist replaces is not asked once the checklist is answered: never implied then."""
    out: list[str] = []
    answered = {c.replaces for c in catalogue.checklists if answers.get(c.id) is not None}
    for g in catalogue.gateways:
        top = g.id
        while top in catalogue.gateway_of:
            top = catalogue.gateway_of[top]
        if top in answered:
            continue
        if answers.get(g.id) is None and any(answers.get(d) is not None for d in catalogue.gateway_leaves(g.id)
                                             if d not in catalogue.gateway_by_id):
            out.append(g.id)
    return out


def as_read(catalogue: Any, values: Mapping[str, Any], hidden: Any) -> tuple[Mapping[str, Any], Any, dict[str, Any]]:
    """The answers as the engine reads them: (values, hidden, filled), with the "not seen" answers a screening
    question's no stands for (`screened_answers`, `filled`) added to the values and no longer hidden. The
    engine's assessment and the report's red-flag check (record_changes) both read answers this way."""
    filled = screened_answers(catalogue, values, hidden)
    if not filled:
        return values, hidden, filled
    return {**values, **filled}, hidden - filled.keys(), filled


def screened_answers(catalogue: Any, values: Mapping[str, Any], hidden: Any) -> dict[str, Any]:
    """The "not seen" answers a gateway's no stands for: each detail behind a gateway answered no, hidden by it,
    with a not-seen answer (a typed detail stays hidden). The engine reads them as known answers, so that a rule
    asking for a healthy answer ("labs normal", "appetite as before") reads the no as that answer."""
    out: dict[str, Any] = {}
    for g in catalogue.gateways:
        if values.get(g.id) is not False:
            continue
        for d in catalogue.gateway_leaves(g.id):
            if d in out or d in catalogue.gateway_by_id or d not in hidden:
                continue
            if _own_condition(catalogue, d) is not None:
                continue  # a follow-up inside the block: its own precondition decides
            v = not_seen(catalogue, d)
            if v is not None:
                out[d] = v
    for c in catalogue.checklists:  # an area left unticked stands for "not seen" as a gateway's no does
        ticked = values.get(c.id)
        if ticked.__class__ is not list:
            continue
        for a in c.areas:
            if a.value in ticked:
                continue
            for d in a.details:
                if d in out or d not in hidden or _own_condition(catalogue, d) is not None:
                    continue
                v = not_seen(catalogue, d)
                if v is not None:
                    out[d] = v
    return out


def _own_condition(catalogue: Any, item_id: str) -> Any:
    from vettriage.content.gateways import split_condition

    return split_condition(catalogue.screening_ids, catalogue.items[item_id].enable_when)[1]


def intake_length(catalogue: Any, answers: Mapping[str, Any]) -> tuple[int, int]:
    """(questions, screens) asked for `answers`: every question branching shows counts once (a checklist is one
    question, each sign of a grouped emergency screen one); a grouped screen counts once among the screens.
    What bench/intake_length.py prints and tests/unit/test_intake_length.py holds to the targets."""
    from vettriage.engine.answers import visible_items

    shown = visible_items(catalogue, answers)
    screens = 0
    last = None
    for i in shown:
        sc = catalogue.screen_of.get(i)
        key = sc.id if sc is not None and len(sc.items) > 1 else i
        if key != last:
            screens += 1
        last = key
    return len(shown), screens

