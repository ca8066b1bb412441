"""Where the shipped content and templates are, found from the package, never from the working directory."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_dir(name: str) -> Path:
    """Return the folder `name` ("questionnaires" or "reports") shipped with the package.

    A wheel carries them under `vettriage/_data/`; a source checkout or an editable install has them beside the
    package at the top level of the repository.
    """
    packaged = Path(str(files("vettriage"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def questionnaires_dir() -> Path:
    """The default content folder."""
    return data_dir("questionnaires")


def reports_dir() -> Path:
    """The default templates folder."""
    return data_dir("reports")
