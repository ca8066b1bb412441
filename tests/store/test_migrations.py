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


def _v2_database(url: str) -> None:
    """What the release before follow-up visits wrote (schema 2): two dogs, one with two completed intakes
    and one in progress."""
    db = make_database(resolve_url(url))

    def tx(tx: Tx) -> None:
        migrations.migrate(tx, target=2)
        rex = tx.insert("dogs", dict(name="Rex", name_key="rex", age_years=11.0, created_at=NOW))
        tx.insert("dogs", dict(name="Pip", name_key="pip", created_at=NOW))
        for k, status in enumerate(("completed", "completed", "in_progress")):
            at = NOW + dt.timedelta(days=30 * k)
            tx.insert("intakes", dict(
                dog_id=rex, by="owner", mode="owner", status=status, urgency="routine", emergency=False,
                created_at=at, updated_at=at, content_version="2026.12.1", content_hash="h",
                answers={"med_current": ["carprofen"]}, position=None,
                assessment={"urgency": "routine"} if status == "completed" else None))

    db.run(tx, write=True)
    db.close()


def test_v2_database_migrates_with_its_dogs_keeping_their_intakes(db_url):
    _v2_database(db_url)
    store = open_store(db_url)
    try:
        assert store.run(migrations.current_version) == schema.SCHEMA_VERSION >= 3
        rex = store.get_dog(1)
        assert (rex.name, rex.chart, rex.owner_phone, rex.age_years) == ("Rex", None, None, 11.0)
        assert [i.id for i in store.dog_history(1)] == [3, 2, 1]
        assert [v.intake_id for v in store.visits(1)] == [1, 2]
        # completed intakes got the frozen routine interval from their completion; the one in progress none
        assert store.get_intake(2).rescreen_due == (NOW + dt.timedelta(days=30 + 182)).date()
        assert store.get_intake(3).rescreen_due is None
        due = store.dogs_due((NOW + dt.timedelta(days=400)).date())
        assert [(d.dog.id, d.intake_id) for d in due] == [(1, 2)]  # the last completed visit counts
        # chart numbers are unique when given, and many dogs may have none
        store.add_dog("Max", chart="A-17")
        store.add_dog("Bo")
        import pytest

        from vettriage.store.api import StoreError

        with pytest.raises(StoreError, match="already dog 3"):
            store.add_dog("Other", chart="A-17")
        assert store.dog_by_chart("A-17").name == "Max"
    finally:
        store.close()
