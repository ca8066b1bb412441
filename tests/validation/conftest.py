"""The shipped case bank, run once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BANK = ROOT / "validation" / "cases"
DOC = ROOT / "docs" / "VALIDATION.md"


@pytest.fixture(scope="session")
def bank(catalogue):
    from vettriage.casebank.cases import load_bank

    return load_bank([BANK], catalogue)


@pytest.fixture(scope="session")
def outcomes(catalogue, bank):
    from vettriage.casebank.check import run_case

    return [run_case(catalogue, c) for c in bank]
