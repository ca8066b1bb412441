"""The dog as a FHIR Patient: the HL7 `patient-animal` extension (species, breed, gender status) and the owner
as `contact`.

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


def build_patient(dog: Dog, answers: dict[str, Any], resource_id: str) -> Patient:
    """The Patient for `dog`."""
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
        identifier=[Identifier(system=f"{codes.BASE}/dog", value=str(dog.id))],
        name=[HumanName(use="usual", text=dog.name, given=[dog.name])],
        gender=sex if sex in ("male", "female") else "unknown",
        birthDate=dog.birth_date,
        extension=[Extension(url=codes.EXT_ANIMAL, extension=animal)],
        contact=_owner(dog),
    )


def _owner(dog: Dog) -> list[PatientContact] | None:
    """The owner, when the store knows a name or a way to reach them (a contact with neither is not allowed)."""
    if not (dog.owner_name or dog.owner_contact):
        return None
    telecom = None
    if dog.owner_contact:
        value = dog.owner_contact.strip()
        digits = sum(c.isdigit() for c in value)
        system = "email" if "@" in value else "phone" if digits >= 6 and digits >= len(value) // 2 else "other"
        telecom = [ContactPoint(system=system, value=value)]
    return [PatientContact(relationship=[CodeableConcept(text="owner")],
                           name=HumanName(text=dog.owner_name) if dog.owner_name else None, telecom=telecom)]


def patient_name(patient: Patient) -> str | None:
    """The dog's name as a sender wrote it (text, else the given names)."""
    for name in patient.name or ():
        text = name.text or " ".join(name.given or ())
        if text and text.strip():
            return text  # as written: the importer refuses control characters (a newline too), then joins spaces
    return None


def owner_details(patient: Patient) -> dict[str, str]:
    """`owner_name` and `owner_contact` for a new dog record, from the Patient's first contact that has them."""
    for contact in patient.contact or ():
        name = contact.name.text or " ".join(contact.name.given or ()) if contact.name else None
        reach = next((t.value for t in contact.telecom or () if t.value), None)
        if name or reach:
            return {k: " ".join(v.split()) for k, v in (("owner_name", name), ("owner_contact", reach)) if v}
    return {}
