"""Checks across files: every id a file names exists, every condition fits the item it tests, every source resolves.

A check that fails raises InputError with the file, the id of the item, score, rule or option, and the line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vettriage.content import models as m
from vettriage.errors import InputError

if TYPE_CHECKING:
    from vettriage.content.catalogue import Catalogue
    from vettriage.content.yamlfile import YamlDoc


class _Where:
    """Builds errors that point at one entry of one file."""

    def __init__(self, doc: "YamlDoc", loc: list[Any], field: str) -> None:
        self.doc, self.loc, self.field = doc, loc, field

    def fail(self, message: str, sub: list[Any] | None = None) -> None:
        raise InputError(str(self.doc.path), self.field, message, self.doc.line(self.loc + (sub or [])))


def _positions(docs: list["YamlDoc"]) -> list[int]:
    """For entries listed file after file, each entry's index within its own file."""
    out: list[int] = []
    for i, doc in enumerate(docs):
        out.append(0 if i == 0 or docs[i - 1] is not doc else out[-1] + 1)
    return out


def check_references(refs: list[tuple["YamlDoc", m.Reference]]) -> None:
    """Reference ids are unique across every references file."""
    seen: set[str] = set()
    for (doc, ref), at in zip(refs, _positions([d for d, _ in refs])):
        if ref.id in seen:
            _Where(doc, ["references", at], f"references[{ref.id}]").fail(
                f"reference id '{ref.id}' is used twice", ["id"])
        seen.add(ref.id)


def check_retired(cat: "Catalogue", doc: "YamlDoc") -> None:
    """Retired items name known versions, scales that exist, and sources that resolve."""
    versions = [e.version for e in cat.changelog]
    for k, rs in enumerate(cat.retired):
        if rs.version not in versions[1:]:
            _Where(doc, ["retired", k], f"retired[{k}]").fail(
                f"version '{rs.version}' is not an earlier version in the catalogue's changelog", ["version"])
        own = {s.id for s in rs.scales}
        for j, sc in enumerate(rs.scales):
            if sc.id in cat.scales:
                _Where(doc, ["retired", k, "scales", j], f"scales[{sc.id}]").fail(
                    f"scale '{sc.id}' is still a current scale", ["id"])
        for j, item in enumerate(rs.items):
            where = _Where(doc, ["retired", k, "items", j], f"items[{item.id}]")
            if item.type == "scale" and item.scale not in cat.scales and item.scale not in own:
                where.fail(f"unknown scale '{item.scale}'", ["scale"])
            if item.source not in cat.references:
                where.fail(f"source '{item.source}' is not a known reference", ["source"])


