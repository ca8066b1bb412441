"""A database made by an older schema version opens after an upgrade, with its records intact."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from vettriage.store import open_store
from vettriage.store import migrations, schema
from vettriage.store.backend import make_engine, resolve_url


def _v1_database(url: str) -> None:
    """What release 1 made: schema 1 with one dog, an intake and an audit event (raw SQL, as v1 wrote it)."""
    engine = make_engine(resolve_url(url))
    now = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    with engine.connect() as conn:
        conn.execution_options(vt_write=True)
        with conn.begin():
            migrations.migrate(conn, target=1)
            v1 = migrations._v1_tables()
            dog_id = conn.execute(v1.tables["dogs"].insert().values(name="Élodie", created_at=now)
                                  ).inserted_primary_key[0]
            intake_id = conn.execute(v1.tables["intakes"].insert().values(
                dog_id=dog_id, by="owner", mode="owner", status="completed", urgency="soon", emergency=False,
                created_at=now, updated_at=now, content_version="2026.11.1", content_hash="h",
                answers={"pain_stairs": 2}, position=None, assessment={"urgency": "soon"})).inserted_primary_key[0]
            assert (dog_id, intake_id) == (1, 1)
            conn.execute(v1.tables["audit"].insert().values(intake_id=intake_id, item_id="pain_stairs", old_value=None,
                                                            new_value=2, who="owner", at=now))
    engine.dispose()


def test_v1_database_opens_after_upgrade(db_url):
    _v1_database(db_url)
    store = open_store(db_url)
    try:
        got = store.get_intake(1)
        assert got.dog.name == "Élodie" and got.answers == {"pain_stairs": 2}
        assert got.created_at == dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
        assert [r.id for r in store.list_intakes(dog="élo")] == [1]  # v2's search key was filled in
        assert len(store.audit(1)) == 1
        new = store.add_dog("Rex")  # ids go on after the old ones
        assert new.id == 2
        with store._engine.connect() as conn:
            assert migrations.current_version(conn) == schema.SCHEMA_VERSION
    finally:
        store.close()


def test_migrated_schema_matches_the_declared_tables(store):
    with store._engine.connect() as conn:
        insp = sa.inspect(conn)
        for table in schema.metadata.sorted_tables:
            assert {c["name"] for c in insp.get_columns(table.name)} == set(table.c.keys()), table.name
        assert "ix_intakes_created" in {i["name"] for i in insp.get_indexes("intakes")}


def test_reopening_is_idempotent(db_url):
    for _ in range(3):
        open_store(db_url).close()
    store = open_store(db_url)
    try:
        with store._engine.connect() as conn:
            rows = conn.execute(sa.select(schema.meta)).all()
        assert dict(rows) == {"app": "vettriage", "schema_version": str(schema.SCHEMA_VERSION)}
    finally:
        store.close()
