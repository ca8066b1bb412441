"""Figures for the terminal app as the user runs it, each against a floor measured in the same run.

Every figure runs `python -m vettriage intake --no-plain --dog Bench` in a real terminal: a pseudo-terminal of
80x24 (`--size`), TERM=xterm-256color, answering Textual's query for synchronized output as a modern terminal
does, so that each frame is written between `ESC[?2026h` and `ESC[?2026l` and the bench sees where every frame
ends. Frames are not capped (TEXTUAL_FPS=1000: Textual's default 60 would round every figure up to a 16.7 ms
tick), so what is measured is the work done per key.

The floor (bench/tui_floor.py) is the same job with the bare framework in the same kind of terminal process: a
question screen of the same shape (a progress line, a title, the question, a bordered list with the same
number of options or a text field, a key line) that on the same keys highlights an option and saves one row to
SQLite (WAL, synchronous=FULL, as our store), and on Enter saves one row and replaces the question, refilling
the same widgets. It walks the same questions with the same texts.

1. Start-up: process start -> the first question painted (the end of the first frame that holds it), against
   the floor's process painting the same first screen. Interleaved pairs.
2. Each key of a whole technician intake, as typed (README, "Keys"): a digit chooses, Enter goes on, a typed
   answer is typed character by character, 0 answers a grouped emergency screen "none of these". The walk is
   worked out beforehand with a headless IntakeSession on a store of its own (the answers a calm dog gets: the
   first point of a scale, no, the first option, "none" of a checklist, the lowest number). Timed from writing
   the key to the pseudo-terminal to the end of the last frame the key causes (the screen settled: no more
   output for QUIET seconds, shorter than the text cursor's 0.5 s blink); the first frame is printed too. Ours
   and the floor run side by side, each key sent to one then the other (the order alternating), so that load
   hits both alike. Median and p95 per kind of key, with their ratios.
   The CPU time each process used over the walk, per key, is printed too: less at the mercy of other
   processes on the machine than the timings.
3. Resident memory after the walk, ours against the floor.

Uncapped, Textual may paint a frame before every change a key makes has reached the screen (a change of focus
repaints at once; the new texts' layout follows a moment later), so a key can take a frame or two more than at
60 fps: the floor's the same, and the figure is the last frame, when the screen is settled.

The machine's load average is printed at the start and the end. Run: .venv/bin/python bench/tui.py
[--runs N] [--intakes N] [--size COLSxROWS]. PYTHONPATH at another checkout measures that checkout's app (the
walk is worked out with it too).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _figures import load, pair_line

HERE = Path(__file__).resolve().parent
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"  # DECRPM: synchronized output supported (currently reset)
FRAME_END = b"\x1b[?2026l"
QUIET = 0.2
"""Seconds without output after which a key's work is taken as done (the text cursor blinks every 0.5 s)."""
THINK = 0.02
"""Seconds between one key's settled screen and the next key (the timings start at the key, not here)."""


class Terminal:
    """A child process on a pseudo-terminal of a given size, read by this process as a terminal would be."""

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int]) -> None:
        master, slave = os.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.fd = master
        self.seen = b""
        """Everything read since the last `mark()` (for the needle of the first paint)."""
        self._tail = b""

    def _read(self, timeout: float) -> list[float]:
        """Read what is there within `timeout`; return the times frames ended in it."""
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return []
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:  # the child has gone
            raise RuntimeError(f"the terminal's process ended (exit {self.proc.poll()}): "
                               f"{self.seen[-400:]!r}") from None
        now = time.perf_counter()
        self.seen += data
        buf = self._tail + data
        if SYNC_QUERY in buf:
            os.write(self.fd, SYNC_REPLY)
        ends = [now] * buf.count(FRAME_END)
        # a marker split across two reads is found in the next one: keep what follows the last whole marker
        last = buf.rfind(FRAME_END)
        self._tail = buf[last + len(FRAME_END):][-16:] if last >= 0 else buf[-16:]
        return ends

    def first_paint(self, needle: bytes, limit: float = 60.0) -> float:
        """Seconds from the process's start to the end of the first frame holding `needle`."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            ends = self._read(0.5)
            if ends and needle in self.seen:
                return ends[-1] - self.started
        raise RuntimeError(f"no frame with {needle!r} within {limit} s: {self.seen[-600:]!r}")

    def settle(self, quiet: float = QUIET, limit: float = 10.0) -> None:
        """Wait until nothing is written for `quiet` seconds."""
        deadline = time.monotonic() + limit
        last = time.perf_counter()
        while time.monotonic() < deadline:
            if self._read(quiet - (time.perf_counter() - last)):
                last = time.perf_counter()
            elif time.perf_counter() - last >= quiet:
                return

    def key(self, data: bytes, quiet: float = QUIET, limit: float = 10.0) -> tuple[float, float, int]:
        """Write one key; (ms to the first frame's end, ms to the last frame's end, frames) once the screen
        is quiet again."""
        self.seen = b""
        t0 = time.perf_counter()
        os.write(self.fd, data)
        ends: list[float] = []
        last = t0
        deadline = t0 + limit
        while time.perf_counter() < deadline:
            got = self._read(quiet - (time.perf_counter() - last))
            if got:
                ends += got
                last = got[-1]
            elif time.perf_counter() - last >= quiet:
                break
        if not ends:
            raise RuntimeError(f"no frame after the key {data!r}")
        return (ends[0] - t0) * 1000, (ends[-1] - t0) * 1000, len(ends)

    def cpu_ms(self) -> float:
        """The child's user + system CPU so far, in ms."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(") ", 1)[1].split()
        except (FileNotFoundError, IndexError):
            return float("nan")
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def rss_mib(self) -> float:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except FileNotFoundError:
            pass
        return float("nan")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        os.close(self.fd)


