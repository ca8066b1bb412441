"""The parts of the vet's page 1 (issue 26) as plain data: the patient line, short `label: answer` phrases, the
bite / handling alert, medicines with this dog's flags beside each, the work-up in its two groups with why, and
the answered signs no other block shows. Also the document-level care options: no routine-wellness option (an
all-clear) when no category could be assessed; the first option is then to complete the screen.

Pure, like vettriage.render.context: content, an Assessment, the answers and the plan in; dicts and lists out.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any, Iterable, Mapping

from vettriage.content.models import UNKNOWN, ItemTest

SIGN_SECTIONS = ("redflags", "cognitive", "pain", "medical")
"""The sections whose answers are signs: every non-normal answer to them appears somewhere in the vet summary."""
NORMAL_CHOICES = frozenset({"none", "normal", "stable", "no_change", "pink", "not_tried"})
"""Choice values that report nothing abnormal (content wording shared across items: "none", "normal"...)."""
LABELS_SHOWN = 8
WHY_SHOWN = 2
"""Reasons printed per work-up step on page 1 (the rules behind each are on page 2)."""
PAGE1_TYPES = frozenset({"scale", "yesno", "choice", "multi"})
"""Answer types page 1 lists among "other answered signs"; counts, durations and dates are listed on page 2."""
"""Key positives per finding on page 1, as short labels; the count of the rest follows."""
CONCERN_CHARS = 320
"""The owner's own words on page 1 are cut here (the whole text is on a later page)."""
HANDLING_OPTION = "safety_handling"
"""The care option whose offer condition says when a dog has growled, snapped or bitten: page 1's alert reuses it
(one condition, in options.yaml), and still shows it in an emergency, when no option is offered."""
MEDICINES_ITEM, MEDICINES_OTHER = "med_current", "med_current_other"
_LEADING_POINT = re.compile(r"^\d+\s+")


def is_normal(catalogue: Any, item_id: str, value: Any) -> bool:
    """An answer that reports nothing: blank, "don't know", 0 (the bottom of a scale), no, none, normal."""
    if value is None or value == UNKNOWN or value is False or value == [] or value == "":
        return True
    item = catalogue.items.get(item_id)
    if item is not None and item.type == "scale" and item.scale in catalogue.scales:
        return value == min(catalogue.scales[item.scale].values)
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value == 0
    if isinstance(value, list):
        return all(v in NORMAL_CHOICES for v in value)
    return isinstance(value, str) and value in NORMAL_CHOICES


def label_of(catalogue: Any, item_id: str) -> str:
    """An item's short label; its technician question when it has none (a content pack's item)."""
    item = catalogue.items.get(item_id)
    if item is None:
        return item_id
    return item.label or item.text.tech.rstrip("?. ")


def short_answer(catalogue: Any, item_id: str, value: Any) -> str:
    """An answer in the technician's words without a scale's leading number ("3 daily" -> "daily")."""
    from vettriage.render.context import format_answer

    text = format_answer(catalogue, item_id, value, "tech")
    item = catalogue.items.get(item_id)
    return _LEADING_POINT.sub("", text) if item is not None and item.type == "scale" else text


def phrase(catalogue: Any, item_id: str, value: Any) -> str:
    """`stairs: needs help / much less`; a yes reads as the label alone (`PU/PD`)."""
    if value is True:
        return label_of(catalogue, item_id)
    return f"{label_of(catalogue, item_id)}: {short_answer(catalogue, item_id, value)}"


def negative_phrase(catalogue: Any, item_id: str, value: Any) -> str:
    """A pertinent negative: the label alone when the answer is none / no, else `label: answer`."""
    return label_of(catalogue, item_id) if is_normal(catalogue, item_id, value) else phrase(catalogue, item_id, value)


