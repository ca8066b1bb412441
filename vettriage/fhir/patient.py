"""The dog as a FHIR Patient: the HL7 `patient-animal` extension (species, breed, gender status), the clinic's
chart number as `identifier`, the birth date, and the owner (name, phone, other contact) as `contact`.

The store's dog record comes first; what it lacks is taken from the intake's signalment answers, as
`intakes add` does when it creates a dog.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.patient import Patient, PatientContact

from vettriage.fhir import codes
from vettriage.store.api import Dog

SEX_ITEM, NEUTERED_ITEM, BREED_ITEM, SIZE_ITEM = "dog_sex", "dog_neutered", "dog_breed", "dog_size"
"""The signalment items the Patient reads (public ids, as in `commands/intakes._dog_details`)."""
GENDER_STATUS = {True: "neutered", False: "intact"}
"""dog_neutered -> animal-genderstatus code; "don't know" is that system's `unknown`."""


def build_patient(dog: Dog, answers: dict[str, Any], resource_id: str, chart_system: str | None = None) -> Patient:
    """The Patient for `dog`; its chart number is written under `chart_system` (the clinic's, configured)."""
    def known(key: str) -> Any:
        v = answers.get(key)
        return None if v in (None, "unknown") else v

    sex = dog.sex or known(SEX_ITEM)
    breed = known(BREED_ITEM) or dog.breed_or_size or known(SIZE_ITEM)
    neutered = answers.get(NEUTERED_ITEM)
    animal = [Extension(url="species", valueCodeableConcept=CodeableConcept(text="Dog", coding=[
        Coding(system=codes.SNOMED, code=codes.DOG_SNOMED[0], display=codes.DOG_SNOMED[1]),
        Coding(system=codes.CS_ANIMAL_SPECIES, code="canislf", display="Dog")]))]
    if breed:
        animal.append(Extension(url="breed", valueCodeableConcept=CodeableConcept(text=str(breed))))
    if neutered is not None:
        code = GENDER_STATUS.get(neutered, "unknown")
        animal.append(Extension(url="genderStatus", valueCodeableConcept=CodeableConcept(
            coding=[Coding(system=codes.CS_ANIMAL_GENDER_STATUS, code=code)])))
    return Patient(
        id=resource_id,
        identifier=identifiers(dog, chart_system),
        name=[HumanName(use="usual", text=dog.name, given=[dog.name])],
        gender=sex if sex in ("male", "female") else "unknown",
        birthDate=dog.birth_date,
        extension=[Extension(url=codes.EXT_ANIMAL, extension=animal)],
        contact=_owner(dog),
    )


def identifiers(dog: Dog, chart_system: str | None) -> list[Identifier]:
    """The clinic's chart number first (type MR, the number a receiving system files the dog under), then our
    own dog id, marked secondary: it means nothing outside this database."""
    out = []
    if dog.chart:
        out.append(Identifier(use="usual", system=chart_system or codes.CHART_SYSTEM, value=dog.chart,
                              type=CodeableConcept(text="Chart number", coding=[
                                  Coding(system=codes.CS_V2_0203, code="MR", display="Medical record number")])))
    out.append(Identifier(use="secondary", system=codes.DOG_ID_SYSTEM, value=str(dog.id)))
    return out


def _telecom(value: str) -> ContactPoint:
    value = value.strip()
    digits = sum(c.isdigit() for c in value)
    system = "email" if "@" in value else "phone" if digits >= 6 and digits >= len(value) // 2 else "other"
    return ContactPoint(system=system, value=value)


def _owner(dog: Dog) -> list[PatientContact] | None:
    """The owner, when the store knows a name or a way to reach them (a contact with neither is not allowed):
    the phone first, then any other contact the record holds."""
    phone, other = ((v or "").strip() for v in (dog.owner_phone, dog.owner_contact))
    telecom = [ContactPoint(system="phone", value=phone)] if phone else []
    if other and other != phone:
        telecom.append(_telecom(other))
    if not (dog.owner_name or telecom):
        return None
    return [PatientContact(relationship=[CodeableConcept(text="owner")],
                           name=HumanName(text=dog.owner_name) if dog.owner_name else None, telecom=telecom or None)]


def patient_name(patient: Patient) -> str | None:
    """The dog's name as a sender wrote it (text, else the given names)."""
    for name in patient.name or ():
        text = name.text or " ".join(name.given or ())
        if text and text.strip():
            return text  # as written: the importer refuses control characters (a newline too), then joins spaces
    return None


def owner_details(patient: Patient) -> dict[str, str]:
    """`owner_name`, `owner_phone` and `owner_contact` (another way to reach them: e-mail...) for a new dog
    record, from the Patient's first contact that has a name or a way to reach them."""
    for contact in patient.contact or ():
        name = contact.name.text or " ".join(contact.name.given or ()) if contact.name else None
        values = [t for t in contact.telecom or () if t.value and t.value.strip()]
        phone = next((t.value for t in values if t.system in ("phone", "sms")), None)
        other = next((t.value for t in values if t.value != phone), None)
        if name or phone or other:
            return {k: " ".join(v.split()) for k, v in (("owner_name", name), ("owner_phone", phone),
                                                       ("owner_contact", other)) if v}
    return {}


def patient_details(patient: Patient, chart_system: str | None) -> dict[str, Any]:
    """What a Patient says about a new dog record: the owner (owner_details), the birth date (a whole date;
    a year or a month alone is not one) and the chart number under the clinic's system (or ours)."""
    import datetime as dt

    details: dict[str, Any] = dict(owner_details(patient))
    if isinstance(patient.birthDate, dt.date) and patient.birthDate <= dt.date.today():
        details["birth_date"] = patient.birthDate
    chart = chart_number(patient, chart_system)
    if chart:
        details["chart"] = chart
    return details


def chart_number(patient: Patient, chart_system: str | None) -> str | None:
    """The Patient's identifier under the clinic's chart system, else under ours (an export made before the
    clinic configured its own)."""
    for system in dict.fromkeys(s for s in (chart_system, codes.CHART_SYSTEM) if s):
        for i in patient.identifier or ():
            if i.system == system and i.value and i.value.strip():
                return " ".join(i.value.split())
    return None
