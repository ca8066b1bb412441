"""Everything a document shows, gathered once into plain data, so the HTML and Markdown templates of one
document walk the same lists in the same order (same content, same order in every format).

Pure: an Assessment, the answers, the Catalogue, the Plan and some metadata in; a dict out. No Jinja2 here.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any, Callable, Literal, Mapping

from vettriage import DISCLAIMER, DISCLAIMER_TECH
from vettriage.content.asked import asked_earlier
from vettriage.content.catalogue import Catalogue
from vettriage.content.models import UNKNOWN, Mode
from vettriage.content.packs import pack_results
from vettriage.engine.assessment import Assessment
from vettriage.frozen import frozen
from vettriage.medicines import medicine_instructions
from vettriage.plan import Plan
from vettriage.render import page1

Kind = Literal["previsit", "handout"]

CATEGORY_ORDER = ("pain", "medical", "ccd")
CATEGORY_SECTION = {"pain": "pain", "medical": "medical", "ccd": "cognitive"}
"""The section whose questions decide each category (used until the engine reports `unanswered` itself)."""
CATEGORY_LABELS = {
    "pain": {"owner": "Signs of pain", "tech": "Chronic pain"},
    "medical": {"owner": "Signs that may come from an illness", "tech": "Medical illness"},
    "ccd": {"owner": "Signs of brain ageing (changes in memory, sleep and behaviour)",
            "tech": "Canine cognitive dysfunction (CCD)"},
}
LEVEL_WORDS = {
    "owner": {"possible": "possible", "likely": "likely", "none": "not seen"},
    "tech": {"possible": "possible", "likely": "likely", "none": "none"},
}
NOT_ASSESSED_WORDS = {"owner": "could not be assessed", "tech": "could not be assessed"}
"""What a category at level none that is not `assessed` is called: never "none" or an all-clear (issue 10)."""
STATUS_WORDS = {"assessed": "assessed", "incomplete": "incomplete", "not_assessed": "not assessed"}
URGENCY = {
    "emergency": {
        "owner": "EMERGENCY: call your vet or the nearest emergency clinic now.",
        "tech": "EMERGENCY: red flag reported. Advise immediate presentation; the care plan is deferred.",
    },
    # the two tiers of an emergency (each red flag's `act`): the words match the action, so a same-day sign
    # never reads "EMERGENCY: now" (issue 22)
    "emergency_now": {
        "owner": "EMERGENCY: call your vet or the nearest emergency clinic now and go in.",
        "tech": "EMERGENCY (go now): red flag reported. Advise immediate presentation; the care plan is deferred.",
    },
    "emergency_today": {
        "owner": "URGENT TODAY: call your vet now; your dog needs to be seen today.",
        "tech": "SAME-DAY EMERGENCY: red flag reported. Call the owner now and see the dog today; the care plan is deferred.",
    },
    "soon": {
        "owner": "Please book a vet visit soon: within days, not weeks.",
        "tech": "SOON: book a prompt (non-routine) appointment.",
    },
    "routine": {
        "owner": "No urgent signs were reported. Book a routine visit with your vet.",
        "tech": "ROUTINE: no red flag reported.",
    },
}
# A routine result whose emergency questions were not all answered, or that carries a medicine warning, must
# not read as an all-clear: the banner says what the owner has to do instead (one banner, one instruction).
URGENCY_ROUTINE_UNANSWERED = {
    "owner": "Book a visit with your vet. Not every emergency question was answered: check the urgent signs below.",
    "tech": "ROUTINE on the answers given: not every red-flag question was answered.",
}
URGENCY_ROUTINE_MEDICINE = {
    "owner": "Book a visit with your vet, and read the medicine warning below before the next dose.",
    "tech": "ROUTINE: no red flag reported; medication-safety flag raised (see below).",
}
URGENCY_MEDICINE_TODAY = {
    "owner": "Call your vet today about a medicine (below); visit within days.",
    "tech": "SOON: a medicine is held or needs a call today (see the medicine instructions); visit within days.",
}
EVIDENCE_WORDS = {  # the handout's are short: a grade in small print after each option (issue 13)
    "strong": {"owner": "strong (good studies or approval)", "tech": "strong"},
    "moderate": {"owner": "moderate (at least one good study)", "tech": "moderate"},
    "weak": {"owner": "weak (small or early studies)", "tech": "weak"},
    "negative": {"owner": "a good study found it did not help", "tech": "negative"},
    "expert_consensus": {"owner": "expert advice, not trials", "tech": "expert consensus"},
}
WHO_TOLD = {"owner": "you told us", "tech": "your clinic recorded"}
"""How the handout introduces the answers: by who gave them (an owner at home, or a technician at the desk)."""
# The vet's history block on page 1: (label, item ids). Shown whatever the findings, because the vet needs them
# before choosing a medicine (issue 13: the diagnosed osteoarthritis and "14 months since blood work" were lost).
HISTORY_ITEMS = (
    ("Current medicines", ("med_current", "med_current_other")),
    ("Diagnosed conditions", ("med_conditions", "med_conditions_other")),
    ("Months since blood work", ("med_bloodwork_months",)),
    ("Planned medicines", ("med_nsaid_planned",)),
)
HISTORY_IDS = frozenset(i for _, ids in HISTORY_ITEMS for i in ids)
# Items shown under "what has been tried" (when the content has them), in this order.
TRIED_ITEMS = ("pain_tried", "pain_tried_response", "pain_tried_notes")
OWNER_ACCOUNT_ITEM = "owner_notes"
"""The item that holds the owner's account in their own words, whoever typed it."""
NAME_ITEM = "dog_name"
DIARY_DAYS = 14
DIARY_COLUMNS = ("Mobility", "Sleep", "Appetite", "Engagement")
POSITIVES_SHOWN = {"tech": 5, "owner": 3}
"""Key positives per finding: page 1 of the vet's summary and the handout stay short; page 2 lists them all."""
DECIDING_SHOWN = 5
NEGATIVES_SHOWN = 6
"""Pertinent negatives per category on page 1 of the vet's summary (all of them on page 2)."""
# An option text may open with an all-clear written for a fully answered form; it is dropped when a category
# could not be assessed (issue 10: a blank is never an all-clear). Content wording, matched as a sentence.
ALL_CLEAR_SENTENCES = ("Nothing in your answers points to",)


