"""The owners' web sessions, kept in the store so that any worker process (or machine) can serve any request.

One intake, one active session: opening the invitation link starts a new session and the older one (another
tab, another phone) learns on its next request that it was taken over. The state sits in the JSON `extra` column
of the intake's first invitation under the key "web" (no new table, no migration; `claims` of the terminal path
used the same column): the active session's token hash, when it was opened and last used, when a red flag was
first reported from home, and whether staff have seen it. Every function here is one store transaction
(`store.run(fn, write=True)`: SQLite's BEGIN IMMEDIATE, PostgreSQL's SELECT ... FOR UPDATE), so two workers
can never both think they hold the intake.

The browser holds only `<invite id>.<token>` in an HttpOnly cookie; the store keeps the token's sha256. The
CSRF token of a session is derived from its token, so it needs no storage either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from vettriage.web import invites as inv

KEY = "web"
COOKIE = "vettriage_session"
TOUCH_EVERY = 20.0
"""Seconds between writes of a session's last use: idleness is measured to this precision, at a fraction of
the writes one per request would cost."""
_COOKIE_RE = re.compile(r"^(\d{1,12})\.([A-Za-z0-9_-]{40,64})$")


@dataclass(frozen=True)
class Verdict:
    """What a request's cookie opens: `reason` None means the session is the intake's active one."""

    reason: str | None
    intake_id: int | None = None
    invite_id: int | None = None
    expires_at: dt.datetime | None = None
    token: str | None = None
    web: dict[str, Any] | None = None
    """The intake's web state as stored (emergency times, the seen mark)."""

    @property
    def ok(self) -> bool:
        """True when the request may use the intake."""
        return self.reason is None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(token: str) -> str:
    """The session's CSRF token: derived from its secret, so every worker computes the same without storing it."""
    return hmac.new(token.encode(), b"vettriage-csrf", hashlib.sha256).hexdigest()[:40]


def csrf_ok(token: str, presented: str | None) -> bool:
    """Constant-time check of a form's CSRF field."""
    return bool(presented) and hmac.compare_digest(csrf_token(token).encode(), str(presented).encode())


def cookie_value(invite_id: int, token: str) -> str:
    """What the browser keeps."""
    return f"{invite_id}.{token}"


def parse_cookie(value: str | None) -> tuple[int, str] | None:
    """(invite id, token) from the cookie, or None when it is not one of ours."""
    m = _COOKIE_RE.fullmatch(value or "")
    return (int(m.group(1)), m.group(2)) if m else None


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def _when(text: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def _first_invite(tx: Any, intake_id: int) -> dict[str, Any] | None:
    return tx.one("SELECT id, extra FROM invites WHERE intake_id = ? ORDER BY id LIMIT 1" + tx.dialect.for_update,
                  (intake_id,))


def _save(tx: Any, row: dict[str, Any], web: dict[str, Any]) -> None:
    extra = dict(row["extra"] or {})
    extra[KEY] = web
    tx.update("invites", {"extra": extra}, "id = ?", (row["id"],))


def open_session(store: Any, intake_id: int, now: dt.datetime | None = None) -> str:
    """Start the intake's one active session (taking over any other) and return its secret token."""
    now = now or inv.now_utc()
    token = secrets.token_urlsafe(32)

    def fn(tx: Any) -> None:
        row = _first_invite(tx, intake_id)
        if row is None:
            raise LookupError(f"intake {intake_id} has no invitation")
        web = dict((row["extra"] or {}).get(KEY) or {})
        web.update(sid=_hash(token), opened=_iso(now), last=_iso(now))
        web.setdefault("started", _iso(now))
        _save(tx, row, web)

    store.run(fn, write=True)
    return token


def check_session(store: Any, cookie: str | None, idle_timeout: float,
                  now: dt.datetime | None = None) -> Verdict:
    """What a request's cookie opens now. Refusals: "nosession" (no or malformed cookie), "unknown", the
    invitation's own (revoked, used, expired), "takeover" (a newer session holds the intake), "idle" (unused
    for `idle_timeout` seconds), "left" (the owner chose save and leave). Renews the session's last use."""
    parsed = parse_cookie(cookie)
    if parsed is None:
        return Verdict("nosession")
    invite_id, token = parsed
    now = now or inv.now_utc()

    def fn(tx: Any, write: bool) -> tuple[Verdict, bool]:
        lock = tx.dialect.for_update if write else ""
        row = tx.one("SELECT * FROM invites WHERE id = ?" + lock, (invite_id,))
        if row is None:
            return Verdict("unknown"), False
        from vettriage.store import records

        invite = records.invite_from(row)
        access = inv.check_invite(invite, now)
        if not access.ok:
            return Verdict(access.reason, invite_id=invite_id), False
        first = tx.one("SELECT id, extra FROM invites WHERE intake_id = ? ORDER BY id LIMIT 1" + lock,
                       (invite.intake_id,))
        web = dict((first["extra"] or {}).get(KEY) or {}) if first else {}
        sid = web.get("sid")
        if not sid or not hmac.compare_digest(str(sid), _hash(token)):
            ended = web.get("ended") or {}
            why = ended.get("why") if ended.get("sid") == _hash(token) else "takeover"
            return Verdict(why, invite_id=invite_id), False
        idle = (now - (_when(web.get("last")) or now)).total_seconds()
        if idle >= idle_timeout:
            if write:
                web.pop("sid", None)
                web["ended"] = {"why": "idle", "sid": _hash(token)}
                _save(tx, first, web)  # type: ignore[arg-type]
            return Verdict("idle", invite_id=invite_id), True
        if idle >= TOUCH_EVERY:
            if write:
                web["last"] = _iso(now)
                _save(tx, first, web)  # type: ignore[arg-type]
            touch = True
        else:
            touch = False
        return Verdict(None, intake_id=invite.intake_id, invite_id=invite_id, expires_at=access.expires_at,
                       token=token, web=web), touch

    # Most requests only read (a write transaction would take SQLite's write lock on every page); the few
    # that must write (the session's last use, every TOUCH_EVERY seconds; its idle end) check again in one.
    verdict, needs_write = store.run(lambda tx: fn(tx, False))
    if needs_write:
        verdict, _ = store.run(lambda tx: fn(tx, True), write=True)
    return verdict


def end_session(store: Any, intake_id: int, token: str, why: str = "left") -> None:
    """The owner saved and left: the session ends (a shared phone shows nothing more without the link)."""
    def fn(tx: Any) -> None:
        row = _first_invite(tx, intake_id)
        if row is None:
            return
        web = dict((row["extra"] or {}).get(KEY) or {})
        if web.get("sid") == _hash(token):
            web.pop("sid")
            web["ended"] = {"why": why, "sid": _hash(token)}
            _save(tx, row, web)

    store.run(fn, write=True)


def note_emergency(store: Any, intake_id: int, now: dt.datetime | None = None) -> None:
    """A red flag was reported from home: remember when (the first time), and that staff have not seen it
    since (a newer report after a "seen" mark needs seeing again)."""
    now = now or inv.now_utc()

    def fn(tx: Any) -> None:
        row = _first_invite(tx, intake_id)
        if row is None:
            return
        web = dict((row["extra"] or {}).get(KEY) or {})
        web.setdefault("emergency_at", _iso(now))
        web["emergency_last"] = _iso(now)
        web.pop("seen", None)
        _save(tx, row, web)

    store.run(fn, write=True)


def emergency_unseen(web: dict[str, Any]) -> bool:
    """A red flag reported from home that no member of staff has marked seen."""
    return bool(web.get("emergency_at")) and not web.get("seen")
