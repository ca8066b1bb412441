"""FHIR fixtures: a temporary SQLite database holding every shipped example, stored as `intakes add` stores it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vettriage.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


class Cli:
    """Runs `vettriage ...` in-process against one database and returns (exit code, stdout, stderr)."""

    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.db, self.capsys = db, capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        rc = main([*args, "--db", str(self.db)] if args[:2] != ("fhir", "questionnaire") else list(args))
        out = self.capsys.readouterr()
        return rc, out.out, out.err

    def json(self, path: Path) -> Any:
        return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """The command line on an empty database in tmp_path."""
    return Cli(tmp_path / "v.db", capsys)


@pytest.fixture
def stored(cli: Cli) -> dict[str, int]:
    """Every example stored with `intakes add` (dog named after the file, by a technician): name -> intake id."""
    ids = {}
    for n, path in enumerate(EXAMPLES, start=1):
        by = "owner" if n % 2 else "Sam Tech"
        rc, out, err = cli("intakes", "add", str(path), "--dog", path.stem, "--by", by)
        assert rc == 0, err
        ids[path.stem] = int(out.split()[2])
    return ids