# -- the walk ---------------------------------------------------------------------------------------------------
@dataclass
class Step:
    """One question of the walk: what the floor shows and the keys typed, each with its kind."""

    kind: str  # list | multi | typed | screen
    title: str
    progress: str
    question: str
    options: list[str]
    keys: list[tuple[bytes, str]] = field(default_factory=list)


def _calm(item: Any, catalogue: Any, mode: str) -> tuple[Any, list[str]]:
    """The calm dog's answer and the keys that give it (Enter not included)."""
    from vettriage.intake.session import choices_for

    t = item.type
    if t in ("scale", "yesno", "choice", "multi"):
        choices = choices_for(item, catalogue, mode)
        if t == "yesno":
            pick = next(c for c in choices if c.value is False)
        elif t == "multi":
            pick = next((c for c in choices if c.value == "none"), choices[0])
        else:
            pick = choices[0]
        return ([pick.value] if t == "multi" else pick.value), list(str(pick.number))
    if t in ("number", "months"):
        value = 1.0 if item.min <= 1 <= item.max else float(item.min)
        return value, list(f"{value:g}")
    if t == "date":
        return "2024-01-15", list("2024-01-15")
    return "bench", list("bench")


def work_out_walk(tmp: Path, mode: str) -> tuple[list[Step], bytes]:
    """The keys of a whole intake of a calm dog, from the first question to the last answer (the Enter that
    opens the review is not part of it); and a needle of the first question's text."""
    from vettriage.content import load_catalogue
    from vettriage.intake.session import IntakeSession, choices_for
    from vettriage.intake.starting import start_intake
    from vettriage.store import open_store

    cat = load_catalogue()
    store = open_store(f"sqlite:///{tmp / 'walk.db'}")
    try:
        s = IntakeSession(cat, store, start_intake(store, cat, "Bench", mode), mode)
        steps: list[Step] = []
        for _ in range(1000):
            item = s.item
            p = s.progress()
            progress = f"{s.dog_name} · {p.line()}"
            section = next(x for x in cat.sections if x.id == cat.section_of[item.id])
            title = section.title.for_mode(mode)
            if s.screen is not None:
                ids = s.screen_items()
                rows = [f"[   ] {cat.items[i].text.for_mode(mode)}" for i in ids]
                step = Step("screen", title, progress, f"{s.screen.title.for_mode(mode)}: answer each sign.",
                            rows, [(b"0", "0: none of these -> next question")])
                out = s.answer_screen_none()
            else:
                value, keys = _calm(item, cat, mode)
                kind = ("list" if item.type in ("scale", "yesno", "choice") else
                        "multi" if item.type == "multi" else "typed")
                options = [f"{c.number:>2}  {c.label}" for c in choices_for(item, cat, mode)] \
                    if kind != "typed" else []
                step = Step(kind, title, progress, item.text.for_mode(mode), options)
                if item.id in s.answers:  # answered already (the dog's name): Enter keeps it
                    out = None
                else:
                    label = "digit: option chosen (saved)" if kind != "typed" else "a character typed"
                    step.keys += [(k.encode(), label) for k in keys]
                    out = s.answer(value)
                step.keys.append((b"\r", "Enter -> next question"))
            if out is not None and out.new_red_flags:
                raise RuntimeError(f"the calm answer to {item.id} raised {out.new_red_flags}: change _calm")
            if steps and steps[-1].keys and steps[-1].keys[-1][0] == b"\r":
                # the screen changes more when the kind of answer changes (list, checklist, text field)
                same = "same kind" if steps[-1].kind == step.kind else "another kind"
                steps[-1].keys[-1] = (b"\r", f"Enter -> next question, {same}")
            steps.append(step)
            s.confirm(s.item.id)
            nxt = s.next_stop()
            if nxt is None:
                steps[-1].keys.pop()  # the last Enter opens the review: not a question screen
                break
            s.go(s.visible.index(nxt), remember=False)
        return steps, steps[0].question.split("\n")[0][:12].encode()
    finally:
        store.close()


