"""The owners' sessions as the server keeps them: one `Live` per running app, the tickets handed out, and the
store-side checks that end a session (run on the store thread). No aiohttp handlers here; `server` drives these.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from vettriage.web import claims
from vettriage.web import invites as inv

TICKET_SECONDS = 120.0
TICKETS_PER_INTAKE = 4
"""Unused tickets one intake may hold at once: a page load beyond this retires that intake's oldest ticket, so
one valid link reloaded in a loop (or fetched by a script) can never stack up connections."""
MAX_TICKETS = 10_000
_TICKET_RE = re.compile(r"[A-Za-z0-9_-]{40,64}")


@dataclass
class Ticket:
    """A one-time permission to open the websocket for one intake, handed out in the page."""

    intake_id: int
    code_hash: str
    expires: float


class TicketBook:
    """The tickets handed out and not yet used: bounded in all and per intake."""

    def __init__(self, per_intake: int = TICKETS_PER_INTAKE, lifetime: float = TICKET_SECONDS) -> None:
        self.per_intake = per_intake
        self.lifetime = lifetime
        self.tickets: dict[str, Ticket] = {}

    def issue(self, intake_id: int, code_hash: str) -> str:
        """A fresh ticket for `intake_id` (retiring expired ones, and this intake's oldest beyond the limit)."""
        now = time.monotonic()
        for key in [k for k, t in self.tickets.items() if t.expires <= now]:
            del self.tickets[key]
        mine = [k for k, t in self.tickets.items() if t.intake_id == intake_id]
        for key in mine[:max(0, len(mine) - self.per_intake + 1)]:
            del self.tickets[key]
        if len(self.tickets) >= MAX_TICKETS:  # bounded memory even under a flood of valid page loads
            self.tickets.pop(next(iter(self.tickets)))
        ticket = secrets.token_urlsafe(32)
        self.tickets[_digest(ticket)] = Ticket(intake_id, code_hash, now + self.lifetime)
        return ticket

    def take(self, ticket: str) -> Ticket | None:
        """The ticket's permission, once; None for an unknown, used or expired ticket."""
        if not _TICKET_RE.fullmatch(ticket):
            return None
        found = self.tickets.pop(_digest(ticket), None)
        if found is None or found.expires <= time.monotonic():
            return None
        return found

    def __len__(self) -> int:
        return len(self.tickets)


@dataclass
class Live:
    """The one running app of an intake in this server, and what will end it."""

    intake_id: int
    generation: int
    claim_id: str
    code_hash: str
    invite_id: int | None
    expires_at: float
    """The invitation's expiry, epoch seconds: the session ends then."""
    websocket: Any = None
    service: Any = None
    last_input: float = field(default_factory=time.monotonic)
    end_reason: str | None = None
    """Why the server is ending it (takeover, expired, revoked, used, idle, shutdown); None while it runs or
    when the app or the browser ended it."""
    said_goodbye: bool = False
    """The app quit by itself (Done, Save & leave), as opposed to dying."""
    done: asyncio.Event = field(default_factory=asyncio.Event)


def recheck(store: Any, code_hash: str) -> inv.Access:
    """The invitation behind a ticket, checked again now (revoked or expired since the page loaded?)."""
    invite = store.find_invite(code_hash)
    if invite is None:
        return inv.Access("unknown")
    return inv.check_invite(store, invite, dt.datetime.now(dt.timezone.utc))


def poll(store: Any, sessions: dict[int, tuple[str, str]], now: float) -> dict[int, str]:
    """For the open sessions (intake id -> (code hash, claim id)): those that must end, and why (revoked, used,
    takeover by another server); the others' claims are renewed. Runs on the store thread."""
    ended: dict[int, str] = {}
    for intake_id, (code_hash, _) in sessions.items():
        invite = store.find_invite(code_hash)
        if invite is None or invite.revoked:
            ended[intake_id] = "revoked"
        elif invite.used:
            ended[intake_id] = "used"
    keep = {i: claim for i, (_, claim) in sessions.items() if i not in ended}
    for intake_id in claims.beat(store, keep, now):
        ended[intake_id] = "takeover"
    return ended


def own_ending(store: Any, intake_id: int) -> str:
    """How an app that quit by itself ended: "done" when its intake is complete, else "saved"."""
    return "saved" if store.get_intake(intake_id).status == "in_progress" else "done"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
