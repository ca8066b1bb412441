"""Issue 30: everyday commands start on what they need. On a cached content start, `report` (HTML, Markdown),
`intakes list`, `dogs due` and `assess` never import pydantic, WeasyPrint, Textual, FHIR, rich or the web form
(each run as a fresh process, its modules listed after the command), and the cheaper check of a stored
assessment refuses at least everything pydantic refused: a damaged stored assessment is one line and exit 2, as
is a corrupt database file."""

from __future__ import annotations

import copy
import json
import os
import random
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vettriage.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEAVY = ("pydantic", "pydantic_core", "weasyprint", "textual", "fhir", "rich", "vettriage.fhir", "vettriage.tui",
         "vettriage.web")
"""Not needed by these commands: validation libraries (a cached start validates nothing), PDFs, the terminal app,
FHIR and the web form."""


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    """A database with two completed intakes of one dog (so the vet's summary draws the change since the
    last visit), made through the command line."""
    db = str(tmp_path_factory.mktemp("startup") / "s.db")
    assert main(["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Rex", "--db", db]) == 0
    assert main(["intakes", "add", str(EXAMPLES / "pain-and-cognition.yaml"), "--dog-id", "1", "--db", db]) == 0
    return db


def _modules_after(argv: list[str], tmp_path: Path) -> set[str]:
    """The top-level packages loaded by one run of the command, in a fresh process, after a first run has
    filled the content and template caches (a cached start, as every start but the first after an install)."""
    script = textwrap.dedent(f"""
        import contextlib, io, sys
        from vettriage.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            code = main({argv!r})
        print(code, " ".join(sorted(sys.modules)))
    """)
    env = dict(os.environ, VETTRIAGE_CACHE_DIR=str(tmp_path / "cache"))
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    code, mods = done.stdout.strip().split(" ", 1)
    assert code == "0", done.stderr
    return set(mods.split())


@pytest.mark.parametrize("argv", [
    ["report", "--intake", "2"],
    ["report", "--intake", "2", "--kind", "handout", "-o", "{tmp}/h.html"],
    ["report", "--intake", "1", "--format", "md"],
    ["intakes", "list"],
    ["dogs", "due", "--within", "400d"],
    ["assess", str(EXAMPLES / "arthritis.yaml")],
], ids=lambda a: " ".join(a[:2]) + (" " + a[-1] if a[0] == "report" else ""))
def test_everyday_commands_do_not_import_pydantic_weasyprint_or_textual(store, tmp_path, argv) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    if argv[0] != "assess":
        argv += ["--db", store]
    loaded = _modules_after(argv, tmp_path)
    heavy = sorted(m for m in loaded if m in HEAVY or m.startswith(tuple(h + "." for h in HEAVY)))
    assert not heavy, heavy


LIGHT = {
    # the store's listings need the database and the standard library only: no content, engine, plan, templates,
    # YAML, and none of the heavy standard modules a bare listing does without (dataclasses brings inspect,
    # ast, dis and tokenize; pathlib brings urllib.parse; typing is for the type checker)
    "intakes list": ("vettriage.content", "vettriage.engine", "vettriage.plan", "vettriage.render", "vettriage.record",
                     "pydantic", "jinja2", "yaml", "dataclasses", "inspect", "pathlib", "urllib", "typing"),
    # `dogs due` reads the settings (tomllib, which imports typing itself, as the bare floor's does)
    "dogs due": ("vettriage.content", "vettriage.engine", "vettriage.plan", "vettriage.render", "vettriage.record",
                 "pydantic", "jinja2", "yaml", "dataclasses", "inspect", "pathlib", "urllib"),
    # `assess` on a cached start: the content's files found and the cache read as text (pathlib brings
    # urllib.parse), the sealed file's header checked without json, the records built without dataclasses, the
    # installed pydantic found for the cache's fingerprint by sys.path's finder (importlib.util is not needed)
    "assess": ("vettriage.plan", "vettriage.render", "pydantic", "jinja2", "pathlib", "urllib", "json", "dataclasses",
               "inspect", "importlib.util"),
}


