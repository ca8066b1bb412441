"""Where the shipped content and templates are, found from the package, never from the working directory."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # pathlib brings urllib.parse (~3 ms of an `assess` start): the content is found as text
if TYPE_CHECKING:
    from pathlib import Path

PACKAGE_DIR = os.path.dirname(os.path.realpath(__file__))
"""The package's folder (`Path(__file__).resolve().parent`, as text)."""


def __getattr__(name: str) -> Path:
    if name == "PACKAGE":  # the folder as a Path, for those who ask
        from pathlib import Path

        return Path(PACKAGE_DIR)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def data_folder(name: str) -> str:
    """`data_dir(name)` as text, found without pathlib."""
    packaged = os.path.join(PACKAGE_DIR, "_data", name)
    if os.path.isdir(packaged):
        return packaged
    return os.path.join(os.path.dirname(PACKAGE_DIR), name)


def data_dir(name: str) -> Path:
    """Return the folder `name` ("questionnaires" or "reports") shipped with the package.

    A wheel carries them under `vettriage/_data/`; a source checkout or an editable install has them beside the
    package at the top level of the repository. The package folder is found from this file, which is what
    `importlib.resources.files("vettriage")` answers for an installed package (the only kind supported: the
    content is read as files), without importing importlib.resources and zipfile on every start (~5 ms).
    """
    from pathlib import Path

    return Path(data_folder(name))


def questionnaires_dir() -> Path:
    """The default content folder."""
    return data_dir("questionnaires")


def reports_dir() -> Path:
    """The default templates folder."""
    return data_dir("reports")
