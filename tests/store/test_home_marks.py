"""The two store calls the web form added, on SQLite and PostgreSQL: the invited intakes in one read, and the
"seen" mark of a red flag from home (the invitation's mark and an audit event, one transaction)."""

from __future__ import annotations

import datetime as dt

import pytest

from vettriage.store.api import NotFoundError


def _invited(store, name: str):
    dog = store.add_dog(name)
    intake = store.create_intake(dog.id, by="owner", mode="owner", content_version="v", content_hash="h")
    invite = store.add_invite(intake.id, f"hash-{name}", dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1))
    return intake, invite


def test_invited_intakes_newest_first_with_their_first_invitation_and_answers(store) -> None:
    a, inv_a = _invited(store, "Ada")
    store.add_invite(a.id, "hash-second", dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2))
    b, inv_b = _invited(store, "Bo")
    store.save_answer(b.id, "dog_name", "Bo", who="owner")
    store.save_answer(b.id, "dog_age_years", 9, who="owner")
    dog = store.add_dog("Desk")
    store.create_intake(dog.id, by="tech", mode="tech", content_version="v", content_hash="h")  # no link
    rows = store.invited_intakes()
    assert [(i.id, s.id, n) for i, s, n in rows] == [(inv_b.id, b.id, 2), (inv_a.id, a.id, 0)]
    assert rows[0][1].dog_name == "Bo" and rows[0][1].status == "in_progress"


def test_mark_seen_marks_the_invitation_and_audits_who_and_when(store) -> None:
    a, invite = _invited(store, "Ada")
    store.mark_seen(a.id, "  Sam   Lee ")
    extra = store.find_invite(invite.code_hash).extra
    assert extra["web"]["seen"]["by"] == "Sam Lee" and extra["web"]["seen"]["at"]
    (event,) = [e for e in store.audit(a.id) if e.item_id == "emergency_seen"]
    assert event.who == "Sam Lee" and event.at.tzinfo is not None and event.reason
    assert store.get_intake(a.id).answers == {}  # an audit event, never an answer
    with pytest.raises(NotFoundError):
        store.mark_seen(999, "Sam")
