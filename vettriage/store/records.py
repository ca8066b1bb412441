"""Rows to the contract's records (vettriage.store.api), and the SELECTs each record is read with."""

from __future__ import annotations


from vettriage.store.api import AuditEvent, Dog, Intake, IntakeSummary, Invite, Visit
from vettriage.store.schema import DOG_COLUMNS

TYPE_CHECKING = False  # typing costs ~2 ms at start-up: only the type checker reads these names
if TYPE_CHECKING:
    from typing import Any

DOG_SELECT = "SELECT " + ", ".join(f"d.{c}" for c in DOG_COLUMNS) + " FROM dogs d"

_SUMMARY = 'i.id, i.dog_id, d.name AS dog_name, i."by", i.mode, i.status, i.urgency, i.created_at, i.updated_at'
SUMMARY_SELECT = f"SELECT {_SUMMARY} FROM intakes i JOIN dogs d ON i.dog_id = d.id"
SUMMARY_COLUMNS = _SUMMARY
SUMMARY_FIELDS = ("id", "dog_id", "dog_name", "by", "mode", "status", "urgency", "created_at", "updated_at")

_INTAKE = ('i.id, i."by", i.mode, i.status, i.urgency, i.emergency, i.created_at, i.updated_at, '
           'i.content_version, i.content_hash, i.answers, i."position", i.assessment, i.rescreen_due, '
           'i.rescreen_reason, '
           + ", ".join(f"d.{c} AS dog_{c}" for c in DOG_COLUMNS))
INTAKE_SELECT = f"SELECT {_INTAKE} FROM intakes i JOIN dogs d ON i.dog_id = d.id"


def dog_from(row: dict[str, Any], prefix: str = "") -> Dog:
    """A Dog from a row holding the dog columns, optionally labelled `dog_*`."""
    return Dog(**{c: row[prefix + c] for c in DOG_COLUMNS})


def summary_from(row: dict[str, Any]) -> IntakeSummary:
    """An IntakeSummary from a row of SUMMARY_SELECT."""
    return IntakeSummary(**row)


def intake_from(row: dict[str, Any]) -> Intake:
    """An Intake from a row of INTAKE_SELECT."""
    return Intake(id=row["id"], dog=dog_from(row, "dog_"), by=row["by"], mode=row["mode"], status=row["status"],
                  urgency=row["urgency"], emergency=bool(row["emergency"]), created_at=row["created_at"],
                  updated_at=row["updated_at"], content_version=row["content_version"],
                  content_hash=row["content_hash"], answers=dict(row["answers"] or {}), position=row["position"],
                  assessment=row["assessment"], rescreen_due=row["rescreen_due"],
                  rescreen_reason=row["rescreen_reason"])


VISIT_SELECT = ("SELECT i.id, i.created_at, i.urgency, i.assessment, i.rescreen_due FROM intakes i "
                "WHERE i.dog_id = ? AND i.status IN ('completed', 'amended') AND i.assessment IS NOT NULL")


def visit_from(row: dict[str, Any]) -> Visit:
    """A Visit from a row of VISIT_SELECT."""
    return Visit(intake_id=row["id"], at=row["created_at"], urgency=row["urgency"],
                 assessment=dict(row["assessment"] or {}), rescreen_due=row["rescreen_due"])


def audit_from(row: dict[str, Any]) -> AuditEvent:
    """An AuditEvent from an audit row."""
    return AuditEvent(intake_id=row["intake_id"], item_id=row["item_id"], old_value=row["old_value"],
                      new_value=row["new_value"], who=row["who"], at=row["at"], reason=row["reason"])


def invite_from(row: dict[str, Any]) -> Invite:
    """An Invite from an invites row."""
    return Invite(id=row["id"], intake_id=row["intake_id"], code_hash=row["code_hash"],
                  created_at=row["created_at"], expires_at=row["expires_at"], used=bool(row["used"]),
                  revoked=bool(row["revoked"]), extra=dict(row["extra"] or {}))
