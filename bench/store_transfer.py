"""`intakes export` and `intakes import` at scale, as the user runs them, against bare-library floors.

Used by bench/store.py (`--transfer-only` runs just this). The fixture store holds N intakes over N // 5 dogs with
the real answers of the example files (rotated), their real Assessments, re-screen dates and one audit event per
answer, as `intakes add` and the terminal app store them. It is written once through the store's own batch
path (Tx.executemany, one transaction) and kept in the system's temp folder for the next runs (its name says
the catalogue and the size). Each figure is a fresh process: wall time, CPU time (user + system) and peak RSS,
the real command and its floor interleaved run by run.

Floors, each a bare Python process (sqlite3 and json only) doing the same job:
- export: read the same rows (dogs; intakes a page at a time with their audit events), decode the JSON columns
  and timestamps, write the same records as compact JSON with json.dumps (the C encoder) to a file;
- import: read the file the command wrote, record by record (json's raw_decode on a streamed buffer), and
  executemany-insert the same rows, timestamps and JSON encoded as the store keeps them, in one transaction,
  into an empty database with the same tables and indexes (WAL, synchronous=FULL, foreign keys on, as the
  store). No checks: what the command adds on top is its checking (every field, the answers against the
  catalogue, each Assessment derived again) and its guarantees.
- import, overlapped: the same rows and transaction, in the command's own shape since issue 31: one forked
  worker per core parses and encodes batches of 100 record lines (json.loads, our compact layout), while the
  parent inserts the batches already done, a few ahead, in order. CPU is the process's and its workers'.

`--varied` (bench/store.py) takes a fixture where every intake's answers differ (the dog's name, a free-text
answer, carries the intake's number): the import's remembered checks (an answers mapping, an Assessment derived
again) then miss for every intake, as at a real clinic; the default fixture repeats the nine examples' answers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_VERSION = 1  # bump when the fixture's shape changes: a cached store of another shape is not reused

EXPORT_FLOOR = r'''
import datetime as dt, json, sqlite3, sys
db, out = sys.argv[1], sys.argv[2]
con = sqlite3.connect(db)
UTC = dt.timezone.utc
def ts(v): return None if v is None else dt.datetime.fromisoformat(v).replace(tzinfo=UTC).isoformat()
def js(v): return json.loads(v) if isinstance(v, str) else v  # a JSON column has NUMERIC affinity
enc = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
DOG = ("id", "name", "breed_or_size", "birth_date", "age_years", "sex", "owner_name", "owner_contact",
       "created_at", "chart", "owner_phone")
INT = ("id", "dog_id", "by", "mode", "status", "urgency", "emergency", "created_at", "updated_at",
       "content_version", "content_hash", "position", "answers", "assessment", "rescreen_due", "rescreen_reason")
AUD = ("item_id", "old_value", "new_value", "who", "at", "reason")
with open(out, "w", encoding="utf-8") as f:
    f.write('{"format":"vettriage-export","format_version":1,\n"dogs":[')
    n = 0
    for row in con.execute("SELECT " + ", ".join(DOG) + " FROM dogs ORDER BY id"):
        d = dict(zip(DOG, row))
        d["created_at"] = ts(d["created_at"])
        f.write(("," if n else "") + "\n" + enc(d))
        n += 1
    f.write('\n],\n"intakes":[')
    last, n = 0, 0
    cols = ", ".join('"%s"' % c for c in INT)
    while True:
        page = con.execute(f"SELECT {cols} FROM intakes WHERE id > ? ORDER BY id LIMIT 500", (last,)).fetchall()
        if not page:
            break
        ids = [r[0] for r in page]
        last = ids[-1]
        trail = {}
        for ev in con.execute("SELECT intake_id, " + ", ".join(AUD) + " FROM audit WHERE intake_id IN (" +
                              ", ".join("?" * len(ids)) + ") ORDER BY id", ids):
            trail.setdefault(ev[0], []).append({"item_id": ev[1], "old_value": js(ev[2]), "new_value": js(ev[3]),
                                                "who": ev[4], "at": ts(ev[5]), "reason": ev[6]})
        for r in page:
            rec = dict(zip(INT, r))
            rec["emergency"] = bool(rec["emergency"])
            rec["created_at"], rec["updated_at"] = ts(rec["created_at"]), ts(rec["updated_at"])
            rec["answers"], rec["assessment"] = js(rec["answers"]), js(rec["assessment"])
            rec["audit"] = trail.get(r[0], [])
            f.write(("," if n else "") + "\n" + enc(rec))
            n += 1
    f.write("\n]}\n")
'''

# What both import floors share: the rows as the store keeps them, the inserts, the connection as the store opens
# it. Each floor is this text followed by its own loop (a script of its own, run with `python -c`).
IMPORT_COMMON = r'''
import datetime as dt, json, sqlite3, sys
path, db = sys.argv[1], sys.argv[2]
UTC = dt.timezone.utc
def ts(v): return dt.datetime.fromisoformat(v).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
def js(v): return None if v is None else json.dumps(v)
DOG = ("id", "name", "breed_or_size", "birth_date", "age_years", "sex", "owner_name", "owner_contact",
       "created_at", "chart", "owner_phone")
INT = ("id", "dog_id", "by", "mode", "status", "urgency", "emergency", "created_at", "updated_at",
       "content_version", "content_hash", "position", "answers", "assessment", "rescreen_due", "rescreen_reason")
AUD = ("intake_id", "item_id", "old_value", "new_value", "who", "at", "reason")
ins = {t: f"INSERT INTO {t} (" + ", ".join('"%s"' % c for c in cols) + ") VALUES (" + ", ".join("?" * len(cols)) + ")"
       for t, cols in (("dogs", DOG + ("name_key",)), ("intakes", INT), ("audit", AUD))}
def dog_row(rec):
    rec["created_at"] = ts(rec["created_at"])
    return tuple(rec[c] for c in DOG) + (rec["name"].casefold(),)
def intake_rows(rec):  # the intake's row and its audit events' rows
    rec["created_at"], rec["updated_at"] = ts(rec["created_at"]), ts(rec["updated_at"])
    rec["emergency"] = int(rec["emergency"])
    rec["answers"], rec["assessment"] = js(rec["answers"]), js(rec["assessment"])
    return tuple(rec[c] for c in INT), [(rec["id"], e["item_id"], js(e["old_value"]), js(e["new_value"]), e["who"],
                                         ts(e["at"]), e["reason"]) for e in rec["audit"]]
def connect():
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL"); con.execute("PRAGMA synchronous=FULL"); con.execute("PRAGMA foreign_keys=ON")
    return con
'''

IMPORT_FLOOR = IMPORT_COMMON + r'''
con = connect()
dec = json.JSONDecoder()
def records(f):
    buf, pos = "", 0
    def more():
        nonlocal buf, pos
        chunk = f.read(1 << 16)
        buf, pos = buf[pos:] + chunk, 0
        return bool(chunk)
    key = None
    more()
    pos = buf.index("{") + 1  # the document's own brace; every later "{" starts a record
    while True:
        while True:
            while pos < len(buf) and buf[pos] in ' \t\r\n,:[]}':
                pos += 1
            if pos < len(buf) or not more():
                break
        if pos >= len(buf):
            return
        while True:
            try:
                obj, end = dec.raw_decode(buf, pos)
                if end == len(buf) and more():
                    continue
                break
            except json.JSONDecodeError:
                if not more():
                    raise
        pos = end
        if isinstance(obj, str) and buf[pos:pos + 64].lstrip(" \t\r\n").startswith(":"):
            key = obj
        elif isinstance(obj, dict):
            yield key, obj
rows = {"dogs": [], "intakes": [], "audit": []}
def flush():
    for t in ("dogs", "intakes", "audit"):
        if rows[t]:
            con.executemany(ins[t], rows[t]); rows[t].clear()
con.execute("BEGIN IMMEDIATE")
with open(path, encoding="utf-8") as f:
    for key, rec in records(f):
        if key == "dogs":
            rows["dogs"].append(dog_row(rec))
        elif key == "intakes":
            intake, audit = intake_rows(rec)
            rows["intakes"].append(intake)
            rows["audit"] += audit
            if len(rows["intakes"]) >= 500:
                flush()
flush()
con.execute("COMMIT")
'''

IMPORT_FLOOR_OVERLAPPED = IMPORT_COMMON + r'''
import multiprocessing, os
from concurrent.futures import ProcessPoolExecutor
def rows(lines):
    intakes, audit = [], []
    for line in lines:
        intake, events = intake_rows(json.loads(line))
        intakes.append(intake)
        audit += events
    return intakes, audit
def batches(f):
    batch = []
    for line in f:
        if line.startswith("]"):
            break
        batch.append(line.rstrip("\n").rstrip(","))
        if len(batch) == 100:
            yield batch
            batch = []
    if batch:
        yield batch
def ordered(pool, items, ahead=4):  # a few batches ahead, in order: memory stays flat
    from collections import deque
    pending = deque()
    for item in items:
        pending.append(pool.submit(rows, item))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
if __name__ == "__main__":
    con = connect()
    con.execute("BEGIN IMMEDIATE")
    with open(path, encoding="utf-8") as f:
        f.readline(); f.readline()
        dogs = []
        for line in f:
            if line.startswith("]"):
                break
            dogs.append(dog_row(json.loads(line.rstrip("\n").rstrip(","))))
            if len(dogs) == 500:
                con.executemany(ins["dogs"], dogs); dogs = []
        con.executemany(ins["dogs"], dogs)
        f.readline()
        with ProcessPoolExecutor(len(os.sched_getaffinity(0)), mp_context=multiprocessing.get_context("fork")) as pool:
            for intakes, audit in ordered(pool, batches(f)):
                con.executemany(ins["intakes"], intakes); con.executemany(ins["audit"], audit)
    con.execute("COMMIT")
'''

MEASURE = r'''
import os, resource, subprocess, sys, time
def tree_rss(root):
    """RSS in KiB summed over `root` and its descendants (a parallel export's workers), from /proc."""
    kids, rss = {}, {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                kids.setdefault(int(fields[1]), []).append(int(pid))
                rss[int(pid)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
            except (OSError, IndexError, ValueError):
                pass
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += kids.get(pid, [])
    return total
t = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
summed = 0
while True:  # sampled every 0.2 s: the summed peak of a process tree (ru_maxrss is its largest process's)
    try:
        p.wait(0.2)
        break
    except subprocess.TimeoutExpired:
        summed = max(summed, tree_rss(p.pid))
err = p.stderr.read()
wall = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(p.returncode, wall, u.ru_utime + u.ru_stime, u.ru_maxrss, max(summed, u.ru_maxrss),
      err.decode()[-300:].replace("\n", " | "))
'''


def cache_dir() -> str:
    """A content cache of the bench's own for the timed commands (a cold first run, as after an install),
    removed when the bench ends."""
    import atexit
    import shutil

    path = tempfile.mkdtemp(prefix="vt-bench-cache-")
    atexit.register(shutil.rmtree, path, True)
    return path


def load() -> str:
    """The machine's load averages, for the figures' context."""
    return "load %.2f %.2f %.2f" % os.getloadavg()


LAST_ERR = [""]
"""The last measured command's stderr tail (what `intakes export` says about its workers)."""


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, float]:
    """(wall s, CPU s, peak RSS MiB of its largest process, summed peak RSS MiB of it and its workers, sampled)
    of one command, measured by a small parent of its own so that RSS and CPU are that command's alone (CPU
    includes its workers: they are waited for)."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], env=env, capture_output=True, text=True)
    code, wall, cpu, rss, summed, err = (out.stdout.split(" ", 5) + [""] * 6)[:6]
    if code != "0":
        raise SystemExit(f"failed: {' '.join(c[:60] for c in cmd)}: {err or out.stderr}")
    LAST_ERR[0] = err.strip()
    return float(wall), float(cpu), int(rss) / 1024, int(summed) / 1024


# -- the fixture store ----------------------------------------------------------------------------------------

def _example_sets() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(name, answers, Assessment as JSON) of every example answers file."""
    from vettriage.content import load_catalogue
    from vettriage.engine import assess, read_answers_file

    cat = load_catalogue()
    out = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        answers = read_answers_file(cat, path)
        out.append((path.stem, dict(answers.values), assess(cat, answers).model_dump(mode="json")))
    return out


def fixture(n: int, varied: bool = False) -> Path:
    """The cached store of n intakes (built when absent). Varied: every intake's answers differ (its dog's name,
    a free-text answer, carries the intake's number), as at a real clinic, so that no check of an answers
    mapping, and no Assessment derived again, is remembered from an earlier intake."""
    from vettriage.content import load_catalogue

    cat = load_catalogue()
    tag = hashlib.sha256(f"{FIXTURE_VERSION} {cat.version} {cat.hash}".encode()).hexdigest()[:10]
    folder = Path(tempfile.gettempdir()) / "vettriage-bench-store"
    folder.mkdir(exist_ok=True)
    path = folder / f"fixture-{n}{'-varied' if varied else ''}-{tag}.db"
    if path.exists():
        return path
    t = time.perf_counter()
    tmp = folder / f".building-{os.getpid()}.db"
    _build(tmp, n, cat, varied)
    os.replace(tmp, path)
    print(f"  (fixture of {n:,} intakes built in {time.perf_counter() - t:.0f} s: {path}, "
          f"{path.stat().st_size / 2**20:,.0f} MiB)")
    return path


def _build(path: Path, n: int, cat: Any, varied: bool = False) -> None:
    import random

    from vettriage.store import open_store
    from vettriage.store.db import Tx

    sets = _example_sets()
    store = open_store(str(path))
    dump = store._db.dialect.dump  # noqa: SLF001 - the store's own encoding, once per distinct value
    rng = random.Random(30)
    start = dt.datetime(2025, 12, 1, 8, tzinfo=dt.timezone.utc)
    dogs = max(1, n // 5)
    names = ["Bella", "Max", "Luna", "Charlie", "Daisy", "Rocky", "Molly", "Buddy", "Sadie", "Toby"]
    encoded = [(name, dump("json", answers), dump("json", a), a["urgency"],
                [(k, dump("json", v)) for k, v in answers.items()]) for name, answers, a in sets]

    def tx(tx: Tx) -> None:
        tx.executemany(
            "INSERT INTO dogs (id, name, name_key, breed_or_size, age_years, sex, owner_name, owner_phone, chart, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(d, f"{names[d % 10]} {d}", f"{names[d % 10]} {d}".casefold(), "medium", 9 + d % 7, "F",
              f"Owner {d}", f"555 {d:05d}", f"C-{d}", dump("ts", start)) for d in range(1, dogs + 1)])
        for first in range(1, n + 1, 1000):
            intakes, audit = [], []
            for i in range(first, min(n, first + 999) + 1):
                name, answers, assessment, urgency, items = encoded[i % len(encoded)]
                when = start + dt.timedelta(seconds=rng.randrange(365 * 86400))
                done = i % 25 != 0
                status = "completed" if done else "in_progress"
                if varied:
                    items = [(k, dump("json", f"{json.loads(v)} {i}") if k == "dog_name" else v) for k, v in items]
                if not done:
                    items = items[:20]
                if varied or not done:
                    answers = dump("json", {k: json.loads(v) for k, v in items})
                intakes.append((i, 1 + i % dogs, "owner" if i % 3 else "Sam", "owner" if i % 3 else "tech", status,
                                urgency if done else None, done and urgency == "emergency", dump("ts", when),
                                dump("ts", when + dt.timedelta(minutes=12)), cat.version, cat.hash, None, answers,
                                assessment if done else None,
                                dump("date", (when + dt.timedelta(days=182)).date()) if done else None,
                                "routine re-screen" if done else None))
                audit += [(i, k, None, v, "owner", dump("ts", when + dt.timedelta(seconds=5 * s)), None)
                          for s, (k, v) in enumerate(items)]
            tx.executemany('INSERT INTO intakes (id, dog_id, "by", mode, status, urgency, emergency, created_at, '
                           'updated_at, content_version, content_hash, "position", answers, assessment, '
                           "rescreen_due, rescreen_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           intakes)
            tx.executemany("INSERT INTO audit (intake_id, item_id, old_value, new_value, who, at, reason) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)", audit)

    store.run(tx, write=True)
    store.close()
    for extra in ("-wal", "-shm"):
        Path(str(path) + extra).unlink(missing_ok=True)


def _empty_like(source: Path, target: Path) -> None:
    """An empty database with source's tables and indexes (the import floor's target)."""
    src = sqlite3.connect(source)
    ddl = [r[0] for r in src.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")]
    src.close()
    con = sqlite3.connect(target)
    for statement in ddl:
        con.execute(statement)
    con.commit()
    con.close()


def _gone(*paths: Path) -> None:
    for p in paths:
        for extra in ("", "-wal", "-shm"):
            Path(str(p) + extra).unlink(missing_ok=True)


def _show(label: str, runs: list[tuple[float, float, float]]) -> str:
    walls = [r[0] for r in runs]
    line = (f"    {label:26} wall {statistics.median(walls):7.1f} s  CPU {statistics.median(r[1] for r in runs):7.1f} s  "
            f"peak RSS {max(r[2] for r in runs):6.1f} MiB (largest process; summed {max(r[3] for r in runs):6.1f})")
    if len(runs) >= 20:
        q = statistics.quantiles(walls, n=20)
        line += f"  (median of {len(runs)}; p95 wall {q[-1]:.1f} s)"
    elif len(runs) > 1:
        line += f"  (median of {len(runs)}; each: {', '.join(f'{w:.1f}' for w in walls)} s; spread " \
                f"{max(walls) - min(walls):.1f} s)"
    return line


def transfer(sizes: list[int], runs: int, code: Path, jobs: int | None = None, before: Path | None = None,
             serial: bool = False, export_only: bool = False, varied: bool = False) -> None:
    """Export then import each size, `runs` times, command and floors interleaved; prints as it goes. `jobs`:
    the export's --jobs; `before`: also the export of that checkout (e.g. /work/main), interleaved; `serial`:
    also `--jobs 1`; each extra export is checked byte for byte against the command's file. `varied`: the
    fixture where every intake is answered differently (the remembered checks miss, as at a clinic)."""
    import filecmp

    env = dict(os.environ, PYTHONPATH=str(code), XDG_CACHE_HOME=cache_dir())
    # -P: not the current folder first on the path, else `--code`/`--before` would time the checkout the bench
    # is run from (python -m puts the working folder ahead of PYTHONPATH)
    vt = [sys.executable, "-P", "-m", "vettriage"]
    print(f"export and import{' (every intake answered differently)' if varied else ''} (code: {code}; fresh "
          f"process each; wall, CPU user+system of the process and its workers, peak RSS) -- {load()}")
    work = Path(tempfile.mkdtemp(prefix="vt-bench-transfer-"))
    extra: dict[str, tuple[list[str], dict[str, str]]] = {}
    if before is not None:
        extra[f"before ({before.name})"] = ([], dict(env, PYTHONPATH=str(before), XDG_CACHE_HOME=cache_dir()))
    if serial:
        extra["--jobs 1"] = (["--jobs", "1"], env)
    try:
        for n in sizes:
            src = fixture(n, varied)
            exp: dict[str, list[Any]] = {"command": [], "floor": [], **{k: [] for k in extra}}
            imp: dict[str, list[Any]] = {"command": [], "floor": [], "overlapped": []}
            out, floor_out, other = work / "export.json", work / "floor.json", work / "other.json"
            dst, floor_dst = work / "import.db", work / "floor.db"
            for r in range(runs):
                for label, (flags, extra_env) in extra.items():
                    exp[label].append(measure(vt + ["intakes", "export", "-o", str(other), "--db", str(src),
                                                    *flags], extra_env))
                    print(f"  {n:>7,} intakes, run {r + 1}: export {label} {exp[label][-1][0]:6.1f} s wall "
                          f"{exp[label][-1][1]:6.1f} s CPU -- {load()}", flush=True)
                    other.rename(work / f"other-{len(exp[label])}-{abs(hash(label))}.json")
                exp["command"].append(measure(vt + ["intakes", "export", "-o", str(out), "--db", str(src)]
                                              + ([] if jobs is None else ["--jobs", str(jobs)]), env))
                said = LAST_ERR[0].rsplit(" | ", 1)[-1]
                exp["floor"].append(measure([sys.executable, "-c", EXPORT_FLOOR, str(src), str(floor_out)], env))
                size = out.stat().st_size
                same = filecmp.cmp(out, floor_out, shallow=False)
                for copy in work.glob("other-*.json"):
                    same = same and filecmp.cmp(out, copy, shallow=False)
                    copy.unlink()
                floor_out.unlink()
                print(f"  {n:>7,} intakes, run {r + 1}: export {exp['command'][-1][0]:6.1f} s wall "
                      f"{exp['command'][-1][1]:6.1f} s CPU (floor {exp['floor'][-1][0]:5.1f} s, "
                      f"{exp['floor'][-1][1]:5.1f} s CPU); {'byte-identical to' if same else 'DIFFERENT FROM'} the "
                      f"floor's{' and the other exports' if extra else ''}; it said: {said} -- {load()}", flush=True)
                if export_only:
                    continue
                _gone(dst, floor_dst)
                imp["command"].append(measure(vt + ["intakes", "import", str(out), "--db", str(dst)], env))
                _gone(dst)
                for kind, script in (("floor", IMPORT_FLOOR), ("overlapped", IMPORT_FLOOR_OVERLAPPED)):
                    _empty_like(src, floor_dst)
                    imp[kind].append(measure([sys.executable, "-c", script, str(out), str(floor_dst)], env))
                    _gone(floor_dst)
                print(f"  {n:>7,} intakes, run {r + 1}: import {imp['command'][-1][0]:6.1f} s wall "
                      f"{imp['command'][-1][1]:6.1f} s CPU (floors {imp['floor'][-1][0]:5.1f} s one process, "
                      f"{imp['overlapped'][-1][0]:5.1f} s overlapped); file {size / 2**20:,.0f} MiB -- {load()}",
                      flush=True)
            out.unlink()
            print(f"  {n:,} intakes ({n // 5:,} dogs):")
            for what, got in (("export", exp), ("import", imp)):
                if not got["command"]:
                    continue
                print(_show(f"intakes {what}", got["command"]))
                for label in extra if what == "export" else ():
                    print(_show(f"intakes {what} {label}"[:26], got[label]))
                print(_show(f"floor (bare {what})", got["floor"]))
                if what == "import":
                    print(_show("floor (bare, overlapped)", got["overlapped"]))
                floors = ("floor", "overlapped") if what == "import" else ("floor",)
                for label in ("command", *(extra if what == "export" else ())):
                    for kind in floors:
                        wall = statistics.median(r[0] for r in got[label]) / statistics.median(r[0] for r in got[kind])
                        cpu = statistics.median(r[1] for r in got[label]) / statistics.median(r[1] for r in got[kind])
                        print(f"    -> {'' if label == 'command' else label + ': '}{wall:.2f}x "
                              f"{'the overlapped floor' if kind == 'overlapped' else 'floor'} (wall), {cpu:.2f}x (CPU)")
    finally:
        for p in work.iterdir():
            p.unlink()
        work.rmdir()
    print(f"  -- {load()}")
