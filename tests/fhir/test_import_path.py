"""fhir.resources (~0.3 s of imports) stays off the terminal app's start-up and the assess path: checked in a
fresh interpreter, as tests/unit/test_import_hygiene.py checks Textual."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _loaded_after(code: str) -> set[str]:
    script = textwrap.dedent(code) + "\nimport sys\nprint(' '.join(sorted(m for m in sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def _fhir(mods: set[str]) -> set[str]:
    return {m for m in mods if m == "fhir" or m.startswith(("fhir.", "fhir_core", "vettriage.fhir"))}


def test_the_terminal_app_start_does_not_import_fhir() -> None:
    # `vettriage` alone registers every command module (the desk is its default), then builds the app
    mods = _loaded_after("""
        from vettriage.cli import build_parser
        parser = build_parser([])
        assert parser.parse_args(["fhir", "export", "--intake", "1"]).func
        import vettriage.tui.app, vettriage.commands.tui
    """)
    assert "vettriage.commands.fhir" in mods and "textual" in mods  # the test did reach both
    assert not _fhir(mods)


def test_the_assess_path_does_not_import_fhir(tmp_path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("dog_name: Rex\n")
    mods = _loaded_after(f"""
        import contextlib, io
        from vettriage.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["assess", {str(answers)!r}, "--json"]) == 0
    """)
    assert not _fhir(mods)


def test_the_fhir_commands_do_import_it(tmp_path) -> None:
    """The check above can fail: the commands themselves load fhir.resources."""
    mods = _loaded_after(f"""
        import contextlib, io
        from vettriage.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["fhir", "questionnaire"]) == 0
    """)
    assert "fhir.resources.R4B.questionnaire" in mods
