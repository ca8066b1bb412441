"""Store figures, each against a floor measured in the same run. Prints figures; asserts nothing.

    python bench/store.py [--url URL] [--intakes 100000] [--saves 500]

Autosave: `save_answer` latency per answer (read, update, audit insert, commit), against a bare sqlite3
insert-and-commit with the same durability settings (WAL, synchronous=FULL). Target: median <= 2 ms on SQLite.
List and search: `list_intakes` over N stored intakes (default 100,000), newest 200. Target: <= 50 ms.
Follow-up (issue 16): `dogs show` for a dog with 50 visits (visits query, change table, trends) against the
bare driver query for the same rows; `dogs due` over the N intakes against a bare range query on the
re-screen index (what the "last completed visit per dog" test costs on top).
Import memory: `vettriage intakes import` of a JSON export of 1,000 and of N intakes (real answers and
Assessments, checked against the catalogue), each in a fresh process: peak RSS against the interpreter's own
start-up RSS. Target: flat (the 100,000 figure within a few MB of the 1,000 one). --import-only runs just this.
With --url postgresql+psycopg://... the same figures are taken on PostgreSQL (the floor stays sqlite3).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path


from vettriage.store import open_store
from vettriage.store.db import Tx


def _ms(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=20)
    return f"median {statistics.median(samples) * 1000:6.3f} ms   p95 {q[-1] * 1000:6.3f} ms"


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


def fill(url: str, n: int, dogs: int) -> float:
    """N intakes over `dogs` dogs spread over a year, inserted in bulk (not through the API: that is timed
    above); returns seconds taken."""
    store = open_store(url)
    rng = random.Random(7)
    names = ["Bella", "Max", "Luna", "Charlie", "Daisy", "Rocky", "Molly", "Buddy", "Sadie", "Toby"]
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    answers = {f"q{k}": k % 4 for k in range(60)}
    t = time.perf_counter()

    def tx(tx: Tx) -> None:
        base_dog = tx.scalar("SELECT COALESCE(MAX(id), 0) FROM dogs")
        rows = []
        for d in range(dogs):
            name = f"{names[d % len(names)]} {d}"
            rows.append(dict(name=name, name_key=name.casefold(), created_at=start))
        tx.insert_many("dogs", rows)
        batch = []
        for k in range(n):
            when = start + dt.timedelta(seconds=rng.randrange(365 * 86400))
            status = rng.choice(["completed"] * 8 + ["in_progress", "amended"])
            batch.append(dict(dog_id=base_dog + 1 + rng.randrange(dogs), by="owner", mode="owner", status=status,
                              urgency=None if status == "in_progress" else rng.choice(
                                  ["routine"] * 6 + ["soon"] * 3 + ["emergency"]),
                              emergency=False, created_at=when, updated_at=when, content_version="v",
                              content_hash="h", answers=answers, position=None,
                              assessment=None if status == "in_progress" else {"urgency": "routine"}))
            if len(batch) == 5000:
                tx.insert_many("intakes", batch)
                batch = []
        tx.insert_many("intakes", batch)

    store.run(tx, write=True)
    if store.dialect == "postgresql":
        store.run(lambda tx: tx.execute("ANALYZE"), write=True)
    store.close()
    return time.perf_counter() - t


def searches(url: str, repeat: int) -> None:
    """Each list/search the clinic uses, timed `repeat` times."""
    store = open_store(url)
    cases = {
        "newest 200 (no filter)": {},
        "status=in_progress": {"status": "in_progress"},
        "urgency=emergency": {"urgency": "emergency"},
        "date=2026-06-15": {"date": dt.date(2026, 6, 15)},
        "dog name 'luna 4'": {"dog": "luna 4"},
        "dog 'max' + completed": {"dog": "max", "status": "completed"},
        "dog_history (one dog)": None,
    }
    for label, kw in cases.items():
        samples, count = [], 0
        for _ in range(repeat):
            t = time.perf_counter()
            rows = store.dog_history(5) if kw is None else store.list_intakes(**kw)
            samples.append(time.perf_counter() - t)
            count = len(rows)
        print(f"  {label:28} {count:4} rows   {_ms(samples)}")
    store.close()


def _bare(store: object, sql: str, params: tuple) -> float:
    """The same statement straight through the driver (no decoding, no records): the floor."""
    def tx(tx: Tx) -> int:
        cur = tx._con.execute(tx.dialect.sql(sql), params)  # noqa: SLF001 - a benchmark floor
        return len(cur.fetchall())

    t = time.perf_counter()
    store.run(tx)  # type: ignore[attr-defined]
    return time.perf_counter() - t


def followup(url: str, repeat: int) -> None:
    """`dogs show` on a dog with 50 visits, and `dogs due` over every stored intake, each against a floor."""
    from vettriage.content import load_catalogue
    from vettriage.engine import assess, read_answers_file
    from vettriage.followup import since_last_visit, values_by_date, top_level_scores

    root = Path(__file__).resolve().parents[1]
    cat = load_catalogue()
    assessment = assess(cat, read_answers_file(cat, root / "examples" / "arthritis.yaml")).model_dump(mode="json")
    store = open_store(url)
    dog = store.add_dog("Fifty visits")
    start = dt.datetime(2022, 1, 1, tzinfo=dt.timezone.utc)

    def add50(tx: Tx) -> None:
        tx.insert_many("intakes", [dict(
            dog_id=dog.id, by="owner", mode="owner", status="completed", urgency=assessment["urgency"],
            emergency=False, created_at=start + dt.timedelta(days=30 * k), updated_at=start + dt.timedelta(days=30 * k),
            content_version=cat.version, content_hash=cat.hash, answers={}, position=None, assessment=assessment,
            rescreen_due=(start + dt.timedelta(days=30 * k + 28)).date(), rescreen_reason="bench")
            for k in range(50)])

    def spread_due(tx: Tx) -> None:  # the bulk fill sets no re-screen dates: give completed ones a routine one
        rows = tx.rows("SELECT id, created_at FROM intakes WHERE status <> 'in_progress' AND rescreen_due IS NULL")
        tx.executemany("UPDATE intakes SET rescreen_due = ? WHERE id = ?",
                       [(tx.dialect.dump("date", r["created_at"].date() + dt.timedelta(days=182)), r["id"])
                        for r in rows])

    store.run(add50, write=True)
    store.run(spread_due, write=True)
    if store.dialect == "postgresql":
        store.run(lambda tx: tx.execute("ANALYZE"), write=True)
    ids = [s.id for defs in top_level_scores(cat).values() for s in defs]
    show, query, floor = [], [], []
    for _ in range(repeat):
        t = time.perf_counter()
        visits = store.visits(dog.id)
        query.append(time.perf_counter() - t)
        pairs = [(v.at, v.assessment) for v in visits]
        since_last_visit(cat, pairs)
        values_by_date(pairs, ids)
        show.append(time.perf_counter() - t)
        floor.append(_bare(store, "SELECT i.id, i.created_at, i.urgency, i.assessment, i.rescreen_due FROM intakes i "
                                  "WHERE i.dog_id = ? AND i.status IN ('completed', 'amended') "
                                  "ORDER BY i.created_at DESC, i.id DESC", (dog.id,)))
    print(f"  dogs show, {len(visits)} visits: floor (bare query) {_ms(floor)}")
    print(f"  dogs show, {len(visits)} visits: store.visits (decoded) {_ms(query)}")
    print(f"  dogs show, {len(visits)} visits: store + change table {_ms(show)}   "
          f"({statistics.median(show) / statistics.median(floor):.1f}x floor)")
    from vettriage.store.sqlstore import DUE_SELECT

    on = dt.date(2026, 12, 1)
    due, floor, same = [], [], []
    for _ in range(repeat):
        t = time.perf_counter()
        n_due = len(store.dogs_due(on))
        due.append(time.perf_counter() - t)
        day = store.run(lambda tx: tx.dialect.dump("date", on))
        floor.append(_bare(store, "SELECT id, dog_id, rescreen_due FROM intakes WHERE rescreen_due <= ?", (day,)))
        same.append(_bare(store, DUE_SELECT, (day,)))
    print(f"  dogs due: floor (bare range query on the index) {_ms(floor)}")
    print(f"  dogs due: the store's statement, bare driver    {_ms(same)}")
    print(f"  dogs due ({n_due:,} dogs due)                   {_ms(due)}   "
          f"({statistics.median(due) / statistics.median(floor):.1f}x floor)")
    store.close()


IMPORT_CHILD = """
import resource, sys, time
t = time.perf_counter()
from vettriage.cli import main
code = main(["intakes", "import", sys.argv[1], "--db", sys.argv[2]])
took = time.perf_counter() - t
print(code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, took)
"""
BARE_CHILD = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def export_file(path: Path, n: int) -> None:
    """A JSON export of n intakes over n // 5 dogs, written as `intakes export` writes it, with the answers of
    examples/arthritis.yaml and their real Assessment (so the import checks them as it would a clinic's)."""
    from vettriage.content import load_catalogue
    from vettriage.engine import assess, read_answers_file
    from vettriage.store.transfer import _json_list

    cat = load_catalogue()
    answers = read_answers_file(cat, Path(__file__).resolve().parents[1] / "examples" / "arthritis.yaml")
    assessment = assess(cat, answers).model_dump(mode="json")
    when = "2026-01-01T09:00:00+00:00"
    dogs = max(1, n // 5)
    with open(path, "w", encoding="utf-8") as out:
        out.write('{\n  "format": "vettriage-export",\n  "format_version": 1,\n')
        _json_list(out, "dogs", ({"id": d, "name": f"Dog {d}", "breed_or_size": None, "birth_date": None,
                                  "age_years": None, "sex": None, "owner_name": None, "owner_contact": None,
                                  "created_at": when} for d in range(1, dogs + 1)), last=False)
        _json_list(out, "intakes", ({
            "id": i, "dog_id": 1 + i % dogs, "by": "owner", "mode": "owner", "status": "completed",
            "urgency": assessment["urgency"], "emergency": assessment["urgency"] == "emergency",
            "created_at": when, "updated_at": when, "content_version": cat.version, "content_hash": cat.hash,
            "position": None, "answers": answers.values, "assessment": assessment,
            "audit": [{"item_id": k, "old_value": None, "new_value": v, "who": "owner", "at": when, "reason": None}
                      for k, v in answers.values.items()]} for i in range(1, n + 1)), last=True)
        out.write("}\n")


def import_memory(directory: Path, sizes: list[int]) -> None:
    """Peak RSS of `intakes import` in a fresh process for each size, against a bare interpreter's."""
    import subprocess

    bare = int(subprocess.run([sys.executable, "-c", BARE_CHILD], capture_output=True, text=True).stdout)
    print(f"import memory (fresh process each; bare interpreter {bare / 1024:.1f} MiB peak RSS), target flat:")
    for n in sizes:
        path, db = directory / f"export-{n}.json", directory / f"import-{n}.db"
        t = time.perf_counter()
        export_file(path, n)
        made = time.perf_counter() - t
        out = subprocess.run([sys.executable, "-c", IMPORT_CHILD, str(path), str(db)], capture_output=True,
                             text=True)
        code, rss, took = out.stdout.split()[-3:]  # after the command's own line
        assert code == "0", out.stderr
        print(f"  {n:>7,} intakes ({path.stat().st_size / 2**20:7.1f} MiB file, made in {made:5.1f} s): "
              f"peak RSS {int(rss) / 1024:6.1f} MiB, import {float(took):6.1f} s "
              f"({float(took) / n * 1e6:5.0f} us per intake)")
        path.unlink()
        db.unlink()


def main() -> None:
    """Run and print."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="database URL (default: a new SQLite file in a temp dir)")
    p.add_argument("--intakes", type=int, default=100_000)
    p.add_argument("--saves", type=int, default=500)
    p.add_argument("--import-only", action="store_true", help="only the import memory figures")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        if args.import_only:
            import_memory(d, [1_000, args.intakes])
            return
        url = args.url or str(d / "bench.db")
        print(f"python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}")
        print(f"database: {url.split('?')[0]}")
        floor, saves = autosave_vs_floor(d, url, args.saves)
        print(f"autosave, {args.saves} answers:")
        print(f"  floor: bare sqlite3 insert+commit   {_ms(floor)}")
        print(f"  store.save_answer                   {_ms(saves)}   "
              f"({statistics.median(saves) / statistics.median(floor):.1f}x floor; target median <= 2 ms)")
        took = fill(url, args.intakes, max(1, args.intakes // 5))
        print(f"list and search over {args.intakes:,} intakes ({args.intakes // 5:,} dogs; bulk fill {took:.1f} s), "
              "target <= 50 ms:")
        searches(url, 15)
        print("follow-up visits:")
        followup(url, 15)
        import_memory(d, [1_000, args.intakes])


if __name__ == "__main__":
    main()
