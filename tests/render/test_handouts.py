"""`vettriage handouts` (issue 30): HTML by default, PDFs from a pool of worker processes on request, progress on
standard error, one failing handout named in one line while the others are written."""

from __future__ import annotations

import base64
import io
import json
import sqlite3
import stat
from pathlib import Path

import pytest
import yaml

from tests.render.cases import CASES
from vettriage.cli import main

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@pytest.fixture()
def day_store(tmp_path, capsys):
    """A store with today's completed intakes of Rufus (1), Biscuit (2, an emergency) and Rex (3, hostile
    owner text)."""
    db = str(tmp_path / "v.db")
    for name, dog in (("pain", "Rufus"), ("emergency", "Biscuit"), ("hostile", "Rex")):
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(CASES[name]), encoding="utf-8")
        assert main(["intakes", "add", str(path), "--dog", dog, "--db", db]) == 0
    capsys.readouterr()
    return db


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_handouts_are_html_by_default(day_store, tmp_path, capsys):
    folder = tmp_path / "out"
    assert main(["handouts", "--date", "today", "-o", str(folder), "--db", day_store]) == 0
    files = sorted(folder.iterdir())
    assert [f.suffix for f in files] == [".html"] * 3
    assert "Rufus" in files[0].read_text() and "<html" in files[0].read_text()
    rex = next(folder.glob("*intake3*")).read_text()
    assert "<script>" not in rex and "&lt;script&gt;alert(1)&lt;/script&gt;" in rex
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)  # as write_atomic makes every report
    assert "wrote 3 handout(s)" in capsys.readouterr().out


def test_pdfs_on_request_come_from_the_pool_escaped_and_private(day_store, tmp_path, capsys):
    folder = tmp_path / "pdf"
    assert main(["handouts", "--date", "today", "-o", str(folder), "--db", day_store, "--format", "pdf",
                 "--jobs", "2"]) == 0
    files = sorted(folder.iterdir())
    assert len(files) == 3 and all(f.read_bytes().startswith(b"%PDF-") for f in files)
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert not list(folder.glob(".*.tmp"))
    assert "Rufus" in _pdf_text(files[0]) and "Biscuit" in _pdf_text(files[1])
    rex = _pdf_text(files[2])
    assert "<script>alert(1)</script>" in rex and "{{7*7}}" in rex  # owner text shown as typed, nothing ran
    assert "root:x:0:0" not in rex
    out = capsys.readouterr()
    assert "wrote 3 handout(s)" in out.out and "3/3 handouts" in out.err


def _break_answers(db: str, intake_id: int) -> None:
    """An answer the content no longer accepts, as a stale or hand-edited record would hold."""
    con = sqlite3.connect(db)
    with con:
        (raw,) = con.execute("SELECT answers FROM intakes WHERE id = ?", (intake_id,)).fetchone()
        answers = json.loads(raw)
        answers["pain_sign_stairs"] = 99
        con.execute("UPDATE intakes SET answers = ? WHERE id = ?", (json.dumps(answers), intake_id))
    con.close()


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_one_bad_handout_is_named_and_the_others_are_written(day_store, tmp_path, capsys, fmt):
    _break_answers(day_store, 1)  # fails before rendering
    folder = tmp_path / "out"
    folder.mkdir()
    # a folder where Rex's handout goes: the write itself fails (in a PDF worker for pdf)
    (folder / f"{_name_of(day_store, 3)}.{fmt}").mkdir()
    assert main(["handouts", "--date", "today", "-o", str(folder), "--db", day_store, "--format", fmt]) == 2
    out = capsys.readouterr()
    errors = [line for line in out.err.splitlines() if line.startswith("vettriage: error:")]
    assert len(errors) == 2 and "Traceback" not in out.err
    assert errors[0].startswith("vettriage: error: intake 1:") and "pain_sign_stairs" in errors[0]
    assert errors[1].startswith("vettriage: error: intake 3:") and "cannot write" in errors[1]
    written = [f for f in folder.iterdir() if f.is_file()]
    assert [f.name for f in written] == [f"{_name_of(day_store, 2)}.{fmt}"]
    assert "wrote 1 handout(s)" in out.out and "2 failed (named on standard error)" in out.out


