"""The Assessment: what the engine concludes from one set of answers, with the evidence behind each conclusion.

Its JSON form is a public format (stored records, exports, `vettriage assess --json`); `schemas/assessment.schema.json`
is generated from these models and a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any, Literal

from vettriage.record import Record, json_schema, record

Category = Literal["pain", "ccd", "medical"]
Level = Literal["none", "possible", "likely"]

SCHEMA_VERSION = 1


class _Model(Record):
    """Base of the Assessment's parts: plain slotted dataclasses (cheap to build, thousands per second), validated
    by pydantic only when stored JSON is read back (`Assessment.model_validate`)."""

    __slots__ = ()

    def __post_init__(self) -> None:  # the engine builds these from trusted values: no per-field checks
        pass


part = record(frozen=False)


@part
class AnswerEvidence(_Model):
    """One answer that made a rule fire."""

    item: str
    value: Any
    question: str


@part
class ScoreEvidence(_Model):
    """One score that made a rule fire."""

    score: str
    value: float


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
    """A computed score, with how many of its inputs were known. `value` is None when data are insufficient."""

    id: str
    title: str
    value: float | None
    answered: int
    of: int
    sufficient: bool
    heuristic: str | None = None


@part
class CategoryResult(_Model):
    """One of pain, ccd, medical: its level, the scores that bear on it, the evidence that raised it, and the
    evidence that holds it back or qualifies it (e.g. CCD while pain is unexplained)."""

    level: Level
    scores: list[str]
    evidence: list[Evidence]
    limited_by: list[Evidence]


@part
class Hit(_Model):
    """A red flag, ketamine caution or medication flag that was raised, with its evidence."""

    id: str
    title: str
    evidence: list[Evidence]


@part
class Note(_Model):
    """A remark for the vet and the owner (e.g. re-score cognition once pain is controlled)."""

    rule: str
    owner: str
    tech: str


@part
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

    @property
    def red_flag_ids(self) -> list[str]:
        """The ids of the red flags raised."""
        return [h.id for h in self.red_flags]

    @property
    def caution_ids(self) -> list[str]:
        """The ids of the ketamine cautions raised."""
        return [h.id for h in self.ketamine_cautions]

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
        "Stable ids: red_flags[].id, ketamine_cautions[].id, medication_flags[].id, categories keys, scores keys."
    )
    _public_ids(schema)
    return schema


def _public_ids(schema: dict[str, Any]) -> None:
    """Each hit list names its public id vocabulary (content.models), so a consumer can validate the ids."""
    from vettriage.content.models import KETAMINE_CAUTION_IDS, MEDICATION_FLAG_IDS, RED_FLAG_IDS

    for field, ids in (("red_flags", RED_FLAG_IDS), ("ketamine_cautions", KETAMINE_CAUTION_IDS),
                       ("medication_flags", MEDICATION_FLAG_IDS)):
        prop = schema["properties"][field]
        prop["items"] = {"allOf": [prop["items"], {"properties": {"id": {"enum": list(ids)}}}]}
