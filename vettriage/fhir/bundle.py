"""One stored intake as a FHIR Bundle (type `collection`): Patient, QuestionnaireResponse and, once the intake
is completed, the Assessment as RiskAssessment, Observations and DetectedIssues.

Entries are named `urn:uuid:` with UUIDs derived from the intake (its id and creation time), so exporting the
same intake twice gives the same Bundle.
"""

from __future__ import annotations

import uuid
from typing import Any

from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.reference import Reference

from vettriage.content.catalogue import Catalogue
from vettriage.errors import InputError
from vettriage.fhir import codes
from vettriage.fhir.assessment import detected_issues, risk_assessment, score_observation
from vettriage.fhir.patient import build_patient
from vettriage.fhir.response import response_items
from vettriage.store.api import Intake

STATUS = {"in_progress": "in-progress", "completed": "completed", "amended": "amended"}
"""Our intake status -> QuestionnaireResponse.status."""


def author(intake: Intake) -> Reference:
    """Who answered: the owner (a RelatedPerson of the dog) or the technician (a Practitioner), by name."""
    if intake.by == "owner":
        name = intake.dog.owner_name
        return Reference(type="RelatedPerson", display=f"owner ({name})" if name else "owner")
    return Reference(type="Practitioner", display=intake.by)


def export_bundle(catalogue: Catalogue, intake: Intake, chart_system: str | None = None) -> Bundle:
    """The Bundle for `intake`, every resource validated by fhir.resources as it is built; the dog's chart
    number under `chart_system` (the clinic's `chart_system` setting)."""
    unknown = [k for k in intake.answers if k not in catalogue.items]
    if unknown:
        raise InputError(f"intake {intake.id}", unknown[0], f"answered with content {intake.content_version}, "
                         f"which this content ({catalogue.version}) does not have: export with that content")
    seed = f"{codes.BASE}/intake/{intake.id}/{intake.created_at.isoformat()}"

    def new_id(kind: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{seed}/{kind}"))

    mode: codes.Mode = intake.mode
    when = intake.updated_at
    entries: list[Any] = []
    pid, rid = new_id("patient"), new_id("response")
    patient = Reference(reference=f"urn:uuid:{pid}", display=intake.dog.name)
    response = Reference(reference=f"urn:uuid:{rid}")
    entries.append(build_patient(intake.dog, intake.answers, pid, chart_system))
    entries.append(QuestionnaireResponse(
        id=rid, identifier=Identifier(system=f"{codes.BASE}/intake", value=str(intake.id)),
        questionnaire=f"{codes.questionnaire_url(mode)}|"
                      f"{codes.questionnaire_version(intake.content_version, intake.content_hash)}",
        status=STATUS[intake.status], subject=patient, authored=when, author=author(intake),
        item=response_items(catalogue, intake.answers, mode) or None))
    a = intake.assessment
    if a is not None:
        scores = list((a.get("scores") or {}).values())
        observations = [score_observation(s, resource_id=new_id(f"score/{s['id']}"), patient=patient,
                                          response=response, when=when) for s in scores]
        refs = {s["id"]: Reference(reference=f"urn:uuid:{o.id}") for s, o in zip(scores, observations)}
        entries.append(risk_assessment(catalogue, a, mode, resource_id=new_id("risk"), patient=patient,
                                       response=response, score_refs=refs, when=when))
        entries += observations
        entries += detected_issues(catalogue, a, mode, new_id=new_id, patient=patient, response=response, when=when)
    return Bundle(
        id=new_id("bundle"), type="collection", timestamp=when,
        identifier=Identifier(system=f"{codes.BASE}/intake", value=str(intake.id)),
        entry=[BundleEntry(fullUrl=f"urn:uuid:{r.id}", resource=r) for r in entries])
