"""Fixtures for the Pilot flows: a real SQLite store in tmp_path, the shipped content, a fixed config,
and the cursor blink frozen so snapshots are stable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from vettriage.config import Config
from vettriage.content import load_catalogue

CONFIG = Config(clinic_name="Riverside Vets", clinic_phone="01632 960000", default_mode="tech")


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Input, "cursor_blink", False)


@pytest.fixture(scope="session")
def catalogue() -> Any:
    return load_catalogue()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'vt.db'}"


@pytest.fixture
def store(db_url: str) -> Any:
    from vettriage.store import open_store

    s = open_store(db_url)
    yield s
    s.close()


@pytest.fixture
def config() -> Config:
    return CONFIG
