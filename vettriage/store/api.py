"""The store's public shape: records and the operations the terminal app, the web intake and the CLI use.

This module is the contract; `vettriage.store.open_store(url)` returns an object with these methods.
Nothing here imports a database driver, so the UI can type against it without paying for one at start-up.
All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

import datetime as dt

from vettriage.errors import StoreError  # noqa: F401 - re-exported: the store's callers import it from here
from vettriage.frozen import field, frozen

# typing (~2 ms) and a Protocol class (~1.5 ms) are for the type checker: at run time Store is a plain class
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Literal, Protocol

    Status = Literal["in_progress", "completed", "amended"]
    Mode = Literal["owner", "tech"]
else:
    Protocol = object


@frozen
class Dog:
    """A dog and, optionally, its owner's name and contact (personal data: the SQLite file is mode 0600)."""

    id: int
    name: str
    breed_or_size: str | None = None
    birth_date: dt.date | None = None
    age_years: float | None = None
    sex: str | None = None
    owner_name: str | None = None
    owner_contact: str | None = None
    chart: str | None = None
    """The clinic's chart number: unique when given, so `--chart C` picks one dog where a name may not."""
    owner_phone: str | None = None
    created_at: dt.datetime | None = None
    """When the record was made: `age_years` is the age then (the first visit) when no birth date is known."""

    def age_on(self, day: dt.date) -> float | None:
        """The dog's age in years on `day`, from the birth date, else from the age at the first visit."""
        if self.birth_date is not None:
            return round((day - self.birth_date).days / 365.25, 1)
        if self.age_years is not None and self.created_at is not None:
            return round(self.age_years + (day - self.created_at.date()).days / 365.25, 1)
        return self.age_years


@frozen
class IntakeSummary:
    """One row of a list or search."""

    id: int
    dog_id: int
    dog_name: str
    by: str
    mode: Mode
    status: Status
    urgency: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


@frozen
class Intake:
    """A whole intake: answers as given (item id → value or "unknown"), position for resuming, and the
    Assessment (as its JSON dict) once completed."""

    id: int
    dog: Dog
    by: str
    mode: Mode
    status: Status
    urgency: str | None
    emergency: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    content_version: str
    content_hash: str
    answers: dict[str, Any]
    position: str | None
    assessment: dict[str, Any] | None
    rescreen_due: dt.date | None = None
    rescreen_reason: str | None = None


@frozen
class Visit:
    """One completed intake of a dog, as a follow-up compares it: when, its scores and category levels."""

    intake_id: int
    at: dt.datetime
    urgency: str | None
    assessment: dict[str, Any]
    rescreen_due: dt.date | None = None


@frozen
class DueDog:
    """A dog whose last completed intake set a re-screen date on or before the day asked about."""

    dog: Dog
    intake_id: int
    last_visit: dt.datetime
    due: dt.date
    reason: str | None
    urgency: str | None
    lost_at: dt.datetime | None = None
    """Set when the clinic marked the dog lost to follow-up (on this visit): it then leaves the due list."""
    lost_by: str | None = None
    lost_reason: str | None = None


LOST_ITEM = "lost_to_follow_up"
"""The audit item of a lost-to-follow-up mark (new value true) and of its undo (false), on the dog's last visit."""


@frozen
class DueCounts:
    """How many dogs the due list holds for a day, and how many it leaves out."""

    due: int
    """Due by the day, not overdue past the cut-off, not lost to follow-up: the list itself."""
    overdue: int
    """Overdue by more than the cut-off (and not marked lost): left out of the list."""
    lost: int
    """Due by the day but marked lost to follow-up: left out of the list."""


@frozen
class AuditEvent:
    """One answer change."""

    intake_id: int
    item_id: str
    old_value: Any
    new_value: Any
    who: str
    at: dt.datetime
    reason: str | None = None


@frozen
class Invite:
    """An invitation link's record: only the hash of its code is stored."""

    id: int
    intake_id: int
    code_hash: str
    created_at: dt.datetime
    expires_at: dt.datetime
    used: bool = False
    revoked: bool = False
    extra: dict[str, Any] = field(default_factory=dict)



class NotFoundError(StoreError):
    """No record with that id (an intake, dog or invitation): a web handler can answer 404."""


