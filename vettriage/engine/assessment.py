"""The Assessment: what the engine concludes from one set of answers, with the evidence behind each conclusion.

Its JSON form is a public format (stored records, exports, `vettriage assess --json`); `schemas/assessment.schema.json`
is generated from these models and a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any, Literal

from vettriage.record import Record, field, json_schema, record

Category = Literal["pain", "ccd", "medical"]
Level = Literal["none", "possible", "likely"]
Status = Literal["assessed", "incomplete", "not_assessed"]
Severity = Literal["mild", "moderate", "severe"]

SCHEMA_VERSION = 2
"""2: categories say how well they were assessed, scores are intervals, red-flag questions left unanswered are
listed. A version-1 record read back gets conservative defaults (`not_assessed`): it never reads as an all-clear."""


class _Model(Record):
    """Base of the Assessment's parts: plain slotted dataclasses (cheap to build, thousands per second), validated
    by pydantic only when stored JSON is read back (`Assessment.model_validate`)."""

    __slots__ = ()


# The engine builds these by the thousand per second, positionally: a call with keywords costs about 50 ns more
# per field. Each keeps its fields in the order the engine passes them (the Assessment, one per call, and with
# a defaulted field first, stays keyword-only).
part = record(frozen=False, kw_only=False)


@part
class AnswerEvidence(_Model):
    """One answer that made a rule fire."""

    item: str
    value: Any
    question: str
    owner_question: str | None = None
    """The question in the owner's wording (the handout's "what you told us")."""


@part
class ScoreEvidence(_Model):
    """One score that made a rule fire."""

    score: str
    value: float
    high: float | None = None
    """The highest the score could still be (unanswered inputs); equal to `value` when every input is known."""


@part
class Evidence(_Model):
    """Why a conclusion was drawn: the rule, the answers and scores behind it, and the rule's published source."""

    rule: str
    title: str
    answers: list[AnswerEvidence]
    scores: list[ScoreEvidence]
    source: str
    source_title: str
    source_url: str | None


@part
class DomainScore(_Model):
    """A computed score, with how many of its inputs were known.

    `low`..`high` is the interval the score could take once every unanswered input were filled: rules test it.
    `value` is for display: exact when every input is known, else the value over the known inputs when enough
    of them are known (`sufficient`, a display hint), else None."""

    id: str
    title: str
    value: float | None
    answered: int
    of: int
    sufficient: bool
    heuristic: str | None = None
    low: float | None = None
    high: float | None = None


@part
class CategoryResult(_Model):
    """One of pain, ccd, medical: its level, the scores that bear on it, the evidence that raised it, and the
    evidence that holds it back or qualifies it (e.g. CCD while pain is unexplained)."""

    level: Level
    scores: list[str]
    evidence: list[Evidence]
    limited_by: list[Evidence]
    status: Status = "not_assessed"
    """`assessed`: the answers decide the level (a finding reached, or every rule that could raise one ruled out);
    `incomplete`: no finding reached, but unanswered questions could have reached one; `not_assessed`: too
    little of the category answered to say anything (product heuristic: under a third of its questions)."""
    could_reach: Level = "none"
    """The highest level the unanswered questions could still lead to."""
    unanswered: int = 0
    """How many of this category's questions (asked for this dog) have no answer or "don't know"."""
    questions: int = 0
    """How many questions bear on this category for this dog."""
    deciding: list[str] = field(default_factory=list)
    """Unanswered items whose answers could raise the level: the questions to ask next."""
    positives: list[AnswerEvidence] = field(default_factory=list)
    """What was seen: the answers behind the rules that raised this category."""
    negatives: list[AnswerEvidence] = field(default_factory=list)
    """Key negatives, when the category is assessed at none: the answers that ruled it out."""
    severity: Severity | None = None
    """With a finding, how marked its signs are (mild / moderate / severe), when the content grades it: for CCD,
    the consensus severity of the signs, which is not a diagnosis (that needs the exclusion work-up)."""
    set_aside: list[str] = field(default_factory=list)
    """Items of this category whose answers another finding explains (e.g. pain explains less play): they were
    not counted towards it; re-screen them once that is treated."""


