"""Validation of an export document before anything is imported, and its conversion to table rows.

Every problem is an InputError naming the file and the record (`intakes[id=7].status`), so the user sees one
line and nothing has been written yet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from vettriage.errors import InputError
from vettriage.store.api import LOST_ITEM
from vettriage.store.schema import TABLES
from vettriage.textcheck import json_checked, json_problem, text_problem

MAX_TEXT = 1 << 20
"""Longest text of a column with no declared width (an amendment's reason)."""

FORMAT = "vettriage-export"
FORMAT_VERSION = 1
MODES = ("owner", "tech")
STATUSES = ("in_progress", "completed", "amended")
URGENCIES = ("emergency", "soon", "routine")
DOG_FIELDS = ("id", "name", "breed_or_size", "birth_date", "age_years", "sex", "owner_name", "owner_contact",
              "created_at")
INTAKE_FIELDS = ("id", "dog_id", "by", "mode", "status", "urgency", "emergency", "created_at", "updated_at",
                 "content_version", "content_hash", "position", "answers", "assessment", "audit")
# Schema 3 (follow-up visits): written by every export, optional on import so that older exports still load.
DOG_EXTRA = ("chart", "owner_phone")
INTAKE_EXTRA = ("rescreen_due", "rescreen_reason")
AUDIT_FIELDS = ("item_id", "old_value", "new_value", "who", "at", "reason")


class _Bad(Exception):
    """One problem in one field of a record."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _shown(value: Any) -> str:
    """A value for a message: short, on one line (a refused value may be megabytes)."""
    text = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _when(value: Any, field: str) -> dt.datetime:
    if isinstance(value, str) and len(value) <= 64:
        try:
            parsed = dt.datetime.fromisoformat(value)
            if parsed.tzinfo is not None:
                # year 1 minus an offset, or 9999 plus one, is past what a datetime holds
                return parsed.astimezone(dt.timezone.utc)
        except (ValueError, OverflowError):
            pass
    raise _Bad(field, f"{_shown(value)} is not a date and time with its UTC offset")


def _day(value: Any, field: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _Bad(field, f"{_shown(value)} is not a date (YYYY-MM-DD)") from None


def _text(value: Any, field: str, *, optional: bool = False, width: int | None = None,
          name: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or (not optional and not value.strip()):
        raise _Bad(field, "expected text" if optional else "expected non-empty text")
    # the store refuses these too, but only at the write: refused here, the import names the record
    problem = text_problem(value, width or MAX_TEXT, name=name)
    if problem:
        raise _Bad(field, f"the text {problem}")


def _id(value: Any, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < 2**63:
        raise _Bad(field, f"{_shown(value)} is not a positive whole number")


def _json(value: Any, field: str) -> None:
    problem = json_problem(value)
    if problem:
        raise _Bad(field, f"the value {problem}")


def _fields(rec: Any, fields: tuple[str, ...], where: str, optional: tuple[str, ...] = ()) -> None:
    """Exactly `fields`, plus any of `optional` (filled in as None when absent)."""
    if not isinstance(rec, dict):
        raise _Bad(where, "expected a record (a mapping)")
    if set(rec) - set(optional) != set(fields):
        missing = sorted(set(fields) - set(rec))
        extra = sorted(set(rec) - set(fields) - set(optional))
        raise _Bad(where, f"missing {missing}" if missing else f"unknown fields {extra}")
    for f in optional:
        rec.setdefault(f, None)


def _width(table: str, column: str) -> int | None:
    width = TABLES[table][column].partition(":")[2]
    return int(width) if width else None


def _check_dog(d: dict[str, Any], w: str) -> None:
    _id(d["id"], f"{w}.id")
    _text(d["name"], f"{w}.name", width=_width("dogs", "name"), name=True)
    # stored beside it, folded for search: folding can lengthen a name ("ß" becomes "ss")
    _text(d["name"].casefold(), f"{w}.name", width=_width("dogs", "name_key"))
    for f in ("breed_or_size", "sex", "owner_name", "owner_contact", "chart", "owner_phone"):
        _text(d[f], f"{w}.{f}", optional=True, width=_width("dogs", f))
    _day(d["birth_date"], f"{w}.birth_date")
    age = d["age_years"]
    if age is not None and (isinstance(age, bool) or not isinstance(age, (int, float)) or not 0 <= age <= 100):
        raise _Bad(f"{w}.age_years", "expected a number of years (0 to 100)")
    _when(d["created_at"], f"{w}.created_at")


class _Memo:
    """What one import has already found sound, so that a value seen again is not checked again: a question id
    or a name (an audit event's `who`), a short answer value, and, by the SHA-256 of the value's exact JSON
    text, an answers mapping, an Assessment and the comparison of an Assessment with its answers assessed
    again. Sound because each check is a pure function of those values and of the catalogue, which stays the
    same for the whole import; a failure is never remembered (its message names its own record). At most
    LIMIT entries of each, none long: memory stays flat whatever the file."""

    LIMIT = 1024

    def __init__(self) -> None:
        self.texts: set[str] = set()
        self.names: set[str] = set()
        self.values: set[Any] = set()
        self.answers: set[str] = set()
        self.assessments: set[str] = set()
        self.results: set[tuple[str, str]] = set()

    @staticmethod
    def keep(into: set[Any], key: Any) -> None:
        if len(into) >= _Memo.LIMIT:
            into.clear()
        into.add(key)


_AUDIT_KEYS = frozenset(AUDIT_FIELDS)
_SCALARS = frozenset((str, int, bool, type(None)))  # not float: 0.0 == -0.0 (see memo_key)


# An audit time as our export writes it (UTC, isoformat), from year 1000 on (the store's strftime pads no
# earlier year): its stored text ("%Y-%m-%d %H:%M:%S.%f") is cut from it, once fromisoformat has read it.
_AT = r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{6})?\+00:00"
_OUR_AT = re.compile(_AT).fullmatch
# every time of an intake's trail at once, one a line: one call of the pattern instead of 110 (a call cost more
# than the matching); a time that holds a newline is not one of ours, whatever its pieces (see _check_events)
_OUR_ATS = re.compile(f"(?:{_AT}\n)*").fullmatch
_OUR_LENGTHS = (25, 32)


def _check_events(events: Any, w: str, memo: _Memo) -> list[dt.datetime | str]:
    """Every audit event of an intake (a clinic's intake has one per answer given: millions in a big export);
    their times, parsed (or, in our own export's layout, already the text SQLite stores: see _OUR_AT). Each
    field is checked as `_text`, `_when` and `_json` check it, the common case inline."""
    if not isinstance(events, list):
        raise _Bad(f"{w}.audit", "expected a list of answer changes")
    width_item, width_who = _width("audit", "item_id"), _width("audit", "who")
    texts, names, values = memo.texts, memo.names, memo.values
    try:
        ours = _OUR_ATS("".join([e["at"] + "\n" for e in events])) is not None
    except (TypeError, KeyError):  # not all records with a text time: each is looked at below
        ours = False
    ats = []
    for n, e in enumerate(events):
        if e.__class__ is not dict or e.keys() != _AUDIT_KEYS:
            _fields(e, AUDIT_FIELDS, f"{w}.audit[{n}]")
        item, who, reason = e["item_id"], e["who"], e["reason"]
        if item.__class__ is not str or item not in texts:
            _text(item, f"{w}.audit[{n}].item_id", width=width_item)
            memo.keep(texts, item)
        if who.__class__ is not str or who not in names:
            _text(who, f"{w}.audit[{n}].who", width=width_who, name=True)
            memo.keep(names, who)
        if reason is not None:
            _text(reason, f"{w}.audit[{n}].reason", optional=True)
        at, stored = e["at"], None
        # the whole trail matched one time a line: one of length 25 or 32 is one match, not pieces around a
        # newline (which fromisoformat would refuse too)
        if (len(at) in _OUR_LENGTHS) if ours else (at.__class__ is str and _OUR_AT(at)):
            try:
                dt.datetime.fromisoformat(at)  # the check; its value is not needed: the text is cut instead
                stored = at[:10] + " " + at[11:19] + (at[19:26] if len(at) == 32 else ".000000")
            except ValueError:
                pass
        ats.append(_when(at, f"{w}.audit[{n}].at") if stored is None else stored)
        for field in ("old_value", "new_value"):
            value = e[field]
            cls = value.__class__
            key = (cls, value) if cls in _SCALARS and (cls is not str or len(value) <= 64) else memo_key(value)
            if key is None or key not in values:
                _json(value, f"{w}.audit[{n}].{field}")
                if key is not None:
                    memo.keep(values, key)
    return ats


def memo_key(value: Any) -> Any:
    """A key that tells this answer value from every other (the class too: 1, 1.0 and true are equal in
    Python), for a scalar or a list of texts (a checklist); None for anything else."""
    cls = value.__class__
    if cls is int or cls is bool or value is None or (cls is str and len(value) <= 64):
        return cls, value
    if cls is float:  # by its text: 0.0 and -0.0 are equal, and json.dumps writes them apart
        return cls, repr(value)
    if cls is list and len(value) <= 16 and all(v.__class__ is str and len(v) <= 64 for v in value):
        return cls, tuple(value)
    return None


def _json_text(value: Any, field: str, short_numbers: bool = False) -> str | None:
    text, problem = json_checked(value, short_numbers=short_numbers)
    if problem:
        raise _Bad(field, f"the value {problem}")
    return text


def _digest(text: str | None) -> bytes | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).digest()


class Checked:
    """What checking an intake worked out, for its rows: the audit events' times (parsed, or already the text
    SQLite stores, see _OUR_AT), and the JSON text of
    its answers and Assessment (json.dumps with ensure_ascii=False; None for a scalar)."""

    __slots__ = ("ats", "answers", "assessment")

    def __init__(self, ats: list[dt.datetime | str], answers: str | None, assessment: str | None) -> None:
        self.ats, self.answers, self.assessment = ats, answers, assessment


def _check_intake(i: dict[str, Any], w: str, dog_ids: set[int], versions: set[str], catalogue: Any,
                  memo: _Memo | None = None, short_numbers: bool = False) -> Checked:
    memo = memo or _Memo()
    _id(i["id"], f"{w}.id")
    _id(i["dog_id"], f"{w}.dog_id")  # first: a dict here cannot even be looked up
    if i["dog_id"] not in dog_ids:
        raise _Bad(f"{w}.dog_id", f"no dog {i['dog_id']!r} in this export")
    _text(i["by"], f"{w}.by", width=_width("intakes", "by"), name=True)
    for f, allowed in (("mode", MODES), ("status", STATUSES)):
        if i[f] not in allowed:
            raise _Bad(f"{w}.{f}", f"{i[f]!r} is not one of {', '.join(allowed)}")
    if i["urgency"] is not None and i["urgency"] not in URGENCIES:
        raise _Bad(f"{w}.urgency", f"{i['urgency']!r} is not one of {', '.join(URGENCIES)}")
    if not isinstance(i["emergency"], bool):
        raise _Bad(f"{w}.emergency", "expected true or false")
    _when(i["created_at"], f"{w}.created_at")
    _when(i["updated_at"], f"{w}.updated_at")
    _text(i["content_version"], f"{w}.content_version", width=_width("intakes", "content_version"))
    if i["content_version"] not in versions:
        raise _Bad(f"{w}.content_version", f"unknown content version {i['content_version']!r} (this vettriage "
                   f"knows {', '.join(sorted(versions))})")
    _text(i["content_hash"], f"{w}.content_hash", width=_width("intakes", "content_hash"))
    _text(i["position"], f"{w}.position", optional=True, width=_width("intakes", "position"))
    _day(i["rescreen_due"], f"{w}.rescreen_due")
    _text(i["rescreen_reason"], f"{w}.rescreen_reason", optional=True, width=_width("intakes", "rescreen_reason"))
    if not isinstance(i["answers"], dict):
        raise _Bad(f"{w}.answers", "expected a mapping of question id to answer")
    answers_text = _json_text(i["answers"], f"{w}.answers", short_numbers)
    assessment_text = _json_text(i["assessment"], f"{w}.assessment", short_numbers)
    answers_key, assessment_key = _digest(answers_text), _digest(assessment_text)
    if catalogue is not None and answers_key not in memo.answers:
        _check_answers(i["answers"], f"{w}.answers", catalogue)
        memo.keep(memo.answers, answers_key)
    if i["assessment"] is None:
        if i["status"] != "in_progress":
            raise _Bad(f"{w}.assessment", f"a {i['status']} intake needs its assessment")
    elif catalogue is not None and (assessment_key is None or assessment_key not in memo.assessments):
        from pydantic import ValidationError

        from vettriage.engine.assessment import Assessment

        try:
            Assessment.model_validate(i["assessment"])
        except ValidationError as exc:
            err = exc.errors()[0]
            raise _Bad(f"{w}.assessment." + ".".join(map(str, err["loc"])), err["msg"]) from None
        if assessment_key is not None:
            memo.keep(memo.assessments, assessment_key)
    _check_result(i, w, catalogue, memo, answers_key, assessment_key)
    return Checked(_check_events(i["audit"], w, memo), answers_text, assessment_text)


def _check_result(i: dict[str, Any], w: str, catalogue: Any, memo: _Memo | None = None,
                  answers_key: bytes | None = None, assessment_key: bytes | None = None) -> None:
    """The stored urgency and flags agree with each other and, for a completed intake of this very content,
    with the answers assessed again: a record edited to read "routine" must not hide an emergency from
    `intakes list --urgency emergency`."""
    a = i["assessment"]
    if i["status"] == "in_progress" and i["urgency"] not in (None, "emergency"):
        raise _Bad(f"{w}.urgency", f"an intake in progress has no urgency but an emergency, not {i['urgency']!r}")
    if i["urgency"] == "emergency" and not i["emergency"]:
        raise _Bad(f"{w}.emergency", "false, but the urgency is emergency")
    if a is None:
        return
    if i["urgency"] != a.get("urgency"):
        raise _Bad(f"{w}.urgency", f"{i['urgency']!r}, but its assessment says {a.get('urgency')!r}")
    if a.get("red_flags") and a.get("urgency") != "emergency":
        raise _Bad(f"{w}.assessment.urgency", f"{a.get('urgency')!r}, but the assessment raises a red flag")
    if (catalogue is None or i["status"] != "completed" or i["content_version"] != catalogue.version
            or i["content_hash"] != catalogue.hash):
        return  # an amended intake's last result may predate an amendment; older content assessed otherwise
    # the same answers and Assessment already found to agree (a pure function of both and of the catalogue)
    pair = (answers_key, assessment_key)
    if memo is not None and None not in pair and pair in memo.results:
        return
    from vettriage.engine import assess
    from vettriage.engine.answers import validate_answers
    from vettriage.errors import InputError

    try:
        again = assess(catalogue, validate_answers(catalogue, i["answers"], w))
    except InputError as exc:
        raise _Bad(f"{w}.answers", exc.message) from None
    for key in ("urgency", "red_flags", "ketamine_cautions", "medication_flags", "primary", "workup"):
        got, want = _ids(a.get(key)), _ids(getattr(again, key))
        if got != want:
            raise _Bad(f"{w}.assessment.{key}", f"{_shown(got)} disagrees with its answers, which give "
                       f"{_shown(want)}; refused (export the record again from where it was made)")
    for cat, result in again.categories.items():
        level = (a.get("categories") or {}).get(cat, {}).get("level")
        if level != result.level:
            raise _Bad(f"{w}.assessment.categories.{cat}.level", f"{level!r} disagrees with its answers, which "
                       f"give {result.level!r}; refused")
    if memo is not None and None not in pair:
        memo.keep(memo.results, pair)


def _ids(value: Any) -> Any:
    """The ids of a list of hits, sorted; anything else as it is."""
    if isinstance(value, list):
        return sorted(str(v.get("id")) if isinstance(v, dict) else str(getattr(v, "id", v)) for v in value)
    return value


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


def check_header(doc: Any) -> None:
    """The export's format and version (raises _Bad)."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _Bad("format", "not a vettriage export")
    if doc.get("format_version") != FORMAT_VERSION:
        raise _Bad("format_version", f"{doc.get('format_version')!r} is not a format this vettriage reads "
                   f"({FORMAT_VERSION})")


class Checker:
    """Checks an export's records one at a time, as they stream in: memory grows only by one id per record
    (to refuse an id given twice and an intake of a dog that is not in the export)."""

    def __init__(self, source: str, versions: set[str], catalogue: Any = None) -> None:
        self.source, self.versions, self.catalogue = source, versions, catalogue
        self.dog_ids: set[int] = set()
        self.intake_ids: set[int] = set()
        self.charts: set[str] = set()
        self.memo = _Memo()
        self.short_numbers = False
        """Set by whoever reads every record handed to it with import_workers.DECODER (no number of 20 digits)."""

    def fail(self, exc: _Bad, line: int | None = None) -> InputError:
        return InputError(self.source, exc.field, str(exc), line)

    def dog(self, d: Any, n: int, line: int | None = None) -> None:
        """Check the n-th dog (InputError at the first problem)."""
        try:
            _fields(d, DOG_FIELDS, f"dogs[{n}]", DOG_EXTRA)
            w = f"dogs[id={d['id']}]"
            _check_dog(d, w)
            if d["id"] in self.dog_ids:
                raise _Bad(f"{w}.id", "the same id twice")
            if d["chart"] is not None and d["chart"] in self.charts:
                raise _Bad(f"{w}.chart", f"chart {d['chart']!r} is given to two dogs (a chart names one dog)")
        except _Bad as exc:
            raise self.fail(exc, line) from None
        self.dog_ids.add(d["id"])
        if d["chart"] is not None:
            self.charts.add(d["chart"])

    def intake(self, i: Any, n: int, line: int | None = None) -> Checked:
        """Check the n-th intake; its dog must have been checked already."""
        try:
            _fields(i, INTAKE_FIELDS, f"intakes[{n}]", INTAKE_EXTRA)
            w = f"intakes[id={i['id']}]"
            checked = _check_intake(i, w, self.dog_ids, self.versions, self.catalogue, self.memo,
                                    self.short_numbers)
            if i["id"] in self.intake_ids:
                raise _Bad(f"{w}.id", "the same id twice")
        except _Bad as exc:
            raise self.fail(exc, line) from None
        self.intake_ids.add(i["id"])
        return checked


def check_document(doc: Any, source: str, versions: set[str], catalogue: Any = None) -> None:
    """Raise InputError(source, field, ...) at the first thing wrong in a whole export document."""
    try:
        check_header(doc)
        for key in ("dogs", "intakes"):
            if not isinstance(doc.get(key), list):
                raise _Bad(key, "expected a list")
    except _Bad as exc:
        raise InputError(source, exc.field, str(exc)) from None
    checker = Checker(source, versions, catalogue)
    for n, d in enumerate(doc["dogs"]):
        checker.dog(d, n)
    for n, i in enumerate(doc["intakes"]):
        checker.intake(i, n)


def dog_row(d: dict[str, Any]) -> dict[str, Any]:
    """The table row of a checked dog."""
    return {**d, "birth_date": _day(d["birth_date"], ""), "created_at": _when(d["created_at"], ""),
            "name_key": d["name"].casefold()}


def intake_rows(i: dict[str, Any], events: bool = True) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The table rows of a checked intake: the intake and (unless not wanted) its audit events."""
    row = {k: v for k, v in i.items() if k != "audit"}
    row["created_at"] = _when(i["created_at"], "")
    row["updated_at"] = _when(i["updated_at"], "")
    row["rescreen_due"] = _day(i.get("rescreen_due"), "")
    # Lost to follow-up (schema 4) travels in the audit trail, where every mark and undo already is: the export
    # format is unchanged, and the columns are its last event again.
    marks = [e for e in i["audit"] if e["item_id"] == LOST_ITEM]
    last = marks[-1] if marks and marks[-1]["new_value"] is True else None
    row["lost_at"], row["lost_by"], row["lost_reason"] = (
        (_when(last["at"], ""), last["who"], (last["reason"] or "")[:400] or None) if last else (None, None, None))
    return row, [{**e, "intake_id": i["id"], "at": _when(e["at"], "")} for e in i["audit"]] if events else []


def to_rows(doc: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Table rows (dogs, intakes, audit) from a checked document."""
    dogs = [dog_row(d) for d in doc["dogs"]]
    intakes, events = [], []
    for i in doc["intakes"]:
        row, evs = intake_rows(i)
        intakes.append(row)
        events += evs
    return dogs, intakes, events
