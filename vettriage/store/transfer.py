"""Export and import of every dog, intake and audit event, as JSON or CSV.

An export is deterministic (no timestamp of its own), so export → import into an empty database → export
gives the same bytes. An import parses and validates the whole file first, then writes everything in one
transaction: a refused import leaves the store exactly as it was. Invitations are access tokens, not records:
they are not exported.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Iterable

from vettriage.errors import InputError
from vettriage.store.db import Tx
from vettriage.store.sqlstore import SqlStore
from vettriage.store.validate import (AUDIT_FIELDS, DOG_FIELDS, FORMAT, FORMAT_VERSION, INTAKE_FIELDS,
                                      check_document, to_rows)
JSON_CELLS = ("answers", "assessment", "audit")
CSV_COLUMNS = INTAKE_FIELDS + tuple(f"dog_{f}" for f in DOG_FIELDS if f != "id")
CSV_END = "#end"


def _plain(value: Any) -> Any:
    """Dates and datetimes as ISO text; everything else as it is."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_document(store: SqlStore) -> dict[str, Any]:
    """Every dog and intake (with its audit trail), by id, as plain JSON-able data."""
    def tx(tx: Tx) -> dict[str, Any]:
        dogs = [{f: _plain(row[f]) for f in DOG_FIELDS} for row in tx.rows("SELECT * FROM dogs ORDER BY id")]
        trail: dict[int, list[dict[str, Any]]] = {}
        for row in tx.rows("SELECT * FROM audit ORDER BY id"):
            trail.setdefault(row["intake_id"], []).append({f: _plain(row[f]) for f in AUDIT_FIELDS})
        intakes = []
        for row in tx.rows("SELECT * FROM intakes ORDER BY id"):
            rec = {f: _plain(row[f]) for f in INTAKE_FIELDS if f != "audit"}
            rec["emergency"] = bool(rec["emergency"])
            rec["audit"] = trail.get(row["id"], [])
            intakes.append(rec)
        return {"format": FORMAT, "format_version": FORMAT_VERSION, "dogs": dogs, "intakes": intakes}

    return store.run(tx)


def to_json(doc: dict[str, Any]) -> str:
    """The export document as JSON text (stable key order)."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_csv(doc: dict[str, Any]) -> str:
    """One row per intake with its dog's fields; answers, assessment and audit as JSON cells; a last row
    `#end,N` so that a file cut at a line boundary is still seen to be truncated. Dogs with no intake are
    not in a CSV export (use JSON for a full backup)."""
    dogs = {d["id"]: d for d in doc["dogs"]}
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for rec in doc["intakes"]:
        dog = dogs[rec["dog_id"]]
        row = [_cell(rec[f], f in JSON_CELLS) for f in INTAKE_FIELDS]
        row += [_cell(dog[f], False) for f in DOG_FIELDS if f != "id"]
        w.writerow(row)
    w.writerow([CSV_END, len(doc["intakes"])])
    return out.getvalue()


def _cell(value: Any, as_json: bool) -> str:
    if as_json or isinstance(value, (bool, float)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def read_export(path: Path | str, known_versions: Iterable[str], catalogue: Any = None) -> dict[str, Any]:
    """Parse and validate an export file (JSON or CSV, told apart by content); InputError names the record."""
    path = Path(path)
    src = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(src, None, f"cannot read the file ({exc})") from None
    if text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(src, None, f"not a complete JSON export (truncated?): {exc.msg}", exc.lineno) from None
    else:
        doc = _from_csv(text, src)
    check_document(doc, src, set(known_versions), catalogue)
    return doc


def _from_csv(text: str, src: str) -> dict[str, Any]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(rows[0]) != CSV_COLUMNS:
        raise InputError(src, None, "not a vettriage export (unexpected header)", 1)
    if len(rows) < 2 or rows[-1][:1] != [CSV_END]:
        raise InputError(src, None, "truncated export (no end row)", len(rows))
    body = rows[1:-1]
    if rows[-1][1:2] != [str(len(body))]:
        raise InputError(src, None, f"truncated export (end row counts {rows[-1][1:2]}, found {len(body)})",
                         len(rows))
    dogs: dict[Any, dict[str, Any]] = {}
    intakes = []
    for n, row in enumerate(body, start=2):
        if len(row) != len(CSV_COLUMNS):
            raise InputError(src, None, f"expected {len(CSV_COLUMNS)} columns, found {len(row)}", n)
        cells = dict(zip(CSV_COLUMNS, row))
        try:
            rec = {f: _uncell(cells[f], f) for f in INTAKE_FIELDS}
            dog = {"id": rec["dog_id"], **{f: _uncell(cells[f"dog_{f}"], f) for f in DOG_FIELDS if f != "id"}}
        except ValueError as exc:
            raise InputError(src, None, str(exc), n) from None
        if dogs.setdefault(dog["id"], dog) != dog:
            raise InputError(src, "dog_id", f"dog {dog['id']} is described two different ways", n)
        intakes.append(rec)
    return {"format": FORMAT, "format_version": FORMAT_VERSION,
            "dogs": sorted(dogs.values(), key=lambda d: d["id"] if isinstance(d["id"], int) else 0),
            "intakes": intakes}


def _uncell(text: str, field: str) -> Any:
    if field in JSON_CELLS or field in ("emergency", "age_years"):
        if field == "age_years" and text == "":
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise ValueError(f"{field}: not valid JSON (truncated?)") from None
    if field in ("id", "dog_id"):
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{field}: {text!r} is not a whole number") from None
    return None if text == "" else text


def import_document(store: SqlStore, doc: dict[str, Any], source: str) -> tuple[int, int]:
    """Write a validated document in one transaction; refuses (changing nothing) if an id is already used.
    Returns (dogs, intakes) imported."""
    dogs, intakes, events = to_rows(doc)

    def tx(tx: Tx) -> None:
        for table, ids, what in (("dogs", [d["id"] for d in dogs], "dog"),
                                 ("intakes", [i["id"] for i in intakes], "intake")):
            for chunk in range(0, len(ids), 500):
                part = ids[chunk:chunk + 500]
                taken = tx.scalar(f"SELECT id FROM {table} WHERE id IN ({', '.join('?' * len(part))}) "
                                  "ORDER BY id LIMIT 1", part)
                if taken is not None:
                    raise InputError(source, None, f"{what} {taken} already exists in the database; "
                                     "import into an empty database (nothing was imported)")
        tx.insert_many("dogs", dogs)
        tx.insert_many("intakes", intakes)
        tx.insert_many("audit", events)
        if store.dialect == "postgresql":  # explicit ids do not move the id sequences
            for table in ("dogs", "intakes"):
                tx.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")

    store.run(tx, write=True)
    return len(dogs), len(intakes)
