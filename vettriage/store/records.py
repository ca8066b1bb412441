"""Rows to the contract's records (vettriage.store.api), and the columns each query selects."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from vettriage.store import schema as s
from vettriage.store.api import AuditEvent, Dog, Intake, IntakeSummary, Invite

DOG_COLUMNS = (s.dogs.c.id, s.dogs.c.name, s.dogs.c.breed_or_size, s.dogs.c.birth_date, s.dogs.c.age_years,
               s.dogs.c.sex, s.dogs.c.owner_name, s.dogs.c.owner_contact)

SUMMARY_COLUMNS = (s.intakes.c.id, s.intakes.c.dog_id, s.dogs.c.name.label("dog_name"), s.intakes.c.by,
                   s.intakes.c.mode, s.intakes.c.status, s.intakes.c.urgency, s.intakes.c.created_at,
                   s.intakes.c.updated_at)

_DOG_LABELS = [c.label(f"dog_{c.name}") for c in DOG_COLUMNS]
INTAKE_COLUMNS = tuple(c for c in s.intakes.c if c.name != "dog_id") + tuple(_DOG_LABELS)


def dog_from(row: Any, prefix: str = "") -> Dog:
    """A Dog from a row holding the dog columns, optionally labelled `dog_*`."""
    m = row._mapping
    return Dog(**{c.name: m[prefix + c.name] for c in DOG_COLUMNS})


def summary_from(row: Any) -> IntakeSummary:
    """An IntakeSummary from a row of SUMMARY_COLUMNS."""
    return IntakeSummary(**row._mapping)


def intake_from(row: Any) -> Intake:
    """An Intake from a row of INTAKE_COLUMNS."""
    m = row._mapping
    return Intake(id=m["id"], dog=dog_from(row, "dog_"), by=m["by"], mode=m["mode"], status=m["status"],
                  urgency=m["urgency"], emergency=bool(m["emergency"]), created_at=m["created_at"],
                  updated_at=m["updated_at"], content_version=m["content_version"],
                  content_hash=m["content_hash"], answers=dict(m["answers"] or {}), position=m["position"],
                  assessment=m["assessment"])


def audit_from(row: Any) -> AuditEvent:
    """An AuditEvent from an audit row."""
    m = row._mapping
    return AuditEvent(intake_id=m["intake_id"], item_id=m["item_id"], old_value=m["old_value"],
                      new_value=m["new_value"], who=m["who"], at=m["at"], reason=m["reason"])


def invite_from(row: Any) -> Invite:
    """An Invite from an invites row."""
    m = row._mapping
    return Invite(id=m["id"], intake_id=m["intake_id"], code_hash=m["code_hash"], created_at=m["created_at"],
                  expires_at=m["expires_at"], used=bool(m["used"]), revoked=bool(m["revoked"]),
                  extra=dict(m["extra"] or {}))


def intake_query() -> sa.Select:
    """SELECT of a whole intake with its dog."""
    return sa.select(*INTAKE_COLUMNS).select_from(s.intakes.join(s.dogs, s.intakes.c.dog_id == s.dogs.c.id))


def summary_query() -> sa.Select:
    """SELECT of intake summaries with the dog's name."""
    return sa.select(*SUMMARY_COLUMNS).select_from(s.intakes.join(s.dogs, s.intakes.c.dog_id == s.dogs.c.id))
