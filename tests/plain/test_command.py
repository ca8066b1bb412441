"""`vettriage intake --plain` as a newcomer runs it: a script piped in, then `vettriage intakes show` lists the
answers. Run in a fresh interpreter, which also proves the plain mode never imports Textual."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.plain.script import DOG, plain_script
from vettriage.commands.tui import wants_plain

RUN = """
import sys
from vettriage.cli import main
rc = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print("TEXTUAL-MODULES:", loaded)
sys.exit(rc)
"""


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    (tmp_path / "config.toml").write_text('clinic_name = "Riverside Vets"\nclinic_phone = "01632 960000"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("VETTRIAGE_") or k == "VETTRIAGE_CACHE_DIR"}
    env.update(VETTRIAGE_CONFIG=str(tmp_path / "config.toml"), **extra)
    return env


def test_piped_script_completes_an_intake_that_intakes_show_lists(catalogue: Any, tmp_path: Path) -> None:
    db = tmp_path / "rex.db"
    # no --plain: stdout is a pipe here, which chooses the plain mode by itself
    done = subprocess.run([sys.executable, "-c", RUN, "intake", "--dog", DOG, "--db", str(db)],
                          input=plain_script(catalogue), capture_output=True, text=True, timeout=120,
                          env=_env(tmp_path, TERM="xterm-256color"))
    assert done.returncode == 0, done.stderr
    assert "TEXTUAL-MODULES: []" in done.stdout
    assert "Intake completed for Rex." in done.stdout and "\x1b" not in done.stdout
    assert "Call Riverside Vets on 01632 960000 now" in done.stdout
    shown = subprocess.run([sys.executable, "-m", "vettriage", "intakes", "show", "1", "--db", str(db)],
                           capture_output=True, text=True, timeout=60, env=_env(tmp_path))
    assert shown.returncode == 0, shown.stderr
    assert "Rex" in shown.stdout and "completed" in shown.stdout and "EMERGENCY SIGN REPORTED" in shown.stdout
    assert "  dog_age_years: 14" in shown.stdout and '  rf_collapse: true' in shown.stdout


def test_end_of_input_at_once_exits_0_with_one_saved_line(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "vettriage", "intake", "--plain", "--dog", "Pip", "--db",
                           str(tmp_path / "pip.db")], input="", capture_output=True, text=True, timeout=60,
                          env=_env(tmp_path, TERM="dumb"))
    assert done.returncode == 0 and done.stderr == ""
    assert "End of input. Every answer given so far is saved." in done.stdout


class _Tty:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_plain_is_chosen_for_a_dumb_terminal_or_input_or_output_that_is_not_a_terminal() -> None:
    assert wants_plain({"TERM": "dumb"}, _Tty(True), _Tty(True))
    assert wants_plain({"TERM": "xterm"}, _Tty(False), _Tty(True))
    assert wants_plain({"TERM": "xterm"}, _Tty(True), _Tty(False))  # printf ... | vettriage intake
    assert not wants_plain({"TERM": "xterm"}, _Tty(True), _Tty(True))


def test_plain_and_no_plain_override_the_choice() -> None:
    from vettriage.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["intake", "--dog", "x"]).plain is None  # chosen by the terminal
    assert parser.parse_args(["intake", "--dog", "x", "--plain"]).plain is True
    assert parser.parse_args(["intake", "--dog", "x", "--no-plain"]).plain is False
