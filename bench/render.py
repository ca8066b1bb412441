"""Rendering figures, each against a floor that does the same job, measured in the same run.

1. One HTML document (in-process): the template step (`render_context`) against bare Jinja2 rendering the same
   template with the same context and the same environment settings; the whole document from an Assessment
   (plan + context + template) is printed beside it (target: whole document <= 1 ms).
2. One PDF (in-process): vettriage from an Assessment (plan, context, template, WeasyPrint with the data-only
   fetcher) against bare Jinja2 + bare WeasyPrint from the same context (target <= 1.3x).
3. `vettriage handouts` as the user runs it: `python -m vettriage handouts --date DAY -o DIR --db DB --format F`,
   a fresh process reading a store of N completed intakes and writing N files, against bench/render_floor.py:
   a bare process that reads the same rows with sqlite3, json-decodes them, renders a Jinja2 template of
   similar size per row and writes the files the same way (for PDF: plus bare WeasyPrint in a process pool of
   the same size). HTML for 1,000 (target <= 5 s), PDF for 100 (--pdf-n 1000 for the whole day; target <= 1.3x
   the floor).

Runs are interleaved pairs (the order swapped every other pair), so load from anything else on the machine hits
both sides alike; each figure gives the median and p95 (every run when there are fewer than five), and the
machine's load average is printed at the start and the end. `--code DIR` measures another checkout (its
package is imported in-process and by the commands), e.g. the main branch for a before figure.

Run: .venv/bin/python bench/render.py [--quick] [--pairs N] [--pdf-n N] [--code DIR] [--only PART]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR = Path(__file__).resolve().parent / "render_floor.py"
DAY = dt.date(2026, 1, 15)  # the bench store's intakes are all dated this day (noon UTC)


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer runs and documents: a rough figure in a minute")
    p.add_argument("--pairs", type=int, help="interleaved pairs per process figure (default 5 HTML, 3 PDF)")
    p.add_argument("--html-n", type=int, default=1000, help="handouts in the HTML day (default 1000)")
    p.add_argument("--pdf-n", type=int, default=100, help="handouts in the PDF day (default 100; 1000 is the "
                                                          "whole day, about 4 minutes a run on 2 cores)")
    p.add_argument("--code", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    p.add_argument("--only", choices=["single", "html", "pdf"], help="one part: the single documents, or the "
                                                                     "handouts in one format")
    return p.parse_args()


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def _spread(samples: list[float], unit: str, scale: float = 1.0) -> str:
    """Median and p95 (nearest rank), or every run when there are fewer than five."""
    values = sorted(v * scale for v in samples)
    if len(values) < 5:
        return "runs " + " ".join(f"{v:.3f}" for v in samples) + f" {unit} (spread {values[-1] - values[0]:.3f})"
    p95 = values[min(len(values) - 1, round(0.95 * len(values) + 0.5) - 1)]
    return f"median {statistics.median(values):.3f} p95 {p95:.3f} {unit}"


def _timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


# --- 1 and 2: one document, in-process ------------------------------------------------------------------------


def single_documents(quick: bool) -> None:
    import jinja2
    from weasyprint import HTML

    from vettriage.content import load_catalogue
    from vettriage.engine import assess, read_answers_file
    from vettriage.plan import make_plan
    from vettriage.render import ReportMeta, build_context, render, render_context, templates_dir
    from vettriage.render.environment import PAPERS, _fmt_number, css

    cat = load_catalogue()
    inputs = []
    for f in sorted((ROOT / "examples").glob("*.yaml")):
        ans = read_answers_file(cat, f)
        inputs.append((f.stem, assess(cat, ans), ans.values))
    meta = ReportMeta(by="bench", when=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    # The richest example (most options) is the one measured.
    name, a, values = max(inputs, key=lambda t: len(make_plan(cat, t[1], t[2]).options))
    # bare Jinja2 with vettriage's settings (autoescape, strict undefined, trimmed blocks), so both sides do
    # the same template work
    bare_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())), autoescape=True,
                                  undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    bare_env.filters["num"] = _fmt_number
    bare_env.globals["inline_css"] = lambda: jinja2.utils.markupsafe.Markup(css(templates_dir()))
    n = 30 if quick else 200
    print(f"\n1. one HTML document (in-process; example {name}; {n} interleaved pairs), target whole <= 1 ms")
    for kind in ("previsit", "handout"):
        ctx = build_context(kind, cat, a, values, make_plan(cat, a, values), meta)
        tpl = bare_env.get_template(f"{kind}.html.j2")
        assert render_context(ctx, "html") == tpl.render(ctx, paper=PAPERS["a4"])  # the same job, byte for byte
        ours, bare, whole = [], [], []
        for _ in range(n):
            ours += _timed(lambda: render_context(ctx, "html"), 1)
            bare += _timed(lambda: tpl.render(ctx, paper=PAPERS["a4"]), 1)
            whole += _timed(lambda: render(kind, "html", cat, a, values, meta), 1)
        ratio = [o / b for o, b in zip(ours, bare)]
        ok = "ok" if statistics.median(whole) <= 0.001 else "OVER"
        print(f"  {kind:9} template: {_spread(ours, 'ms', 1000)}; bare Jinja2: {_spread(bare, 'ms', 1000)}; "
              f"ratio {_spread(ratio, 'x')}")
        print(f"  {'':9} whole document from the Assessment (plan + context + template): "
              f"{_spread(whole, 'ms', 1000)}  {ok}")

    pairs = 3 if quick else 7
    print(f"\n2. one PDF (in-process, {pairs} interleaved pairs), target <= 1.3x bare Jinja2 + bare WeasyPrint")
    for kind in ("previsit", "handout"):
        ctx = build_context(kind, cat, a, values, make_plan(cat, a, values), meta)
        tpl = bare_env.get_template(f"{kind}.html.j2")
        render(kind, "pdf", cat, a, values, meta)
        HTML(string=tpl.render(ctx, paper="A4")).write_pdf()  # warm both (fonts, layout caches)
        ours, bare = [], []
        for i in range(pairs):
            sides = [lambda: ours.extend(_timed(lambda: render(kind, "pdf", cat, a, values, meta), 1)),
                     lambda: bare.extend(_timed(lambda: HTML(string=tpl.render(ctx, paper="A4")).write_pdf(), 1))]
            for side in sides if i % 2 == 0 else sides[::-1]:
                side()
        ratio = [o / b for o, b in zip(ours, bare)]
        ok = "ok" if statistics.median(ratio) <= 1.3 else "OVER"
        print(f"  {kind:9} vettriage: {_spread(ours, 's')}; bare: {_spread(bare, 's')}; "
              f"ratio {_spread(ratio, 'x')}  {ok}")


# --- 3: the handouts command as a process -----------------------------------------------------------------------


def fill_store(db: str, n: int) -> None:
    """N completed intakes dated DAY, cycling through the examples, each with its real Assessment (not timed)."""
    from vettriage.content import load_catalogue
    from vettriage.engine import assess, read_answers_file
    from vettriage.store import open_store

    cat = load_catalogue()
    forms = []
    for f in sorted((ROOT / "examples").glob("*.yaml")):
        ans = read_answers_file(cat, f)
        forms.append((dict(ans.values), assess(cat, ans).model_dump(mode="json")))
    when = dt.datetime.combine(DAY, dt.time(12), dt.timezone.utc)
    store = open_store(db)
    try:
        for i in range(n):
            answers, assessment = forms[i % len(forms)]
            store.record_intake(f"Dog {i:05d}", by="Sam", mode="tech", content_version=cat.version,
                                content_hash=cat.hash, answers=answers, assessment=assessment, created_at=when)
    finally:
        store.close()


def _subreaper() -> bool:
    """Adopt orphaned descendants (Linux): a PDF pool's fork server and its workers outlive the command by a
    moment, and only once reaped here does their CPU time count in RUSAGE_CHILDREN."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _cpu() -> float:
    import resource

    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds to the command's exit, CPU seconds of its whole process tree)."""
    cpu = _cpu()
    t = time.perf_counter()
    # run from the work folder: `python -m` puts the current folder first on sys.path, ahead of PYTHONPATH, so
    # from a checkout it would import that checkout's package whatever --code says
    done = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=env["BENCH_WORK"])
    took = time.perf_counter() - t
    while True:  # reap adopted orphans, so that their CPU time is counted
        try:
            os.wait()
        except ChildProcessError:
            break
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return took, _cpu() - cpu