@frozen
class Clinic:
    """The clinic's identity on every page: from the configuration (`vettriage config`). `logo` is a data: URI."""

    name: str = "your vet clinic"
    phone: str | None = None
    address: str | None = None
    logo: str | None = None

    @classmethod
    def from_config(cls, config: Any) -> "Clinic":
        """The clinic of a `vettriage.config.Config`; its logo file is read here (InputError if unusable)."""
        return cls(name=config.clinic_name, phone=config.clinic_phone, address=config.clinic_address,
                   logo=config.logo_data_uri())


@frozen
class ReportMeta:
    """Who answered, in which mode, and when; the intake's id, status and position when it came from the store;
    the clinic; and whether the owner's diary page is wanted."""

    by: str = "owner"
    mode: Mode = "owner"
    when: dt.datetime | None = None
    intake_id: int | None = None
    owner_name: str | None = None
    status: str = "completed"
    position: str | None = None
    clinic: Clinic = Clinic()
    diary: bool = False
    content_version: str | None = None
    """The content version the intake was answered under (stored with it); None means today's."""
    dog: Any = None
    """The dog's stored record (chart number, owner's phone, birth date), when the intake came from the store."""
    changes: Any = None
    """The intake's withdrawn red flags and amendments (vettriage.record_changes.RecordChanges), when stored."""
    previous_scores: Mapping[str, Any] | None = None
    """The last completed visit's scores (stored Assessment JSON `scores`), for page 1's profile chart."""
    previous_day: str | None = None