def crosscheck(cat: "Catalogue", docs: dict[str, "YamlDoc"], section_docs: list["YamlDoc"],
               rule_docs: list["YamlDoc"], score_docs: list["YamlDoc"],
               kind_docs: list["YamlDoc"] | None = None) -> None:
    """Raise InputError on the first broken cross-reference. `section_docs`, `rule_docs` and `score_docs` are
    the files each section, rule and score came from (a pack's entries point into the pack's own files)."""
    from vettriage.content.catalogue import walk_conditions

    def need_source(where: _Where, source: str) -> None:
        if source not in cat.references:
            where.fail(f"source '{source}' is not a known reference (references files)", ["source"])

    def check_condition(where: _Where, cond: m.Condition | None, seen_items: set[str] | None,
                        seen_scores: set[str] | None, key: str) -> None:
        for node in walk_conditions(cond):
            if isinstance(node, m.ItemTest):
                item = cat.items.get(node.item)
                if item is None:
                    where.fail(f"condition names unknown item '{node.item}'", [key])
                if seen_items is not None and node.item not in seen_items:
                    where.fail(f"condition names item '{node.item}', which is not asked before this one", [key])
                problem = _operator_problem(cat, item, node)
                if problem:
                    where.fail(f"condition on '{node.item}': {problem}", [key])
            elif isinstance(node, m.ScoreTest):
                if node.score not in cat.score_by_id:
                    where.fail(f"condition names unknown score '{node.score}'", [key])
                if seen_scores is not None:
                    where.fail("branching cannot depend on a score", [key])
            elif isinstance(node, (m.RedFlagTest, m.FindingTest)) and seen_items is not None:
                # branching is decided while the questions are asked, before any rule has run: the question
                # would never be asked
                what = "red flag" if isinstance(node, m.RedFlagTest) else "finding"
                where.fail(f"branching cannot depend on a {what} (rules run after the questions: this one "
                           "would never be asked)", [key])
            elif isinstance(node, m.RedFlagTest):
                if node.red_flag != "any" and node.red_flag not in cat.red_flags:
                    where.fail(f"condition names unknown red flag '{node.red_flag}'", [key])

    # flags.yaml holds exactly the public ids
    for key, expected in (("red_flags", m.RED_FLAG_IDS), ("ketamine_cautions", m.KETAMINE_CAUTION_IDS),
                          ("medication_flags", m.MEDICATION_FLAG_IDS)):
        got = list(getattr(cat, key))
        if sorted(got) != sorted(expected) or len(got) != len(set(got)):
            missing = sorted(set(expected) - set(got))
            extra = sorted(set(got) - set(expected))
            _Where(docs["flags"], [key], key).fail(f"must define exactly the public ids (missing {missing}, unknown {extra})")
    for key in ("red_flags", "ketamine_cautions", "medication_flags", "workup"):
        for i, f in enumerate(getattr(cat, key).values()):
            need_source(_Where(docs["flags"], [key, i], f"{key}[{f.id}]"), f.source)
    _check_medicines(cat, docs, need_source)

    # items
    seen: set[str] = set()
    for section, doc in zip(cat.sections, section_docs):
        for i, item in enumerate(section.items):
            where = _Where(doc, ["section", "items", i], f"items[{item.id}]")
            if item.id in seen:
                where.fail(f"item id '{item.id}' is used twice in the catalogue", ["id"])
            if item.type == "scale" and item.scale not in cat.scales:
                where.fail(f"unknown scale '{item.scale}'", ["scale"])
            if item.type != "scale" and item.scale:
                where.fail("only scale items name a scale", ["scale"])
            if item.not_above is not None:
                other = cat.items.get(item.not_above)
                if item.type not in ("number", "months") or other is None or other.type not in ("number", "months"):
                    where.fail(f"not_above names '{item.not_above}': both must be number or months items", ["not_above"])
            if item.min is not None and item.max is not None and item.min > item.max:
                where.fail(f"min {item.min:g} is above max {item.max:g}: no answer could be valid", ["min"])
            need_source(where, item.source)
            check_condition(where, item.enable_when, seen, set(), "enable_when")
            seen.add(item.id)

    # scores
    known = set(cat.items)
    for score, doc, at in zip(cat.scores, score_docs, _positions(score_docs)):
        where = _Where(doc, ["scores", at], f"scores[{score.id}]")
        if score.id in known:
            where.fail(f"score id '{score.id}' is already used", ["id"])
        for ref in score.of:
            if ref not in known:
                where.fail(f"'{ref}' is not an item or an earlier score", ["of"])
            item = cat.items.get(ref)
            if item is not None and item.type not in ("scale", "number", "months"):
                where.fail(f"'{ref}' is a {item.type} item and cannot be scored", ["of"])
            if score.method == "percent_drop" and (item is None or item.type not in ("number", "months")):
                where.fail(f"percent_drop reads two number items; '{ref}' is not one", ["of"])
        need_source(where, score.source)
        known.add(score.id)

    # history items (pre-filled at a follow-up) are never a sign: not scored, not an emergency question
    scored = {ref for score in cat.scores for ref in score.of}
    for section, doc in zip(cat.sections, section_docs):
        for i, item in enumerate(section.items):
            if item.history and (item.id in scored or section.id == "redflags"):
                what = "feeds a score" if item.id in scored else "is a red-flag question"
                _Where(doc, ["section", "items", i], f"items[{item.id}]").fail(
                    f"history item {what}: a sign or rating is never pre-filled from the last visit", ["history"])

    # rules: ids unique, effects name real ids, finding tests only after every rule that sets that finding
    setters: dict[str, int] = {}
    for i, rule in enumerate(cat.rules):
        for c in (rule.then.finding, rule.then.cap, m.implied_finding(rule.then)):
            if c:
                setters[c] = i
    rule_ids: set[str] = set()
    index_in_file = _positions(rule_docs)
    for i, rule in enumerate(cat.rules):
        where = _Where(rule_docs[i], ["rules", index_in_file[i]], f"rules[{rule.id}]")
        if rule.id in rule_ids:
            where.fail(f"rule id '{rule.id}' is used twice", ["id"])
        rule_ids.add(rule.id)
        check_condition(where, rule.when, None, None, "when")
        for node in walk_conditions(rule.when):
            if isinstance(node, m.FindingTest) and setters.get(node.finding, -1) >= i:
                later = cat.rules[setters[node.finding]].id
                where.fail(f"tests finding '{node.finding}' before rule '{later}' has set it; move this rule after it", ["when"])
        eff = rule.then
        for value, table, name in ((eff.red_flag, cat.red_flags, "red flag"),
                                   (eff.ketamine_caution, cat.ketamine_cautions, "ketamine caution"),
                                   (eff.medication_flag, cat.medication_flags, "medication flag")):
            if value is not None and value not in table:
                where.fail(f"unknown {name} '{value}'", ["then"])
        if eff.pain_kind is not None and eff.pain_kind not in cat.pain_kinds:
            where.fail(f"unknown pain kind '{eff.pain_kind}' (define it under pain_kinds in a rules file)", ["then"])
        for w in eff.workup:
            if w not in cat.workup:
                where.fail(f"unknown work-up step '{w}'", ["then", "workup"])
        for item in eff.explains:
            if item not in cat.items:
                where.fail(f"explains unknown item '{item}'", ["then", "explains"])
        need_source(where, rule.source)
    for rf in cat.red_flags:
        if not any(r.then.red_flag == rf for r in cat.rules):
            _Where(docs["flags"], ["red_flags"], f"red_flags[{rf}]").fail(f"no rule raises red flag '{rf}'")

    # pain kinds: exactly the public ids, each sourced and raised by a rule
    if cat.pain_kinds or kind_docs:
        got = sorted(cat.pain_kinds)
        if got != sorted(m.PAIN_KIND_IDS):
            doc = (kind_docs or rule_docs)[0]
            _Where(doc, ["pain_kinds"], "pain_kinds").fail(
                f"must define exactly the public pain kind ids (missing {sorted(set(m.PAIN_KIND_IDS) - set(got))}, "
                f"unknown {sorted(set(got) - set(m.PAIN_KIND_IDS))})")
        for (kid, kind), doc, at in zip(cat.pain_kinds.items(), kind_docs or [], _positions(kind_docs or [])):
            where = _Where(doc, ["pain_kinds", at], f"pain_kinds[{kid}]")
            need_source(where, kind.source)
            if not any(r.then.pain_kind == kid for r in cat.rules):
                where.fail(f"no rule raises pain kind '{kid}'")

    # situations (options.yaml): what they test exists
    for i, sit in enumerate(cat.situations.values()):
        where = _Where(docs["options"], ["situations", i], f"situations[{sit.id}]")
        check_condition(where, sit.when, None, None, "when")
        for k in sit.pain_kinds:
            if k not in cat.pain_kinds:
                where.fail(f"unknown pain kind '{k}'", ["pain_kinds"])
        for f in sit.flags:
            if f not in cat.ketamine_cautions and f not in cat.medication_flags:
                where.fail(f"'{f}' is neither a ketamine caution nor a medication flag", ["flags"])
        rule_ids = {r.id for r in cat.rules}
        for r in sit.capped_except:
            if r not in rule_ids:
                where.fail(f"capped_except names unknown rule '{r}'", ["capped_except"])
        need_source(where, sit.source)

    # care options
    ids: set[str] = set()
    for i, opt in enumerate(cat.options):
        where = _Where(docs["options"], ["options", i], f"options[{opt.id}]")
        if opt.id in ids:
            where.fail(f"option id '{opt.id}' is used twice", ["id"])
        ids.add(opt.id)
        for c in opt.cautions:
            if c not in cat.ketamine_cautions and c not in cat.medication_flags:
                where.fail(f"caution '{c}' is neither a ketamine caution nor a medication flag", ["cautions"])
        check_condition(where, opt.offer_when, None, None, "offer_when")
        check_condition(where, opt.caution_when, None, None, "caution_when")
        for reason in opt.not_offered:
            check_condition(where, reason.when, None, None, "not_offered")
            if reason.situation is not None and reason.situation not in cat.situations:
                where.fail(f"not_offered names unknown situation '{reason.situation}'", ["not_offered"])
        check_condition(where, opt.about_when, None, None, "about_when")
        for k in opt.fits:
            if k not in cat.pain_kinds:
                where.fail(f"fits names unknown pain kind '{k}'", ["fits"])
        for key in ("for_situations", "never_with", "warn_with"):
            for x in getattr(opt, key):
                if x not in cat.situations:
                    where.fail(f"{key} names unknown situation '{x}'", [key])
        for j, d in enumerate(opt.demote):
            for x in d.situations:
                if x not in cat.situations:
                    where.fail(f"demote names unknown situation '{x}'", ["demote", j])
            ket_order = next((o.order for o in cat.options if o.id == "ketamine"), None)
            if opt.id != "ketamine" and ket_order is not None and d.order >= ket_order:
                where.fail("demote cannot move an option to or past ketamine, which stays last", ["demote", j])
        if "mg/kg" in (opt.handout + (opt.stop_signs.owner if opt.stop_signs else "")).lower():
            where.fail("never a dose: no mg/kg in an owner's text", ["handout"])
        need_source(where, opt.source)
    if cat.options:
        last = max(cat.options, key=lambda o: o.order)
        ket = [o for o in cat.options if o.id == "ketamine"]
        if not ket or last.id != "ketamine" or sum(o.order == last.order for o in cat.options) > 1:
            _Where(docs["options"], ["options"], "options").fail("the option 'ketamine' must exist and come last (highest order)")


