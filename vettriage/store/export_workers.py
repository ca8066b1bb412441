"""A big export on every core (SQLite, compact JSON): the intakes are cut into one contiguous id range per
worker, each worker process writes its range (with the audit trails), the first straight into the output after
the opening and the dogs that this process writes, the others into part files beside the output, appended in
order as each is done: the file is byte for byte the one a single process writes (transfer.write_export), and
so is the list of damaged rows left out.

One state for all. Python's sqlite3 cannot hand a snapshot from one connection to another, so this process
takes the write lock for a moment (BEGIN IMMEDIATE: nothing can commit while it is held); under it each worker,
and this process's own reader of the dogs, begins a read transaction and reads, which pins its snapshot to the
last commit; only when all are pinned is the lock released (rolled back: an export never writes). The workers
are forked and connected before the lock is taken, so a writer (an autosave) waits only for the pinning, a few
milliseconds (`intakes export` prints it), well inside the store's lock wait (store/db.py, LOCK_WAIT_S).

Workers are forked (cheap, no imports again) while this process holds no connection: the store's idle
connections are closed first, and every connection is opened after the fork by the process that uses it. A
worker that fails, dies or does not answer fails the export with one line (StoreError); the part files are
removed whatever happens, Ctrl-C included (the workers ignore SIGINT: the parent stops them).

PostgreSQL exports stay serial (one REPEATABLE READ transaction): see docs/STORE.md.
"""

from __future__ import annotations

import os
import time
from typing import Any, TextIO

from vettriage.store.api import StoreError
from vettriage.store.db import Damaged, Tx, lock_wait

MIN_INTAKES = 2000
"""Smaller stores are exported by one process. Measured with bench/store.py (--serial, 2 cores shared, load
4-7): two workers cost 0.05-0.2 s more CPU than one process (fork, connect, pin, the parts appended); at 5,000
intakes they were faster in one series (7.4 s against 8.1 s wall) and not in a busier one (9.6-12.6 s against
6.7-10.2 s, load 5.6); at 1,000-2,000 the difference was within the machine's noise (1-5 s either way). On an
idle machine two workers should pay from a few hundred intakes, not measured here. Below 2,000 intakes an export
takes a few seconds anyway, and need not take the write lock or start processes at all."""
LOCK_TRY_S = 2.0
"""How long to wait for the write lock (an autosave holds it for milliseconds); past it, or on a file that
cannot be locked for writing (read-only), the export is written by one process, which needs no lock."""
PIN_WAIT_S = 5.0
"""How long the workers may take to pin their snapshots while the write lock is held (they are already
connected: it takes milliseconds). Past it the export fails rather than keep writers waiting."""


