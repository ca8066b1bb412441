"""Reading a FHIR file for import: a QuestionnaireResponse to our Questionnaire, alone or in a Bundle (the
Patient of such a Bundle names the dog). Every problem is one InputError naming the file and, where there is
one, the linkId.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from vettriage.content.catalogue import Catalogue
from vettriage import jsonread
from vettriage.errors import InputError
from vettriage.fhir import codes
from vettriage.files import read_regular
from vettriage.textcheck import json_problem

MAX_BYTES = 16 << 20
"""Largest FHIR file read (a Bundle of a whole intake is about 200 KB)."""
MAX_DEPTH = 48
"""Deepest nesting read (a response nests group > question > answer > question: about 12 deep)."""
MAX_STRING = 100_000
"""Longest string in the file (a free-text answer is at most 5,000 characters)."""

STATUS = {"in-progress": "in_progress", "completed": "completed", "amended": "completed"}
"""QuestionnaireResponse.status -> the imported intake's status. An amended response becomes a completed
intake: its earlier answers are not in the response, so there is no amendment trail to import."""


@dataclass(frozen=True)
class Received:
    """A parsed response: the resource, the Patient beside it (if any) and the mode of our Questionnaire."""

    response: QuestionnaireResponse
    patient: Patient | None
    mode: codes.Mode


def read_fhir(path: Path | str, catalogue: Catalogue) -> Received:
    """Parse and validate `path`, and check that it answers this content's Questionnaire."""
    source = str(path)
    try:
        text = read_regular(path, MAX_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise InputError(source, None, "file not found") from None
    except OSError as exc:
        raise InputError(source, None, f"cannot read file ({exc.strerror or exc.__class__.__name__})") from None
    except UnicodeDecodeError:
        raise InputError(source, None, "not UTF-8 text") from None
    except ValueError as exc:
        raise InputError(source, None, str(exc)) from None
    try:
        data = jsonread.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(source, None, f"not JSON: {exc.msg}", exc.lineno) from None
    except jsonread.JsonValueError as exc:
        raise InputError(source, None, f"not a usable FHIR file: {exc}") from None
    # before any model sees it: depth, string sizes, valid Unicode (a lone surrogate parses from "\ud800")
    problem = json_problem(data, MAX_DEPTH, MAX_STRING)
    if problem:
        raise InputError(source, None, f"not a usable FHIR file: it {problem}")
    kind = data.get("resourceType") if isinstance(data, dict) else None
    patient_data = None
    if kind == "Bundle":
        entries = [e.get("resource") for e in data.get("entry") or () if isinstance(e, dict)]
        responses = [(i, r) for i, r in enumerate(entries) if isinstance(r, dict)
                     and r.get("resourceType") == "QuestionnaireResponse"]
        if len(responses) != 1:
            raise InputError(source, "entry", f"a Bundle to import holds one QuestionnaireResponse, not "
                                              f"{len(responses)}")
        where, response_data = f"entry[{responses[0][0]}].resource", responses[0][1]
        patients = [r for r in entries if isinstance(r, dict) and r.get("resourceType") == "Patient"]
        if len(patients) > 1:  # which one is the dog? (the second was ignored, and the name matched another dog)
            raise InputError(source, "entry", f"a Bundle to import holds at most one Patient, not {len(patients)}")
        patient_data = patients[0] if patients else None
    elif kind == "QuestionnaireResponse":
        where, response_data = "", data
    else:
        raise InputError(source, "resourceType", f"expected a QuestionnaireResponse or a Bundle, not {kind!r}")
    response = _validate(QuestionnaireResponse, response_data, source, where)
    patient = _validate(Patient, patient_data, source, "Patient") if patient_data is not None else None
    url, version = codes.split_canonical(response.questionnaire or "")
    mode = codes.MODE_OF_URL.get(url)
    if mode is None:
        raise InputError(source, "questionnaire", f"{response.questionnaire!r} is not a vettriage Questionnaire "
                                                  f"({codes.questionnaire_url('owner')} or ..-tech)")
    content_version = (version or "").partition("+")[0]
    if version is not None and content_version != catalogue.version:
        raise InputError(source, "questionnaire", f"answers content {content_version}; this content is "
                                                  f"{catalogue.version}")
    if response.status not in STATUS:
        raise InputError(source, "status", f"a {response.status} response cannot become an intake "
                                           f"(in-progress, completed or amended)")
    return Received(response, patient, mode)  # type: ignore[arg-type]


def _validate(model: Any, data: Any, source: str, where: str) -> Any:
    """fhir.resources' validation; the first error names the linkId it is under, else its path."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        link = _link_at(data, loc)
        path = ".".join(str(p) for p in loc)
        field = link or (f"{where}.{path}" if where and path else where or path or None)
        msg = err["msg"].splitlines()[0] if err["msg"] else "invalid"
        raise InputError(source, field, f"{msg} (at {path})" if link else msg) from None


def _link_at(data: Any, loc: list[Any]) -> str | None:
    """The linkId of the deepest item on the path `loc` into `data`."""
    node, link = data, None
    for p in loc:
        if isinstance(node, dict) and isinstance(node.get("linkId"), str):
            link = node["linkId"]
        if isinstance(node, dict) and p in node:
            node = node[p]
        elif isinstance(node, list) and isinstance(p, int) and 0 <= p < len(node):
            node = node[p]
        else:
            break
    if isinstance(node, dict) and isinstance(node.get("linkId"), str):
        link = node["linkId"]
    return link
