"""Issue 30: SQLite's full integrity check runs once per change of the file that vettriage did not make itself
(vettriage.store.verified), not before the first write of every process; whatever changed the file behind the
store's back, a damaged file is still refused before anything is written."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from vettriage.cli import main
from vettriage.store import open_store
from vettriage.store.db import Sqlite

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The paths of every full integrity check run."""
    seen: list[str] = []
    real = Sqlite.integrity

    def counted(self, tx):
        seen.append(self.path)
        return real(self, tx)

    monkeypatch.setattr(Sqlite, "integrity", counted)
    return seen


def add_dog(db: str, name: str) -> None:
    store = open_store(db)
    try:
        store.check_integrity()
        store.add_dog(name)
    finally:
        store.close()


def test_an_unchanged_file_is_checked_once_for_many_writing_processes(tmp_path, checks) -> None:
    db = str(tmp_path / "v.db")
    for k in range(4):
        add_dog(db, f"Dog {k}")
    assert len(checks) == 1
    store = open_store(db)
    try:
        assert [d.name for d, _ in store.list_dogs()] == [f"Dog {k}" for k in range(4)]
    finally:
        store.close()
    add_dog(db, "After a reader")  # a reader's close (a checkpoint) keeps the chain
    assert len(checks) == 1


def test_a_write_behind_the_stores_back_brings_the_check_back(tmp_path, checks) -> None:
    db = str(tmp_path / "v.db")
    add_dog(db, "Ada")
    con = sqlite3.connect(db)
    con.execute("UPDATE dogs SET breed_or_size = 'beagle'")
    con.commit()
    con.close()
    add_dog(db, "Bo")
    assert len(checks) == 2
    add_dog(db, "Cy")
    assert len(checks) == 2


def test_a_copy_an_old_mark_or_an_error_bring_the_check_back(tmp_path, checks, capsys) -> None:
    db = tmp_path / "v.db"
    add_dog(str(db), "Ada")
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    add_dog(str(copy), "Bo")  # another file (another inode): checked
    assert len(checks) == 2
    mark = next(p for p in Path(Sqlite(str(db)).mark.file).parent.glob("store-*.json")
                if json.loads(p.read_text())["file"] == str(db.resolve()))
    data = json.loads(mark.read_text())
    mark.write_text(json.dumps(dict(data, checked=time.time() - 2 * 86400)))
    add_dog(str(db), "Cy")
    assert len(checks) == 3
    # a damaged row met by a reader: the next writer checks in full, whatever the mark said
    con = sqlite3.connect(db)
    con.execute("UPDATE dogs SET created_at = 'not a time' WHERE name = 'Ada'")
    con.commit()
    con.close()
    add_dog(str(db), "Di")
    assert len(checks) == 4
    assert main(["dogs", "show", "1", "--db", str(db)]) == 2
    capsys.readouterr()
    add_dog(str(db), "Ed")
    assert len(checks) == 5


def test_a_file_damaged_in_place_is_refused_before_any_write(tmp_path, capsys) -> None:
    db = tmp_path / "v.db"
    for name, example in (("Ada", "arthritis.yaml"), ("Bo", "emergency.yaml"), ("Cy", "healthy-senior.yaml")):
        assert main(["intakes", "add", str(EXAMPLES / example), "--dog", name, "--db", str(db)]) == 0
    con = sqlite3.connect(db)
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_intakes_created'").fetchone()[0]
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(db.read_bytes())
    data[(root - 1) * page + 8:(root - 1) * page + 64] = b"\xff" * 56  # an index page: reads still work
    db.write_bytes(bytes(data))
    before = db.read_bytes()
    capsys.readouterr()
    code = main(["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "New", "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "damaged database file" in err and "nothing was written" in err
    assert db.read_bytes() == before
