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
