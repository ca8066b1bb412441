"""Fixtures the terminal app's tests and the plain mode's tests share: a real SQLite store in tmp_path and a
fixed clinic config. Each conftest imports them (pytest finds fixtures a conftest imports)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vettriage.config import Config

CONFIG = Config(clinic_name="Riverside Vets", clinic_phone="01632 960000", default_mode="tech")


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
