"""Where the database is and how to connect: URL resolution, the SQLite file guard, connections for both backends.

The guard runs before the store opens a SQLite file, because even switching a file to WAL writes to it: a
foreign or corrupt file must come out exactly as it went in.
"""

from __future__ import annotations

import os
import sqlite3

from vettriage.pathtext import absolute
from vettriage.store.api import StoreError
from vettriage.store.db import BUSY_TIMEOUT_S, Database, Postgres, Sqlite

TYPE_CHECKING = False  # typing costs ~2 ms at start-up: only the type checker reads these names
if TYPE_CHECKING:
    from typing import Any

ENV_VAR = "VETTRIAGE_DATABASE_URL"
SQLITE_MAGIC = b"SQLite format 3\x00"


def resolve_url(url: str | os.PathLike[str] | None = None) -> str:
    """An explicit URL or path, else $VETTRIAGE_DATABASE_URL, else vettriage.db in the user's data directory.
    A plain path means SQLite; `postgresql://` means PostgreSQL through psycopg 3."""
    if url is None or str(url) == "":
        url = os.environ.get(ENV_VAR) or None
    if url is None:
        from platformdirs import user_data_dir

        url = os.path.join(user_data_dir("vettriage"), "vettriage.db")
    text = os.fspath(url)
    if "://" not in text:
        return "sqlite:///" + absolute(text)  # as str(Path(text).expanduser().absolute()), without pathlib
    scheme = text.split("://", 1)[0].lower()
    if scheme in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    if scheme in ("postgresql+psycopg", "sqlite", "sqlite+pysqlite"):
        return text
    raise StoreError(f"{_safe(text)}: unsupported database URL (use a file path, sqlite:///PATH or "
                     "postgresql+psycopg://...)")


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" not in url and "[" not in url and "]" not in url and url.isascii():
        return url  # no user part, so no password (and nothing urlsplit could refuse): the usual file path
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(url)
        if parts.password is None:
            return url
        user = parts.username or ""
        host = parts.netloc.rsplit("@", 1)[1]
        return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
    except ValueError:  # an unparsable URL is shown without anything after the scheme
        return url.split("://", 1)[0] + "://..."


def display_url(url: str) -> str:
    """What `Store.url` shows: the URL with any password hidden."""
    return _safe(url)


def sqlite_path(url: str) -> str:
    """The file behind a sqlite URL (in-memory databases are refused: they would not survive anything)."""
    rest = url.split("://", 1)[1].split("?", 1)[0]
    database = rest[1:] if rest.startswith("/") else rest
    if "%" in database:
        import urllib.parse

        database = urllib.parse.unquote(database)
    if not database or database == ":memory:" or database.startswith("file:"):
        raise StoreError(f"{url}: give the SQLite database as a file path")
    return database


# Files this process has already checked, by (device, inode). Reading a database file with a plain open() and
# close() while this process has a SQLite connection to it would drop that connection's POSIX locks (closing
# any descriptor of a file releases all the process's locks on it), and another process could then delete the
# -wal file still in use: later commits would be invisible to everyone else. So a file is read raw only once.
_checked: set[tuple[int, int]] = set()


def check_sqlite_file(path: str) -> None:
    """Refuse a file that is not a vettriage database, reading it only. A missing file is created empty,
    mode 0600 (it will hold owners' names and contacts), in a directory created mode 0700."""
    _check_sqlite_file(path)
    st = os.stat(path)
    _checked.add((st.st_dev, st.st_ino))


def _check_sqlite_file(path: str) -> None:
    if os.path.isdir(path):
        raise StoreError(f"{path}: is a directory, not a database file")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:  # another process made it first: inspect theirs
            pass
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the database ({exc.strerror})") from None
    st = os.stat(path)
    if (st.st_dev, st.st_ino) in _checked:
        return
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the database ({exc.strerror})") from None
    if not head:
        return
    if len(head) < 100 or head[:16] != SQLITE_MAGIC:
        raise StoreError(f"{path}: not a vettriage database (not an SQLite file); it was left untouched")
    from vettriage.store.schema import APP_ID, SCHEMA_VERSION

    # Read-only. Without a -wal beside it (no crashed or running writer), also immutable: otherwise opening
    # a WAL-mode file read-only would leave -wal and -shm files next to a file we refuse.
    wal = os.path.exists(path + "-wal")
    uri = "file:" + _quote(path) + ("?mode=ro" if wal else "?mode=ro&immutable=1")
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
        con.text_factory = lambda raw: raw.decode("utf-8", "replace")  # a damaged name must not raise here
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                return
            if "vettriage_meta" not in tables:
                raise StoreError(f"{path}: not a vettriage database (it holds other tables: "
                                 f"{', '.join(sorted(tables)[:3])}); it was left untouched")
            meta = dict(con.execute("SELECT key, value FROM vettriage_meta").fetchall())
        finally:
            con.close()
    except (sqlite3.DatabaseError, UnicodeError) as exc:  # SQLite's message itself may quote damaged bytes
        raise StoreError(f"{path}: corrupt database ({' '.join(str(exc).split())[:200]}); it was left "
                         "untouched") from None
    check_meta(str(path), meta, APP_ID, SCHEMA_VERSION)


_URI_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~/")


def _quote(path: str) -> str:
    """`urllib.parse.quote(path)`, importing it only for a path that needs escaping (most need none)."""
    if _URI_SAFE.issuperset(path):
        return path
    import urllib.parse

    return urllib.parse.quote(path)


def check_meta(where: str, meta: dict[str, Any], app_id: str, newest: int) -> None:
    """Refuse a `vettriage_meta` that is not ours or comes from a newer release."""
    if meta.get("app") != app_id:
        raise StoreError(f"{where}: not a vettriage database (vettriage_meta does not name vettriage)")
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        raise StoreError(f"{where}: corrupt database (bad schema_version in vettriage_meta)") from None
    if version > newest:
        raise StoreError(f"{where}: made by a newer vettriage (schema {version}, this one knows up to "
                         f"{newest}); upgrade vettriage")


def make_database(url: str) -> Database:
    """Connections to the database at a resolved URL (nothing is opened yet)."""
    if url.startswith("sqlite"):
        return Database(Sqlite(str(sqlite_path(url))), display_url(url))
    try:
        dialect = Postgres("postgresql://" + url.split("://", 1)[1])
    except ImportError as exc:
        raise StoreError(f"{display_url(url)}: unusable database URL ({exc})") from None
    return Database(dialect, display_url(url))
