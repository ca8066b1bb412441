"""Shared fixtures: the real catalogue, loaded once."""

from __future__ import annotations

import pytest

from vettriage.content import Catalogue, load_catalogue


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The shipped content."""
    return load_catalogue()
