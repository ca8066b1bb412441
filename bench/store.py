"""Store figures, each against a floor measured in the same run, pairs interleaved. Prints figures; asserts nothing.

    python bench/store.py [--url URL] [--intakes 100000] [--saves 500] [--runs 1] [--quick] [--code PATH]
    python bench/store.py --transfer-only      # just export and import
    python bench/store.py --transfer-only --sizes 1000,100000 --varied   # every intake answered differently
    python bench/store.py --quick              # small sizes: every figure in about a minute
    python bench/store.py --transfer-only --export-only --sizes 100000 --before /work/main --serial
                                               # the export before a change, one process, and now

The store it reads is a fixture of N intakes (default 100,000) over N // 5 dogs with the real answers of the
example files, their real Assessments, re-screen dates and one audit event per answer (bench/store_transfer.py
builds it once through the store's batch path and keeps it in the temp folder).

- Autosave: `save_answer` latency per answer (read, update, audit insert, commit) against a bare sqlite3
  insert-and-commit with the same durability settings (WAL, synchronous=FULL). Target: median <= 2 ms (SQLite).
- `intakes list` as the user runs it, a process per run, newest 200, and its filters (status, urgency, a local
  day, a dog's name), against a bare Python process (sqlite3 only) that runs the same statements and prints the
  same table with local times.
- `dogs show`'s reads for the fixture's dog with the most visits (store.visits, the change table, the trends)
  against the bare driver running the same statement and decoding the same rows (JSON, dates, times).
- `intakes export` and `intakes import` at 1,000 and N intakes as the user runs them (a process, from the
  fixture store, files written), against bare-library floors doing the same job: wall, CPU, peak RSS
  (memory flat: the N figure within a few MB of the 1,000 one). Target: under 2 minutes at 100,000.
  `--code PATH` runs these commands from another checkout (e.g. /work/main: the figures before a change);
  `--before PATH` adds that checkout's export to the same run, and `--serial` the export by one process
  (`--jobs 1`), interleaved; every export's file is compared byte for byte with the floor's. Peak RSS is the
  largest process's (ru_maxrss) and, for a parallel export, the sum over it and its workers (sampled).
With --url postgresql+psycopg://... autosave is taken on PostgreSQL (the floor stays sqlite3).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import store_transfer  # noqa: E402 - beside this file
from store_transfer import cache_dir, load  # noqa: E402

from vettriage.store import open_store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _ms(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=20) if len(samples) >= 2 else samples * 19
    return f"median {statistics.median(samples) * 1000:7.1f} ms   p95 {q[-1] * 1000:7.1f} ms"


def autosave_vs_floor(directory: Path, url: str, n: int) -> tuple[list[float], list[float]]:
    """save_answer on one intake, as the terminal app calls it after each question (a 100-item intake),
    interleaved one for one with a bare sqlite3 insert-and-commit (WAL, synchronous=FULL, as the store) so
    that both see the same disk: fsync time on a shared machine drifts by 10x within a minute."""
    con = sqlite3.connect(directory / "floor.db", isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, item TEXT, value TEXT)")
    store = open_store(url)
    dog = store.add_dog("Bench")
    intake = store.create_intake(dog.id, by="owner", mode="owner", content_version="v", content_hash="h")
    floor, saves = [], []
    for k in range(n):
        t = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO t(item, value) VALUES (?, ?)", (f"q{k}", "2"))
        con.execute("COMMIT")
        floor.append(time.perf_counter() - t)
        t = time.perf_counter()
        store.save_answer(intake.id, f"q{k % 100}", k % 4, who="owner", position=f"q{(k + 1) % 100}")
        saves.append(time.perf_counter() - t)
    store.close()
    con.close()
    return floor, saves


LIST_FLOOR = r'''
import datetime as dt, sqlite3, sys, time
db, select, where, params, dog = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split("\x1f"), sys.argv[5]
params = [p for p in params if p]
con = sqlite3.connect(db)
if dog:
    ids = [r[0] for r in con.execute("SELECT id FROM dogs WHERE name_key LIKE ? ESCAPE '\\' LIMIT 51",
                                      ("%" + dog.casefold() + "%",))]
    where = (where + " AND " if where else "") + "i.dog_id IN (%s)" % ", ".join("?" * len(ids))
    params += ids
sql = select + (" WHERE " + where if where else "") + " ORDER BY i.created_at DESC, i.id DESC LIMIT 200"
rows = con.execute(sql, params).fetchall()
con.execute("SELECT i.id FROM invites v JOIN intakes i ON v.intake_id = i.id ORDER BY v.id DESC LIMIT 500").fetchall()
zone = time.strftime("%Z")
out = [f"{'ID':>6}  {'STARTED (' + zone + ')':16}  {'DOG':20}  {'BY':12}  {'STATUS':11}  {'URGENCY':9}  AT HOME"]
for r in rows:
    started = dt.datetime.fromisoformat(r[7]).replace(tzinfo=dt.timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")
    out.append(f"{r[0]:>6}  {started:16}  {r[2][:20]:20}  {r[3][:12]:12}  {r[5]:11}  {r[6] or '-':9}  -")
sys.stdout.write("\n".join(out) + "\n")
'''


def _process(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    out = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - t
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(c[:60] for c in cmd)}: {out.stderr.decode()[-300:]}")
    return took


def lists(db: Path, repeat: int, code: Path) -> None:
    """`intakes list` and its filters, a process per run, each paired with its bare floor."""
    from vettriage.store import records

    env = dict(os.environ, PYTHONPATH=str(code), XDG_CACHE_HOME=cache_dir())
    day = "2026-06-15"
    start = time.mktime(time.strptime(day, "%Y-%m-%d"))  # the local day's bounds, in UTC as stored
    lo, hi = (time.strftime("%Y-%m-%d %H:%M:%S.000000", time.gmtime(s)) for s in (start, start + 86400))
    cases = {
        "newest 200 (no filter)": ([], "", [], ""),
        "--status in_progress": (["--status", "in_progress"], "i.status = ?", ["in_progress"], ""),
        "--urgency emergency": (["--urgency", "emergency"], "i.urgency = ?", ["emergency"], ""),
        f"--date {day} (local day)": (["--date", day], "i.created_at >= ? AND i.created_at < ?", [lo, hi], ""),
        "--dog 'luna 4'": (["--dog", "luna 4"], "", [], "luna 4"),
    }
    print(f"intakes list as a process, {repeat} runs each, interleaved with its floor (bare sqlite3, same statements "
          f"and table) -- {load()}")
    for label, (argv, where, params, dog) in cases.items():
        got, floor = [], []
        for _ in range(repeat):
            got.append(_process([sys.executable, "-m", "vettriage", "intakes", "list", *argv, "--db", str(db)], env))
            floor.append(_process([sys.executable, "-c", LIST_FLOOR, str(db), records.SUMMARY_SELECT, where,
                                   "\x1f".join(params), dog], env))
        print(f"  {label:30} floor {_ms(floor)}")
        print(f"  {'':30} list  {_ms(got)}   ({statistics.median(got) / statistics.median(floor):.1f}x floor)")


def _decoded(con: sqlite3.Connection, sql: str, params: tuple) -> list[dict]:
    """The floor: the same statement through the bare driver, every column decoded as the store decodes it."""
    import datetime as dt

    from vettriage.store.schema import KINDS

    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        rec = {}
        for n, v in zip(names, row):
            kind = KINDS.get(n)
            if v is not None and kind == "json" and isinstance(v, str):
                v = json.loads(v)
            elif v is not None and kind == "ts":
                v = dt.datetime.fromisoformat(v).replace(tzinfo=dt.timezone.utc)
            elif v is not None and kind == "date":
                v = dt.date.fromisoformat(v)
            rec[n] = v
        out.append(rec)
    return out


def dogs_show(db: Path, repeat: int) -> None:
    """`dogs show`'s reads (visits decoded, change table, trends) against the same rows decoded by the bare driver."""
    from vettriage.content import load_catalogue
    from vettriage.followup import since_last_visit, top_level_scores, values_by_date
    from vettriage.store import records

    cat = load_catalogue()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    dog_id, n = con.execute("SELECT dog_id, COUNT(*) FROM intakes WHERE status <> 'in_progress' GROUP BY dog_id "
                            "ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
    store = open_store(str(db))
    ids = [s.id for defs in top_level_scores(cat).values() for s in defs]
    sql = f"{records.VISIT_SELECT} ORDER BY i.created_at DESC, i.id DESC"
    show, query, floor = [], [], []
    for _ in range(repeat):
        t = time.perf_counter()
        _decoded(con, sql, (dog_id,))
        floor.append(time.perf_counter() - t)
        t = time.perf_counter()
        visits = store.visits(dog_id)
        query.append(time.perf_counter() - t)
        pairs = [(v.at, v.assessment) for v in visits]
        since_last_visit(cat, pairs)
        values_by_date(pairs, ids)
        show.append(time.perf_counter() - t)
    store.close()
    con.close()
    print(f"dogs show, the dog with most visits ({n}), {repeat} runs -- {load()}")
    print(f"  floor: same statement, same rows decoded   {_ms(floor)}")
    print(f"  store.visits (decoded)                     {_ms(query)}   "
          f"({statistics.median(query) / statistics.median(floor):.1f}x floor)")
    print(f"  store.visits + change table + trends       {_ms(show)}   "
          f"({statistics.median(show) / statistics.median(floor):.1f}x floor)")


def main() -> None:
    """Run and print."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="database URL for autosave (default: a new SQLite file in a temp dir)")
    p.add_argument("--intakes", type=int, default=100_000, help="the fixture's size (default 100,000)")
    p.add_argument("--saves", type=int, default=500)
    p.add_argument("--runs", type=int, default=1, help="export/import runs per size (each prints its figures)")
    p.add_argument("--repeat", type=int, default=15, help="runs of each list / dogs show figure")
    p.add_argument("--quick", action="store_true", help="2,000 intakes, fewer runs: every figure in about a minute")
    p.add_argument("--code", type=Path, default=ROOT, help="the checkout whose commands are timed (default: this)")
    p.add_argument("--transfer-only", action="store_true", help="only export and import")
    p.add_argument("--export-only", action="store_true", help="with --transfer-only: no import")
    p.add_argument("--jobs", type=int, help="the export's --jobs (default: the command's own, one per core)")
    p.add_argument("--serial", action="store_true", help="also the export with --jobs 1, interleaved")
    p.add_argument("--before", type=Path, help="also the export of this checkout (e.g. /work/main), interleaved")
    p.add_argument("--varied", action="store_true", help="export/import a fixture where every intake's answers "
                   "differ (no remembered check applies), as at a real clinic")
    p.add_argument("--sizes", type=lambda v: [int(x) for x in v.split(",")],
                   help="export/import sizes, comma-separated (default: 1,000 and --intakes)")
    args = p.parse_args()
    if args.quick:
        args.intakes, args.saves, args.repeat = 2_000, 100, 5
    print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} cores -- {load()}")
    if not args.transfer_only:
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            url = args.url or str(d / "bench.db")
            print(f"autosave, {args.saves} answers ({url.split('?')[0]}) -- {load()}")
            floor, saves = autosave_vs_floor(d, url, args.saves)
            print(f"  floor: bare sqlite3 insert+commit   {_ms(floor)}")
            print(f"  store.save_answer                   {_ms(saves)}   "
                  f"({statistics.median(saves) / statistics.median(floor):.1f}x floor; target median <= 2 ms)")
        db = store_transfer.fixture(args.intakes)
        lists(db, args.repeat, args.code)
        dogs_show(db, args.repeat)
    store_transfer.transfer(args.sizes or sorted({min(1_000, args.intakes), args.intakes}), args.runs, args.code,
                            args.jobs, args.before, args.serial, args.export_only, args.varied)
    print(f"done -- {load()}")


if __name__ == "__main__":
    main()
