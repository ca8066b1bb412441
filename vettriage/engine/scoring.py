"""Scores: sums, means, maxima and counts over items and earlier scores. "Don't know" is never a zero."""

from __future__ import annotations

from typing import Any, Mapping

from vettriage.content.catalogue import Catalogue
from vettriage.engine.assessment import DomainScore, build


def compute_scores(catalogue: Catalogue, answers: Mapping[str, Any]) -> dict[str, DomainScore]:
    """Every score of the catalogue, in file order; a score below its `min_share` of known inputs has no value."""
    out: dict[str, DomainScore] = {}
    values: dict[str, Any] = {}
    for score in catalogue.scores:
        known: list[float] = []
        for ref in score.of:
            v = values[ref] if ref in values else answers.get(ref)
            if v.__class__ is int or v.__class__ is float:
                known.append(v)
        n = len(score.of)
        sufficient = bool(known) and len(known) / n >= score.min_share
        value: float | None = None
        if sufficient:
            if score.method == "sum":
                value = float(sum(known))
            elif score.method == "mean":
                value = round(sum(known) / len(known), 2)
            elif score.method == "max":
                value = float(max(known))
            else:
                value = float(sum(1 for k in known if k >= score.threshold))  # type: ignore[operator]
        values[score.id] = value
        out[score.id] = build(
            DomainScore, id=score.id, title=score.title.tech, value=value, answered=len(known), of=n,
            sufficient=sufficient, heuristic=score.heuristic,
        )
    return out
