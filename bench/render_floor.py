"""The floor of `vettriage handouts` (bench/render.py runs it as a process): the same job done with the bare
libraries only. It reads the same rows with sqlite3 (the day's completed intakes, their dogs and audit
events), json-decodes them, renders a Jinja2 template of similar output size per row (the shipped print.css
inlined, the answers, findings and flags, autoescaped) and writes each file through a temporary file and a
rename (0600, as vettriage's write_atomic); for pdf, the same HTML laid out by bare WeasyPrint in a process
pool of the same size as vettriage's. The answers run on as one paragraph so that the PDF is one or two pages
and costs WeasyPrint about what a handout costs (a table of every answer made four pages and twice the time).
Prints the rows and the bytes written.

Run: python bench/render_floor.py DB YYYY-MM-DD OUT_DIR html|pdf WORKERS
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parents[1]

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ name }}: notes for your vet visit</title>
<style>@page { size: A4; margin: 16mm }
{{ css }}</style></head>
<body><header><p>{{ clinic }}</p><h1>{{ name }}: notes for your vet visit</h1>
<p>Answered by {{ by }} on {{ when }}</p></header>
{% if assessment.urgency == "emergency" %}<section class="emergency"><h2>EMERGENCY</h2><ul>
{% for f in assessment.red_flags %}<li>{{ f.title }} ({{ f.act }})</li>{% endfor %}</ul></section>{% endif %}
<section><h2>What we found</h2><ul>
{% for key, c in assessment.categories.items() %}<li><b>{{ key }}</b>: {{ c.status }}
{% for e in c.evidence %} {{ e.item }}={{ e.value }}{% endfor %}</li>{% endfor %}</ul></section>
<section><h2>Your answers</h2><p>
{% for item, value in answers.items() %}<span>{{ item }}: {{ value }};</span>
{% endfor %}</p></section>
<section><h2>Changes</h2><p>{{ changes }} answers recorded</p></section>
<footer>This is decision support before a vet visit, never a diagnosis: your dog must be examined by a vet.
</footer></body></html>
"""


def write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _start() -> None:
    import weasyprint  # noqa: F401 - once per worker, as vettriage's pool does


def pdf(html: str, path: str) -> int:
    from weasyprint import HTML

    data = HTML(string=html).write_pdf()
    write_atomic(Path(path), data)
    return len(data)


def main(db: str, day: str, out: str, fmt: str, workers: int) -> int:
    start = dt.datetime.combine(dt.date.fromisoformat(day), dt.time())
    bounds = (start.strftime("%Y-%m-%d %H:%M:%S.%f"), (start + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S.%f"))
    con = sqlite3.connect(db)
    rows = con.execute("SELECT i.id, d.name, i.by, i.updated_at, i.answers, i.assessment FROM intakes i "
                       "JOIN dogs d ON d.id = i.dog_id WHERE i.created_at >= ? AND i.created_at < ? "
                       "AND i.status IN ('completed', 'amended') ORDER BY i.id", bounds).fetchall()
    changes: dict[int, int] = {}
    for intake_id, value in con.execute("SELECT a.intake_id, a.new_value FROM audit a JOIN intakes i "
                                        "ON i.id = a.intake_id WHERE i.created_at >= ? AND i.created_at < ?",
                                        bounds):
        json.loads(value) if isinstance(value, str) else value  # a bare number comes back as a number
        changes[intake_id] = changes.get(intake_id, 0) + 1
    con.close()
    env = jinja2.Environment(autoescape=True)
    template = env.from_string(TEMPLATE)
    css = (ROOT / "reports" / "print.css").read_text(encoding="utf-8")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    jobs = []
    for intake_id, name, by, when, answers, assessment in rows:
        html = template.render(name=name, by=by, when=when, clinic="Riverside Vets", css=css,
                               answers=json.loads(answers), assessment=json.loads(assessment),
                               changes=changes.get(intake_id, 0))
        path = folder / f"{day}_intake{intake_id}_handout.{fmt}"
        if fmt == "html":
            data = html.encode("utf-8")
            write_atomic(path, data)
            total += len(data)
        else:
            jobs.append((html, str(path)))
    if fmt == "pdf":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("forkserver")  # as vettriage's pool: WeasyPrint imported once, forked
        ctx.set_forkserver_preload(["__main__", "weasyprint"])
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_start) as pool:
            total = sum(pool.map(pdf, *zip(*jobs))) if jobs else 0
    print(f"{len(rows)} {total}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])))
