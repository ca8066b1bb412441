"""The Assessment: what the engine concludes from one set of answers, with the evidence behind each conclusion.

Its JSON form is a public format (stored records, exports, `vettriage assess --json`); `schemas/assessment.schema.json`
is generated from these models and a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Category = Literal["pain", "ccd", "medical"]
Level = Literal["none", "possible", "likely"]

SCHEMA_VERSION = 1


# BaseModel keeps its state in these slots; setting them through their descriptors skips BaseModel.__setattr__.
_SET_DICT = BaseModel.__dict__["__dict__"].__set__
_SET_FIELDS = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE = BaseModel.__dict__["__pydantic_private__"].__set__


def build(cls: type[BaseModel], **data: Any) -> Any:
    """Construct a model from values the engine already trusts, without validation.

    The same as `cls.model_construct(**data)` when every field is given (a test checks it), but several times
    cheaper: the engine builds dozens of these per assessment and must manage thousands of assessments a second.
    """
    obj = cls.__new__(cls)
    _SET_DICT(obj, data)
    _SET_FIELDS(obj, set(data))
    _SET_EXTRA(obj, None)
    _SET_PRIVATE(obj, None)
    return obj


class _Model(BaseModel):
    # defer_build keeps `vettriage assess` quick: the engine builds these with model_construct, so schemas are
    # only built when something validates or serialises.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class AnswerEvidence(_Model):
    """One answer that made a rule fire."""

    item: str
    value: Any
    question: str


class ScoreEvidence(_Model):
    """One score that made a rule fire."""

    score: str
    value: float


class Evidence(_Model):
    """Why a conclusion was drawn: the rule, the answers and scores behind it, and the rule's published source."""

    rule: str
    title: str
    answers: list[AnswerEvidence]
    scores: list[ScoreEvidence]
    source: str
    source_title: str
    source_url: str | None


class DomainScore(_Model):
    """A computed score, with how many of its inputs were known. `value` is None when data are insufficient."""

    id: str
    title: str
    value: float | None
    answered: int
    of: int
    sufficient: bool
    heuristic: str | None = None


class CategoryResult(_Model):
    """One of pain, ccd, medical: its level, the scores that bear on it, the evidence that raised it, and the
    evidence that holds it back or qualifies it (e.g. CCD while pain is unexplained)."""

    level: Level
    scores: list[str]
    evidence: list[Evidence]
    limited_by: list[Evidence]


class Hit(_Model):
    """A red flag, ketamine caution or medication flag that was raised, with its evidence."""

    id: str
    title: str
    evidence: list[Evidence]


class Note(_Model):
    """A remark for the vet and the owner (e.g. re-score cognition once pain is controlled)."""

    rule: str
    owner: str
    tech: str


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
    schema = Assessment.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://vettriage.invalid/schemas/assessment.schema.json"
    schema["description"] = (
        "vettriage Assessment: decision support before a vet visit, never a diagnosis. "
        "Stable ids: red_flags[].id, ketamine_cautions[].id, medication_flags[].id, categories keys, scores keys."
    )
    return schema
