"""Scores: "don't know" is not zero, and a partly-known score is the interval it could still take."""

from __future__ import annotations

from vettriage.content.models import Item, Scale, Score
from vettriage.engine.scoring import compute_scores


def score(**kw) -> Score:
    return Score.model_validate({"title": {"owner": "t", "tech": "t"}, "source": "s1", **kw})


def item(i: str) -> Item:
    return Item.model_validate({"id": i, "type": "scale", "scale": "sev", "text": {"owner": i, "tech": i},
                                "source": "s1"})


SEV = Scale.model_validate({"id": "sev", "points": [{"value": v, "label": {"owner": str(v), "tech": str(v)}}
                                                    for v in range(4)]})
SCORES = (
    score(id="d1", method="sum", of=["a", "b", "c", "d"], min_share=0.5),
    score(id="m", method="mean", of=["a", "b", "c", "d"], min_share=0.75),
    score(id="mx", method="max", of=["a", "b"]),
    score(id="n", method="count_at_least", of=["a", "b", "c", "d"], threshold=2),
    score(id="total", method="sum", of=["d1", "mx"]),
)


class _Cat:
    """Just enough of a Catalogue for scoring (hashable: the scoring plan is cached per catalogue)."""

    items = {i: item(i) for i in "abcd"}
    scales = {"sev": SEV}
    scores = SCORES
    score_by_id = {s.id: s for s in SCORES}


CAT = _Cat()


def test_unknown_is_left_out_not_zero() -> None:
    s, spans = compute_scores(CAT, {"a": 3, "b": "unknown", "c": 1})
    assert s["d1"].value == 4 and s["d1"].answered == 2 and s["d1"].of == 4 and s["d1"].sufficient
    assert spans["d1"] == (4, 10), "b and d could each be 0-3"
    assert s["m"].value is None and not s["m"].sufficient, "2 of 4 known is below the 75% display hint"
    assert spans["m"] == (1.0, 2.5)
    assert spans["mx"] == (3, 3) and s["mx"].value == 3, "a max already at the top is decided"
    assert spans["n"] == (1, 3)


def test_mean_max_count_and_scores_of_scores() -> None:
    s, spans = compute_scores(CAT, {"a": 3, "b": 2, "c": 1, "d": 0})
    assert s["m"].value == 1.5
    assert s["mx"].value == 3
    assert s["n"].value == 2
    assert s["total"].value == 9
    assert all(lo == hi for lo, hi in spans.values()), "every input known: every score is exact"


def test_nothing_known_spans_the_whole_range() -> None:
    s, spans = compute_scores(CAT, {})
    assert all(v.value is None and not v.sufficient for v in s.values())
    assert spans["d1"] == (0, 12) and spans["total"] == (0, 15) and spans["n"] == (0, 4)


def test_a_hidden_input_takes_no_part() -> None:
    s, spans = compute_scores(CAT, {"a": 1, "b": 1, "c": 1}, hidden={"d"})
    assert spans["d1"] == (3, 3) and s["d1"].value == 3 and s["d1"].of == 3
    assert spans["m"] == (1, 1)


def test_the_written_out_fast_path_agrees_with_the_interval_pass() -> None:
    """compute_scores writes the usual case out as Python; reference_scores runs every score through the
    interval pass. Every mix of known, blank, "don't know" and hidden inputs gives the same scores."""
    import dataclasses
    import itertools

    from vettriage.engine.scoring import reference_scores

    states = [0, 3, "unknown", None, "hidden"]
    for combo in itertools.product(states, repeat=4):
        answers = {i: v for i, v in zip("abcd", combo) if v not in (None, "hidden")}
        hidden = {i for i, v in zip("abcd", combo) if v == "hidden"}
        want, want_spans = reference_scores(CAT, answers, hidden)
        unknown = {i for i, v in answers.items() if v == "unknown"}
        # without the don't-know ids (every input checked), and with them (as assess calls it: a full set of
        # answers then skips the checks)
        for got, got_spans in (compute_scores(CAT, answers, hidden), compute_scores(CAT, answers, hidden, unknown)):
            assert got_spans == want_spans, combo
            assert [dataclasses.astuple(s) for s in got.values()] == \
                [dataclasses.astuple(s) for s in want.values()], combo
            assert {k: (type(v[0]), type(v[1])) for k, v in got_spans.items()} == \
                {k: (type(v[0]), type(v[1])) for k, v in want_spans.items()}, combo