@part
class Hit(_Model):
    """A red flag, ketamine caution or medication flag that was raised, with its evidence."""

    id: str
    title: str
    evidence: list[Evidence]
    act: Literal["now", "today"] | None = None
    """A red flag's tier: `now` (go in without delay) or `today` (call now, seen the same day); None for
    cautions and medication flags."""


@part
class Note(_Model):
    """A remark for the vet and the owner (e.g. re-score cognition once pain is controlled)."""

    rule: str
    owner: str
    tech: str


@record(frozen=False)
class Assessment(_Model):
    """Decision support before a vet visit; never a diagnosis."""

    schema_version: int = SCHEMA_VERSION
    content_version: str
    content_hash: str
    urgency: Literal["emergency", "soon", "routine"]
    red_flags: list[Hit]
    categories: dict[Category, CategoryResult]
    primary: Category | None
    ketamine_cautions: list[Hit]
    medication_flags: list[Hit]
    notes: list[Note]
    workup: list[str]
    scores: dict[str, DomainScore]
    answered: int
    unknown: int
    total_items: int
    dropped: list[str]
    rules_fired: list[str] = field(default_factory=list)
    """The ids of every rule whose condition held, in the order they were tested (the audit trail)."""
    red_flags_unanswered: list[str] = field(default_factory=list)
    """Red-flag (emergency) questions asked for this dog with no answer ("don't know" is an answer). While any
    is listed, no output may say that no red flag was reported."""
    emergency_act: Literal["now", "today"] | None = None
    """When urgency is `emergency`, its tier: `now` if any red flag raised says go in now, else `today` (call
    now, seen the same day). None otherwise, and in records written before the tiers existed."""
    pain_kinds: list[Hit] = field(default_factory=list)
    """What kind of pain the answers point to (joint, spine, mouth, bone_cancer, acute, or unknown: not yet
    known), each with the answers behind it; never a diagnosis. Empty without a pain finding."""

    @property
    def red_flag_ids(self) -> list[str]:
        """The ids of the red flags raised."""
        return [h.id for h in self.red_flags]

    @property
    def caution_ids(self) -> list[str]:
        """The ids of the ketamine cautions raised."""
        return [h.id for h in self.ketamine_cautions]

    @property
    def pain_kind_ids(self) -> list[str]:
        """The ids of the pain kinds the answers point to."""
        return [h.id for h in self.pain_kinds]

    @property
    def medication_flag_ids(self) -> list[str]:
        """The ids of the medication flags raised."""
        return [h.id for h in self.medication_flags]


def assessment_json_schema() -> dict[str, Any]:
    """The JSON Schema of the Assessment, as committed in `schemas/assessment.schema.json`."""
    schema = json_schema(Assessment)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://vettriage.invalid/schemas/assessment.schema.json"
    schema["description"] = (
        "vettriage Assessment: decision support before a vet visit, never a diagnosis. "
        "Stable ids: red_flags[].id, ketamine_cautions[].id, medication_flags[].id, pain_kinds[].id, categories keys, "
        "scores keys."
    )
    _public_ids(schema)
    return schema


def _public_ids(schema: dict[str, Any]) -> None:
    """Each hit list names its public id vocabulary (content.models), so a consumer can validate the ids."""
    from vettriage.content.models import KETAMINE_CAUTION_IDS, MEDICATION_FLAG_IDS, PAIN_KIND_IDS, RED_FLAG_IDS

    for field, ids in (("red_flags", RED_FLAG_IDS), ("ketamine_cautions", KETAMINE_CAUTION_IDS),
                       ("medication_flags", MEDICATION_FLAG_IDS), ("pain_kinds", PAIN_KIND_IDS)):
        prop = schema["properties"][field]
        prop["items"] = {"allOf": [prop["items"], {"properties": {"id": {"enum": list(ids)}}}]}
