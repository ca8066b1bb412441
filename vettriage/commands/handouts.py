"""`vettriage handouts`: the owner handout of every completed intake of one local day, as files.

HTML by default (a few milliseconds each); PDF on request, laid out by a pool of worker processes, one per
core (`vettriage.render.pdf_pool`). Progress goes to standard error; one handout that cannot be made is named
there in one line and the others are still written (exit 2 when any failed).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from vettriage.errors import InputError, StoreError


class Progress:
    """"12/1000 handouts" on standard error: rewritten in place on a terminal (at most ten times a second),
    else a plain line at every tenth of the way and at the end, so a log stays short."""

    def __init__(self, total: int, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.total, self.done = total, 0
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet or total == 0
        try:
            self.tty = self.stream.isatty()
        except (AttributeError, ValueError):
            self.tty = False
        self._every = max(1, -(-total // 10))
        self._shown = 0.0

    def step(self) -> None:
        self.done += 1
        if self.quiet:
            return
        line = f"{self.done}/{self.total} handouts"
        if self.tty:
            now = time.monotonic()
            if now - self._shown >= 0.1 or self.done == self.total:
                self._shown = now
                self.stream.write(f"\r{line}" + ("\n" if self.done == self.total else ""))
                self.stream.flush()
        elif self.done % self._every == 0 or self.done == self.total:
            self.stream.write(line + "\n")
            self.stream.flush()

    def end(self) -> None:
        """Leave the line in place (a run cut short stops mid-line)."""
        if self.tty and not self.quiet and 0 < self.done < self.total:
            self.stream.write("\n")
            self.stream.flush()


def _one_line(exc: Exception) -> str:
    """An error as one line: the first problem of several, with how many more."""
    lines = exc.lines() if hasattr(exc, "lines") else [str(exc)]
    more = f" (and {len(lines) - 1} more problem(s))" if len(lines) > 1 else ""
    return lines[0] + more


def handout_name(day: Any, intake_id: int, dog_name: str, fmt: str) -> str:
    from vettriage.commands.report import _slug

    return f"{day.isoformat()}_intake{intake_id}_{_slug(dog_name)}_handout.{fmt}"


def run_handouts(args: argparse.Namespace) -> int:
    """Write the day's handouts; say how many were written and, when none, why; exit 2 if any failed."""
    from vettriage.commands._packs import load_content
    from vettriage.commands.report import (_store_errors, clinic_from_config, handouts_summary, intakes_of_day,
                                           load_intake_inputs, parse_day)
    from vettriage.render import render
    from vettriage.render.pdf_pool import worker_count

    day = parse_day(args.date)
    out_dir = Path(args.output)
    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs", None, f"{args.jobs} is not a number of worker processes (1 or more)")
    workers = worker_count(args.jobs)
    cat = load_content(args, args.content)
    clinic = clinic_from_config()
    failed: dict[int, str] = {}

    def work(store: Any) -> tuple[int, int]:
        every = intakes_of_day(store, day)
        rows = [r for r in every if r.status in ("completed", "amended")]
        if rows:
            try:
                out_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(str(out_dir), None, f"cannot create folder: {exc.strerror or exc}") from None
        progress = Progress(len(rows), quiet=args.quiet)

        def done(intake_id: int, error: str | None) -> None:
            if error is not None:
                failed[intake_id] = error
            progress.step()

        def html_of(row: Any) -> str | None:
            """The handout's HTML, or None with the reason noted (one stale record must not stop the day)."""
            try:
                intake = store.get_intake(row.id)
                assessment, values, meta = load_intake_inputs(cat, intake, clinic, args.diary, store.audit(row.id))
                return render("handout", "html", cat, assessment, values, meta,  # type: ignore[return-value]
                              paper=args.paper)
            except (InputError, StoreError) as exc:
                done(row.id, _one_line(exc))
            except Exception as exc:  # noqa: BLE001 - reported in one line; the other handouts go on
                done(row.id, f"the handout could not be made ({type(exc).__name__}: {exc})")
            return None

        try:
            if args.format == "pdf":
                from vettriage.render.pdf_pool import Job, PdfPool

                with PdfPool(min(workers, len(rows)) or 1, done) as pool:
                    for row in rows:
                        html = html_of(row)
                        if html is not None:
                            path = out_dir / handout_name(day, row.id, row.dog_name, "pdf")
                            pool.submit(Job(row.id, html, str(path)))
                    pool.finish()
            else:
                from vettriage.files import write_atomic

                for row in rows:
                    html = html_of(row)
                    if html is None:
                        continue
                    try:
                        write_atomic(out_dir / handout_name(day, row.id, row.dog_name, "html"), html)
                    except InputError as exc:
                        done(row.id, _one_line(exc))
                    else:
                        done(row.id, None)
        finally:
            progress.end()
        return len(rows), len(every) - len(rows)

    completed, unfinished = _store_errors(args, work)
    for intake_id in sorted(failed):
        text = " ".join(failed[intake_id].split())
        named = text if text.startswith(f"intake {intake_id}:") else f"intake {intake_id}: {text}"
        print(f"vettriage: error: {named}", file=sys.stderr)
    print(handouts_summary(day, out_dir, completed - len(failed), len(failed), unfinished))
    return 2 if failed else 0
