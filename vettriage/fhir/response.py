"""Answers <-> QuestionnaireResponse items, one mapping read in both directions.

"Don't know" (our "unknown") is a response item with no `answer` and the HL7 data-absent-reason extension with
code `asked-unknown` ("the source was asked but does not know the value"), so it is never mistaken for a value.
Reading a response back only turns FHIR values into our raw answer values; whether they are right for the item
is decided by `engine.answers.validate_answers`, the same check as every answers file.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Iterator

from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponseItem, QuestionnaireResponseItemAnswer

from vettriage.content import models as m
from vettriage.content.catalogue import Catalogue
from vettriage.errors import InputError
from vettriage.fhir import codes

VALUE_FIELD = {"scale": "valueCoding", "yesno": "valueBoolean", "choice": "valueCoding", "multi": "valueCoding",
               "number": "valueDecimal", "months": "valueDecimal", "date": "valueDate", "text": "valueString"}
"""The `answer.value[x]` each of our item types is written with."""
ALSO_READ = {"scale": ("valueInteger",), "number": ("valueInteger",), "months": ("valueInteger",)}
"""Other value types read back (a sender may write a whole number as an integer)."""
ANSWER_FIELDS = ("valueBoolean", "valueDecimal", "valueInteger", "valueDate", "valueDateTime", "valueTime",
                 "valueString", "valueUri", "valueAttachment", "valueCoding", "valueQuantity", "valueReference")


def response_items(catalogue: Catalogue, answers: dict[str, Any], mode: codes.Mode) -> list[QuestionnaireResponseItem]:
    """One group per section with answers, holding the answered items in asking order."""
    groups = []
    for section in catalogue.sections:
        items = [_item(catalogue, i, answers[i.id], mode) for i in section.items if answers.get(i.id) is not None]
        if items:
            groups.append(QuestionnaireResponseItem(linkId=section.id, text=section.title.for_mode(mode), item=items))
    return groups


def _item(catalogue: Catalogue, item: m.Item, value: Any, mode: codes.Mode) -> QuestionnaireResponseItem:
    text = item.text.for_mode(mode)
    if value == m.UNKNOWN:
        return QuestionnaireResponseItem(linkId=item.id, text=text, extension=[
            Extension(url=codes.EXT_DATA_ABSENT, valueCode=codes.DONT_KNOW)])
    values = value if item.type == "multi" else [value]
    answers = [QuestionnaireResponseItemAnswer(**{VALUE_FIELD[item.type]: _value(catalogue, item, v, mode)})
               for v in values]
    return QuestionnaireResponseItem(linkId=item.id, text=text, answer=answers)


def _value(catalogue: Catalogue, item: m.Item, value: Any, mode: codes.Mode) -> Any:
    if item.type == "scale":
        scale = catalogue.scales[item.scale]  # type: ignore[index]
        label = next((p.label.for_mode(mode) for p in scale.points if p.value == value), None)
        return Coding(system=codes.scale_system(scale.id), code=str(value), display=label)
    if item.type in ("choice", "multi"):
        return Coding(system=codes.options_system(item.id), code=value, display=item.option_label(value, mode))
    if item.type in ("number", "months"):
        return Decimal(str(value))  # str: 11.5 stays 11.5, not a binary fraction
    return value


# --- reading back -------------------------------------------------------------------------------------------


def walk(items: list[QuestionnaireResponseItem] | None) -> Iterator[QuestionnaireResponseItem]:
    """Every item of a response, groups included, depth first (answers may nest items too)."""
    for it in items or ():
        yield it
        yield from walk(it.item)
        for a in it.answer or ():
            yield from walk(a.item)


def raw_answers(catalogue: Catalogue, items: list[QuestionnaireResponseItem] | None,
                source: str) -> dict[str, Any]:
    """Our raw answers (item id -> value, or "unknown") from a response's items; group items (our sections, or
    any grouping a sender used) only hold items. A value of the wrong FHIR type is an InputError naming the
    linkId. Values are checked against the items by validate_answers afterwards."""
    raw: dict[str, Any] = {}
    for it in walk(items):
        link = it.linkId or ""
        item = catalogue.items.get(link)
        if item is None:
            if it.answer:
                raise InputError(source, link, "unknown question id")
            continue  # a group, a display item, or an unknown linkId with nothing to say
        if link in raw:
            raise InputError(source, link, "the question is answered twice")
        dont_know = any(e.url == codes.EXT_DATA_ABSENT for e in it.extension or ())
        if not it.answer:
            if dont_know:
                raw[link] = m.UNKNOWN
            continue
        if dont_know:
            raise InputError(source, link, "has both answers and a data-absent-reason")
        values = [_read(catalogue, item, a, source) for a in it.answer]
        if item.type == "multi":
            raw[link] = values
        elif len(values) > 1:
            raise InputError(source, link, f"{len(values)} answers to a question that takes one")
        else:
            raw[link] = values[0]
    return raw


def _read(catalogue: Catalogue, item: m.Item, answer: QuestionnaireResponseItemAnswer, source: str) -> Any:
    got = [f for f in ANSWER_FIELDS if getattr(answer, f, None) is not None]
    allowed = (VALUE_FIELD[item.type], *ALSO_READ.get(item.type, ()))
    if not got or got[0] not in allowed:
        raise InputError(source, item.id, f"a {item.type} question is answered with {' or '.join(allowed)}, "
                         f"not {got[0] if got else 'no value'}")
    field = got[0]
    value = getattr(answer, field)
    if field == "valueCoding":
        system = codes.scale_system(item.scale or "") if item.type == "scale" else codes.options_system(item.id)
        if value.system not in (None, system):
            raise InputError(source, item.id, f"coding system {value.system!r} is not {system!r}")
        code = value.code
        if item.type == "scale":
            return int(code) if isinstance(code, str) and code.lstrip("-").isdigit() else code
        return code
    if isinstance(value, Decimal):
        # bounded before any arithmetic: int() of 1E+999999999 builds a number of a billion digits
        if not value.is_finite() or (value and not -30 <= value.adjusted() <= 30):
            raise InputError(source, item.id, f"{field} {str(value)[:40]} is out of range")
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        raise InputError(source, item.id, f"{field} is out of range")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
