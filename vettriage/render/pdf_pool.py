"""Many PDFs at once: a pool of worker processes, one per core, each importing WeasyPrint once.

A PDF costs about half a second of WeasyPrint layout and the HTML a few milliseconds, so the calling process
renders the HTML (escaped by the HTML environment, as for one document) and the workers only lay it out
through `vettriage.render.pdf.html_to_pdf` (the data-only URL fetcher: a worker can no more pull a local file
into a PDF than one process can) and write the file atomically. Every job ends as success or one line of
error: a document that fails, or a worker that dies, never loses the others.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


@dataclass(frozen=True)
class Job:
    """One document: whose it is (`key`, reported back), its HTML and the file to write."""

    key: Any
    html: str
    path: str


def worker_count(requested: int | None = None) -> int:
    """`requested`, else the cores this process may run on."""
    if requested:
        return max(1, requested)
    counted = getattr(os, "process_cpu_count", None)  # Python 3.13+: honours the affinity mask
    if counted is not None:
        return max(1, counted() or 1)
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _start_worker() -> None:
    """Each worker: WeasyPrint imported and the data-only fetcher built once, before its first document."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle: it stops the pool
    try:
        from vettriage.render.pdf import data_only_fetcher

        data_only_fetcher()
    except Exception:  # noqa: BLE001 - e.g. Pango missing: a failing initializer would break the whole pool,
        pass  # while each document's own attempt reports the reason in its line


def write_pdf(html: str, path: str) -> str | None:
    """In a worker: the PDF of `html` written atomically to `path`; None, or one line saying why not. Errors
    come back as text because an exception that does not pickle would break the whole pool."""
    from vettriage.errors import InputError
    from vettriage.files import write_atomic
    from vettriage.render.pdf import html_to_pdf

    try:
        write_atomic(Path(path), html_to_pdf(html))
    except InputError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - one document's failure is reported, the others go on
        return f"{Path(path).name}: the PDF could not be made ({type(exc).__name__}: {exc})"
    return None


def _context() -> Any:
    """Workers forked from a fresh server process (never from the caller, which may hold a database connection
    or threads), with WeasyPrint imported there once for all of them; spawn where there is no fork."""
    import multiprocessing

    try:
        ctx = multiprocessing.get_context("forkserver")
    except ValueError:
        return multiprocessing.get_context("spawn")
    ctx.set_forkserver_preload(["weasyprint", "vettriage.render.pdf", "vettriage.files"])
    return ctx


class PdfPool:
    """Submit jobs as they are ready; each outcome goes to `on_done(key, error or None)` as it comes.

    At most two jobs per worker wait at a time, so 1,000 handouts never hold 1,000 HTML strings in memory.
    A worker that dies (killed, out of memory) breaks the pool and every job in flight: those are run again
    one at a time in a fresh pool, so only one that kills a worker again is reported as failed.
    """

    def __init__(self, workers: int, on_done: Callable[[Any, str | None], None],
                 task: Callable[[str, str], str | None] = write_pdf) -> None:
        self.workers = workers
        self.on_done = on_done
        self.task = task
        self._pool: Any = None
        self._pending: dict[Any, Job] = {}
        self._broken: list[Job] = []

    def __enter__(self) -> PdfPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._reset(wait=True)

    def submit(self, job: Job) -> None:
        """Queue `job`, first waiting for room (reporting the jobs that finish meanwhile)."""
        from concurrent.futures.process import BrokenProcessPool

        while len(self._pending) >= 2 * self.workers:
            self._collect()
        try:
            future = self._executor(self.workers).submit(self.task, job.html, job.path)
        except BrokenProcessPool:
            self._reset()
            self._broken.append(job)
            return
        self._pending[future] = job

    def finish(self) -> None:
        """Wait for every job (the ones a dying worker took down run again last, one at a time)."""
        from concurrent.futures.process import BrokenProcessPool

        while self._pending:
            self._collect()
        self._reset(wait=True)
        broken, self._broken = self._broken, []
        for job in broken:
            try:
                error = self._executor(1).submit(self.task, job.html, job.path).result()
            except BrokenProcessPool:  # alone in its pool: this document's doing
                self._reset()
                error = f"{Path(job.path).name}: the PDF worker stopped unexpectedly, twice"
            self.on_done(job.key, error)
        self._reset(wait=True)

    def _executor(self, workers: int) -> Any:
        from concurrent.futures import ProcessPoolExecutor

        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                                             initializer=_start_worker)
        return self._pool

    def _collect(self) -> None:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        done, _ = wait(list(self._pending), return_when=FIRST_COMPLETED)
        broke = False
        for future in done:
            job = self._pending.pop(future)
            try:
                error = future.result()
            except BrokenProcessPool:
                broke = True
                self._broken.append(job)
                continue
            self.on_done(job.key, error)
        if broke:  # every job still in flight went down with it
            self._broken.extend(self._pending.values())
            self._pending.clear()
            self._reset()

    def _reset(self, wait: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
            self._pool = None