class Store(Protocol):
    """What every backend (SQLite, PostgreSQL) provides."""

    url: str

    # dogs
    def add_dog(self, name: str, *, breed_or_size: str | None = None, birth_date: dt.date | None = None,
                age_years: float | None = None, sex: str | None = None, owner_name: str | None = None,
                owner_contact: str | None = None, chart: str | None = None,
                owner_phone: str | None = None) -> Dog: ...
    def get_dog(self, dog_id: int) -> Dog: ...
    def find_dogs(self, name: str) -> list[Dog]: ...
    def dog_by_chart(self, chart: str) -> Dog: ...
    def visits(self, dog_id: int, *, limit: int | None = None) -> list[Visit]:
        """The dog's completed (or amended) intakes, oldest first (the last `limit` of them when given)."""
    def dogs_due(self, on: dt.date, *, overdue_since: dt.date | None = None, lost: bool = False,
                 limit: int | None = None, after: tuple[dt.date, int] | None = None) -> list[DueDog]:
        """Dogs whose last visit is due by `on`, soonest first: a page after (due, intake id) when given."""
    def due_counts(self, on: dt.date, overdue_since: dt.date | None = None) -> DueCounts: ...
    def dogs_overdue(self, on: dt.date, overdue_since: dt.date, *, limit: int | None = None,
                     after: tuple[dt.date, int] | None = None) -> list[DueDog]:
        """The dogs due before `overdue_since` and not marked lost (left out of the due list), most overdue
        first: a page after (due, intake id) when given."""
    def dogs_lost(self, on: dt.date, *, limit: int | None = None,
                  after: tuple[dt.datetime, int] | None = None) -> list[DueDog]:
        """The dogs due by `on` and marked lost to follow-up, the latest mark first: a page after (lost_at,
        intake id) when given."""
    def mark_lost(self, dog_id: int, who: str, reason: str | None = None, *, lost: bool = True) -> int:
        """Mark (or with lost=False unmark) a dog lost to follow-up, audited; the visit's intake id."""

    # intakes
    def record_intake(self, dog_name: str | None, *, by: str, mode: Mode, content_version: str,
                      content_hash: str, answers: dict[str, Any], assessment: dict[str, Any] | None = None,
                      dog_details: dict[str, Any] | None = None, dog_id: int | None = None,
                      chart: str | None = None, invite: tuple[str, dt.datetime] | None = None,
                      created_at: dt.datetime | None = None) -> tuple[Dog, Intake]:
        """The one way a new intake (with its dog when new, and its invitation) enters the store, in one
        transaction under one rule for which dog it is: docs/STORE.md "One way in". `created_at` dates a visit
        that happened earlier (never later than now)."""
    def create_intake(self, dog_id: int, *, by: str, mode: Mode, content_version: str,
                      content_hash: str, created_at: dt.datetime | None = None) -> Intake: ...
    def save_answer(self, intake_id: int, item_id: str, value: Any, *, who: str,
                    position: str | None = None, reason: str | None = None) -> None:
        """Store one answer (None clears it) and an audit event; durable when this returns (the autosave).
        A completed intake refuses this unless `reason` is given (then it is an amendment)."""
    def save_answers(self, intake_id: int, answers: dict[str, Any], *, who: str, position: str | None = None,
                     reason: str | None = None) -> None:
        """Several answers in one transaction, each with its audit event; otherwise as save_answer."""
    def set_position(self, intake_id: int, item_id: str | None) -> None: ...
    def mark_emergency(self, intake_id: int) -> None: ...
    def withdraw_emergency(self, intake_id: int) -> None: ...
    def complete(self, intake_id: int, assessment: dict[str, Any]) -> Intake:
        """Store the Assessment JSON and its urgency; status becomes completed (or amended if it was)."""
    def get_intake(self, intake_id: int) -> Intake: ...
    def list_intakes(self, *, date: dt.date | None = None, status: Status | None = None,
                     dog: str | None = None, urgency: str | None = None,
                     limit: int = 200) -> list[IntakeSummary]: ...
    def dog_history(self, dog_id: int) -> list[IntakeSummary]: ...
    def audit(self, intake_id: int) -> list[AuditEvent]: ...

    # invitations (web intake)
    def add_invite(self, intake_id: int, code_hash: str, expires_at: dt.datetime) -> Invite: ...
    def find_invite(self, code_hash: str) -> Invite | None: ...
    def list_invites(self) -> list[Invite]: ...
    def revoke_invite(self, invite_id: int) -> None: ...
    def use_invite(self, invite_id: int) -> None: ...
    def invited_intakes(self, limit: int = 500) -> list[tuple[Invite, IntakeSummary, int]]:
        """Intakes with an invitation, newest first: (first invitation, summary, answers given)."""
    def mark_seen(self, intake_id: int, who: str, note: str = ...) -> None:
        """Staff saw a red flag reported from home (marked, and audited with who and when)."""

    def close(self) -> None: ...
