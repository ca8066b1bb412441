"""The words every way of taking an intake shares: a result in sentences, what completing needs, the
emergency's lines. The terminal app, the plain mode, the web form and the CLI's `assess`/`intakes show` say
these things alike because they take them from here. Nothing heavy is imported at module level."""

from __future__ import annotations

from typing import Any

from vettriage import DISCLAIMER, DISCLAIMER_TECH

CATEGORY_WORDS = {"pain": "Pain", "medical": "Medical illness", "ccd": "Cognitive decline (CCD)"}
"""Each category of the Assessment, as its heading reads."""

NEEDS_ANSWER = "This question needs an answer."
"""Going on from a required question left blank."""

GAPS_WARNING = ("Unanswered questions make the result less certain: what they would have shown is reported as "
                "not assessed.")
"""Said before finishing with questions left blank."""

DEFAULT_CONTACT = "Call your vet or the nearest emergency vet service now."
"""Whom to call when no clinic phone is configured."""


def red_flags_unanswered(n: int) -> str:
    """Completing refused: `2 urgent-sign questions are not answered.`"""
    return f"{n} urgent-sign question{'s are' if n > 1 else ' is'} not answered."


def red_flag_line(a: Any) -> str:
    """Whether every emergency question was answered: "no red flag reported" is said only when they all were."""
    missing = len(a.red_flags_unanswered)
    if missing:
        return (f"Emergency questions: {missing} not answered - ask them now; this result cannot rule out "
                "an emergency.")
    return "Emergency questions: all answered" + ("." if a.red_flags else "; no red flag reported.")


def level_text(cat: Any) -> str:
    """A category's level in words; a "none" that the answers do not decide is never shown as "none"."""
    if cat.level != "none" or cat.status == "assessed":
        extra = f", could be {cat.could_reach}" if cat.could_reach != cat.level and cat.status == "assessed" else ""
        return f"{cat.level}{extra}"
    left = f"{cat.unanswered} of {cat.questions} questions unanswered"
    if cat.status == "incomplete":
        return f"could not be assessed: no finding so far, but {left} could still lead to one"
    return f"could not be assessed ({left})"


def score_text(s: Any) -> str:
    """A score's value, or the range it could still take."""
    if s.value is not None and (s.low is None or s.low == s.high):
        return f"{s.value:g}"
    if s.low is not None:
        known = f"{s.value:g} over the answers given, " if s.value is not None else ""
        return f"{known}between {s.low:g} and {s.high:g} once the rest are answered"
    return "insufficient data"


LEVEL_WORDS = {"none": "not suggested", "possible": "possible", "likely": "likely"}


def level_words(res: Any) -> str:
    """A category's level; a "none" the answers do not decide reads "could not be assessed", never an all-clear."""
    if res.level != "none" or res.status == "assessed":
        return LEVEL_WORDS[res.level]
    return f"could not be assessed ({res.unanswered} of {res.questions} questions unanswered)"


def red_flag_words(a: Any, owner: bool) -> str:
    """Whether every emergency question was answered."""
    n = len(a.red_flags_unanswered)
    if n:
        return (f"{n} urgent-sign question{'s were' if n > 1 else ' was'} not answered: this result cannot rule "
                "out an emergency." if owner else
                f"Emergency questions: {n} not answered - an emergency is not ruled out.")
    if a.red_flags:
        return "Every urgent-sign question was answered." if owner else "Emergency questions: all answered."
    return ("Every urgent-sign question was answered; no urgent sign reported." if owner else
            "Emergency questions: all answered; no red flag reported.")


def result_lines(session: Any, intake: Any, contact: str, db: str = "") -> list[str]:
    """The completed intake's result, as the result screen says it, one statement a line, then the command for
    its documents; `db` is the ` --db PATH` the command was given (the documents are in that database)."""
    from vettriage.engine.assessment import Assessment

    a = Assessment.from_stored(intake.assessment)  # just stored by this session; checked without pydantic
    return [f"Intake completed for {session.dog_name}. Result:", *summary_lines(session, a, contact),
            *documents(session.mode, intake.id, db)]


def documents(mode: str, intake_id: int, db: str = "", draft: bool = False) -> list[str]:
    """The command that writes this intake's documents, on the database it is in (the owner: the handout)."""
    mark = ["Until the intake is completed, every page is marked DRAFT."] if draft else []
    if mode == "owner":
        return [f"Your handout: vettriage report --intake {intake_id} --kind handout --format pdf -o handout.pdf"
                f"{db}", *mark]
    return [f"Documents: vettriage report --intake {intake_id} --kind previsit{db} (or --kind handout)", *mark]


def summary_lines(session: Any, a: Any, contact: str) -> list[str]:
    """An Assessment as the result screen says it: urgency, red flags, findings, cautions, options."""
    from vettriage.plan import make_plan

    s = session
    owner = s.mode == "owner"
    plan = make_plan(s.catalogue, a, s.answers)
    act = getattr(a, "emergency_act", None)
    tier = {"now": " Go in now.", "today": " Call now; the dog is seen today."}.get(act or "", "")
    lines = [f"Urgency: {a.urgency.upper()}.{tier}", red_flag_line(a)]
    try:  # withdrawn red flags and amendments, worded as `intakes show` and the documents word them (issue 26)
        from vettriage.record_changes import record_changes

        intake = s.store.get_intake(s.intake_id)
        changes = record_changes(s.catalogue, intake.answers, s.store.audit(s.intake_id), intake.status)
        lines += changes.withdrawn_lines("owner" if owner else "tech") + changes.amendment_lines()
    except Exception:  # a store that cannot say: the result is still given
        pass
    if a.red_flags:
        lines.append("Emergency signs, call now to be seen today:" if act == "today" else "Emergency signs, act now:")
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
    return lines
