"""What the benches that time ours against a floor print: p95, one line per pair of samples, the machine's load.
Shared by bench/desk.py and bench/tui.py (each run as a script, so this folder is first on sys.path)."""

from __future__ import annotations

import os
import statistics


def p95(xs: list[float]) -> float:
    """The 95th percentile, nearest rank (the largest of fewer than 20 samples but one)."""
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]


def pair_line(label: str, ours: list[float], floor: list[float], width: int = 40) -> str:
    """`  label  median X ms (floor F) R.RRx   p95 X ms (floor F) R.RRx   n=N`, for milliseconds."""
    om, op, fm, fp = statistics.median(ours), p95(ours), statistics.median(floor), p95(floor)
    return (f"  {label:{width}} median {om:6.1f} ms (floor {fm:6.1f}) {om / fm:5.2f}x   "
            f"p95 {op:6.1f} ms (floor {fp:6.1f}) {op / fp:5.2f}x   n={len(ours)}")


def load() -> str:
    """`load average 1.02 0.84 0.96 (2 cores)`: what else the machine was doing while the figures were taken."""
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} cores)"
