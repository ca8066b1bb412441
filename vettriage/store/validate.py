"""Validation of an export document before anything is imported, and its conversion to table rows.

Every problem is an InputError naming the file and the record (`intakes[id=7].status`), so the user sees one
line and nothing has been written yet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from vettriage.errors import InputError

FORMAT = "vettriage-export"
FORMAT_VERSION = 1
MODES = ("owner", "tech")
STATUSES = ("in_progress", "completed", "amended")
URGENCIES = ("emergency", "soon", "routine")
DOG_FIELDS = ("id", "name", "breed_or_size", "birth_date", "age_years", "sex", "owner_name", "owner_contact",
              "created_at")
INTAKE_FIELDS = ("id", "dog_id", "by", "mode", "status", "urgency", "emergency", "created_at", "updated_at",
                 "content_version", "content_hash", "position", "answers", "assessment", "audit")
AUDIT_FIELDS = ("item_id", "old_value", "new_value", "who", "at", "reason")


class _Bad(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _when(value: Any, field: str) -> dt.datetime:
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed.astimezone(dt.timezone.utc)
    raise _Bad(field, f"{value!r} is not a date and time with its UTC offset")


def _day(value: Any, field: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _Bad(field, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _text(value: Any, field: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or (not optional and not value.strip()):
        raise _Bad(field, "expected text" if optional else "expected non-empty text")


def _id(value: Any, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Bad(field, f"{value!r} is not a positive whole number")


def _fields(rec: Any, fields: tuple[str, ...], where: str) -> None:
    if not isinstance(rec, dict):
        raise _Bad(where, "expected a record (a mapping)")
    if set(rec) != set(fields):
        missing = sorted(set(fields) - set(rec))
        extra = sorted(set(rec) - set(fields))
        raise _Bad(where, f"missing {missing}" if missing else f"unknown fields {extra}")


def _check_dog(d: dict[str, Any], w: str) -> None:
    _id(d["id"], f"{w}.id")
    _text(d["name"], f"{w}.name")
    for f in ("breed_or_size", "sex", "owner_name", "owner_contact"):
        _text(d[f], f"{w}.{f}", optional=True)
    _day(d["birth_date"], f"{w}.birth_date")
    if d["age_years"] is not None and (isinstance(d["age_years"], bool) or not isinstance(d["age_years"], (int, float))):
        raise _Bad(f"{w}.age_years", "expected a number")
    _when(d["created_at"], f"{w}.created_at")


def _check_intake(i: dict[str, Any], w: str, dog_ids: set[int], versions: set[str], catalogue: Any) -> None:
    _id(i["id"], f"{w}.id")
    if i["dog_id"] not in dog_ids:
        raise _Bad(f"{w}.dog_id", f"no dog {i['dog_id']!r} in this export")
    _text(i["by"], f"{w}.by")
    for f, allowed in (("mode", MODES), ("status", STATUSES)):
        if i[f] not in allowed:
            raise _Bad(f"{w}.{f}", f"{i[f]!r} is not one of {', '.join(allowed)}")
    if i["urgency"] is not None and i["urgency"] not in URGENCIES:
        raise _Bad(f"{w}.urgency", f"{i['urgency']!r} is not one of {', '.join(URGENCIES)}")
    if not isinstance(i["emergency"], bool):
        raise _Bad(f"{w}.emergency", "expected true or false")
    _when(i["created_at"], f"{w}.created_at")
    _when(i["updated_at"], f"{w}.updated_at")
    if i["content_version"] not in versions:
        raise _Bad(f"{w}.content_version", f"unknown content version {i['content_version']!r} (this vettriage "
                   f"knows {', '.join(sorted(versions))})")
    _text(i["content_hash"], f"{w}.content_hash")
    _text(i["position"], f"{w}.position", optional=True)
    if not isinstance(i["answers"], dict):
        raise _Bad(f"{w}.answers", "expected a mapping of question id to answer")
    if catalogue is not None:
        _check_answers(i["answers"], f"{w}.answers", catalogue)
    if i["assessment"] is None:
        if i["status"] != "in_progress":
            raise _Bad(f"{w}.assessment", f"a {i['status']} intake needs its assessment")
    elif catalogue is not None:
        from pydantic import ValidationError

        from vettriage.engine.assessment import Assessment

        try:
            Assessment.model_validate(i["assessment"])
        except ValidationError as exc:
            err = exc.errors()[0]
            raise _Bad(f"{w}.assessment." + ".".join(map(str, err["loc"])), err["msg"]) from None
    if not isinstance(i["audit"], list):
        raise _Bad(f"{w}.audit", "expected a list of answer changes")
    for n, e in enumerate(i["audit"]):
        ew = f"{w}.audit[{n}]"
        _fields(e, AUDIT_FIELDS, ew)
        _text(e["item_id"], f"{ew}.item_id")
        _text(e["who"], f"{ew}.who")
        _text(e["reason"], f"{ew}.reason", optional=True)
        _when(e["at"], f"{ew}.at")


def _check_answers(answers: dict[str, Any], w: str, catalogue: Any) -> None:
    from vettriage.engine.answers import coerce_value

    for key, value in answers.items():
        item = catalogue.items.get(key)
        if item is None and key in getattr(catalogue, "retired_items", {}):
            continue  # asked under an earlier content version: kept as stored, shown as asked, never scored
        if item is None:
            raise _Bad(f"{w}.{key}", "unknown question id")
        try:
            coerce_value(item, value, catalogue)
        except ValueError as exc:
            raise _Bad(f"{w}.{key}", str(exc)) from None


def check_document(doc: Any, source: str, versions: set[str], catalogue: Any = None) -> None:
    """Raise InputError(source, field, ...) at the first thing wrong in an export document."""
    try:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise _Bad("format", "not a vettriage export")
        if doc.get("format_version") != FORMAT_VERSION:
            raise _Bad("format_version", f"{doc.get('format_version')!r} is not a format this vettriage reads "
                       f"({FORMAT_VERSION})")
        for key in ("dogs", "intakes"):
            if not isinstance(doc.get(key), list):
                raise _Bad(key, "expected a list")
        dog_ids: set[int] = set()
        for n, d in enumerate(doc["dogs"]):
            w = f"dogs[{n}]"
            _fields(d, DOG_FIELDS, w)
            w = f"dogs[id={d['id']}]"
            _check_dog(d, w)
            if d["id"] in dog_ids:
                raise _Bad(f"{w}.id", "the same id twice")
            dog_ids.add(d["id"])
        seen: set[int] = set()
        for n, i in enumerate(doc["intakes"]):
            _fields(i, INTAKE_FIELDS, f"intakes[{n}]")
            w = f"intakes[id={i['id']}]"
            _check_intake(i, w, dog_ids, versions, catalogue)
            if i["id"] in seen:
                raise _Bad(f"{w}.id", "the same id twice")
            seen.add(i["id"])
    except _Bad as exc:
        raise InputError(source, exc.field, str(exc)) from None


def to_rows(doc: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Table rows (dogs, intakes, audit) from a checked document."""
    dogs = [{**d, "birth_date": _day(d["birth_date"], ""), "created_at": _when(d["created_at"], ""),
             "name_key": d["name"].casefold()} for d in doc["dogs"]]
    intakes, events = [], []
    for i in doc["intakes"]:
        row = {k: v for k, v in i.items() if k != "audit"}
        row["created_at"] = _when(i["created_at"], "")
        row["updated_at"] = _when(i["updated_at"], "")
        intakes.append(row)
        events += [{**e, "intake_id": i["id"], "at": _when(e["at"], "")} for e in i["audit"]]
    return dogs, intakes, events