def format_answer(catalogue: Catalogue, item_id: str, value: Any, mode: Mode) -> str:
    """An answer as words for `mode`: option and scale labels, yes/no, numbers with their unit."""
    if value == UNKNOWN:
        return "Don't know" if mode == "owner" else "unknown"
    item = catalogue.items.get(item_id)
    if item is None or value is None:
        return "" if value is None else str(value)
    if item.type == "yesno":
        return "Yes" if value else "No"
    if item.type == "scale" and item.scale in catalogue.scales:
        points = catalogue.scales[item.scale].points
        for p in points:
            if p.value == value:
                label = p.label.for_mode(mode)
                # A bare number on a 0-10 scale reads better with its range.
                return f"{label} of {points[-1].value}" if label == str(value) else label
        return str(value)
    if item.type == "choice":
        return item.option_label(value, mode)
    if item.type == "multi":
        return ", ".join(item.option_label(v, mode) for v in value) if value else "none selected"
    if item.type in ("number", "months"):
        num = f"{value:g}" if isinstance(value, float) else str(value)
        unit = "months" if item.type == "months" else (item.unit or "")
        return f"{num} {unit}".strip()
    return str(value)


def _qa(catalogue: Catalogue, item_id: str, value: Any, mode: Mode) -> dict[str, str]:
    item = catalogue.items.get(item_id)
    question = item.text.for_mode(mode) if item else item_id
    return {"id": item_id, "question": question, "phrase": question.rstrip("?. "),
            "answer": format_answer(catalogue, item_id, value, mode)}


def _question(catalogue: Catalogue, item_id: str, mode: Mode) -> str:
    """An item's wording for `mode`, as a phrase in a list (no question mark)."""
    item = catalogue.items.get(item_id)
    return (item.text.for_mode(mode) if item else item_id).rstrip("?").rstrip()


@cache
def _score_items(catalogue: Catalogue, score_id: str) -> tuple[str, ...]:
    """The items a score rests on, through any scores it is built from (the catalogue is immutable, so the
    cache never goes stale)."""
    score = catalogue.score_by_id.get(score_id)
    if score is None:
        return ()
    out: list[str] = []
    for ref in score.of:
        out += _score_items(catalogue, ref) if ref in catalogue.score_by_id else [ref]
    return tuple(out)


def _is_positive(value: Any) -> bool:
    """An answer that reports a sign: above zero, yes, or a choice other than none/normal (fallback only)."""
    if value is None or value == UNKNOWN or value is False:
        return False
    if isinstance(value, (int, float)):
        return value > 0
    if isinstance(value, list):
        return any(v not in ("none", "normal") for v in value)
    return value not in ("none", "normal", "no", "stable")


def _strength(catalogue: Catalogue, item_id: str, value: Any) -> float:
    """How strong a positive answer is, as a share of its scale (3 of 3 outranks 7 of 10); yes and choices 0.5."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return 0.5
    item = catalogue.items.get(item_id)
    top = item.max if item is not None and item.max else None
    if item is not None and item.scale in catalogue.scales:
        top = catalogue.scales[item.scale].points[-1].value
    return float(value) / top if top else 0.5


def _fallback_positives(catalogue: Catalogue, res: Any, answers: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Until the engine lists a category's positives: the sign answers behind the rules that fired."""
    out: dict[str, Any] = {}
    for ev in res.evidence:
        for x in ev.answers:
            if _is_positive(x.value):
                out.setdefault(x.item, x.value)
        for sc in ev.scores:
            for i in _score_items(catalogue, sc.score):
                if _is_positive(answers.get(i)):
                    out.setdefault(i, answers[i])
    return list(out.items())


def _category_section_items(catalogue: Catalogue, cat: str, visible: Callable[[], set[str]]) -> list[str]:
    section = CATEGORY_SECTION[cat]
    return [i.id for s in catalogue.sections if s.id == section for i in s.items
            if i.id in visible() and i.type != "text"]


def _status(res: Any, unanswered: int, asked: int) -> str:
    """The engine's status when it gives one; else worked out from how many of the category's questions are
    unanswered (a stand-in until the three-valued engine reports it)."""
    status = getattr(res, "status", None)
    if status in STATUS_WORDS:
        return status
    if res.level != "none" or unanswered == 0:
        return "assessed"
    return "not_assessed" if unanswered >= asked else "incomplete"


