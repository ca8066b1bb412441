"""Damaged databases (issue 15): a corrupt row is reported by id and skipped, list/show/export go on with the
rest; byte-level corruption never gives a traceback; a damaged file is never written into; a held write lock
gives up after a bounded wait with one line. SQLite only: PostgreSQL refuses such values at write time."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vettriage.cli import main
from vettriage.store import open_store
from vettriage.store.db import LOCK_WAIT_S, lock_wait

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def five(tmp_path, capsys) -> str:
    """A database with five completed intakes of five dogs, added through the command line."""
    url = str(tmp_path / "five.db")
    for k, name in enumerate(["Ada", "Bo", "Cy", "Di", "Ed"]):
        example = ["arthritis.yaml", "emergency.yaml", "cognitive-signs.yaml", "healthy-senior.yaml",
                   "medical-mimic.yaml"][k]
        assert run(capsys, "intakes", "add", str(EXAMPLES / example), "--dog", name, "--db", url)[0] == 0
    return url


def poke(url: str, sql: str, *params) -> None:
    """Write a raw value behind the store's back (as a bug, a hand edit or a bad disk would)."""
    con = sqlite3.connect(url)
    con.execute(sql, params)
    con.commit()
    con.close()


DAMAGE = {
    "bad created_at": ("UPDATE intakes SET created_at = 'yesterday-ish' WHERE id = 2", "intake 2", "created_at"),
    "broken answers JSON": ("UPDATE intakes SET answers = '{\"rf_collapse\": tr' WHERE id = 2", "intake 2",
                            "answers"),
    "answers not a mapping": ("UPDATE intakes SET answers = '[1, 2]' WHERE id = 2", "intake 2", "answers"),
    "created_at a number": ("UPDATE intakes SET created_at = 12 WHERE id = 2", "intake 2", "created_at"),
    "bad dog birth date": ("UPDATE dogs SET birth_date = '2020-13-45' WHERE id = 2", "dog 2", "birth_date"),
    "broken assessment": ("UPDATE intakes SET assessment = '{' WHERE id = 2", "intake 2", "assessment"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_one_damaged_row_does_not_block_list_show_export(five, tmp_path, capsys, case) -> None:
    sql, who, field = DAMAGE[case]
    poke(five, sql)
    code, out, err = run(capsys, "intakes", "list", "--db", five)
    assert code == 0 and "Traceback" not in err
    listed = [line.split()[0] for line in out.splitlines()[1:]]
    assert {"1", "3", "4", "5"} <= set(listed)
    if who.startswith("intake") and field == "created_at":
        assert "2" not in listed and f"warning: {who} is damaged ({field}:" in err
    code, out, err = run(capsys, "intakes", "show", "1", "--db", five)
    assert code == 0 and "Intake 1" in out
    code, out, err = run(capsys, "intakes", "show", "2", "--db", five)
    assert code in (0, 2) and err.count("\n") <= 1 and "Traceback" not in err
    if code == 2:
        assert "intake 2 is damaged" in err and field in err
    for fmt in ("json", "csv"):
        target = tmp_path / f"rescue.{fmt}"
        code, out, err = run(capsys, "intakes", "export", "--format", fmt, "-o", str(target), "--db", five)
        assert code == 0, err
        assert f"warning: {who} is damaged ({field}:" in err and "left out" in err, err
        # and the rest is a good export: it imports into a new database
        fresh = str(tmp_path / f"fresh-{fmt}.db")
        code, out, err = run(capsys, "intakes", "import", str(target), "--db", fresh)
        assert code == 0, err
        s = open_store(fresh)
        try:
            ids = {r.id for r in s.list_intakes()}
        finally:
            s.close()
        assert ids == {1, 3, 4, 5}


def test_damaged_audit_event_is_left_out_and_named(five, tmp_path, capsys) -> None:
    poke(five, "UPDATE audit SET at = 'never' WHERE id = (SELECT MIN(id) FROM audit WHERE intake_id = 3)")
    code, out, err = run(capsys, "intakes", "export", "-o", str(tmp_path / "x.json"), "--db", five)
    assert code == 0 and "audit event" in err and "damaged (at:" in err
    doc = json.loads((tmp_path / "x.json").read_text())
    assert [i["id"] for i in doc["intakes"]] == [1, 2, 3, 4, 5]
    code, out, err = run(capsys, "intakes", "show", "3", "--db", five)
    assert code == 0 and "audit event" in err


def _corrupt(src: Path, dst: Path, rng: random.Random) -> None:
    """A copy of `src` with a few bytes overwritten somewhere past the header page."""
    data = bytearray(src.read_bytes())
    for _ in range(rng.choice([1, 4, 16])):
        at = rng.randrange(100, len(data))
        data[at] = rng.randrange(256)
    dst.write_bytes(bytes(data))


def test_byte_level_corruption_never_gives_a_traceback(five, tmp_path, capsys) -> None:
    src = Path(five)
    rng = random.Random(15)
    outcomes = {"ok": 0, "refused": 0}
    for k in range(60):
        bad = tmp_path / f"bad{k}.db"
        _corrupt(src, bad, rng)
        for argv in (["list"], ["show", "1"], ["show", "4"], ["export", "-o", str(tmp_path / "e.json")],
                     ["export", "--format", "csv", "-o", str(tmp_path / "e.csv")]):
            code, out, err = run(capsys, "intakes", *argv, "--db", str(bad))
            assert code in (0, 2), (k, argv, err)
            assert "Traceback" not in err
            assert all(line.startswith(("vettriage: error:", "warning:", "exported")) for line in err.splitlines())
            outcomes["ok" if code == 0 else "refused"] += 1
    assert outcomes["ok"] and outcomes["refused"]


def test_a_file_failing_its_integrity_check_is_never_written(five, tmp_path, capsys) -> None:
    bad = tmp_path / "broken.db"
    data = bytearray(Path(five).read_bytes())
    page = 4096
    con = sqlite3.connect(five)
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_intakes_created'").fetchone()[0]
    con.close()
    data[(root - 1) * page + 8:(root - 1) * page + 64] = b"\xff" * 56  # an index page: reads still work
    bad.write_bytes(bytes(data))
    before = bad.read_bytes()
    code, out, err = run(capsys, "intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "New", "--db",
                         str(bad))
    assert code == 2 and err.count("\n") == 1 and "damaged database file" in err and "intakes export" in err, err
    assert bad.read_bytes() == before
    code, out, err = run(capsys, "dogs", "rename", "1", "Other", "--db", str(bad))
    assert code == 2 and "damaged database file" in err
    assert bad.read_bytes() == before


HOLD = """
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
con.execute("INSERT INTO vettriage_meta (key, value) VALUES ('held', 'x')")
print("held", flush=True)
time.sleep(60)
"""


def test_held_write_lock_gives_up_after_a_bounded_wait_with_one_line(five, capsys, monkeypatch) -> None:
    assert LOCK_WAIT_S == 10 and lock_wait() == 10
    monkeypatch.setenv("VETTRIAGE_LOCK_WAIT", "1.5")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, five], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        t = time.monotonic()
        code, out, err = run(capsys, "intakes", "list", "--db", five)
        assert code == 0 and len(out.splitlines()) == 6 and time.monotonic() - t < 3  # readers are not blocked
        t = time.monotonic()
        code, out, err = run(capsys, "intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Fay",
                             "--db", five)
        took = time.monotonic() - t
        assert code == 2 and err.count("\n") == 1 and "locked for 1.5 s" in err, err
        assert 1.4 < took < 5
    finally:
        holder.kill()
        holder.wait(10)
        holder.stdout.close()
    assert run(capsys, "intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Fay", "--db", five)[0] == 0


def test_a_copy_of_a_damaged_database_is_left_as_it_was_by_reads(five, tmp_path, capsys) -> None:
    poke(five, "UPDATE intakes SET answers = 'not json' WHERE id = 3")
    copy = tmp_path / "copy.db"
    shutil.copy(five, copy)
    before = copy.read_bytes()
    for argv in (["list"], ["show", "3"], ["export"]):
        run(capsys, "intakes", *argv, "--db", str(copy))
    assert copy.read_bytes() == before


AUDIT_DAMAGE = {  # the damage; whether the row is unreadable (else read as the generic decoding reads it)
    "UPDATE audit SET at = 'never' WHERE id = (SELECT MIN(id) FROM audit WHERE intake_id = 3)": True,
    "UPDATE audit SET who = CAST(X'FF41' AS TEXT) WHERE id = (SELECT MIN(id) FROM audit WHERE intake_id = 2)": False,
    "UPDATE audit SET item_id = X'3132' WHERE id = (SELECT MAX(id) FROM audit WHERE intake_id = 4)": True,
    "UPDATE audit SET new_value = '\"\\ud800\"' WHERE id = (SELECT MAX(id) FROM audit WHERE intake_id = 1)": True,
    "UPDATE audit SET new_value = '[1,' WHERE id = (SELECT MIN(id) FROM audit WHERE intake_id = 5)": True,
    "UPDATE audit SET at = '2026-01-01T08:00:00+02:00' WHERE id = (SELECT MIN(id) FROM audit WHERE intake_id = 5)":
        False,
    "UPDATE audit SET reason = X'00' WHERE id = (SELECT MAX(id) FROM audit WHERE intake_id = 3)": True,
}


@pytest.mark.parametrize("damage", [None, *AUDIT_DAMAGE])
def test_audit_template_and_generic_export_write_the_same_bytes_and_lines(five, tmp_path, capsys, monkeypatch,
                                                                          damage) -> None:
    """The export's fast ways for audit events (the driver's own UTF-8 decoding, the per-column template) and
    the generic decoding write the same file and name the same damaged rows, whatever the damage."""
    from vettriage.store import db, eventtext

    if damage:
        poke(five, damage)
    got = []
    for fast in (True, False):
        if not fast:
            def no_utf8(self, sql, params=(), batch=2000):
                raise db.NotUtf8
                yield

            monkeypatch.setattr(db.Tx, "raw_utf8", no_utf8)
            monkeypatch.setattr(eventtext.EventText, "event", lambda self, row: None)
        out = tmp_path / f"x{fast}.json"
        code, _, err = run(capsys, "intakes", "export", "-o", str(out), "--db", five)
        got.append((code, err.replace(str(out), "FILE"), out.read_bytes()))
    assert got[0] == got[1]
    assert got[0][0] == 0 and ("audit event" in got[0][1]) == AUDIT_DAMAGE.get(damage, False)
