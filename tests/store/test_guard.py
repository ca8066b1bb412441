"""Where the database lives, its file mode, and refusing foreign, corrupt or newer databases untouched."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from vettriage.store import StoreError, open_store
from vettriage.store.backend import resolve_url

from tests.store.conftest import pg_connect


def _fingerprint(path: Path) -> tuple[str, float, int]:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime, st.st_size


def test_url_resolution(tmp_path, monkeypatch):
    monkeypatch.delenv("VETTRIAGE_DATABASE_URL", raising=False)
    monkeypatch.setattr("platformdirs.user_data_dir", lambda app: str(tmp_path / "data" / app))
    assert resolve_url(None) == f"sqlite:///{tmp_path}/data/vettriage/vettriage.db"
    monkeypatch.setenv("VETTRIAGE_DATABASE_URL", str(tmp_path / "env.db"))
    assert resolve_url(None) == f"sqlite:///{tmp_path}/env.db"
    assert resolve_url(tmp_path / "x.db") == f"sqlite:///{tmp_path}/x.db"  # explicit beats env
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    with pytest.raises(StoreError, match="unsupported"):
        resolve_url("mysql://u:secret@h/db")


def test_default_location_is_created_private(tmp_path, monkeypatch):
    monkeypatch.delenv("VETTRIAGE_DATABASE_URL", raising=False)
    monkeypatch.setattr("platformdirs.user_data_dir", lambda app: str(tmp_path / "data" / app))
    open_store().close()
    db = tmp_path / "data" / "vettriage" / "vettriage.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def _foreign_sqlite(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL)")
    con.execute("INSERT INTO invoices(total) VALUES (12.5)")
    con.commit()
    con.close()


def _vettriage_then_corrupt(path: Path) -> None:
    s = open_store(path)
    s.add_dog("Rex")
    s.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # page 1 after the header: the schema is unreadable
    path.write_bytes(bytes(data))


def _newer(path: Path) -> None:
    open_store(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE vettriage_meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("name,total\nRex,12\n"), "not an SQLite file"),
    (lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20), "not an SQLite file"),  # truncated header
    (_foreign_sqlite, "other tables: invoices"),
    (_vettriage_then_corrupt, "corrupt"),
    (_newer, "newer vettriage"),
])
def test_bad_files_are_refused_and_left_untouched(tmp_path, make, message):
    path = tmp_path / "db.sqlite"
    make(path)
    before = _fingerprint(path)
    siblings = sorted(os.listdir(tmp_path))
    with pytest.raises(StoreError, match=message):
        open_store(path)
    assert _fingerprint(path) == before
    assert sorted(os.listdir(tmp_path)) == siblings  # no -wal or -journal left beside it


def test_directory_is_refused(tmp_path):
    with pytest.raises(StoreError, match="directory"):
        open_store(tmp_path)


def test_foreign_postgresql_database_is_refused(pg_db_url):
    db_url = pg_db_url
    with pg_connect(db_url) as conn:
        conn.execute("CREATE TABLE invoices(id serial PRIMARY KEY)")
        with pytest.raises(StoreError, match="other tables: invoices"):
            open_store(db_url)
        tables = conn.execute("SELECT table_name FROM information_schema.tables "
                              "WHERE table_schema = current_schema()").fetchall()
        assert tables == [("invoices",)]


def test_unreachable_server_is_one_line(tmp_path):
    with pytest.raises(StoreError, match="failed") as err:
        open_store(f"postgresql+psycopg://nobody:secret@/x?host={tmp_path}")
    assert "\n" not in str(err.value) and "secret" not in str(err.value)
