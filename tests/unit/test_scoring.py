"""Scores: "don't know" is not zero; too few known inputs means insufficient data."""

from __future__ import annotations

from vettriage.content.models import Score
from vettriage.engine.scoring import compute_scores


def score(**kw) -> Score:
    return Score.model_validate({"title": {"owner": "t", "tech": "t"}, "source": "s1", **kw})


class _Cat:
    """Just enough of a Catalogue for scoring."""


CAT = _Cat()
CAT.scores = (
    score(id="d1", method="sum", of=["a", "b", "c", "d"], min_share=0.5),
    score(id="m", method="mean", of=["a", "b", "c", "d"], min_share=0.75),
    score(id="mx", method="max", of=["a", "b"]),
    score(id="n", method="count_at_least", of=["a", "b", "c", "d"], threshold=2),
    score(id="total", method="sum", of=["d1", "mx"]),
)


def test_unknown_is_left_out_not_zero() -> None:
    s = compute_scores(CAT, {"a": 3, "b": "unknown", "c": 1})
    assert s["d1"].value == 4 and s["d1"].answered == 2 and s["d1"].of == 4 and s["d1"].sufficient
    assert s["m"].value is None and not s["m"].sufficient, "2 of 4 known is below 75%"


def test_mean_max_count_and_scores_of_scores() -> None:
    s = compute_scores(CAT, {"a": 3, "b": 2, "c": 1, "d": 0})
    assert s["m"].value == 1.5
    assert s["mx"].value == 3
    assert s["n"].value == 2
    assert s["total"].value == 9


def test_nothing_known_is_insufficient() -> None:
    s = compute_scores(CAT, {})
    assert all(v.value is None and not v.sufficient for v in s.values())
    assert s["total"].value is None
