"""Answers of a stored intake shown as they were asked, when its content version is older than today's.

An intake records the content version it was answered under (`Intake.content_version`). When that version
changed or retired a question (retired.yaml), the documents list those answers with the wording and the answer
labels the owner or technician saw, so that a stored "2" still reads as what it meant then. Pure: no I/O.
"""

from __future__ import annotations

from typing import Any, Mapping

from vettriage.content.models import UNKNOWN, Item

__all__ = ["asked_earlier", "label_as_asked"]


def label_as_asked(catalogue: Any, item: Item, value: Any, mode: str) -> str:
    """`value` in the words of `item` as it was asked (its own scale or options)."""
    if value == UNKNOWN:
        return "Don't know" if mode == "owner" else "unknown"
    if item.type == "yesno":
        return "Yes" if value else "No"
    if item.type == "scale":
        scale = catalogue.scale_as_asked(item.scale)
        for p in scale.points if scale else ():
            if p.value == value:
                return p.label.for_mode(mode)  # type: ignore[arg-type]
    if item.type == "choice":
        return item.option_label(value, mode)  # type: ignore[arg-type]
    if item.type == "multi" and isinstance(value, list):
        return ", ".join(item.option_label(v, mode) for v in value)  # type: ignore[arg-type]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def asked_earlier(catalogue: Any, answers: Mapping[str, Any], version: str | None, mode: str) -> list[dict[str, Any]]:
    """The answers whose question, under content `version`, was not the question asked today: each with the
    question and answer as they were asked, and whether it is retired (asked no more, never scored) or reworded
    (same id, today's scoring reads its number on today's scale). Empty for an intake of today's version."""
    if not version or version.split("+", 1)[0] == catalogue.base_version:
        return []
    out: list[dict[str, Any]] = []
    for item_id, value in answers.items():
        if value is None:
            continue
        then = catalogue.item_as_asked(item_id, version)
        now = catalogue.items.get(item_id)
        if then is None or then is now:
            continue
        out.append({"id": item_id, "question": then.text.for_mode(mode),  # type: ignore[arg-type]
                    "answer": label_as_asked(catalogue, then, value, mode),
                    "status": "reworded" if now is not None else "retired"})
    return out
