"""Everything a document shows, gathered once into plain data, so the HTML and Markdown templates of one
document walk the same lists in the same order (same content, same order in every format).

Pure: an Assessment, the answers, the Catalogue, the Plan and some metadata in; a dict out. No Jinja2 here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, Mapping

from vettriage import DISCLAIMER
from vettriage.content.asked import asked_earlier
from vettriage.content.catalogue import Catalogue
from vettriage.content.models import UNKNOWN, Mode
from vettriage.content.packs import pack_results
from vettriage.engine.assessment import Assessment
from vettriage.plan import Plan

Kind = Literal["previsit", "handout"]

CATEGORY_ORDER = ("pain", "medical", "ccd")
CATEGORY_LABELS = {
    "pain": {"owner": "Signs of pain", "tech": "Chronic pain"},
    "medical": {"owner": "Signs that may come from an illness", "tech": "Medical illness"},
    "ccd": {"owner": "Signs of brain ageing (cognitive decline: changes in memory, sleep and behaviour)",
            "tech": "Canine cognitive dysfunction (CCD)"},
}
LEVEL_WORDS = {
    "owner": {"possible": "possible", "likely": "likely", "none": "not seen"},
    "tech": {"possible": "possible", "likely": "likely", "none": "none"},
}
URGENCY = {
    "emergency": {
        "owner": "EMERGENCY: call your vet or the nearest emergency clinic now.",
        "tech": "EMERGENCY: red flag reported. Advise immediate presentation; the care plan is deferred.",
    },
    "soon": {
        "owner": "Please book a vet visit soon: within days, not weeks.",
        "tech": "SOON: book a prompt (non-routine) appointment.",
    },
    "routine": {
        "owner": "No urgent signs were reported. Book a normal visit with your vet.",
        "tech": "ROUTINE: no red flag reported.",
    },
}
EVIDENCE_WORDS = {
    "strong": {"owner": "strong: several good studies or official approval", "tech": "strong"},
    "moderate": {"owner": "moderate: at least one good study", "tech": "moderate"},
    "weak": {"owner": "weak: only small or early studies", "tech": "weak"},
    "negative": {"owner": "negative: a good study found it did not help", "tech": "negative"},
    "expert_consensus": {"owner": "expert advice: agreed by specialists, not tested in trials",
                         "tech": "expert consensus"},
}
# Items shown under "what has been tried" (when the content has them), in this order.
TRIED_ITEMS = ("med_current", "pain_tried", "pain_tried_response", "pain_tried_notes")
# Signalment items shown in the header but not repeated in the details list.
NAME_ITEM = "dog_name"
DIARY_DAYS = 14
DIARY_COLUMNS = ("Mobility", "Sleep", "Appetite", "Engagement")


@dataclass(frozen=True)
class ReportMeta:
    """Who answered, in which mode, and when; the intake id when it came from the store."""

    by: str = "owner"
    mode: Mode = "owner"
    when: dt.datetime | None = None
    intake_id: int | None = None
    content_version: str | None = None
    """The content version the intake was answered under (stored with it); None means today's."""


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
    return {"id": item_id, "question": question, "answer": format_answer(catalogue, item_id, value, mode)}


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


def _behind_scores(catalogue: Catalogue, score_ids: list[str], answers: Mapping[str, Any], mode: Mode,
                   limit: int = 8) -> list[dict[str, str]]:
    """The answers behind the scores that made a rule fire: the items rated above zero, highest first."""
    rated = []
    for sid in score_ids:
        for i in _score_items(catalogue, sid):
            v = answers.get(i)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0:
                rated.append((v, i))
    rated.sort(key=lambda t: -t[0])
    seen = dict.fromkeys(i for _, i in rated)
    return [_qa(catalogue, i, answers[i], mode) for i in list(seen)[:limit]]


