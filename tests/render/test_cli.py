"""`vettriage plan`, `report` and `handouts` from the command line (in-process through cli.main)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
import yaml

from tests.render.cases import CASES
from vettriage.cli import main


@pytest.fixture()
def answers_file(tmp_path):
    def write(name: str) -> str:
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(CASES[name]), encoding="utf-8")
        return str(path)

    return write


def test_plan_json(answers_file, capsys):
    assert main(["plan", answers_file("pain"), "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["deferred"] is False
    assert "ketamine" not in [o["id"] for o in plan["options"]]  # no first-line trial yet (issue 11)
    assert plan["about_ketamine"]["id"] == "ketamine"
    assert {"id", "title", "category"} <= set(plan["options"][0])


def test_plan_text_emergency(answers_file, capsys):
    assert main(["plan", answers_file("emergency")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("EMERGENCY") and "etamine" not in out and "must be examined by a vet" in out


@pytest.mark.parametrize("fmt", ["html", "md", "pdf"])
@pytest.mark.parametrize("kind", ["previsit", "handout"])
def test_report_to_file(answers_file, tmp_path, kind, fmt):
    out = tmp_path / f"doc.{fmt}"
    assert main(["report", answers_file("ccd"), "--kind", kind, "--format", fmt, "-o", str(out),
                 "--paper", "letter"]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") if fmt == "pdf" else b"Mabel" in data
    assert not list(tmp_path.glob(".*.tmp"))


def test_report_to_stdout(answers_file, capsys):
    assert main(["report", answers_file("routine"), "--kind", "handout", "--format", "md"]) == 0
    assert "# Pip: notes for your vet visit" in capsys.readouterr().out


@pytest.mark.parametrize("argv,needle", [
    (["report", "--kind", "handout"], "exactly one"),
    (["report", "{file}", "--format", "pdf"], "needs an output file"),
    (["report", "{missing}"], "missing.yaml"),
    (["report", "{file}", "-o", "/nonexistent-dir/x.html"], "cannot write"),
    (["handouts", "--date", "2026-13-01", "-o", "{tmp}"], "not a date"),
])
def test_bad_input_is_one_line_exit_2(answers_file, tmp_path, capsys, argv, needle):
    subs = {"{file}": answers_file("routine"), "{missing}": str(tmp_path / "missing.yaml"), "{tmp}": str(tmp_path)}
    assert main([subs.get(a, a) for a in argv]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and "\n" not in err and "Traceback" not in err


def test_intake_report_and_day_handouts(answers_file, tmp_path, capsys):
    db = str(tmp_path / "v.db")
    for name, dog in (("pain", "Rufus"), ("emergency", "Biscuit"), ("hostile", "Rex")):
        assert main(["intakes", "add", answers_file(name), "--dog", dog, "--db", db]) == 0
    capsys.readouterr()
    out = tmp_path / "one.md"
    assert main(["report", "--intake", "1", "--kind", "previsit", "--format", "md", "-o", str(out), "--db", db]) == 0
    text = out.read_text()
    assert "Rufus" in text and "intake #1" in text
    assert main(["report", "--intake", "99", "--db", db]) == 2
    assert "99" in capsys.readouterr().err

    day = dt.datetime.now(dt.timezone.utc).date().isoformat()
    folder = tmp_path / "handouts"
    assert main(["handouts", "--date", day, "-o", str(folder), "--format", "html", "--db", db]) == 0
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 3 and all(f.startswith(day) and f.endswith("_handout.html") for f in files)
    emergency = next(folder.glob("*biscuit*")).read_text()
    assert emergency.index("EMERGENCY") < emergency.index("What to do now")
    assert "<script>" not in next(folder.glob("*rex*")).read_text()
    assert main(["handouts", "--date", "2001-01-01", "-o", str(folder), "--db", db]) == 0
    assert "wrote no handouts for 2001-01-01: no intake was started" in capsys.readouterr().out


def test_commands_import_nothing_heavy():
    code = ("import sys, vettriage.cli as c; c.build_parser(); import vettriage.render, vettriage.plan; "
            "bad = [m for m in ('jinja2', 'weasyprint', 'textual', 'rich', 'sqlalchemy') if m in sys.modules]; "
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
