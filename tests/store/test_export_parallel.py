"""The parallel export (store/export_workers.py): the same bytes and the same damaged-row report as one process,
whatever the ranges; a failing, dying or silent worker fails the export with one line, leaves no part file and
releases the write lock; a writer that comes while the snapshots are pinned waits, then succeeds, and is not in
the export."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vettriage.cli import main
from vettriage.store import StoreError, open_store
from vettriage.store import export_workers, transfer
from vettriage.store.db import Tx
from vettriage.store.transfer import write_export

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")

N = 41
DOGS = 7


@pytest.fixture(autouse=True)
def small_pages(monkeypatch) -> None:
    """Pages of 4 intakes and no size threshold, so that a store of 41 intakes has many pages and ranges."""
    monkeypatch.setattr(transfer, "PAGE", 4)
    monkeypatch.setattr(export_workers, "MIN_INTAKES", 0)


def fill(url: str, n: int = N, dogs: int = DOGS) -> None:
    """n intakes over `dogs` dogs (consecutive intakes of different dogs, so every range boundary falls
    between intakes of one dog), varied answers, assessments and audit trails, non-ASCII text included."""
    s = open_store(url)
    t0 = dt.datetime(2026, 1, 1, 8, tzinfo=dt.timezone.utc)

    def tx(tx: Tx) -> None:
        tx.insert_many("dogs", [dict(name=f"Dög {d}", name_key=f"dög {d}", created_at=t0 + dt.timedelta(days=d),
                                     chart=f"C{d}") for d in range(1, dogs + 1)])
        for i in range(1, n + 1):
            answers = {f"q{k}": [k, "é", {"x": i}] if k == 2 else (i * k) % 5 for k in range(i % 6 + 1)}
            done = i % 3 != 0
            tx.insert("intakes", dict(
                id=i, dog_id=1 + i % dogs, by="owner" if i % 2 else "Sam", mode="owner", status=
                "completed" if done else "in_progress", urgency="soon" if done else None, emergency=i % 7 == 0,
                created_at=t0 + dt.timedelta(hours=i), updated_at=t0 + dt.timedelta(hours=i, microseconds=i % 2),
                content_version="v", content_hash="h", answers=answers, position=None,
                assessment={"urgency": "soon", "n": i / 3} if done else None))
            tx.insert_many("audit", [dict(intake_id=i, item_id=k, old_value=None if j % 2 else "old",
                                          new_value=v, who="owner", at=t0 + dt.timedelta(seconds=i * 60 + j),
                                          reason="fixed ✓" if j == 1 else None)
                                     for j, (k, v) in enumerate(answers.items())])

    s.run(tx, write=True)
    s.close()


def poke(url: str, sql: str) -> None:
    con = sqlite3.connect(url)
    con.execute(sql)
    con.commit()
    con.close()


def export(url: str, path: Path, jobs: int | None = 1, split=None) -> tuple[bytes, list, dict]:
    s = open_store(url)
    stats: dict = {}
    try:
        with open(path, "w", encoding="utf-8", newline="") as f:
            if split is None:
                dogs, intakes, damaged = write_export(s, f, jobs=jobs, parts_dir=str(path.parent), stats=stats)
            else:
                done = export_workers.write_parallel(s, f, str(path.parent), jobs, stats, split=split)
                assert done is not None
                dogs, intakes, damaged = done
    finally:
        s.close()
    data = path.read_bytes()
    assert data.count(b"\n{") == dogs + intakes
    return data, damaged, stats


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".vettriage-export-part-"))


@pytest.fixture
def store(tmp_path) -> str:
    url = str(tmp_path / "store.db")
    fill(url)
    return url


@pytest.mark.parametrize("jobs", [2, 3, 5])
def test_parallel_export_is_byte_identical_to_one_process(store, tmp_path, jobs) -> None:
    one, none, _ = export(store, tmp_path / "one.json", jobs=1)
    many, damaged, stats = export(store, tmp_path / "many.json", jobs=jobs)
    assert stats["workers"] == jobs and stats["lock_held_s"] >= 0
    assert many == one and damaged == none == []
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("split", [
    [(0, 1), (1, 2), (2, None)],                  # a range of one intake, then the rest
    [(0, 10), (10, 10), (10, 30), (30, None)],    # an empty range in the middle
    [(0, 20), (20, 1000), (1000, None)],          # the last ranges past the last id: empty
    [(0, 13), (13, None)],                        # boundaries not at a page start
])
def test_any_ranges_give_the_same_bytes(store, tmp_path, split) -> None:
    one, _, _ = export(store, tmp_path / "one.json")
    assert export(store, tmp_path / "many.json", 2, split)[0] == one


def test_a_store_with_no_intakes(tmp_path) -> None:
    url = str(tmp_path / "dogs.db")
    fill(url, n=0)
    one, _, _ = export(url, tmp_path / "one.json")
    assert b'"intakes":[\n]}\n' in one
    assert export(url, tmp_path / "many.json", 2, [(0, 5), (5, None)])[0] == one
    assert export(url, tmp_path / "first.json", 2, [(0, 5), (5, None)])[0] == one


def test_damaged_rows_in_several_ranges_are_left_out_and_listed_as_one_process_does(store, tmp_path) -> None:
    poke(store, "UPDATE intakes SET created_at = 'yesterday-ish' WHERE id = 2")
    poke(store, "UPDATE intakes SET answers = '{\"q0\": tr' WHERE id = 17")
    poke(store, "UPDATE audit SET at = 'never' WHERE id = (SELECT MIN(id) FROM audit WHERE intake_id = 24)")
    poke(store, "UPDATE audit SET who = CAST(X'FF41' AS TEXT) WHERE id = (SELECT MIN(id) FROM audit "
                "WHERE intake_id = 32)")
    poke(store, "UPDATE dogs SET birth_date = '2020-13-45' WHERE id = 3")  # its intakes 2, 9, 16, ... in every range
    one, damaged, _ = export(store, tmp_path / "one.json")
    assert len(damaged) > 6 and any(d.what == "audit event" for d in damaged)
    for jobs in (2, 3, 4):
        many, found, stats = export(store, tmp_path / "many.json", jobs=jobs)
        assert stats["workers"] == jobs
        assert many == one and found == damaged  # the same rows, in the same order
    many, found, _ = export(store, tmp_path / "odd.json", 2, [(0, 5), (5, 5), (5, 29), (29, None)])
    assert many == one and sorted(map(str, found)) == sorted(map(str, damaged))


def test_postgresql_exports_in_one_process_and_gives_the_same_bytes(pg_db_url, tmp_path) -> None:
    fill(pg_db_url)
    one, _, _ = export(pg_db_url, tmp_path / "one.json")
    many, _, stats = export(pg_db_url, tmp_path / "many.json", jobs=2)
    assert many == one and stats == {}


def _raises(*_args, **_kwargs):
    raise RuntimeError("disk on fire")


def _killed(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("failure, said", [(_raises, "RuntimeError: disk on fire"),
                                           (_killed, "stopped unexpectedly")])
def test_a_failing_worker_fails_the_export_in_one_line_and_leaves_nothing(store, tmp_path, capsys, monkeypatch,
                                                                         failure, said) -> None:
    monkeypatch.setattr(export_workers, "write_range", failure)  # the forked workers inherit it
    target = tmp_path / "out" / "export.json"
    target.parent.mkdir()
    code = main(["intakes", "export", "-o", str(target), "--jobs", "2", "--db", store])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and said in err and "Traceback" not in err, err
    assert list(target.parent.iterdir()) == [] and multiprocessing.active_children() == []
    s = open_store(store)  # and the store is as it was, writable at once
    try:
        s.add_dog("After")
    finally:
        s.close()


def _dies_at_pin(pipe, dialect, after, upto, part) -> None:
    if after != 0:
        pipe.send(("ready",))
        pipe.recv()
        os._exit(3)  # the second worker dies while the write lock is held
    export_workers._real_worker(pipe, dialect, after, upto, part)


def _silent_at_pin(pipe, dialect, after, upto, part) -> None:
    if after != 0:
        pipe.send(("ready",))
        pipe.recv()
        time.sleep(60)  # never pins
    export_workers._real_worker(pipe, dialect, after, upto, part)


@pytest.mark.parametrize("worker, said", [(_dies_at_pin, "stopped unexpectedly (exit code 3)"),
                                          (_silent_at_pin, "did not answer")])
def test_the_write_lock_is_released_when_a_worker_fails_while_it_is_held(store, tmp_path, monkeypatch, worker,
                                                                        said) -> None:
    monkeypatch.setattr(export_workers, "_real_worker", export_workers._worker, raising=False)
    monkeypatch.setattr(export_workers, "_worker", worker)
    monkeypatch.setattr(export_workers, "PIN_WAIT_S", 0.5)
    with pytest.raises(StoreError) as exc:
        export(store, tmp_path / "many.json", jobs=2)
    assert said in str(exc.value) and "nothing was written" in str(exc.value)
    assert leftovers(tmp_path) == [] and multiprocessing.active_children() == []
    con = sqlite3.connect(store, timeout=0)  # no wait at all: the lock must be free now
    con.execute("BEGIN IMMEDIATE")
    con.execute("ROLLBACK")
    con.close()


def test_ctrl_c_removes_the_parts_and_stops_the_workers(store, tmp_path, monkeypatch) -> None:
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(export_workers, "_append", interrupted)
    with pytest.raises(KeyboardInterrupt):
        export(store, tmp_path / "many.json", jobs=3)
    assert leftovers(tmp_path) == [] and multiprocessing.active_children() == []


WRITER = """
import sys
from vettriage.store import open_store
s = open_store(sys.argv[1])
s.add_dog("Late comer")
s.close()
print("written", flush=True)
"""


def test_a_writer_during_the_pinning_waits_then_succeeds_and_is_not_in_the_export(store, tmp_path,
                                                                                  monkeypatch) -> None:
    one, _, _ = export(store, tmp_path / "one.json")

    def writer_first(pipe, dialect, after, upto, part) -> None:
        class Pipe:  # on "pin" (the lock is held), start a writer and give it time to queue for the lock
            def send(self, msg):
                pipe.send(msg)

            def recv(self):
                msg = pipe.recv()
                if msg[0] == "pin" and after == 0:
                    with open(tmp_path / "writer.out", "w") as out:
                        subprocess.Popen([sys.executable, "-c", WRITER, store], stdout=out,
                                         env=dict(os.environ, PYTHONPATH=str(Path(__file__).parents[2])))
                    time.sleep(1.0)
                return msg

            def close(self):
                pipe.close()

        export_workers._real_worker(Pipe(), dialect, after, upto, part)

    monkeypatch.setattr(export_workers, "_real_worker", export_workers._worker, raising=False)
    monkeypatch.setattr(export_workers, "_worker", writer_first)
    monkeypatch.setattr(export_workers, "PIN_WAIT_S", 30)
    many, _, stats = export(store, tmp_path / "many.json", jobs=2)
    assert many == one and b"Late comer" not in many  # every worker read the state before the writer's commit
    for _ in range(600):  # the writer, in its own process, commits once the lock is released
        if (tmp_path / "writer.out").read_text() == "written\n":
            break
        time.sleep(0.05)
    s = open_store(store)
    try:
        assert [d.name for d in s.find_dogs("Late comer")] == ["Late comer"]
    finally:
        s.close()


def test_the_command_says_how_it_went_and_refuses_zero_jobs(store, tmp_path, capsys) -> None:
    one, many = tmp_path / "one.json", tmp_path / "many.json"
    assert main(["intakes", "export", "-o", str(one), "--jobs", "1", "--db", store]) == 0
    assert "workers" not in capsys.readouterr().err
    assert main(["intakes", "export", "-o", str(many), "--jobs", "2", "--db", store]) == 0
    err = capsys.readouterr().err
    assert "by 2 workers (peak memory " in err and "writes waited" in err and one.read_bytes() == many.read_bytes()
    assert main(["intakes", "export", "-o", str(many), "--jobs", "0", "--db", store]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--jobs" in err


def test_a_write_lock_held_elsewhere_makes_it_one_process_not_a_failure(store, tmp_path, monkeypatch) -> None:
    one, _, _ = export(store, tmp_path / "one.json")
    monkeypatch.setattr(export_workers, "LOCK_TRY_S", 0.2)
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        many, _, stats = export(store, tmp_path / "many.json", jobs=2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert many == one and stats == {}  # written by one process
    assert leftovers(tmp_path) == [] and multiprocessing.active_children() == []


def test_the_command_to_a_pipe_and_to_a_file_on_stdout(tmp_path) -> None:
    url = str(tmp_path / "big.db")
    fill(url, n=1001)  # two pages of 500 (the subprocess has the real page size): workers asked for are used
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[2]))
    cmd = [sys.executable, "-P", "-m", "vettriage", "intakes", "export", "--db", url]
    one = subprocess.run(cmd + ["--jobs", "1"], capture_output=True, env=env, timeout=120)
    piped = subprocess.run(cmd + ["--jobs", "2"], capture_output=True, env=env, timeout=120)
    with open(tmp_path / "stdout.json", "wb") as f:
        to_file = subprocess.run(cmd + ["--jobs", "2"], stdout=f, stderr=subprocess.PIPE, env=env, timeout=120)
    assert one.returncode == piped.returncode == to_file.returncode == 0, piped.stderr
    assert one.stdout.count(b"\n{") == 1001 + DOGS
    assert piped.stdout == one.stdout == (tmp_path / "stdout.json").read_bytes()
    assert leftovers(tmp_path) == []
    target = tmp_path / "out.json"
    done = subprocess.run(cmd + ["--jobs", "2", "-o", str(target)], capture_output=True, env=env, timeout=120)
    assert b"by 2 workers" in done.stderr and target.read_bytes() == one.stdout
