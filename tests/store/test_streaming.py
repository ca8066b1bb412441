"""Streaming export and import (issue 15): the CSV field limit never blocks our own export, and memory does not
grow with the number of intakes (bench/store.py gives the figures at 1,000 and 100,000)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tracemalloc
from pathlib import Path

from vettriage.cli import main
from vettriage.store import open_store
from vettriage.store.db import Tx
from vettriage.store.transfer import check_export, import_file, write_export

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_csv_audit_cell_past_131072_characters_round_trips(db_url, new_db, tmp_path, capsys) -> None:
    assert main(["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Bella", "--db", db_url]) == 0
    s = open_store(db_url)
    try:
        for k in range(300):  # a long-amended record: each change keeps its reason in the audit trail
            s.save_answer(1, "owner_notes", f"note {k}", who="Tina", reason=f"call {k}: " + "r" * 480)
    finally:
        s.close()
    first, second = tmp_path / "one.csv", tmp_path / "two.csv"
    assert main(["intakes", "export", "--format", "csv", "-o", str(first), "--db", db_url]) == 0
    rows = list(csv.reader(io.StringIO(first.read_text()), strict=True)) if csv.field_size_limit(1 << 30) else []
    csv.field_size_limit(131072)  # the default, as a fresh process has it
    assert len(rows[1][rows[0].index("audit")]) > 131_072
    empty = new_db()
    code = main(["intakes", "import", str(first), "--db", empty])
    assert code == 0, capsys.readouterr().err
    assert main(["intakes", "export", "--format", "csv", "-o", str(second), "--db", empty]) == 0
    assert second.read_bytes() == first.read_bytes()


def _fill(url: str, n: int) -> None:
    """n intakes of n // 5 dogs, written in bulk (as bench/store.py does), each with a 10-answer audit trail."""
    s = open_store(url)
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    answers = {f"q{k}": k % 4 for k in range(10)}

    def tx(tx: Tx) -> None:
        tx.insert_many("dogs", [dict(name=f"Dog {d}", name_key=f"dog {d}", created_at=t0)
                                for d in range(max(1, n // 5))])
        for start in range(0, n, 500):
            ids = range(start + 1, min(n, start + 500) + 1)
            tx.insert_many("intakes", [dict(
                id=i, dog_id=1 + i % max(1, n // 5), by="owner", mode="owner", status="in_progress", urgency=None,
                emergency=False, created_at=t0, updated_at=t0, content_version="v", content_hash="h",
                answers=answers, position=None, assessment=None) for i in ids])
            tx.insert_many("audit", [dict(intake_id=i, item_id=k, old_value=None, new_value=v, who="owner", at=t0,
                                          reason=None) for i in ids for k, v in answers.items()])

    s.run(tx, write=True)
    s.close()


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_export_and_import_memory_does_not_grow_with_the_number_of_intakes(tmp_path) -> None:
    peaks = {}
    for n in (1000, 3000):  # both past one page (transfer.PAGE = 500 intakes)
        url = str(tmp_path / f"src{n}.db")
        _fill(url, n)
        path = tmp_path / f"e{n}.json"
        s = open_store(url)
        with open(path, "w", encoding="utf-8") as f:
            export_peak = _peak(lambda: write_export(s, f, "json"))
        s.close()
        assert check_export(path, {"v"}) == (max(1, n // 5), n)
        target = open_store(str(tmp_path / f"dst{n}.db"))
        import_peak = _peak(lambda: import_file(target, path, {"v"}))
        assert len(target.list_intakes(limit=10_000)) == n
        target.close()
        peaks[n] = (export_peak, import_peak)
    for k in (0, 1):
        # three times the intakes: the peak stays within a fixed margin (the id sets grow by a few bytes each)
        assert peaks[3000][k] < peaks[1000][k] * 1.3 + 500_000, peaks
