"""What keeps a big import's memory flat in the number of intakes (issue 30): the worker processes' batches are
taken back a few at a time, the batches' big buffers are given back to the system when freed instead of
leaving holes in the heap (store/heap.py), and no intake id is kept (our export lists them in order)."""

from __future__ import annotations

import concurrent.futures
import ctypes
import os
import subprocess
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.store.test_transfer_scale import N, _export, _fill
from vettriage.store import import_workers, open_store
from vettriage.store.backend import make_database, resolve_url
from vettriage.store.heap import BIG, give_back_big_buffers
from vettriage.store.spool import Spool
from vettriage.store.transfer import check_and_write_at_once, import_file
from vettriage.store.validate import Checker

ROOT = Path(__file__).resolve().parents[2]


class CountingExecutor(ProcessPoolExecutor):
    """The import's executor, counting the batches submitted whose result the import has not yet taken back
    (in flight: their texts held and sent, their rows waiting to be written)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = self.most = self.batches = 0
        EXECUTORS.append(self)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future:
        future = super().submit(fn, *args, **kwargs)
        self.batches += 1
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        taken = future.result

        def result(timeout: Any = None) -> Any:
            self.in_flight -= 1
            return taken(timeout)

        future.result = result  # type: ignore[method-assign]
        return future


EXECUTORS: list[CountingExecutor] = []


def test_no_more_than_two_batches_a_worker_are_in_flight(tmp_path, monkeypatch):
    source = str(tmp_path / "source.db")
    _fill(source)
    path = _export(source, tmp_path / "e.json")
    monkeypatch.setattr(import_workers, "MIN_BYTES", 0)
    monkeypatch.setattr(import_workers, "BATCH", 20)
    monkeypatch.setattr(import_workers, "workers", lambda: 2)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountingExecutor)
    EXECUTORS.clear()
    target = open_store(str(tmp_path / "t.db"))
    try:
        dogs, intakes = check_and_write_at_once(target, path, {"v"}, None)
        assert target.run(lambda tx: tx.scalar("SELECT COUNT(*) FROM intakes")) == intakes
    finally:
        target.close()
    [pool] = EXECUTORS
    assert pool.batches == -(-intakes // 20) > 2 * 2 * 10  # many more batches than the bound
    assert pool.in_flight == 0 and pool.most <= 2 * 2


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                      "fsmblks", "uordblks", "fordblks", "keepcost")]


def _glibc() -> Any:
    try:
        libc = ctypes.CDLL(None)
        libc.mallinfo2.restype = _Mallinfo2
        return libc
    except (OSError, AttributeError):
        return None


# In a fresh process: glibc's threshold is the process's own, and moves as blocks are freed. The script frees a
# block of 8 MiB (glibc then serves anything smaller from the heap), then asks for nothing ("none") or calls
# give_back_big_buffers ("asked"), and says whether a block of 1 MiB got a mapping of its own.
MAPPED = r"""
import ctypes, sys
sys.path.insert(0, sys.argv[1])
from tests.store.test_import_memory import _glibc
libc = _glibc()
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = (ctypes.c_void_p,)
libc.free(libc.malloc(8 << 20))
if sys.argv[2] == "asked":
    from vettriage.store.heap import give_back_big_buffers
    give_back_big_buffers()
mapped = libc.mallinfo2().hblkhd
block = libc.malloc(1 << 20)
print(libc.mallinfo2().hblkhd - mapped >= 1 << 20)
libc.free(block)
"""


def _mapped_after(*what: str) -> bool:
    out = subprocess.run([sys.executable, "-c", MAPPED, str(ROOT), *what], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip() == "True"


needs_glibc = pytest.mark.skipif(sys.platform != "linux" or _glibc() is None, reason="glibc's malloc only")


@needs_glibc
def test_a_big_block_gets_a_mapping_of_its_own_once_asked():
    assert not _mapped_after("none")  # else glibc no longer moves its threshold, and this file tests nothing
    assert _mapped_after("asked")
    assert BIG < 1 << 20


def test_an_import_by_workers_asks_for_big_buffers_back_before_its_workers_start(tmp_path, monkeypatch):
    """The import asks once, before the pool forks its workers (they inherit the setting); what asking does is
    tested in a fresh process above. A probe by allocation after an import cannot tell: glibc serves a big
    request from a free chunk of the heap when it has one, whatever the threshold."""
    source = str(tmp_path / "source.db")
    _fill(source, 60)
    path = _export(source, tmp_path / "e.json")
    monkeypatch.setattr(import_workers, "MIN_BYTES", 0)
    monkeypatch.setattr(import_workers, "BATCH", 20)
    monkeypatch.setattr(import_workers, "workers", lambda: 2)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", CountingExecutor)
    asked: list[int] = []
    monkeypatch.setattr(import_workers, "give_back_big_buffers", lambda: asked.append(len(EXECUTORS)))
    EXECUTORS.clear()
    target = open_store(str(tmp_path / "t.db"))
    try:
        assert import_file(target, str(path), {"v"}) == (12, 60)
    finally:
        target.close()
    [pool] = EXECUTORS
    assert pool.batches == 3  # the workers did check the intakes
    assert asked == [0]  # once, before the pool existed


def test_elsewhere_nothing_changes(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert give_back_big_buffers() is False


def _by_workers(monkeypatch) -> None:
    monkeypatch.setattr(import_workers, "MIN_BYTES", 0)
    monkeypatch.setattr(import_workers, "BATCH", 50)
    monkeypatch.setattr(import_workers, "workers", lambda: 2)


def test_checking_by_workers_keeps_no_intake_id(tmp_path, monkeypatch):
    source = str(tmp_path / "source.db")
    _fill(source)
    path = _export(source, tmp_path / "e.json")
    _by_workers(monkeypatch)
    checker = Checker(str(path), {"v"})
    with Spool(make_database(resolve_url(source)).dialect) as spool:
        assert import_workers.check_in_parallel(path, checker, spool) == (N // 5, N)
    assert checker.intake_ids == set() and len(checker.dog_ids) == N // 5


def test_intakes_out_of_id_order_still_import(tmp_path, monkeypatch):
    """Not our export's order: the workers' way gives up, and the ordinary check takes every intake."""
    source = str(tmp_path / "source.db")
    _fill(source)
    path = _export(source, tmp_path / "e.json")
    lines = path.read_text(encoding="utf-8").split("\n")
    a, b = (k for k, line in enumerate(lines) if line.startswith(('{"id":300,"dog_id"', '{"id":900,"dog_id"')))
    lines[a], lines[b] = lines[b], lines[a]
    path.write_text("\n".join(lines), encoding="utf-8")
    _by_workers(monkeypatch)
    target = open_store(str(tmp_path / "t.db"))
    try:
        assert import_file(target, path, {"v"}) == (N // 5, N)
        assert target.run(lambda tx: tx.scalar("SELECT COUNT(DISTINCT id) FROM intakes")) == N
    finally:
        target.close()