def _written(folder: Path) -> tuple[int, int]:
    files = [f for f in folder.iterdir() if f.is_file()]
    return len(files), sum(f.stat().st_size for f in files)


def handouts(work: Path, fmt: str, n: int, pairs: int, code: Path, target: str, reaped: bool) -> None:
    db = work / f"day-{n}.db"
    if not db.exists():
        t = time.perf_counter()
        fill_store(str(db), n)
        print(f"  (store of {n} completed intakes filled in {time.perf_counter() - t:.1f} s, not timed)")
    config = work / "empty-config.toml"
    config.write_text("")
    env = dict(os.environ, PYTHONPATH=str(code), VETTRIAGE_CONFIG=str(config), BENCH_WORK=str(work))
    env.pop("VETTRIAGE_CLINIC_NAME", None)
    where = subprocess.run([sys.executable, "-c", "import vettriage; print(vettriage.__file__)"], env=env, cwd=work,
                           capture_output=True, text=True).stdout.strip()
    if not where.startswith(str(code)):
        raise SystemExit(f"the command would import {where}, not the package in {code}")
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    ours, bare, ours_cpu, bare_cpu = [], [], [], []
    sizes: dict[str, tuple[int, int]] = {}
    for i in range(pairs):
        out_ours, out_bare = work / f"ours-{fmt}-{i}", work / f"bare-{fmt}-{i}"
        cmd = [sys.executable, "-m", "vettriage", "handouts", "--date", DAY.isoformat(), "-o", str(out_ours),
               "--db", str(db), "--format", fmt]
        floor = [sys.executable, str(FLOOR), str(db), DAY.isoformat(), str(out_bare), fmt, str(workers)]
        def one(argv: list[str], wall: list[float], cpu: list[float]) -> None:
            took, used = _run(argv, env)
            wall.append(took)
            cpu.append(used)

        sides = [lambda: one(cmd, ours, ours_cpu), lambda: one(floor, bare, bare_cpu)]
        for side in sides if i % 2 == 0 else sides[::-1]:
            side()
        sizes = {"vettriage": _written(out_ours), "floor": _written(out_bare)}
        for folder in (out_ours, out_bare):
            for f in folder.iterdir():
                f.unlink()
            folder.rmdir()
    count, size = sizes["vettriage"]
    fcount, fsize = sizes["floor"]
    if count != n or fcount != n:
        raise SystemExit(f"expected {n} files each, vettriage wrote {count}, the floor {fcount}")
    ratio = [o / b for o, b in zip(ours, bare)]
    med = statistics.median(ours)
    verdict = ("ok" if med <= 5 else "OVER") if fmt == "html" else ("ok" if statistics.median(ratio) <= 1.3 else "OVER")
    print(f"  {fmt} x {n}: vettriage {_spread(ours, 's')} ({med / n * 1000:.1f} ms a handout, "
          f"{size / n / 1024:.1f} KiB); floor {_spread(bare, 's')} ({fsize / n / 1024:.1f} KiB); "
          f"ratio {_spread(ratio, 'x')}  {verdict} ({target})")
    if reaped:
        print(f"  {'':9} CPU of the whole process tree: vettriage {_spread(ours_cpu, 's')}; "
              f"floor {_spread(bare_cpu, 's')}")


def main() -> int:
    args = _args()
    code = args.code.resolve()
    sys.path.insert(0, str(code))
    import vettriage

    print(f"vettriage from {Path(vettriage.__file__).parent}; {_load()}")
    if args.only in (None, "single"):
        single_documents(args.quick)
    html_n, pdf_n = (200, 20) if args.quick else (args.html_n, args.pdf_n)
    html_pairs = args.pairs or (2 if args.quick else 5)
    pdf_pairs = args.pairs or (1 if args.quick else 3)
    if args.only == "single":
        print(f"\n{_load()}")
        return 0
    print(f"\n3. `vettriage handouts` as a process, from the store, files written; floor: bench/render_floor.py "
          f"(pdf pool of {len(os.sched_getaffinity(0))} workers on both sides)")
    reaped = _subreaper()
    with tempfile.TemporaryDirectory(prefix="bench-render-") as d:
        work = Path(d)
        if args.only in (None, "html"):
            handouts(work, "html", html_n, html_pairs, code, "target <= 5 s for 1000", reaped)
        if args.only in (None, "pdf"):
            handouts(work, "pdf", pdf_n, pdf_pairs, code, "target <= 1.3x the floor", reaped)
    print(f"\n{_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
