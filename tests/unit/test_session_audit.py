"""Nothing in an intake changes silently: the person is recorded on every answer, and a change of an answer
pre-filled from an earlier visit or given earlier, a cleared one and one branching rules out each carry a
reason in the audit. A pre-filled answer is shown for confirmation, never skipped. Plain pytest, no screens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vettriage.content import load_catalogue
from vettriage.engine import assess
from vettriage.intake.session import IntakeSession
from vettriage.intake.starting import prefilled_of, start_intake
from vettriage.store import open_store


@pytest.fixture(scope="module")
def catalogue() -> Any:
    return load_catalogue()


@pytest.fixture()
def store(tmp_path: Path) -> Any:
    s = open_store(f"sqlite:///{tmp_path / 'audit.db'}")
    yield s
    s.close()


def _follow_up(store: Any, catalogue: Any) -> tuple[Any, Any]:
    """A dog with one completed visit (pain treatments tried, medicines) and its second intake, opened."""
    dog = store.add_dog("Bella", chart="B-1")
    first = start_intake(store, catalogue, "Bella", "tech", dog_id=dog.id, who="Ann")
    done = {"dog_age_years": 12, "pain_sign_stiff_after_rest": 2, "pain_tried": ["omega3"],
            "med_current": ["omega3"]}
    store.save_answers(first.id, done, who="Ann")
    store.complete(first.id, assess(catalogue, store.get_intake(first.id).answers).model_dump(mode="json"))
    second = start_intake(store, catalogue, "Bella", "tech", dog_id=dog.id, who="Sam")
    session = IntakeSession(catalogue, store, second, "tech", who="Sam", prefilled=prefilled_of(store, second))
    return second, session


def _reasons(store: Any, intake_id: int, item_id: str) -> list[str | None]:
    return [e.reason for e in store.audit(intake_id) if e.item_id == item_id]


def test_a_follow_up_starts_at_its_first_prefilled_answer_for_confirmation(store: Any, catalogue: Any) -> None:
    second, session = _follow_up(store, catalogue)
    assert session.item.id == "dog_age_years" and session.unconfirmed("dog_age_years")
    assert "pre-filled from the visit of" in session.prefilled["dog_age_years"]
    session.confirm("dog_age_years")
    assert not session.unconfirmed("dog_age_years")


def test_a_prefilled_answer_waiting_on_an_unanswered_question_is_kept(store: Any, catalogue: Any) -> None:
    second, session = _follow_up(store, catalogue)
    assert "pain_tried" in session.answers and "pain_tried" not in session.visible
    session.answer_item("dog_size", "large")  # any answer: "treatments tried" is not ruled out by it
    assert store.get_intake(second.id).answers.get("pain_tried") == ["omega3"]
    # every pain sign "never": the treatments question is ruled out, and its answer goes with a reason
    pains = [i for i in catalogue.items if i.startswith("pain_sign_") or i == "pain_bad_days"]
    for item_id in pains:
        if item_id in session.visible:
            session.answer_item(item_id, 0)
    assert "pain_tried" not in store.get_intake(second.id).answers
    (why,) = [r for r in _reasons(store, second.id, "pain_tried") if r and "no longer asked" in r]
    assert why.startswith("no longer asked after pain_")


def test_changing_or_clearing_a_prefilled_answer_says_so(store: Any, catalogue: Any) -> None:
    second, session = _follow_up(store, catalogue)
    session.answer_item("med_current", ["none"])
    assert _reasons(store, second.id, "med_current")[-1].startswith("changed the answer pre-filled from the visit")
    session.answer_item("dog_age_years", None)
    assert _reasons(store, second.id, "dog_age_years")[-1].startswith("cleared the answer pre-filled from")
    session.answer_item("pain_tried", None, reason="cleared the pre-filled answer: stopped in the spring")
    assert _reasons(store, second.id, "pain_tried")[-1] == "cleared the pre-filled answer: stopped in the spring"
    assert "pain_tried" not in store.get_intake(second.id).answers


def test_an_earlier_answer_changed_on_a_later_visit_of_its_question_says_what_it_was(store: Any,
                                                                                      catalogue: Any) -> None:
    intake = start_intake(store, catalogue, "Rex", "tech", who="Sam")
    session = IntakeSession(catalogue, store, intake, "tech", who="Sam")
    session.go_to("dog_size")
    session.answer_item("dog_size", "small")
    session.answer_item("dog_size", "medium")  # a slip put right on the spot: still the first answer
    assert _reasons(store, intake.id, "dog_size") == [None, None]
    session.go_to("dog_breed")
    session.go_to("dog_size")
    session.answer_item("dog_size", "large")
    medium = session.label(catalogue.items["dog_size"], "medium")
    assert _reasons(store, intake.id, "dog_size")[-1] == f"changed an earlier answer (was: {medium})"
    assert {e.who for e in store.audit(intake.id)} == {"Sam"} and store.get_intake(intake.id).by == "Sam"


def test_none_in_section_stops_at_the_first_question_it_cannot_assume(store: Any, catalogue: Any) -> None:
    intake = start_intake(store, catalogue, "Rex", "tech")
    session = IntakeSession(catalogue, store, intake, "tech")
    session.go_to("rf_collapse")
    session.answer_section_none()
    stop = session.section_stop()
    assert stop is not None and catalogue.items[stop].type == "choice" and stop not in session.answers
    assert catalogue.section_of[stop] == "redflags"
    for item_id in [i for i in session.visible if catalogue.section_of[i] == "redflags"]:
        if item_id not in session.answers:
            session.answer_item(item_id, catalogue.items[item_id].options[0].value)
    after = session.section_stop()
    assert after is not None and catalogue.section_of[after] != "redflags"
