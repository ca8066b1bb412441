"""vettriage.followup: changes over score intervals, category levels, re-screen dates, pre-fill (pure)."""

from __future__ import annotations

import datetime as dt

from vettriage.config import RescreenPolicy
from vettriage.followup import Range, category_change, prefill, rescreen_due, score_change


def _r(low, high, value=None) -> Range:
    return Range(low, high, value)


def test_a_change_from_open_ranges_is_never_called() -> None:
    c = score_change("s", "S", "pain", _r(4, 10), _r(3, 6))  # could be -7 .. +2
    assert (c.direction, c.change_text()) == ("undetermined", "-7 to +2")
    c = score_change("s", "S", "pain", _r(10, 12), _r(3, 6))  # every filling is lower
    assert c.direction == "lower" and c.meaning.startswith("descriptive only")
    assert score_change("s", "S", None, _r(None, None), _r(3, 3)).direction == "not comparable"
    assert score_change("s", "S", None, _r(5, 5), _r(5, 5)).direction == "same"


def test_range_text_shows_the_range() -> None:
    assert Range.of({"value": None, "low": 2.0, "high": 9.0, "answered": 1, "of": 4}).text() == "2-9 (range)"
    assert Range.of({"value": 3.0, "low": 3.0, "high": 3.0, "answered": 4, "of": 4}).text() == "3"
    assert Range.of(None).text() == "not scored"


def test_category_levels_that_could_still_rise_are_not_compared() -> None:
    prev = {"level": "possible", "status": "incomplete", "could_reach": "likely"}
    cur = {"level": "possible", "status": "assessed"}
    assert category_change("pain", prev, cur).direction == "not comparable"
    assert category_change("pain", {"level": "likely", "status": "assessed"}, cur).direction == "lower level"
    assert category_change("ccd", {"level": "none", "status": "not_assessed"}, cur).direction == "not comparable"


def test_rescreen_takes_the_soonest_interval_that_applies() -> None:
    day = dt.date(2026, 1, 1)
    policy = RescreenPolicy(routine_days=180, pain_days=21, ccd_days=60, soon_days=10)
    due, why = rescreen_due({"urgency": "routine", "categories": {}}, day, policy)
    assert due == dt.date(2026, 6, 30) and "routine" in why and "product heuristic" in why
    due, why = rescreen_due({"urgency": "routine", "categories": {"ccd": {"level": "possible"}}}, day, policy)
    assert due == day + dt.timedelta(days=60) and "CCD" in why
    due, _ = rescreen_due({"urgency": "soon", "categories": {"pain": {"level": "likely"}}}, day, policy)
    assert due == day + dt.timedelta(days=10)


def test_prefill_moves_elapsed_answers_on_and_drops_dont_know(catalogue) -> None:
    answers = {"med_current": ["carprofen"], "med_bloodwork_months": 3, "dog_age_years": 11,
               "med_conditions": "unknown", "pain_sign_stairs": 2, "rf_collapse": False}
    got = prefill(catalogue, answers, dt.date(2026, 1, 1), dt.date(2026, 7, 2))
    assert got["med_current"] == ["carprofen"]
    assert got["med_bloodwork_months"] == 9 and 11.4 <= got["dog_age_years"] <= 11.6
    assert "med_conditions" not in got and "pain_sign_stairs" not in got and "rf_collapse" not in got


def test_rescreen_policy_is_read_from_the_config_file(tmp_path) -> None:
    import pytest

    from vettriage.config import load_config
    from vettriage.errors import InputError

    path = tmp_path / "config.toml"
    path.write_text("[rescreen]\npain_days = 21\n")
    assert load_config({"VETTRIAGE_CONFIG": str(path)}).rescreen == RescreenPolicy(pain_days=21)
    path.write_text("[rescreen]\npain_days = 0\n")
    with pytest.raises(InputError, match="rescreen.pain_days"):
        load_config({"VETTRIAGE_CONFIG": str(path)})
