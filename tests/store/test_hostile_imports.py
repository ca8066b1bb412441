"""Hostile and damaged input to the store (issue 25): every text value is valid Unicode and bounded before it is
stored; an import re-derives the result from the answers and refuses a record that disagrees; duplicate JSON keys
are refused; bounds hold before parsing work grows; a damaged row never blocks list, show, export or FHIR export.
Each failing input is a small fixture; each refusal is one line, exit 2, nothing written."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from vettriage.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> dict:
    """An export of two dogs: one with a routine intake, one with an emergency."""
    d = tmp_path_factory.mktemp("export")
    db = str(d / "source.db")
    assert main(["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Ada", "--db", db]) == 0
    assert main(["intakes", "add", str(EXAMPLES / "emergency.yaml"), "--dog", "Bo", "--db", db]) == 0
    out = d / "export.json"
    assert main(["intakes", "export", "-o", str(out), "--db", db]) == 0
    return json.loads(out.read_text())


def refused(capsys, tmp_path: Path, text: str, *words: str, suffix: str = ".json") -> str:
    """Import `text`: one line naming the file, exit 2, and nothing in the database."""
    src = tmp_path / f"in{suffix}"
    src.write_text(text, encoding="utf-8", errors="surrogatepass")
    db = tmp_path / "target.db"
    code, _, err = run(capsys, "intakes", "import", str(src), "--db", str(db))
    assert code == 2 and err.count("\n") == 1 and len(err) < 1000 and "Traceback" not in err, err[:500]
    assert str(src) in err and all(w in err for w in words), err
    if db.exists():
        con = sqlite3.connect(db)
        assert con.execute("SELECT COUNT(*) FROM intakes").fetchone()[0] == 0
        con.close()
    return err


def changed(export: dict, change) -> dict:
    doc = json.loads(json.dumps(export))
    change(doc)
    return doc


# -- text that is not Unicode, and bounds -------------------------------------------------------------------

def test_a_lone_surrogate_in_an_answer_is_refused_json_and_csv(export, tmp_path, capsys) -> None:
    doc = changed(export, lambda d: d["intakes"][0]["answers"].update(dog_name="\ud800"))
    refused(capsys, tmp_path, json.dumps(doc), "answers", "surrogate")
    buf = io.StringIO()
    from vettriage.store.transfer import CSV_COLUMNS
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    db = tmp_path / "csv.db"
    assert main(["intakes", "import", str(_write(tmp_path, json.dumps(export))), "--db", str(db)]) == 0
    assert main(["intakes", "export", "--format", "csv", "-o", str(tmp_path / "e.csv"), "--db", str(db)]) == 0
    capsys.readouterr()
    text = re.sub(r'""dog_name"": ""[^"]*""', lambda m: '""dog_name"": ""\\ud800""', (tmp_path / "e.csv").read_text(),
                  count=1)
    assert "\\ud800" in text
    refused(capsys, tmp_path, text, "surrogate", suffix=".csv")


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "plain.json"
    p.write_text(text)
    return p


@pytest.mark.parametrize("where", ["dog name", "by", "audit who"])
def test_names_in_an_import_refuse_control_characters(export, tmp_path, capsys, where) -> None:
    def change(d):
        if where == "dog name":
            d["dogs"][0]["name"] = "Ada\x1b[2J"
        elif where == "by":
            d["intakes"][0]["by"] = "Sam\x9b"
        else:
            d["intakes"][0]["audit"][0]["who"] = "Sam\x07"

    refused(capsys, tmp_path, json.dumps(changed(export, change)), "control character")


def test_a_huge_value_gives_a_short_line(export, tmp_path, capsys) -> None:
    doc = changed(export, lambda d: d["intakes"][0].update(created_at="x" * 31_000_000))
    refused(capsys, tmp_path, json.dumps(doc), "created_at")


@pytest.mark.parametrize("case", ["5000 digits", "1e999", "NaN", "deep", "dict dog_id", "overflowing date",
                                  "duplicate key", "duplicate top-level key"])
def test_bounds_and_shapes_before_parsing_grows(export, tmp_path, capsys, case) -> None:
    text = json.dumps(export)
    marker = '"dog_weight_kg": '
    at = text.index(marker) + len(marker)
    rest = text[at:].split(",", 1)[1]
    value = {"5000 digits": "9" * 5000, "1e999": "1e999", "NaN": "NaN", "deep": "[" * 5000 + "]" * 5000}.get(case)
    if value is not None:
        text = text[:at] + value + "," + rest
    elif case == "dict dog_id":
        text = json.dumps(changed(export, lambda d: d["intakes"][0].update(dog_id={})))
    elif case == "overflowing date":
        text = json.dumps(changed(export, lambda d: d["intakes"][0].update(created_at="9999-12-31T23:59:59-01:00")))
    elif case == "duplicate key":
        text = text.replace('"status": ', '"status": "completed", "status": ', 1)
    else:
        text = text.replace('"format_version": 1,', '"format_version": 1, "format_version": 1,', 1)
    refused(capsys, tmp_path, text)


# -- the result must agree with the answers ------------------------------------------------------------------

def test_an_emergency_relabelled_routine_is_refused(export, tmp_path, capsys) -> None:
    emergency = next(i for i in export["intakes"] if i["urgency"] == "emergency")
    at = export["intakes"].index(emergency)

    def relabel_all(d):  # the record, its assessment and the flag: only the answers still say emergency
        i = d["intakes"][at]
        i["urgency"] = i["assessment"]["urgency"] = "routine"
        i["emergency"] = False
        i["assessment"]["red_flags"] = []

    refused(capsys, tmp_path, json.dumps(changed(export, relabel_all)), "disagrees with its answers")

    def relabel_column(d):
        d["intakes"][at]["urgency"] = "routine"

    refused(capsys, tmp_path, json.dumps(changed(export, relabel_column)), "urgency")


def test_a_consistent_export_still_imports_and_lists_the_emergency(export, tmp_path, capsys) -> None:
    db = str(tmp_path / "ok.db")
    assert run(capsys, "intakes", "import", str(_write(tmp_path, json.dumps(export))), "--db", db)[0] == 0
    code, out, _ = run(capsys, "intakes", "list", "--urgency", "emergency", "--db", db)
    assert code == 0 and "Bo" in out and "Ada" not in out


# -- damaged rows never block the rest -----------------------------------------------------------------------

DAMAGE = {
    "surrogate in answers": "UPDATE intakes SET answers = '{\"dog_name\": \"\\ud800\"}' WHERE id = 1",
    "surrogate in the assessment": "UPDATE intakes SET assessment = '{\"urgency\": \"\\udfff\"}' WHERE id = 1",
    "dog name a blob": "UPDATE dogs SET name = x'416461' WHERE id = 1",
    "by a blob": "UPDATE intakes SET \"by\" = x'53616d' WHERE id = 1",
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_row_is_named_and_the_rest_still_reads(export, tmp_path, capsys, case) -> None:
    db = str(tmp_path / "d.db")
    assert run(capsys, "intakes", "import", str(_write(tmp_path, json.dumps(export))), "--db", db)[0] == 0
    con = sqlite3.connect(db)
    con.execute(DAMAGE[case])
    con.commit()
    con.close()
    code, out, err = run(capsys, "intakes", "list", "--db", db)  # (the list reads no answers)
    assert code == 0 and "Bo" in out and "Traceback" not in err
    assert ("blob" not in case) or ("damaged" in err and "Ada" not in out)
    for fmt in ("json", "csv"):
        target = tmp_path / f"rescue.{fmt}"
        code, _, err = run(capsys, "intakes", "export", "--format", fmt, "-o", str(target), "--db", db)
        assert code == 0 and "damaged" in err and "left out" in err, err
        assert "Bo" in target.read_text()
    code, _, err = run(capsys, "intakes", "show", "1", "--db", db)
    assert code == 2 and err.count("\n") == 1 and "damaged" in err, err
    code, out, _ = run(capsys, "intakes", "show", "2", "--db", db)
    assert code == 0 and "Bo" in out
    code, _, err = run(capsys, "fhir", "export", "--intake", "1", "--db", db)
    assert code == 2 and err.count("\n") == 1 and "damaged" in err, err
    assert run(capsys, "fhir", "export", "--intake", "2", "--db", db)[0] == 0
    code, _, err = run(capsys, "dogs", "list", "--db", db)
    assert code == 0 and "Traceback" not in err


# -- FHIR ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundle_text(tmp_path_factory) -> str:
    d = tmp_path_factory.mktemp("fhir")
    db = str(d / "s.db")
    assert main(["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Nova", "--db", db]) == 0
    assert main(["fhir", "export", "--intake", "1", "-o", str(d / "b.json"), "--db", db]) == 0
    return (d / "b.json").read_text()


WEIGHT = '"valueDecimal": 36'


@pytest.mark.parametrize("value", ['"valueDecimal": "1E+999999999"', '"valueDecimal": 1E+999999999',
                                   '"valueDecimal": 1' + "0" * 5000, '"valueDecimal": "1E-999999999"',
                                   '"valueInteger": ' + "9" * 5000, '"valueDecimal": NaN',
                                   '"valueDecimal": 36, "valueDecimal": 37',
                                   '"valueDecimal": 36, "extension": ' + "[" * 3000 + "]" * 3000,
                                   '"valueString": "\\ud800"'])
def test_fhir_values_are_bounded_before_any_work(bundle_text, tmp_path, value, capsys) -> None:
    assert WEIGHT in bundle_text
    src = tmp_path / "r.json"
    src.write_text(bundle_text.replace(WEIGHT, value, 1))
    db = tmp_path / "f.db"
    code, _, err = run(capsys, "fhir", "import", str(src), "--db", str(db))
    assert code == 2 and err.count("\n") == 1 and len(err) < 1000 and str(src) in err, err[:300]
    assert not db.exists() or sqlite3.connect(db).execute("SELECT COUNT(*) FROM intakes").fetchone()[0] == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("command", [["intakes", "import"], ["fhir", "import"], ["intakes", "add"]])
def test_a_fifo_is_refused_not_waited_on(tmp_path, command) -> None:
    fifo = tmp_path / "in.json"
    os.mkfifo(fifo)
    extra = ["--dog", "Rex"] if command[1] == "add" else []
    out = subprocess.run([sys.executable, "-m", "vettriage", *command, str(fifo), *extra, "--db",
                          str(tmp_path / "f.db")], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "not a regular file" in out.stderr, out.stderr
