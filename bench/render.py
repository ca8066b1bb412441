"""Rendering figures, each against a floor measured in the same run.

1. HTML: ms per report through vettriage (plan + context + autoescaped template) against a bare Jinja2 render
   of the same template with the same context (target: vettriage <= 1 ms per report).
2. PDF: seconds per report through vettriage against bare WeasyPrint on the same HTML (target <= 1.3x).
3. 1,000 HTML handouts through vettriage, end to end from Assessments (target <= 5 s).

Run: .venv/bin/python bench/render.py
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vettriage.content import load_catalogue  # noqa: E402
from vettriage.engine import assess, read_answers_file  # noqa: E402
from vettriage.plan import make_plan  # noqa: E402
from vettriage.render import ReportMeta, build_context, render, render_context, templates_dir  # noqa: E402


def _median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    import jinja2
    from weasyprint import HTML

    cat = load_catalogue()
    files = sorted((ROOT / "examples").glob("*.yaml"))
    if not files:
        print("no examples/*.yaml to render")
        return 1
    inputs = []
    for f in files:
        ans = read_answers_file(cat, f)
        inputs.append((f.stem, assess(cat, ans), ans.values))
    meta = ReportMeta(by="bench", when=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    # The richest example (most options) is the one measured one by one.
    name, a, values = max(inputs, key=lambda t: len(make_plan(cat, t[1], t[2]).options))

    bare_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())), autoescape=True,
                                  trim_blocks=True, lstrip_blocks=True)
    from vettriage.render.environment import _fmt_number, css

    bare_env.filters["num"] = _fmt_number
    bare_env.globals["inline_css"] = lambda: jinja2.utils.markupsafe.Markup(css(templates_dir()))
    print(f"catalogue {cat.version}; measured example: {name}; {len(inputs)} examples")
    print(f"{'document':10} {'vettriage ms':>13} {'bare Jinja2 ms':>15} {'overhead ms':>12}  target <= 1 ms")
    for kind in ("previsit", "handout"):
        plan = make_plan(cat, a, values)
        ctx = build_context(kind, cat, a, values, plan, meta)
        bare_tpl = bare_env.get_template(f"{kind}.html.j2")
        render(kind, "html", cat, a, values, meta)  # warm: templates compiled once
        ours = _median_ms(lambda: render(kind, "html", cat, a, values, meta), 300)
        bare = _median_ms(lambda: bare_tpl.render(ctx, paper="A4"), 300)
        ok = "ok" if ours <= 1.0 else "OVER"
        print(f"{kind:10} {ours:13.3f} {bare:15.3f} {ours - bare:12.3f}  {ok}")

    print(f"\n{'document':10} {'vettriage s':>12} {'bare WeasyPrint s':>18} {'ratio':>7}  target <= 1.3x")
    for kind in ("previsit", "handout"):
        plan = make_plan(cat, a, values)
        ctx = build_context(kind, cat, a, values, plan, meta)
        html = render_context(ctx, "html")
        render_context(ctx, "pdf")
        HTML(string=html).write_pdf()  # warm both (fonts, layout caches)
        # Interleaved, so that load from anything else on the machine hits both sides alike.
        ours_t, bare_t = [], []
        for _ in range(7):
            ours_t.append(_median_ms(lambda: render(kind, "pdf", cat, a, values, meta), 1))
            bare_t.append(_median_ms(lambda: HTML(string=html).write_pdf(), 1))
        ours, bare = statistics.median(ours_t) / 1000, statistics.median(bare_t) / 1000
        ratio = ours / bare
        print(f"{kind:10} {ours:12.3f} {bare:18.3f} {ratio:7.2f}  {'ok' if ratio <= 1.3 else 'OVER'}")

    n = 1000
    t = time.perf_counter()
    for i in range(n):
        _, ai, vi = inputs[i % len(inputs)]
        render("handout", "html", cat, ai, vi, meta)
    total = time.perf_counter() - t
    print(f"\n{n} HTML handouts: {total:.2f} s ({total / n * 1000:.2f} ms each)  "
          f"{'ok' if total <= 5 else 'OVER'} (target <= 5 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
