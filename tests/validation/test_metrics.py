"""Wilson intervals, the measures over outcomes, and the figures block of docs/VALIDATION.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from vettriage.casebank.cases import Case, Expectation
from vettriage.casebank.check import Outcome
from vettriage.casebank.metrics import measures, over_under_ratio, wilson
from vettriage.casebank.report import BEGIN, END, doc_block, guard_failures, recorded_safe_floor, replace_block
from vettriage.errors import InputError


def test_wilson_matches_published_values():
    # Newcombe 1998, table I: 0/10 -> 0 to 0.2775; 81/263 -> 0.2553 to 0.3662
    low, high = wilson(0, 10)
    assert low == 0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = wilson(81, 263)
    assert (low, high) == (pytest.approx(0.2553, abs=1e-4), pytest.approx(0.3662, abs=1e-4))
    assert wilson(10, 10) == (pytest.approx(0.7225, abs=1e-4), pytest.approx(1.0))
    assert wilson(0, 0) == (0.0, 1.0)


def _outcome(cid: str, gold: str, urgency: str, accept=(), flags=(), want_flags=()) -> Outcome:
    exps = (Expectation("urgency", "urgency", gold, ("s43",)),
            *(Expectation("red_flag", f, True, ("s43",)) for f in want_flags))
    case = Case(id=cid, title=cid, style="owner", tags=(), story="", path=Path(cid), answers_path=Path(cid),
                gold=gold, accept=tuple(accept), expectations=exps, known_disagreement=None)
    met = tuple((e, (urgency == gold or urgency in accept) if e.kind == "urgency" else e.target in flags, "")
                for e in exps)
    return Outcome(case=case, urgency=urgency, levels={}, red_flags=tuple(flags), medication_flags=(),
                   ketamine_cautions=(), options=(), dropped=(), red_flags_unanswered=0, met=met)


OUTCOMES = [
    _outcome("A", "emergency", "emergency", flags=["bloat"], want_flags=["bloat"]),
    _outcome("B", "emergency", "soon", want_flags=["collapse"]),      # one level under: still "safe"
    _outcome("C", "emergency", "routine"),                              # two levels under: unsafe
    _outcome("D", "soon", "emergency"),                                 # over, and a false emergency
    _outcome("E", "routine", "soon", accept=["soon"]),                  # over, at the accepted neighbour
    _outcome("F", "routine", "routine"),
]


def test_measures_follow_their_definitions():
    by = {m.key: m for m in measures(OUTCOMES)}
    assert (by["correct_triage"].k, by["correct_triage"].n) == (2, 6)
    assert by["acceptable_triage"].k == 3
    assert by["safe_advice"].k == 5
    assert (by["under_triage"].k, by["over_triage"].k) == (2, 2)
    assert (by["emergencies_to_emergency"].k, by["emergencies_to_emergency"].n) == (1, 3)
    assert (by["false_emergencies"].k, by["false_emergencies"].n) == (1, 3)
    assert (by["red_flag_recall"].k, by["red_flag_recall"].n) == (1, 2)
    assert over_under_ratio(measures(OUTCOMES)) == 1.0
    assert over_under_ratio(measures(OUTCOMES[:1])) is None


def test_guard_names_missed_emergencies_red_flags_and_a_low_safe_advice():
    ms = measures(OUTCOMES)
    failures = guard_failures(OUTCOMES, ms, safe_floor=90.0)
    assert any("B" in f and "soon" in f for f in failures)
    assert any("C" in f and "routine" in f for f in failures)
    assert any("red-flag recall 1/2" in f and "B:collapse" in f for f in failures)
    assert any("safe advice 83.3%" in f for f in failures)
    assert guard_failures(OUTCOMES[:1], measures(OUTCOMES[:1]), safe_floor=100.0) == []


def test_the_doc_block_round_trips_its_safe_advice_figure():
    block = doc_block(OUTCOMES, measures(OUTCOMES), "9.9", "vettriage validate --cases x")
    assert recorded_safe_floor("intro\n" + block + "\nmore") == 83.3
    assert recorded_safe_floor("no block here") is None
    old = f"a\n{BEGIN} -->\nold figures\n{END}\nb"
    assert replace_block(old, block, "doc.md") == f"a\n{block}\nb"
    with pytest.raises(InputError, match="doc.md"):
        replace_block("no markers", block, "doc.md")