def test_the_fast_path_agrees_on_the_real_catalogue(catalogue) -> None:
    import dataclasses
    import random

    from vettriage.engine.scoring import reference_scores

    rnd = random.Random(3)
    items = [i for i in catalogue.items.values() if i.type in ("scale", "number", "months")]
    for n in range(300):
        answers = {}
        for i in items:
            r = rnd.random()
            if r < 0.7 or n % 3 == 0:  # a third of the sets answer every item
                answers[i.id] = rnd.choice(catalogue.scales[i.scale].values) if i.type == "scale" else \
                    rnd.randint(int(i.min), int(i.max))
            elif r < 0.8:
                answers[i.id] = "unknown"
        want, _ = reference_scores(catalogue, answers)
        unknown = {i for i, v in answers.items() if v == "unknown"}
        for got, _ in (compute_scores(catalogue, answers), compute_scores(catalogue, answers, (), unknown)):
            assert [dataclasses.astuple(s) for s in got.values()] == [dataclasses.astuple(s) for s in want.values()]


def _weight_cat():
    from vettriage.content.models import Item as _Item

    class _W:
        items = {i: _Item.model_validate({"id": i, "type": "number", "unit": "kg", "min": 0.5, "max": 120,
                                          "text": {"owner": i, "tech": i}, "source": "s1"}) for i in ("before", "now")}
        scales: dict = {}
        scores = (score(id="drop", method="percent_drop", of=["before", "now"], min_share=1.0),)
        score_by_id = {"drop": scores[0]}

    return _W()


WEIGHT = _weight_cat()


def test_percent_drop_is_the_share_of_the_earlier_value_lost() -> None:
    s, spans = compute_scores(WEIGHT, {"before": 20.0, "now": 18.0})
    assert s["drop"].value == 10.0 and spans["drop"] == (10.0, 10.0)
    # a gain is a negative drop, never a loss
    assert compute_scores(WEIGHT, {"before": 18, "now": 20})[1]["drop"][0] < 0


def test_percent_drop_with_a_blank_spans_what_it_could_be() -> None:
    s, spans = compute_scores(WEIGHT, {"before": 30.0})
    lo, hi = spans["drop"]
    assert s["drop"].value is None and lo < 0 < 10 < hi < 100, "today's weight unknown: any loss or none"
    # no earlier weight asked (no loss reported): nothing to compare, so no drop
    s, spans = compute_scores(WEIGHT, {"now": 18.0}, hidden={"before"})
    assert spans["drop"] == (0.0, 0.0) and s["drop"].value is None and not s["drop"].sufficient


def test_percent_drop_fast_path_agrees_with_the_interval_pass() -> None:
    import dataclasses

    from vettriage.engine.scoring import reference_scores

    for answers in ({"before": 20.0, "now": 18.0}, {"before": 19, "now": 18}, {"before": 0.5, "now": 120},
                    {"before": "unknown", "now": 18}, {"now": 18}, {}):
        want = reference_scores(WEIGHT, answers)
        unknown = {k for k, v in answers.items() if v == "unknown"}
        for got in (compute_scores(WEIGHT, answers), compute_scores(WEIGHT, answers, (), unknown)):
            assert got[1] == want[1], answers
            assert [dataclasses.astuple(s) for s in got[0].values()] == \
                [dataclasses.astuple(s) for s in want[0].values()], answers
