"""The "Since last visit" block of the vet summary: the change table as template rows, and one small SVG
chart per domain, drawn here (server-side, no JavaScript) so that the HTML and the PDF show the same picture.

Every text that goes into the SVG is escaped here; the template marks the finished SVG safe.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Mapping, Sequence

from markupsafe import Markup, escape

from vettriage.followup import SinceLastVisit, Trend, since_last_visit

WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 44, 34, 14, 44
# Distinct dash patterns as well as colours: the chart must read in black and white (print) and without colour.
STYLES = (("#1f4e79", ""), ("#b35900", "5 3"), ("#2e7d32", "2 2"), ("#6a1b9a", "8 3 2 3"))
Y_AXIS_LABEL = "score value"
X_AXIS_LABEL = "visit date"


def _nice_top(value: float) -> float:
    """A round axis top at or above `value` (at least 1)."""
    if value <= 1:
        return 1.0
    step = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 5, 10):
        if value <= m * step:
            return float(m * step)
    return float(10 * step)


def chart_svg(trend: Trend) -> Markup:
    """One domain's scores over the visits: a dot where the score is exact, a bar over the range where
    unanswered items leave it open, a line only between exact values."""
    # one x position per visit (two visits on one day stay apart), labelled with its date
    days = [p.day for p in trend.series[0].points] if trend.series else []
    highs = [p.high for s in trend.series for p in s.points if p.high is not None]
    top = _nice_top(max(highs) if highs else 1.0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(days)

    def x(i: int) -> float:
        return LEFT + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    legend_h = 14 * len(trend.series)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" width="{WIDTH}" height="{HEIGHT + legend_h}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT + legend_h}" role="img" aria-label="{escape(trend.title)} scores by visit">',
           f'<title>{escape(trend.title)}: scores by visit date</title>',
           f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#444"/>',
           f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#444"/>']
    for tick in (0.0, top / 2, top):
        out.append(f'<text x="{LEFT - 4}" y="{y(tick) + 3:.1f}" font-size="9" text-anchor="end">{tick:g}</text>')
    out.append(f'<text x="10" y="{TOP + plot_h / 2:.1f}" font-size="9" text-anchor="middle" '
               f'transform="rotate(-90 10 {TOP + plot_h / 2:.1f})">{escape(Y_AXIS_LABEL)}</text>')
    for i, day in enumerate(days):
        out.append(f'<text x="{x(i):.1f}" y="{TOP + plot_h + 12}" font-size="8" text-anchor="middle">'
                   f'{day.isoformat()}</text>')
    out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h + 26}" font-size="9" text-anchor="middle">'
               f'{escape(X_AXIS_LABEL)}</text>')
    for k, series in enumerate(trend.series):
        colour, dash = STYLES[k % len(STYLES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        exact = [(x(i), y(p.low)) for i, p in enumerate(series.points) if p.low is not None and p.low == p.high]
        if len(exact) > 1:
            pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in exact)
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.5"{dash_attr}/>')
        for i, p in enumerate(series.points):
            if p.low is None or p.high is None:
                continue
            if p.low == p.high:
                out.append(f'<circle cx="{x(i):.1f}" cy="{y(p.low):.1f}" r="2.5" fill="{colour}"/>')
            else:
                out.append(f'<line x1="{x(i) + 3 * k:.1f}" y1="{y(p.low):.1f}" x2="{x(i) + 3 * k:.1f}" '
                           f'y2="{y(p.high):.1f}" stroke="{colour}" stroke-width="3" opacity="0.6"/>')
        ly = HEIGHT + 14 * k - 6
        out.append(f'<line x1="{LEFT}" y1="{ly}" x2="{LEFT + 18}" y2="{ly}" stroke="{colour}" stroke-width="1.5"'
                   f'{dash_attr}/>')
        out.append(f'<text x="{LEFT + 22}" y="{ly + 3}" font-size="9">{escape(series.title)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def since_context(since: SinceLastVisit | None) -> dict[str, Any] | None:
    """Template data for the "Since last visit" partial (None: first visit, no block)."""
    if since is None:
        return None
    return {
        "previous_day": since.previous_day.isoformat(), "current_day": since.current_day.isoformat(),
        "visits": since.visits, "note": since.note,
        "scores": [{"title": c.title, "before": c.previous.text(), "now": c.current.text(),
                    "change": c.change_text(), "direction": c.direction} for c in since.scores],
        "categories": [{"title": c.title, "before": _level(c.previous_level, c.previous_status),
                        "now": _level(c.current_level, c.current_status), "direction": c.direction}
                       for c in since.categories],
        "charts": [{"title": t.title, "svg": chart_svg(t)} for t in since.trends],
    }


def _level(level: str | None, status: str | None) -> str:
    if level is None:
        return "-"
    return level if status in (None, "assessed") else f"{level} ({status.replace('_', ' ')})"


def for_visits(catalogue: Any, visits: Sequence[tuple[dt.datetime, Mapping[str, Any]]],
               mode: str = "tech") -> dict[str, Any] | None:
    """since_context(since_last_visit(...)) in one call."""
    return since_context(since_last_visit(catalogue, visits, mode))
