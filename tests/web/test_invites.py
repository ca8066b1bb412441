"""Invitations against a real SQLite store: what opens, what is refused and why."""

import datetime as dt

import pytest

from tests.web.conftest import invite_for
from vettriage.web import invites as inv
from vettriage.web.codes import hash_code, new_code


def test_store_keeps_only_the_hash(store, catalogue):
    code, invite, intake = invite_for(store, catalogue, "Rex")
    assert invite.code_hash == hash_code(code)
    assert code not in repr(store.list_invites())
    assert intake.mode == "owner"
    assert store.get_intake(intake.id).answers["dog_name"] == "Rex"


def test_valid_code_opens_its_own_intake(store, catalogue):
    code, invite, intake = invite_for(store, catalogue, "Rex")
    _, _, other = invite_for(store, catalogue, "Bella")
    access = inv.check_code(store, code)
    assert access.ok and access.intake_id == intake.id != other.id and access.invite_id == invite.id


@pytest.mark.parametrize("code, reason, status", [(None, "missing", 404), ("", "missing", 404),
                                                  ("x" * 43, "unknown", 404), ("../../etc", "unknown", 404)])
def test_missing_and_unknown(store, catalogue, code, reason, status):
    invite_for(store, catalogue, "Rex")
    got = inv.check_code(store, code)
    assert (got.reason, got.status, got.intake_id) == (reason, status, None)


def test_guessed_code_is_unknown(store, catalogue):
    invite_for(store, catalogue, "Rex")
    assert inv.check_code(store, new_code()).reason == "unknown"


def test_expired(store, catalogue):
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=3)
    code, _, _ = invite_for(store, catalogue, "Rex", lifetime=dt.timedelta(hours=2), now=past)
    got = inv.check_code(store, code)
    assert (got.reason, got.status, got.intake_id) == ("expired", 403, None)


def test_revoked_by_code_and_by_id(store, catalogue):
    code, invite, _ = invite_for(store, catalogue, "Rex")
    code2, invite2, _ = invite_for(store, catalogue, "Bella")
    store.revoke_invite(inv.find_target(store, code).id)
    store.revoke_invite(inv.find_target(store, str(invite2.id)).id)
    assert inv.check_code(store, code).reason == "revoked"
    assert inv.check_code(store, code2).reason == "revoked"
    with pytest.raises(LookupError):
        inv.find_target(store, new_code())
    with pytest.raises(LookupError):
        inv.find_target(store, "999")


def test_a_completed_intake_still_opens_until_the_link_expires(store, catalogue):
    code, invite, intake = invite_for(store, catalogue, "Rex")
    store.complete(intake.id, {"urgency": "routine"})
    got = inv.check_code(store, code)
    assert got.ok and got.intake_id == intake.id  # to its result and handout
    later = inv.utc(invite.expires_at) + dt.timedelta(seconds=1)
    assert inv.check_code(store, code, now=later).reason == "expired"


def test_states_and_utc():
    now = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
    mk = lambda **k: type("I", (), {"revoked": False, "used": False, "expires_at": now, **k})()  # noqa: E731
    assert inv.invite_state(mk(expires_at=dt.datetime(2030, 1, 2)), now) == "active"
    assert inv.invite_state(mk(), now) == "expired"
    assert inv.invite_state(mk(revoked=True), now) == "revoked"
    assert inv.invite_state(mk(used=True, expires_at=dt.datetime(2030, 1, 2)), now) == "used"


def test_same_name_needs_an_id(store):
    store.add_dog("Rex")
    store.add_dog("Rex")
    with pytest.raises(LookupError, match="--dog-id"):
        inv.find_or_add_dog(store, "Rex", None)
    assert inv.find_or_add_dog(store, "Luna", None).name == "Luna"
