"""`intakes add` is one transaction (issue 15): a kill, a full disk or a bad `--by` leaves nothing partial; two
adds racing for a new dog name make one dog; an ambiguous name is refused with the ids; `dogs rename`."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vettriage.cli import main
from vettriage.store import open_store
from vettriage.store.db import Tx

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def counts(url: str) -> tuple[int, int, int]:
    """(dogs, intakes, audit events) in the database."""
    s = open_store(url)
    try:
        return s.run(lambda tx: tuple(tx.scalar(f"SELECT COUNT(*) FROM {t}") for t in ("dogs", "intakes", "audit")))
    finally:
        s.close()


def test_add_reports_every_ignored_answer(db_url, tmp_path, capsys) -> None:
    p = tmp_path / "a.yaml"
    p.write_text((EXAMPLES / "healthy-senior.yaml").read_text().replace("rf_seizure_recent: false\n", "")
                 + "rf_seizure_recent: false\nrf_seizure_long: true\nrf_seizure_count: 3\n")
    assert main(["intakes", "add", str(p), "--dog", "Poppy", "--db", db_url]) == 0
    err = capsys.readouterr().err
    ignored = [line for line in err.splitlines() if "answer ignored" in line]
    assert len(ignored) == 2 and "rf_seizure_long" in ignored[0] + ignored[1] and "rf_seizure_count" in err
    s = open_store(db_url)
    try:
        stored = s.get_intake(1).answers
    finally:
        s.close()
    assert "rf_seizure_long" not in stored and stored["rf_seizure_recent"] is False


def test_add_is_one_transaction_when_the_disk_fills(db_url, monkeypatch, capsys) -> None:
    real = Tx.insert_many

    def full(self, table, rows):
        if table == "audit":
            raise OSError(28, "No space left on device")
        return real(self, table, rows)

    monkeypatch.setattr(Tx, "insert_many", full)
    code = main(["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Bella", "--db", db_url])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "No space left" in err
    monkeypatch.setattr(Tx, "insert_many", real)
    assert counts(db_url) == (0, 0, 0)


def test_add_is_one_transaction_when_sqlite_reports_a_full_disk(tmp_path, monkeypatch, capsys) -> None:
    url = str(tmp_path / "full.db")
    real = Tx.insert_many

    def full(self, table, rows):
        if table == "audit":
            raise sqlite3.OperationalError("database or disk is full")
        return real(self, table, rows)

    monkeypatch.setattr(Tx, "insert_many", full)
    code = main(["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Bella", "--db", url])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "disk is full" in err
    monkeypatch.setattr(Tx, "insert_many", real)
    assert counts(url) == (0, 0, 0)


@pytest.mark.parametrize("by", ["x" * 201, "Tina\x07", "Tina\nJones"])
def test_bad_by_is_refused_before_anything_is_written(db_url, by, capsys) -> None:
    code = main(["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Bella", "--by", by, "--db", db_url])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--by" in err
    assert counts(db_url) == (0, 0, 0)


KILLED_ADD = """
import os, sys, time
from vettriage.store.db import Tx
real = Tx.insert_many
def slow(self, table, rows):
    if table == "audit":
        open(sys.argv[1], "w").close()  # the dog and the intake rows are written: now is the worst time
        time.sleep(60)
    return real(self, table, rows)
Tx.insert_many = slow
from vettriage.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_add_killed_mid_transaction_leaves_nothing(db_url, tmp_path) -> None:
    marker = tmp_path / "inside"
    child = subprocess.Popen([sys.executable, "-c", KILLED_ADD, str(marker), "intakes", "add",
                              str(EXAMPLES / "arthritis.yaml"), "--dog", "Bella", "--db", db_url],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(30)
        child.stderr.close()
    assert counts(db_url) == (0, 0, 0)
    assert main(["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Bella", "--db", db_url]) == 0
    assert counts(db_url)[:2] == (1, 1)


def test_two_adds_racing_for_a_new_name_make_one_dog(db_url) -> None:
    names = [f"Racer{k}" for k in range(3)]
    start = time.time() + 2.5  # both children past their imports, then the same moment
    go = ("import sys, time; t = float(sys.argv[1]); time.sleep(max(0, t - time.time())); "
          "from vettriage.cli import main; sys.exit(main(sys.argv[2:]))")
    children = [subprocess.Popen([sys.executable, "-c", go, str(start + 0.5 * k), "intakes", "add",
                                  str(EXAMPLES / "arthritis.yaml"), "--dog", name, "--db", db_url],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                for k, name in enumerate(names) for _ in range(2)]
    for c in children:
        assert c.wait(120) == 0, c.stderr.read().decode()
        c.stderr.close()
    s = open_store(db_url)
    try:
        for name in names:
            dogs = s.dogs_named(name)
            assert len(dogs) == 1, dogs
            assert len(s.dog_history(dogs[0].id)) == 2
    finally:
        s.close()


def test_ambiguous_name_is_refused_with_the_ids_and_rename_resolves_it(db_url, capsys) -> None:
    s = open_store(db_url)
    try:
        first, second = s.add_dog("Bella"), s.add_dog("bella ")
    finally:
        s.close()
    add = ["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "BELLA", "--db", db_url]
    assert main(add) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"ids {first.id}, {second.id}" in err and "dogs rename" in err
    assert counts(db_url) == (2, 0, 0)
    assert main(["dogs", "list", "--db", db_url]) == 0
    assert capsys.readouterr().out.count("name shared") == 2
    assert main(["dogs", "rename", str(second.id), "Bella the second", "--db", db_url]) == 0
    assert "Bella the second" in capsys.readouterr().out
    assert main(add) == 0
    assert f"(dog {first.id})" in capsys.readouterr().out
    assert main(["dogs", "rename", "999", "Nobody", "--db", db_url]) == 2
    assert "no dog 999" in capsys.readouterr().err
    assert main(["dogs", "rename", str(first.id), "  ", "--db", db_url]) == 2