# --- the patient line -------------------------------------------------------------------------------------


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def patient_line(catalogue: Any, answers: Mapping[str, Any], dog: Any, meta: Any, name: str) -> list[str]:
    """Name, age, breed, sex and neuter status, weight, body condition, chart number, owner and phone: the
    answers first, the dog's record where the answers are blank. Each part is plain text."""
    def known(i: str) -> Any:
        v = answers.get(i)
        return None if v is None or v == UNKNOWN or v == "" else v

    parts = [name]
    age = known("dog_age_years")
    if age is None and dog is not None and hasattr(dog, "age_on"):
        age = dog.age_on((meta.when or dt.datetime.now(dt.timezone.utc)).date())
    parts.append(f"{_num(age)} y" if age is not None else "age not recorded")
    breed = known("dog_breed") or (getattr(dog, "breed_or_size", None) if dog is not None else None)
    size = known("dog_size")
    if breed or size:
        parts.append(", ".join(str(x) for x in (breed, size) if x))
    sex, neutered = known("dog_sex"), answers.get("dog_neutered")
    sex_word = {"male": "male", "female": "female"}.get(sex) if sex else None
    if sex_word is None and dog is not None and getattr(dog, "sex", None):
        sex_word = str(dog.sex)
    neuter = {True: "neutered", False: "entire"}.get(neutered) if isinstance(neutered, bool) else None
    if sex_word and neuter:
        parts.append(f"{sex_word} {neuter}")
    elif sex_word or neuter:
        parts.append(f"{sex_word}, neuter status not recorded" if sex_word else f"sex not recorded, {neuter}")
    else:
        parts.append("sex and neuter status not recorded")
    weight = known("dog_weight_kg")
    parts.append(f"{_num(weight)} kg (owner)" if weight is not None else "weight not recorded")
    bcs = known("dog_body_condition")
    parts.append(f"body condition {short_answer(catalogue, 'dog_body_condition', bcs).lower()} (owner)"
                 if bcs else "body condition not recorded")
    if dog is not None and getattr(dog, "chart", None):
        parts.append(f"chart {dog.chart}")
    owner = meta.owner_name or (getattr(dog, "owner_name", None) if dog is not None else None)
    phone = getattr(dog, "owner_phone", None) or getattr(dog, "owner_contact", None) if dog is not None else None
    if owner or phone:
        parts.append("owner " + ", ".join(str(x) for x in (owner, phone) if x))
    return parts


# --- the bite / handling alert ----------------------------------------------------------------------------


@cache
def _handling(catalogue: Any) -> tuple[Any, tuple[str, ...]] | None:
    from vettriage.content.catalogue import walk_conditions
    from vettriage.engine.conditions import compile_condition

    opt = next((o for o in catalogue.options if o.id == HANDLING_OPTION), None)
    if opt is None or opt.offer_when is None:
        return None
    items = tuple(dict.fromkeys(n.item for n in walk_conditions(opt.offer_when) if isinstance(n, ItemTest)))
    return compile_condition(opt.offer_when), items


def handling_alert(catalogue: Any, assessment: Any, answers: Mapping[str, Any]) -> list[str]:
    """The answers that call for a bite / handling plan (empty when none does), as `label: answer`."""
    found = _handling(catalogue)
    if found is None:
        return []
    test, items = found
    from vettriage.plan import _Ctx

    if not test(_Ctx(assessment, answers)):
        return []
    return [phrase(catalogue, i, answers[i]) for i in items if not is_normal(catalogue, i, answers.get(i))]


# --- medicines with their flags -----------------------------------------------------------------------------


def _tested_values(cond: Any, item: str) -> set[str]:
    from vettriage.content.catalogue import walk_conditions

    out: set[str] = set()
    for n in walk_conditions(cond):
        if isinstance(n, ItemTest) and n.item == item:
            v = n.operand
            out.update(v if isinstance(v, list) else [v] if isinstance(v, str) else [])
    return out


