"""The care plan: an Assessment turned into ordered care options, multimodal first and ketamine last.

`make_plan` is pure: which options are offered, and which cautions each carries, is data in `options.yaml`
(`offer_when`, `fits`, `for_situations`, `never_with`, `demote`, `caution_when`, `cautions`), evaluated with the
engine's compiled conditions and the Assessment's pain kinds, flags and caps. An emergency defers the plan: it
then says only what to do now, and the few instructions that still matter at home (`at_home`), and offers
nothing, ketamine least of all.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Literal, Mapping

from vettriage.content.catalogue import Catalogue
from vettriage.content.models import CareOption, Flag, Situation
from vettriage.engine.assessment import Assessment
from vettriage.engine.conditions import LEVEL_RANK, Test, compile_condition
from vettriage.record import Record, field, record

KETAMINE = "ketamine"


class _Model(Record):
    """Base of the plan's parts: frozen slotted dataclasses (vettriage.record), not pydantic models. Every value
    comes from content validated at load and an Assessment, so nothing is validated again, and a `report`
    process never imports pydantic (about 60-90 ms of its start)."""

    __slots__ = ()


_part = record(frozen=True, eq=True)  # a plan compares by value (the same answers give the same plan)


def _empty() -> Any:
    """A list field that defaults to a fresh empty list (one field object per field: the record names it)."""
    return field(default_factory=list)


@_part
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


@_part
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
    handout: str = ""
    """The handout's wording, printed whole (never cut)."""
    why: list[str] = _empty()
    """For the owner, said first with the option: why it sits where it does for this dog (moved down because of
    kidney disease...) or a strong caution (ketamine with heart disease)."""
    vet_why: list[str] = _empty()
    stop_signs: str | None = None
    """The medicine's stop-and-call signs for the owner, printed with the option in every document."""
    vet_stop_signs: str | None = None


@_part
class NowStep(_Model):
    """An emergency sign that was reported, and what to do about it now."""

    id: str
    title: str
    action: str
    vet_title: str
    vet_action: str


@_part
class WorkupStep(_Model):
    """A suggested work-up step, in both audiences' words."""

    id: str
    title: str
    detail: str
    owner_title: str
    owner_detail: str


@_part
class AboutOption(_Model):
    """The short answer about an option owners ask for (ketamine) when it is not offered: why not, for this dog
    now, and what comes first, with the questions to ask a clinic that offers it. Never an option: documents
    show it apart, unstyled."""

    id: str
    owner: str
    tech: str
    questions: list[str] = _empty()
    unsuitable: bool = False
    """The reason is a condition that makes the option unsuitable for this dog (not merely "not yet")."""


@_part
class HomeStep(_Model):
    """What still matters at home while an emergency defers the plan (keep cool, a harness, strict rest)."""

    id: str
    owner: str
    tech: str


@_part
class Withheld(_Model):
    """An option whose conditions held but that a situation of this dog keeps out of the plan (`never_with`)."""

    id: str
    title: str
    vet_title: str
    situation: str
    owner: str
    tech: str


@_part
class Plan(_Model):
    """The ordered care options for one Assessment, or (when `deferred`) only what to do now and `home`.

    `about_ketamine` is set only when ketamine is not among the options and the owner asked about it (the
    history item, or typed notes that mention it) or a pain finding exists (the option's `about_when`)."""

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
    home: list[HomeStep] = _empty()
    withheld: list[Withheld] = _empty()

    @property
    def titles(self) -> list[str]:
        """The option titles in plan order (each appears in every document, in this order)."""
        return [o.title for o in self.options]


class _Ctx:
    """The evaluation context the compiled conditions expect, rebuilt from a finished Assessment."""

    __slots__ = ("answers", "hidden", "scores", "levels", "levels_hi", "red_flags", "red_flags_maybe", "kinds",
                 "flags", "capped", "open_emergency")

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
        self.open_emergency = bool(getattr(assessment, "red_flags_unanswered", None))
        self.kinds = frozenset(h.id for h in getattr(assessment, "pain_kinds", ()))
        self.flags = frozenset([*assessment.caution_ids, *assessment.medication_flag_ids])
        self.capped = {c: frozenset(e.rule for e in r.limited_by) for c, r in assessment.categories.items()
                       if r.limited_by}