def _findings(catalogue: Catalogue, a: Assessment, answers: Mapping[str, Any], mode: Mode,
              visible: Callable[[], set[str]]) -> list[dict[str, Any]]:
    out = []
    for cat in CATEGORY_ORDER:
        res = a.categories.get(cat)  # type: ignore[call-overload]
        if res is None:
            continue
        if hasattr(res, "questions"):  # the three-valued engine counts them itself
            unanswered, n_questions, deciding_ids = res.unanswered, res.questions, list(res.deciding)
        else:  # an Assessment from before it (kept for callers that build one by hand)
            asked = _category_section_items(catalogue, cat, visible)
            deciding_ids = [i for i in asked if answers.get(i) is None]
            unanswered, n_questions = len(deciding_ids), len(asked)
        status = _status(res, unanswered, n_questions)
        scores = []
        for sid in res.scores:
            sc = a.scores.get(sid)
            if sc is None:
                continue
            scores.append({"title": sc.title, "value": sc.value, "answered": sc.answered, "of": sc.of,
                           "sufficient": sc.sufficient, "heuristic": sc.heuristic,
                           "low": getattr(sc, "low", None), "high": getattr(sc, "high", None)})
        evidence = [{"title": ev.title, "source": ev.source} for ev in res.evidence]
        score_values: dict[str, dict[str, Any]] = {}
        for ev in res.evidence:
            for scv in ev.scores:
                if scv.score not in score_values:
                    title = a.scores[scv.score].title if scv.score in a.scores else scv.score
                    score_values[scv.score] = {"id": scv.score, "title": title, "value": scv.value}
        engine_pos = getattr(res, "positives", None)
        pos = ([(x.item, x.value) for x in engine_pos] if engine_pos is not None
               else _fallback_positives(catalogue, res, answers))
        # Strongest first (a 3 of 3 before a 1 of 3); the order of equal ones is the content's.
        # Medicines and diagnoses are history, not signs: the vet reads them in the history block, and the
        # handout never reads them back as "what we noticed" (issue 13).
        pos = [(i, v) for i, v in pos if i not in HISTORY_IDS]
        pos = sorted(pos, key=lambda t: -_strength(catalogue, t[0], t[1]))
        # Pertinent negatives are signs looked for and not seen: the dog's age, medicines and diagnoses the
        # engine may list (they made a rule's condition false) are shown in the history block instead.
        negatives = [(x.item, x.value) for x in (getattr(res, "negatives", None) or [])
                     if x.item not in HISTORY_IDS and x.item not in _section_ids(catalogue, "dog")]
        not_assessed = res.level == "none" and status != "assessed"
        # a screening question answered no stands for its whole block (issue 27): said once, not per question
        behind_no = {d for g in catalogue.gateways if answers.get(g.id) is False for d in catalogue.gateway_leaves(g.id)}
        screened = [g.topic.for_mode(mode) for g in catalogue.gateways
                    if answers.get(g.id) is False and answers.get(catalogue.gateway_of.get(g.id, "")) is not False
                    and catalogue.section_of.get(g.id) == CATEGORY_SECTION[cat]]
        for c in catalogue.checklists:  # an unticked area of a checklist, as a gateway's no (content 2026.12.4)
            ticked = answers.get(c.id)
            if ticked.__class__ is not list or catalogue.section_of.get(c.id) != CATEGORY_SECTION[cat]:
                continue
            if ticked == ["none"]:
                screened.append(catalogue.gateway_by_id[c.replaces].topic.for_mode(mode))
            else:
                screened += [a.topic.for_mode(mode) for a in c.areas if a.value not in ticked]
            behind_no.update(d for a in c.areas if a.value not in ticked for d in a.details)
        negatives = [(i, v) for i, v in negatives if i not in behind_no]
        out.append({
            "id": cat, "label": CATEGORY_LABELS[cat][mode], "level": res.level,
            "level_word": NOT_ASSESSED_WORDS[mode] if not_assessed else LEVEL_WORDS[mode][res.level],
            "status": status, "status_word": STATUS_WORDS[status], "not_assessed": not_assessed,
            "unanswered": unanswered, "asked": n_questions,
            "deciding": [_question(catalogue, i, mode) for i in deciding_ids[:DECIDING_SHOWN]],
            "deciding_more": max(0, len(deciding_ids) - DECIDING_SHOWN),
            "deciding_ids": deciding_ids,
            "primary": a.primary == cat, "scores": scores, "evidence": evidence,
            "positives": [_qa(catalogue, i, v, mode) for i, v in pos],
            "key_positives": [_qa(catalogue, i, v, mode) for i, v in pos[:POSITIVES_SHOWN[mode]]],
            "negatives": [_qa(catalogue, i, v, mode) for i, v in negatives],
            "key_negatives": [_qa(catalogue, i, v, mode) for i, v in negatives[:NEGATIVES_SHOWN]],
            "score_values": list(score_values.values()), "limited_by": [ev.title for ev in res.limited_by],
            "screened": screened,
            "limited_by_cited": [{"title": ev.title, "source": ev.source} for ev in res.limited_by],
        })
    return out


