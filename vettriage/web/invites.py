"""Invitations over the store contract: create one, check a presented code, describe and revoke them.

No Starlette: the CLI and the web server share these functions, and tests drive them with a store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from vettriage.web.codes import code_shape_ok, hash_code, looks_like_id, new_code, same_hash

# Why a code was refused, and the HTTP status the owner's browser gets for it.
REFUSALS = {
    "missing": 404,
    "unknown": 404,
    "expired": 403,
    "revoked": 403,
    "used": 403,
    "completed": 403,
}


@dataclass(frozen=True)
class Access:
    """The verdict on a presented code: `intake_id` is set only when `reason` is None."""

    reason: str | None
    intake_id: int | None = None
    invite_id: int | None = None
    expires_at: dt.datetime | None = None
    """When the invitation stops working (aware UTC; set when the code opens its intake): an open session
    ends then too."""

    @property
    def ok(self) -> bool:
        """True when the code opens its intake."""
        return self.reason is None

    @property
    def status(self) -> int:
        """HTTP status for a refusal (200 when allowed)."""
        return 200 if self.reason is None else REFUSALS[self.reason]


def utc(value: dt.datetime) -> dt.datetime:
    """A datetime as aware UTC (SQLite hands naive UTC back)."""
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def now_utc() -> dt.datetime:
    """The current time, aware UTC."""
    return dt.datetime.now(dt.timezone.utc)


def invite_link(public_url: str, code: str) -> str:
    """The link an owner opens."""
    return public_url.rstrip("/") + "/i/" + code


def find_or_add_dog(store: Any, name: str | None, dog_id: int | None) -> Any:
    """The dog an invitation is for: by id, else the one dog of that name, else a new dog.

    Raises LookupError naming the candidates when several dogs share the name."""
    if dog_id is not None:
        return store.get_dog(dog_id)
    name = (name or "").strip()
    if not name:
        raise LookupError("a dog name is needed")
    same = [d for d in store.find_dogs(name) if d.name.casefold() == name.casefold()]
    if len(same) > 1:
        ids = ", ".join(str(d.id) for d in same)
        raise LookupError(f"several dogs are called {name!r} (ids {ids}); choose one with --dog-id")
    return same[0] if same else store.add_dog(name)


def create_invite(store: Any, dog: Any, *, content_version: str, content_hash: str, lifetime: dt.timedelta,
                  now: dt.datetime | None = None, prefill: dict[str, Any] | None = None) -> tuple[str, Any, Any]:
    """A new owner-mode intake for the existing `dog` (with `prefill` answers, e.g. the dog's name) and its
    invitation; returns (code, invite, intake). See invite_dog."""
    return invite_dog(store, None, dog.id, content_version=content_version, content_hash=content_hash,
                      lifetime=lifetime, now=now, prefill=prefill)


def invite_dog(store: Any, name: str | None, dog_id: int | None, *, content_version: str, content_hash: str,
               lifetime: dt.timedelta, now: dt.datetime | None = None, prefill: dict[str, Any] | None = None,
               dog_details: dict[str, Any] | None = None) -> tuple[str, Any, Any]:
    """The dog (by id, else the one dog of that name, else a new one), a new owner-mode intake with `prefill`
    answers and its invitation, all in ONE store transaction (record_intake): a failure or a crash leaves
    nothing, and two invitations racing for a new dog make one dog. Returns (code, invite, intake); the code is
    returned once and never stored: only its hash goes to the store. Several dogs of that name: LookupError."""
    from vettriage.store.sqlstore import AmbiguousDog

    now = now or now_utc()
    code = new_code()
    try:
        _dog, intake = store.record_intake(name, dog_id=dog_id, by="owner", mode="owner",
                                           content_version=content_version, content_hash=content_hash,
                                           answers=dict(prefill or {}), assessment=None, dog_details=dog_details,
                                           invite=(hash_code(code), now + lifetime))
    except AmbiguousDog as exc:
        raise LookupError(f"several dogs are called {exc.name!r} (ids {', '.join(map(str, exc.ids))}); choose "
                          "one with --dog-id") from None
    return code, store.find_invite(hash_code(code)), intake


def check_code(store: Any, code: str | None, now: dt.datetime | None = None) -> Access:
    """Whether `code` opens an intake now."""
    if not code or not code_shape_ok(code):
        return Access("missing" if not code else "unknown")
    digest = hash_code(code)
    invite = store.find_invite(digest)
    # The lookup is by hash, so its timing says nothing about the code; compare again in constant time anyway.
    if invite is None or not same_hash(invite.code_hash, digest):
        return Access("unknown")
    return check_invite(invite, now)


def check_invite(invite: Any, now: dt.datetime | None = None) -> Access:
    """Whether a known invitation still opens its intake (revoked, used up, expired). A completed intake's
    link still opens, to its result and handout, until it expires: the owner may want the handout again."""
    now = now or now_utc()
    if invite.revoked:
        return Access("revoked", invite_id=invite.id)
    if invite.used:
        return Access("used", invite_id=invite.id)
    if utc(invite.expires_at) <= now:
        return Access("expired", invite_id=invite.id)
    return Access(None, intake_id=invite.intake_id, invite_id=invite.id, expires_at=utc(invite.expires_at))


def invite_state(invite: Any, now: dt.datetime | None = None) -> str:
    """One word for a list: revoked, used, expired or active."""
    now = now or now_utc()
    if invite.revoked:
        return "revoked"
    if invite.used:
        return "used"
    if utc(invite.expires_at) <= now:
        return "expired"
    return "active"


def find_target(store: Any, code_or_id: str) -> Any:
    """The invitation named by its id or by its code; LookupError when there is none."""
    text = code_or_id.strip()
    if looks_like_id(text):
        for inv in store.list_invites():
            if inv.id == int(text):
                return inv
        raise LookupError(f"no invitation with id {text}")
    if not code_shape_ok(text):
        raise LookupError("not an invitation id or code")
    invite = store.find_invite(hash_code(text))
    if invite is None:
        raise LookupError("no invitation with that code")
    return invite
