"""kill -9 in the middle of a scripted intake: every answer whose save returned is there on resume; the one
in flight is either wholly there (with its audit event) or wholly absent. Then: concurrent writers lose
nothing and never show "database is locked"."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.store.conftest import pg_connect
from vettriage.store import open_store

WORKER = str(Path(__file__).with_name("worker.py"))
KILLS = int(os.environ.get("VETTRIAGE_KILLS", "30"))
# 1,000 intakes in all, written by two processes at once (raise it with VETTRIAGE_WRITES, per process).
WRITES = int(os.environ.get("VETTRIAGE_WRITES", "500"))
MISSING = object()


def _spawn(*args: str, stdin: int | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, WORKER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=stdin, text=True)


def _parse(lines: list[str]) -> tuple[list[tuple[str, object]], tuple[str, object] | None]:
    """Acknowledged saves in order, and the save in flight when the process died (if any)."""
    acked, pending = [], None
    for line in lines:
        if not line.endswith("\n"):
            break  # torn by the kill mid-write: the save it announces had not started
        if line.startswith("T "):
            _, item, value = line.rstrip("\n").split(" ", 2)
            pending = (item, json.loads(value))
        elif line.startswith("A") and pending is not None:
            acked.append(pending)
            pending = None
    return acked, pending


def _backends(db_url: str) -> set[int] | None:
    """PostgreSQL's client backends other than this query's own (None on SQLite)."""
    if not db_url.startswith("postgresql"):
        return None
    with pg_connect(db_url) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' "
                            "AND pid <> pg_backend_pid()").fetchall()
    return {r[0] for r in rows}


def _wait_for_dead_client(db_url: str, before: set[int] | None) -> None:
    """A COMMIT the killed client had already sent is still carried out by its server process, which may finish
    after the kill: read the store only once that process is gone, or a save in flight could land after it."""
    if before is None:
        return
    deadline = time.monotonic() + 10
    while (_backends(db_url) or set()) - before and time.monotonic() < deadline:
        time.sleep(0.01)


def test_kill_9_never_loses_an_acknowledged_answer(db_url):
    rng = random.Random(20261122)
    store = open_store(db_url)
    dog = store.add_dog("Crash")
    intake_id = store.create_intake(dog.id, by="owner", mode="owner", content_version="v", content_hash="h").id
    store.close()
    model: dict[str, object] = {}
    total_acked = 0
    for run in range(KILLS):
        others = _backends(db_url)
        child = _spawn("crash", db_url, str(intake_id), str(rng.randrange(10**9)))
        assert child.stdout is not None
        ready = child.stdout.readline()
        assert ready.strip() == "ready", child.stderr.read() if child.stderr else ready
        time.sleep(rng.uniform(0.0, 0.06))
        os.kill(child.pid, signal.SIGKILL)
        rest = child.stdout.readlines()
        child.wait()
        assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
        _wait_for_dead_client(db_url, others)
        acked, pending = _parse(rest)
        for item, value in acked:
            if value is None:
                model.pop(item, None)
            else:
                model[item] = value
        total_acked += len(acked)

        store = open_store(db_url)
        got = store.get_intake(intake_id)
        trail = store.audit(intake_id)
        store.close()
        answers = dict(got.answers)
        if pending is not None:  # in flight: either committed whole or not at all
            item, value = pending
            stored = answers.get(item, MISSING)
            before = model.get(item, MISSING)
            assert stored in (before, MISSING if value is None else value), (run, item, stored)
            if stored is MISSING:
                model.pop(item, None)
            else:
                model[item] = stored
        assert answers == model, f"kill {run}: stored answers differ from every acknowledged save"
        last = {}
        for e in trail:
            last[e.item_id] = e.new_value
        assert {k: v for k, v in last.items() if v is not None} == answers, "audit and answers disagree"
    assert total_acked > KILLS  # the kills really landed among saves, not before the first one


def test_two_writers_lose_nothing_and_never_see_locked(db_url):
    open_store(db_url).close()  # created first; a second test below races creation itself
    children = [_spawn("write", db_url, str(WRITES), tag, stdin=subprocess.PIPE) for tag in ("left", "right")]
    for c in children:
        assert c.stdout is not None and c.stdout.readline().strip() == "ready"
    for c in children:  # both start together
        assert c.stdin is not None
        c.stdin.write("go\n")
        c.stdin.flush()
    outs = [c.communicate(timeout=600) for c in children]
    for c, (out, err) in zip(children, outs):
        assert "locked" not in err.lower() and "busy" not in err.lower(), err
        assert c.returncode == 0, err
        assert out.strip().endswith(f"done {WRITES}")
    store = open_store(db_url)
    try:
        rows = store.list_intakes(limit=10 * WRITES)
        assert len(rows) == 2 * WRITES
        for tag in ("left", "right"):
            names = sorted(r.dog_name for r in rows if r.dog_name.startswith(tag + "-"))
            assert names == sorted(f"{tag}-{k}" for k in range(WRITES))
        assert {r.status for r in rows} == {"completed"}
        sample = store.get_intake(rows[len(rows) // 2].id)
        assert sample.answers["b"] == sample.dog.name.split("-")[0]
        assert sample.answers["a"] == int(sample.dog.name.split("-")[1])
    finally:
        store.close()


def test_two_processes_create_a_new_database_at_once(db_url):
    children = [_spawn("write", db_url, "20", tag, stdin=subprocess.PIPE) for tag in ("a", "b")]
    outs = []
    for c in children:
        outs.append(c.communicate("go\n", timeout=120))
    for c, (out, err) in zip(children, outs):
        assert c.returncode == 0, err
    store = open_store(db_url)
    try:
        assert len(store.list_intakes()) == 40
    finally:
        store.close()