def source_ids(catalogue: Catalogue, a: Assessment, plan: Plan, options: list[Any] | None = None,
               scores: list[str] = ()) -> list[str]:
    """Every reference id a document cites, in order of first use: red flags, the rules behind findings, what
    holds them back and the notes, cautions and flags, work-up steps, scores drawn, and the options shown."""
    rules = _rule_sources(catalogue)
    ids: list[str] = []
    ids += [catalogue.red_flags[r].source for r in a.red_flag_ids if r in catalogue.red_flags]
    for cat in CATEGORY_ORDER:
        res = a.categories.get(cat)  # type: ignore[call-overload]
        ids += [ev.source for ev in (res.evidence if res else [])]
        ids += [ev.source for ev in (res.limited_by if res else [])]
    ids += [rules[n.rule] for n in a.notes if n.rule in rules]
    ids += [catalogue.ketamine_cautions[c].source for c in a.caution_ids if c in catalogue.ketamine_cautions]
    ids += [catalogue.medication_flags[c].source for c in a.medication_flag_ids if c in catalogue.medication_flags]
    ids += [catalogue.workup[w.id].source for w in plan.workup if w.id in catalogue.workup]
    ids += [catalogue.score_by_id[s].source for s in scores if s in catalogue.score_by_id]
    shown = plan.options if options is None else options
    ids += [o.source for o in shown]
    # ids written inside printed text ("differentials (s15)"): listed too, so that every citation resolves
    texts = [t for n in a.notes for t in (n.tech, n.owner)]
    texts += [ev.title for res in a.categories.values() for ev in res.evidence + res.limited_by]
    texts += [ev.title for hits in (a.red_flags, a.ketamine_cautions, a.medication_flags) for h in hits
              for ev in h.evidence]
    texts += _strings(plan.model_dump()) + _strings([o.model_dump() for o in shown])
    ids += [m for t in texts for m in _id_tokens(t) if m in catalogue.references]
    return list(dict.fromkeys(ids))