@pytest.mark.parametrize("command", sorted(LIGHT))
def test_listings_import_no_content_engine_or_heavy_standard_modules(store, tmp_path, monkeypatch, command) -> None:
    config = tmp_path / "clinic.toml"
    config.write_text('clinic_name = "Vets"\n[rescreen]\noverdue_cutoff_days = 400\n')
    monkeypatch.setenv("VETTRIAGE_CONFIG", str(config))  # a settings file read, as at a clinic
    if command == "assess":
        loaded = _modules_after(["assess", str(EXAMPLES / "arthritis.yaml")], tmp_path)
        assert "vettriage.engine.triage" in loaded  # the test did assess
    else:
        loaded = _modules_after([*command.split(), "--db", store], tmp_path)
        assert "sqlite3" in loaded and "vettriage.store.sqlstore" in loaded  # the test did reach the store
    heavy = sorted(m for m in loaded if m in LIGHT[command] or m.startswith(tuple(h + "." for h in LIGHT[command])))
    assert not heavy, heavy


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _poke(db: str, sql: str) -> None:
    con = sqlite3.connect(db)
    con.execute(sql)
    con.commit()
    con.close()


@pytest.mark.parametrize("edit, field", [
    ("json_set(assessment, '$.urgency', 'fine')", "assessment.urgency"),
    ("json_set(assessment, '$.categories.pain.level', 7)", "assessment.categories.pain.level"),
    ("json_set(assessment, '$.surprise', 1)", "assessment.surprise"),
    ("json_remove(assessment, '$.red_flags')", "assessment.red_flags"),
    ("json_set(assessment, '$.red_flags', json('[{\"id\": \"collapse\"}]'))", "assessment.red_flags[0].title"),
    ("json_set(assessment, '$.answered', 'many')", "assessment.answered"),
    ("json_set(assessment, '$.scores', json('[]'))", "assessment.scores"),
])
def test_a_tampered_stored_assessment_is_refused_in_one_line(tmp_path, capsys, edit, field) -> None:
    db = str(tmp_path / "t.db")
    assert main(["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Rex", "--db", db]) == 0
    capsys.readouterr()
    _poke(db, f"UPDATE intakes SET assessment = {edit} WHERE id = 1")
    for kind in ("previsit", "handout"):
        out = tmp_path / f"{kind}.html"
        code, _, err = _run(capsys, "report", "--intake", "1", "--kind", kind, "-o", str(out), "--db", db)
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
        assert err.startswith("vettriage: error: intake 1:") and field in err and "damaged" in err, err
        assert not out.exists()


def _stored_assessments() -> list[dict]:
    from vettriage.content import load_catalogue
    from vettriage.engine import assess

    import yaml

    cat = load_catalogue()
    return [assess(cat, yaml.safe_load(p.read_text())).model_dump(mode="json") for p in sorted(EXAMPLES.glob("*.yaml"))]


def _mutations(data: dict, rng: random.Random, n: int) -> list[dict]:
    """Copies of `data` with one value somewhere replaced by a value of another kind, removed, or added to."""
    def paths(value, at=()):
        yield at
        if isinstance(value, dict):
            for k, v in value.items():
                yield from paths(v, (*at, k))
        elif isinstance(value, list):
            for k, v in enumerate(value):
                yield from paths(v, (*at, k))

    every = [p for p in paths(data) if p]
    odd = [None, 0, 1.5, -3, True, "", "likely", "x", [], {}, ["a"], {"id": "x"}, "routine", 2]
    out = []
    for _ in range(n):
        copy_ = copy.deepcopy(data)
        path = rng.choice(every)
        parent = copy_
        for key in path[:-1]:
            parent = parent[key]
        roll = rng.random()
        if roll < 0.15 and isinstance(parent, dict):
            del parent[path[-1]]
        elif roll < 0.25 and isinstance(parent, dict):
            parent["unexpected_" + str(rng.randrange(9))] = 1
        else:
            parent[path[-1]] = rng.choice(odd)
        out.append(copy_)
    return out