def workers(requested: int | None) -> int:
    """`requested`, else the cores this process may run on (at most 8)."""
    if requested:
        return max(1, requested)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def ranges(tx: Tx, jobs: int, min_intakes: int | None = None) -> list[tuple[int, int | None]] | None:
    """(after, upto] id ranges of about equal count, each starting where a one-process export starts a page
    (so each page holds the same intakes, and damaged rows are listed in the same order); None for too few
    intakes. Read before the write lock is taken: the ranges cover every id whatever changes meanwhile (the
    last is open-ended), only their balance could suffer."""
    from vettriage.store.transfer import PAGE

    n = tx.scalar("SELECT count(*) FROM intakes")
    if not isinstance(n, int) or n < max(MIN_INTAKES if min_intakes is None else min_intakes, 1) or jobs < 2:
        return None
    pages = -(-n // PAGE)
    cuts: list[int] = []
    for k in range(1, jobs):
        at = round(pages * k / jobs) * PAGE
        if 0 < at < n:
            cut = tx.scalar("SELECT id FROM intakes ORDER BY id LIMIT 1 OFFSET ?", (at - 1,))
            if not isinstance(cut, int) or (cuts and cut <= cuts[-1]) or cut <= 0:
                return None  # ids not in order (a damaged table): the one-process export says what it can
            cuts.append(cut)
    if not cuts:
        return None
    bounds: list[Any] = [0, *cuts, None]
    return list(zip(bounds[:-1], bounds[1:]))


class _Failed(Exception):
    """A worker failed: one line saying how."""


def write_parallel(store: Any, out: TextIO, parts_dir: str | None, jobs: int | None,
                   stats: dict[str, Any] | None = None,
                   split: list[tuple[int, int | None]] | None = None) -> tuple[int, int, list[Damaged]] | None:
    """The compact JSON export written by workers, or None when it does not apply (not SQLite, one core, no
    fork, a small store, ids out of order): then the caller writes it in one process. `split`: the ranges to
    use (tests), instead of equal ones."""
    import multiprocessing

    db = store._db  # noqa: SLF001 - the store's own package
    dialect = db.dialect
    n = workers(jobs)
    if dialect.name != "sqlite" or "fork" not in multiprocessing.get_all_start_methods():
        return None
    try:
        out.fileno()  # the parts are appended to it by the kernel
    except (AttributeError, OSError, ValueError):
        return None
    if split is None:
        if n < 2:
            return None
        # the size threshold is for the default: workers asked for by number are used from two pages on
        split = store.run(lambda tx: ranges(tx, n, None if jobs is None else 1))
        if split is None:
            return None
    out.flush()  # a forked worker must not inherit unwritten text (nor could it write it: it exits by _exit)
    start = out.tell() if out.seekable() else None
    store.close()  # no connection may be inherited across fork: the store opens a new one when next used
    parts: list[str] = []
    procs: list[Any] = []
    pipes: list[Any] = []
    lock_con = reader = None
    try:
        import tempfile

        ctx = multiprocessing.get_context("fork")
        directory = parts_dir or tempfile.gettempdir()
        targets: list[int | str] = [out.fileno()]  # the first range is written straight into the output
        for k, (after, upto) in enumerate(split):
            if k:
                fd, part = tempfile.mkstemp(dir=directory, prefix=".vettriage-export-part-")
                os.close(fd)
                parts.append(part)
                targets.append(part)
            here, there = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(there, dialect, after, upto, targets[k]), daemon=True,
                               name=f"vettriage-export-{k + 1}")
            proc.start()
            there.close()
            procs.append(proc)
            pipes.append(here)
        for pipe, proc in zip(pipes, procs):
            _expect(pipe, proc, "ready", lock_wait() * 3)
        try:
            reader = dialect.connect()
            lock_con = dialect.connect()
            try:  # waits for a writer already under way
                dialect.begin(lock_con, True, min(lock_wait(), LOCK_TRY_S))
            except dialect.errors:
                return None  # held for long, or a read-only file: one process needs no lock
            t = time.perf_counter()
            for pipe in pipes:
                pipe.send(("pin",))
            reader.execute("BEGIN")
            reader.execute("SELECT 1 FROM dogs LIMIT 1").fetchall()
            for pipe, proc in zip(pipes, procs):
                _expect(pipe, proc, "pinned", max(0.0, t + PIN_WAIT_S - time.perf_counter()))
            lock_con.execute("ROLLBACK")
            held = time.perf_counter() - t
            lock_con.close()
            lock_con = None
            if stats is not None:
                stats.update(workers=len(split), lock_held_s=held)
            done = _assemble(Tx(dialect, reader), out, pipes, procs, targets)
            if done is None:  # a damaged table: what was written goes, and one process reads it as it always did
                if start is None:
                    raise _Failed("the intakes table cannot be read in order; export again with --jobs 1")
                out.flush()
                out.seek(start)
                out.truncate()
                if stats is not None:
                    stats.clear()
                return None
            dogs, intakes, damaged, peaks = done
            if stats is not None:
                stats["worker_peak_rss_mib"] = peaks
            return dogs, intakes, damaged
        except dialect.errors as exc:
            raise db._error(exc, reader is None, lock_wait()) from None  # noqa: SLF001
    except _Failed as exc:
        raise StoreError(f"{db.url}: the export failed ({exc}); nothing was written") from None
    finally:
        for con in (lock_con, reader):
            if con is not None:
                try:
                    if con.in_transaction:
                        con.execute("ROLLBACK")
                    con.close()
                except dialect.errors:
                    pass
        for pipe in pipes:
            pipe.close()
        for proc in procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
        for part in parts:
            try:
                os.unlink(part)
            except FileNotFoundError:
                pass


def _assemble(tx: Tx, out: TextIO, pipes: list[Any], procs: list[Any],
              targets: list[int | str]) -> tuple[int, int, list[Damaged], list[float]] | None:
    """The opening and the dogs from this process's snapshot; then the first worker writes its range straight
    into the output (a forked child shares the file's offset: nothing else writes meanwhile), and each other
    worker's part is appended as it is done; with each worker's peak RSS in MiB. Appending costs a copy, so the
    first range is not copied at all."""
    from vettriage.store.transfer import OUT_OF_ORDER, _dogs, _json_list, json_head

    damaged: list[Damaged] = []
    json_head(out, None)
    dogs = _json_list(out, "dogs", _dogs(tx, damaged), last=False)
    bad_dogs = {d.id for d in damaged if d.what == "dog"}
    out.write('"intakes":[')
    out.flush()  # before the first worker writes after it
    for pipe in pipes:
        pipe.send(("go", bad_dogs))
    total = 0
    peaks: list[float] = []
    for pipe, proc, target in zip(pipes, procs, targets):
        _, count, found, peak = _expect(pipe, proc, "done", None)
        peaks.append(peak)
        if any(d.field == "id" and d.problem == OUT_OF_ORDER for d in found):
            return None  # a damaged table: only the one-process export reads it as it always did
        damaged += found
        if isinstance(target, str):
            if count:
                _append(out.fileno(), target, skip=0 if total else 1)  # the first record has no comma before it
            os.unlink(target)
        total += count
    out.write("\n]}\n")
    return dogs, total, damaged, peaks


