"""The one Store implementation, SQLAlchemy Core over SQLite or PostgreSQL (same statements on both).

Every public method is one transaction, retried whole when the database is busy, so a second writer never
shows the user "database is locked". A write transaction commits before the method returns: on SQLite (WAL,
synchronous=FULL) the answer is on disk then; on PostgreSQL the server has committed it.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from typing import Any, Callable, TypeVar

import sqlalchemy as sa

from vettriage.store import records as r
from vettriage.store import schema as s
from vettriage.store.api import (AuditEvent, Dog, Intake, IntakeSummary, Invite, Mode, NotFoundError, Status,
                                 StoreError)

T = TypeVar("T")
MODES = ("owner", "tech")
STATUSES = ("in_progress", "completed", "amended")
RETRIES = 12
DOG_ID_LIST = 500  # up to this many dogs matching a name search, search by their ids


def utcnow() -> dt.datetime:
    """Now, aware UTC."""
    return dt.datetime.now(dt.timezone.utc)


def _transient(exc: sa.exc.DBAPIError) -> bool:
    """A failure that goes away if the transaction is simply run again."""
    code = getattr(exc.orig, "sqlstate", None)
    if code in ("40001", "40P01"):  # PostgreSQL serialization failure, deadlock
        return True
    text = str(exc.orig).lower()
    return "database is locked" in text or "database is busy" in text or "database table is locked" in text


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, case-blind against a casefolded column."""
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlStore:
    """Records of dogs, intakes, answer audit and invitations; see `vettriage.store.api.Store`."""

    def __init__(self, engine: Any, url: str) -> None:
        self._engine = engine
        self.url = url
        self.dialect: str = engine.dialect.name

    # -- plumbing -------------------------------------------------------------------------------------------

    def run(self, fn: Callable[[sa.Connection], T], *, write: bool = False) -> T:
        """Run `fn(conn)` in one transaction (a write one takes the write lock first), retrying when busy."""
        delay = 0.002
        for attempt in range(RETRIES):
            try:
                with self._engine.connect() as conn:
                    if write:
                        conn.execution_options(vt_write=True)
                    with conn.begin():
                        return fn(conn)
            except sa.exc.DBAPIError as exc:
                if attempt + 1 < RETRIES and _transient(exc):
                    time.sleep(delay * (1 + random.random()))
                    delay = min(delay * 2, 0.5)
                    continue
                raise self._error(exc) from None
            except sa.exc.StatementError as exc:  # a parameter the driver cannot take
                raise StoreError(f"{self.url}: {' '.join(str(exc.orig).split())}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, exc: sa.exc.DBAPIError) -> StoreError:
        text = " ".join(str(exc.orig).split())
        if _transient(exc):
            return StoreError(f"{self.url}: the database stayed busy; try again ({text})")
        if "not a database" in text or "malformed" in text:
            return StoreError(f"{self.url}: corrupt database ({text})")
        return StoreError(f"{self.url}: {text}")

    def close(self) -> None:
        """Release every connection."""
        self._engine.dispose()

    # -- dogs -----------------------------------------------------------------------------------------------

    def add_dog(self, name: str, *, breed_or_size: str | None = None, birth_date: dt.date | None = None,
                age_years: float | None = None, sex: str | None = None, owner_name: str | None = None,
                owner_contact: str | None = None) -> Dog:
        """Store a dog; the name must not be blank."""
        if not name or not name.strip():
            raise StoreError("a dog needs a name")
        # Blank optional text is stored as None, so that every export format gives it back the same way.
        breed_or_size, sex, owner_name, owner_contact = (v if v else None for v in (breed_or_size, sex, owner_name,
                                                                                    owner_contact))
        values = dict(name=name.strip(), breed_or_size=breed_or_size, birth_date=birth_date, age_years=age_years,
                      sex=sex, owner_name=owner_name, owner_contact=owner_contact)

        def tx(conn: sa.Connection) -> int:
            res = conn.execute(sa.insert(s.dogs).values(**values, name_key=values["name"].casefold(),
                                                        created_at=utcnow()))
            return int(res.inserted_primary_key[0])

        return Dog(id=self.run(tx, write=True), **values)  # type: ignore[arg-type]

    def get_dog(self, dog_id: int) -> Dog:
        """One dog, or NotFoundError."""
        row = self.run(lambda c: c.execute(sa.select(*r.DOG_COLUMNS).where(s.dogs.c.id == dog_id)).first())
        if row is None:
            raise NotFoundError(f"no dog {dog_id}")
        return r.dog_from(row)

    def find_dogs(self, name: str) -> list[Dog]:
        """Dogs whose name contains `name`, ignoring case, by name then id."""
        q = (sa.select(*r.DOG_COLUMNS).where(s.dogs.c.name_key.like(_like(name), escape="\\"))
             .order_by(s.dogs.c.name_key, s.dogs.c.id))
        return [r.dog_from(row) for row in self.run(lambda c: c.execute(q).all())]

    # -- intakes --------------------------------------------------------------------------------------------

    def create_intake(self, dog_id: int, *, by: str, mode: Mode, content_version: str,
                      content_hash: str) -> Intake:
        """Start an intake (status in_progress, no answers)."""
        if mode not in MODES:
            raise StoreError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if not by or not by.strip():
            raise StoreError("say who fills the intake in ('owner' or a technician's name)")

        def tx(conn: sa.Connection) -> int:
            if conn.execute(sa.select(s.dogs.c.id).where(s.dogs.c.id == dog_id)).first() is None:
                raise NotFoundError(f"no dog {dog_id}")
            now = utcnow()
            res = conn.execute(sa.insert(s.intakes).values(
                dog_id=dog_id, by=by.strip(), mode=mode, status="in_progress", urgency=None, emergency=False,
                created_at=now, updated_at=now, content_version=content_version, content_hash=content_hash,
                answers={}, position=None, assessment=None))
            return int(res.inserted_primary_key[0])

        return self.get_intake(self.run(tx, write=True))

    def _locked(self, conn: sa.Connection, intake_id: int, *cols: Any) -> Any:
        row = conn.execute(sa.select(*cols).where(s.intakes.c.id == intake_id).with_for_update()).first()
        if row is None:
            raise NotFoundError(f"no intake {intake_id}")
        return row

    def save_answer(self, intake_id: int, item_id: str, value: Any, *, who: str,
                    position: str | None = None, reason: str | None = None) -> None:
        """Store one answer (None clears it) and its audit event; durable when this returns. A completed
        intake refuses this unless `reason` is given: then it is an amendment and the status becomes amended."""
        self.save_answers(intake_id, {item_id: value}, who=who, position=position, reason=reason)

    def save_answers(self, intake_id: int, answers: dict[str, Any], *, who: str, position: str | None = None,
                     reason: str | None = None) -> None:
        """Several answers in one transaction (an imported answers file); otherwise as save_answer."""
        reason = reason.strip() if reason and reason.strip() else None
        try:
            json.dumps(answers, allow_nan=False)
        except (TypeError, ValueError) as exc:  # refused before the transaction, with the item named
            raise StoreError(f"intake {intake_id}: cannot store that answer ({exc})") from None

        def tx(conn: sa.Connection) -> None:
            row = self._locked(conn, intake_id, s.intakes.c.status, s.intakes.c.answers)
            if row.status != "in_progress" and reason is None:
                raise StoreError(f"intake {intake_id} is {row.status}: changing an answer needs a reason")
            current = dict(row.answers or {})
            now = utcnow()
            events = []
            for item_id, value in answers.items():
                old = current.get(item_id)
                if value is None:
                    current.pop(item_id, None)
                else:
                    current[item_id] = value
                if old != value:
                    events.append(dict(intake_id=intake_id, item_id=item_id, old_value=old, new_value=value,
                                       who=who, at=now, reason=reason))
            values: dict[str, Any] = {"answers": current, "updated_at": now}
            if position is not None:
                values["position"] = position
            if row.status == "completed" and events:
                values["status"] = "amended"
            conn.execute(sa.update(s.intakes).where(s.intakes.c.id == intake_id).values(**values))
            if events:
                conn.execute(sa.insert(s.audit), events)

        self.run(tx, write=True)

    def set_position(self, intake_id: int, item_id: str | None) -> None:
        """Remember where the intake was left, for resuming."""
        self._update(intake_id, position=item_id)

    def mark_emergency(self, intake_id: int) -> None:
        """An emergency sign was answered yes: the intake is flagged before it is complete."""
        self._update(intake_id, emergency=True, urgency="emergency")

    def _update(self, intake_id: int, **values: Any) -> None:
        def tx(conn: sa.Connection) -> None:
            res = conn.execute(sa.update(s.intakes).where(s.intakes.c.id == intake_id)
                               .values(**values, updated_at=utcnow()))
            if res.rowcount == 0:
                raise NotFoundError(f"no intake {intake_id}")

        self.run(tx, write=True)

    def complete(self, intake_id: int, assessment: dict[str, Any]) -> Intake:
        """Store the Assessment JSON and its urgency; status becomes completed (or stays amended)."""
        urgency = assessment.get("urgency")

        def tx(conn: sa.Connection) -> None:
            row = self._locked(conn, intake_id, s.intakes.c.status, s.intakes.c.emergency)
            conn.execute(sa.update(s.intakes).where(s.intakes.c.id == intake_id).values(
                assessment=assessment, urgency=urgency, emergency=bool(row.emergency) or urgency == "emergency",
                status="amended" if row.status == "amended" else "completed", updated_at=utcnow()))

        self.run(tx, write=True)
        return self.get_intake(intake_id)

    def get_intake(self, intake_id: int) -> Intake:
        """A whole intake, or NotFoundError."""
        row = self.run(lambda c: c.execute(r.intake_query().where(s.intakes.c.id == intake_id)).first())
        if row is None:
            raise NotFoundError(f"no intake {intake_id}")
        return r.intake_from(row)

    def list_intakes(self, *, date: dt.date | None = None, status: Status | None = None,
                     dog: str | None = None, urgency: str | None = None,
                     limit: int = 200) -> list[IntakeSummary]:
        """Newest first. `date` is a UTC calendar day of creation; `dog` matches part of the name, any case."""
        q = r.summary_query()
        if date is not None:
            start = dt.datetime.combine(date, dt.time(), dt.timezone.utc)
            q = q.where(s.intakes.c.created_at >= start, s.intakes.c.created_at < start + dt.timedelta(days=1))
        if status is not None:
            if status not in STATUSES:
                raise StoreError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
            q = q.where(s.intakes.c.status == status)
        if urgency is not None:
            q = q.where(s.intakes.c.urgency == urgency)
        q = q.order_by(s.intakes.c.created_at.desc(), s.intakes.c.id.desc()).limit(max(0, int(limit)))

        def tx(conn: sa.Connection) -> list[Any]:
            query = q
            if dog:
                # Few matching dogs: fetch their intakes by dog id (index) instead of letting the planner walk
                # every intake newest first testing the name; many matching dogs: that walk ends soon anyway.
                match = s.dogs.c.name_key.like(_like(dog), escape="\\")
                ids = conn.execute(sa.select(s.dogs.c.id).where(match).limit(DOG_ID_LIST + 1)).scalars().all()
                query = q.where(s.intakes.c.dog_id.in_(ids)) if len(ids) <= DOG_ID_LIST else q.where(match)
            return conn.execute(query).all()

        return [r.summary_from(row) for row in self.run(tx)]

    def dog_history(self, dog_id: int) -> list[IntakeSummary]:
        """Every intake of one dog, newest first."""
        self.get_dog(dog_id)
        q = (r.summary_query().where(s.intakes.c.dog_id == dog_id)
             .order_by(s.intakes.c.created_at.desc(), s.intakes.c.id.desc()))
        return [r.summary_from(row) for row in self.run(lambda c: c.execute(q).all())]

    def audit(self, intake_id: int) -> list[AuditEvent]:
        """Every answer change of one intake, oldest first."""
        q = sa.select(s.audit).where(s.audit.c.intake_id == intake_id).order_by(s.audit.c.id)
        return [r.audit_from(row) for row in self.run(lambda c: c.execute(q).all())]

    # -- invitations ----------------------------------------------------------------------------------------

    def add_invite(self, intake_id: int, code_hash: str, expires_at: dt.datetime) -> Invite:
        """Record an invitation (only the hash of its code)."""
        def tx(conn: sa.Connection) -> int:
            self._locked(conn, intake_id, s.intakes.c.id)
            res = conn.execute(sa.insert(s.invites).values(intake_id=intake_id, code_hash=code_hash,
                                                           created_at=utcnow(), expires_at=expires_at,
                                                           used=False, revoked=False, extra={}))
            return int(res.inserted_primary_key[0])

        invite_id = self.run(tx, write=True)
        return self._invite(s.invites.c.id == invite_id)  # type: ignore[return-value]

    def _invite(self, where: Any) -> Invite | None:
        row = self.run(lambda c: c.execute(sa.select(s.invites).where(where)).first())
        return None if row is None else r.invite_from(row)

    def find_invite(self, code_hash: str) -> Invite | None:
        """The invitation with this code hash, if any."""
        return self._invite(s.invites.c.code_hash == code_hash)

    def list_invites(self) -> list[Invite]:
        """Every invitation, oldest first."""
        rows = self.run(lambda c: c.execute(sa.select(s.invites).order_by(s.invites.c.id)).all())
        return [r.invite_from(row) for row in rows]

    def revoke_invite(self, invite_id: int) -> None:
        """Revoke an invitation."""
        self._set_invite(invite_id, revoked=True)

    def use_invite(self, invite_id: int) -> None:
        """Mark an invitation used."""
        self._set_invite(invite_id, used=True)

    def _set_invite(self, invite_id: int, **values: Any) -> None:
        def tx(conn: sa.Connection) -> None:
            if conn.execute(sa.update(s.invites).where(s.invites.c.id == invite_id).values(**values)).rowcount == 0:
                raise NotFoundError(f"no invitation {invite_id}")

        self.run(tx, write=True)
