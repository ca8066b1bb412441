"""The whole catalogue as one FHIR R4 Questionnaire, in owner or technician wording.

linkIds are our item ids (group linkIds are section ids; help and intro texts are display items named
`<id>.help` and `<section>.intro`, which no lower_snake id can collide with). Everything is generated from the
catalogue, so a content change is a Questionnaire change, stamped by the content version and hash.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.questionnaire import Questionnaire, QuestionnaireItem, QuestionnaireItemAnswerOption

from vettriage import DISCLAIMER
from vettriage.content import models as m
from vettriage.content.catalogue import Catalogue
from vettriage.engine.answers import MAX_TEXT
from vettriage.fhir import codes
from vettriage.fhir.enablewhen import branching

FHIR_TYPE = {"scale": "choice", "yesno": "boolean", "choice": "choice", "multi": "choice", "number": "decimal",
             "months": "decimal", "date": "date", "text": "text"}
"""Our item type -> Questionnaire item type. Scales are choices of codings (with their ordinal values), so that
a form shows each point's label; numbers and months are decimals (half years are allowed)."""

EXCLUSIVE_OPTION = "none"
"""The multi option that cannot be combined with others (engine.answers refuses it): optionExclusive."""


def build_questionnaire(catalogue: Catalogue, mode: codes.Mode = "owner") -> Questionnaire:
    """The catalogue as a Questionnaire, validated by fhir.resources as it is built."""
    return Questionnaire(
        url=codes.questionnaire_url(mode),
        version=codes.questionnaire_version(catalogue.version, catalogue.hash),
        identifier=[Identifier(system=f"{codes.BASE}/content-hash", value=catalogue.hash)],
        name=f"VettriageSeniorDogPrevisit{mode.capitalize()}",
        title=catalogue.title,
        status="active",
        subjectType=["Patient"],
        publisher="vettriage",
        description=(f"Pre-visit screening questions for a senior dog ({'owner' if mode == 'owner' else 'technician'}"
                     f" wording). {DISCLAIMER} Questions are vettriage's own wording; each item names its "
                     f"published source."),
        item=[_section(catalogue, s, mode) for s in catalogue.sections],
    )


def _section(catalogue: Catalogue, section: m.Section, mode: codes.Mode) -> QuestionnaireItem:
    children = []
    if section.intro is not None:
        children.append(_display(f"{section.id}.intro", section.intro.for_mode(mode)))
    children += [_item(catalogue, i, mode) for i in section.items]
    return QuestionnaireItem(linkId=section.id, type="group", text=section.title.for_mode(mode), item=children)


def _display(link_id: str, text: str, control: str | None = None) -> QuestionnaireItem:
    ext = None
    if control:
        concept = CodeableConcept(coding=[Coding(system=codes.CS_ITEM_CONTROL, code=control)])
        ext = [Extension(url=codes.EXT_ITEM_CONTROL, valueCodeableConcept=concept)]
    return QuestionnaireItem(linkId=link_id, type="display", text=text, extension=ext)


def _item(catalogue: Catalogue, item: m.Item, mode: codes.Mode) -> QuestionnaireItem:
    ref = catalogue.reference(item.source)
    ext = [Extension(url=codes.EXT_SOURCE, valueCoding=Coding(system=codes.CS_REFERENCES, code=item.source,
                                                                display=ref.title))]
    if not item.allow_unknown:
        ext.append(Extension(url=codes.EXT_ALLOW_UNKNOWN, valueBoolean=False))
    if item.type in ("number", "months"):
        unit = item.unit or "months"
        ext += [Extension(url=codes.EXT_MIN, valueDecimal=item.min),
                Extension(url=codes.EXT_MAX, valueDecimal=item.max),
                Extension(url=codes.EXT_UNIT, valueCoding=Coding(system=codes.UCUM, code=codes.ucum(unit),
                                                                 display=unit))]
    kwargs: dict[str, Any] = {}
    if item.enable_when is not None:
        kwargs = branching(catalogue, item.enable_when)
        ext += kwargs.pop("extension", [])
    return QuestionnaireItem(
        linkId=item.id,
        type=FHIR_TYPE[item.type],
        text=item.text.for_mode(mode),
        required=True if item.required else None,
        repeats=True if item.type == "multi" else None,
        maxLength=MAX_TEXT if item.type == "text" else None,
        answerOption=_options(catalogue, item, mode),
        extension=ext,
        item=[_display(f"{item.id}.help", item.help.for_mode(mode), "help")] if item.help else None,
        **kwargs,
    )


def _options(catalogue: Catalogue, item: m.Item, mode: codes.Mode) -> list[QuestionnaireItemAnswerOption] | None:
    if item.type == "scale":
        scale = catalogue.scales[item.scale]  # type: ignore[index]
        # ordinalValue sits on the Coding (its context in R4): a form can sum or compare the points
        return [QuestionnaireItemAnswerOption(valueCoding=Coding(
            system=codes.scale_system(scale.id), code=str(p.value), display=p.label.for_mode(mode),
            extension=[Extension(url=codes.EXT_ORDINAL, valueDecimal=p.value)])) for p in scale.points]
    if item.type in ("choice", "multi"):
        return [QuestionnaireItemAnswerOption(
            valueCoding=Coding(system=codes.options_system(item.id), code=o.value, display=o.label.for_mode(mode)),
            extension=[Extension(url=codes.EXT_OPTION_EXCLUSIVE, valueBoolean=True)]
            if item.type == "multi" and o.value == EXCLUSIVE_OPTION else None) for o in item.options or ()]
    return None
