"""The command line: every command is registered, `vettriage` alone opens the desk, errors are one line."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from vettriage.cli import build_parser, main
from vettriage.commands.tui import default_command


def test_bare_command_opens_the_desk() -> None:
    assert build_parser().default_command is default_command


def test_options_without_a_command_open_the_desk_with_them(monkeypatch, tmp_path) -> None:
    import vettriage.commands.tui as tui

    seen = {}
    monkeypatch.setattr(tui, "run_desk", lambda args: seen.update(db=args.db, mode=args.mode) or 0)
    assert main(["--db", str(tmp_path / "x.db"), "--mode", "owner"]) == 0
    assert seen == {"db": str(tmp_path / "x.db"), "mode": "owner"}


def test_commands_are_registered() -> None:
    text = build_parser().format_help()
    for name in ("assess", "validate", "answers-template", "intakes", "report", "plan", "intake", "invite", "serve"):
        assert name in text


def test_assess_bad_file_is_one_line_exit_2(tmp_path, capsys) -> None:
    p = tmp_path / "a.yaml"
    p.write_text("rf_collapse: sometimes\n")
    assert main(["assess", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(p) in err and "rf_collapse" in err


def test_python_dash_m_works(tmp_path) -> None:
    p = tmp_path / "a.yaml"
    p.write_text("dog_name: Rex\nrf_toxin: yes\n")
    out = subprocess.run([sys.executable, "-m", "vettriage", "assess", str(p)], capture_output=True, text=True)
    assert out.returncode == 0 and "EMERGENCY" in out.stdout and "examined by a vet" in out.stdout


def test_answers_template_round_trips(catalogue, tmp_path, capsys) -> None:
    import yaml

    assert main(["answers-template", "--mode", "owner"]) == 0
    text = capsys.readouterr().out
    data = yaml.safe_load(text)
    assert set(data) == set(catalogue.items) and all(v is None for v in data.values())
    p = tmp_path / "blank.yaml"
    p.write_text(text)
    assert main(["assess", str(p)]) == 0


def test_unwritable_output_is_one_line(tmp_path, capsys) -> None:
    out = tmp_path / "missing-folder" / "x.html"
    example = str(Path(__file__).resolve().parents[2] / "examples" / "arthritis.yaml")
    code = main(["report", example, "--kind", "handout", "--format", "html", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err


def test_command_table_names_every_command() -> None:
    from vettriage.cli import COMMANDS

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == set(COMMANDS)
    for name, module in COMMANDS.items():
        only = next(a for a in build_parser([name])._actions if isinstance(a, argparse._SubParsersAction))
        assert name in only.choices, f"{name} is not registered by vettriage.commands.{module}"


def test_intake_script_installs_only_when_something_changed(tmp_path) -> None:
    """scripts/intake runs scripts/setup on the first start, not on the next, and again when pyproject.toml
    or the installed version changes (a stand-in setup and vettriage record what ran)."""
    import shutil

    root = Path(__file__).resolve().parents[2]
    (tmp_path / "scripts").mkdir()
    shutil.copy(root / "scripts" / "intake", tmp_path / "scripts" / "intake")
    log = tmp_path / "log"
    site = tmp_path / ".venv" / "lib" / "python3.11" / "site-packages"
    (tmp_path / "scripts" / "setup").write_text(
        "#!/usr/bin/env bash\nset -e\ncd \"$(dirname \"$0\")/..\"\necho setup >> log\nmkdir -p .venv/bin "
        f"{site.relative_to(tmp_path)}/vettriage-1.0.dist-info\n"
        "printf '#!/bin/sh\\necho run \"$@\" >> log\\n' > .venv/bin/vettriage\nchmod +x .venv/bin/vettriage\n")
    (tmp_path / "scripts" / "setup").chmod(0o755)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'vettriage'\n")

    def start() -> list[str]:
        subprocess.run([str(tmp_path / "scripts" / "intake"), "desk"], check=True, cwd=tmp_path, timeout=30)
        return log.read_text().split()

    assert start() == ["setup", "run", "desk"]
    assert start() == ["setup", "run", "desk", "run", "desk"]
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'vettriage'\nversion = '2'\n")
    assert start().count("setup") == 2
    shutil.rmtree(site / "vettriage-1.0.dist-info")
    (site / "vettriage-1.1.dist-info").mkdir()
    assert start().count("setup") == 3
    assert start().count("setup") == 3