# -- figures ----------------------------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9, help="start-up pairs")
    ap.add_argument("--intakes", type=int, default=2, help="whole intakes walked (each by ours and the floor)")
    ap.add_argument("--size", default="80x24", help="the terminal's COLSxROWS")
    args = ap.parse_args()
    size = tuple(int(x) for x in args.size.split("x"))
    print(f"at start: {load()}", flush=True)
    import vettriage

    print(f"vettriage from {Path(vettriage.__file__).parent.parent}; terminal {args.size}", flush=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "none.toml").write_text("")
        env = {**os.environ, "TERM": "xterm-256color", "TEXTUAL_FPS": "1000", "COLORTERM": "truecolor",
               "VETTRIAGE_CONFIG": str(tmp / "none.toml")}
        env.pop("NO_COLOR", None)
        env.pop("TEXTUAL_DRIVER", None)
        os.environ["VETTRIAGE_CONFIG"] = env["VETTRIAGE_CONFIG"]
        from vettriage.config import load_config

        mode = load_config().default_mode
        steps, needle = work_out_walk(tmp, mode)
        walk = tmp / "walk.json"
        walk.write_text(json.dumps([{"kind": s.kind, "title": s.title, "progress": s.progress,
                                     "question": s.question, "options": s.options} for s in steps]))

        def ours(db: Path) -> Terminal:
            return Terminal([sys.executable, "-m", "vettriage", "intake", "--no-plain", "--dog", "Bench", "--db",
                             f"sqlite:///{db}"], env, size)

        def floor(db: Path) -> Terminal:
            return Terminal([sys.executable, str(HERE / "tui_floor.py"), str(walk), str(db)], env, size)

        # 1. start-up. The intake exists already (as when a technician resumes it): each run paints the same
        # first question. The first run of each warms the caches and is not counted.
        starts: dict[str, list[float]] = {"ours": [], "floor": []}
        for n in range(args.runs + 1):
            order = [("ours", ours), ("floor", floor)]
            for name, make in order if n % 2 else order[::-1]:
                term = make(tmp / f"start-{name}.db")
                try:
                    took = term.first_paint(needle) * 1000
                finally:
                    term.close()
                if n:
                    starts[name].append(took)
        print(f"1. start -> first question painted ({args.runs} interleaved pairs):")
        print(pair_line("process start -> first frame", starts["ours"], starts["floor"]), flush=True)

        # 2. every key of whole intakes, ours and the floor side by side
        by_kind: dict[str, tuple[list[float], list[float]]] = {}
        first_frames: tuple[list[float], list[float]] = ([], [])
        frames: tuple[list[int], list[int]] = ([], [])
        rss: tuple[list[float], list[float]] = ([], [])
        cpu = [0.0, 0.0]
        n_keys = sum(len(s.keys) for s in steps)
        print(f"2. {args.intakes} whole intakes of {len(steps)} questions, {n_keys} keys each ...", flush=True)
        for run in range(args.intakes):
            pair = (ours(tmp / f"walk-ours-{run}.db"), floor(tmp / f"walk-floor-{run}.db"))
            try:
                pair[0].first_paint(needle)
                pair[1].first_paint(needle)
                for term in pair:
                    term.settle(0.6)  # past the first cursor blink and the start-up's own frames
                cpu0 = [term.cpu_ms() for term in pair]
                k = 0
                for step in steps:
                    for data, kind in step.keys:
                        k += 1
                        got: list[Any] = [None, None]
                        for i in ((0, 1) if k % 2 else (1, 0)):
                            pair[i].settle(THINK)
                            got[i] = pair[i].key(data)
                        mine = by_kind.setdefault(kind, ([], []))
                        for i in (0, 1):
                            mine[i].append(got[i][1])
                            first_frames[i].append(got[i][0])
                            frames[i].append(got[i][2])
                for i in (0, 1):
                    rss[i].append(pair[i].rss_mib())
                    cpu[i] += pair[i].cpu_ms() - cpu0[i]
            finally:
                for term in pair:
                    term.close()
        print("   key -> the screen settled (the end of the key's last frame); ours against the floor:")
        everything: tuple[list[float], list[float]] = ([], [])
        for kind, (o, f) in sorted(by_kind.items()):
            print(pair_line(kind, o, f))
            everything[0].extend(o)
            everything[1].extend(f)
        enter = [(o, f) for kind, (o, f) in by_kind.items() if kind.startswith("Enter")]
        print(pair_line("Enter -> next question (all)", [x for o, _ in enter for x in o], [x for _, f in enter for x in f]))
        print(pair_line("every key", *everything))
        print(pair_line("every key, to its first frame", *first_frames))
        print(f"   frames per key: ours {statistics.mean(frames[0]):.2f}, floor {statistics.mean(frames[1]):.2f}")
        keys = args.intakes * n_keys
        print(f"   CPU per key (the process's user+system time over the walk, idle moments included): ours "
              f"{cpu[0] / keys:.1f} ms, floor {cpu[1] / keys:.1f} ms ({cpu[0] / cpu[1]:.2f}x)")
        print(f"3. resident memory after the walk: ours {max(rss[0]):.0f} MiB, floor {max(rss[1]):.0f} MiB "
              f"({max(rss[0]) / max(rss[1]):.2f}x)")
    print(f"at end: {load()}")


if __name__ == "__main__":
    main()
