"""The cross-server claim (one app per intake for every `serve` sharing a store), on SQLite and PostgreSQL:
the functions themselves, then two in-process servers sharing one PostgreSQL database."""

from __future__ import annotations

import time

import pytest

from tests.store.conftest import PG_BIN, new_pg_database, pg_server  # noqa: F401 (pg_server is a fixture)
from tests.web.conftest import invite_for
from vettriage.store import open_store
from vettriage.web import claims


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_url(request, tmp_path):
    """One database two servers share."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    admin = request.getfixturevalue("pg_server")
    if admin is None:
        pytest.skip(f"PostgreSQL server binaries not found in {PG_BIN}")
    return new_pg_database(admin)


def test_claim_taken_wanted_handed_over_and_stale(shared_url, catalogue):
    store = open_store(shared_url)
    other = open_store(shared_url)  # a second server's own connections
    try:
        _, _, intake = invite_for(store, catalogue, "Rex")
        a, b = claims.holder("server-a", 1), claims.holder("server-b", 1)
        b["pid"] = a["pid"] = 1  # "alive" (pid 1 always runs): only the beat decides staleness here
        now = time.time()
        assert claims.take(store, intake.id, a, now, 15)
        assert not claims.take(other, intake.id, b, now + 1, 15)  # A holds it and beats: B waits ...
        assert claims.beat(store, {intake.id: a["id"]}, now + 2) == {intake.id}  # ... and A is asked to go
        claims.release(store, intake.id, a["id"])
        assert claims.take(other, intake.id, b, now + 3, 15)
        assert claims.beat(other, {intake.id: b["id"]}, now + 4) == set()
        # B's server dies (no more beats): after 15 s its claim is free for A, and B learns it lost it.
        assert not claims.take(store, intake.id, claims.holder("server-a", 2) | {"pid": 1}, now + 10, 15)
        assert claims.take(store, intake.id, claims.holder("server-a", 3) | {"pid": 1}, now + 30, 15)
        assert claims.beat(other, {intake.id: b["id"]}, now + 31) == {intake.id}
        claims.release(other, intake.id, b["id"])  # not B's any more: nothing changes
        assert store.list_invites()[0].extra["session"]["id"] == "server-a:3"
    finally:
        store.close()
        other.close()


async def test_two_servers_on_one_database_run_one_app(shared_url, catalogue):
    from tests.web.test_sessions import two_servers_one_app

    store = open_store(shared_url)
    try:
        await two_servers_one_app(shared_url, store, catalogue)
    finally:
        store.close()
