"""The check of a big import on every core: our own compact export, one record a line, is cut into batches of
lines that worker processes parse, check and encode (an intake costs about 2 ms of checking, most of it the
re-derivation, the JSON and its audit events), while this process keeps what must be seen in order: the dogs,
each intake id once, the spool's order.

It is an optimistic path. A file laid out any other way (indented, edited, CSV), or any problem at all in a
record, makes it give up (None), and the caller checks the whole file again the ordinary way, one record at a
time, so that what is refused, and the one line that says why, are exactly what they always were.
"""

from __future__ import annotations

import json
import os
import pickle
from collections import deque
from pathlib import Path
from typing import Any

from vettriage import jsonread
from vettriage.errors import InputError
from vettriage.store.heap import give_back_big_buffers

FAST = json.JSONDecoder(parse_constant=jsonread.DECODER.parse_constant)
"""The stdlib parser with no hook per object or number (those cost as much as the parsing): JsonStream keeps a
value it reads only when writing it back compactly gives the very text it was read from."""
compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""One record as compact JSON, by the C encoder (an indent makes json fall back to its pure-Python encoder,
about 3x slower)."""

HEADER = '{"format":"vettriage-export","format_version":1,\n'
BATCH = 100
"""Intakes a worker is given at a time (about 4 MB of text)."""
MIN_BYTES = 16 << 20
"""Smaller files are checked in this process: starting workers costs more than it saves."""

_job: Any = None  # (checker, spool) as they stand once every dog is read: a forked worker inherits them


def canonical(text: str) -> Any:
    """The value of one record's text (a whole line of it), as the ordinary reading would take it, or None. By
    jsonread's strict decoder (a key given twice, a number out of range, NaN refused), not by the plain parser
    checked by writing the value back compactly (JsonStream's way): its hooks cost less than the writing back
    (0.37 against 0.55 ms for an intake of 36 KB with its Assessment), and what it returns is by construction
    what the ordinary reading returns."""
    try:
        value, end = jsonread.DECODER.raw_decode(text)
    except (ValueError, RecursionError):
        return None
    return value if end == len(text) else None


def workers() -> int:
    """How many worker processes an import may use (the cores this process may run on), 1 for none."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


def applies(path: Path) -> bool:
    """Whether check_in_parallel will try this file: workers to share it, and big enough to be worth them (it may
    still give up on what it finds inside)."""
    import multiprocessing

    return (workers() >= 2 and "fork" in multiprocessing.get_all_start_methods()
            and path.stat().st_size >= MIN_BYTES)


def check_in_parallel(path: Path, checker: Any, spool: Any) -> tuple[int, int] | None:
    """(dogs, intakes) checked and spooled, or None when this path does not apply or anything is amiss."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if not applies(path):
        return None
    n_workers = workers()
    global _job
    with open(path, encoding="utf-8", newline="") as f:
        if f.readline() != HEADER or f.readline() != '"dogs":[\n':
            return None
        dogs = 0
        for text in _records(f, "],\n"):
            rec = canonical(text) if text is not None else None
            if rec is None:
                return None
            try:
                checker.dog(rec, dogs)
            except InputError:
                return None
            spool.dog(rec)
            dogs += 1
        if f.readline() != '"intakes":[\n':
            return None
        _job = (checker, spool)
        give_back_big_buffers()  # else the batches' buffers fragment the heap: it grew with the file
        # concurrent.futures rather than multiprocessing.Pool: leaving a Pool early (a record amiss) terminates
        # it, which can hang for ever when its task thread is blocked feeding workers that are gone; an executor
        # cancels what is queued and waits only for the batches already running
        pool = ProcessPoolExecutor(n_workers, mp_context=multiprocessing.get_context("fork"))
        try:
            intakes = _intakes(f, pool, n_workers, checker, spool)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            _job = None
        if intakes is None or f.read(1) != "":
            return None
    return dogs, intakes


def _records(f: Any, closer: str) -> Any:
    """Each record line's text (without its comma) up to the list's closing line; None for a line that is not
    laid out as ours (then the caller gives up)."""
    more = True
    while True:
        line = f.readline()
        if line == closer:
            return
        if not line.endswith("\n") or not more:
            yield None
            return
        text = line[:-1]
        more = text.endswith(",")
        yield text[:-1] if more else text


def _intakes(f: Any, pool: Any, n_workers: int, checker: Any, spool: Any) -> int | None:
    pending: deque[Any] = deque()
    total = submitted = 0
    last = 0  # ids are positive
    batch: list[str] = []
    lines = _records(f, "]}\n")
    done = False
    while not done or pending:
        while not done and len(pending) < 2 * n_workers:  # a few batches ahead: memory stays flat
            for text in lines:
                if text is None:
                    return None
                batch.append(text)
                if len(batch) == BATCH:
                    break
            else:
                done = True
            if batch:
                pending.append(pool.submit(_work, submitted, batch))
                submitted += len(batch)
                batch = []
        if not pending:
            break
        try:
            result = pending.popleft().result()
        except Exception:  # a worker's failure (or a broken pool): the ordinary check says what it was
            return None
        if result is None:
            return None
        ids, data = result
        for i in ids:  # our export lists intakes by id: rising ids are distinct, and none is kept (7 MiB at 100,000)
            if i <= last:
                return None
            last = i
        spool.add_chunks(data)
        total += len(ids)
    return total


def _work(first: int, texts: list[str]) -> tuple[list[int], bytes] | None:
    """In a worker: parse, check and encode one batch; None at the first thing amiss."""
    checker, spool = _job
    checker.intake_ids.clear()  # a batch's own; the parent sees every id, in order
    ids, intakes, audit = [], [], []
    for k, text in enumerate(texts):
        rec = canonical(text)
        if rec is None:
            return None
        try:
            checked = checker.intake(rec, first + k)
        except InputError:
            return None
        row, events = spool.rows(rec, checked)
        ids.append(rec["id"])
        intakes.append(row)
        audit += events
    return ids, pickle.dumps(("intakes", intakes), pickle.HIGHEST_PROTOCOL) + pickle.dumps(
        ("audit", audit), pickle.HIGHEST_PROTOCOL)
