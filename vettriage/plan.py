"""The care plan: an Assessment turned into ordered care options, multimodal first and ketamine last.

`make_plan` is pure: which options are offered, and which cautions each carries, is data in `options.yaml`
(`offer_when`, `caution_when`, `cautions`), evaluated with the engine's compiled conditions. An emergency
defers the plan: it then says only what to do now and offers nothing, ketamine least of all.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict

from vettriage.content.catalogue import Catalogue
from vettriage.content.models import CareOption, Flag
from vettriage.engine.assessment import Assessment
from vettriage.engine.conditions import LEVEL_RANK, Test, compile_condition, compiled

KETAMINE = "ketamine"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlanCaution(_Model):
    """A ketamine caution or medication-safety flag raised for this dog, in both audiences' words.

    On an option other than ketamine, a ketamine caution's detail (which is about ketamine) would mislead, so
    it appears as kind "condition": the condition's name and a pointer to the option's own cautions.
    """

    id: str
    kind: Literal["ketamine_caution", "medication_flag", "condition"]
    title: str
    detail: str
    owner_title: str
    owner_detail: str


class PlanOption(_Model):
    """One offered care option. `title` is the owner's wording, used as the option's name in every document.

    `cautions` are the raised flags the option names; `caution_by_condition` says its own `caution_when`
    held (e.g. a current medicine that interacts); `cautioned` is either.
    """

    id: str
    title: str
    vet_title: str
    category: str
    order: int
    evidence: str
    evidence_reason: str
    owner_text: str
    vet_text: str
    cautions: list[PlanCaution]
    cautioned: bool
    caution_by_condition: bool
    questions: list[str]
    source: str
    source_title: str
    source_url: str | None


class NowStep(_Model):
    """An emergency sign that was reported, and what to do about it now."""

    id: str
    title: str
    action: str
    vet_title: str
    vet_action: str


class WorkupStep(_Model):
    """A suggested work-up step, in both audiences' words."""

    id: str
    title: str
    detail: str
    owner_title: str
    owner_detail: str


class AboutOption(_Model):
    """The short answer about an option owners ask for (ketamine) when it is not offered: why not, for this dog
    now, and what comes first. Never an option: documents show it apart, unstyled."""

    id: str
    owner: str
    tech: str


class Plan(_Model):
    """The ordered care options for one Assessment, or (when `deferred`) only what to do now.

    `about_ketamine` is set exactly when ketamine is not among the options."""

    deferred: bool
    routine: bool
    urgency: str
    now: list[NowStep]
    options: list[PlanOption]
    ketamine_cautions: list[PlanCaution]
    medication_flags: list[PlanCaution]
    workup: list[WorkupStep]
    about_ketamine: AboutOption | None
    content_version: str
    content_hash: str

    @property
    def titles(self) -> list[str]:
        """The option titles in plan order (each appears in every document, in this order)."""
        return [o.title for o in self.options]


class _Ctx:
    """The evaluation context the compiled conditions expect, rebuilt from a finished Assessment."""

    __slots__ = ("answers", "hidden", "scores", "levels", "levels_hi", "red_flags", "red_flags_maybe")

    def __init__(self, assessment: Assessment, answers: Mapping[str, Any]) -> None:
        self.answers = answers
        # The plan acts on what the Assessment concluded: its levels and red flags are settled, not bounds.
        self.hidden: frozenset[str] = getattr(answers, "hidden", frozenset())
        self.scores = {k: (s.low if s.low is not None else s.value if s.value is not None else 0.0,
                           s.high if s.high is not None else s.value if s.value is not None else 0.0)
                       for k, s in assessment.scores.items()}
        self.levels = {c: LEVEL_RANK[r.level] for c, r in assessment.categories.items()}
        self.levels_hi = self.levels
        self.red_flags = set(assessment.red_flag_ids)
        self.red_flags_maybe: set[str] = set()


# Plan parts are built with model_construct: every value comes from content that was validated at load, and
# validating it again per report cost more than rendering the report.


def _caution(flag: Flag, kind: Literal["ketamine_caution", "medication_flag"]) -> PlanCaution:
    return PlanCaution.model_construct(id=flag.id, kind=kind, title=flag.title.tech, detail=flag.detail.tech,
                       owner_title=flag.title.owner, owner_detail=flag.detail.owner)


def _as_condition(c: PlanCaution) -> PlanCaution:
    return PlanCaution.model_construct(
        id=c.id, kind="condition", title=c.title,
        detail="reported for this dog; weigh it against this option's cautions above.",
        owner_title=c.owner_title, owner_detail="you told us about this; ask your vet whether it matters here.")


