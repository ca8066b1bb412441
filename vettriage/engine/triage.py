"""assess(): answers → scores → rules in file order → Assessment. Pure: no I/O, no Textual."""

from __future__ import annotations

from functools import cache
from typing import Any, Mapping

from vettriage.content.catalogue import Catalogue
from vettriage.content.models import UNKNOWN, Rule
from vettriage.engine.answers import Answers, validate_answers, visible_items
from vettriage.engine.assessment import (
    AnswerEvidence, Assessment, CategoryResult, Evidence, Hit, Note, ScoreEvidence,
)
from vettriage.engine.conditions import LEVEL_RANK, compiled
from vettriage.engine.scoring import compute_scores

CATEGORIES = ("pain", "ccd", "medical")
LEVEL_NAMES = ("none", "possible", "likely")
# When two categories stand at the same level with as much evidence, the one a vet addresses first wins:
# pain and medical illness come before CCD, which is a diagnosis of exclusion.
TIE_ORDER = {"pain": 0, "medical": 1, "ccd": 2}


class _Ctx:
    __slots__ = ("answers", "scores", "levels", "red_flags")

    def __init__(self, answers: Mapping[str, Any], scores: dict[str, float | None]) -> None:
        self.answers = answers
        self.scores = scores
        self.levels: dict[str, int] = {}
        self.red_flags: set[str] = set()


def assess(catalogue: Catalogue, answers: Answers | Mapping[str, Any]) -> Assessment:
    """Assess one set of answers (raw answers are validated first and may raise InputError)."""
    if not isinstance(answers, Answers):
        answers = validate_answers(catalogue, answers)
    values = answers.values
    scores = compute_scores(catalogue, values)
    ctx = _Ctx(values, {k: s.value for k, s in scores.items()})
    comp = compiled(catalogue)

    raised = dict.fromkeys(CATEGORIES, 0)
    caps = dict.fromkeys(CATEGORIES, 2)
    cat_evidence: dict[str, list[Evidence]] = {c: [] for c in CATEGORIES}
    cat_limits: dict[str, list[Evidence]] = {c: [] for c in CATEGORIES}
    hits: dict[str, dict[str, list[Evidence]]] = {"red": {}, "ket": {}, "med": {}}
    notes: list[Note] = []
    workup: list[str] = []
    soon = False
    seen: dict[tuple[str, Any], AnswerEvidence] = {}

    for rule, test in comp.rules:
        if not test(ctx):
            continue
        eff = rule.then
        # Evidence is kept only for conclusions (flags, findings, limits); a rule that only adds a note,
        # work-up or urgency is named by its id, so its evidence would be built for nothing.
        if eff.red_flag or eff.finding or eff.cap or eff.ketamine_caution or eff.medication_flag:
            ev = _evidence(catalogue, rule, ctx, comp, seen)
        if eff.red_flag:
            hits["red"].setdefault(eff.red_flag, []).append(ev)
            ctx.red_flags.add(eff.red_flag)
        if eff.finding:
            raised[eff.finding] = max(raised[eff.finding], LEVEL_RANK[eff.level])  # type: ignore[index]
            cat_evidence[eff.finding].append(ev)
        if eff.cap:
            caps[eff.cap] = min(caps[eff.cap], LEVEL_RANK[eff.cap_level])  # type: ignore[index]
            cat_limits[eff.cap].append(ev)
        if eff.finding or eff.cap:
            for c in {eff.finding, eff.cap} - {None}:
                ctx.levels[c] = min(raised[c], caps[c])  # type: ignore[index]
        if eff.ketamine_caution:
            hits["ket"].setdefault(eff.ketamine_caution, []).append(ev)
        if eff.medication_flag:
            hits["med"].setdefault(eff.medication_flag, []).append(ev)
        if eff.urgency == "soon":
            soon = True
        for w in eff.workup:
            if w not in workup:
                workup.append(w)
        if eff.note:
            notes.append(Note(rule=rule.id, owner=eff.note.owner, tech=eff.note.tech))

    levels = {c: min(raised[c], caps[c]) for c in CATEGORIES}
    categories = {
        c: CategoryResult(level=LEVEL_NAMES[levels[c]],
            scores=list(_category_scores(catalogue)[c]),
            evidence=cat_evidence[c],
            limited_by=cat_limits[c],
        )
        for c in CATEGORIES
    }
    ranked = sorted((c for c in CATEGORIES if levels[c] > 0),
                    key=lambda c: (-levels[c], -len(cat_evidence[c]), TIE_ORDER[c]))
    urgency = "emergency" if hits["red"] else "soon" if soon else "routine"
    unknown = sum(1 for v in values.values() if v == UNKNOWN)
    asked = answers.asked if answers.asked is not None else len(visible_items(catalogue, values))
    return Assessment(schema_version=1,
        content_version=catalogue.version,
        content_hash=catalogue.hash,
        urgency=urgency,
        red_flags=_hits(hits["red"], catalogue.red_flags),
        categories=categories,
        primary=ranked[0] if ranked else None,
        ketamine_cautions=_hits(hits["ket"], catalogue.ketamine_cautions),
        medication_flags=_hits(hits["med"], catalogue.medication_flags),
        notes=notes,
        workup=workup,
        scores=scores,
        answered=len(values) - unknown,
        unknown=unknown,
        total_items=asked,
        dropped=list(answers.dropped),
    )


@cache
def _category_scores(catalogue: Catalogue) -> dict[str, list[str]]:
    return {c: [s.id for s in catalogue.scores if s.category == c] for c in CATEGORIES}


def _evidence(catalogue: Catalogue, rule: Rule, ctx: _Ctx, comp: Any,
              seen: dict[tuple[str, Any], AnswerEvidence]) -> Evidence:
    item_ids, score_ids = comp.evidence[rule.id](ctx)
    ref = catalogue.references[rule.source]
    questions = _questions(catalogue)
    answers = []
    for i in item_ids:
        value = ctx.answers.get(i)
        # one AnswerEvidence per answer and assessment, shared by every rule that cites it
        key = (i, tuple(value) if isinstance(value, list) else value)
        ae = seen.get(key)
        if ae is None:
            ae = seen[key] = AnswerEvidence(item=i, value=value, question=questions[i])
        answers.append(ae)
    return Evidence(rule=rule.id,
        title=rule.title,
        answers=answers,
        scores=[ScoreEvidence(score=s, value=ctx.scores[s]) for s in score_ids
                if ctx.scores.get(s) is not None],
        source=ref.id, source_title=ref.title, source_url=ref.url,
    )


@cache
def _questions(catalogue: Catalogue) -> dict[str, str]:
    return {i.id: i.text.tech for i in catalogue.items.values()}


def _hits(found: dict[str, list[Evidence]], table: Mapping[str, Any]) -> list[Hit]:
    """Hits in the order the content defines them, so reports list them the same way every time."""
    return [Hit(id=k, title=table[k].title.tech, evidence=found[k]) for k in table if k in found]
