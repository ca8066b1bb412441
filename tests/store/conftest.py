"""Store fixtures: every test that takes `db_url` runs on SQLite and on a throwaway PostgreSQL cluster.

The cluster is started once per session by scripts/pg-throwaway on a unix socket (no TCP). Where the
PostgreSQL server binaries are missing, the PostgreSQL leg is skipped and says why.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Callable, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str | None]:
    """The admin URL of a throwaway PostgreSQL cluster, or None when the server binaries are absent."""
    if not (PG_BIN / "initdb").exists():
        yield None
        return
    d = tempfile.mkdtemp(prefix="vtpg-", dir="/tmp")  # short path: unix socket names are limited to ~100 bytes
    script = str(ROOT / "scripts" / "pg-throwaway")
    out = subprocess.run([script, "start", d], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"pg-throwaway failed: {out.stderr.strip()}")
    try:
        yield out.stdout.strip()
    finally:
        subprocess.run([script, "stop", d], capture_output=True, timeout=60)


_admin: dict[str, object] = {}


def new_pg_database(admin_url: str) -> str:
    """An empty schema of its own on the cluster (much cheaper than CREATE DATABASE); a URL whose search_path
    puts it first, so the store sees an empty database."""
    import psycopg

    conn = _admin.get(admin_url)
    if conn is None:
        conn = _admin[admin_url] = psycopg.connect("postgresql://" + admin_url.split("://", 1)[1], autocommit=True)
    name = f"t{os.getpid()}_{next(_counter)}"
    conn.execute(f"CREATE SCHEMA {name}")  # type: ignore[attr-defined]
    return f"{admin_url}&options=-csearch_path%3D{name}"


def pg_connect(url: str):  # noqa: ANN201 - a psycopg connection
    """A plain autocommit psycopg connection to a test database URL (postgresql+psycopg://...)."""
    import psycopg

    return psycopg.connect("postgresql://" + url.split("://", 1)[1], autocommit=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """The backend under test."""
    return request.param


@pytest.fixture
def new_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Callable[[], str]:
    """Makes URLs (for SQLite, plain paths) of new empty databases on the backend under test."""
    admin = request.getfixturevalue("pg_server") if backend == "postgresql" else None
    if backend == "postgresql" and admin is None:
        pytest.skip(f"PostgreSQL server binaries not found in {PG_BIN} (apt-get install postgresql)")
    names = itertools.count()

    def make() -> str:
        if backend == "sqlite":
            return str(tmp_path / f"vettriage{next(names)}.db")
        return new_pg_database(admin)  # type: ignore[arg-type]

    return make


@pytest.fixture
def db_url(new_db: Callable[[], str]) -> str:
    """A URL (or, for SQLite, a plain path) of an empty database on the backend under test."""
    return new_db()


@pytest.fixture
def pg_db_url(pg_server: str | None) -> str:
    """An empty PostgreSQL database, for the checks that only PostgreSQL needs."""
    if pg_server is None:
        pytest.skip(f"PostgreSQL server binaries not found in {PG_BIN} (apt-get install postgresql)")
    return new_pg_database(pg_server)


@pytest.fixture
def store(db_url: str) -> Iterator[object]:
    """An open store on an empty database."""
    from vettriage.store import open_store

    s = open_store(db_url)
    try:
        yield s
    finally:
        s.close()
