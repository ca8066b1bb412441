"""The dogs the due list leaves out, as the desk lists them: those marked lost to follow-up (latest mark first)
and those overdue past the cut-off (most overdue first), each a keyset page that agrees with `due_counts`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.due_fixtures import due_dogs

TODAY = dt.date.today()
ON = TODAY + dt.timedelta(days=14)
SINCE = TODAY - dt.timedelta(days=182)


def _days(*offsets: int) -> list[dt.date]:
    return [TODAY + dt.timedelta(days=d) for d in offsets]


def _pages(read: Any, key: Any, size: int) -> list[list[int]]:
    """Every page of `read(limit=, after=)`, each as dog ids, following the keyset `key(last row)`."""
    pages, after = [], None
    while True:
        page = read(limit=size, after=after)
        if not page:
            return pages
        pages.append([d.dog.id for d in page])
        after = key(page[-1])


def test_overdue_past_the_cut_off_pages_most_overdue_first_and_leaves_out_the_lost(store: Any) -> None:
    ids = due_dogs(store, _days(-200, -400, -300, -10, 0, -183, 30))
    store.mark_lost(ids[2], "Sam", "moved away")  # overdue and lost: listed with the lost, not here
    pages = _pages(lambda **kw: store.dogs_overdue(ON, SINCE, **kw), lambda d: (d.due, d.intake_id), 2)
    assert pages == [[ids[1], ids[0]], [ids[5]]]
    assert store.due_counts(ON, SINCE).overdue == 3
    # the due list and the overdue list are the whole list without the lost: no dog twice, none missing
    due = [d.dog.id for d in store.dogs_due(ON, overdue_since=SINCE)]
    assert sorted(due + sum(pages, [])) == sorted(set(ids) - {ids[2], ids[6]})


def test_lost_dogs_page_latest_mark_first_and_agree_with_the_count(store: Any) -> None:
    ids = due_dogs(store, _days(-5, 3, -300, -1, 40))
    for dog in (ids[0], ids[2], ids[1], ids[3], ids[4]):
        store.mark_lost(dog, "Sam", f"reason {dog}")
    pages = _pages(lambda **kw: store.dogs_lost(ON, **kw), lambda d: (d.lost_at, d.intake_id), 2)
    # ids[4] is due in 40 days: not due by ON, so neither counted nor listed (as `dogs due --all`)
    assert pages == [[ids[3], ids[1]], [ids[2], ids[0]]]
    assert store.due_counts(ON, SINCE).lost == 4
    (first,) = store.dogs_lost(ON, limit=1)
    assert (first.lost_by, first.lost_reason) == ("Sam", f"reason {ids[3]}")


def test_a_mark_taken_back_or_replaced_by_a_later_visit_leaves_the_lost_list(store: Any, catalogue: Any) -> None:
    from vettriage.engine import assess
    from vettriage.intake.starting import start_intake

    rex, bo = due_dogs(store, _days(-5, -3))
    store.mark_lost(rex, "Sam", "moved away")
    store.mark_lost(bo, "Sam", "seen elsewhere")
    store.mark_lost(rex, "Alex", "marked by mistake", lost=False)
    assert [d.dog.id for d in store.dogs_lost(ON)] == [bo]
    # Bo comes back: the new visit is the last one, and its re-screen is months away
    visit = start_intake(store, catalogue, "Dog 1", "tech", dog_id=bo)
    store.complete(visit.id, assess(catalogue, {}).model_dump(mode="json"))
    assert store.dogs_lost(ON) == [] and store.due_counts(ON, SINCE).lost == 0


def test_equal_mark_times_page_by_id_without_losing_a_dog(store: Any) -> None:
    ids = due_dogs(store, _days(-1, -2, -3))
    when = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.timezone.utc)

    def same_time(tx: Any) -> None:
        for dog in ids:
            tx.execute("UPDATE intakes SET lost_at = ?, lost_by = 'Sam', lost_reason = 'closed' WHERE dog_id = ?",
                       (tx.dialect.dump("ts", when), dog))

    store.run(same_time, write=True)
    pages = _pages(lambda **kw: store.dogs_lost(ON, **kw), lambda d: (d.lost_at, d.intake_id), 1)
    assert pages == [[ids[2]], [ids[1]], [ids[0]]]
    assert store.dogs_lost(ON)[0].lost_at == when


def _schema_4_store_with_marks(url: str) -> list[int]:
    """What issue 30's release wrote (schema 4): five dogs due, three of them marked lost at known times, one
    of those with a later visit that replaced its marked one. Returns the dogs' ids."""
    from vettriage.store import migrations
    from vettriage.store.backend import make_database, resolve_url

    db = make_database(resolve_url(url))
    visit = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30)
    mark = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.timezone.utc)

    def tx(tx: Any) -> list[int]:
        migrations.migrate(tx, target=4)
        ids = []
        for k in range(5):
            dog = tx.insert("dogs", dict(name=f"Dog {k}", name_key=f"dog {k}", created_at=visit))
            tx.insert("intakes", dict(
                dog_id=dog, by="Sam", mode="tech", status="completed", urgency="routine", emergency=False,
                created_at=visit, updated_at=visit, content_version="v", content_hash="h", answers={},
                position=None, assessment={"urgency": "routine"}, rescreen_due=TODAY - dt.timedelta(days=k),
                rescreen_reason="routine", lost_at=mark + dt.timedelta(hours=k) if k in (0, 2, 4) else None,
                lost_by="Sam" if k in (0, 2, 4) else None, lost_reason="moved away" if k in (0, 2, 4) else None))
            ids.append(dog)
        later = visit + dt.timedelta(days=1)  # dog 4 came back: its marked visit is no longer its last
        tx.insert("intakes", dict(
            dog_id=ids[4], by="Sam", mode="tech", status="completed", urgency="routine", emergency=False,
            created_at=later, updated_at=later, content_version="v", content_hash="h", answers={}, position=None,
            assessment={"urgency": "routine"}, rescreen_due=TODAY - dt.timedelta(days=1), rescreen_reason="routine"))
        return ids

    try:
        return db.run(tx, write=True)
    finally:
        db.close()


