"""The store API on both backends: dogs, intakes, autosave, amendments, audit, search, history, invites."""

from __future__ import annotations

import datetime as dt

import pytest

from vettriage.store import NotFoundError, StoreError, open_store

UTC = dt.timezone.utc


def _intake(store, name="Rex", **kw):
    dog = store.add_dog(name, **kw)
    return dog, store.create_intake(dog.id, by="owner", mode="owner", content_version="2026.11.1",
                                    content_hash="abc")


def test_dog_round_trip_and_search(store):
    d = store.add_dog("Bella Blue", breed_or_size="Labrador", birth_date=dt.date(2012, 3, 4), age_years=13.5,
                      sex="female", owner_name="Ann", owner_contact="ann@example.org")
    store.add_dog("Max")
    assert store.get_dog(d.id) == d
    assert [x.name for x in store.find_dogs("bLuE")] == ["Bella Blue"]
    assert store.find_dogs("%") == []  # LIKE wildcards are literal
    with pytest.raises(NotFoundError):
        store.get_dog(9999)
    with pytest.raises(StoreError):
        store.add_dog("  ")


def test_new_intake_is_in_progress_with_aware_utc_times(store):
    dog, i = _intake(store)
    assert (i.status, i.answers, i.assessment, i.position, i.emergency) == ("in_progress", {}, None, None, False)
    assert i.dog == dog
    assert i.created_at.tzinfo is not None and i.created_at.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(UTC) - i.created_at) < dt.timedelta(minutes=1)
    with pytest.raises(NotFoundError):
        store.create_intake(9999, by="owner", mode="owner", content_version="v", content_hash="h")
    with pytest.raises(StoreError):
        store.create_intake(dog.id, by="owner", mode="vet", content_version="v", content_hash="h")


def test_save_answer_resume_and_clear(db_url, store):
    _, i = _intake(store)
    store.save_answer(i.id, "rf_collapse", False, who="owner", position="rf_breathing")
    store.save_answer(i.id, "pain_stairs", 2, who="owner", position="pain_jump")
    store.save_answer(i.id, "signs", ["a", "b"], who="owner")
    store.save_answer(i.id, "pain_stairs", None, who="owner")  # None clears
    store.close()
    again = open_store(db_url)  # a fresh process would see the same
    try:
        got = again.get_intake(i.id)
        assert got.answers == {"rf_collapse": False, "signs": ["a", "b"]}
        assert got.position == "pain_jump"
        again.set_position(i.id, "dog_name")
        assert again.get_intake(i.id).position == "dog_name"
        trail = again.audit(i.id)
        assert [(e.item_id, e.old_value, e.new_value, e.who) for e in trail] == [
            ("rf_collapse", None, False, "owner"), ("pain_stairs", None, 2, "owner"),
            ("signs", None, ["a", "b"], "owner"), ("pain_stairs", 2, None, "owner")]
        assert all(e.reason is None and e.at.tzinfo is not None for e in trail)
    finally:
        again.close()


def test_unchanged_answer_makes_no_audit_event(store):
    _, i = _intake(store)
    store.save_answer(i.id, "a", 1, who="owner")
    store.save_answer(i.id, "a", 1, who="owner", position="b")
    assert len(store.audit(i.id)) == 1
    assert store.get_intake(i.id).position == "b"


def test_complete_then_amend_needs_reason(store):
    _, i = _intake(store)
    store.save_answer(i.id, "a", 1, who="owner")
    done = store.complete(i.id, {"urgency": "soon", "x": [1]})
    assert (done.status, done.urgency, done.assessment) == ("completed", "soon", {"urgency": "soon", "x": [1]})
    with pytest.raises(StoreError, match="reason"):
        store.save_answer(i.id, "a", 2, who="Tina")
    assert store.get_intake(i.id).answers == {"a": 1}
    store.save_answer(i.id, "a", 2, who="Tina", reason="owner misread the question")
    amended = store.get_intake(i.id)
    assert (amended.status, amended.answers) == ("amended", {"a": 2})
    last = store.audit(i.id)[-1]
    assert (last.old_value, last.new_value, last.who, last.reason) == (1, 2, "Tina", "owner misread the question")
    assert store.complete(i.id, {"urgency": "routine"}).status == "amended"  # stays amended on re-assessment


