"""Fixtures for the plain mode: a real SQLite store in tmp_path and a fixed clinic config (tests/intake_fixtures)."""

from __future__ import annotations

from tests.intake_fixtures import CONFIG, config, db_url, store  # noqa: F401 (fixtures, found by pytest here)
