"""One planned intake for Rex, written two ways: as lines typed into the plain mode and as keys pressed in the
terminal app. Both must store the same answers. Every section is answered, a red flag (collapse) is raised and
finished for the record, one scale question is "don't know", a checklist gets two ticks, a number uses a comma."""

from __future__ import annotations

from typing import Any

from vettriage.content.models import UNKNOWN
from vettriage.engine.answers import visible_items
from vettriage.intake.session import choices_for

DOG = "Rex"
RED_FLAG = "rf_collapse"
CHANGED_IN_REVIEW = ("dog_age_years", 13.0, 14.0)
"""Answered 13 first, changed to 14 from the plain review (the app is given 14 directly)."""
BLANK_TEXT = ("dog_breed", "pain_tried_notes", "med_current_other", "med_conditions_other")
"""Optional free text left blank: Enter alone."""

FIXED: dict[str, Any] = {
    "dog_age_years": 14.0, "dog_size": "large", "dog_weight_kg": 31.5, "dog_sex": "female",
    "dog_body_condition": "overweight", RED_FLAG: True, "rf_gums": "pink", "rf_not_eating": "normal",
    "med_current": ["carprofen", "prednisolone"], "med_bloodwork_months": 8.0,
    "owner_notes": "Sleeps a lot, stiff on walks",
}


def planned_answers(catalogue: Any) -> dict[str, Any]:
    """The answer to every question asked for this plan (branching applied), in asking order."""
    out: dict[str, Any] = {"dog_name": DOG}
    scales = 0
    for item_id, item in catalogue.items.items():
        if item_id in out or item_id in BLANK_TEXT:
            continue
        if item_id in FIXED:
            out[item_id] = FIXED[item_id]
        elif item_id in catalogue.gateway_by_id:
            out[item_id] = True  # every screening question opens its block: every section gets answered
        elif item_id in catalogue.checklist_by_id:
            out[item_id] = [a.value for a in catalogue.checklist_by_id[item_id].areas]  # every area ticked
        elif item.type == "yesno":
            out[item_id] = False
        elif item.type == "scale":
            scales += 1
            out[item_id] = UNKNOWN if scales == 5 else scales % 3
        elif item.type == "choice":
            out[item_id] = item.options[0].value
        elif item.type == "multi":
            values = [o.value for o in item.options]
            out[item_id] = ["none"] if "none" in values else [values[0]]
        elif item.type in ("number", "months"):
            out[item_id] = float(max(item.min, min(item.max, 2)))
        elif item.type == "date":
            out[item_id] = "2026-01-15"
        elif item.type == "text" and item_id == "owner_notes":
            out[item_id] = FIXED[item_id]
    shown = visible_items(catalogue, out)
    return {k: out[k] for k in shown if k in out}


def asked(catalogue: Any) -> list[str]:
    """Every question asked, in order (those left blank too)."""
    return visible_items(catalogue, planned_answers(catalogue))


def _numbers(item: Any, catalogue: Any, value: Any) -> list[int]:
    choices = choices_for(item, catalogue, "tech")
    wanted = value if isinstance(value, list) else [value]
    return [c.number for c in choices if c.value in wanted]


def plain_line(item: Any, catalogue: Any, value: Any) -> str:
    """What a person types in the plain mode to give `value`."""
    if value is None:
        return ""
    if value == UNKNOWN:
        return "u"
    if item.type in ("scale", "choice", "yesno", "multi"):
        return " ".join(map(str, _numbers(item, catalogue, value)))
    if item.id == "dog_weight_kg":
        return "31,5"  # a comma as the decimal point, as many owners type it
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def plain_script(catalogue: Any) -> str:
    """The whole intake as typed: a back, a look at the review, the red flag finished, a change from the
    final review, then complete."""
    answers = planned_answers(catalogue)
    lines: list[str] = []
    for n, item_id in enumerate(asked(catalogue)):
        if item_id == "dog_name":
            continue  # answered when the intake is started
        item = catalogue.items[item_id]
        value = answers.get(item_id)
        if item_id == CHANGED_IN_REVIEW[0]:
            value = CHANGED_IN_REVIEW[1]
        lines.append(plain_line(item, catalogue, value))
        if item_id == "dog_size":
            lines += ["b", ""]  # back to the size question, Enter keeps the answer, on again
        if item_id == RED_FLAG:
            lines.append("f")  # finish the questions for the record
        if item_id == "dog_sex":
            lines += ["r", "b"]  # look at the review, back to the questions
    review_number = [i for i in asked(catalogue)].index(CHANGED_IN_REVIEW[0]) + 1
    lines += [str(review_number), f"{CHANGED_IN_REVIEW[2]:g}", "c"]
    return "\n".join(lines) + "\n"


WAIT = "wait"
"""Not a key: the app test pauses there, longer than the app's two-digit window."""


def app_keys(item: Any, catalogue: Any, value: Any) -> list[str]:
    """The keys pressed in the terminal app to give `value` (Enter follows; the caller presses it)."""
    if value is None:
        return []
    if value == UNKNOWN:
        return ["u"]
    if item.type in ("scale", "choice", "yesno", "multi"):
        keys: list[str] = []
        for n in _numbers(item, catalogue, value):
            # digits typed within a moment combine ("1" "5" is 15): wait between two numbers
            keys += [WAIT] * bool(keys) + list(str(n))
        return keys
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return ["space" if ch == " " else ch for ch in text]
