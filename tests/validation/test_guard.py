"""The CI guard on the clinical case bank (docs/VALIDATION.md): every emergency case sent to emergency, every expected
red flag raised, and safe advice no lower than the figure the document records.

When a content change moves a figure: `vettriage validate --cases validation/cases --update-doc docs/VALIDATION.md`,
read the disagreements it prints, and commit the document with the change."""

from __future__ import annotations

from pathlib import Path

from vettriage.casebank.metrics import measures
from vettriage.casebank.report import doc_block, guard_failures, recorded_safe_floor

DOC = Path(__file__).resolve().parents[2] / "docs" / "VALIDATION.md"

UPDATE = "vettriage validate --cases validation/cases --update-doc docs/VALIDATION.md"


def _by_key(outcomes):
    return {m.key: m for m in measures(outcomes)}


def test_every_emergency_case_is_sent_to_emergency(outcomes):
    missed = [f"{o.case.id} ({o.case.title}): {o.urgency}" for o in outcomes
              if o.case.gold == "emergency" and o.urgency != "emergency"]
    assert not missed, "emergency cases not sent to emergency:\n" + "\n".join(missed)


def test_red_flag_recall_is_complete(outcomes):
    missed = [f"{o.case.id}: {e.target}" for o in outcomes for e, ok, _ in o.met if e.kind == "red_flag" and not ok]
    assert not missed, "expected red flags not raised:\n" + "\n".join(missed)


def test_safe_advice_is_not_below_the_recorded_figure(outcomes):
    floor = recorded_safe_floor(DOC.read_text(encoding="utf-8"))
    assert floor is not None, f"docs/VALIDATION.md has no figures block with a safe-advice row: run `{UPDATE}`"
    safe = _by_key(outcomes)["safe_advice"]
    block = doc_block(outcomes, measures(outcomes), "(this run)", "vettriage validate --cases validation/cases")
    assert safe.percent >= floor, (
        f"safe advice {safe.percent}% ({safe.k}/{safe.n}) fell below the {floor}% recorded in docs/VALIDATION.md. "
        f"If the change is intended, run `{UPDATE}` and explain it there. This run:\n{block}")


def test_guard_failures_agree_with_the_tests_above(outcomes):
    floor = recorded_safe_floor(DOC.read_text(encoding="utf-8"))
    assert guard_failures(outcomes, measures(outcomes), floor) == []


def test_emergency_cases_are_never_marked_as_known_disagreements(bank):
    assert [c.id for c in bank if c.gold == "emergency" and c.known_disagreement] == []
