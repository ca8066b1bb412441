"""Issue 30: the due list as a page with counts; the overdue cut-off; dogs marked lost to follow-up (store,
command, audit, export and import, the next visit), and the upgrade of a schema 3 database."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from tests.due_fixtures import due_dogs
from vettriage.cli import main
from vettriage.store import migrations, open_store, schema
from vettriage.store.api import LOST_ITEM, NotFoundError, StoreError
from vettriage.store.backend import make_database, resolve_url

# The store's own calls below are given this day; a command that reads the clock itself is checked against the
# day read where it runs (test_dogs_due_prints_a_page_and_the_counts), so a run across midnight cannot fail it.
TODAY = dt.date.today()


def _days(*offsets: int, base: dt.date = TODAY) -> list[dt.date]:
    return [base + dt.timedelta(days=d) for d in offsets]


def test_the_due_list_pages_in_due_order_and_counts_what_it_leaves_out(store: Any) -> None:
    # due 10 and 1 days ago, today, in 3 days; overdue 200 and 400 days; due in 30 days (not yet)
    ids = due_dogs(store, _days(-10, -1, 0, 3, -200, -400, 30))
    since = TODAY - dt.timedelta(days=182)
    on = TODAY + dt.timedelta(days=14)
    page = store.dogs_due(on, overdue_since=since, limit=2)
    assert [d.dog.id for d in page] == [ids[0], ids[1]]
    rest = store.dogs_due(on, overdue_since=since, limit=2, after=(page[-1].due, page[-1].intake_id))
    assert [d.dog.id for d in rest] == [ids[2], ids[3]]
    assert store.dogs_due(on, overdue_since=since, limit=2, after=(rest[-1].due, rest[-1].intake_id)) == []
    counts = store.due_counts(on, since)
    assert (counts.due, counts.overdue, counts.lost) == (4, 2, 0)
    # without a cut-off every dog due is listed, most overdue first
    assert [d.dog.id for d in store.dogs_due(on)] == [ids[5], ids[4], ids[0], ids[1], ids[2], ids[3]]


def test_a_dog_marked_lost_leaves_the_list_until_the_mark_is_taken_back(store: Any) -> None:
    rex, bo = due_dogs(store, _days(-5, -3))
    visit = store.mark_lost(rex, "Sam Lee", "moved away")
    on = TODAY
    assert [d.dog.id for d in store.dogs_due(on)] == [bo]
    assert store.due_counts(on).lost == 1
    (lost,) = [d for d in store.dogs_due(on, lost=True) if d.dog.id == rex]
    assert (lost.lost_by, lost.lost_reason) == ("Sam Lee", "moved away") and lost.lost_at is not None
    with pytest.raises(StoreError, match="already marked lost"):
        store.mark_lost(rex, "Sam Lee")
    store.mark_lost(rex, "Alex", lost=False)
    assert [d.dog.id for d in store.dogs_due(on)] == [rex, bo]
    with pytest.raises(StoreError, match="not marked lost"):
        store.mark_lost(rex, "Alex", lost=False)
    trail = [(e.item_id, e.old_value, e.new_value, e.who, e.reason) for e in store.audit(visit)]
    assert trail == [(LOST_ITEM, False, True, "Sam Lee", "moved away"),
                     (LOST_ITEM, True, False, "Alex", "back on the due list")]


def test_marking_needs_a_dog_with_a_visit(store: Any) -> None:
    with pytest.raises(NotFoundError):
        store.mark_lost(999, "Sam")
    pip = store.add_dog("Pip")
    with pytest.raises(StoreError, match="no completed visit"):
        store.mark_lost(pip.id, "Sam")


def test_the_next_visit_replaces_the_marked_one(store: Any) -> None:
    (rex,) = due_dogs(store, _days(-5))
    store.mark_lost(rex, "Sam", "seen elsewhere")
    store.record_intake(None, dog_id=rex, by="Sam", mode="tech", content_version="v", content_hash="h",
                        answers={}, assessment={"urgency": "routine"})
    store.run(lambda tx: tx.execute("UPDATE intakes SET rescreen_due = ? WHERE dog_id = ?",
                                    (tx.dialect.dump("date", TODAY), rex)), write=True)
    (back,) = store.dogs_due(TODAY)
    assert back.dog.id == rex and back.lost_at is None


def test_export_and_import_carry_the_mark_in_the_audit_trail(tmp_path: Any, capsys: Any) -> None:
    from pathlib import Path

    from vettriage.content import load_catalogue
    from vettriage.engine import assess, read_answers_file

    cat = load_catalogue()
    answers = read_answers_file(cat, Path(__file__).resolve().parents[2] / "examples" / "arthritis.yaml")
    src, dst = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    store = open_store(src)
    dog, intake = store.record_intake("Rex", by="Sam", mode="tech", content_version=cat.version,
                                      content_hash=cat.hash, answers=answers.values,
                                      assessment=assess(cat, answers).model_dump(mode="json"))
    store.run(lambda tx: tx.execute("UPDATE intakes SET rescreen_due = ?", (tx.dialect.dump("date", TODAY),)),
              write=True)
    rex = dog.id
    store.mark_lost(rex, "Sam", "moved away")
    store.close()
    assert main(["intakes", "export", "-o", str(tmp_path / "x.json"), "--db", src]) == 0
    assert main(["intakes", "import", str(tmp_path / "x.json"), "--db", dst]) == 0
    copy = open_store(dst)
    try:
        (lost,) = [d for d in copy.dogs_due(TODAY, lost=True) if d.lost_at is not None]
        assert (lost.dog.id, lost.lost_by, lost.lost_reason) == (rex, "Sam", "moved away")
        assert copy.due_counts(TODAY).lost == 1
    finally:
        copy.close()
    assert main(["intakes", "export", "-o", str(tmp_path / "y.json"), "--db", dst]) == 0
    assert (tmp_path / "x.json").read_bytes() == (tmp_path / "y.json").read_bytes()


def test_dogs_lost_and_its_undo_as_commands(tmp_path: Any, capsys: Any) -> None:
    db = str(tmp_path / "c.db")
    store = open_store(db)
    rex, bo = due_dogs(store, _days(-5, -3))
    store.close()
    assert main(["dogs", "lost", str(rex), "--by", "Sam", "--reason", "moved away", "--db", db]) == 0
    assert "lost to follow-up" in capsys.readouterr().out
    assert main(["dogs", "due", "--json", "--db", db]) == 0
    assert [d["dog"]["id"] for d in json.loads(capsys.readouterr().out)] == [bo]
    assert main(["dogs", "due", "--db", db]) == 0
    text = capsys.readouterr().out
    assert "not listed: 1 lost to follow-up (--all lists them)" in text
    assert main(["dogs", "due", "--all", "--json", "--db", db]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(d["dog"]["id"], (d["lost"] or {}).get("by")) for d in rows] == [(rex, "Sam"), (bo, None)]
    assert main(["dogs", "lost", str(rex), "--by", "Sam", "--db", db]) == 2  # already marked: one line
    assert "already marked lost" in capsys.readouterr().err
    assert main(["dogs", "lost", str(rex), "--undo", "--by", "Alex", "--db", db]) == 0
    capsys.readouterr()
    assert main(["dogs", "due", "--json", "--db", db]) == 0
    assert [d["dog"]["id"] for d in json.loads(capsys.readouterr().out)] == [rex, bo]
    assert main(["dogs", "lost", "999", "--by", "Sam", "--db", db]) == 2
    assert main(["dogs", "lost", str(rex), "--by", " ", "--db", db]) == 2


def test_dogs_due_prints_a_page_and_the_counts(tmp_path: Any, capsys: Any) -> None:
    db = str(tmp_path / "d.db")
    store = open_store(db)
    before = dt.date.today()  # the command reads the clock itself: its day is this one or, past midnight, the next
    due_dogs(store, _days(*range(-30, 0), base=before) + _days(-300, -400, base=before))
    store.close()
    assert main(["dogs", "due", "--limit", "5", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    days = {before, dt.date.today()}
    assert len(lines) == 1 + 5 + 2
    assert lines[-2] in {f"30 due by {d} (5 shown: --limit 0 for all)" for d in days}
    assert lines[-1] == "not listed: 2 overdue by more than 182 days (6 months) (--all lists them)"
    assert main(["dogs", "due", "--all", "--limit", "0", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + 32 + 2 and "overdue by 400 days" in lines[1]
    assert main(["dogs", "due", "--limit", "-1", "--db", db]) == 2


def test_the_cut_off_comes_from_the_config(tmp_path: Any, capsys: Any, monkeypatch: Any) -> None:
    db = str(tmp_path / "e.db")
    store = open_store(db)
    due_dogs(store, _days(-10, -40))
    store.close()
    cfg = tmp_path / "config.toml"
    cfg.write_text("[rescreen]\noverdue_cutoff_days = 30\n")
    monkeypatch.setenv("VETTRIAGE_CONFIG", str(cfg))
    assert main(["dogs", "due", "--json", "--db", db]) == 0
    assert [d["status"] for d in json.loads(capsys.readouterr().out)] == ["overdue by 10 days"]
    assert main(["config", "show"]) == 0
    assert "overdue cut-off 30 d  [file]" in capsys.readouterr().out
    cfg.write_text("[rescreen]\noverdue_cutoff_days = 0\n")
    assert main(["dogs", "due", "--db", db]) == 2
    assert "rescreen.overdue_cutoff_days" in capsys.readouterr().err


def test_a_schema_3_database_opens_with_no_dog_marked(db_url: str) -> None:
    db = make_database(resolve_url(db_url))
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=200)

    def tx(tx: Any) -> None:
        migrations.migrate(tx, target=3)
        dog = tx.insert("dogs", dict(name="Rex", name_key="rex", created_at=now))
        tx.execute('INSERT INTO intakes (dog_id, "by", mode, status, urgency, emergency, created_at, updated_at, '
                   'content_version, content_hash, answers, assessment, rescreen_due) '
                   "VALUES (?, 'Sam', 'tech', 'completed', 'routine', ?, ?, ?, 'v', 'h', ?, ?, ?)",
                   (dog, tx.dialect.dump("bool", False), tx.dialect.dump("ts", now), tx.dialect.dump("ts", now),
                    tx.dialect.dump("json", {}), tx.dialect.dump("json", {"urgency": "routine"}),
                    tx.dialect.dump("date", TODAY - dt.timedelta(days=18))))

    db.run(tx, write=True)
    db.close()
    store = open_store(db_url)
    try:
        assert store.run(migrations.current_version) == schema.SCHEMA_VERSION >= 4
        (due,) = store.dogs_due(TODAY)
        assert due.dog.name == "Rex" and due.lost_at is None
        store.mark_lost(due.dog.id, "Sam", "moved away")
        assert store.dogs_due(TODAY) == [] and store.due_counts(TODAY).lost == 1
    finally:
        store.close()


def test_a_local_days_intakes_are_one_range_newest_first(store: Any) -> None:
    from vettriage.localtime import intakes_of_day, today
    from vettriage.tui.screens.desk import _midnight

    due_dogs(store, _days(-1, -2))  # two visits a week ago: not today's
    for name in ("Ada", "Bo", "Cy"):
        dog = store.add_dog(name)
        store.create_intake(dog.id, by="Sam", mode="tech", content_version="v", content_hash="h")
    day = today()
    rows = store.list_intakes(since=_midnight(day), until=_midnight(day + dt.timedelta(days=1)), limit=2)
    assert [r.dog_name for r in rows] == ["Cy", "Bo"]
    assert [r.id for r in intakes_of_day(store, day)] == [r.id for r in store.list_intakes(
        since=_midnight(day), until=_midnight(day + dt.timedelta(days=1)))]
