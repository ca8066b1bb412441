"""The plain mode's modules import no Textual, checked in a fresh interpreter (the harlequin habit)."""

from __future__ import annotations

import subprocess
import sys


def test_plain_mode_imports_no_textual() -> None:
    code = ("import sys, vettriage.plain, vettriage.plain.dialogue, vettriage.plain.words, "
            "vettriage.intake.session, vettriage.intake.starting, vettriage.commands.tui; "
            "bad = [m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'rich.'))]; "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
