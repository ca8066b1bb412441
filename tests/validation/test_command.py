"""`vettriage validate --cases`: the figures, JSON, the docs block, the guard's exit code, and one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from vettriage.cli import main
from vettriage.casebank.report import BEGIN, END

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "validation" / "cases"

EMERGENCY_CASE = """id: T001
title: Retching with nothing coming up
style: owner
story: |
  He keeps heaving and nothing comes up.
expect:
  urgency: {gold: emergency, source: s43}
  red_flags: {bloat: s43}
"""


def _bank(tmp_path: Path, case_text: str = EMERGENCY_CASE, answers: str = "rf_retching: true\n") -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "T001.case.yaml").write_text(case_text)
    (folder / "T001.answers.yaml").write_text("dog_name: Rex\n" + answers)
    return folder


def _one_line_error(capsys, *parts: str) -> None:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for part in parts:
        assert part in err, err


def test_prints_every_measure_with_its_interval_and_the_disagreements(capsys):
    assert main(["validate", "--cases", str(BANK)]) == 0
    out = capsys.readouterr().out
    for label in ("correct triage (exact)", "safe advice (Gilbert 2020)", "under-triage", "over-triage",
                  "emergencies sent to emergency", "false emergencies", "red-flag recall", "category agreement",
                  "plan agreement", "over-triage : under-triage", "95% CI (Wilson)", "Disagreements:"):
        assert label in out


def test_json_has_the_measures_and_each_case(capsys):
    assert main(["validate", "--cases", str(BANK), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    safe = data["measures"]["safe_advice"]
    assert safe["n"] == data["cases"] == len(data["per_case"]) >= 80
    assert 0 <= safe["ci95"][0] <= safe["rate"] <= safe["ci95"][1] <= 1
    assert {"case", "gold", "urgency", "misses", "known_disagreement"} <= set(data["disagreements"][0])


def test_update_doc_rewrites_only_the_figures_block(tmp_path, capsys):
    doc = tmp_path / "VALIDATION.md"
    doc.write_text(f"# Title\nbefore\n{BEGIN} -->\nstale\n{END}\nafter\n")
    assert main(["validate", "--cases", str(BANK), "--update-doc", str(doc)]) == 0
    text = doc.read_text()
    assert text.startswith("# Title\nbefore\n") and text.endswith(f"{END}\nafter\n")
    assert "stale" not in text and "| safe advice (Gilbert 2020) |" in text
    capsys.readouterr()
    doc.write_text("no block\n")
    assert main(["validate", "--cases", str(BANK), "--update-doc", str(doc)]) == 2
    _one_line_error(capsys, str(doc))


def test_the_shipped_document_holds_the_block_this_bank_prints(capsys):
    assert main(["validate", "--cases", str(BANK), "--doc-block"]) == 0
    block = capsys.readouterr().out
    assert block.startswith(BEGIN) and block.rstrip().endswith(END)
    assert BEGIN in (ROOT / "docs" / "VALIDATION.md").read_text()


def test_a_missed_emergency_exits_1_and_says_which(tmp_path, capsys):
    folder = _bank(tmp_path, answers="rf_retching: false\nrf_belly_tight: false\n")
    assert main(["validate", "--cases", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "T001" in captured.out and "guard: emergency case T001" in captured.err
    assert "red-flag recall 0/1" in captured.err


def test_a_met_emergency_exits_0(tmp_path, capsys):
    assert main(["validate", "--cases", str(_bank(tmp_path))]) == 0
    assert "Disagreements: 0 of 1 cases" in capsys.readouterr().out


@pytest.mark.parametrize("case_text, field", [
    (EMERGENCY_CASE.replace("{bloat: s43}", "{bloat: nowhere1999}"), "expect.red_flags.bloat"),
    (EMERGENCY_CASE.replace("{bloat: s43}", "{bloated: s43}"), "expect.red_flags.bloated"),
    (EMERGENCY_CASE.replace(", source: s43}", "}"), "expect.urgency.source"),
    (EMERGENCY_CASE.replace("gold: emergency", "gold: urgent"), "expect.urgency"),
    (EMERGENCY_CASE.replace("style: owner", "style: vet"), "style"),
    (EMERGENCY_CASE + "known_disagreement: the engine is slow to see bloat\n", "known_disagreement"),
    (EMERGENCY_CASE.replace("expect:", "expect:\n  urgency_guess: soon"), "expect.urgency_guess"),
])
def test_a_bad_case_file_is_one_line_naming_file_and_field(tmp_path, capsys, case_text, field):
    folder = _bank(tmp_path, case_text)
    assert main(["validate", "--cases", str(folder)]) == 2
    _one_line_error(capsys, "T001.case.yaml", field)


def test_a_bad_answers_file_names_the_answers_file(tmp_path, capsys):
    folder = _bank(tmp_path, answers="rf_retching: maybe\n")
    assert main(["validate", "--cases", str(folder)]) == 2
    _one_line_error(capsys, "T001.answers.yaml", "rf_retching")


def test_duplicate_ids_and_empty_folders_are_refused(tmp_path, capsys):
    folder = _bank(tmp_path)
    shutil.copytree(folder, tmp_path / "again")
    assert main(["validate", "--cases", str(folder), "--cases", str(tmp_path / "again")]) == 2
    _one_line_error(capsys, "T001 is also the id")
    (tmp_path / "empty").mkdir()
    assert main(["validate", "--cases", str(tmp_path / "empty")]) == 2
    _one_line_error(capsys, "no *.case.yaml")


def test_case_options_need_cases(capsys):
    assert main(["validate", "--json"]) == 2
    _one_line_error(capsys, "--json", "--cases")


def test_runs_with_a_content_pack_loaded(capsys):
    pack = ROOT / "examples" / "packs" / "demo-instrument"
    assert main(["validate", "--pack", str(pack), "--cases", str(BANK), "--json"]) == 0
    assert "+demo" in json.loads(capsys.readouterr().out)["content_version"]


def test_the_case_bank_never_imports_textual():
    import subprocess
    import sys

    code = ("import sys, contextlib, io\nfrom vettriage.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n    main(['validate', '--cases', {str(BANK)!r}])\n"
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_known_disagreement_that_now_agrees_is_pointed_out(tmp_path, capsys):
    case = (EMERGENCY_CASE.replace("gold: emergency", "gold: soon, accept: [emergency]")
            + "known_disagreement: thought the engine would miss it\n")
    assert main(["validate", "--cases", str(_bank(tmp_path, case)), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["stale_known_disagreements"] == ["T001"]
