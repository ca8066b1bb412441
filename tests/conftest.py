"""Shared fixtures: the real catalogue, loaded once."""

from __future__ import annotations

import os

import pytest

from vettriage.content import Catalogue, load_catalogue


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests cache their (many, often mutated) catalogues in a temporary folder, not the user's cache."""
    os.environ["VETTRIAGE_CACHE_DIR"] = str(tmp_path_factory.mktemp("catalogue-cache"))


@pytest.fixture(scope="session")
def catalogue(_private_cache: None) -> Catalogue:
    """The shipped content."""
    return load_catalogue()
