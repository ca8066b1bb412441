"""Owners answering at home, as the clinic sees them: how far each invited intake has got, and the red flags
reported from home that no member of staff has marked seen (those come first, with the time they were
reported). Read from the store in one call (`invited_intakes`); the web form writes the marks it reads
(vettriage.web.state: `extra.web` of the intake's first invitation). No UI here: the desk and `intakes list`
both show these rows."""

from __future__ import annotations

import datetime as dt

from vettriage.frozen import frozen

TYPE_CHECKING = False  # typing costs ~2 ms at start-up: only the type checker reads these names
if TYPE_CHECKING:
    from typing import Any


@frozen
class HomeRow:
    """One invited intake."""

    intake_id: int
    dog_id: int
    dog_name: str
    status: str
    """The intake's: in_progress, completed, amended."""
    answered: int
    """Answers given, the dog's pre-filled name included."""
    link: str
    """The invitation's: active, expired, revoked, used."""
    expires_at: dt.datetime
    started_at: dt.datetime | None
    """When the owner first opened the link (None: not yet)."""
    emergency: bool
    """A red flag was reported (from home or, on an intake first answered at home, since)."""
    emergency_at: dt.datetime | None
    """When a red flag was last reported from home."""
    seen_by: str | None
    seen_at: dt.datetime | None
    updated_at: dt.datetime
    urgency: str | None

    @property
    def alarm(self) -> bool:
        """A red flag from home that no member of staff has marked seen: shown first, until it is."""
        return self.emergency and self.emergency_at is not None and self.seen_at is None

    @property
    def progress(self) -> str:
        """`EMERGENCY 14:05`, `answered`, `started (12 answers)`, `not started`."""
        if self.alarm:
            return f"EMERGENCY {_local(self.emergency_at)} (not seen)"  # type: ignore[arg-type]
        if self.status != "in_progress":
            return "answered" + (", emergency" if self.emergency else "")
        if self.started_at is None:
            return "not started"
        return f"started ({self.answered} answers)" + (", emergency seen" if self.emergency else "")


def _when(text: Any) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value


def _local(when: dt.datetime) -> str:
    local = when.astimezone()
    today = dt.datetime.now().astimezone().date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%Y-%m-%d %H:%M")


def link_state(invite: Any, now: dt.datetime) -> str:
    """One word for an invitation: revoked, used, expired or active."""
    if invite.revoked:
        return "revoked"
    if invite.used:
        return "used"
    return "expired" if _utc(invite.expires_at) <= now else "active"


def home_rows(store: Any, now: dt.datetime | None = None, limit: int = 500) -> list[HomeRow]:
    """Every invited intake (newest first), red flags from home not yet seen first (most recent first)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    rows = []
    for invite, summary, answered in store.invited_intakes(limit):
        web = (invite.extra or {}).get("web") or {}
        seen = web.get("seen") or {}
        rows.append(HomeRow(
            intake_id=summary.id, dog_id=summary.dog_id, dog_name=summary.dog_name, status=summary.status,
            answered=answered, link=link_state(invite, now), expires_at=_utc(invite.expires_at),
            started_at=_when(web.get("started")),
            emergency=summary.urgency == "emergency" or bool(web.get("emergency_at")),
            emergency_at=_when(web.get("emergency_last") or web.get("emergency_at")),
            seen_by=seen.get("by"), seen_at=_when(seen.get("at")), updated_at=_utc(summary.updated_at),
            urgency=summary.urgency))
    alarms = sorted((r for r in rows if r.alarm), key=lambda r: r.emergency_at, reverse=True)  # type: ignore
    return alarms + [r for r in rows if not r.alarm]
