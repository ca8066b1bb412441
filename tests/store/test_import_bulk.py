"""The at-once import's bulk-load shortcuts (issue 30's import target): the workers' own JSON decoder, which lets
the whole-number check be skipped, and the intakes' and audit trail's indexes built after their rows, in the
import's own transaction, so that a refusal or a kill -9 leaves them as they were."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.store.test_transfer_scale import N, _export, _fill, _workers
from vettriage import jsonread
from vettriage.errors import InputError
from vettriage.store import import_workers, open_store
from vettriage.store.db import Tx
from vettriage.store.transfer import import_file
from vettriage.textcheck import _BIG_INT, json_checked

ROOT = Path(__file__).resolve().parents[2]


def _indexes(path: str) -> list[tuple[str, str, str]]:
    con = sqlite3.connect(path)
    try:
        return sorted(con.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'"))
    finally:
        con.close()


def test_the_workers_decoder_takes_what_the_strict_decoder_takes_or_gives_up():
    """Every value the workers' decoder returns is jsonread's; what jsonread refuses, it refuses too."""
    rng = random.Random(32)
    pieces = ['"a"', '"b"', "1", "-0", "1.5", "1e5", "1e999", "-1e-400", "12345678901234567", "123456789012345678",
              "1234567890123456789", "0.000123456789012345", "NaN", "true", "null", '"\\ud800"', "[]", "{}"]

    def value(depth: int) -> str:
        kind = rng.randrange(4 if depth < 4 else 1)
        if kind == 0:
            return rng.choice(pieces)
        if kind == 1:
            return "[" + ",".join(value(depth + 1) for _ in range(rng.randrange(4))) + "]"
        keys = [rng.choice('abc') for _ in range(rng.randrange(4))]  # sometimes a key twice
        return "{" + ",".join(f'"{k}":{value(depth + 1)}' for k in keys) + "}"

    took = gave_up = 0
    for _ in range(20_000):
        text = value(0)
        try:
            want = jsonread.DECODER.decode(text)
        except ValueError:
            want = ValueError
        got = import_workers.canonical(text)
        if got is None and text != "null":
            gave_up += 1
            continue
        took += 1
        assert want is not ValueError and json.dumps(got) == json.dumps(want), text
    assert took > 1000 and gave_up > 1000  # both ways were taken
    assert import_workers.canonical('{"a":1,"a":1}') is None
    assert import_workers.canonical("1" * 18) == int("1" * 18) and import_workers.canonical("1" * 19) is None


def test_a_number_the_workers_read_never_writes_twenty_digits_in_a_row():
    """Why the whole-number check may be skipped for what the workers read: no number literal shorter than
    SHORT_NUMBER characters is written back (json.dumps: an int's digits, a float's repr) with 20 digits in a
    row. Floats just above 1e-4, with every digit a float can hold, come closest."""
    rng = random.Random(30)
    short = import_workers.SHORT_NUMBER
    seen = 0
    for _ in range(200_000):
        digits = rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(rng.randrange(18)))
        literal = rng.choice([
            digits, "-" + digits, f"0.000{digits}", f"{digits[:1]}.{digits[1:] or '0'}e-{rng.randrange(1, 6)}",
            f"{digits[:1]}.{digits[1:] or '0'}e{rng.randrange(0, 30)}", f"0.{digits}", f"{digits}.5"])
        if len(literal) >= short:
            continue
        seen += 1
        value = import_workers.canonical(literal)
        assert value is not None, literal
        assert not _BIG_INT.search(json.dumps([value])), literal
    assert seen > 50_000
    assert _BIG_INT.search(json.dumps(float("1.2345678901234567e-4")))  # 21 characters: given up on


def test_json_checked_skips_only_the_whole_number_search():
    big = {"a": [10 ** 20]}
    assert json_checked(big)[1] == "holds a whole number too large to be an answer"
    assert json_checked(big, short_numbers=True)[1] is None  # the caller vouched for it: not searched
    assert json_checked({"a": "\ud800"}, short_numbers=True)[1] == "holds text that is not valid Unicode (a lone " \
                                                                   "surrogate)"
    deep = json.loads("[" * 40 + "]" * 40)
    assert json_checked(deep, short_numbers=True)[1] == "nests values more than 32 deep"


def test_an_at_once_import_builds_the_indexes_the_schema_makes(tmp_path, monkeypatch):
    source = str(tmp_path / "source.db")
    _fill(source)
    path = _export(source, tmp_path / "e.json")
    _workers(monkeypatch)
    fresh, target = str(tmp_path / "fresh.db"), str(tmp_path / "target.db")
    open_store(fresh).close()
    indexed: list[list[str]] = []
    real = Tx.executemany

    def spy(self, sql, rows):
        if "INSERT INTO audit" in sql:  # what the import's own transaction sees while it writes
            indexed.append([r[0] for r in self._con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('audit', 'intakes')")])
        return real(self, sql, rows)

    monkeypatch.setattr(Tx, "executemany", spy)
    s = open_store(target)
    try:
        assert import_file(s, path, {"v"}) == (len(_rows(source, "dogs")), len(_rows(source, "intakes")))
    finally:
        s.close()
    assert len(indexed) > 1 and not any(indexed)  # no index on either table to keep in order while rows went in
    assert _indexes(target) == _indexes(fresh)
    assert _rows(target, "audit") == _rows(source, "audit")
    with sqlite3.connect(target) as con:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def _rows(path: str, table: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
    finally:
        con.close()


def test_a_refused_at_once_import_leaves_the_indexes(tmp_path, monkeypatch):
    source = str(tmp_path / "source.db")
    _fill(source)
    path = _export(source, tmp_path / "e.json")
    text = path.read_text(encoding="utf-8").replace('{"id":1400,"dog_id"', '{"id":1400,"dog_id":"x","y"', 1)
    path.write_text(text, encoding="utf-8")
    _workers(monkeypatch)
    target = str(tmp_path / "target.db")
    open_store(target).close()
    before = _indexes(target)
    s = open_store(target)
    try:
        with pytest.raises(InputError):
            import_file(s, path, {"v"})
    finally:
        s.close()
    assert _indexes(target) == before


KILLED = r"""
import sys, time
from vettriage.store import import_workers, open_store, transfer
from vettriage.store.db import Tx
import_workers.MIN_BYTES, import_workers.BATCH = 0, 50
import_workers.workers = lambda: 2
real = Tx.executemany
pauses = [float(p) for p in sys.argv[3].split(",")]
def slow(self, sql, rows):
    real(self, sql, rows)
    if "INSERT INTO audit" in sql:
        print("written", self._con.execute("PRAGMA journal_mode").fetchone()[0], flush=True)
        time.sleep(pauses.pop(0) if pauses else 0)