# Plan parts are built unvalidated: every value comes from content that was validated at load, and validating
# it again per report cost more than rendering the report.


def _caution(flag: Flag, kind: Literal["ketamine_caution", "medication_flag"]) -> PlanCaution:
    return PlanCaution(id=flag.id, kind=kind, title=flag.title.tech, detail=flag.detail.tech,
                       owner_title=flag.title.owner, owner_detail=flag.detail.owner)


def _as_condition(c: PlanCaution) -> PlanCaution:
    return PlanCaution(
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
def _option_tests(catalogue: Catalogue) -> tuple[dict[str, Test], dict[str, Test]]:
    """Each option's `offer_when` and `caution_when`, compiled once per catalogue: all the plan reads of the
    engine's compiled conditions (engine.conditions.compiled also works out every rule's items, ~1.3 ms that a
    `report` process would spend for nothing)."""
    memo: dict[int, Test] = {}
    return ({o.id: compile_condition(o.offer_when, memo) for o in catalogue.options if o.offer_when},
            {o.id: compile_condition(o.caution_when, memo) for o in catalogue.options if o.caution_when})


@cache
def _situation_tests(catalogue: Catalogue) -> dict[str, Test | None]:
    """Each situation's `when`, compiled once per catalogue."""
    return {k: compile_condition(x.when) if x.when else None for k, x in catalogue.situations.items()}


def _holds(catalogue: Catalogue, sid: str, ctx: "_Ctx", memo: dict[str, bool]) -> bool:
    """Whether situation `sid` holds for this dog: its condition true (undetermined is not enough), or one of
    its pain kinds, flags or capped category present in the Assessment."""
    got = memo.get(sid)
    if got is None:
        sit: Situation = catalogue.situations[sid]
        test = _situation_tests(catalogue)[sid]
        got = memo[sid] = bool(
            (test is not None and test(ctx) is True) or not ctx.kinds.isdisjoint(sit.pain_kinds)
            or not ctx.flags.isdisjoint(sit.flags)
            or (sit.capped is not None and bool(ctx.capped.get(sit.capped, frozenset()) - set(sit.capped_except)))
            or (sit.emergency_questions_open and ctx.open_emergency))
    return got


@cache
def _not_offered(catalogue: Catalogue) -> dict[str, tuple[tuple[Test | None, Any], ...]]:
    """Each option's `not_offered` reasons with their conditions compiled once per catalogue."""
    return {o.id: tuple((compile_condition(r.when) if r.when else None, r) for r in o.not_offered)
            for o in catalogue.options if o.not_offered}


@cache
def _about_tests(catalogue: Catalogue) -> dict[str, Test]:
    return {o.id: compile_condition(o.about_when) for o in catalogue.options if o.about_when}


def _asked(catalogue: Catalogue, opt: CareOption, ctx: "_Ctx") -> bool:
    """Whether the short answer about a withheld option is wanted: `about_when` holds, or a typed answer
    mentions the option (the owner asked)."""
    test = _about_tests(catalogue).get(opt.id)
    if test is not None and test(ctx) is True:
        return True
    if not opt.about_mentions:
        return test is None
    words = [w.lower() for w in opt.about_mentions]
    return any(isinstance(v, str) and any(w in v.lower() for w in words)
               for k, v in ctx.answers.items() if (i := catalogue.items.get(k)) is not None and i.type == "text")


def _about(catalogue: Catalogue, opt: CareOption, ctx: "_Ctx", memo: dict[str, bool]) -> AboutOption | None:
    """The first reason that holds; when it is one that makes the option unsuitable, every unsuitable reason
    that holds (an owner told "seizures" must not conclude that the glaucoma does not matter)."""
    reasons = _not_offered(catalogue).get(opt.id, ())

    def holds(test: Test | None, reason: Any) -> bool:
        if reason.situation is not None:
            return _holds(catalogue, reason.situation, ctx, memo)
        if reason.unfit:
            return not _fits(opt, ctx)
        return test is None or test(ctx) is True

    for test, reason in reasons:
        if not holds(test, reason):
            continue
        said = [r for t, r in reasons if r.unsuitable and holds(t, r)] if reason.unsuitable else [reason]
        return AboutOption(id=opt.id, owner=" ".join(r.owner for r in said),
                                           tech=" ".join(r.tech for r in said), questions=list(opt.questions),
                                           unsuitable=reason.unsuitable)
    return None


def _fits(opt: CareOption, ctx: "_Ctx") -> bool:
    """An option for some kinds of pain fits a dog whose pain is of one of them; a dog without a pain kind (no
    pain finding) is not restricted, so an option offered for other reasons (cognition) stays."""
    return not opt.fits or not ctx.kinds or not ctx.kinds.isdisjoint(opt.fits)


def _option(catalogue: Catalogue, opt: CareOption, raised: dict[str, PlanCaution], flagged: bool,
            answers: Mapping[str, Any], order: int, why: list[Situation]) -> PlanOption:
    ref = catalogue.references[opt.source]
    cautions = [raised[c] for c in opt.cautions if c in raised]
    if opt.id != KETAMINE:
        cautions = [_as_condition(c) if c.kind == "ketamine_caution" else c for c in cautions]
    return PlanOption(
        id=opt.id, title=_fill(opt.title.owner, answers), vet_title=_fill(opt.title.tech, answers),
        category=opt.category, order=order,
        evidence=opt.evidence, evidence_reason=opt.evidence_reason, owner_text=opt.owner_text,
        vet_text=opt.vet_text, cautions=cautions, cautioned=flagged or bool(cautions),
        caution_by_condition=flagged,
        questions=list(opt.questions), source=ref.id, source_title=ref.title, source_url=ref.url,
        handout=opt.handout, why=[w.why.owner for w in why], vet_why=[w.why.tech for w in why],
        stop_signs=opt.stop_signs.owner if opt.stop_signs else None,
        vet_stop_signs=opt.stop_signs.tech if opt.stop_signs else None,
    )


COMPLETE_SCREEN = "complete_screen"
ROUTINE_OPTION = "routine_senior_care"


def _complete_screen(catalogue: Catalogue) -> PlanOption:
    """The first option when no category could be assessed: complete the screen (product policy)."""
    ref = catalogue.references.get("product_policy")
    return PlanOption(
        id=COMPLETE_SCREEN, title="Answer the rest of the questions first",
        vet_title="Complete the screen first (no category could be assessed)", category="general", order=0,
        evidence="expert_consensus",
        evidence_reason="Product policy: too few answers to find or rule out pain, illness or cognitive decline.",
        owner_text=("Too few questions were answered to tell whether your dog shows signs of pain, illness or "
                    "brain ageing: this is not an all-clear. Please answer the rest, or go through them with the "
                    "clinic, before the visit."),
        vet_text=("No category could be assessed: neither a finding nor an all-clear. Complete the screen (see "
                  "'Could not be assessed' for the questions that decide it) before choosing care."),
        cautions=[], cautioned=False, caution_by_condition=False, questions=[], source="product_policy",
        source_title=ref.title if ref else "vettriage product policy", source_url=None)


def make_plan(catalogue: Catalogue, assessment: Assessment, answers: Mapping[str, Any] | None = None) -> Plan:
    """The plan for `assessment`. `answers` (optional) lets option conditions test individual answers."""
    offer_when, caution_when = _option_tests(catalogue)
    ctx = _Ctx(assessment, answers or {})
    memo: dict[str, bool] = {}
    ket = [_caution(catalogue.ketamine_cautions[i], "ketamine_caution")
           for i in assessment.caution_ids if i in catalogue.ketamine_cautions]
    med = [_caution(catalogue.medication_flags[i], "medication_flag")
           for i in assessment.medication_flag_ids if i in catalogue.medication_flags]
    raised = {c.id: c for c in ket}
    # A medication flag and a ketamine caution may share an id one day; the medication flag is the more
    # immediate safety matter for an option, so it wins.
    raised.update({c.id: c for c in med})
    workup = [WorkupStep(id=w, title=s.title.tech, detail=s.detail.tech, owner_title=s.title.owner,
                         owner_detail=s.detail.owner)
              for w in assessment.workup if (s := catalogue.workup.get(w)) is not None]
    deferred = assessment.urgency == "emergency" or bool(assessment.red_flags)
    now = [NowStep(id=rf.id, title=rf.title.owner, action=rf.action.owner, vet_title=rf.title.tech,
                   vet_action=rf.action.tech)
           for rf in (catalogue.red_flags.get(i) for i in assessment.red_flag_ids) if rf is not None]
    holds = lambda sid: _holds(catalogue, sid, ctx, memo)  # noqa: E731
    options: list[PlanOption] = []
    withheld: list[Withheld] = []
    home: list[HomeStep] = []
    for opt in sorted(catalogue.options, key=lambda o: o.order):
        offer = offer_when.get(opt.id)
        if opt.offer_when is not None and (offer is None or offer(ctx) is not True):
            continue
        if opt.offer_when is None and not opt.for_situations:
            continue
        if opt.for_situations and not any(holds(x) for x in opt.for_situations):
            continue
        if not _fits(opt, ctx):
            continue
        blocked = next((x for x in opt.never_with if holds(x)), None)
        if blocked is not None:
            sit = catalogue.situations[blocked]
            withheld.append(Withheld(
                id=opt.id, title=_fill(opt.title.owner, ctx.answers), vet_title=_fill(opt.title.tech, ctx.answers),
                situation=blocked, owner=sit.why.owner, tech=sit.why.tech))
            continue
        if deferred:
            # Only what still matters at home is kept: the options themselves wait for the emergency.
            if opt.at_home is not None:
                home.append(HomeStep(id=opt.id, owner=opt.at_home.owner, tech=opt.at_home.tech))
            continue
        order, why = opt.order, []
        for d in opt.demote:
            hit = [catalogue.situations[x] for x in d.situations if holds(x)]
            if hit:
                order = max(order, d.order)
                why += [w for w in hit if w not in why]
        why += [catalogue.situations[x] for x in opt.warn_with if holds(x) and catalogue.situations[x] not in why]
        warn = caution_when.get(opt.id)
        options.append(_option(catalogue, opt, raised, bool(warn and warn(ctx)), ctx.answers, order, why))
    # Ketamine last whatever a demotion did; then by (possibly demoted) order, the content's order breaking ties.
    options.sort(key=lambda o: (o.id == KETAMINE, o.order))
    routine = not deferred and all(r.level == "none" for r in assessment.categories.values())
    if routine and not any(r.status == "assessed" for r in assessment.categories.values()):
        # nothing found and nothing ruled out: routine wellness would read as an all-clear (issue 26)
        options = [_complete_screen(catalogue)] + [o for o in options if o.id != ROUTINE_OPTION]
    about = None
    if not any(o.id == KETAMINE for o in options):
        ket_opt = next((o for o in catalogue.options if o.id == KETAMINE), None)
        if ket_opt is not None and _asked(catalogue, ket_opt, ctx):
            about = _about(catalogue, ket_opt, ctx, memo)
    return Plan(deferred=deferred, routine=routine, urgency=assessment.urgency, now=now, options=options,
                ketamine_cautions=ket, medication_flags=med, workup=workup, about_ketamine=about,
                content_version=catalogue.version, content_hash=catalogue.hash, home=home,
                withheld=[] if deferred else withheld)
