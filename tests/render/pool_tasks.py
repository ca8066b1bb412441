"""Tasks the PDF pool tests hand to worker processes (importable there by name, unlike a test's closure)."""

from __future__ import annotations

import os

from vettriage.render.pdf_pool import write_pdf


def die_on_crash_file(html: str, path: str) -> str | None:
    """Kill this worker outright (as the out-of-memory killer would) for a file named *crash*; else the real task."""
    if "crash" in os.path.basename(path):
        os._exit(9)
    return write_pdf(html, path)
