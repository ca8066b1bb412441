"""The shipped bank itself: big enough, both styles, loadable answers that record only what was asked, and every
public red flag, medication flag and ketamine caution expected in some case."""

from __future__ import annotations

import collections

import pytest

from vettriage.engine import read_answers_file


def test_the_bank_has_at_least_80_cases_in_both_styles(bank):
    styles = collections.Counter(c.style for c in bank)
    assert len(bank) >= 80
    assert styles["owner"] >= 20 and styles["clinician"] >= 20, styles


def test_every_answers_file_loads_and_answers_only_questions_it_asks(catalogue, bank):
    # A dropped answer means the file answers a question its own answers skip: a technician's slip.
    dropped = {c.id: read_answers_file(catalogue, c.answers_path).dropped for c in bank}
    assert {k: v for k, v in dropped.items() if v} == {}


@pytest.mark.parametrize("kind, vocabulary", [("red_flag", "red_flags"), ("medication_flag", "medication_flags"),
                                              ("ketamine_caution", "ketamine_cautions")])
def test_every_public_flag_is_expected_in_some_case(catalogue, bank, kind, vocabulary):
    expected = {e.target for c in bank for e in c.expectations if e.kind == kind}
    missing = sorted(set(getattr(catalogue, vocabulary)) - expected)
    assert not missing, (f"no case in validation/cases expects the {kind.replace('_', ' ')}s {missing}: write one "
                         "(docs/VALIDATION.md, 'Adding your own cases')")


@pytest.mark.parametrize("tag", ["red_flag", "partial", "followup", "chronic_hidden", "drug_mimic", "mimic", "cross",
                                 "medication", "ketamine", "false_alarm"])
def test_the_bank_covers_each_kind_of_case(bank, tag):
    assert sum(tag in c.tags for c in bank) >= 2


def test_hidden_same_day_pictures_are_emergencies(bank):
    hidden = [c for c in bank if "chronic_hidden" in c.tags]
    assert sum(c.gold == "emergency" for c in hidden) >= 5


def test_every_expectation_names_a_source(bank):
    assert all(e.source for c in bank for e in c.expectations)
