"""A path written as pathlib writes it (`str(Path(text))`), without importing pathlib: it brings urllib.parse
and costs a short command (`intakes list`, `dogs due`) ~3 ms of a ~35 ms floor. Messages name files the same
either way."""

from __future__ import annotations

import os


def plain(text: str) -> str:
    """`str(Path(text).expanduser())`: the user's folder expanded, empty and `.` parts dropped, `..` kept."""
    return normal(os.path.expanduser(text))


def normal(text: str) -> str:
    """`str(Path(text))`: empty and `.` parts dropped, `..` kept, nothing expanded."""
    root = ("//" if text.startswith("//") and not text.startswith("///") else "/") if text.startswith("/") else ""
    return root + "/".join(part for part in text.split("/") if part not in ("", ".")) or "."


def absolute(text: str) -> str:
    """`str(Path(text).expanduser().absolute())`: as `plain`, under the working folder when relative."""
    text = os.path.expanduser(text)
    return plain(text if text.startswith("/") else os.path.join(os.getcwd(), text))
