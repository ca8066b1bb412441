"""Screening gateways and grouped emergency screens: read from `gateways.yaml` and `screens.yaml` and woven into
the sections at load (issue 27).

Both live in files of their own, naming item ids, so that the sections stay as they are and a new item only
needs adding to a gateway or a screen. A gateway becomes a yes/no item asked just before the first of its
details; each detail's `enable_when` gains "the gateway is not answered no" (a blank or "don't know" gateway
keeps the details asked, exactly as before gateways existed, so older answers files and stored intakes read
the same). Screens fix the order of the emergency section and say which of its questions share a screen.
Imported only when YAML is read (a cached catalogue already holds the result).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from vettriage.content import models as m
from vettriage.errors import InputError

if TYPE_CHECKING:
    from vettriage.content.yamlfile import YamlDoc

RED_FLAG_SECTION = "redflags"
"""The emergency section: never behind a gateway, and the one section the screens group."""


def open_condition(gateway_id: str) -> m.Condition:
    """True when the gateway is blank, "don't know" or yes; false only on "no" (always decided)."""
    return m.AnyOf(any=[m.ItemTest(item=gateway_id, known=False), m.ItemTest(item=gateway_id, eq=True)])


def split_condition(gateway_ids: Any, cond: m.Condition | None) -> tuple[list[str], m.Condition | None]:
    """A detail's precondition taken apart: the gateways it is behind (outermost first) and its own condition
    from its section file (None when it has none). For the answers form and any front end that shows blocks."""
    if cond is None:
        return [], None
    whole = _gate_id(gateway_ids, cond)
    if whole is not None:
        return [whole], None
    parts = cond.all if isinstance(cond, m.AllOf) else [cond]
    gates: list[str] = []
    for n, part in enumerate(parts):
        gid = _gate_id(gateway_ids, part)
        if gid is None:
            rest = parts[n:]
            return gates, (rest[0] if len(rest) == 1 else m.AllOf(all=list(rest))) if gates else cond
        gates.append(gid)
    return gates, None


def _gate_id(gateway_ids: Any, cond: m.Condition) -> str | None:
    """The screening question a precondition part tests (a gateway open, a checklist area ticked, a checklist
    left blank), or None for an item's own condition. `gateway_ids` holds the gateway and checklist ids."""
    if isinstance(cond, m.AnyOf) and len(cond.any) == 2 and all(isinstance(t, m.ItemTest) for t in cond.any):
        a, b = cond.any
        if a.item == b.item and a.item in gateway_ids and a.known is False and (
                b.eq is True or b.contains is not None or b.contains_any is not None):
            return a.item
    if isinstance(cond, m.AllOf) and len(cond.all) == 2 and all(isinstance(t, m.ItemTest) for t in cond.all):
        a, b = cond.all
        if a.item == b.item and a.item in gateway_ids and a.known is False and b.unknown is False:
            return a.item
    return None


def blank_condition(checklist_id: str) -> m.Condition:
    """True while the checklist has no answer at all (not even "don't know"): the yes/no gateways it replaces
    are asked only then, so that answers made before it read as they did."""
    return m.AllOf(all=[m.ItemTest(item=checklist_id, known=False), m.ItemTest(item=checklist_id, unknown=False)])


def area_condition(checklist_id: str, value: str) -> m.Condition:
    """True when the checklist is blank or "don't know" (every area asked, as before it) or ticks `value`."""
    return m.AnyOf(any=[m.ItemTest(item=checklist_id, known=False), m.ItemTest(item=checklist_id, contains=value)])


def checklist_open(c: m.Checklist) -> m.Condition:
    """True unless the checklist was answered "none of these" (a follow-up's test)."""
    return m.AnyOf(any=[m.ItemTest(item=c.id, known=False),
                        m.ItemTest(item=c.id, contains_any=[a.value for a in c.areas])])