def test_the_stored_check_refuses_whatever_pydantic_refused() -> None:
    """Differential: on thousands of damaged copies of real Assessments, every one pydantic's validation refuses
    is refused by `Assessment.from_stored`, and those both accept read back the same."""
    from pydantic import ValidationError

    from vettriage.engine.assessment import Assessment

    rng = random.Random(30)
    checked = refused = 0
    for data in _stored_assessments():
        assert Assessment.from_stored(data).model_dump() == Assessment.model_validate(data).model_dump()
        for bad in _mutations(data, rng, 300):
            try:
                want = Assessment.model_validate(copy.deepcopy(bad))
            except ValidationError:
                want = None
            try:
                got = Assessment.from_stored(bad)
            except ValueError:
                got = None
            if want is None:
                assert got is None, json.dumps(bad)[:300]
                refused += 1
            elif got is not None:
                assert got.model_dump() == want.model_dump()
            checked += 1
    assert refused > checked // 3


@pytest.mark.parametrize("argv", [["report", "--intake", "1"], ["intakes", "list"], ["dogs", "due"]])
def test_a_corrupt_database_file_is_one_line(tmp_path, capsys, argv) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + bytes(random.Random(3).randrange(256) for _ in range(8192)))
    before = bad.read_bytes()
    code, _, err = _run(capsys, *argv, "--db", str(bad))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("vettriage: error:") and str(bad) in err
    assert bad.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["bad.db"]


def test_report_imports_no_dataclasses(store, tmp_path) -> None:
    """Records, the Catalogue, the plan's parts and the report's settings are built, read back from the store and
    replaced without dataclasses (inspect comes with Jinja2: the floor pays for it too). Intake 2 is Rex's
    second visit, so the report draws the one before beside it (frozen.replace)."""
    loaded = _modules_after(["report", "--intake", "2", "--db", store], tmp_path)
    assert "vettriage.render.context" in loaded and "dataclasses" not in loaded


@pytest.mark.parametrize("output", [[], ["-o", "{tmp}/r.html"]], ids=["stdout", "-o FILE"])
def test_report_imports_no_pathlib(store, tmp_path, output) -> None:
    """The templates' folder, the settings and the output file are named as text (pathlib brings urllib.parse's
    neighbours: ~1.5 ms of a report; Jinja2 imports urllib.parse itself, as in the floor)."""
    argv = ["report", "--intake", "2", "--db", store, *(a.replace("{tmp}", str(tmp_path)) for a in output)]
    loaded = _modules_after(argv, tmp_path)
    assert "jinja2" in loaded and "pathlib" not in loaded
    if output:
        assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_of_an_emergency_runs_no_rule_program(tmp_path) -> None:
    """A stored assessment made with this content is the document's result; the withdrawn-red-flag check then
    tests the red-flag rules alone (vettriage.record_changes._flags), so neither the rule program nor scoring
    is loaded. The emergency example is used because its flags could have been raised and withdrawn, so that
    check does run (asserted first, in-process)."""
    from vettriage.content import load_catalogue
    from vettriage.record_changes import _could_raise
    from vettriage.store import open_store

    db = str(tmp_path / "e.db")
    assert main(["intakes", "add", str(EXAMPLES / "emergency.yaml"), "--dog", "Rex", "--db", db]) == 0
    store = open_store(db)
    intake, trail = store.get_intake(1), store.audit(1)
    store.close()
    assert intake.status == "completed" and _could_raise(load_catalogue(), intake.answers, list(trail))
    loaded = _modules_after(["report", "--intake", "1", "--db", db], tmp_path)
    assert "vettriage.record_changes" in loaded and "vettriage.engine.answers" in loaded
    assert not loaded & {"vettriage.engine.triage", "vettriage.engine.program", "vettriage.engine.scoring"}
