"""The triage engine: pure functions from a Catalogue and answers to an Assessment. Never imports Textual.

The names below are imported on first use: the terminal app needs branching (`engine.answers`) before it
paints its first question, and the Assessment, scoring and rules only once that question is on screen.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vettriage.engine.answers import Answers, read_answers_file, validate_answers, visible_items
    from vettriage.engine.assessment import Assessment
    from vettriage.engine.triage import assess

__all__ = ["Answers", "Assessment", "assess", "read_answers_file", "validate_answers", "visible_items"]

_HOME = {"Answers": "answers", "read_answers_file": "answers", "validate_answers": "answers",
         "visible_items": "answers", "Assessment": "assessment", "assess": "triage"}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"vettriage.engine.{_HOME[name]}"), name)
    globals()[name] = value
    return value