Tx.executemany = slow
s = open_store(sys.argv[1])
print("imported", *transfer.import_file(s, sys.argv[2], {"v"}), flush=True)
s.close()
"""


def _importing(tmp_path: Path, pauses: str) -> tuple[subprocess.Popen, str]:
    """A child process importing into a new store (at once, 2 workers), saying when it has written each batch of
    audit rows, and pausing after the first ones (`pauses`: seconds, by commas)."""
    source = str(tmp_path / "source.db")
    _fill(source)
    path = _export(source, tmp_path / "e.json")
    target = str(tmp_path / "target.db")
    open_store(target).close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", KILLED, target, str(path), pauses], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    return child, target


def _wait_for(child: subprocess.Popen, want: str) -> None:
    line = child.stdout.readline()
    assert line == want, (line, child.stderr.read() if line == "" else "")


def test_kill_9_during_an_at_once_import_leaves_the_store_as_it_was(tmp_path):
    """Killed after some batches were written (the indexes dropped): the next opening finds the store as it was,
    indexes included, and intact."""
    child, target = _importing(tmp_path, "0.2,0.2,0.2,30")
    before = _indexes(target)
    try:
        for _ in range(3):  # three batches in: rows written, indexes gone, in the open transaction
            _wait_for(child, "written wal\n")
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    s = open_store(target)
    try:
        s.check_integrity()
        assert s.run(lambda tx: tx.scalar("SELECT COUNT(*) FROM intakes")) == 0
        assert s.run(lambda tx: tx.scalar("SELECT COUNT(*) FROM audit")) == 0
    finally:
        s.close()
    assert _indexes(target) == before


def test_a_trails_times_checked_at_once_are_checked_as_one_by_one(monkeypatch):
    """_check_events matches every time of a trail with one call of the pattern: the stored texts, and the
    refusal (field and message), are what the time-by-time match gives, times with newlines, other offsets,
    early years and days that do not exist included."""
    from vettriage.store import validate

    good, frac = "2026-06-28T16:36:15+00:00", "2026-06-28T16:36:15.123456+00:00"
    odd = [good + "\n" + good, good[:-1] + "\n", "\n" + good[1:], frac[:25] + "\n" + frac[26:], good + "\n",
           "2026-02-30T10:00:00+00:00", "0999-01-01T00:00:00+00:00", "2026-06-28T16:36:15+02:00",
           "2026-06-28T16:36:15", "２026-06-28T16:36:15+00:00", 7, None]
    rng = random.Random(32)

    def event(at):
        return {"item_id": "q", "old_value": None, "new_value": 1, "who": "owner", "at": at, "reason": None}

    def outcome(trail):
        try:
            return validate._check_events([event(at) for at in trail], "w", validate._Memo())
        except validate._Bad as exc:
            return exc.field, str(exc)

    trails = [[good, frac] * 3] + [[good, frac, bad, good] for bad in odd]
    trails += [[rng.choice([good, frac, *odd]) for _ in range(rng.randrange(1, 6))] for _ in range(300)]
    at_once = [outcome(t) for t in trails]
    monkeypatch.setattr(validate, "_OUR_ATS", lambda text: None)  # every time matched on its own
    assert at_once == [outcome(t) for t in trails]
    assert at_once[0] == [good[:10] + " " + good[11:19] + ".000000", "2026-06-28 16:36:15.123456"] * 3