def _append(fd: int, part: str, skip: int) -> None:
    """Append the part file (from byte `skip`) to the file or pipe `fd` at its position, in the kernel where it
    can (copy_file_range between files of one filesystem, else sendfile), else through a buffer."""
    import shutil

    with open(part, "rb") as src:
        offset, left = skip, os.fstat(src.fileno()).st_size - skip
        for copy in (getattr(os, "copy_file_range", None), _sendfile):
            if copy is None:
                continue
            try:
                while left > 0:
                    done = copy(src.fileno(), fd, left, offset)
                    if done <= 0:
                        break
                    offset += done
                    left -= done
            except OSError:
                continue  # not between these two files: the next way, from where this one stopped
            if left <= 0:
                return
        src.seek(offset)
        with open(fd, "wb", closefd=False) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def _sendfile(src: int, dst: int, count: int, offset: int) -> int:
    return os.sendfile(dst, src, offset, count)


def _expect(pipe: Any, proc: Any, what: str, timeout: float | None) -> tuple[Any, ...]:
    """The worker's next message, which must be `what`; _Failed when it reports an error, dies or is silent."""
    from multiprocessing.connection import wait

    ready = wait([pipe, proc.sentinel], timeout)
    if pipe.poll():
        try:
            msg = pipe.recv()
        except (EOFError, OSError):
            msg = None
        if msg is not None:
            if msg[0] == "error":
                raise _Failed(f"{proc.name}: {msg[1]}")
            if msg[0] == what:
                return msg
            raise _Failed(f"{proc.name}: said {msg[0]!r} instead of {what!r}")
    if not ready:
        raise _Failed(f"{proc.name} did not answer within {timeout:.1f} s")
    proc.join(1)
    raise _Failed(f"{proc.name} stopped unexpectedly (exit code {proc.exitcode})")


def _worker(pipe: Any, dialect: Any, after: int, upto: int | None, part: int | str) -> None:
    """In a forked worker: connect, pin a snapshot when told, then write the range's intakes to `part` (a part
    file, or the output's descriptor for the first range), each as ",\\n" and its compact record (the parent
    drops a part's comma when no record came before it; the first range writes its first one without)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's: it stops the workers
    con = None
    try:
        con = dialect.connect()
        pipe.send(("ready",))
        if pipe.recv()[0] != "pin":
            return
        con.execute(f"PRAGMA busy_timeout = {int(lock_wait() * 1000)}")
        con.execute("BEGIN")
        con.execute("SELECT 1 FROM intakes LIMIT 1").fetchall()  # the first read pins the snapshot
        pipe.send(("pinned",))
        msg = pipe.recv()
        if msg[0] != "go":
            return
        count, damaged = write_range(Tx(dialect, con), part, after, upto, msg[1])
        import resource

        pipe.send(("done", count, damaged, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    except BaseException as exc:  # noqa: BLE001 - said in one line by the parent
        try:
            pipe.send(("error", _one_line(exc)))
        except OSError:
            pass
    finally:
        if con is not None:
            try:
                con.close()
            except Exception:  # noqa: BLE001 - the process ends anyway
                pass


def write_range(tx: Tx, part: int | str, after: int, upto: int | None,
                bad_dogs: set[Any]) -> tuple[int, list[Damaged]]:
    """Write the intakes after < id <= upto to `part` (a path, or the output's descriptor: then the first
    record without a comma before it); (count, damaged rows left out)."""
    from vettriage.store.transfer import _compact_record, _intakes

    damaged: list[Damaged] = []
    n = 0
    lead = "\n" if isinstance(part, int) else ",\n"
    with open(part, "w", encoding="utf-8", newline="", buffering=1 << 20, closefd=not isinstance(part, int)) as f:
        write = f.write
        for rec, _ in _intakes(tx, damaged, bad_dogs, encoded=True, after=after, upto=upto):
            write(_compact_record(rec, lead))
            lead = ",\n"
            n += 1
    return n, damaged


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:300]
    if isinstance(exc, OSError) and exc.strerror:
        text = f"cannot write its part file ({exc.strerror})"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
