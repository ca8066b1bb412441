"""The desk and `dogs due` on a big store, each as the user runs it, against a floor doing the same job with
the bare libraries in the same run. Prints figures; asserts nothing.

    python bench/desk.py [--intakes 100000] [--runs 9] [--quick]

(a) Desk opening: `vettriage desk --db FILE` in a fresh process, run headless at 100x30 (no frame cap), from
    spawning the process to (1) its first painted desk frame and (2) the frame in which its lists show their
    first page (today's intakes, the due list and its counts). The child is the real command; the bench only
    swaps the terminal driver for the headless one and wraps DeskScreen.on_mount to write one byte to a pipe
    after the next refresh (as bench/tui.py does). Where the desk has `when_loaded` (issue 30), the second byte
    is written after the frame that shows the loaded lists; else both bytes come from the one frame.
    Floor: a bare Textual app that opens the same SQLite file with sqlite3, runs the same first-page queries
    (today's intakes, the due page, the due counts) and paints them in two DataTables and a line.
(b) `python -m vettriage dogs due --db FILE` as a process, to its exit, against a bare python process that
    runs the statements the store runs (taken from the code under test) and prints the same number of rows.
(c) The desk's `o` list of dogs lost to follow-up: `store.dogs_lost(on, limit=25, after=...)`, what the desk's
    thread reads for a page, in this process on a copy of the fixture where MARKS dogs spread over the due
    list were marked lost through `store.mark_lost`; its first page and its third (keyset after the 50th
    mark), against the bare sqlite3 driver running the same statement (the store's `lost_statement`, or on
    code from before schema 5 the statement it ran then), fetching the rows as dicts with their dates
    parsed. With the 500-intake store beside it, this says whether a page's cost depends on the store's size.

Pairs are interleaved (ours, floor, ours, floor...) so that machine noise hits both alike; median and p95 of
each, the ratio, and the machine's load (os.getloadavg) before and after are printed.

The fixture (N intakes over N/5 dogs, spread over the two years before today, re-screen dates as the
default policy sets them, about a day's intakes today) is written in bulk through the store's own transaction
API and cached in $TMPDIR/vettriage-bench-desk/, keyed by size, schema version and today's date.
With PYTHONPATH at another checkout (e.g. /work/main) the same figures are taken on that code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _figures import load, pair_line

SIZE = (100, 30)
CHILD_CWD = tempfile.gettempdir()
"""Children start here: `python -c` and `-m` put their working directory first on sys.path, and a checkout's
own folder there would win over PYTHONPATH (a run "on main" from a worktree would time the worktree)."""

DESK_CHILD = """
import os, sys
fd = int(sys.argv[1])
import vettriage.commands.tui as cmd
def launch(app):
    from vettriage.tui.screens.desk import DeskScreen
    mount = DeskScreen.on_mount
    def on_mount(self):
        mount(self)
        self.call_after_refresh(first, self)
    def first(self):
        os.write(fd, b"f")
        hook = getattr(self, "when_loaded", None)
        if hook is None:
            done(self)
        else:
            hook(lambda: self.call_after_refresh(done, self))
    def done(self):
        os.write(fd, b"l")
        self.app.exit()
    DeskScreen.on_mount = on_mount
    app.run(headless=True, size=(%d, %d))
