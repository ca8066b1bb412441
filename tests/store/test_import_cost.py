"""Importing the store's contract, the package and the command module pulls in neither SQLAlchemy nor Textual."""

from __future__ import annotations

import subprocess
import sys


def test_store_imports_stay_cheap():
    code = ("import sys, vettriage.store, vettriage.store.api, vettriage.commands.intakes; "
            "print(sorted(m for m in ('sqlalchemy', 'textual', 'psycopg') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_sqlstore_never_imports_textual():
    code = "import sys, vettriage.store.sqlstore, vettriage.store.transfer; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_sqlite_store_needs_no_other_driver(tmp_path):
    """The terminal app's start-up opens SQLite with the stdlib driver only."""
    code = ("import sys; from vettriage.store import open_store; open_store(sys.argv[1]).close(); "
            "print(sorted(m for m in ('sqlalchemy', 'psycopg', 'textual') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.db")], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
