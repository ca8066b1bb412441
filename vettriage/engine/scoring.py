"""Scores: sums, means, maxima and counts over items and earlier scores. "Don't know" is never a zero."""

from __future__ import annotations

from functools import cache
from typing import Any, Mapping

from vettriage.content.catalogue import Catalogue
from vettriage.engine.assessment import DomainScore


@cache
def _plan(catalogue: Catalogue) -> tuple[tuple[Any, ...], ...]:
    """Each score as a flat tuple, read once per catalogue: scoring runs on every assessment."""
    return tuple((s.id, s.method, tuple(s.of), s.threshold, s.min_share, s.title.tech, s.heuristic)
                 for s in catalogue.scores)


def compute_scores(catalogue: Catalogue, answers: Mapping[str, Any]) -> dict[str, DomainScore]:
    """Every score of the catalogue, in file order; a score below its `min_share` of known inputs has no value."""
    out: dict[str, DomainScore] = {}
    values: dict[str, Any] = {}
    for sid, method, refs, threshold, min_share, title, heuristic in _plan(catalogue):
        known: list[float] = []
        for ref in refs:
            v = values[ref] if ref in values else answers.get(ref)
            # exact classes: True is an int to Python, but a yes/no answer is never a number here
            if v.__class__ is int or v.__class__ is float:
                known.append(v)
        n = len(refs)
        sufficient = bool(known) and len(known) / n >= min_share
        value: float | None = None
        if sufficient:
            if method == "sum":
                value = float(sum(known))
            elif method == "mean":
                value = round(sum(known) / len(known), 2)
            elif method == "max":
                value = float(max(known))
            else:
                value = float(sum(1 for k in known if k >= threshold))
        values[sid] = value
        out[sid] = DomainScore(id=sid, title=title, value=value, answered=len(known), of=n,
                         sufficient=sufficient, heuristic=heuristic)
    return out