def _check_medicines(cat: "Catalogue", docs: dict[str, Any], need_source: Any) -> None:
    """Medicine classes name `med_current` options, each in one class; every flag's instructions name a class
    and never tell the owner to hold a medicine whose sudden stop can harm (vettriage.medicines)."""
    if not cat.medicine_classes and not cat.medicine_instructions:
        return
    meds = cat.items.get("med_current")
    options = {o.value for o in (meds.options or ())} if meds else set()
    owner: dict[str, str] = {}
    for i, mc in enumerate(cat.medicine_classes.values()):
        where = _Where(docs["flags"], ["medicine_classes", i], f"medicine_classes[{mc.id}]")
        need_source(where, mc.source)
        for med in mc.medicines:
            if med not in options:
                where.fail(f"'{med}' is not an option of med_current", ["medicines"])
            if med in owner:
                where.fail(f"'{med}' is already in class '{owner[med]}'", ["medicines"])
            owner[med] = mc.id
    missing = [a for a in m.MEDICINE_ACTIONS if a not in cat.medicine_instructions]
    if missing:
        _Where(docs["flags"], ["medicine_instructions"], "medicine_instructions").fail(
            f"the wording of every instruction is needed (missing {missing})")
    for key in ("red_flags", "medication_flags"):
        for i, f in enumerate(getattr(cat, key).values()):
            for cls, action in f.medicines.items():
                where = _Where(docs["flags"], [key, i], f"{key}[{f.id}]")
                mc = cat.medicine_classes.get(cls)
                if mc is None:
                    where.fail(f"unknown medicine class '{cls}'", ["medicines"])
                elif action == "hold" and mc.abrupt_stop_harm:
                    where.fail(f"tells the owner to hold '{cls}', which must never be stopped suddenly: "
                               "use call_today", ["medicines"])
    for i, f in enumerate(cat.red_flags.values()):
        need_source(_Where(docs["flags"], ["red_flags", i], f"red_flags[{f.id}]"), f.act_source)


def _operator_problem(cat: "Catalogue", item: m.Item | None, test: m.ItemTest) -> str | None:
    """Why `test` cannot apply to `item`, or None."""
    if item is None:
        return None
    op, val = test.operator, test.operand
    numeric = item.type in ("scale", "number", "months")
    if op in ("gte", "lte", "gt", "lt") and not numeric:
        return f"'{op}' needs a scale, number or months item, not {item.type}"
    if op in ("contains", "contains_any") and item.type != "multi":
        return f"'{op}' needs a multi-choice item"
    allowed: set[Any] | None = None
    if item.type in ("choice", "multi"):
        allowed = {o.value for o in item.options or ()}
    elif item.type == "yesno":
        allowed = {True, False}
    elif item.type == "scale":
        allowed = set(cat.scales[item.scale].values) if item.scale in cat.scales else None
    values: list[Any] = []
    if op in ("eq", "ne"):
        values = [val]
    elif op in ("in", "contains_any"):
        values = list(val)
    elif op == "contains":
        values = [val]
    if allowed is not None:
        bad = [v for v in values if v not in allowed or (isinstance(v, bool) and item.type == "scale")]
        if bad:
            return f"value {bad[0]!r} is not one of its options {sorted(map(str, allowed))}"
    return None
