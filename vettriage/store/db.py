"""The database plumbing under the store: one SQL dialect per driver (stdlib sqlite3, psycopg 3), a small
connection pool, and transactions retried whole while the database is busy.

Statements are written once, with `?` placeholders, and run unchanged on both backends (PostgreSQL's driver
gets `%s`). Values cross the driver boundary by the column kinds declared in `vettriage.store.schema`:
datetimes are aware UTC in Python on both sides, whatever each database keeps.

Why no SQLAlchemy: importing it took 180-240 ms on every start of the terminal app, more than half of the
start-up budget, for statements this simple; sqlite3 imports in about 1 ms.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from _thread import allocate_lock  # threading.Lock itself, without importing threading (~0.5 ms)

from vettriage.frozen import frozen
from vettriage.store.api import StoreError
from vettriage.store.schema import KINDS, TABLES
from vettriage.textcheck import json_problem, text_problem

TYPE_CHECKING = False  # typing costs ~2 ms at start-up: only the type checker reads these names
if TYPE_CHECKING:
    from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

    T = TypeVar("T")

POOL_SIZE = 2  # idle connections kept; more are opened when threads need them, and closed after
LOCK_WAIT_ENV = "VETTRIAGE_LOCK_WAIT"
LOCK_WAIT_S = 10.0
"""How long a transaction waits for another program's lock, in all (retries included), before it gives up with
one line. Four writers at once each wait a few milliseconds; a lock held this long is a stuck program."""
BUSY_TIMEOUT_S = LOCK_WAIT_S  # the read-only file guard's wait (vettriage.store.backend)
UTC = dt.timezone.utc
MAX_TEXT_VALUE = 1 << 20
"""Longest value of a text column without a declared width (an amendment's reason)."""
DECODE_ERRORS = (ValueError, TypeError, KeyError, OverflowError, UnicodeError, RecursionError)
"""What decoding a damaged stored value raises (a bad date, broken JSON, a number where text belongs)."""


def lock_wait() -> float:
    """The lock wait in seconds: $VETTRIAGE_LOCK_WAIT when it is a positive number, else LOCK_WAIT_S."""
    try:
        value = float(os.environ.get(LOCK_WAIT_ENV, ""))
    except ValueError:
        return LOCK_WAIT_S
    return value if 0 < value < 86400 else LOCK_WAIT_S


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def _json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


def _lenient_text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


class Sqlite:
    """SQLite through the stdlib driver: WAL, synchronous=FULL, our own BEGIN IMMEDIATE for writes."""

    name = "sqlite"
    for_update = ""  # a write transaction already holds the database's write lock
    types = {"pk": "INTEGER", "int": "INTEGER", "float": "FLOAT", "text": "TEXT", "date": "DATE",
             "ts": "DATETIME", "bool": "BOOLEAN", "json": "JSON"}

    def __init__(self, path: str) -> None:
        import sqlite3

        self._sqlite3 = sqlite3
        self.path = path
        self.errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
        self._mark: Any = None

    @property
    def mark(self) -> Any:
        """The file's verified mark: when the full integrity check may be skipped (vettriage.store.verified)."""
        if self._mark is None:
            from vettriage.store.verified import Mark

            self._mark = Mark(self.path)
        return self._mark

    def connect(self) -> Any:
        """A connection in autocommit mode: transactions are begun and ended explicitly by `Database.run`.
        (pysqlite's own implicit BEGIN is DEFERRED, which lets two writers deadlock on the upgrade to a write
        lock, where BEGIN IMMEDIATE queues them instead.)"""
        con = self._sqlite3.connect(self.path, timeout=lock_wait(), isolation_level=None,
                                    check_same_thread=False)
        # a damaged byte in a text column must make that row unreadable, not the whole query
        con.text_factory = _lenient_text
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")
            con.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            con.close()  # at once: an open connection would leave -wal and -shm files beside a refused file
            raise
        return con

    def begin(self, con: Any, write: bool, wait: float) -> None:
        # what is left of the whole wait, so that retries after a busy wait do not add up past it
        con.execute(f"PRAGMA busy_timeout = {max(1, int(wait * 1000))}")
        con.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    def commit(self, con: Any) -> None:
        con.execute("COMMIT")

    def rollback(self, con: Any) -> None:
        if con.in_transaction:
            con.execute("ROLLBACK")

    def broken(self, con: Any) -> bool:
        return False

    def sql(self, text: str) -> str:
        return text

    def transient(self, exc: BaseException) -> bool:
        text = str(exc).lower()
        return "database is locked" in text or "database is busy" in text or "database table is locked" in text

    def integrity(self, tx: "Tx") -> str | None:
        """None when SQLite's integrity check finds the file sound, else its first complaints. The full check,
        not `quick_check`: only it compares every index with its table, and a damaged index on the dogs' names
        or charts makes the lookup miss a dog that is there (a second dog of the same name, then every
        `--dog NAME` refused). It reads the whole file, so the store runs it once per opening, before the first
        write, outside the write lock (Database.run)."""
        rows = tx._con.execute("PRAGMA integrity_check(5)").fetchall()
        found = [str(r[0]) for r in rows]
        return None if found == ["ok"] else "; ".join(found)[:200]

    # Values in the shapes SQLAlchemy wrote them before this module replaced it, so older files read the same.
    def dump(self, kind: str, value: Any) -> Any:
        if value is None:
            return None
        if kind == "ts":
            return _utc(value).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        if kind == "date":
            return value.isoformat()
        if kind == "bool":
            return 1 if value else 0
        if kind == "json":
            return json.dumps(value)
        return value

    def load(self, kind: str, value: Any) -> Any:
        if value is None:
            return None
        if kind == "text":
            # SQLite keeps whatever a hand edit or another program put there: a blob in a name column would
            # fail every listing and export later, far from the row
            if not isinstance(value, str):
                raise TypeError(f"{type(value).__name__} where text belongs")
            return value
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{type(value).__name__} where a whole number belongs")
            return value
        if kind == "ts":
            return dt.datetime.fromisoformat(value).replace(tzinfo=UTC)
        if kind == "date":
            return dt.date.fromisoformat(value)
        if kind == "bool":
            return bool(value)
        if kind == "json":
            # A JSON column has NUMERIC affinity in SQLite: a bare number comes back as a number, not text.
            if not isinstance(value, str):
                if isinstance(value, bytes):
                    raise TypeError("bytes where JSON belongs")
                return value
            loaded = json.loads(value)
            if _ESCAPED_SURROGATE.search(value):  # rare: only then walk the value (a pair is one valid character)
                problem = json_problem(loaded)
                if problem:
                    raise ValueError(problem)
            return loaded
        return value

    def table_names(self, tx: "Tx") -> set[str]:
        return {r["name"] for r in tx.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def column_names(self, tx: "Tx", table: str) -> set[str]:
        return {r["name"] for r in tx.rows(f"PRAGMA table_info({table})")}

    def index_names(self, tx: "Tx", table: str) -> set[str]:
        return {r["name"] for r in tx.rows(f"PRAGMA index_list({table})")}


class Postgres:
    """PostgreSQL through psycopg 3 (imported only when a PostgreSQL URL is opened)."""

    name = "postgresql"
    for_update = " FOR UPDATE"
    types = {"pk": "SERIAL", "int": "INTEGER", "float": "FLOAT", "text": "TEXT", "date": "DATE",
             "ts": "TIMESTAMP WITH TIME ZONE", "bool": "BOOLEAN", "json": "JSON"}

    def __init__(self, conninfo: str) -> None:
        import psycopg
        from psycopg.types.json import Json

        self._psycopg = psycopg
        self._json = Json
        self.conninfo = conninfo
        self.errors = (psycopg.Error,)

    def connect(self) -> Any:
        # a row lock held by another session gives up after the lock wait (sqlstate 55P03), as SQLite's does
        # (a SET, not the `options` parameter: that would replace options the URL gives, like search_path)
        con = self._psycopg.connect(self.conninfo, autocommit=True)
        try:
            con.execute(f"SET lock_timeout = {int(lock_wait() * 1000)}")
            con.autocommit = False
        except BaseException:
            con.close()
            raise
        return con

    def begin(self, con: Any, write: bool, wait: float) -> None:
        """psycopg opens the transaction itself at the first statement."""

    def integrity(self, tx: "Tx") -> str | None:
        """PostgreSQL checks its own pages; nothing to ask it here."""
        return None

    def commit(self, con: Any) -> None:
        con.commit()

    def rollback(self, con: Any) -> None:
        if not con.closed:
            con.rollback()

    def broken(self, con: Any) -> bool:
        return bool(con.closed or con.broken)

    def sql(self, text: str) -> str:
        return text.replace("%", "%%").replace("?", "%s")

    def transient(self, exc: BaseException) -> bool:
        return getattr(exc, "sqlstate", None) in ("40001", "40P01")  # serialization failure, deadlock

    def lock_timeout(self, exc: BaseException) -> bool:
        return getattr(exc, "sqlstate", None) == "55P03"

    def dump(self, kind: str, value: Any) -> Any:
        if value is None:
            return None
        if kind == "ts":
            return _utc(value)
        if kind == "json":
            return self._json(value)
        return value

    def load(self, kind: str, value: Any) -> Any:
        if kind == "ts" and value is not None:
            return value.astimezone(UTC)
        return value  # psycopg already gives dates, bools and parsed JSON

    def table_names(self, tx: "Tx") -> set[str]:
        return {r["table_name"] for r in tx.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}

    def column_names(self, tx: "Tx", table: str) -> set[str]:
        return {r["column_name"] for r in tx.rows(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ?", (table,))}

    def index_names(self, tx: "Tx", table: str) -> set[str]:
        return {r["indexname"] for r in tx.rows(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ?", (table,))}


@frozen
class Damaged:
    """A stored row that could not be read, left out of a list or export."""

    what: str
    id: Any
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.what} {self.id} is damaged ({self.field}: {self.problem})"


class DamagedRow(StoreError):
    """A stored value that cannot be decoded: the row is damaged (by hand, a bug or a bad disk)."""

    def __init__(self, row_id: Any, field: str, problem: str) -> None:
        self.row_id, self.field, self.problem, self.what = row_id, field, problem, "record"
        super().__init__(problem)

    def __str__(self) -> str:
        return str(Damaged(self.what, self.row_id, self.field, self.problem))


def decode_row(load: Callable[[str, Any], Any], names: list[str], kinds: list[str | None],
               row: Sequence[Any]) -> dict[str, Any]:
    """One row decoded by column kind; DamagedRow names the column that cannot be."""
    out: dict[str, Any] = {}
    for n, k, v in zip(names, kinds, row):
        if k:
            try:
                v = load(k, v)
            except DECODE_ERRORS as exc:
                row_id = out.get("id", row[names.index("id")] if "id" in names else "?")
                text = " ".join(str(exc).split())[:80]
                raise DamagedRow(row_id, n, f"{text or exc.__class__.__name__}") from None
        out[n] = v
    return out


class Unbindable(ValueError):
    """A value the store refuses to write (the statement is not run)."""


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise Unbindable("naive datetime given to the store: use an aware UTC datetime")
    return value.astimezone(UTC)


class NotUtf8(Exception):
    """Tx.raw_utf8 cannot read these rows so."""


class Tx:
    """One transaction's statements. Rows come back as dicts, decoded by column name (schema.KINDS)."""

    def __init__(self, dialect: Any, con: Any) -> None:
        self.dialect = dialect
        self._con = con

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""
        cur = self._con.execute(self.dialect.sql(sql), tuple(params))
        return cur.rowcount

    def raw_utf8(self, sql: str, params: Sequence[Any] = (), batch: int = 2000) -> Iterator[Sequence[Any]]:
        """raw()'s rows with text decoded by the driver's own C code instead of the lenient per-value decoder
        (a third of the fetch). NotUtf8 when this is not SQLite or a text is not UTF-8 (perhaps after some
        rows): the caller starts again with raw(), where a damaged byte costs only its own row. Nothing else
        may use the connection while this is read."""
        con = self._con
        if getattr(con, "text_factory", None) is not _lenient_text:
            raise NotUtf8
        con.text_factory = str
        try:
            yield from self.raw(sql, params, batch)
        except self.dialect._sqlite3.OperationalError as exc:
            if "decode" not in str(exc):
                raise
            raise NotUtf8 from None
        finally:
            con.text_factory = _lenient_text

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        cur = self._con.cursor()
        try:
            cur.executemany(self.dialect.sql(sql), [tuple(r) for r in rows])
        finally:
            cur.close()

    def rows(self, sql: str, params: Sequence[Any] = (), damaged: list["Damaged"] | None = None,
             what: str = "record") -> list[dict[str, Any]]:
        """Rows as dicts. A row whose stored value cannot be decoded (a bad date, broken JSON) raises
        DamagedRow, unless `damaged` is given: then it is left out and noted there (by its `id`)."""
        cur = self._con.execute(self.dialect.sql(sql), tuple(params))
        names = [d[0] for d in cur.description]
        load = self.dialect.load
        kinds = [KINDS.get(n) for n in names]
        out = []
        for row in cur.fetchall():
            try:
                out.append(decode_row(load, names, kinds, row))
            except DamagedRow as exc:
                if damaged is None:
                    exc.what = what
                    raise
                damaged.append(Damaged(what, exc.row_id, exc.field, exc.problem))
        return out

    def iterate(self, sql: str, params: Sequence[Any] = (), damaged: list["Damaged"] | None = None,
                what: str = "record", batch: int = 500) -> Iterable[dict[str, Any]]:
        """Like rows, fetched `batch` rows at a time (SQLite: a cursor; PostgreSQL: a server-side cursor),
        so that memory does not grow with the number of rows."""
        if self.dialect.name == "postgresql":
            cur = self._con.cursor(name=f"vt_iter_{id(self)}")
            cur.execute(self.dialect.sql(sql), tuple(params))
        else:
            cur = self._con.execute(self.dialect.sql(sql), tuple(params))
        try:
            names = None
            load = self.dialect.load
            while True:
                chunk = cur.fetchmany(batch)
                if not chunk:
                    return
                if names is None:
                    names = [d[0] for d in cur.description]
                    kinds = [KINDS.get(n) for n in names]
                for row in chunk:
                    try:
                        yield decode_row(load, names, kinds, row)
                    except DamagedRow as exc:
                        if damaged is None:
                            exc.what = what
                            raise
                        damaged.append(Damaged(what, exc.row_id, exc.field, exc.problem))
        finally:
            cur.close()

    def raw(self, sql: str, params: Sequence[Any] = (), batch: int = 2000) -> Iterator[Sequence[Any]]:
        """The driver's own row tuples, not decoded, fetched `batch` at a time: for a caller that decodes a few
        known columns itself, millions of rows at a time (an export's audit events)."""
        cur = self._con.execute(self.dialect.sql(sql), tuple(params))
        try:
            while True:
                chunk = cur.fetchmany(batch)
                if not chunk:
                    return
                yield from chunk
        finally:
            cur.close()

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self.rows(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._con.execute(self.dialect.sql(sql), tuple(params)).fetchone()
        return None if row is None else row[0]

    def encode(self, table: str, values: dict[str, Any]) -> list[Any]:
        """The values in the driver's shapes, by the table's declared column kinds. Every text and JSON value is
        checked first (valid Unicode, within its column's width, JSON finite and bounded): the last guard of
        every way in, so that a value that would break every later export or listing is never stored."""
        cols = TABLES[table]
        out = []
        for c, v in values.items():
            kind, _, width = cols[c].partition(":")
            if v is not None:
                problem = None
                if kind == "text":
                    problem = text_problem(v, int(width) if width else MAX_TEXT_VALUE)
                elif kind == "json":
                    problem = json_problem(v)
                if problem:
                    raise Unbindable(f"{table}.{c}: cannot store a value that {problem}; nothing was written")
            out.append(self.dialect.dump(kind, v))
        return out

    def insert(self, table: str, values: dict[str, Any]) -> int:
        """Insert one row; its new id."""
        names = ", ".join(_quote(c) for c in values)
        marks = ", ".join("?" * len(values))
        return int(self.scalar(f"INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING id",
                               self.encode(table, values)))

    def insert_many(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Insert rows that all have the same columns."""
        if not rows:
            return
        cols = list(rows[0])
        names = ", ".join(_quote(c) for c in cols)
        marks = ", ".join("?" * len(cols))
        self.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                         (self.encode(table, {c: r[c] for c in cols}) for r in rows))

    def update(self, table: str, values: dict[str, Any], where: str, params: Sequence[Any] = ()) -> int:
        """UPDATE table SET values WHERE where; the number of rows changed."""
        sets = ", ".join(f"{_quote(c)} = ?" for c in values)
        return self.execute(f"UPDATE {table} SET {sets} WHERE {where}", [*self.encode(table, values), *params])


# Column names that are SQL keywords somewhere: always written quoted.
_KEYWORDS = {"by", "position", "key", "value", "at"}


def _quote(column: str) -> str:
    return f'"{column}"' if column in _KEYWORDS else column


class Database:
    """Connections to one database, and `run(fn)`: fn(Tx) in one transaction, retried whole while busy."""

    def __init__(self, dialect: Any, url: str) -> None:
        self.dialect = dialect
        self.url = url
        self._idle: list[Any] = []
        self._lock = allocate_lock()

    def _take(self) -> Any:
        with self._lock:
            while self._idle:
                con = self._idle.pop()
                if not self.dialect.broken(con):
                    return con
                _close(con)
        return self.dialect.connect()

    def _give(self, con: Any) -> None:
        if not self.dialect.broken(con):
            with self._lock:
                if len(self._idle) < POOL_SIZE:
                    self._idle.append(con)
                    return
        _close(con)

    def run(self, fn: Callable[[Tx], T], *, write: bool = False) -> T:
        """Run `fn(tx)` in one transaction (a write one takes the write lock first), retrying while the
        database is busy, for at most the lock wait in all. A driver error becomes a one-line StoreError
        naming the database. After any error, the next write first checks the file's integrity and refuses
        to write into a damaged one."""
        d = self.dialect
        if write and (self.suspect or not self.verified):
            # in a read transaction of its own: the full check reads the whole file, and holding the write
            # lock that long would make every other writer wait
            self.check_integrity()
        delay = 0.002
        wait = lock_wait()
        deadline = time.monotonic() + wait
        attempt = 0
        while True:
            attempt += 1
            con = None
            try:
                con = self._take()
                try:
                    d.begin(con, write, max(0.001, deadline - time.monotonic()))
                    # the file's state under the write lock: the mark moves on only from the state it names
                    before = d.mark.state() if write and self.verified and hasattr(d, "mark") else None
                    tx = Tx(d, con)
                    result = fn(tx)
                    d.commit(con)
                    if before is not None:
                        d.mark.moved_on(before)
                except BaseException:
                    try:
                        d.rollback(con)
                    except d.errors:
                        pass
                    raise
                self._give(con)
                return result
            except d.errors as exc:
                stale = con is not None and d.broken(con)  # e.g. a server restarted since it was pooled
                if con is not None and stale:
                    _close(con)
                elif con is not None:
                    self._give(con)
                if d.transient(exc) and time.monotonic() < deadline:
                    import random  # only when the database is busy

                    time.sleep(min(delay * (1 + random.random()), max(0.0, deadline - time.monotonic())))
                    delay = min(delay * 2, 0.5)
                    continue
                if stale and attempt == 1:
                    continue
                if not d.transient(exc) and not getattr(d, "lock_timeout", lambda e: False)(exc):
                    self._suspect()
                raise self._error(exc, con is None, wait) from None
            except (OverflowError, Unbindable) as exc:  # a parameter the driver cannot take
                if con is not None:
                    self._give(con)
                raise StoreError(f"{self.url}: {' '.join(str(exc).split())}") from None
            except UnicodeError as exc:  # the driver decoding a damaged error message or name
                self._suspect()
                if con is not None:
                    self._give(con)
                raise StoreError(f"{self.url}: corrupt database (undecodable text: "
                                 f"{' '.join(str(exc).split())[:120]})") from None
            except DamagedRow:
                self._suspect()
                if con is not None:
                    self._give(con)
                raise
            except BaseException:
                if con is not None:
                    self._give(con)
                raise

    suspect = False
    """Set after an error that may mean a damaged file: the next write checks integrity first."""

    def _suspect(self) -> None:
        """An error that may mean damage: this process and the next ones check in full before writing."""
        self.suspect = True
        mark = getattr(self.dialect, "mark", None)
        if mark is not None:
            mark.forget()
    verified = False
    """Whether the integrity check has passed since this database was opened: the first write runs it."""

    def check_integrity(self) -> None:
        """Refuse (StoreError, one line with how to recover) a database file that fails its integrity check.
        SQLite: skipped when the file is exactly as a check or a vettriage write left it, within a day, and no
        error since (vettriage.store.verified; docs/STORE.md says what is checked when)."""
        mark = getattr(self.dialect, "mark", None)
        if mark is not None and not self.suspect and mark.current():
            self.verified = True
            return
        before = mark.state() if mark is not None else None
        try:
            self.run(self._refuse_if_damaged)
        except StoreError:
            if mark is not None:
                mark.forget()
            raise
        if mark is not None:
            mark.checked(before)

    def _refuse_if_damaged(self, tx: Tx) -> None:
        try:
            problem = self.dialect.integrity(tx)
        except self.dialect.errors as exc:
            problem = " ".join(str(exc).split())[:200]
        if problem:
            raise StoreError(f"{self.url}: damaged database file ({problem}); nothing was written. Recover: "
                             "`vettriage intakes export -o rescue.json --db FILE` (damaged records are left out "
                             "and listed), then `vettriage intakes import rescue.json --db NEW.db`")
        self.suspect = False
        self.verified = True

    def _error(self, exc: BaseException, connecting: bool, wait: float) -> StoreError:
        text = " ".join(str(exc).split())[:300]
        if _disk_full(exc, text):
            return StoreError(f"{self.url}: disk full ({text}); nothing was written; free some space and try "
                              "again")
        if "not a database" in text or "malformed" in text:
            return StoreError(f"{self.url}: corrupt database ({text}); save what can be read with `vettriage "
                              "intakes export -o rescue.json` (or sqlite3's .recover) and import it into a new one")
        if self.dialect.transient(exc) or getattr(self.dialect, "lock_timeout", lambda e: False)(exc):
            return StoreError(f"{self.url}: another program kept the database locked for {wait:g} s (a desk or "
                              f"intake still saving?); nothing was changed; try again (wait: ${LOCK_WAIT_ENV})")
        if connecting:
            return StoreError(f"{self.url}: cannot open the database ({text})")
        return StoreError(f"{self.url}: {text}")

    def close(self) -> None:
        """Close the idle connections (one in use by another thread closes when it is given back)."""
        with self._lock:
            idle, self._idle = self._idle, []
        # SQLite's last connection to close checkpoints the -wal into the file: the mark follows
        mark = getattr(self.dialect, "mark", None) if idle and not self.suspect else None
        before = mark.state() if mark is not None else None
        for con in idle:
            _close(con)
        if mark is not None:
            mark.moved_on(before)


def _disk_full(exc: BaseException, text: str) -> bool:
    """SQLite's SQLITE_FULL ("database or disk is full"), an ENOSPC under it, or PostgreSQL's disk_full."""
    low = text.lower()
    return ("disk is full" in low or "no space left" in low or getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL"
            or getattr(exc, "sqlstate", None) == "53100")


def _close(con: Any) -> None:
    try:
        con.close()
    except Exception:  # closing a dead connection: nothing left to release
        pass
