"""The check of a big import on every core: our own compact export, one record a line, is cut into batches of
lines (byte ranges of the file) that worker processes read, parse, check and encode (an intake costs about 1.3
ms of checking, most of it the JSON, the Assessment's checks and the audit events), while this process keeps
what must be seen in order: the dogs, each intake id once, the spool's order.

It is an optimistic path. A file laid out any other way (indented, edited, CSV), or any problem at all in a
record, makes it give up (None), and the caller checks the whole file again the ordinary way, one record at a
time, so that what is refused, and the one line that says why, are exactly what they always were.
"""

from __future__ import annotations

import json
import math
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

_job: Any = None  # (checker, spool, the file's descriptor) once every dog is read: a forked worker inherits them


SHORT_NUMBER = 19
"""Longest number literal the workers' decoder reads (jsonread allows 40): a longer one gives up, so that no JSON
text a worker checks holds a run of 20 digits and validate's whole-number check can be skipped (see _float)."""


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object, refused when a key comes twice: jsonread's rule, by counting (its loop over every key in
    Python cost as much as the parsing)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("a key given twice")
    return out


def _int(text: str) -> int:
    if len(text) >= SHORT_NUMBER:
        raise ValueError("a long number")
    return int(text)


def _float(text: str) -> float:
    """As jsonread's, but shorter. A float's JSON text (its repr) then has no 20-digit run either: a repr has at
    most the literal's significant digits, and a value written without an exponent needs 3 zeros and 17 of them
    after its point for a run of 20, which takes more than SHORT_NUMBER characters of literal."""
    if len(text) >= SHORT_NUMBER:
        raise ValueError("a long number")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("out of range")
    return value


DECODER = json.JSONDecoder(object_pairs_hook=_unique, parse_int=_int, parse_float=_float,
                           parse_constant=jsonread.DECODER.parse_constant)
"""What a worker reads a record with: jsonread's strict decoder's rules, with shorter numbers."""


def canonical(text: str) -> Any:
    """The value of one record's text (a whole line of it), as the ordinary reading would take it, or None (then
    the caller gives up, and the ordinary reading says what it finds). Every value this returns is the one
    jsonread's strict decoder returns (a key given twice, a number out of range, NaN refused), and it refuses
    more (numbers of SHORT_NUMBER characters or more), so a record read here is never accepted where the
    ordinary reading refuses it. Not the plain parser checked by writing the value back compactly (JsonStream's
    way): its hooks cost less than the writing back."""
    try:
        value, end = DECODER.raw_decode(text)
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
    checker.short_numbers = True  # every record below is read by DECODER
    global _job
    # bytes, not text: the lines of intakes are only measured here, and each worker reads its own batches from the
    # file (os.pread on the inherited descriptor: no shared offset), instead of this process decoding them and
    # pickling them down a pipe (issue 30: a 3.77 GB file at 100,000 intakes)
    with open(path, "rb", buffering=1 << 20) as f:
        if f.readline() != HEADER.encode() or f.readline() != b'"dogs":[\n':
            return None
        dogs = 0
        for line in _records(f, b"],\n"):
            rec = canonical(_text(line)) if line is not None else None
            if rec is None:
                return None
            try:
                checker.dog(rec, dogs)
            except InputError:
                return None
            spool.dog(rec)
            dogs += 1
        if f.readline() != b'"intakes":[\n':
            return None
        _job = (checker, spool, f.fileno())
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
        if intakes is None or f.read(1) != b"":
            return None
    return dogs, intakes


def _text(line: bytes) -> str:
    """A record line's text as the ordinary reading decodes it, or "" (which no decoder takes) for one it would
    not read as one line: not UTF-8, or holding a carriage return (text-mode reading ends a line there)."""
    if b"\r" in line:
        return ""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return ""


def _records(f: Any, closer: bytes) -> Any:
    """Each record line (without its comma) up to the list's closing line; None for a line that is not laid out
    as ours (then the caller gives up)."""
    more = True
    while True:
        line = f.readline()
        if line == closer:
            return
        if not line.endswith(b"\n") or not more:
            yield None
            return
        text = line[:-1]
        more = text.endswith(b",")
        yield text[:-1] if more else text


def _intakes(f: Any, pool: Any, n_workers: int, checker: Any, spool: Any) -> int | None:
    """Cut the intakes' lines into batches of BATCH, handed to the workers as byte ranges of the file, and take
    their results in order."""
    pending: deque[Any] = deque()
    total = submitted = 0
    last = 0  # ids are positive
    start = f.tell()
    more, done = True, False
    while not done or pending:
        while not done and len(pending) < 2 * n_workers:  # a few batches ahead: memory stays flat
            end, n = start, 0
            while n < BATCH:
                line = f.readline()
                if line == b"]}\n":
                    done = True
                    break
                if not line.endswith(b"\n") or not more:
                    return None
                more = line.endswith(b",\n")
                end += len(line)
                n += 1
            if n:
                pending.append(pool.submit(_work, submitted, start, end))
                submitted += n
            start = end
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


def _work(first: int, start: int, end: int) -> tuple[list[int], bytes] | None:
    """In a worker: read, parse, check and encode one batch, the record lines between two offsets of the file
    (each ends with a newline, and all but the list's last with a comma); None at the first thing amiss."""
    checker, spool, fd = _job
    checker.intake_ids.clear()  # a batch's own; the parent sees every id, in order
    data = os.pread(fd, end - start, start)
    if len(data) != end - start:
        return None  # the file changed under the import
    ids, intakes, audit = [], [], []
    for k, line in enumerate(data[:-1].split(b"\n")):
        rec = canonical(_text(line[:-1] if line.endswith(b",") else line))
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
