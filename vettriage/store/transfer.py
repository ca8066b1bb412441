"""Export and import of every dog, intake and audit event, as JSON or CSV, streamed: memory stays flat in the
number of intakes both ways (bench/store.py measures it at 1,000 and 100,000).

An export is deterministic (no timestamp of its own), so export → import into an empty database → export
gives the same bytes. It is read in one snapshot, a page of intakes at a time; a damaged row (a bad date,
broken JSON) is left out and listed, and so are the intakes of a damaged dog (they could not be imported
without it). JSON is compact (one record a line) unless an indent is asked for.

An import reads the file once: every record is checked (nothing is written to the database, which is not even
opened yet) and its rows encoded into a spool (store/spool.py); then one transaction replays the spool, so a
refused import leaves the store exactly as it was and the write lock is held only while rows are written. Our
own compact export of 16 MiB or more is checked by worker processes (store/import_workers.py), falling back
to the one-record-at-a-time check here on anything amiss. Invitations are access tokens, not records: they are
not exported.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence, TextIO

from vettriage import jsonread
from vettriage.errors import InputError
from vettriage.store.db import DECODE_ERRORS, Damaged, DamagedRow, NotUtf8, Tx, decode_row
from vettriage.store.schema import KINDS
from vettriage.store.sqlstore import SqlStore
from vettriage.store.eventtext import EventText
from vettriage.store.import_workers import applies, check_in_parallel, compact
from vettriage.store.jsonstream import JsonStream
from vettriage.store.spool import INSERT, Spool
from vettriage.store.validate import (AUDIT_FIELDS, DOG_EXTRA, DOG_FIELDS, FORMAT, FORMAT_VERSION, INTAKE_EXTRA,
                                      INTAKE_FIELDS, Checker, _Bad, check_header, dog_row, intake_rows)

JSON_CELLS = ("answers", "assessment", "audit")
CSV_COLUMNS_V1 = INTAKE_FIELDS + tuple(f"dog_{f}" for f in DOG_FIELDS if f != "id")
# schema 3's columns at the end: an export written before them (CSV_COLUMNS_V1) still imports
CSV_COLUMNS = CSV_COLUMNS_V1 + INTAKE_EXTRA + tuple(f"dog_{f}" for f in DOG_EXTRA)
CSV_END = "#end"
PAGE = 500
"""Intakes read (export) or written (import) at a time."""
# Named columns, not *: a damaged schema must fail as an SQL error, not as a missing key later.
DOG_COLUMNS = ", ".join(DOG_FIELDS + DOG_EXTRA)
INTAKE_COLUMNS = ", ".join(f'"{f}"' if f in ("by", "position") else f
                           for f in INTAKE_FIELDS + INTAKE_EXTRA if f != "audit")
AUDIT_COLUMNS = "intake_id, " + ", ".join(AUDIT_FIELDS)
OUT_OF_ORDER = "the rest of the intakes table cannot be read in order"


def _plain(value: Any) -> Any:
    """Dates and datetimes as ISO text; everything else as it is."""
    return value.isoformat() if hasattr(value, "isoformat") else value


# -- export ---------------------------------------------------------------------------------------------------

def _snapshot(tx: Tx) -> None:
    """PostgreSQL's default isolation sees other commits between statements: an export pages through the
    tables, so it reads one snapshot (SQLite's read transaction already is one)."""
    if tx.dialect.name == "postgresql":
        tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def _dogs(tx: Tx, damaged: list[Damaged]) -> Iterator[dict[str, Any]]:
    for row in tx.iterate(f"SELECT {DOG_COLUMNS} FROM dogs ORDER BY id", (), damaged, "dog"):
        yield {f: _plain(row[f]) for f in DOG_FIELDS + DOG_EXTRA}


def _intakes(tx: Tx, damaged: list[Damaged], bad_dogs: set[Any], with_dogs: bool = False,
             encoded: bool = False, after: int = 0,
             upto: int | None = None) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Every readable intake with its audit trail (and its dog, for CSV), a page at a time, by id; those with
    `after` < id <= `upto` (a parallel export's range; None: to the end). Encoded: each audit event is
    already its compact JSON text (for _json_list's compact layout)."""
    events = EventText(lambda raw: tx.dialect.load("json", raw), compact) if encoded else None
    last = after
    ids_sql, bound = ("SELECT id FROM intakes WHERE id > ? ORDER BY id LIMIT ?", ()) if upto is None else (
        "SELECT id FROM intakes WHERE id > ? AND id <= ? ORDER BY id LIMIT ?", (upto,))
    while True:
        # the page's id window first: a damaged row left out by rows() must not end the paging early
        window = []
        for r in tx.rows(ids_sql, (last, *bound, PAGE)):
            if not isinstance(r["id"], int) or r["id"] <= (window[-1] if window else last):
                # a damaged b-tree can give ids out of order (and so again and again): stop, and say so
                damaged.append(Damaged("intake", f"after {window[-1] if window else last}", "id", OUT_OF_ORDER))
                break
            window.append(r["id"])
        else:
            if not window:
                return
        if not window:
            return
        page = tx.rows(f"SELECT {INTAKE_COLUMNS} FROM intakes WHERE id > ? AND id <= ? ORDER BY id",
                       (last, window[-1]), damaged, "intake")
        last = window[-1]
        ids = [row["id"] for row in page]
        if not ids:
            continue
        trail = _trails(tx, ids, damaged, events)
        dogs: dict[int, dict[str, Any]] = {}
        if with_dogs:
            dog_ids = sorted({row["dog_id"] for row in page})
            bad: list[Damaged] = []
            for d in tx.rows(f"SELECT {DOG_COLUMNS} FROM dogs WHERE id IN ({', '.join('?' * len(dog_ids))})", dog_ids,
                             bad, "dog"):
                dogs[d["id"]] = {f: _plain(d[f]) for f in DOG_FIELDS + DOG_EXTRA}
            for b in bad:  # once per dog, however many pages hold its intakes
                if b.id not in bad_dogs:
                    bad_dogs.add(b.id)
                    damaged.append(b)
        for row in page:
            if row["dog_id"] in bad_dogs or (with_dogs and row["dog_id"] not in dogs):
                damaged.append(Damaged("intake", row["id"], "dog_id", f"its dog {row['dog_id']} is damaged"))
                continue
            if not isinstance(row["answers"], dict) or not (row["assessment"] is None
                                                            or isinstance(row["assessment"], dict)):
                damaged.append(Damaged("intake", row["id"], "answers", "not a mapping"))
                continue
            rec = {f: _plain(row[f]) for f in INTAKE_FIELDS + INTAKE_EXTRA if f != "audit"}
            rec["emergency"] = bool(rec["emergency"])
            rec["audit"] = trail.get(row["id"], [])
            yield rec, dogs.get(row["dog_id"])


def _trails(tx: Tx, ids: list[int], damaged: list[Damaged],
            events: EventText | None = None) -> dict[int, list[Any]]:
    """The audit events of these intakes, by intake, in order. Millions of rows in a big export: each is
    decoded here column by column from the driver's tuple (the generic row decoder's dicts cost 3x), and a
    damaged one goes through that decoder only to be named. With `events`, each is its compact JSON text,
    written by its template when the row has the usual shape (store/eventtext.py), else encoded from the
    decoded dict."""
    # by intake, then id: the index's own order (ORDER BY id alone sorted every page's events, about 20% of
    # the query's CPU); each intake's events come in the same order either way
    sql = (f"SELECT {AUDIT_COLUMNS} FROM audit WHERE intake_id IN ({', '.join('?' * len(ids))}) "
           "ORDER BY intake_id, id")
    if events is not None:
        mark = len(damaged)
        try:
            return _trail_rows(tx.raw_utf8(sql, ids), tx, damaged, events)
        except NotUtf8:  # a damaged byte somewhere: every row again, the lenient way, naming only that one
            del damaged[mark:]
    return _trail_rows(tx.raw(sql, ids), tx, damaged, events)


def _trail_rows(rows: Iterable[Sequence[Any]], tx: Tx, damaged: list[Damaged],
                events: EventText | None) -> dict[int, list[Any]]:
    load = tx.dialect.load
    trail: dict[int, list[Any]] = {}
    for row in rows:
        intake_id, item_id, old, new, who, at, reason = row
        if events is not None and type(intake_id) is int:
            text = events.event(row)
            if text is not None:
                trail.setdefault(intake_id, []).append(text)
                continue
        try:
            at = load("ts", at)
            event = {"item_id": load("text", item_id), "old_value": load("json", old),
                     "new_value": load("json", new), "who": load("text", who),
                     "at": None if at is None else at.isoformat(), "reason": load("text", reason)}
            key = load("int", intake_id)
        except DECODE_ERRORS:
            names = ["intake_id", *AUDIT_FIELDS]
            try:
                decode_row(load, names, [KINDS.get(n) for n in names], row)
            except DamagedRow as exc:
                damaged.append(Damaged("audit event", exc.row_id, exc.field, exc.problem))
            continue
        trail.setdefault(key, []).append(event if events is None else compact(event))
    return trail


def _compact_record(rec: dict[str, Any], lead: str = "") -> str:
    """`lead` + compact(rec), where an intake's audit events (its last key) may already be their compact texts
    (joined once: a big trail is tens of kilobytes, copied again by every `+`)."""
    audit = rec.get("audit")
    if not audit or not isinstance(audit[0], str):
        return lead + compact(rec)
    head = compact({k: v for k, v in rec.items() if k != "audit"})
    return "".join((lead, head[:-1], ',"audit":[', ",".join(audit), "]}"))


def _json_list(out: TextIO, key: str, records: Iterable[Any], last: bool, indent: int | None = None) -> int:
    """Write `"key": [...]` inside the top-level object; the count written. Compact: one record a line (still
    one JSON document, and a reader can see where each record starts). With an indent: as json.dumps(doc,
    indent=indent) would write it."""
    n = 0
    if indent is None:
        out.write(f'"{key}":[')
        for rec in records:
            out.write(_compact_record(rec, ",\n" if n else "\n"))
            n += 1
        out.write("\n]" + ("}\n" if last else ",\n"))
        return n
    pad = "\n" + " " * indent
    inner = pad + " " * indent
    out.write(f'{pad}"{key}": [')
    for rec in records:
        out.write(("," if n else "") + inner + json.dumps(rec, indent=indent, ensure_ascii=False).replace("\n", inner))
        n += 1
    out.write((f"{pad}]" if n else "]") + ("\n}\n" if last else ","))
    return n


def json_head(out: TextIO, indent: int | None) -> None:
    """The export document's opening, up to its first list."""
    if indent is None:
        out.write(f'{{"format":"{FORMAT}","format_version":{FORMAT_VERSION},\n')
    else:
        pad = "\n" + " " * indent
        out.write(f'{{{pad}"format": "{FORMAT}",{pad}"format_version": {FORMAT_VERSION},')


def write_export(store: SqlStore, out: TextIO, fmt: str = "json", indent: int | None = None,
                 jobs: int | None = 1, parts_dir: str | None = None,
                 stats: dict[str, Any] | None = None) -> tuple[int, int, list[Damaged]]:
    """Stream every readable record to `out` as JSON (compact, or indented by `indent` spaces) or CSV;
    (dogs, intakes, what was left out). `jobs` other than 1 (None: one per core) lets a big compact JSON export
    of an SQLite store be written by worker processes into part files in `parts_dir` (store/export_workers.py:
    the same bytes); `stats` then receives how it went (workers, how long the write lock was held)."""
    if fmt == "json" and indent is None and jobs != 1:
        from vettriage.store.export_workers import write_parallel

        done = write_parallel(store, out, parts_dir, jobs, stats)
        if done is not None:
            return done
    damaged: list[Damaged] = []

    def tx(tx: Tx) -> tuple[int, int]:
        _snapshot(tx)
        if fmt == "csv":
            return _write_csv(tx, out, damaged)
        json_head(out, indent)
        dogs = _json_list(out, "dogs", _dogs(tx, damaged), last=False, indent=indent)
        bad_dogs = {d.id for d in damaged if d.what == "dog"}
        intakes = _json_list(out, "intakes", (rec for rec, _ in _intakes(tx, damaged, bad_dogs,
                                                                         encoded=indent is None)), last=True,
                             indent=indent)
        return dogs, intakes

    dogs, intakes = store.run(tx)
    return dogs, intakes, damaged


def _write_csv(tx: Tx, out: TextIO, damaged: list[Damaged]) -> tuple[int, int]:
    """One row per intake with its dog's fields; answers, assessment and audit as JSON cells; a last row
    `#end,N` so that a file cut at a line boundary is still seen to be truncated. Dogs with no intake are
    not in a CSV export (use JSON for a full backup)."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    n = 0
    dog_ids: set[int] = set()
    for rec, dog in _intakes(tx, damaged, set(), with_dogs=True):
        assert dog is not None
        row = [_cell(rec[f], f in JSON_CELLS) for f in INTAKE_FIELDS]
        row += [_cell(dog[f], False) for f in DOG_FIELDS if f != "id"]
        row += [_cell(rec[f], False) for f in INTAKE_EXTRA] + [_cell(dog[f], False) for f in DOG_EXTRA]
        w.writerow(row)
        dog_ids.add(dog["id"])
        n += 1
    w.writerow([CSV_END, n])
    return len(dog_ids), n


def _cell(value: Any, as_json: bool) -> str:
    if as_json or isinstance(value, (bool, float)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def export_document(store: SqlStore) -> dict[str, Any]:
    """Every readable dog and intake as one JSON-able document (for tests and small stores: it is in memory)."""
    import io

    buf = io.StringIO()
    write_export(store, buf, "json")
    return json.loads(buf.getvalue())


def to_json(doc: dict[str, Any], indent: int | None = 2) -> str:
    """An export document as JSON text (with an indent, the same bytes write_export streams with it)."""
    return json.dumps(doc, indent=indent, ensure_ascii=False) + "\n"


# -- reading an export, one record at a time ------------------------------------------------------------------

def _csv_records(f: TextIO, src: str) -> Iterator[tuple[str, Any, int]]:
    """Records of a CSV export: each row's dog (the first time it appears) and intake. The field size limit is
    raised to the file's own size, so that no cell of our own export (an audit trail past 131,072 characters)
    is refused, while a cell can still not be larger than the file."""
    try:
        size = Path(f.name).stat().st_size  # type: ignore[attr-defined]
    except (AttributeError, OSError, TypeError):
        size = 1 << 30
    if size + 1 > csv.field_size_limit():
        csv.field_size_limit(min(size + 1, 2**31 - 1))
    reader = csv.reader(f)
    yield "header", {"format": FORMAT, "format_version": FORMAT_VERSION}, 1
    try:
        head = next(reader, None)
        if head is None or tuple(head) not in (CSV_COLUMNS, CSV_COLUMNS_V1):
            raise InputError(src, None, "not a vettriage export (unexpected header)", 1)
        columns = tuple(head)
        dogs: dict[Any, str] = {}  # dog id -> digest of its fields (a digest, not the record: memory stays flat)
        end: list[str] | None = None
        n = 0
        for row in reader:
            line = reader.line_num
            if end is not None:
                raise InputError(src, None, "rows after the end row", line)
            if row[:1] == [CSV_END]:
                end = row
                continue
            n += 1
            if len(row) != len(columns):
                raise InputError(src, None, f"expected {len(columns)} columns, found {len(row)}", line)
            cells = dict(zip(columns, row))
            try:
                rec = {f: _uncell(cells[f], f) for f in INTAKE_FIELDS + INTAKE_EXTRA if f in cells}
                dog = {"id": rec["dog_id"], **{f: _uncell(cells[f"dog_{f}"], f) for f in DOG_FIELDS + DOG_EXTRA
                                               if f != "id" and f"dog_{f}" in cells}}
            except ValueError as exc:
                raise InputError(src, None, str(exc), line) from None
            digest = hashlib.sha256(json.dumps(dog, sort_keys=True, default=str).encode()).hexdigest()
            if dog["id"] not in dogs:
                dogs[dog["id"]] = digest
                yield "dogs", dog, line
            elif dogs[dog["id"]] != digest:
                raise InputError(src, "dog_id", f"dog {dog['id']} is described two different ways", line)
            yield "intakes", rec, line
    except csv.Error as exc:
        raise InputError(src, None, f"not a vettriage CSV export ({exc})", reader.line_num) from None
    if end is None:
        raise InputError(src, None, "truncated export (no end row)", reader.line_num)
    if end[1:2] != [str(n)]:
        raise InputError(src, None, f"truncated export (end row counts {end[1:2]}, found {n})", reader.line_num)


def _uncell(text: str, field: str) -> Any:
    if field in JSON_CELLS or field in ("emergency", "age_years"):
        if field == "age_years" and text == "":
            return None
        try:
            return jsonread.loads(text)
        except jsonread.JsonValueError as exc:
            raise ValueError(f"{field}: {exc}") from None
        except (json.JSONDecodeError, RecursionError):
            raise ValueError(f"{field}: not valid JSON (truncated?)") from None
    if field in ("id", "dog_id"):
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{field}: {text[:40]!r} is not a whole number") from None
    return None if text == "" else text


def _records(path: Path, src: str) -> Iterator[tuple[str, Any, int]]:
    """Every record of an export file, JSON or CSV (told apart by its first character)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would be waited on forever
            raise InputError(src, None, "not a regular file")
        with open(path, encoding="utf-8", newline="") as f:
            first = f.read(1)
            while first and first in " \t\r\n\ufeff":
                first = f.read(1)
            f.seek(0)
            if not first:
                raise InputError(src, None, "empty file: not a vettriage export")
            yield from (JsonStream(f, src).records() if first == "{" else _csv_records(f, src))
    except UnicodeDecodeError as exc:
        raise InputError(src, None, f"cannot read the file (not UTF-8: {exc.reason})") from None
    except OSError as exc:
        raise InputError(src, None, f"cannot read the file ({exc.strerror or exc})") from None


def check_export(path: Path | str, known_versions: Iterable[str], catalogue: Any = None,
                 spool: Spool | None = None, parallel: bool = True) -> tuple[int, int]:
    """Check every record of an export file, streaming (nothing is written to the database); (dogs, intakes) it
    holds. With a spool, each checked record's rows are encoded into it for the write (by worker processes
    first, unless not `parallel`). InputError names the record, the field and, where it can, the line."""
    path = Path(path)
    src = str(path)
    if spool is not None and parallel:
        try:
            done = check_in_parallel(path, Checker(src, set(known_versions), catalogue), spool)
        except OSError:
            done = None  # said again, as the reading below says it
        if done is not None:
            spool.counts = done
            return done
        spool.reset()  # not our compact layout, or something to refuse: one record at a time, as always
    checker = Checker(src, set(known_versions), catalogue)
    counts = {"dogs": 0, "intakes": 0}
    for kind, rec, line in _records(path, src):
        if kind == "header":
            try:
                check_header(rec)
            except _Bad as exc:
                raise checker.fail(exc) from None
        elif kind == "dogs":
            checker.dog(rec, counts["dogs"], line)
            counts[kind] += 1
            if spool is not None:
                spool.dog(rec)
        else:
            checked = checker.intake(rec, counts["intakes"], line)
            counts[kind] += 1
            if spool is not None:
                spool.intake(rec, checked)
    if spool is not None:
        spool.counts = (counts["dogs"], counts["intakes"])
    return counts["dogs"], counts["intakes"]


class GaveUp(Exception):
    """The overlapped import cannot go on (see import_file): roll back, and check the file the ordinary way."""

    def __init__(self, workers: bool) -> None:
        super().__init__()
        self.workers = workers  # whether the ordinary way may still check with worker processes


def import_file(store: SqlStore, path: Path | str, known_versions: Iterable[str] = (),
                catalogue: Any = None) -> tuple[int, int]:
    """Check the whole file, then write all of it in one transaction (or nothing: an id already in the
    database refuses the whole import). Returns (dogs, intakes) imported.

    A big compact export into a store with no intake yet (a restore) is checked and written at once: worker
    processes check batches while this process writes the batches already checked, in one transaction that
    holds the write lock from the start (bench/store.py: 100,000 intakes in about half the time of check, then
    write). No intake means no intake being saved that the lock could stall; a desk creating an intake waits
    the lock wait, then says the database was busy. Anything amiss (a bad record, an id already there, a
    layout not ours) rolls it back, and the file is checked again the ordinary way, so that the refusal and
    its one line are what they always were. Into a store with intakes, the file is checked first and the lock
    is taken only for the write."""
    path = Path(path)
    workers = True
    if applies(path):
        try:
            return check_and_write_at_once(store, path, set(known_versions), catalogue)
        except GaveUp as exc:
            workers = exc.workers
    with Spool(store._db.dialect) as spool:  # noqa: SLF001 - the store's own package
        check_export(path, known_versions, catalogue, spool, parallel=workers)
        return write_spool(store, spool, str(path))


def check_and_write_at_once(store: SqlStore, path: Path, versions: set[str], catalogue: Any) -> tuple[int, int]:
    """import_file's first way for a big compact export: (dogs, intakes) written, or GaveUp after rolling back
    (then check the file the ordinary way, with workers only if GaveUp.workers)."""
    def tx(tx: Tx) -> tuple[int, int]:
        if tx.scalar("SELECT id FROM intakes ORDER BY id LIMIT 1") is not None:
            raise GaveUp(workers=True)

        def write(table: str, rows: list[tuple[Any, ...]]) -> None:
            if table != "audit" and _taken(tx, table, [r[0] for r in rows]) is not None:
                raise GaveUp(workers=False)  # said after the whole file is checked, as always
            tx.executemany(INSERT[table], rows)

        rebuild = _set_indexes_aside(tx)
        with Spool(tx.dialect, sink=write) as spool:
            try:
                done = check_in_parallel(path, Checker(str(path), versions, catalogue), spool)
            except OSError:
                done = None  # said by the ordinary reading
            if done is None:
                raise GaveUp(workers=False)
            spool.finish()
        for sql in rebuild:
            tx.execute(sql)
        _move_sequences(tx)
        return done

    return store.run(tx, write=True)


SET_ASIDE = ("intakes", "audit")
"""Tables whose secondary indexes an at-once import into SQLite builds after its rows are in."""


def _set_indexes_aside(tx: Tx) -> list[str]:
    """Drop the secondary indexes of the intakes and their audit trail, in the import's own transaction; the
    statements that make them again, as the schema wrote them. Filling empty tables, then indexing them once
    (a sort), costs less than keeping every index in order row by row (bench/store.py: 11.7 million audit
    events at 100,000 intakes), which is what SQLite's own advice for a bulk load says. A rollback or a crash
    brings the indexes back with the rest; other connections see them throughout (their snapshot, in WAL).
    The indexes SQLite makes for a UNIQUE constraint have no statement and stay. Not on PostgreSQL."""
    if tx.dialect.name != "sqlite":
        return []
    names = ", ".join("?" * len(SET_ASIDE))
    indexes = [(r["name"], r["sql"]) for r in tx.rows(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({names}) AND sql IS NOT NULL "
        "ORDER BY rowid", SET_ASIDE)]
    for name, _ in indexes:
        tx.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in indexes]


def _taken(tx: Tx, table: str, ids: list[Any]) -> Any:
    """The first of these ids already in the table, or None."""
    return tx.scalar(f"SELECT id FROM {table} WHERE id IN ({', '.join('?' * len(ids))}) ORDER BY id LIMIT 1", ids)


def _move_sequences(tx: Tx) -> None:
    if tx.dialect.name == "postgresql":  # explicit ids do not move the id sequences
        for table in ("dogs", "intakes"):
            tx.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")


def write_spool(store: SqlStore, spool: Spool, source: str) -> tuple[int, int]:
    """Write a checked file's rows, as check_export put them in the spool, in one transaction, a chunk at a
    time by executemany; an id already in the database refuses the whole import. (dogs, intakes) written."""
    def tx(tx: Tx) -> tuple[int, int]:
        for table, rows in spool.chunks():
            if table != "audit":
                taken = _taken(tx, table, [r[0] for r in rows])
                if taken is not None:
                    raise InputError(source, None, f"{table[:-1]} {taken} already exists in the database; "
                                     "import into an empty database (nothing was imported)")
            tx.executemany(INSERT[table], rows)
        _move_sequences(tx)
        return spool.counts

    return store.run(tx, write=True)


def _write(store: SqlStore, records: Iterator[tuple[str, Any, int]], source: str) -> tuple[int, int]:
    def tx(tx: Tx) -> tuple[int, int]:
        pending: dict[str, list[dict[str, Any]]] = {"dogs": [], "intakes": [], "audit": []}
        counts = {"dogs": 0, "intakes": 0}

        def flush(*tables: str) -> None:
            for table in tables:
                rows = pending[table]
                if table != "audit" and rows:
                    taken = _taken(tx, table, [r["id"] for r in rows])
                    if taken is not None:
                        raise InputError(source, None, f"{table[:-1]} {taken} already exists in the database; "
                                         "import into an empty database (nothing was imported)")
                tx.insert_many(table, rows)
                rows.clear()

        for kind, rec, _line in records:
            if kind == "dogs":
                pending["dogs"].append(dog_row(rec))
                counts["dogs"] += 1
            elif kind == "intakes":
                row, events = intake_rows(rec)
                pending["intakes"].append(row)
                pending["audit"] += events
                counts["intakes"] += 1
            if len(pending["dogs"]) >= PAGE:
                flush("dogs")
            if len(pending["intakes"]) >= PAGE or len(pending["audit"]) >= 20 * PAGE:
                flush("dogs", "intakes", "audit")  # an intake's dog is written before it (foreign key)
        flush("dogs", "intakes", "audit")
        _move_sequences(tx)
        return counts["dogs"], counts["intakes"]

    return store.run(tx, write=True)


def import_document(store: SqlStore, doc: dict[str, Any], source: str) -> tuple[int, int]:
    """Write a checked document held in memory (tests, small stores) as import_file writes a file."""
    def records() -> Iterator[tuple[str, Any, int]]:
        for d in doc["dogs"]:
            yield "dogs", d, 0
        for i in doc["intakes"]:
            yield "intakes", i, 0

    return _write(store, records(), source)