def test_emergency_mark(store):
    _, i = _intake(store)
    store.mark_emergency(i.id)
    got = store.get_intake(i.id)
    assert got.emergency and got.urgency == "emergency"
    assert store.complete(i.id, {"urgency": "routine"}).emergency  # a reported emergency is never forgotten


def test_unknown_intake(store):
    for call in (lambda: store.get_intake(42), lambda: store.save_answer(42, "a", 1, who="o"),
                 lambda: store.set_position(42, "a"), lambda: store.complete(42, {})):
        with pytest.raises(NotFoundError):
            call()


def test_list_filters_and_history(store):
    rex, a = _intake(store, "Rex")
    _, b = _intake(store, "Bella")
    c = store.create_intake(rex.id, by="Tina", mode="tech", content_version="v", content_hash="h")
    store.complete(b.id, {"urgency": "emergency"})
    store.complete(c.id, {"urgency": "soon"})
    assert [s.id for s in store.list_intakes()] == [c.id, b.id, a.id]  # newest first
    assert [s.id for s in store.list_intakes(status="in_progress")] == [a.id]
    assert [s.id for s in store.list_intakes(urgency="emergency")] == [b.id]
    assert [s.id for s in store.list_intakes(dog="REX")] == [c.id, a.id]
    today = dt.datetime.now(UTC).date()
    assert len(store.list_intakes(date=today)) == 3
    assert store.list_intakes(date=today - dt.timedelta(days=2)) == []
    assert [s.id for s in store.list_intakes(limit=1)] == [c.id]
    first = store.list_intakes(dog="bella")[0]
    assert (first.dog_name, first.by, first.mode, first.status) == ("Bella", "owner", "owner", "completed")
    assert [s.id for s in store.dog_history(rex.id)] == [c.id, a.id]
    with pytest.raises(StoreError):
        store.list_intakes(status="lost")


def test_invites(store):
    _, i = _intake(store)
    exp = dt.datetime(2030, 1, 1, 12, tzinfo=UTC)
    inv = store.add_invite(i.id, "hash1", exp)
    assert (inv.intake_id, inv.code_hash, inv.expires_at, inv.used, inv.revoked) == (i.id, "hash1", exp, False, False)
    assert store.find_invite("hash1") == inv and store.find_invite("nope") is None
    store.use_invite(inv.id)
    store.revoke_invite(inv.id)
    got = store.list_invites()
    assert len(got) == 1 and got[0].used and got[0].revoked
    with pytest.raises(NotFoundError):
        store.revoke_invite(999)


def test_naive_datetime_refused(store):
    _, i = _intake(store)
    with pytest.raises(Exception):
        store.add_invite(i.id, "h", dt.datetime(2030, 1, 1))


def test_non_json_value_is_a_store_error(store):
    _, i = _intake(store)
    with pytest.raises(StoreError):
        store.save_answer(i.id, "a", object(), who="o")
    assert store.get_intake(i.id).answers == {}


def test_name_search_with_many_matching_dogs_takes_the_other_plan(store, monkeypatch):
    from vettriage.store import sqlstore

    ids = [_intake(store, name)[1].id for name in ("Max A", "Max B", "Maxine", "Rex")]
    expected = [s.id for s in store.list_intakes(dog="max")]
    assert expected == [ids[2], ids[1], ids[0]]
    monkeypatch.setattr(sqlstore, "DOG_ID_LIST", 1)  # more matching dogs than the id-list plan takes
    assert [s.id for s in store.list_intakes(dog="max")] == expected
    assert [s.id for s in store.list_intakes(dog="max", limit=2)] == expected[:2]
