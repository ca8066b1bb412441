"""Every example (and hand-written case) rendered once as PDF through `vettriage report`, with the clinic set in
the environment as a clinic would set it: the layout tests read pages from here."""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.render.cases import example_files

CLINIC_NAME = "Riverside Veterinary Clinic"
CLINIC_PHONE = "01632 960000"
_SPACE = re.compile(r"\s+")


@dataclass
class Pdf:
    """One document: its pages' text (whitespace removed, since extraction breaks lines where the layout
    wrapped) and its page count."""

    pages: list[str]

    @property
    def count(self) -> int:
        return len(self.pages)


def flat(text: str) -> str:
    return _SPACE.sub("", text)


@cache
def render_pdf(answers_file: str, kind: str, folder: str, *extra: str) -> Pdf:
    """`vettriage report FILE --kind KIND --format pdf` with VETTRIAGE_CLINIC_NAME and _PHONE set."""
    from pypdf import PdfReader

    from vettriage.cli import main

    out = Path(folder) / f"{Path(answers_file).stem}-{kind}{''.join(extra)}.pdf"
    saved = {k: os.environ.get(k) for k in ("VETTRIAGE_CLINIC_NAME", "VETTRIAGE_CLINIC_PHONE", "VETTRIAGE_CONFIG")}
    empty = Path(folder) / "empty-config.toml"
    empty.write_text("")
    os.environ.update(VETTRIAGE_CLINIC_NAME=CLINIC_NAME, VETTRIAGE_CLINIC_PHONE=CLINIC_PHONE,
                      VETTRIAGE_CONFIG=str(empty))
    try:
        assert main(["report", answers_file, "--kind", kind, "--format", "pdf", "-o", str(out), *extra]) == 0
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    return Pdf([flat(p.extract_text()) for p in reader.pages])


def example_names() -> list[str]:
    return [p.stem for p in example_files()]


def example_path(name: str) -> str:
    return str(next(p for p in example_files() if p.stem == name))