def medicines(catalogue: Any, assessment: Any, answers: Mapping[str, Any], plan: Any) -> dict[str, Any]:
    """Each current medicine with the medication-safety flags raised for it (a flag belongs to a medicine when
    a rule that raised it tests that medicine); flags tied to no listed medicine (a planned NSAID, a diagnosis)
    apart. `recorded` is False when the medicines question was not answered: never "no flag" then."""
    meds = answers.get(MEDICINES_ITEM)
    recorded = isinstance(meds, list)
    fired = set(getattr(assessment, "rules_fired", ()) or ())
    by_flag: dict[str, set[str]] = {}
    for r in catalogue.rules:
        if r.then.medication_flag and (not fired or r.id in fired):
            by_flag.setdefault(r.then.medication_flag, set()).update(_tested_values(r.when, MEDICINES_ITEM))
    rows, placed = [], set()
    for value in (meds if recorded else []):
        if value == "none":
            continue
        flags = [c for c in plan.medication_flags if value in by_flag.get(c.id, set())]
        placed.update(c.id for c in flags)
        rows.append({"name": short_answer(catalogue, MEDICINES_ITEM, [value]), "flags": [c.title for c in flags], "typed": False})
    other = answers.get(MEDICINES_OTHER)
    if isinstance(other, str) and other.strip() and other != UNKNOWN:
        rows.append({"name": other.strip(), "flags": [], "typed": True})
    return {
        "recorded": recorded or bool(rows),
        "none": recorded and not rows and meds == ["none"],
        "rows": rows,
        "unplaced": [c.title for c in plan.medication_flags if c.id not in placed],
    }


# --- the work-up in two groups ------------------------------------------------------------------------------


def _evidence(assessment: Any) -> Iterable[Any]:
    for res in assessment.categories.values():
        yield from res.evidence
        yield from res.limited_by
    for hits in (assessment.red_flags, assessment.ketamine_cautions, assessment.medication_flags):
        for h in hits:
            yield from h.evidence


def _short_title(title: str) -> str:
    """A rule's title up to its first " (", ": " or "; " (no regular expression: compiling one is a tenth of a
    millisecond of every report)."""
    ends = [i for i in (title.find(" ("), title.find(": "), title.find("; ")) if i >= 0]
    cut = title[:min(ends)] if ends else title
    return cut if len(cut) <= 70 else cut[:67].rstrip() + "..."


def workup_groups(catalogue: Any, assessment: Any, plan: Any, history: frozenset[str] = frozenset()
                  ) -> list[dict[str, Any]]:
    """`today` then `screening`, each step once with why: the answers behind the rules that asked for it (or
    those rules' titles, shortened, when they rest on scores or history only)."""
    rules = {r.id: r for r in catalogue.rules}
    answers_by_rule: dict[str, list[str]] = {}
    for ev in _evidence(assessment):
        answers_by_rule.setdefault(ev.rule, [])
        for x in ev.answers:
            if x.item not in history:  # medicines and diagnoses are in their own block
                answers_by_rule[ev.rule].append(phrase(catalogue, x.item, x.value))
    fired = [rules[r] for r in (getattr(assessment, "rules_fired", None) or []) if r in rules]
    groups: dict[str, list[dict[str, Any]]] = {"today": [], "screening": []}
    for w in plan.workup:
        step = catalogue.workup.get(w.id)
        why: list[str] = []
        for r in fired:
            if w.id in r.then.workup:
                why += answers_by_rule.get(r.id) or [_short_title(r.title)]
        group = getattr(step, "group", "today") if step is not None else "today"
        why = list(dict.fromkeys(why))
        groups.setdefault(group, []).append({"id": w.id, "title": w.title, "detail": w.detail,
                                             "why": why[:WHY_SHOWN], "why_more": max(0, len(why) - WHY_SHOWN)})
    names = {"today": "Today / before any treatment", "screening": "Routine senior screening"}
    return [{"id": g, "title": names.get(g, g), "steps": steps} for g, steps in groups.items() if steps]


# --- every answered sign somewhere --------------------------------------------------------------------------


