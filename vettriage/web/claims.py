"""One app per intake across every `vettriage serve` process that shares a store (several servers behind one
proxy, one PostgreSQL database): a claim kept in the JSON `extra` column of the intake's first invitation.

No new table and no migration: `invites.extra` exists since schema 1 and nothing else writes its "session" key.
Each function is one write transaction through the store (`store.run(fn, write=True)`: SQLite's BEGIN IMMEDIATE,
PostgreSQL's SELECT ... FOR UPDATE on the row), so two servers can never both see the intake as free.

Within one server the in-memory claim (`IntakeServer._claim`) already orders connections; this one orders
servers. A claim held by another server that is still beating is never taken: the newcomer marks it `wanted`
and waits; the holder sees that on its next beat, ends its session ("takeover") and releases. A claim whose
holder stopped beating (its server died, and its apps with it: they die with their parent) is stale and free.
"""

from __future__ import annotations

import os
import socket
from typing import Any

KEY = "session"


def holder(server: str, generation: int) -> dict[str, Any]:
    """The claim a session of this process writes: unique per connection, naming the process that holds it."""
    return {"id": f"{server}:{generation}", "server": server, "host": socket.gethostname(), "pid": os.getpid()}


def _row(tx: Any, intake_id: int) -> dict[str, Any] | None:
    return tx.one("SELECT id, extra FROM invites WHERE intake_id = ? ORDER BY id LIMIT 1" + tx.dialect.for_update,
                  (intake_id,))


def _write(tx: Any, row: dict[str, Any], extra: dict[str, Any]) -> None:
    tx.update("invites", {"extra": extra}, "id = ?", (row["id"],))


def stale(claim: dict[str, Any], now: float, stale_after: float) -> bool:
    """True when the claim's holder has stopped beating, or is a process of this host that no longer runs."""
    if now - float(claim.get("beat", 0)) > stale_after:
        return True
    if claim.get("host") == socket.gethostname() and isinstance(claim.get("pid"), int):
        try:
            os.kill(claim["pid"], 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, someone else's
            return False
    return False


def take(store: Any, intake_id: int, me: dict[str, Any], now: float, stale_after: float) -> bool:
    """Claim the intake for `me`; False (and the holder asked to hand over) while another live server has it.
    A claim of this same server is taken over at once: the server itself has already stopped that session."""
    def fn(tx: Any) -> bool:
        row = _row(tx, intake_id)
        if row is None:  # no invitation: nothing a browser could have opened
            return True
        extra = dict(row["extra"] or {})
        current = extra.get(KEY)
        if current and current.get("server") != me["server"] and not stale(current, now, stale_after):
            if current.get("wanted") != me["id"]:
                extra[KEY] = {**current, "wanted": me["id"]}
                _write(tx, row, extra)
            return False
        extra[KEY] = {**me, "beat": now}
        _write(tx, row, extra)
        return True

    return bool(store.run(fn, write=True))


def beat(store: Any, mine: dict[int, str], now: float) -> set[int]:
    """Renew this server's claims (intake id -> claim id); the intakes it must give up: another server took the
    claim (it found ours stale) or is waiting for it."""
    def fn(tx: Any) -> set[int]:
        lost = set()
        for intake_id, claim_id in mine.items():
            row = _row(tx, intake_id)
            if row is None:
                continue
            extra = dict(row["extra"] or {})
            current = extra.get(KEY) or {}
            if current.get("id") != claim_id or current.get("wanted"):
                lost.add(intake_id)
                continue
            extra[KEY] = {**current, "beat": now}
            _write(tx, row, extra)
        return lost

    return store.run(fn, write=True) if mine else set()


def release(store: Any, intake_id: int, claim_id: str) -> None:
    """Give the claim up (the session's app has stopped), if it is still ours."""
    def fn(tx: Any) -> None:
        row = _row(tx, intake_id)
        if row is None:
            return
        extra = dict(row["extra"] or {})
        if (extra.get(KEY) or {}).get("id") == claim_id:
            del extra[KEY]
            _write(tx, row, extra)

    store.run(fn, write=True)
