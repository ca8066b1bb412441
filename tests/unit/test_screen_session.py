"""The intake session's grouped emergency screens (issue 27), headless: what each front end calls."""

from __future__ import annotations

from typing import Any

import pytest

from tests.intake_fixtures import db_url, store  # noqa: F401 (fixtures)
from vettriage.content import load_catalogue
from vettriage.content.models import UNKNOWN
from vettriage.intake.session import IntakeSession, RedFlagsUnanswered
from vettriage.intake.starting import start_intake


@pytest.fixture(scope="module")
def cat() -> Any:
    return load_catalogue()


def _session(store: Any, cat: Any) -> IntakeSession:
    intake = start_intake(store, cat, "Rex", "tech")
    s = IntakeSession(cat, store, intake, "tech")
    s.go_to("rf_collapse")
    return s


def test_the_first_emergency_screen_groups_its_signs(store: Any, cat: Any) -> None:
    s = _session(store, cat)
    assert s.screen is not None and s.screen.id == "collapse_breathing"
    assert s.screen_items() == ["rf_collapse", "rf_breathing", "rf_heat"]
    assert s.next_stop() == "rf_gums"  # past the whole screen
    assert s.next_stop(one_by_one=True) == "rf_breathing"  # the plain mode asks each sign on its own line
    s.go_to("rf_gums")
    assert s.screen is None and s.screen_items() == ["rf_gums"]
    assert s.visible[s.previous_index()] == "rf_collapse"


def test_none_of_these_answers_no_to_the_blanks_only(store: Any, cat: Any) -> None:
    s = _session(store, cat)
    s.answer_item("rf_breathing", UNKNOWN)
    out = s.answer_screen_none()
    assert out.new_red_flags == ()
    assert s.answers["rf_collapse"] is False and s.answers["rf_heat"] is False
    assert s.answers["rf_breathing"] == UNKNOWN  # an answer given is kept
    stored = store.get_intake(s.intake_id).answers
    assert stored["rf_collapse"] is False and stored["rf_breathing"] == UNKNOWN


def test_an_untouched_screen_stays_unanswered_and_completion_is_refused(store: Any, cat: Any) -> None:
    s = _session(store, cat)
    s.answer_screen_none()  # the first screen only
    s.go_to(s.next_stop())
    s.go_to(s.next_stop())  # the belly screen: passed without a key
    belly = s.screen_items()
    assert s.screen.id == "belly"
    assert not set(belly) & set(s.answers)
    assert set(belly) <= set(s.gaps().red_flags)
    with pytest.raises(RedFlagsUnanswered):
        s.complete()


def test_a_yes_inside_a_grouped_screen_interrupts_at_once(store: Any, cat: Any) -> None:
    s = _session(store, cat)
    out = s.answer_item("rf_breathing", True)
    assert out.new_red_flags == ("breathing",)
    assert s.emergency and store.get_intake(s.intake_id).emergency
    out = s.answer_screen_none()  # the rest of the screen can still be answered for the record
    assert s.answers["rf_breathing"] is True and s.answers["rf_collapse"] is False


def test_a_follow_up_screen_appears_after_a_yes(store: Any, cat: Any) -> None:
    s = _session(store, cat)
    s.go_to("rf_seizure_recent")
    assert s.screen.id == "neurological"
    assert "rf_seizure_first" not in s.visible
    s.answer_item("rf_seizure_recent", True)
    s.answer_screen_none()
    nxt = s.next_stop()
    assert nxt == "rf_seizure_first"
    s.go_to(nxt)
    assert s.screen.id == "seizure_details" and len(s.screen_items()) == 3


def test_every_red_flag_item_is_on_exactly_one_screen(cat: Any) -> None:
    red = [i for i, sec in cat.section_of.items() if sec == "redflags"]
    on_screens = [i for sc in cat.screens for i in sc.items]
    assert sorted(red) == sorted(on_screens) and len(on_screens) == len(set(on_screens))
    assert len(cat.screens) <= 10


# --- screening checklists (content 2026.12.4) -----------------------------------------------------------------