def _name_of(db: str, intake_id: int) -> str:
    import datetime as dt

    from vettriage.commands.handouts import handout_name

    con = sqlite3.connect(db)
    (name,) = con.execute("SELECT d.name FROM intakes i JOIN dogs d ON d.id = i.dog_id WHERE i.id = ?",
                          (intake_id,)).fetchone()
    con.close()
    return handout_name(dt.datetime.now().astimezone().date(), intake_id, name, "x")[:-2]


def test_pool_workers_fetch_data_urls_only(tmp_path):
    """The data-only fetcher guards the workers too: a file:// image or stylesheet never reaches the PDF."""
    from pypdf import PdfReader

    from vettriage.render.pdf_pool import Job, PdfPool

    img = tmp_path / "secret.png"
    img.write_bytes(PNG)
    sheet = tmp_path / "evil.css"
    sheet.write_text("@page { size: A6 }")
    docs = {
        "file": f'<p>x</p><img src="file://{img}" width="50" height="50">',
        "sheet": f'<link rel="stylesheet" href="file://{sheet}"><style>@import url("file://{sheet}");</style><p>x</p>',
        "data": f'<p>x</p><img src="data:image/png;base64,{base64.b64encode(PNG).decode()}" width="50" height="50">',
    }
    outcomes: dict[str, str | None] = {}
    with PdfPool(2, outcomes.__setitem__) as pool:
        for key, html in docs.items():
            pool.submit(Job(key, html, str(tmp_path / f"{key}.pdf")))
        pool.finish()
    assert outcomes == {"file": None, "sheet": None, "data": None}
    pages = {k: PdfReader(io.BytesIO((tmp_path / f"{k}.pdf").read_bytes())).pages[0] for k in docs}
    assert pages["data"].images  # a worker does embed an image it may fetch...
    assert not pages["file"].images  # ...and never a local file
    assert float(pages["sheet"].mediabox.width) / 72 * 25.4 > 200  # still A4, not the local sheet's A6


def test_a_dying_worker_loses_only_its_own_document(tmp_path):
    from tests.render.pool_tasks import die_on_crash_file
    from vettriage.render.pdf_pool import Job, PdfPool

    outcomes: dict[str, str | None] = {}
    with PdfPool(2, outcomes.__setitem__, task=die_on_crash_file) as pool:
        for key in ("a", "crash", "b", "c"):
            pool.submit(Job(key, f"<p>{key}</p>", str(tmp_path / f"{key}.pdf")))
        pool.finish()
    assert set(outcomes) == {"a", "crash", "b", "c"}
    assert outcomes["crash"] is not None and "stopped unexpectedly" in outcomes["crash"]
    assert all(outcomes[k] is None and (tmp_path / f"{k}.pdf").read_bytes().startswith(b"%PDF-") for k in "abc")


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_is_rewritten_in_place_on_a_terminal_and_plain_lines_otherwise():
    from vettriage.commands.handouts import Progress

    plain = _Stream(False)
    p = Progress(25, plain)
    for _ in range(25):
        p.step()
    p.end()
    assert plain.getvalue().splitlines() == [f"{n}/25 handouts" for n in (3, 6, 9, 12, 15, 18, 21, 24, 25)]

    tty = _Stream(True)
    p = Progress(3, tty)
    for _ in range(3):
        p.step()
    p.end()
    text = tty.getvalue()
    assert text.startswith("\r1/3 handouts") and text.endswith("\r3/3 handouts\n") and text.count("\n") == 1

    quiet = _Stream(True)
    p = Progress(3, quiet, quiet=True)
    p.step()
    p.end()
    assert quiet.getvalue() == ""


def test_progress_goes_to_standard_error_and_quiet_silences_it(day_store, tmp_path, capsys):
    assert main(["handouts", "--date", "today", "-o", str(tmp_path / "a"), "--db", day_store]) == 0
    out = capsys.readouterr()
    assert "3/3 handouts" in out.err and "handouts\n" not in out.out.replace("handout(s)", "")
    assert main(["handouts", "--date", "today", "-o", str(tmp_path / "b"), "--db", day_store, "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_bad_jobs_is_one_line(day_store, tmp_path, capsys):
    assert main(["handouts", "--date", "today", "-o", str(tmp_path), "--db", day_store, "--jobs", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--jobs" in err and "\n" not in err

