"""Where the shipped content and templates are, found from the package, never from the working directory."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder `name` ("questionnaires" or "reports") shipped with the package.

    A wheel carries them under `vettriage/_data/`; a source checkout or an editable install has them beside the
    package at the top level of the repository. The package folder is found from this file, which is what
    `importlib.resources.files("vettriage")` answers for an installed package (the only kind supported: the
    content is read as files), without importing importlib.resources and zipfile on every start (~5 ms).
    """
    packaged = PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return PACKAGE.parent / name


def questionnaires_dir() -> Path:
    """The default content folder."""
    return data_dir("questionnaires")


def reports_dir() -> Path:
    """The default templates folder."""
    return data_dir("reports")