def _strings(data: Any) -> list[str]:
    """Every string inside plain data (the plan's texts, whatever fields it grows)."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [t for v in data.values() for t in _strings(v)]
    if isinstance(data, (list, tuple)):
        return [t for v in data for t in _strings(v)]
    return []


@cache
def _id_tokens(text: str) -> tuple[str, ...]:
    """The words of a content text that may be reference ids (content texts repeat: looked at once each)."""
    return tuple(_ID_TOKEN.findall(text))


_ID_TOKEN = re.compile(r"\b[a-z][a-z0-9_]*[0-9][a-z0-9_]*\b|\bproduct_policy\b")
"""A word that may be a reference id written into a text (ids carry a digit: s15, bel2020_walks)."""


@cache
def _rule_sources(catalogue: Catalogue) -> dict[str, str]:
    return {r.id: r.source for r in catalogue.rules}


def _sources(catalogue: Catalogue, a: Assessment, plan: Plan, options: list[Any] | None = None,
             scores: list[str] = ()) -> list[dict[str, Any]]:
    """Every reference the document leans on, in order of first use."""
    ids = source_ids(catalogue, a, plan, options, scores)
    seen = dict.fromkeys(i for i in ids if i in catalogue.references)
    return [{"id": r.id, "title": r.title, "url": r.url, "note": r.note}
            for r in (catalogue.references[i] for i in seen)]


@cache
def _section_ids(catalogue: Catalogue, section: str) -> frozenset[str]:
    return frozenset(i.id for s in catalogue.sections if s.id == section for i in s.items)


@cache
def _red_flag_item_ids(catalogue: Catalogue) -> tuple[str, ...]:
    return tuple(i.id for s in catalogue.sections if s.id == "redflags" for i in s.items)


def local_time(when: dt.datetime | None) -> str:
    """A timestamp in the clinic's local time zone (stored times are UTC), with the zone's name."""
    if when is None:
        return "not recorded"
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    local = when.astimezone()
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or "")


def _history(catalogue: Catalogue, answers: Mapping[str, Any]) -> list[dict[str, str]]:
    rows = []
    for label, ids in HISTORY_ITEMS:
        parts = []
        for i in ids:
            v = answers.get(i)
            if v is None or i not in catalogue.items:
                continue
            text = format_answer(catalogue, i, v, "tech")
            parts.append(f"NSAID planned: {text.lower()}" if i == "med_nsaid_planned" else text)
        rows.append({"label": label, "value": "; ".join(parts) if parts else "not answered"})
    return rows


def _urgency_text(a: Assessment, mode: Mode, unanswered: list[str], med_flags: bool,
                  call_today: bool = False) -> str:
    if a.urgency != "emergency" and call_today:
        # a medicine held or to be discussed today: the banner asks for that call, so the page's first line and
        # the medicine list say the same thing
        return URGENCY_MEDICINE_TODAY[mode]
    if a.urgency == "routine" and unanswered:
        return URGENCY_ROUTINE_UNANSWERED[mode]
    if a.urgency == "routine" and med_flags:
        return URGENCY_ROUTINE_MEDICINE[mode]
    if a.urgency == "emergency" and getattr(a, "emergency_act", None):
        return URGENCY[f"emergency_{a.emergency_act}"][mode]
    return URGENCY[a.urgency][mode]


CALL_LINE = {
    "now": "now, or the nearest emergency vet service.",
    "today": "now so your dog can be seen today. If you cannot reach them, or your dog gets worse, go to the "
             "nearest emergency vet service.",
}
"""How the emergency handout ends its "Call the clinic" line, by the emergency's tier."""


def _handout_text(text: str, drop_all_clear: bool) -> str:
    """An option's handout wording (`handout` in options.yaml, written to be printed whole: a shortened text
    must never change meaning, issue 23), without an all-clear sentence when a category could not be assessed."""
    if not drop_all_clear:
        return text
    return " ".join(x for x in re.split(r"(?<=[.!?])\s+", text) if not x.startswith(ALL_CLEAR_SENTENCES))


def _medicines(catalogue: Catalogue, assessment: Assessment, answers: Mapping[str, Any],
               mode: Mode) -> list[dict[str, Any]]:
    """One line per medicine with an instruction of its own; the medicines to keep giving as usual share one
    line (the handout's two pages hold a long medicine list)."""
    lines = medicine_instructions(catalogue, assessment, answers)
    name = (lambda ln: ln.owner_name) if mode == "owner" else (lambda ln: ln.tech_name)  # noqa: E731
    out = [{"name": name(ln), "text": ln.text(mode), "action": ln.action, "because": list(ln.because)}
           for ln in lines if ln.action != "continue"]
    kept = [name(ln) for ln in lines if ln.action == "continue"]
    if kept:
        words = catalogue.medicine_instructions["continue"]
        names = kept[0] if len(kept) == 1 else ", ".join(kept[:-1]) + " and " + kept[-1]
        text = (words.owner if mode == "owner" else words.tech).replace("{medicine}", names)
        out.append({"name": names, "text": text, "action": "continue", "because": []})
    return out