_ANSWER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def _fill(text: str, answers: Mapping[str, Any]) -> str:
    """An option title naming an answer as {item_id} gets the answer (a whole number shown without ".0")."""
    def value(m: re.Match[str]) -> str:
        v = answers.get(m.group(1))
        return m.group(0) if v is None else f"{v:g}" if isinstance(v, float) else str(v)
    return _ANSWER.sub(value, text) if "{" in text else text


@cache
def _not_offered(catalogue: Catalogue) -> dict[str, tuple[tuple[Test | None, Any], ...]]:
    """Each option's `not_offered` reasons with their conditions compiled once per catalogue."""
    return {o.id: tuple((compile_condition(r.when) if r.when else None, r) for r in o.not_offered)
            for o in catalogue.options if o.not_offered}


def _about(catalogue: Catalogue, option_id: str, ctx: "_Ctx") -> AboutOption | None:
    for test, reason in _not_offered(catalogue).get(option_id, ()):
        if test is None or test(ctx):
            return AboutOption.model_construct(id=option_id, owner=reason.owner, tech=reason.tech)
    return None


def _option(catalogue: Catalogue, opt: CareOption, raised: dict[str, PlanCaution], flagged: bool,
            answers: Mapping[str, Any]) -> PlanOption:
    ref = catalogue.references[opt.source]
    cautions = [raised[c] for c in opt.cautions if c in raised]
    if opt.id != KETAMINE:
        cautions = [_as_condition(c) if c.kind == "ketamine_caution" else c for c in cautions]
    return PlanOption.model_construct(
        id=opt.id, title=_fill(opt.title.owner, answers), vet_title=_fill(opt.title.tech, answers),
        category=opt.category, order=opt.order,
        evidence=opt.evidence, evidence_reason=opt.evidence_reason, owner_text=opt.owner_text,
        vet_text=opt.vet_text, cautions=cautions, cautioned=flagged or bool(cautions),
        caution_by_condition=flagged,
        questions=list(opt.questions), source=ref.id, source_title=ref.title, source_url=ref.url,
    )


def make_plan(catalogue: Catalogue, assessment: Assessment, answers: Mapping[str, Any] | None = None) -> Plan:
    """The plan for `assessment`. `answers` (optional) lets option conditions test individual answers."""
    comp = compiled(catalogue)
    ctx = _Ctx(assessment, answers or {})
    ket = [_caution(catalogue.ketamine_cautions[i], "ketamine_caution")
           for i in assessment.caution_ids if i in catalogue.ketamine_cautions]
    med = [_caution(catalogue.medication_flags[i], "medication_flag")
           for i in assessment.medication_flag_ids if i in catalogue.medication_flags]
    raised = {c.id: c for c in ket}
    # A medication flag and a ketamine caution may share an id one day; the medication flag is the more
    # immediate safety matter for an option, so it wins.
    raised.update({c.id: c for c in med})
    workup = [WorkupStep.model_construct(id=w, title=s.title.tech, detail=s.detail.tech, owner_title=s.title.owner,
                         owner_detail=s.detail.owner)
              for w in assessment.workup if (s := catalogue.workup.get(w)) is not None]
    deferred = assessment.urgency == "emergency" or bool(assessment.red_flags)
    now = [NowStep.model_construct(id=rf.id, title=rf.title.owner, action=rf.action.owner, vet_title=rf.title.tech,
                   vet_action=rf.action.tech)
           for rf in (catalogue.red_flags.get(i) for i in assessment.red_flag_ids) if rf is not None]
    options: list[PlanOption] = []
    if not deferred:
        for opt in sorted(catalogue.options, key=lambda o: o.order):
            offer = comp.offer_when.get(opt.id)
            if offer is None or not offer(ctx):
                continue
            warn = comp.caution_when.get(opt.id)
            options.append(_option(catalogue, opt, raised, bool(warn and warn(ctx)), ctx.answers))
    # Content validation already keeps ketamine last; this keeps the promise even for a hand-edited folder.
    options.sort(key=lambda o: (o.id == KETAMINE, o.order))
    routine = not deferred and all(r.level == "none" for r in assessment.categories.values())
    about = None if any(o.id == KETAMINE for o in options) else _about(catalogue, KETAMINE, ctx)
    return Plan.model_construct(deferred=deferred, routine=routine, urgency=assessment.urgency, now=now, options=options,
                ketamine_cautions=ket, medication_flags=med, workup=workup, about_ketamine=about,
                content_version=catalogue.version, content_hash=catalogue.hash)
