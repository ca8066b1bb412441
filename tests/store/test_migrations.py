"""A database made by an older schema version opens after an upgrade, with its records intact."""

from __future__ import annotations

import datetime as dt

from vettriage.store import migrations, open_store, schema
from vettriage.store.backend import make_database, resolve_url
from vettriage.store.db import Tx

NOW = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


def _v1_database(url: str) -> None:
    """What release 1 made: schema 1 with one dog, an intake and an audit event."""
    db = make_database(resolve_url(url))

    def tx(tx: Tx) -> None:
        migrations.migrate(tx, target=1)
        dog_id = tx.insert("dogs", dict(name="Élodie", created_at=NOW))
        intake_id = tx.insert("intakes", dict(
            dog_id=dog_id, by="owner", mode="owner", status="completed", urgency="soon", emergency=False,
            created_at=NOW, updated_at=NOW, content_version="2026.11.1", content_hash="h",
            answers={"pain_stairs": 2}, position=None, assessment={"urgency": "soon"}))
        assert (dog_id, intake_id) == (1, 1)
        tx.insert("audit", dict(intake_id=intake_id, item_id="pain_stairs", old_value=None, new_value=2,
                                who="owner", at=NOW))

    db.run(tx, write=True)
    db.close()


def test_v1_database_opens_after_upgrade(db_url):
    _v1_database(db_url)
    store = open_store(db_url)
    try:
        got = store.get_intake(1)
        assert got.dog.name == "Élodie" and got.answers == {"pain_stairs": 2}
        assert got.created_at == NOW
        assert [r.id for r in store.list_intakes(dog="élo")] == [1]  # v2's search key was filled in
        assert len(store.audit(1)) == 1
        new = store.add_dog("Rex")  # ids go on after the old ones
        assert new.id == 2
        assert store.run(migrations.current_version) == schema.SCHEMA_VERSION
    finally:
        store.close()


def test_migrated_schema_matches_the_declared_tables(store):
    def tx(tx: Tx) -> None:
        assert tx.dialect.table_names(tx) == set(schema.TABLES)
        for table, columns in schema.TABLES.items():
            assert tx.dialect.column_names(tx, table) == set(columns), table
        assert "ix_intakes_created" in tx.dialect.index_names(tx, "intakes")

    store.run(tx)


def test_reopening_is_idempotent(db_url):
    for _ in range(3):
        open_store(db_url).close()
    store = open_store(db_url)
    try:
        rows = store.run(lambda tx: tx.rows('SELECT "key", "value" FROM vettriage_meta'))
        assert {r["key"]: r["value"] for r in rows} == {"app": "vettriage", "schema_version": str(schema.SCHEMA_VERSION)}
    finally:
        store.close()


def test_sqlite_values_keep_the_shapes_release_1_wrote(tmp_path):
    """Files written before the store moved off SQLAlchemy keep reading the same: the stored text of a
    datetime, a date, a boolean and JSON is what SQLAlchemy wrote."""
    import sqlite3

    path = tmp_path / "v.db"
    store = open_store(path)
    dog = store.add_dog("Pip", birth_date=dt.date(2014, 5, 6))
    intake = store.create_intake(dog.id, by="owner", mode="owner", content_version="v", content_hash="h")
    store.save_answer(intake.id, "pain_stairs", 2, who="owner")
    store.close()
    con = sqlite3.connect(path)
    birth, created = con.execute("SELECT birth_date, created_at FROM dogs").fetchone()
    emergency, answers = con.execute("SELECT emergency, answers FROM intakes").fetchone()
    con.close()
    assert birth == "2014-05-06" and emergency == 0 and answers == '{"pain_stairs": 2}'
    assert dt.datetime.strptime(created, "%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite DateTime format