def _findings(catalogue: Catalogue, a: Assessment, answers: Mapping[str, Any], mode: Mode) -> list[dict[str, Any]]:
    out = []
    for cat in CATEGORY_ORDER:
        res = a.categories.get(cat)  # type: ignore[call-overload]
        if res is None:
            continue
        scores = []
        for sid in res.scores:
            s = a.scores.get(sid)
            if s is None:
                continue
            scores.append({"title": s.title, "value": s.value, "answered": s.answered, "of": s.of,
                           "sufficient": s.sufficient, "heuristic": s.heuristic})
        evidence = [{"title": ev.title, "source": ev.source} for ev in res.evidence]
        # Several rules often rest on the same answers: each answer and score value is listed once per finding,
        # the answers a rule tested directly first, then the rated items behind the scores it tested.
        direct: dict[str, Any] = {}
        score_values: dict[str, dict[str, Any]] = {}
        for ev in res.evidence:
            for x in ev.answers:
                direct.setdefault(x.item, x.value)
            for sc in ev.scores:
                if sc.score not in score_values:
                    title = a.scores[sc.score].title if sc.score in a.scores else sc.score
                    score_values[sc.score] = {"id": sc.score, "title": title, "value": sc.value}
        told = {i: _qa(catalogue, i, v, mode) for i, v in direct.items()}
        for qa in _behind_scores(catalogue, list(score_values), answers, mode):
            told.setdefault(qa["id"], qa)
        out.append({
            "id": cat, "label": CATEGORY_LABELS[cat][mode], "level": res.level,
            "level_word": LEVEL_WORDS[mode][res.level], "primary": a.primary == cat, "scores": scores,
            "evidence": evidence, "told": list(told.values()),
            "score_values": list(score_values.values()), "limited_by": [ev.title for ev in res.limited_by],
        })
    return out


def _sources(catalogue: Catalogue, a: Assessment, plan: Plan) -> list[dict[str, Any]]:
    """Every reference the document leans on, in order of first use."""
    ids: list[str] = []
    ids += [catalogue.red_flags[r].source for r in a.red_flag_ids if r in catalogue.red_flags]
    for cat in CATEGORY_ORDER:
        res = a.categories.get(cat)  # type: ignore[call-overload]
        ids += [ev.source for ev in (res.evidence if res else [])]
    ids += [catalogue.ketamine_cautions[c].source for c in a.caution_ids if c in catalogue.ketamine_cautions]
    ids += [catalogue.medication_flags[c].source for c in a.medication_flag_ids if c in catalogue.medication_flags]
    ids += [catalogue.workup[w.id].source for w in plan.workup if w.id in catalogue.workup]
    ids += [o.source for o in plan.options]
    seen = dict.fromkeys(i for i in ids if i in catalogue.references)
    return [{"id": r.id, "title": r.title, "url": r.url, "note": r.note}
            for r in (catalogue.references[i] for i in seen)]


def build_context(kind: Kind, catalogue: Catalogue, assessment: Assessment, answers: Mapping[str, Any],
                  plan: Plan, meta: ReportMeta | None = None) -> dict[str, Any]:
    """The data one document shows. `kind` picks the audience: the vet (previsit) or the owner (handout)."""
    meta = meta or ReportMeta()
    mode: Mode = "tech" if kind == "previsit" else "owner"
    dog_items = [i for s in catalogue.sections if s.id == "dog" for i in s.items]
    name = answers.get(NAME_ITEM)
    name = name if isinstance(name, str) and name.strip() and name != UNKNOWN else "your dog"
    signalment = [{"label": i.text.for_mode(mode).rstrip("?"), "value": format_answer(catalogue, i.id, answers[i.id], mode)}
                  for i in dog_items if i.id != NAME_ITEM and answers.get(i.id) is not None]
    tried = [_qa(catalogue, i, answers[i], mode) for i in TRIED_ITEMS if answers.get(i) is not None]
    words = [_qa(catalogue, i.id, answers[i.id], mode) for s in catalogue.sections if s.id != "dog"
             for i in s.items if i.type == "text" and i.id not in TRIED_ITEMS
             and isinstance(answers.get(i.id), str) and answers[i.id] != UNKNOWN and answers[i.id].strip()]
    when = meta.when
    return {
        "kind": kind,
        "mode": mode,
        "dog_name": name,
        "signalment": signalment,
        "by": meta.by,
        "answered_as": "the owner" if meta.mode == "owner" else "a clinic team member",
        "when": when.strftime("%Y-%m-%d %H:%M") + (" UTC" if when.utcoffset() == dt.timedelta(0) else "")
        if when else "not recorded",
        "intake_id": meta.intake_id,
        "urgency": assessment.urgency,
        "urgency_text": URGENCY[assessment.urgency][mode],
        "deferred": plan.deferred,
        "routine": plan.routine,
        "now": plan.now,
        "findings": _findings(catalogue, assessment, answers, mode),
        "ketamine_cautions": plan.ketamine_cautions,
        "medication_flags": plan.medication_flags,
        "workup": plan.workup,
        "tried": tried,
        "owner_words": words,
        "notes": [n.tech if mode == "tech" else n.owner for n in assessment.notes],
        "options": plan.options,
        "call_at_once": [{"title": rf.title.owner, "action": rf.action.owner} for rf in catalogue.red_flags.values()],
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
        "sources": _sources(catalogue, assessment, plan),
        "evidence_words": EVIDENCE_WORDS,
        "disclaimer": DISCLAIMER,
    }
