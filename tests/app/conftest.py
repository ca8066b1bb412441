"""Fixtures for the Pilot flows: a real SQLite store in tmp_path, the shipped content, a fixed config,
and the cursor blink frozen so snapshots are stable."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from tests.intake_fixtures import CONFIG, config, db_url, store  # noqa: F401 (fixtures, found by pytest here)
from vettriage.content import load_catalogue


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "cursor_blink", False)


@pytest.fixture(scope="session")
def catalogue() -> Any:
    return load_catalogue()