def _both(a: m.Condition | None, b: m.Condition | None) -> m.Condition | None:
    if a is None or b is None:
        return a or b
    return m.AllOf(all=[a, b])


def apply_gateways(sections: list[tuple[YamlDoc, m.Section]], doc: YamlDoc, gateways: list[m.Gateway],
                   follow_ups: list[m.FollowUp] = (),  # type: ignore[assignment]
                   checklists: list[m.Checklist] = ()) -> list[tuple[YamlDoc, m.Section]]:  # type: ignore[assignment]
    """The sections with each gateway inserted before its first detail and each detail gated by it; a checklist
    comes just before the gateway it replaces, and each detail is gated by its area too. Raises InputError
    naming gateways.yaml, the gateway and the line on any inconsistency."""
    path = str(doc.path)
    items = {i.id: (n, i) for n, (_, s) in enumerate(sections) for i in s.items}
    by_id: dict[str, tuple[int, m.Gateway]] = {}
    parent: dict[str, str] = {}

    def fail(k: int, g: m.Gateway, message: str, sub: list[Any] | None = None) -> None:
        raise InputError(path, f"gateways[{g.id}]", message, doc.line(["gateways", k] + (sub or [])))

    for k, g in enumerate(gateways):
        if g.id in by_id or g.id in items:
            fail(k, g, f"id '{g.id}' is already used (ids are unique across items and gateways)", ["id"])
        by_id[g.id] = (k, g)
    for k, g in enumerate(gateways):
        for j, d in enumerate(g.details):
            if d not in items and d not in by_id:
                fail(k, g, f"detail '{d}' is not an item or a gateway", ["details", j])
            if d in parent:
                fail(k, g, f"detail '{d}' is already behind gateway '{parent[d]}'", ["details", j])
            parent[d] = g.id
    # every gateway's leaves, in asking order; a gateway holds items of one section, never an emergency one
    order = {i: n for n, i in enumerate(items)}

    def leaves(gid: str, path_: tuple[str, ...] = ()) -> list[str]:
        if gid in path_:
            k, g = by_id[gid]
            fail(k, g, f"gateways contain each other: {' > '.join(path_ + (gid,))}")
        out: list[str] = []
        for d in by_id[gid][1].details:
            out += leaves(d, path_ + (gid,)) if d in by_id else [d]
        return out

    first_leaf: dict[str, str] = {}
    section_of: dict[str, int] = {}
    for k, g in enumerate(gateways):
        ids = leaves(g.id)
        secs = {items[i][0] for i in ids}
        if len(secs) != 1:
            fail(k, g, "a gateway's details all belong to one section", ["details"])
        sec = secs.pop()
        if sections[sec][1].id == RED_FLAG_SECTION:
            fail(k, g, "emergency questions are never behind a gateway", ["details"])
        section_of[g.id] = sec
        first_leaf[g.id] = min(ids, key=order.__getitem__)
        choice_ids = {i for i in g.details if i in items and items[i][1].type == "choice"}
        named = [ns.item for ns in g.not_seen]
        for j, ns in enumerate(g.not_seen):
            item = items.get(ns.item, (0, None))[1]
            if ns.item not in choice_ids or named.count(ns.item) > 1:
                fail(k, g, f"not_seen names '{ns.item}', which is not a choice detail of this gateway (or twice)",
                     ["not_seen", j])
            if ns.value not in {o.value for o in item.options or ()}:  # type: ignore[union-attr]
                fail(k, g, f"not_seen: '{ns.value}' is not an option of '{ns.item}'", ["not_seen", j])
        for d in sorted(choice_ids - set(named)):
            fail(k, g, f"choice detail '{d}' needs a not_seen option (what the gateway's no stands for)",
                 ["not_seen"])
        for j, d in enumerate(g.details):
            if d in items and items[d][1].required:
                fail(k, g, f"detail '{d}' is required and cannot be behind a gateway", ["details", j])

    replaced: dict[str, m.Checklist] = {}
    area_of: dict[str, tuple[str, str]] = {}
    for k, c in enumerate(checklists):
        def cfail(message: str, sub: list[Any] | None = None, k: int = k, c: m.Checklist = c) -> None:
            raise InputError(path, f"checklists[{c.id}]", message, doc.line(["checklists", k] + (sub or [])))

        if c.id in items or c.id in by_id or any(o.id == c.id for o in replaced.values()):
            cfail(f"id '{c.id}' is already used (ids are unique across items, gateways and checklists)", ["id"])
        if c.replaces not in by_id or c.replaces in parent or c.replaces in replaced:
            cfail(f"replaces '{c.replaces}', which is not an outermost gateway (or is replaced twice)", ["replaces"])
        values = [a.value for a in c.areas]
        if "none" in values or len(set(values)) != len(values):
            cfail("area values are unique and never 'none' (the checklist's own answer for no change)", ["areas"])
        want = leaves(c.replaces)
        got: list[str] = []
        for j, a in enumerate(c.areas):
            for n, d in enumerate(a.details):
                if d not in want or d in got:
                    cfail(f"detail '{d}' is not behind '{c.replaces}', or is in two areas", ["areas", j, "details", n])
                got.append(d)
                area_of[d] = (c.id, a.value)
        missing = [d for d in want if d not in got]
        if missing:
            cfail(f"every question behind '{c.replaces}' belongs to one area; in none: {', '.join(missing)}",
                  ["areas"])
        if len(c.label) > m.LABEL_MAX:
            cfail(f"label is longer than {m.LABEL_MAX} characters", ["label"])
        replaced[c.replaces] = c

    def root(gid: str) -> str:
        while gid in parent:
            gid = parent[gid]
        return gid

    def opens(gid: str) -> list[m.Condition]:
        """The gateway's own test, after those of every gateway around it (outermost first)."""
        up = parent.get(gid)
        return ([] if up is None else opens(up)) + [open_condition(gid)]

    def gate_of(gid: str) -> m.Condition:
        """Open when every gateway around `gid`'s block is open."""
        tests = opens(gid)
        return tests[0] if len(tests) == 1 else m.AllOf(all=tests)

    extra: dict[str, m.Condition] = {}
    for k, f in enumerate(follow_ups):
        where, line = f"follow_ups[{f.item}]", doc.line(["follow_ups", k])
        item = items.get(f.item, (0, None))[1]
        if item is None or f.item in parent or f.item in extra:
            raise InputError(path, where, f"'{f.item}' is not an item, or is already behind a gateway", line)
        if sections[items[f.item][0]][1].id == RED_FLAG_SECTION:
            raise InputError(path, where, "emergency questions are never behind a gateway", line)
        for g in f.after:
            if g not in by_id:
                raise InputError(path, where, f"'{g}' is not a gateway", line)
        if (item.type != "choice" and f.not_seen is not None) or (
                f.not_seen is not None and f.not_seen not in {o.value for o in item.options or ()}):
            raise InputError(path, where, "only a choice item names the option its hiding stands for (not_seen), "
                             "and it is one of its options", line)
        extra[f.item] = m.AnyOf(any=[_both(gate_of(g), checklist_open(replaced[root(g)]) if root(g) in replaced
                                           else None) for g in f.after])  # type: ignore[misc]

    # Each outermost gateway's block is asked together where its first detail stood: the gateway, then its
    # details in the order `details` lists them (an inner gateway with its own block). A detail whose own
    # condition names a later question fails the cross-check, naming it.
    def gated(item: m.Item) -> m.Item:
        if item.id in parent:
            tests = opens(parent[item.id])
            if item.id in area_of:  # behind a checklist too: asked only when its area is ticked
                tests.append(area_condition(*area_of[item.id]))
            tests += [item.enable_when] if item.enable_when is not None else []
            return replace(item, enable_when=tests[0] if len(tests) == 1 else m.AllOf(all=tests))
        if item.id in extra:
            return replace(item, enable_when=_both(extra[item.id], item.enable_when))
        return item

    def block(gid: str) -> list[m.Item]:
        g = by_id[gid][1]
        up = parent.get(gid)
        c = replaced.get(root(gid))
        # under a checklist, the yes/no gateways are asked only while it is left blank
        when = _both(blank_condition(c.id) if c else None, gate_of(up) if up else None)
        out_ = [m.Item(id=g.id, type="yesno", text=g.text, help=g.help, source=g.source,
                       enable_when=when, history=g.history)]
        if gid in replaced:
            out_.insert(0, m.Item(id=c.id, type="multi", text=c.text, help=c.help, label=c.label,  # type: ignore[union-attr]
                                  source=c.source, options=[m.Option(value=a.value, label=a.label) for a in c.areas]  # type: ignore[union-attr]
                                  + [m.Option(value="none", label=c.none_label)]))  # type: ignore[union-attr]
        for d in g.details:
            out_ += block(d) if d in by_id else [gated(items[d][1])]
        return out_

    starts = {first_leaf[g]: g for g in by_id if g not in parent}
    out: list[tuple[YamlDoc, m.Section]] = []
    for sdoc, section in sections:
        new_items: list[m.Item] = []
        for item in section.items:
            if item.id in starts:
                new_items += block(starts[item.id])
            elif item.id not in parent:
                new_items.append(gated(item))
        changed = len(new_items) != len(section.items) or any(a is not b for a, b in zip(new_items, section.items))
        out.append((sdoc, replace(section, items=new_items) if changed else section))
    return out