def _draft(catalogue: Catalogue, meta: ReportMeta, answers: Mapping[str, Any],
           shown: Callable[[], list[str]]) -> Any:
    """For an intake not completed: how far it got (answered of asked, and the section it stopped in)."""
    if meta.status in ("completed", "amended"):
        return None
    visible = shown()
    answered = sum(1 for i in visible if answers.get(i) is not None)
    section = None
    if meta.position:
        section = next((s.title.for_mode("tech") for s in catalogue.sections
                        if any(i.id == meta.position for i in s.items)), None)
    where = f", stopped in {section}" if section else ""
    return {"answered": answered, "asked": len(visible), "section": section,
            "text": f"DRAFT: intake not completed ({answered} of {len(visible)} questions answered{where})."}


def build_context(kind: Kind, catalogue: Catalogue, assessment: Assessment, answers: Mapping[str, Any],
                  plan: Plan, meta: ReportMeta | None = None) -> dict[str, Any]:
    """The data one document shows. `kind` picks the audience: the vet (previsit) or the owner (handout)."""
    from vettriage.engine.answers import visible_items

    meta = meta or ReportMeta()
    mode: Mode = "tech" if kind == "previsit" else "owner"
    # The branching walk is needed only for a draft's progress and for Assessments without the engine's own
    # counts: done once, when first asked for (bench/render.py measures a report in about a millisecond).
    walked: list[list[str]] = []

    def shown() -> list[str]:
        if not walked:
            walked.append(visible_items(catalogue, answers))
        return walked[0]

    def visible() -> set[str]:
        return set(shown())
    dog_items = [i for s in catalogue.sections if s.id == "dog" for i in s.items]
    name = answers.get(NAME_ITEM)
    name = name if isinstance(name, str) and name.strip() and name != UNKNOWN else "your dog"
    signalment = [{"label": i.text.for_mode(mode).rstrip("?"),
                   "value": format_answer(catalogue, i.id, answers[i.id], mode)}
                  for i in dog_items if i.id != NAME_ITEM and answers.get(i.id) is not None]
    tried = [_qa(catalogue, i, answers[i], mode) for i in TRIED_ITEMS if answers.get(i) is not None]
    texts = [_qa(catalogue, i.id, answers[i.id], mode) for s in catalogue.sections if s.id != "dog"
             for i in s.items if i.type == "text" and i.id not in TRIED_ITEMS
             and isinstance(answers.get(i.id), str) and answers[i.id] != UNKNOWN and answers[i.id].strip()]
    # The owner's own words are kept apart from what a technician typed: in technician mode only the owner's
    # account item is the owner's (recorded verbatim); every other free text is the technician's note.
    by_owner = meta.mode == "owner"
    owner_words = [t for t in texts if by_owner or t["id"] == OWNER_ACCOUNT_ITEM]
    tech_notes = [t for t in texts if not by_owner and t["id"] != OWNER_ACCOUNT_ITEM]
    engine_unanswered = getattr(assessment, "red_flags_unanswered", None)
    if engine_unanswered is not None:  # asked = answered (hidden ones are never kept) + unanswered
        rf_unanswered = list(engine_unanswered)
        rf_asked = sum(1 for i in _red_flag_item_ids(catalogue) if answers.get(i) is not None) + len(rf_unanswered)
    else:
        rf_items = [i for i in _red_flag_item_ids(catalogue) if i in visible()]
        rf_unanswered = [i for i in rf_items if answers.get(i) is None]
        rf_asked = len(rf_items)
    findings = _findings(catalogue, assessment, answers, mode, visible)
    medicines = _medicines(catalogue, assessment, answers, mode)
    any_not_assessed = any(f["not_assessed"] for f in findings)
    options = page1.document_options(catalogue, assessment, plan)
    option_ids = [o.id for o in options]
    vet = (page1.vet_page1(catalogue, assessment, answers, plan, meta, name, findings, owner_words, rf_unanswered)
           if kind == "previsit" else {})
    return {
        **vet,
        "kind": kind,
        "mode": mode,
        "clinic": meta.clinic,
        "dog_name": name,
        "owner_name": meta.owner_name,
        "signalment": signalment,
        "by": meta.by,
        "answered_as": "the owner" if by_owner else "a clinic team member",
        "completed_by": "the owner" if by_owner else "a technician",
        "who_told": WHO_TOLD[meta.mode],
        "by_owner": by_owner,
        "when": local_time(meta.when),
        "intake_id": meta.intake_id,
        "draft": _draft(catalogue, meta, answers, shown),
        "diary": meta.diary,
        "urgency": assessment.urgency,
        "urgency_text": _urgency_text(assessment, mode, rf_unanswered, bool(plan.medication_flags),
                                      any(m["action"] in ("hold", "call_today") for m in medicines)),
        "emergency_act": getattr(assessment, "emergency_act", None),
        "call_line": CALL_LINE[getattr(assessment, "emergency_act", None) or "now"],
        # one instruction per medicine the dog takes, the strictest any raised flag asks for (vettriage.medicines)
        "medicines": medicines,
        "red_flag_questions": rf_asked,
        "red_flags_unanswered": [_question(catalogue, i, mode) for i in rf_unanswered],
        "deferred": plan.deferred,
        "routine": plan.routine,
        # the owner's question answered when ketamine is not an option for this dog now (never in an emergency)
        "about_ketamine": (None if plan.deferred or plan.about_ketamine is None else
                           plan.about_ketamine.owner if mode == "owner" else plan.about_ketamine.tech),
        "now": plan.now,
        "findings": findings,
        "seen": [f for f in findings if f["level"] != "none"],
        "not_assessed": [f for f in findings if f["not_assessed"]],
        "ruled_out": [f for f in findings if f["level"] == "none" and not f["not_assessed"]],
        "history": _history(catalogue, answers),
        "ketamine_cautions": plan.ketamine_cautions,
        "ketamine_offered": "ketamine" in option_ids,
        "medication_flags": plan.medication_flags,
        "workup": plan.workup,
        "tried": tried,
        "owner_words": owner_words,
        "tech_notes": tech_notes,
        "notes": [n.tech if mode == "tech" else n.owner for n in assessment.notes],
        "notes_cited": [{"text": n.tech if mode == "tech" else n.owner, "source": _rule_sources(catalogue).get(n.rule)}
                        for n in assessment.notes],
        "options": options,
        "option_texts": {o.id: _handout_text(o.handout or o.owner_text, any_not_assessed) for o in options},
        # what still matters at home while an emergency defers the plan; options this dog's situation rules out
        "home": [h.owner if mode == "owner" else h.tech for h in getattr(plan, "home", ())],
        "withheld": getattr(plan, "withheld", []),
        "about_ketamine_questions": ([] if plan.deferred or plan.about_ketamine is None
                                     else list(getattr(plan.about_ketamine, "questions", []))),
        "call_at_once": [{"title": rf.title.owner, "action": rf.action.owner} for rf in catalogue.red_flags.values()
                         if getattr(rf, "call_list", True)],
        "diary_days": list(range(1, DIARY_DAYS + 1)),
        "diary_columns": DIARY_COLUMNS,
        "answered": assessment.answered,
        "unknown": assessment.unknown,
        "total_items": assessment.total_items,
        "content_version": assessment.content_version,
        # a stored intake of an older content version: its answers to changed questions, as they were asked
        "answered_under": meta.content_version or assessment.content_version,
        "asked_earlier": asked_earlier(catalogue, answers, meta.content_version, mode),
        # content packs this intake answered: their results and the licence note each output must print
        "packs": pack_results(catalogue, answers, assessment.scores),
        "content_hash": assessment.content_hash,
        "sources": _sources(catalogue, assessment, plan, options, vet.get("profile_scores", [])),
        "evidence_words": EVIDENCE_WORDS,
        # the vet's summary is read by the clinic: the decision-support line is worded for them, not the owner
        "disclaimer": DISCLAIMER_TECH if kind == "previsit" else DISCLAIMER,
        "changes": meta.changes,
        "withdrawn": meta.changes.withdrawn_lines("tech" if kind == "previsit" else "owner") if meta.changes else [],
        "amendments": meta.changes.amendment_lines() if meta.changes else [],
    }
