"""The Assessment (its stored JSON) as FHIR resources a receiving system understands.

- `RiskAssessment`: the urgency as the first prediction, then one prediction per category (pain, ccd, medical)
  with its level and the rules behind it; `basis` points at the QuestionnaireResponse and at the score
  Observations the evidence cites.
- `Observation` per score, coded with our score id: a quantity, a range (low..high) when blanks leave the score
  an interval, or a data-absent-reason when nothing is known of it.
- `DetectedIssue` per medication-safety flag and per ketamine caution: each is a conflict between a drug (given,
  planned or asked about) and this dog's condition, which is what DetectedIssue is for.

The Assessment is read as the stored dict with `.get` defaults: records stored before the three-valued engine have
no category `status`, `red_flags_unanswered` or score `low`/`high`, and still export.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Callable

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.detectedissue import DetectedIssue, DetectedIssueEvidence
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.range import Range
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.riskassessment import RiskAssessment, RiskAssessmentPrediction

from vettriage import DISCLAIMER
from vettriage.content.catalogue import Catalogue
from vettriage.fhir import codes

CATEGORY_TITLES = {"pain": "Pain", "ccd": "Cognitive decline (CCD)", "medical": "Medical illness"}
URGENCY_TITLES = {"emergency": "Emergency: see a vet now", "soon": "See a vet soon", "routine": "Routine visit"}
SURVEY = Coding(system="http://terminology.hl7.org/CodeSystem/observation-category", code="survey",
                display="Survey")


def _concept(system: str, code: str, display: str | None, text: str | None = None) -> CodeableConcept:
    return CodeableConcept(coding=[Coding(system=system, code=code, display=display)], text=text or display)


def _decimal(value: Any) -> Decimal:
    return Decimal(str(round(float(value), 4)))


def _score_quantity(value: Any) -> Quantity:
    return Quantity(value=_decimal(value), unit="score", system=codes.UCUM, code="{score}")


def score_observation(score: dict[str, Any], *, resource_id: str, patient: Reference, response: Reference,
                      when: dt.datetime) -> Observation:
    """One score as an Observation coded with our score id."""
    value, low, high = score.get("value"), score.get("low"), score.get("high")
    kwargs: dict[str, Any] = {}
    if low is not None and high is not None and low != high:
        kwargs["valueRange"] = Range(low=_score_quantity(low), high=_score_quantity(high))
    elif value is not None or low is not None:
        kwargs["valueQuantity"] = _score_quantity(value if value is not None else low)
    else:
        kwargs["dataAbsentReason"] = _concept(codes.CS_DATA_ABSENT, "unknown", "Unknown",
                                              "not enough answers to compute this score")
    components = [ObservationComponent(code=_concept(codes.CS_ASSESSMENT, code, display), valueInteger=score[key])
                  for key, code, display in (("answered", "inputs-known", "Inputs known"),
                                             ("of", "inputs-total", "Inputs in total")) if key in score]
    return Observation(
        id=resource_id, status="final", category=[CodeableConcept(coding=[SURVEY])],
        code=_concept(codes.CS_SCORE, score["id"], score.get("title")), subject=patient, effectiveDateTime=when,
        derivedFrom=[response], component=components or None,
        note=[Annotation(text=score["heuristic"])] if score.get("heuristic") else None, **kwargs)


def _rationale(evidence: list[dict[str, Any]]) -> str:
    return "; ".join(f"{e.get('title', e.get('rule'))} [rule {e.get('rule')}, source {e.get('source')}]"
                     for e in evidence)


def risk_assessment(catalogue: Catalogue, assessment: dict[str, Any], mode: codes.Mode, *, resource_id: str,
                    patient: Reference, response: Reference, score_refs: dict[str, Reference],
                    when: dt.datetime) -> RiskAssessment:
    """Urgency and the three categories, with the evidence behind each."""
    urgency = assessment["urgency"]
    flags = assessment.get("red_flags") or []
    predictions = [RiskAssessmentPrediction(
        outcome=_concept(codes.CS_URGENCY, urgency, URGENCY_TITLES.get(urgency, urgency)),
        rationale=("Red flags: " + "; ".join(
            f"{h.get('title')} ({catalogue.red_flags[h['id']].action.for_mode(mode)})" if h.get("id") in
            catalogue.red_flags else str(h.get("title")) for h in flags)) if flags else None)]
    cited: list[str] = []
    for cat, result in (assessment.get("categories") or {}).items():
        evidence, limited = result.get("evidence") or [], result.get("limited_by") or []
        for e in evidence + limited:
            cited += [s["score"] for s in e.get("scores") or () if s.get("score") not in cited]
        parts = []
        if evidence:
            parts.append("Raised by: " + _rationale(evidence))
        if limited:
            parts.append("Held back by: " + _rationale(limited))
        ext = []
        if result.get("status") is not None:
            ext.append(Extension(url=codes.EXT_CATEGORY_STATUS, valueCode=result["status"]))
        if assessment.get("primary") == cat:
            ext.append(Extension(url=codes.EXT_PRIMARY, valueBoolean=True))
        level = result.get("level", "none")
        predictions.append(RiskAssessmentPrediction(
            outcome=_concept(codes.CS_CATEGORY, cat, CATEGORY_TITLES.get(cat, cat)),
            qualitativeRisk=_concept(codes.CS_LEVEL, level, level), rationale=". ".join(parts) or None,
            extension=ext or None))
    notes = [Annotation(text=DISCLAIMER)]
    notes += [Annotation(text=n.get(mode) or n.get("tech") or "") for n in assessment.get("notes") or ()
              if n.get(mode) or n.get("tech")]
    workup = [catalogue.workup[w].title.for_mode(mode) if w in catalogue.workup else w
              for w in assessment.get("workup") or ()]
    if workup:
        notes.append(Annotation(text="Suggested work-up: " + "; ".join(workup)))
    unanswered = list(assessment.get("red_flags_unanswered") or ())
    if unanswered:
        notes.append(Annotation(text="Red-flag questions left unanswered: " + ", ".join(unanswered)))
    return RiskAssessment(
        id=resource_id, status="final", subject=patient, occurrenceDateTime=when,
        code=_concept(codes.CS_ASSESSMENT, "previsit-triage", "vettriage pre-visit triage (decision support)"),
        method=CodeableConcept(text=f"vettriage rules, content {assessment.get('content_version')} "
                                    f"({str(assessment.get('content_hash', ''))[:12]})"),
        basis=[response, *(score_refs[s] for s in cited if s in score_refs)],
        prediction=predictions, note=notes,
        extension=[Extension(url=codes.EXT_RED_FLAG_UNANSWERED, valueString=i) for i in unanswered] or None)


def detected_issues(catalogue: Catalogue, assessment: dict[str, Any], mode: codes.Mode, *,
                    new_id: Callable[[str], str], patient: Reference, response: Reference,
                    when: dt.datetime) -> list[DetectedIssue]:
    """One DetectedIssue per medication-safety flag and per ketamine caution raised."""
    out = []
    for key, system, known, prefix in (
            ("medication_flags", codes.CS_MEDICATION_FLAG, catalogue.medication_flags, "Medication safety"),
            ("ketamine_cautions", codes.CS_KETAMINE_CAUTION, catalogue.ketamine_cautions, "Ketamine caution")):
        for hit in assessment.get(key) or ():
            flag = known.get(hit["id"])
            evidence = hit.get("evidence") or []
            url = next((e["source_url"] for e in evidence if e.get("source_url")), None)
            out.append(DetectedIssue(
                id=new_id(f"{key}/{hit['id']}"), status="final", patient=patient, identifiedDateTime=when,
                code=_concept(system, hit["id"], hit.get("title"), f"{prefix}: {hit.get('title')}"),
                detail=flag.detail.for_mode(mode) if flag else None, reference=url,
                evidence=[DetectedIssueEvidence(code=[_concept(codes.CS_RULE, e["rule"], e.get("title"))],
                                                detail=[response]) for e in evidence] or
                [DetectedIssueEvidence(detail=[response])]))
    return out