def _depth(gid: str, parent: dict[str, str]) -> int:
    n = 0
    while gid in parent:
        gid, n = parent[gid], n + 1
    return n


def apply_screens(sections: list[tuple[YamlDoc, m.Section]], doc: YamlDoc,
                  screens: list[m.Screen]) -> list[tuple[YamlDoc, m.Section]]:
    """The sections with the emergency section's items in the screens' order. Every emergency item belongs to
    exactly one screen (a red flag added to the section and to no screen fails here, naming it); a screen of
    several items holds yes/no items only."""
    path = str(doc.path)
    at = next((n for n, (_, s) in enumerate(sections) if s.id == RED_FLAG_SECTION), None)
    if at is None:
        raise InputError(path, "screens", f"there is no '{RED_FLAG_SECTION}' section to group")
    section = sections[at][1]
    items = {i.id: i for i in section.items}
    if len(items) != len(section.items):
        return sections  # an id used twice: the cross-check names it
    seen: dict[str, str] = {}
    ids: set[str] = set()
    for k, sc in enumerate(screens):
        where = f"screens[{sc.id}]"
        if sc.id in ids:
            raise InputError(path, where, f"screen id '{sc.id}' is used twice", doc.line(["screens", k, "id"]))
        ids.add(sc.id)
        for j, i in enumerate(sc.items):
            line = doc.line(["screens", k, "items", j])
            if i not in items:
                raise InputError(path, where, f"'{i}' is not an item of the {RED_FLAG_SECTION} section", line)
            if i in seen:
                raise InputError(path, where, f"'{i}' is already on screen '{seen[i]}'", line)
            if len(sc.items) > 1 and items[i].type != "yesno":
                raise InputError(path, where, f"'{i}' is a {items[i].type} question: only yes/no questions "
                                 "share a screen (give it a screen of its own)", line)
            seen[i] = sc.id
    missing = [i for i in items if i not in seen]
    if missing:
        raise InputError(path, "screens", f"every emergency question belongs to exactly one screen; not on any: "
                         f"{', '.join(missing)}", doc.line(["screens"]))
    ordered = [items[i] for sc in screens for i in sc.items]
    out = list(sections)
    out[at] = (sections[at][0], replace(section, items=ordered))
    return out
