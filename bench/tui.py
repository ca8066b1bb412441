"""Figures for the terminal app, each against a floor measured in the same run.

1. Process start -> first question painted (`vettriage intake --dog`, headless), against a bare Textual app
   that paints one label (target <= 1.25x). Timed from spawning the process to the byte each child writes to
   a pipe once its first screen is painted: leaving the interpreter afterwards is not part of the figure.
2. Answer -> next question painted, median and p95 over whole intakes (store write, branching, red-flag check
   and repaint; several intakes pooled, each in a fresh process), against the issue's floor, a screen that only
   recomposes one label (target <= 1.5x); also shown against a screen that only updates a label's text, a
   stricter floor (no recompose at all). Then the same intakes as the keys give them (README, "Keys"): the
   digit's frame (the answer saved, the highlight painted) and Enter's (the next question painted), each
   against the recompose floor.
3. Resident memory after a full intake, against the bare app.

Start-up goes through the real command (`vettriage intake --dog`), run headless. Opening the store in a thread
while Textual is imported was measured with this script and dropped: on 2 cores it was slower (median 962 ms
against 855 ms serial, 16 runs each), the two imports contending for the GIL.

Run: .venv/bin/python bench/tui.py [--runs N] [--intakes N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Each child writes one byte to the pipe whose descriptor is its first argument once its screen is painted.
BARE_START = """
import os, sys
from textual.app import App
from textual.widgets import Label
class Bare(App):
    def compose(self):
        yield Label("How old is your dog?")
    def on_mount(self):
        self.call_after_refresh(self.painted)
    def painted(self):
        os.write(int(sys.argv[1]), b"p")
        self.exit()
Bare().run(headless=True, size=(80, 24))
"""

APP_START = """
import os, sys
import vettriage.commands.tui as cmd
def launch(app):
    from vettriage.tui.screens.question import QuestionScreen
    mount = QuestionScreen.on_mount
    def on_mount(self):
        mount(self)
        self.call_after_refresh(painted, self)
    def painted(self):
        os.write(int(sys.argv[1]), b"p")
        self.app.exit()
    QuestionScreen.on_mount = on_mount
    app.run(headless=True, size=(80, 24))
cmd._launch = launch
from vettriage.cli import main
sys.exit(main(["intake", "--no-plain", "--dog", "Bench", "--db", sys.argv[2]]))
"""

STEPS = r"""
import asyncio, json, sys, time
from textual.app import App
from textual.widgets import Label

def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")

async def paint(app, fn):
    t0 = time.perf_counter()
    fn()
    done = asyncio.Event()
    app.call_after_refresh(done.set)
    await done.wait()
    return (time.perf_counter() - t0) * 1000

def calm(item, cat):
    t = item.type
    if t == "yesno": return False
    if t == "scale": return cat.scales[item.scale].points[0].value
    if t == "choice": return item.options[0].value
    if t == "multi": return [item.options[-1].value]
    if t in ("number", "months"): return 1 if item.min <= 1 <= item.max else item.min
    if t == "date": return "2024-01-15"
    return "bench"

async def ours(db, split=False):
    from vettriage.tui.app import make_app
    app = make_app(dog_name="Steps", store_url=db)
    times = []
    moves = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        cat = screen.session.catalogue
        for _ in range(300):
            s = screen.session
            if app.screen is not screen:
                break
            value = calm(s.item, cat)
            last = s.at_end
            def step():
                screen._save(value)
                if not last:
                    screen.action_next()
            if split:  # the keys as pressed: a digit chooses (saved, painted), then Enter moves on
                times.append(await paint(app, lambda: screen._save(value)))
                if not last:
                    moves.append(await paint(app, screen.action_next))
            else:
                times.append(await paint(app, step))
            if last:
                break
        rss = rss_mib()
    return ((times, moves) if split else times), rss

class Bare(App):
    n = 0
    def compose(self):
        yield Label(f"question {self.n}: how is your dog today?", id="q")

async def bare(n, recompose):
    app = Bare()
    times = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for i in range(n):
            def step(i=i):
                app.n = i + 1
                if recompose:
                    app.refresh(recompose=True)
                else:
                    app.query_one("#q", Label).update(f"question {app.n}: how is your dog today?")
            times.append(await paint(app, step))
        rss = rss_mib()
    return times, rss

