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
import random
import threading
import time
from typing import Any, Callable, Iterable, Sequence, TypeVar

from vettriage.store.api import StoreError
from vettriage.store.schema import KINDS, TABLES

T = TypeVar("T")
RETRIES = 12
POOL_SIZE = 2  # idle connections kept; more are opened when threads need them, and closed after
BUSY_TIMEOUT_S = 30.0
UTC = dt.timezone.utc


def _json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value)


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

    def connect(self) -> Any:
        """A connection in autocommit mode: transactions are begun and ended explicitly by `Database.run`.
        (pysqlite's own implicit BEGIN is DEFERRED, which lets two writers deadlock on the upgrade to a write
        lock, where BEGIN IMMEDIATE queues them instead.)"""
        con = self._sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                    check_same_thread=False)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")
            con.execute("PRAGMA foreign_keys=ON")
        except BaseException:
            con.close()  # at once: an open connection would leave -wal and -shm files beside a refused file
            raise
        return con

    def begin(self, con: Any, write: bool) -> None:
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
        if kind == "ts":
            return dt.datetime.fromisoformat(value).replace(tzinfo=UTC)
        if kind == "date":
            return dt.date.fromisoformat(value)
        if kind == "bool":
            return bool(value)
        if kind == "json":
            # A JSON column has NUMERIC affinity in SQLite: a bare number comes back as a number, not text.
            return json.loads(value) if isinstance(value, str) else value
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
        return self._psycopg.connect(self.conninfo, autocommit=False)

    def begin(self, con: Any, write: bool) -> None:
        """psycopg opens the transaction itself at the first statement."""

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


class Unbindable(ValueError):
    """A value the store refuses to write (the statement is not run)."""


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise Unbindable("naive datetime given to the store: use an aware UTC datetime")
    return value.astimezone(UTC)


class Tx:
    """One transaction's statements. Rows come back as dicts, decoded by column name (schema.KINDS)."""

    def __init__(self, dialect: Any, con: Any) -> None:
        self.dialect = dialect
        self._con = con

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""
        cur = self._con.execute(self.dialect.sql(sql), tuple(params))
        return cur.rowcount

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        cur = self._con.cursor()
        try:
            cur.executemany(self.dialect.sql(sql), [tuple(r) for r in rows])
        finally:
            cur.close()

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cur = self._con.execute(self.dialect.sql(sql), tuple(params))
        names = [d[0] for d in cur.description]
        load = self.dialect.load
        kinds = [KINDS.get(n) for n in names]
        return [{n: (load(k, v) if k else v) for n, k, v in zip(names, kinds, row)} for row in cur.fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self.rows(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self._con.execute(self.dialect.sql(sql), tuple(params)).fetchone()
        return None if row is None else row[0]

    def encode(self, table: str, values: dict[str, Any]) -> list[Any]:
        """The values in the driver's shapes, by the table's declared column kinds."""
        cols = TABLES[table]
        return [self.dialect.dump(cols[c].split(":")[0], v) for c, v in values.items()]

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
        self._lock = threading.Lock()

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
        """Run `fn(tx)` in one transaction (a write one takes the write lock first), retrying when busy. A
        driver error becomes a one-line StoreError naming the database."""
        d = self.dialect
        delay = 0.002
        for attempt in range(RETRIES):
            con = None
            try:
                con = self._take()
                try:
                    d.begin(con, write)
                    result = fn(Tx(d, con))
                    d.commit(con)
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
                if attempt + 1 < RETRIES and (d.transient(exc) or (stale and attempt == 0)):
                    time.sleep(delay * (1 + random.random()))
                    delay = min(delay * 2, 0.5)
                    continue
                raise self._error(exc, con is None) from None
            except (OverflowError, Unbindable) as exc:  # a parameter the driver cannot take
                if con is not None:
                    self._give(con)
                raise StoreError(f"{self.url}: {' '.join(str(exc).split())}") from None
            except BaseException:
                if con is not None:
                    self._give(con)
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, exc: BaseException, connecting: bool) -> StoreError:
        text = " ".join(str(exc).split())[:300]
        if "not a database" in text or "malformed" in text:
            return StoreError(f"{self.url}: corrupt database ({text})")
        if self.dialect.transient(exc):
            return StoreError(f"{self.url}: the database stayed busy; try again ({text})")
        if connecting:
            return StoreError(f"{self.url}: cannot open the database ({text})")
        return StoreError(f"{self.url}: {text}")

    def close(self) -> None:
        """Close the idle connections (one in use by another thread closes when it is given back)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for con in idle:
            _close(con)


def _close(con: Any) -> None:
    try:
        con.close()
    except Exception:  # closing a dead connection: nothing left to release
        pass