def test_a_schema_4_store_migrates_on_open_and_lists_its_lost_dogs_from_the_new_index(db_url: str) -> None:
    from vettriage.store import migrations, open_store, schema

    ids = _schema_4_store_with_marks(db_url)
    store = open_store(db_url)
    try:
        assert store.run(migrations.current_version) == schema.SCHEMA_VERSION == 5
        assert "ix_intakes_lost" in store.run(lambda tx: tx.dialect.index_names(tx, "intakes"))
        pages = _pages(lambda **kw: store.dogs_lost(ON, **kw), lambda d: (d.lost_at, d.intake_id), 1)
        assert pages == [[ids[2]], [ids[0]]]
        assert store.due_counts(ON, SINCE).lost == 2
        # marks made after the upgrade are in the index too (it is a plain index, kept by every write)
        store.mark_lost(ids[1], "Alex", "seen elsewhere")
        assert [d.dog.id for d in store.dogs_lost(ON)] == [ids[1], ids[2], ids[0]]
    finally:
        store.close()


def _plan(store: Any, sql: str, params: list[Any]) -> str:
    """The planner's plan for the statement, as one text (SQLite's EXPLAIN QUERY PLAN, as the store runs it:
    with no statistics; PostgreSQL's EXPLAIN after ANALYZE, which autovacuum does on a live database)."""
    def tx(tx: Any) -> str:
        if tx.dialect.name == "sqlite":
            return "\n".join(str(r["detail"]) for r in tx.rows("EXPLAIN QUERY PLAN " + sql, params))
        tx.execute("ANALYZE")
        return "\n".join(str(next(iter(r.values()))) for r in tx.rows("EXPLAIN " + sql, params))

    return store.run(tx, write=True)


def test_a_lost_page_walks_the_marks_index_in_order_whatever_the_keyset(store: Any) -> None:
    from vettriage.store.sqlstore import lost_statement

    # a clinic's proportions: many visits due, few marked (the plan is the same at 100,000: docs/FOLLOWUP.md)
    ids = due_dogs(store, _days(*[-(k % 300) for k in range(600)]))
    for dog in ids[:: 150]:
        store.mark_lost(dog, "Sam", "moved away")
    (last,) = store.dogs_lost(ON, limit=1)

    def dump(kind: str, value: Any) -> Any:
        return store.run(lambda tx: tx.dialect.dump(kind, value))

    for after in (None, (dump("ts", last.lost_at), last.intake_id)):
        plan = _plan(store, *lost_statement(on=dump("date", ON), limit=25, after=after))
        # the visits are read from the marks' index alone: neither the re-screen index nor a scan of the
        # intakes. SQLite reads it in the page's order (no sort); PostgreSQL may sort the rows the marks gave,
        # a sort of the marks, not of the store.
        assert "ix_intakes_lost" in plan, plan
        assert "ix_intakes_rescreen" not in plan and "Seq Scan on intakes" not in plan, plan
        assert "TEMP B-TREE" not in plan and "SCAN i" not in plan, plan