cmd._launch = launch
from vettriage.cli import main
sys.exit(main(["desk", "--db", sys.argv[2]]))
""" % SIZE

FLOOR_CHILD = """
import json, os, sqlite3, sys
fd, db, queries = int(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
from textual.app import App
from textual.widgets import DataTable, Static
class Floor(App):
    def compose(self):
        yield DataTable(id="today")
        yield Static(id="counts")
        yield DataTable(id="due")
    def on_mount(self):
        con = sqlite3.connect(db)
        today, due, counts = [con.execute(q["sql"], q["params"]).fetchall() for q in queries]
        for name, rows in (("today", today), ("due", due)):
            table = self.query_one("#" + name, DataTable)
            if rows:
                table.add_columns(*[f"c{k}" for k in range(len(rows[0]))])
                table.add_rows([[str(v) for v in r] for r in rows])
        self.query_one("#counts", Static).update(" ".join(map(str, counts[0])))
        self.call_after_refresh(self.painted)
    def painted(self):
        os.write(fd, b"fl")
        self.exit()
Floor().run(headless=True, size=(%d, %d))
""" % SIZE

DUE_FLOOR_CHILD = """
import json, sqlite3, sys
db, queries = sys.argv[1], json.loads(sys.argv[2])
con = sqlite3.connect(db)
out = []
for q in queries:
    for row in con.execute(q["sql"], q["params"]):
        out.append("  ".join(str(v) for v in row))
sys.stdout.write("\\n".join(out) + "\\n")
"""

NAMES = ["Bella", "Max", "Luna", "Charlie", "Daisy", "Rocky", "Molly", "Buddy", "Sadie", "Toby", "Biscuit",
         "Toffee", "Pepper", "Bonnie", "Rex"]
# (days, reason, urgency, share): as vettriage.followup.rescreen_due words them with the default policy
KINDS = [(182, "routine senior re-check", "routine", 45), (28, "pain likely: re-score pain after a treatment "
         "trial", "routine", 30), (90, "CCD possible: re-screen cognition (once pain is controlled)", "routine", 10),
         (14, "urgency soon: re-check after the visit", "soon", 12),
         (14, "urgency emergency: re-check after the visit", "emergency", 3)]


def fixture(n: int, folder: Path) -> Path:
    """The cached store of `n` intakes over n/5 dogs (built once a day per size and schema version)."""
    from vettriage.localtime import local_day
    from vettriage.store import open_store, schema

    today = dt.date.today()
    path = folder / f"desk-{n}-v{schema.SCHEMA_VERSION}-{today.isoformat()}.db"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    for leftover in folder.glob(tmp.name + "*"):
        leftover.unlink()
    t0 = time.perf_counter()
    store = open_store(str(tmp))
    rng = random.Random(30)
    now = dt.datetime.now(dt.timezone.utc)
    dogs = max(1, n // 5)
    weights = [k[3] for k in KINDS]
    answers = {f"q{k}": k % 4 for k in range(40)}

    def fill(tx: object) -> None:
        tx.insert_many("dogs", [dict(name=f"{NAMES[d % len(NAMES)]} {d}", name_key=f"{NAMES[d % len(NAMES)]} {d}"
                                     .casefold(), owner_name=f"Owner {d}", chart=f"C-{d}" if d % 3 else None,
                                     created_at=now - dt.timedelta(days=730)) for d in range(dogs)])
        batch = []
        midnight = dt.datetime.combine(today, dt.time(), dt.datetime.now().astimezone().tzinfo)
        for k in range(n):
            if k < n // 700:  # about one day's share of the intakes were started today, as a clinic's morning
                when = midnight.astimezone(dt.timezone.utc) + dt.timedelta(
                    seconds=rng.randrange(max(1, int((now - midnight).total_seconds()))))
            else:
                when = now - dt.timedelta(seconds=rng.randrange(730 * 86400))
            status = rng.choice(["completed"] * 22 + ["amended", "in_progress"])
            days, why, urgency, _ = rng.choices(KINDS, weights)[0]
            done = status != "in_progress"
            batch.append(dict(
                dog_id=1 + rng.randrange(dogs), by=rng.choice(["owner", "Sam", "Alex"]), mode="tech",
                status=status, urgency=urgency if done else None, emergency=urgency == "emergency" and done,
                created_at=when, updated_at=when, content_version="2026.12.3", content_hash="bench",
                answers=answers, position=None,
                assessment={"urgency": urgency, "scores": {}} if done else None,
                rescreen_due=local_day(when) + dt.timedelta(days=days) if done else None,
                rescreen_reason=f"{why} (product heuristic: {days} days)" if done else None))
            if len(batch) == 5000:
                tx.insert_many("intakes", batch)
                batch = []
        tx.insert_many("intakes", batch)

    store.run(fill, write=True)
    store.close()
    os.replace(tmp, path)
    for extra in ("-wal", "-shm"):
        leftover = Path(str(tmp) + extra)
        if leftover.exists():
            leftover.unlink()
    print(f"(fixture: {n:,} intakes over {dogs:,} dogs built in {time.perf_counter() - t0:.1f} s: {path})")
    return path


def _has_column(db: Path, table: str, column: str) -> bool:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return any(r[1] == column for r in con.execute(f"PRAGMA table_info({table})"))
    finally:
        con.close()


def desk_floor_queries(db: Path) -> list[dict]:
    """The desk's first page as bare SQL: today's intakes (a page), the due list's first page and its counts.
    The due statements are the store's own when it has them (issue 30), else an indexed page written here."""
    from vettriage.store import sqlstore

    today = dt.date.today()
    midnight = dt.datetime.combine(today, dt.time()).astimezone().astimezone(dt.timezone.utc)
    ts = lambda d: d.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")  # noqa: E731 - the store's format
    out = [{"sql": 'SELECT i.id, d.name, i.status, i.urgency, i."by", i.updated_at FROM intakes i JOIN dogs d '
                   "ON i.dog_id = d.id WHERE i.created_at >= ? AND i.created_at < ? "
                   "ORDER BY i.created_at DESC, i.id DESC LIMIT 31",
            "params": [ts(midnight), ts(midnight + dt.timedelta(days=1))]}]
    on = (today + dt.timedelta(days=14)).isoformat()
    cutoff = (today - dt.timedelta(days=182)).isoformat()
    if hasattr(sqlstore, "due_statements"):
        from vettriage.tui.widgets.dayboard import PAGE

        page, counts = sqlstore.due_statements(on=on, cutoff=cutoff, limit=PAGE)
        out += [{"sql": page[0], "params": list(page[1])}, {"sql": counts[0], "params": list(counts[1])}]
        return out
    last = ("NOT EXISTS (SELECT 1 FROM intakes j WHERE j.dog_id = i.dog_id AND j.status IN ('completed', "
            "'amended') AND (j.created_at > i.created_at OR (j.created_at = i.created_at AND j.id > i.id)))")
    out.append({"sql": "SELECT i.rescreen_due, d.name, i.rescreen_reason FROM intakes i JOIN dogs d ON "
                       f"d.id = i.dog_id WHERE i.rescreen_due >= ? AND i.rescreen_due <= ? AND {last} "
                       "ORDER BY i.rescreen_due, i.id LIMIT 50", "params": [cutoff, on]})
    out.append({"sql": f"SELECT COUNT(*) FROM intakes i WHERE i.rescreen_due >= ? AND i.rescreen_due <= ? AND {last}",
                "params": [cutoff, on]})
    return out


def due_floor_queries() -> list[dict]:
    """What `dogs due` runs, as bare SQL from the code under test: the page and the counts (issue 30), or the
    whole list (before it)."""
    from vettriage.store import sqlstore

    today = dt.date.today()
    if hasattr(sqlstore, "due_statements"):
        from vettriage.commands.dogs import DUE_PAGE

        page, counts = sqlstore.due_statements(on=today.isoformat(),
                                               cutoff=(today - dt.timedelta(days=182)).isoformat(), limit=DUE_PAGE)
        return [{"sql": page[0], "params": list(page[1])}, {"sql": counts[0], "params": list(counts[1])}]
    return [{"sql": sqlstore.DUE_SELECT, "params": [today.isoformat()]}]


MARKS = 60


def marked_copy(db: Path, folder: Path) -> Path:
    """A copy of the fixture with MARKS dogs, spread evenly over the due list (lost included), marked lost to
    follow-up through the store (so an older store's copy is migrated by the code under test first)."""
    import shutil

    from vettriage.store import open_store

    copy = folder / f"{db.stem}-marked.db"
    shutil.copyfile(db, copy)
    store = open_store(str(copy))
    try:
        due = store.dogs_due(dt.date.today() + dt.timedelta(days=14), lost=True)
        for d in due[:: max(1, len(due) // MARKS)][:MARKS]:
            store.mark_lost(d.dog.id, "bench", "moved away")
    finally:
        store.close()
    return copy


def lost_floor_sql(on: str, after: tuple[str, int] | None) -> tuple[str, list]:
    """The lost page's statement as the code under test runs it (schema 5's `lost_statement`), or, on code from
    before it, the statement that code ran (its keyset an OR: no index held the mark)."""
    from vettriage.store import sqlstore

    if hasattr(sqlstore, "lost_statement"):
        return sqlstore.lost_statement(on=on, limit=25, after=after)
    sql, params = sqlstore._DUE_FROM + "AND i.lost_at IS NOT NULL ", [on]
    if after is not None:
        sql += "AND (i.lost_at < ? OR (i.lost_at = ? AND i.id < ?)) "
        params += [after[0], after[0], after[1]]
    return sql + sqlstore._DUE_LAST + " ORDER BY i.lost_at DESC, i.id DESC LIMIT ?", params + [25]


def _decoded(cur: object) -> list[dict]:
    """The floor's rows as the store hands them on: a dict each, dates and times parsed (the bare minimum of
    what the store's decoding does; it also checks each value's kind)."""
    names = [c[0] for c in cur.description]
    timed = {k for k, n in enumerate(names) if n.endswith(("_at", "_due", "birth_date"))}
    return [{n: (dt.datetime.fromisoformat(v) if k in timed and v else v)
             for k, (n, v) in enumerate(zip(names, row))} for row in cur.fetchall()]


def lost_figures(db: Path, runs: int, folder: Path) -> None:
    import sqlite3

    from vettriage.store import open_store

    copy = marked_copy(db, folder)
    on = dt.date.today() + dt.timedelta(days=14)
    store = open_store(str(copy))
    con = sqlite3.connect(copy)
    try:
        marks = len(store.dogs_lost(on))
        third = store.dogs_lost(on, limit=50)[-1]
        dump = store.run(lambda tx: tx.dialect.dump)
        for label, after in (("first", None), ("third", (third.lost_at, third.intake_id))):
            sql, params = lost_floor_sql(dump("date", on), None if after is None else (dump("ts", after[0]),
                                                                                       after[1]))
            ours, floor, rows = [], [], 0
            for k in range(runs + 1):
                t0 = time.perf_counter()
                rows = len(store.dogs_lost(on, limit=25, after=after))
                t1 = time.perf_counter()
                cur = con.execute(sql, params)
                _decoded(cur)
                t2 = time.perf_counter()
                if k:  # the first pair warms the page cache for both
                    ours.append((t1 - t0) * 1000)
                    floor.append((t2 - t1) * 1000)
            print(pair_line(f"lost list, {label} page ({rows} of {marks} marks)", ours, floor))
    finally:
        con.close()
        store.close()
        copy.unlink()
        for extra in ("-wal", "-shm"):
            Path(str(copy) + extra).unlink(missing_ok=True)


def _pair_time(cmd: list[str], marks: int) -> list[float]:
    """Milliseconds from spawning `cmd` (whose argv[... ] takes the pipe's write end as {fd}) to each byte."""
    r, w = os.pipe()
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen([a.replace("{fd}", str(w)) for a in cmd], pass_fds=(w,), cwd=CHILD_CWD,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(w)
        w = -1
        times = []
        for _ in range(marks):
            if not os.read(r, 1):
                break
            times.append((time.perf_counter() - t0) * 1000)
        err = proc.communicate()[1]
        if proc.returncode != 0 or len(times) != marks:
            raise RuntimeError(f"child failed (exit {proc.returncode}): {err.decode()[-800:]}")
        return times
    finally:
        os.close(r)
        if w != -1:
            os.close(w)


def _process_time(cmd: list[str]) -> tuple[float, int]:
    """Milliseconds from spawning to exit, and the lines it printed."""
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=CHILD_CWD)
    took = (time.perf_counter() - t0) * 1000
    if out.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} failed (exit {out.returncode}): {out.stderr[-800:]}")
    return took, out.stdout.count("\n")


def desk_figures(db: Path, runs: int) -> None:
    queries = json.dumps(desk_floor_queries(db))
    _pair_time([sys.executable, "-c", DESK_CHILD, "{fd}", str(db)], 2)  # warm the content cache and the file
    first, loaded, floor = [], [], []
    for _ in range(runs):
        f, l = _pair_time([sys.executable, "-c", DESK_CHILD, "{fd}", str(db)], 2)
        first.append(f)
        loaded.append(l)
        floor.append(_pair_time([sys.executable, "-c", FLOOR_CHILD, "{fd}", str(db), queries], 2)[1])
    print(pair_line("first desk frame", first, floor))
    print(pair_line("desk lists shown (first page)", loaded, floor))


def due_figures(db: Path, runs: int) -> None:
    queries = json.dumps(due_floor_queries())
    ours_cmd = [sys.executable, "-m", "vettriage", "dogs", "due", "--db", str(db)]
    _process_time(ours_cmd)
    ours, floor, lines = [], [], 0
    for _ in range(runs):
        took, lines = _process_time(ours_cmd)
        ours.append(took)
        floor.append(_process_time([sys.executable, "-c", DUE_FLOOR_CHILD, str(db), queries])[0])
    print(pair_line(f"dogs due ({lines:,} lines printed)", ours, floor))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--intakes", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("--quick", action="store_true", help="a small store (500 intakes) and 3 runs")
    p.add_argument("--lost-only", action="store_true", help="only (c), the lost list's pages")
    p.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "vettriage-bench-desk"))
    args = p.parse_args()
    if args.quick:
        args.intakes, args.runs = 500, 3
    import vettriage

    check = subprocess.run([sys.executable, "-c", "import vettriage; print(vettriage.__file__)"], cwd=CHILD_CWD,
                           capture_output=True, text=True).stdout.strip()
    if Path(check).parent != Path(vettriage.__file__).parent:
        sys.exit(f"the children would import {check}, not {vettriage.__file__}: set PYTHONPATH")
    # As installed: scripts/setup precompiles the package (machines with PYTHONDONTWRITEBYTECODE=1 would
    # otherwise compile every module in every process, 120 ms and more, and time the compiler).
    import compileall

    compileall.compile_dir(Path(vettriage.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VETTRIAGE_CONFIG"] = str(Path(tmp) / "none.toml")
        Path(os.environ["VETTRIAGE_CONFIG"]).write_text("")
        print(f"vettriage from {Path(vettriage.__file__).parent}; python {sys.version.split()[0]}; {load()}")
        sizes = [args.intakes] if args.quick else [500, args.intakes]
        for n in sizes:
            db = fixture(n, Path(args.cache))
            print(f"{n:,} intakes ({n // 5:,} dogs), {args.runs} interleaved pairs each; {load()}")
            if not args.lost_only:
                desk_figures(db, args.runs)
                due_figures(db, args.runs)
            lost_figures(db, max(args.runs, 21), Path(args.cache))
        print(f"after: {load()}")


if __name__ == "__main__":
    main()
