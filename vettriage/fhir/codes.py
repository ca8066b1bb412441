"""Canonical URLs, code systems and extension URLs of the FHIR mapping (docs/FHIR.md lists them all).

Plain strings, no `fhir.resources`: the command module may read them without paying for the models.
Our own systems live under BASE; `.invalid` is the reserved top-level domain, so these are names, never addresses
anyone could register or fetch.
"""

from __future__ import annotations

from typing import Literal

BASE = "https://vettriage.invalid/fhir"
"""Root of every canonical URL and code system that vettriage defines."""

Mode = Literal["owner", "tech"]


def questionnaire_url(mode: Mode) -> str:
    """The Questionnaire's canonical URL: one per wording, the items and linkIds are the same in both."""
    return f"{BASE}/Questionnaire/senior-dog-previsit-{mode}"


def questionnaire_version(content_version: str, content_hash: str) -> str:
    """`Questionnaire.version`: the content version, then (after '+') the first 12 hex digits of its hash."""
    return f"{content_version}+{content_hash[:12]}"


def split_canonical(canonical: str) -> tuple[str, str | None]:
    """`url|version` -> (url, version or None)."""
    url, sep, version = canonical.partition("|")
    return url, (version if sep else None)


CHART_SYSTEM = f"{BASE}/chart"
"""The chart numbers' identifier system when the clinic has not configured its own (`chart_system`)."""
DOG_ID_SYSTEM = f"{BASE}/dog"
"""Our own dog id (a secondary identifier: it means nothing outside this database)."""
CS_V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
"""HL7 v2 identifier types: `MR` (medical record number) marks the chart number."""

MODE_OF_URL = {questionnaire_url("owner"): "owner", questionnaire_url("tech"): "tech"}
"""The wording each of our Questionnaire URLs stands for (import accepts responses to either)."""

# --- our code systems ---------------------------------------------------------------------------------
CS_REFERENCES = f"{BASE}/CodeSystem/references"
"""Codes: the ids of questionnaires/references.yaml (an item's or a finding's published source)."""
CS_SCORE = f"{BASE}/CodeSystem/score"
"""Codes: our score ids (questionnaires/scores.yaml): `Observation.code`."""
CS_CATEGORY = f"{BASE}/CodeSystem/category"
"""Codes: pain, ccd, medical: `RiskAssessment.prediction.outcome`."""
CS_LEVEL = f"{BASE}/CodeSystem/level"
"""Codes: none, possible, likely: `RiskAssessment.prediction.qualitativeRisk`."""
CS_URGENCY = f"{BASE}/CodeSystem/urgency"
"""Codes: emergency, soon, routine: the first `RiskAssessment.prediction.outcome`."""
CS_RED_FLAG = f"{BASE}/CodeSystem/red-flag"
CS_MEDICATION_FLAG = f"{BASE}/CodeSystem/medication-flag"
CS_KETAMINE_CAUTION = f"{BASE}/CodeSystem/ketamine-caution"
CS_ASSESSMENT = f"{BASE}/CodeSystem/assessment"
"""Codes: `previsit-triage` (the RiskAssessment's code) and the score Observation components."""
CS_RULE = f"{BASE}/CodeSystem/rule"
"""Codes: our rule ids, as the evidence behind a finding or flag."""


def scale_system(scale_id: str) -> str:
    """The code system of one answer scale: codes are the scale's values written as text ("0".."3")."""
    return f"{BASE}/CodeSystem/scale-{scale_id}"


def options_system(item_id: str) -> str:
    """The code system of one choice or multi item's options: codes are the option values."""
    return f"{BASE}/CodeSystem/options-{item_id}"


# --- our extensions -----------------------------------------------------------------------------------
EXT_SOURCE = f"{BASE}/StructureDefinition/item-source"
"""On a Questionnaire item: the published source (valueCoding in CS_REFERENCES; display: its title)."""
EXT_ALLOW_UNKNOWN = f"{BASE}/StructureDefinition/allow-unknown"
"""On a Questionnaire item: valueBoolean false when "don't know" is not accepted (absent: it is)."""
EXT_CATEGORY_STATUS = f"{BASE}/StructureDefinition/category-status"
"""On a prediction: valueCode assessed | incomplete | not_assessed (present once the engine reports it)."""
EXT_PRIMARY = f"{BASE}/StructureDefinition/primary-category"
"""On a prediction: valueBoolean true for the category the engine names as primary."""
EXT_RED_FLAG_UNANSWERED = f"{BASE}/StructureDefinition/red-flag-unanswered"
"""On the RiskAssessment, repeated: valueString, the id of a red-flag question left without an answer."""

# --- HL7 extensions and code systems ------------------------------------------------------------------
HL7_EXT = "http://hl7.org/fhir/StructureDefinition"
EXT_ANIMAL = f"{HL7_EXT}/patient-animal"
EXT_DATA_ABSENT = f"{HL7_EXT}/data-absent-reason"
"""On a QuestionnaireResponse item with no answer: valueCode `asked-unknown` is our "don't know"."""
DONT_KNOW = "asked-unknown"
EXT_MIN = f"{HL7_EXT}/minValue"
EXT_MAX = f"{HL7_EXT}/maxValue"
EXT_UNIT = f"{HL7_EXT}/questionnaire-unit"
EXT_ITEM_CONTROL = f"{HL7_EXT}/questionnaire-itemControl"
EXT_OPTION_EXCLUSIVE = f"{HL7_EXT}/questionnaire-optionExclusive"
EXT_ORDINAL = f"{HL7_EXT}/ordinalValue"
EXT_ENABLE_WHEN_EXPRESSION = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
CS_ITEM_CONTROL = "http://hl7.org/fhir/questionnaire-item-control"
CS_DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
CS_ANIMAL_SPECIES = "http://hl7.org/fhir/animal-species"
CS_ANIMAL_GENDER_STATUS = "http://hl7.org/fhir/animal-genderstatus"
SNOMED = "http://snomed.info/sct"
DOG_SNOMED = ("448771007", "Canis lupus subsp. familiaris (organism)")
UCUM = "http://unitsofmeasure.org"
UCUM_UNITS = {"kg": "kg", "years": "a", "months": "mo", "days": "d", "weeks": "wk"}
"""Our units written in UCUM; any other unit is a UCUM annotation, e.g. `{seizures}` (a count)."""


def ucum(unit: str) -> str:
    """The UCUM code of one of our units."""
    return UCUM_UNITS.get(unit, "{" + unit.replace("}", "").replace("{", "") + "}")