async def main():
    which, db = sys.argv[1], sys.argv[2]
    if which == "ours":
        t, rss = await ours(db)
    elif which == "keys":
        t, rss = await ours(db, split=True)
    else:
        t, rss = await bare(90, recompose=which == "recompose")
    print(json.dumps({"times": t, "rss": rss}))

asyncio.run(main())
"""


def _time_process(code: str, *args: str) -> float:
    """Milliseconds from spawning the child to its "painted" byte on the pipe."""
    r, w = os.pipe()
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", code, str(w), *args], pass_fds=(w,),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        w = -1
        got = os.read(r, 1)
        elapsed = (time.perf_counter() - t0) * 1000
        if proc.wait() != 0 or got != b"p":
            raise RuntimeError(f"the start-up child failed (exit {proc.returncode})")
        return elapsed
    finally:
        os.close(r)
        if w != -1:
            os.close(w)


def _steps(which: str, db: str) -> dict:
    out = subprocess.run([sys.executable, "-c", STEPS, which, db], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def main() -> None:
    """Print the three figures with their floors and ratios."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--intakes", type=int, default=3, help="whole intakes pooled for figure 2")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env_db = str(Path(tmp) / "bench.db")
        os.environ["VETTRIAGE_CONFIG"] = str(Path(tmp) / "none.toml")
        Path(os.environ["VETTRIAGE_CONFIG"]).write_text("")
        _time_process(APP_START, env_db)  # create the database and the intake once, outside the timing
        bare_s, app_s = [], []
        for _ in range(args.runs):  # interleaved so that machine noise hits both alike
            bare_s.append(_time_process(BARE_START))
            app_s.append(_time_process(APP_START, env_db))
        b, a = statistics.median(bare_s), statistics.median(app_s)
        print(f"start -> first question painted: {a:.0f} ms median (bare Textual app {b:.0f} ms): "
              f"{a / b:.2f}x (target <= 1.25x), {args.runs} runs each")

        ours_t: list[float] = []
        chosen_t: list[float] = []
        moved_t: list[float] = []
        floors: dict[str, list[float]] = {"recompose": [], "update": []}
        rss = base_rss = 0.0
        for n in range(args.intakes):  # interleaved, as above
            ours = _steps("ours", str(Path(tmp) / f"steps{n}.db"))
            ours_t += ours["times"]
            rss = max(rss, ours["rss"])
            keys = _steps("keys", str(Path(tmp) / f"keys{n}.db"))
            chosen_t += keys["times"][0]
            moved_t += keys["times"][1]
            for kind, times in floors.items():
                base = _steps(kind, str(Path(tmp) / "unused.db"))
                times += base["times"]
                base_rss = max(base_rss, base["rss"])
        om, op = statistics.median(ours_t), _p95(ours_t)
        print(f"answer -> next question painted: median {om:.1f} ms, p95 {op:.1f} ms over {len(ours_t)} "
              f"answers in {args.intakes} intakes")
        for kind, label, target in (("recompose", "screen recomposing one label", " (target <= 1.5x)"),
                                    ("update", "label text update only, stricter", "")):
            bm, bp = statistics.median(floors[kind]), _p95(floors[kind])
            print(f"  against a {label}: median {bm:.1f} ms, p95 {bp:.1f} ms: "
                  f"{om / bm:.2f}x median, {op / bp:.2f}x p95{target}")
        # The keys as the README's rule has them: a digit chooses (saved at once), Enter moves on. Each key's
        # own frame, against the recompose floor.
        bm, bp = statistics.median(floors["recompose"]), _p95(floors["recompose"])
        for label, xs in (("digit -> choice saved and painted", chosen_t),
                          ("Enter -> next question painted", moved_t)):
            m, p = statistics.median(xs), _p95(xs)
            print(f"{label}: median {m:.1f} ms, p95 {p:.1f} ms over {len(xs)}: {m / bm:.2f}x median, "
                  f"{p / bp:.2f}x p95 the recompose floor")
        print(f"resident memory after a full intake: {rss:.0f} MiB (bare app {base_rss:.0f} MiB)")


if __name__ == "__main__":
    main()
