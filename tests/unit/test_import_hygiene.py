"""The headless modules never import Textual (harlequin's habit): checked in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _loaded_after(code: str) -> set[str]:
    script = textwrap.dedent(code) + "\nimport sys\nprint(' '.join(sorted(m for m in sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_engine_and_assess_path_do_not_import_textual(tmp_path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("dog_name: Rex\nrf_collapse: no\n")
    mods = _loaded_after(f"""
        import vettriage.content, vettriage.engine, vettriage.store.api
        from vettriage.cli import main
        import contextlib, io
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["assess", {str(answers)!r}, "--json"]) == 0
    """)
    assert "textual" not in mods
    assert not {"jinja2", "weasyprint", "sqlalchemy"} & mods, "heavy imports stay off the assess path"


def test_plan_render_and_store_do_not_import_textual() -> None:
    mods = _loaded_after("""
        import importlib
        for name in ("vettriage.plan", "vettriage.render", "vettriage.store", "vettriage.followup",
                     "vettriage.render.trend", "vettriage.commands.dogs"):
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
    """)
    assert "textual" not in mods


def test_intake_session_imports_no_user_interface() -> None:
    """The headless intake package is driven by the app, the plain mode and the web form, never the reverse."""
    mods = _loaded_after("""
        import vettriage.intake, vettriage.intake.session, vettriage.intake.starting, vettriage.intake.words
    """)
    ui = {m for m in mods if m.split(".")[0] in ("textual", "rich", "starlette", "uvicorn", "aiohttp")
          or m.startswith(("vettriage.tui", "vettriage.plain", "vettriage.web", "vettriage.commands"))}
    assert not ui, sorted(ui)
