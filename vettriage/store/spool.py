"""The rows of an import between its check and its write: encoded once, for the database they go to, and kept
in a private temporary file, so that the write only replays them (executemany, a chunk at a time) instead of
reading, checking and encoding the file a second time.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import pickle
import tempfile
from typing import Any, Callable, Iterator

from vettriage.store.db import _quote
from vettriage.store.schema import TABLES
from vettriage.store.validate import (AUDIT_FIELDS, DOG_EXTRA, DOG_FIELDS, INTAKE_EXTRA, INTAKE_FIELDS, Checked,
                                      dog_row, intake_rows, memo_key)
from vettriage.textcheck import ascii_json

_SCALARS = frozenset((str, int, bool))  # not float: 0.0 == -0.0, and they are written apart
PAGE = 500
"""Intakes a chunk holds (and their audit events, at most 20 times as many)."""

ROW_COLUMNS = {
    "dogs": DOG_FIELDS + DOG_EXTRA + ("name_key",),
    # the lost-to-follow-up columns (schema 4) are read back from the audit trail by intake_rows
    "intakes": tuple(f for f in INTAKE_FIELDS if f != "audit") + INTAKE_EXTRA + ("lost_at", "lost_by", "lost_reason"),
    "audit": ("intake_id",) + AUDIT_FIELDS,
}
INSERT = {t: f"INSERT INTO {t} ({', '.join(_quote(c) for c in cols)}) VALUES ({', '.join('?' * len(cols))})"
           for t, cols in ROW_COLUMNS.items()}


class Spool:
    """The rows of an import being checked, encoded for the database they go to, kept in a private temporary
    file (unlinked at once) until the whole file has passed: then the write only replays them, by executemany,
    instead of reading and encoding the file a second time. Chunks of PAGE intakes (and their audit events)
    are pickled as they fill: memory stays flat. The file is this process's own, written and read by it."""

    def __init__(self, dialect: Any, sink: Callable[[str, list[tuple[Any, ...]]], None] | None = None) -> None:
        """With a sink, each chunk is handed to it as it fills (the import's write, overlapped with the check)
        instead of being kept in the file."""
        self.dialect = dialect
        self.sqlite = dialect.name == "sqlite"
        self.sink = sink
        self.file = tempfile.TemporaryFile(prefix="vettriage-import-") if sink is None else io.BytesIO()
        self.pending: dict[str, list[tuple[Any, ...]]] = {"dogs": [], "intakes": [], "audit": []}
        self.counts = (0, 0)
        self._json_memo: dict[Any, str] = {}
        self._names: dict[str, str] = {}
        self._kinds = {t: [TABLES[t][c].partition(":")[0] for c in cols] for t, cols in ROW_COLUMNS.items()}

    def __enter__(self) -> "Spool":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.file.close()

    def _ts(self, value: dt.datetime | str) -> Any:
        """A checked (aware, UTC) time as the dialect stores it: on SQLite the text strftime would write, cut
        from isoformat, which costs a third as much (the same text from year 1000 on; strftime pads no earlier
        year). A string is already SQLite's text (validate._OUR_AT cut it from the file's)."""
        if value.__class__ is str:
            return value if self.sqlite else self.dialect.dump("ts", dt.datetime.fromisoformat(value + "+00:00"))
        if self.sqlite and value.year >= 1000:
            return value.isoformat(" ", "microseconds")[:26]
        return self.dialect.dump("ts", value)

    def _json(self, value: Any, text: str | None = None) -> Any:
        """A checked JSON value as the dialect stores it. On SQLite that is json.dumps(value): made from the
        text the check wrote (ensure_ascii=False), or remembered for an answer's few values (scalars, and
        lists of texts: a checklist)."""
        if not self.sqlite or value is None:
            return self.dialect.dump("json", value)
        if text is not None:
            return ascii_json(text)
        key = memo_key(value)
        if key is None:
            return json.dumps(value)
        out = self._json_memo.get(key)
        if out is None:
            if len(self._json_memo) > 4096:
                self._json_memo.clear()
            out = self._json_memo[key] = json.dumps(value)
        return out

    def _row(self, table: str, values: dict[str, Any], texts: dict[str, str | None]) -> tuple[Any, ...]:
        out = []
        for c, kind in zip(ROW_COLUMNS[table], self._kinds[table]):
            v = values[c]
            if v is None:
                out.append(None)
            elif kind == "ts":
                out.append(self._ts(v))
            elif kind == "json":
                out.append(self._json(v, texts.get(c)))
            else:
                out.append(self.dialect.dump(kind, v))
        return tuple(out)

    def dog(self, d: dict[str, Any]) -> None:
        """A checked dog's row."""
        row = dog_row(d)
        self.pending["dogs"].append(self._row("dogs", row, {}))
        if len(self.pending["dogs"]) >= PAGE:
            self._flush("dogs")

    def rows(self, i: dict[str, Any], checked: Checked) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        """A checked intake's rows: the intake's and its audit events'."""
        row, _ = intake_rows(i, events=False)
        iid, ats = i["id"], checked.ats
        intake = self._row("intakes", row, {"answers": checked.answers, "assessment": checked.assessment})
        if not self.sqlite or any(at.__class__ is not str and at.year < 1000 for at in ats):
            ts, js = self._ts, self._json
            return intake, [(iid, e["item_id"], js(e["old_value"]), js(e["new_value"]), e["who"], ts(at),
                             e["reason"]) for e, at in zip(i["audit"], ats)]
        # an intake has an event per answer given: the common case inline (this runs millions of times)
        js, get, scalar = self._json, self._json_memo.get, _SCALARS
        if len(self._names) > 4096:
            self._names.clear()
        # one object for each question id and name: a batch's pickle then writes each once and refers back to it
        # (half the bytes, and half the time to load them in the process that writes)
        same = self._names.setdefault
        audit = []
        for e, at in zip(i["audit"], ats):
            old, new, item, who = e["old_value"], e["new_value"], e["item_id"], e["who"]
            if old is not None:
                old = (get((old.__class__, old)) if old.__class__ in scalar else None) or js(old)
            if new is not None:
                new = (get((new.__class__, new)) if new.__class__ in scalar else None) or js(new)
            audit.append((iid, same(item, item), old, new, same(who, who),
                          at if at.__class__ is str else at.isoformat(" ", "microseconds")[:26], e["reason"]))
        return intake, audit

    def intake(self, i: dict[str, Any], checked: Checked) -> None:
        """A checked intake, into the spool."""
        if self.pending["dogs"]:
            self._flush("dogs")  # every dog before the intakes (foreign key)
        row, events = self.rows(i, checked)
        self.pending["intakes"].append(row)
        self.pending["audit"] += events
        if len(self.pending["intakes"]) >= PAGE or len(self.pending["audit"]) >= 20 * PAGE:
            self._flush("intakes", "audit")

    def add_chunks(self, data: bytes) -> None:
        """Chunks pickled elsewhere (an import worker's), after what is already in."""
        self._flush("dogs", "intakes", "audit")
        if self.sink is None:
            self.file.write(data)
            return
        chunks = io.BytesIO(data)
        while chunks.tell() < len(data):
            self.sink(*pickle.load(chunks))

    def finish(self) -> None:
        """Every chunk still pending, to the file or the sink."""
        self._flush("dogs", "intakes", "audit")

    def reset(self) -> None:
        """Empty again (a check started over)."""
        self.pending = {"dogs": [], "intakes": [], "audit": []}
        self.file.seek(0)
        self.file.truncate()

    def _flush(self, *tables: str) -> None:
        for table in tables:
            if self.pending[table]:
                rows, self.pending[table] = self.pending[table], []
                if self.sink is not None:
                    self.sink(table, rows)
                else:
                    pickle.dump((table, rows), self.file, pickle.HIGHEST_PROTOCOL)

    def chunks(self) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
        """Every chunk in the order written (again from the start at each call: a retried transaction)."""
        self._flush("dogs", "intakes", "audit")
        self.file.flush()
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)
            except EOFError:
                return