def other_answers(catalogue: Any, answers: Mapping[str, Any], shown: set[str]) -> list[tuple[str, str]]:
    """Every answered sign with a non-normal answer that no other block of the vet summary shows, as (item type,
    phrase): page 1 lists the signs, page 2 all of them."""
    out = []
    for s in catalogue.sections:
        if s.id not in SIGN_SECTIONS:
            continue
        for i in s.items:
            v = answers.get(i.id)
            if v is None or i.type == "text" or i.id in shown:
                continue
            if i.id in catalogue.screening_ids and any(
                    answers.get(d) is not None for d in catalogue.screening_leaves(i.id)):
                continue  # a screening question whose answered details say what was seen
            if not is_normal(catalogue, i.id, v):
                out.append((i.type, phrase(catalogue, i.id, v)))
    return out


# --- page 1 as a whole ---------------------------------------------------------------------------------------


def vet_page1(catalogue: Any, a: Any, answers: Mapping[str, Any], plan: Any, meta: Any,
              name: str, findings: list[dict[str, Any]], owner_words: list[dict[str, str]],
              rf_unanswered: list[str]) -> dict[str, Any]:
    """What page 1 of the vet's summary shows beyond the shared context (issue 26), in its order."""
    from vettriage.render.context import (DECIDING_SHOWN, HISTORY_IDS, OWNER_ACCOUNT_ITEM, TRIED_ITEMS,
                                          _section_ids)
    from vettriage.render.profile import profile_rows, profile_svg

    rows = profile_rows(catalogue, a.scores, meta.previous_scores)
    concern = next((t["answer"] for t in owner_words if t["id"] == OWNER_ACCOUNT_ITEM), None) or (
        owner_words[0]["answer"] if owner_words else None)
    cut = concern is not None and len(concern) > CONCERN_CHARS
    meds = medicines(catalogue, a, answers, plan)
    # every answer some other block shows: the rest are listed apart, so that no answered sign is lost
    shown = set(HISTORY_IDS) | set(TRIED_ITEMS) | set(_section_ids(catalogue, "dog"))
    for f in findings:
        shown |= {qa["id"] for qa in f["positives"]} | {qa["id"] for qa in f["negatives"]}
    for hit in a.red_flags:
        shown |= {x.item for ev in hit.evidence for x in ev.answers}
    alert = handling_alert(catalogue, a, answers)
    others = other_answers(catalogue, answers, shown)
    for f in findings:
        f["deciding_labels"] = [label_of(catalogue, i) for i in f["deciding_ids"][:DECIDING_SHOWN]]
        f["labels"] = [phrase(catalogue, qa["id"], answers.get(qa["id"])) for qa in f["positives"]]
        f["negative_labels"] = [negative_phrase(catalogue, qa["id"], answers.get(qa["id"]))
                                for qa in f["negatives"]]
    return {
        "patient": patient_line(catalogue, answers, meta.dog, meta, name),
        # the vet reads the unanswered emergency questions as short labels (the questions are on the form)
        "red_flags_unanswered_labels": [label_of(catalogue, i) for i in rf_unanswered],
        "concern": (concern[:CONCERN_CHARS].rsplit(" ", 1)[0] + " ...") if cut else concern,
        "concern_cut": cut,
        "handling_alert": alert,
        "labels_shown": LABELS_SHOWN,
        "profile": profile_svg(rows, meta.previous_day) if any(r["low"] is not None for r in rows) else None,
        "profile_scores": [r["id"] for r in rows],
        "profile_rows": rows,
        # "medicines" is the per-medicine owner instruction list (vettriage.medicines, issue 22)
        "med_flags": meds,
        "workup_groups": workup_groups(catalogue, a, plan, HISTORY_IDS | _section_ids(catalogue, "dog")),
        "other_answers": [t for kind, t in others if kind in PAGE1_TYPES],
        "other_answers_all": [t for _, t in others],
    }


# --- the options the documents offer ------------------------------------------------------------------------


def document_options(catalogue: Any, assessment: Any, plan: Any) -> list[Any]:
    """The options the documents print: the plan's own (when no category could be assessed, the plan already
    puts "complete the screen" first and leaves routine wellness out: vettriage.plan)."""
    return list(plan.options)