def test_a_checklist_answer_changes_what_is_asked_and_a_narrower_one_drops_answers_with_a_reason(
        store: Any, cat: Any) -> None:
    intake = start_intake(store, cat, "Rex", "tech")
    s = IntakeSession(cat, store, intake, "tech")
    s.go_to("gw_cognition_areas")
    assert s.screen is None and s.screen_items() == ["gw_cognition_areas"]  # one question, one screen
    s.answer(["sleep", "alone"])
    assert s.next_stop() == "cog_sleep_night_restless"
    assert "gw_cognition" not in s.visible and "cog_house_soiling" not in s.visible
    s.answer_item("cog_anxiety_separation", 2)
    out = s.answer_item("gw_cognition_areas", ["sleep"])
    assert out.dropped == ("cog_anxiety_separation",)
    gone = [e for e in store.audit(s.intake_id) if e.item_id == "cog_anxiety_separation" and e.new_value is None]
    assert gone and "gw_cognition_areas" in gone[-1].reason  # audited with the answer that hid it
    s.answer_item("gw_cognition_areas", None)  # cleared: the yes/no screening question comes back
    assert "gw_cognition" in s.visible and "cog_house_soiling" in s.visible


class _Writes:
    """The store, with its answer writes recorded (each call is one transaction)."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.calls: list[tuple[str, list[str], str | None]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def save_answer(self, intake_id: int, item_id: str, value: Any, **kw: Any) -> None:
        self.calls.append(("save_answer", [item_id], kw.get("reason")))
        self._store.save_answer(intake_id, item_id, value, **kw)

    def save_answers(self, intake_id: int, answers: dict[str, Any], **kw: Any) -> None:
        self.calls.append(("save_answers", list(answers), kw.get("reason")))
        self._store.save_answers(intake_id, answers, **kw)


def test_none_of_these_is_one_write_with_an_audit_event_per_sign(store: Any, cat: Any) -> None:
    writes = _Writes(store)
    intake = start_intake(store, cat, "Rex", "tech")
    s = IntakeSession(cat, writes, intake, "tech")
    s.go_to("rf_collapse")
    s.answer_screen_none()
    assert writes.calls == [("save_answers", ["rf_collapse", "rf_breathing", "rf_heat"], None)]
    stored = store.get_intake(s.intake_id)
    assert {k: stored.answers[k] for k in ("rf_collapse", "rf_breathing", "rf_heat")} == \
        {"rf_collapse": False, "rf_breathing": False, "rf_heat": False}
    events = [e for e in store.audit(s.intake_id) if e.item_id.startswith("rf_")]
    assert [(e.item_id, e.new_value) for e in events] == [("rf_collapse", False), ("rf_breathing", False),
                                                          ("rf_heat", False)]
    assert stored.position == "rf_collapse"  # where the session stood, as with one write per sign


def test_one_write_keeps_reasons_and_repeats_apart_in_order(store: Any, cat: Any) -> None:
    writes = _Writes(store)
    intake = start_intake(store, cat, "Rex", "tech")
    s = IntakeSession(cat, writes, intake, "tech")
    s.go_to("rf_collapse")
    with s.one_write():
        s.answer_item("rf_collapse", False)
        s.answer_item("rf_breathing", False)
        s.answer_item("rf_heat", False, reason="asked again on the phone")
        s.answer_item("rf_collapse", UNKNOWN)  # the same question a second time: a write of its own, after
    assert writes.calls == [("save_answers", ["rf_collapse", "rf_breathing"], None),
                            ("save_answer", ["rf_heat"], "asked again on the phone"),
                            ("save_answer", ["rf_collapse"], None)]
    trail = [(e.item_id, e.new_value) for e in store.audit(s.intake_id) if e.item_id == "rf_collapse"]
    assert trail == [("rf_collapse", False), ("rf_collapse", UNKNOWN)]


def test_a_red_flag_raised_inside_one_write_is_stored_with_its_answer_first(store: Any, cat: Any) -> None:
    writes = _Writes(store)
    intake = start_intake(store, cat, "Rex", "tech")
    s = IntakeSession(cat, writes, intake, "tech")
    s.go_to("rf_collapse")
    with s.one_write():
        s.answer_item("rf_breathing", False)
        out = s.answer_item("rf_collapse", True)
        assert out.new_red_flags  # the intake is marked at once, its answers already stored
        stored = store.get_intake(s.intake_id)
        assert stored.urgency == "emergency" and stored.answers["rf_collapse"] is True
        s.answer_item("rf_heat", False)
    assert [c[1] for c in writes.calls] == [["rf_breathing", "rf_collapse"], ["rf_heat"]]


def test_answers_saved_before_a_refused_one_are_stored(store: Any, cat: Any) -> None:
    intake = start_intake(store, cat, "Rex", "tech")
    s = IntakeSession(cat, store, intake, "tech")
    s.go_to("rf_collapse")
    with pytest.raises(ValueError):
        with s.one_write():
            s.answer_item("rf_collapse", False)
            s.answer_item("rf_breathing", "sideways")
    assert store.get_intake(s.intake_id).answers["rf_collapse"] is False
