"""The plain mode's fixed wording: the help, the result as lines, and the cleaning of what is printed."""

from __future__ import annotations

import re
from typing import Any

from vettriage import DISCLAIMER, DISCLAIMER_TECH

HELP = (
    "Keys, each followed by Enter:",
    "a number: that answer (for a checklist, every number that applies, separated by spaces).",
    "u: don't know. Enter alone: keep the answer there is, or leave the question blank.",
    "b: back one question. r: review every answer, change one, or complete.",
    "q: save and leave (you can resume later). ?: this help.",
    "Every answer is saved as soon as it is given; closing the input (Ctrl+D) saves and leaves too.",
)
"""What `?` prints after the question's own help."""

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters, escape (\\x1b) among them: never printed, whatever an owner typed into a name."""

CATEGORY_WORDS = {"pain": "Pain", "medical": "Medical illness", "ccd": "Cognitive decline (CCD)"}


def clean(text: str) -> str:
    """`text` without control characters (a tab becomes a space)."""
    return CONTROL.sub("", text.replace("\t", " "))


def result_lines(session: Any, intake: Any, contact: str) -> list[str]:
    """The completed intake's result, as the result screen says it, one statement a line."""
    from vettriage.commands.assess import level_text, red_flag_line
    from vettriage.engine.assessment import Assessment
    from vettriage.plan import make_plan

    s = session
    owner = s.mode == "owner"
    a = Assessment.model_validate(intake.assessment)
    plan = make_plan(s.catalogue, a, s.answers)
    lines = [f"Intake completed for {s.dog_name}. Result:", f"Urgency: {a.urgency.upper()}.", red_flag_line(a)]
    try:  # withdrawn red flags and amendments, worded as the result screen and the documents word them
        from vettriage.record_changes import record_changes

        changes = record_changes(s.catalogue, intake.answers, s.store.audit(intake.id), intake.status)
        lines += changes.withdrawn_lines("owner" if owner else "tech") + changes.amendment_lines()
    except Exception:  # a store that cannot say: the result is still given
        pass
    if a.red_flags:
        lines.append("Emergency signs, act now:")
        for hit in a.red_flags:
            flag = s.catalogue.red_flags[hit.id]
            lines += [f"Red flag: {flag.title.for_mode(s.mode)}.", flag.action.for_mode(s.mode)]
        lines.append(contact)
    lines.append("Findings:")
    for cat in ("pain", "medical", "ccd"):
        main = " (main concern)" if a.primary == cat else ""
        lines.append(f"{CATEGORY_WORDS[cat]}: {level_text(a.categories[cat])}{main}.")
        for ev in a.categories[cat].evidence:
            lines.append(f"  because: {ev.title}.")
    cautions = plan.ketamine_cautions + plan.medication_flags
    if cautions:
        lines.append("Cautions:")
        for c in cautions:
            title, detail = (c.owner_title, c.owner_detail) if owner else (c.title, c.detail)
            lines.append(f"Caution: {title}: {detail}")
    lines.append("Options to discuss with the vet, in order:")
    if plan.deferred:
        lines.append("First things first: the emergency. Care options wait until the dog has been seen.")
    from vettriage.render.page1 import document_options  # the options the documents print (issue 26)

    for n, o in enumerate(document_options(s.catalogue, a, plan), 1):
        mark = " (with a caution)" if o.cautioned else ""
        lines.append(f"{n}. {o.title if owner else o.vet_title}{mark}")
    lines.append(DISCLAIMER if owner else DISCLAIMER_TECH)  # the clinic team is not told "your dog"
    if not owner:
        lines.append(f"Documents: vettriage report --intake {intake.id} --kind previsit (or handout).")
    return lines
