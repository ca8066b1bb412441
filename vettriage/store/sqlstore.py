"""The one Store implementation: plain SQL over SQLite or PostgreSQL (same statements on both).

Every public method is one transaction, retried whole when the database is busy (vettriage.store.db), so a
second writer never shows the user "database is locked". A write transaction commits before the method
returns: on SQLite (WAL, synchronous=FULL) the answer is on disk then; on PostgreSQL the server has committed it.
"""

from __future__ import annotations

import datetime as dt
import json

from vettriage.localtime import local_day
from vettriage.store import records as r
from vettriage.store.api import (LOST_ITEM, AuditEvent, Dog, DueCounts, DueDog, Intake, IntakeSummary, Invite,
                                 NotFoundError, StoreError, Visit)
from vettriage.store.db import Damaged, Database, DamagedRow, Tx
from vettriage.textcheck import clean_name, json_problem, text_problem

TYPE_CHECKING = False  # typing costs ~2 ms at start-up: only the type checker reads these names
if TYPE_CHECKING:
    from typing import Any, Callable, TypeVar

    from vettriage.store.api import Mode, Status

    T = TypeVar("T")

MODES = ("owner", "tech")
STATUSES = ("in_progress", "completed", "amended")
DOG_ID_LIST = 500  # up to this many dogs matching a name search, search by their ids
LIKE = "name_key LIKE ? ESCAPE '\\'"


def utcnow() -> dt.datetime:
    """Now, aware UTC."""
    return dt.datetime.now(dt.timezone.utc)


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, case-blind against a casefolded column."""
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlStore:
    """Records of dogs, intakes, answer audit and invitations; see `vettriage.store.api.Store`."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.url = db.url
        self.dialect: str = db.dialect.name
        self.rescreen_policy: Any = None
        """vettriage.config.RescreenPolicy for the re-screen dates set at completion (None: the user's config)."""

    def _rescreen(self, assessment: dict[str, Any], on: dt.date) -> tuple[dt.date, str]:
        from vettriage.followup import rescreen_due

        if self.rescreen_policy is None:
            from vettriage.config import load_config

            self.rescreen_policy = load_config().rescreen
        return rescreen_due(assessment, on, self.rescreen_policy)

    def run(self, fn: Callable[[Tx], T], *, write: bool = False) -> T:
        """Run `fn(tx)` in one transaction (a write one takes the write lock first), retrying when busy."""
        return self._db.run(fn, write=write)

    def close(self) -> None:
        """Release every connection."""
        self._db.close()

    # -- dogs -----------------------------------------------------------------------------------------------

    def add_dog(self, name: str, *, breed_or_size: str | None = None, birth_date: dt.date | None = None,
                age_years: float | None = None, sex: str | None = None, owner_name: str | None = None,
                owner_contact: str | None = None, chart: str | None = None,
                owner_phone: str | None = None) -> Dog:
        """Store a dog; the name must not be blank, and a chart number not one another dog has."""
        if not name or not name.strip():
            raise StoreError("a dog needs a name")
        if clean_name(name)[1]:
            raise StoreError(f"the dog's name {clean_name(name)[1]}")
        # Blank optional text is stored as None, so that every export format gives it back the same way.
        breed_or_size, sex, owner_name, owner_contact, chart, owner_phone = (
            v.strip() if isinstance(v, str) and v.strip() else None
            for v in (breed_or_size, sex, owner_name, owner_contact, chart, owner_phone))
        values = dict(name=name.strip(), breed_or_size=breed_or_size, birth_date=birth_date, age_years=age_years,
                      sex=sex, owner_name=owner_name, owner_contact=owner_contact, chart=chart,
                      owner_phone=owner_phone, created_at=utcnow())
        row = dict(values, name_key=values["name"].casefold())

        def tx(tx: Tx) -> int:
            if chart is not None:  # checked first for a message naming the other dog; the index still holds
                other = tx.one("SELECT id FROM dogs WHERE chart = ?", (chart,))
                if other is not None:
                    raise StoreError(f"chart {chart!r} is already dog {other['id']}'s: a chart number names one dog")
            return tx.insert("dogs", row)

        return Dog(id=self.run(tx, write=True), **values)  # type: ignore[arg-type]

    def dog_by_chart(self, chart: str) -> Dog:
        """The dog with this chart number, or NotFoundError."""
        row = self.run(lambda tx: tx.one(f"{r.DOG_SELECT} WHERE d.chart = ?", (chart.strip(),)))
        if row is None:
            raise NotFoundError(f"no dog has chart {chart.strip()!r}")
        return r.dog_from(row)

    def visits(self, dog_id: int, *, limit: int | None = None) -> list[Visit]:
        """The dog's completed (or amended) intakes, oldest first; with `limit`, the last `limit` of them."""
        def tx(tx: Tx) -> list[dict[str, Any]]:
            sql = f"{r.VISIT_SELECT} ORDER BY i.created_at DESC, i.id DESC"
            params: list[Any] = [dog_id]
            if limit is not None:
                sql += " LIMIT ?"
                params.append(max(0, int(limit)))
            return tx.rows(sql, params, [], "intake")

        return [r.visit_from(row) for row in reversed(self.run(tx))]

    def visits_until(self, intake_id: int) -> list[Visit]:
        """The completed visits of an intake's dog up to and including that intake, oldest first (empty when
        the intake itself is not completed)."""
        intake = self.get_intake(intake_id)
        visits = self.visits(self._dog_id_of(intake_id))
        ids = [v.intake_id for v in visits]
        return visits[:ids.index(intake.id) + 1] if intake.id in ids else []

    def _dog_id_of(self, intake_id: int) -> int:
        row = self.run(lambda tx: tx.one("SELECT dog_id FROM intakes WHERE id = ?", (intake_id,)))
        if row is None:
            raise NotFoundError(f"no intake {intake_id}")
        return int(row["dog_id"])

    def dogs_due(self, on: dt.date, *, overdue_since: dt.date | None = None, lost: bool = False,
                 limit: int | None = None, after: tuple[dt.date, int] | None = None) -> list[DueDog]:
        """Dogs whose LAST completed intake set a re-screen date on or before `on`, soonest first. A later
        completed intake replaces the earlier one's date (the re-screen happened). `overdue_since`: leave out
        the dogs due before that day (overdue past the cut-off); dogs marked lost to follow-up are left out
        unless `lost`. `limit` rows after the row `after` = (due, intake id): a page, read from the re-screen
        index in order, so its cost is the page's, not the list's."""
        def tx(tx: Tx) -> list[dict[str, Any]]:
            dump = tx.dialect.dump
            sql, params = due_statements(on=dump("date", on),
                                         cutoff=None if overdue_since is None else dump("date", overdue_since),
                                         limit=limit, lost=lost,
                                         after=None if after is None else (dump("date", after[0]), after[1]))[0]
            return tx.rows(sql, params, [], "intake")

        return [_due_dog(row) for row in self.run(tx)]

    def dogs_overdue(self, on: dt.date, overdue_since: dt.date, *, limit: int | None = None,
                     after: tuple[dt.date, int] | None = None) -> list[DueDog]:
        """The dogs `dogs_due(on, overdue_since=...)` leaves out as overdue past the cut-off (due before
        `overdue_since`, not marked lost: `due_counts().overdue` counts them), most overdue first; a page after
        (due, intake id) when given, read from the re-screen index as the due list is."""
        def tx(tx: Tx) -> list[dict[str, Any]]:
            dump = tx.dialect.dump
            sql, params = due_statements(on=dump("date", on), below=dump("date", overdue_since), limit=limit,
                                         after=None if after is None else (dump("date", after[0]), after[1]))[0]
            return tx.rows(sql, params, [], "intake")

        return [_due_dog(row) for row in self.run(tx)]

    def dogs_lost(self, on: dt.date, *, limit: int | None = None,
                  after: tuple[dt.datetime, int] | None = None) -> list[DueDog]:
        """The dogs the due list leaves out as marked lost to follow-up (their last visit due by `on`:
        `due_counts().lost` counts them), the latest mark first, so that a mark made by mistake is at the top;
        a page after (lost_at, intake id) when given, read from the marks' index (`lost_statement`)."""
        def tx(tx: Tx) -> list[dict[str, Any]]:
            dump = tx.dialect.dump
            sql, params = lost_statement(on=dump("date", on), limit=limit,
                                         after=None if after is None else (dump("ts", after[0]), after[1]))
            return tx.rows(sql, params, [], "intake")

        return [_due_dog(row) for row in self.run(tx)]

    def due_counts(self, on: dt.date, overdue_since: dt.date | None = None) -> DueCounts:
        """The due list's size for `on` and what it leaves out (overdue past `overdue_since`, lost to
        follow-up): one pass over the dogs, each dog's last visit by one probe of the visits index."""
        def tx(tx: Tx) -> dict[str, Any] | None:
            dump = tx.dialect.dump
            sql, params = due_statements(on=dump("date", on), cutoff=dump("date", overdue_since or dt.date.min))[1]
            return tx.one(sql, params)

        row = self.run(tx) or {}
        return DueCounts(**{k: int(row.get(k) or 0) for k in ("due", "overdue", "lost")})

    def mark_lost(self, dog_id: int, who: str, reason: str | None = None, *, lost: bool = True) -> int:
        """Mark the dog lost to follow-up (or, with `lost=False`, take the mark back): on its last completed
        visit, with who, when and why, and an audit event (`lost_to_follow_up`, true or false) in the same
        transaction. Returns that visit's intake id. A dog with no completed visit has nothing to follow up."""
        who = " ".join((who or "").split())[:200] or "staff"
        reason = " ".join((reason or "").split())[:400] or None
        if reason and text_problem(reason):
            raise StoreError(f"the reason {text_problem(reason)}")

        def tx(tx: Tx) -> int:
            if tx.one("SELECT id FROM dogs WHERE id = ?", (dog_id,)) is None:
                raise NotFoundError(f"no dog {dog_id}")
            row = tx.one("SELECT id, lost_at, lost_by FROM intakes WHERE dog_id = ? AND status IN ('completed', "
                         "'amended') ORDER BY created_at DESC, id DESC LIMIT 1" + tx.dialect.for_update, (dog_id,))
            if row is None:
                raise StoreError(f"dog {dog_id} has no completed visit: there is no re-screen to follow up")
            if lost and row["lost_at"] is not None:
                raise StoreError(f"dog {dog_id} is already marked lost to follow-up (by {row['lost_by']}, "
                                 f"{row['lost_at']:%Y-%m-%d})")
            if not lost and row["lost_at"] is None:
                raise StoreError(f"dog {dog_id} is not marked lost to follow-up")
            now = utcnow()
            why = reason or ("lost to follow-up" if lost else "back on the due list")
            tx.update("intakes", {"lost_at": now if lost else None, "lost_by": who if lost else None,
                                  "lost_reason": why if lost else None}, "id = ?", (row["id"],))
            # as an import rebuilds the mark from the trail (vettriage.store.validate.intake_rows)
            tx.insert("audit", dict(intake_id=row["id"], item_id=LOST_ITEM, old_value=not lost, new_value=lost,
                                    who=who, at=now, reason=why))
            return int(row["id"])

        return self.run(tx, write=True)

    def get_dog(self, dog_id: int) -> Dog:
        """One dog, or NotFoundError."""
        row = self.run(lambda tx: tx.one(f"{r.DOG_SELECT} WHERE d.id = ?", (dog_id,)))
        if row is None:
            raise NotFoundError(f"no dog {dog_id}")
        return r.dog_from(row)

    def find_dogs(self, name: str, damaged: list[Damaged] | None = None) -> list[Dog]:
        """Dogs whose name contains `name`, ignoring case, by name then id (damaged rows: see list_intakes)."""
        rows = self.run(lambda tx: tx.rows(f"{r.DOG_SELECT} WHERE d.{LIKE} ORDER BY d.name_key, d.id",
                                           (_like(name),), damaged, "dog"))
        return [r.dog_from(row) for row in rows]

    def dogs_named(self, name: str) -> list[Dog]:
        """Dogs whose whole name is `name`, ignoring case and outer spaces, by id."""
        rows = self.run(lambda tx: tx.rows(f"{r.DOG_SELECT} WHERE d.name_key = ? ORDER BY d.id",
                                           (name.strip().casefold(),), [], "dog"))
        return [r.dog_from(row) for row in rows]

    def list_dogs(self, damaged: list[Damaged] | None = None) -> list[tuple[Dog, int]]:
        """Every dog with its number of intakes, by name then id."""
        def tx(tx: Tx) -> list[tuple[Dog, int]]:
            counts = {row["dog_id"]: row["n"] for row in tx.rows(
                "SELECT dog_id, COUNT(*) AS n FROM intakes GROUP BY dog_id")}
            return [(r.dog_from(row), counts.get(row["id"], 0))
                    for row in tx.rows(f"{r.DOG_SELECT} ORDER BY d.name_key, d.id", (), damaged, "dog")]

        return self.run(tx)

    def rename_dog(self, dog_id: int, name: str) -> Dog:
        """Give a dog a new name (not blank); the other dogs of its new name, if any, are unchanged."""
        if not name or not name.strip():
            raise StoreError("a dog needs a name")
        if clean_name(name)[1]:
            raise StoreError(f"the dog's name {clean_name(name)[1]}")
        name = name.strip()

        def tx(tx: Tx) -> None:
            if tx.update("dogs", {"name": name, "name_key": name.casefold()}, "id = ?", (dog_id,)) == 0:
                raise NotFoundError(f"no dog {dog_id}")

        self.run(tx, write=True)
        return self.get_dog(dog_id)

    def record_intake(self, dog_name: str | None, *, by: str, mode: Mode, content_version: str,
                      content_hash: str, answers: dict[str, Any], assessment: dict[str, Any] | None = None,
                      dog_details: dict[str, Any] | None = None, dog_id: int | None = None,
                      chart: str | None = None, invite: tuple[str, dt.datetime] | None = None,
                      created_at: dt.datetime | None = None) -> tuple[Dog, Intake]:
        """THE way a new intake enters the store (`intakes add`, `fhir import`, `invite`, the web form), in ONE
        transaction: find the dog or add it, the intake, its answers' audit events, the assessment and, with
        `invite` (code hash, expiry), the invitation. A kill, a full disk, a damaged file or a refused value
        leaves nothing. See docs/STORE.md "One way in".

        Which dog (one rule for every caller): `dog_id`, else the dog with that `chart` number (a new dog with
        it when none has it), else the dogs of that whole name (case-blind) with the owner `dog_details` names
        (`owner_name`; one that has no owner recorded matches any owner), else a new dog. Several candidates:
        AmbiguousDog with their ids. The lookup and the insert run under SQLite's write lock, or on PostgreSQL
        under advisory locks on the name and the chart, so that racing callers make one dog.

        `assessment` None: an intake in progress (status in_progress: a response still being answered, an
        invitation); else completed, with the assessment's urgency and re-screen date."""
        name, problem = clean_name(dog_name or "")
        if problem and dog_id is None and not (chart and not (dog_name or "").strip()):
            raise StoreError(f"the dog's name {problem}" if (dog_name or "").strip() else "a dog needs a name")
        if mode not in MODES:
            raise StoreError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        by, problem = clean_name(by or "")
        if problem:
            raise StoreError(f"who filled the intake in ('owner' or a technician's name) {problem}")
        if not isinstance(answers, dict):
            raise StoreError("cannot store those answers (not a mapping of question id to answer)")
        for value in (answers, assessment):
            problem = json_problem(value)
            if problem:
                raise StoreError(f"cannot store those answers: the value {problem}; nothing was written")
        details = {k: (v if v not in ("", None) else None) for k, v in (dog_details or {}).items()}
        for k, v in details.items():
            if isinstance(v, str):
                problem = text_problem(v, 400, name=k in ("owner_name", "breed_or_size", "sex"))
                if problem:
                    raise StoreError(f"the dog's {k} {problem}")
        from_details = details.pop("chart", None)
        chart = chart.strip() if isinstance(chart, str) and chart.strip() else from_details
        urgency = assessment.get("urgency") if assessment is not None else None
        # `created_at` dates a visit that happened earlier (a FHIR response's `authored`); never in the future
        when = min(created_at, utcnow()) if created_at is not None else None
        due, why = (self._rescreen(assessment, local_day(when or utcnow())) if assessment is not None
                    else (None, None))
        given = dog_id

        def tx(tx: Tx) -> dict[str, Any]:
            dog_id = self._find_dog(tx, name, given, chart, details.get("owner_name"))
            now = utcnow()
            if dog_id is None:
                dog_id = tx.insert("dogs", dict(name=name, name_key=name.casefold(), created_at=now, chart=chart,
                                                **details))
            intake_id = tx.insert("intakes", dict(
                dog_id=dog_id, by=by, mode=mode, status="in_progress" if assessment is None else "completed",
                urgency=urgency, emergency=urgency == "emergency", created_at=when or now, updated_at=now,
                content_version=content_version, content_hash=content_hash, answers=answers, position=None,
                assessment=assessment, rescreen_due=due, rescreen_reason=why))
            tx.insert_many("audit", [dict(intake_id=intake_id, item_id=k, old_value=None, new_value=v, who=by,
                                          at=now, reason=None) for k, v in answers.items() if v is not None])
            if invite is not None:
                tx.insert("invites", dict(intake_id=intake_id, code_hash=invite[0], created_at=now,
                                          expires_at=invite[1], used=False, revoked=False, extra={}))
            # read back before the commit: a file whose schema is damaged fails here, and nothing is kept
            # (it used to commit and then fail, and a retry stored the intake twice)
            rows = tx.rows(f"{r.INTAKE_SELECT} WHERE i.id = ?", (intake_id,), None, "intake")
            if not rows:
                raise StoreError(f"intake {intake_id} could not be read back; nothing was written")
            return rows[0]

        intake = r.intake_from(self.run(tx, write=True))
        return intake.dog, intake

    def _find_dog(self, tx: Tx, name: str | None, dog_id: int | None, chart: str | None,
                  owner: str | None) -> int | None:
        """The id of the dog an intake is for under the one uniqueness rule (record_intake), or None: add one."""
        if dog_id is not None:
            if tx.one("SELECT id FROM dogs WHERE id = ?", (dog_id,)) is None:
                raise NotFoundError(f"no dog {dog_id}")
            return dog_id
        key = (name or "").casefold()
        if tx.dialect.name == "postgresql":
            # the same order in every caller (name, then chart), so two of them never wait on each other
            tx.execute("SELECT pg_advisory_xact_lock(7410543, hashtext(?))", (key,))
            if chart is not None:
                tx.execute("SELECT pg_advisory_xact_lock(7410544, hashtext(?))", (chart,))
        if chart is not None:
            row = tx.one("SELECT id FROM dogs WHERE chart = ?", (chart,))
            if row is not None:
                return int(row["id"])
            if not name:
                raise NotFoundError(f"no dog has chart {chart!r} (give the dog's name to add it)")
            return None
        rows = tx.rows("SELECT id, owner_name FROM dogs WHERE name_key = ? ORDER BY id", (key,), [], "dog")
        if owner:
            same = [row for row in rows if (row["owner_name"] or "").casefold() == owner.casefold()]
            rows = same or [row for row in rows if not row["owner_name"]]
        if len(rows) > 1:
            raise AmbiguousDog(name or "", [row["id"] for row in rows])
        return int(rows[0]["id"]) if rows else None

    # -- intakes --------------------------------------------------------------------------------------------

    def create_intake(self, dog_id: int, *, by: str, mode: Mode, content_version: str,
                      content_hash: str, created_at: dt.datetime | None = None) -> Intake:
        """Start an intake (status in_progress, no answers). `created_at` dates a visit that happened earlier
        (an imported response's `authored`): its visit date, trends and re-screen date follow it."""
        if mode not in MODES:
            raise StoreError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if not by or not by.strip():
            raise StoreError("say who fills the intake in ('owner' or a technician's name)")

        def tx(tx: Tx) -> int:
            if tx.one("SELECT id FROM dogs WHERE id = ?", (dog_id,)) is None:
                raise NotFoundError(f"no dog {dog_id}")
            now = min(created_at, utcnow()) if created_at is not None else utcnow()
            return tx.insert("intakes", dict(
                dog_id=dog_id, by=by.strip(), mode=mode, status="in_progress", urgency=None, emergency=False,
                created_at=now, updated_at=now, content_version=content_version, content_hash=content_hash,
                answers={}, position=None, assessment=None))

        return self.get_intake(self.run(tx, write=True))

    def _locked(self, tx: Tx, intake_id: int, columns: str) -> dict[str, Any]:
        row = tx.one(f"SELECT {columns} FROM intakes WHERE id = ?{tx.dialect.for_update}", (intake_id,))
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

        def tx(tx: Tx) -> None:
            row = self._locked(tx, intake_id, "status, answers")
            if row["status"] != "in_progress" and reason is None:
                raise StoreError(f"intake {intake_id} is {row['status']}: changing an answer needs a reason")
            current = dict(row["answers"] or {})
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
            if row["status"] == "completed" and events:
                values["status"] = "amended"
            tx.update("intakes", values, "id = ?", (intake_id,))
            tx.insert_many("audit", events)

        self.run(tx, write=True)

    def set_position(self, intake_id: int, item_id: str | None) -> None:
        """Remember where the intake was left, for resuming."""
        self._update(intake_id, position=item_id)

    def mark_emergency(self, intake_id: int) -> None:
        """An emergency sign was answered yes: the intake is flagged before it is complete."""
        self._update(intake_id, emergency=True, urgency="emergency")

    def withdraw_emergency(self, intake_id: int) -> None:
        """Every emergency sign was answered back to no: the intake's urgency is no longer known to be an
        emergency (it is set again at completion). `emergency` stays true: a sign was reported at some point,
        and the answers' audit trail shows when it was withdrawn."""
        self._update(intake_id, urgency=None)

    def _update(self, intake_id: int, **values: Any) -> None:
        def tx(tx: Tx) -> None:
            if tx.update("intakes", dict(values, updated_at=utcnow()), "id = ?", (intake_id,)) == 0:
                raise NotFoundError(f"no intake {intake_id}")

        self.run(tx, write=True)

    def complete(self, intake_id: int, assessment: dict[str, Any]) -> Intake:
        """Store the Assessment JSON, its urgency and re-screen date; status becomes completed (or stays
        amended)."""
        urgency = assessment.get("urgency")
        self._rescreen(assessment, utcnow().date())  # reads the policy (the configuration) before the transaction

        def tx(tx: Tx) -> None:
            row = self._locked(tx, intake_id, "status, emergency, created_at")
            # counted from the visit's own (local) day: an imported visit of last year is due from then
            due, why = self._rescreen(assessment, local_day(row["created_at"]))
            tx.update("intakes", dict(
                assessment=assessment, urgency=urgency, emergency=bool(row["emergency"]) or urgency == "emergency",
                status="amended" if row["status"] == "amended" else "completed", updated_at=utcnow(),
                rescreen_due=due, rescreen_reason=why),
                "id = ?", (intake_id,))

        self.run(tx, write=True)
        return self.get_intake(intake_id)

    def get_intake(self, intake_id: int) -> Intake:
        """A whole intake, or NotFoundError; a damaged one raises DamagedRow (a StoreError) naming the field."""
        def tx(tx: Tx) -> dict[str, Any] | None:
            rows = tx.rows(f"{r.INTAKE_SELECT} WHERE i.id = ?", (intake_id,), None, "intake")
            return rows[0] if rows else None

        row = self.run(tx)
        if row is None:
            raise NotFoundError(f"no intake {intake_id}")
        try:
            return r.intake_from(row)
        except (TypeError, ValueError) as exc:  # a value of the wrong shape (answers that are not a mapping)
            damaged = DamagedRow(intake_id, "answers", "not a mapping of question id to answer")
            damaged.what = "intake"
            raise damaged from None

    def list_intakes(self, *, date: dt.date | None = None, status: Status | None = None,
                     dog: str | None = None, urgency: str | None = None,
                     limit: int = 200, damaged: list[Damaged] | None = None,
                     since: dt.datetime | None = None, until: dt.datetime | None = None) -> list[IntakeSummary]:
        """Newest first. `date` is a UTC calendar day of creation; `since` and `until` bound the creation time
        (aware datetimes: a local day's bounds; until excluded); `dog` matches part of the name, any case.
        A row that cannot be read is left out and noted in `damaged` when it is given (else DamagedRow)."""
        where: list[str] = []
        params: list[Any] = []

        def when(clause: str, *values: Any) -> None:
            where.append(clause)
            params.extend(values)

        if date is not None:
            start = dt.datetime.combine(date, dt.time(), dt.timezone.utc)
            when("i.created_at >= ? AND i.created_at < ?", start, start + dt.timedelta(days=1))
        if since is not None:
            when("i.created_at >= ?", since)
        if until is not None:
            when("i.created_at < ?", until)
        if status is not None:
            if status not in STATUSES:
                raise StoreError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
            when("i.status = ?", status)
        if urgency is not None:
            when("i.urgency = ?", urgency)

        def tx(tx: Tx) -> list[dict[str, Any]]:
            clauses, values = list(where), list(params)
            if dog:
                # Few matching dogs: fetch their intakes by dog id (index) instead of letting the planner walk
                # every intake newest first testing the name; many matching dogs: that walk ends soon anyway.
                pattern = _like(dog)
                ids = [row["id"] for row in tx.rows(f"SELECT id FROM dogs WHERE {LIKE} LIMIT ?",
                                                    (pattern, DOG_ID_LIST + 1))]
                if len(ids) > DOG_ID_LIST:
                    clauses.append(f"d.{LIKE}")
                    values.append(pattern)
                elif ids:
                    clauses.append(f"i.dog_id IN ({', '.join('?' * len(ids))})")
                    values.extend(ids)
                else:
                    return []
            sql = _summary_where(clauses) + " ORDER BY i.created_at DESC, i.id DESC LIMIT ?"
            return tx.rows(sql, [*(_bind(tx, v) for v in values), max(0, int(limit))], damaged, "intake")

        return [r.summary_from(row) for row in self.run(tx)]

    def dog_history(self, dog_id: int) -> list[IntakeSummary]:
        """Every intake of one dog, newest first."""
        self.get_dog(dog_id)
        rows = self.run(lambda tx: tx.rows(f"{r.SUMMARY_SELECT} WHERE i.dog_id = ? "
                                           "ORDER BY i.created_at DESC, i.id DESC", (dog_id,)))
        return [r.summary_from(row) for row in rows]

    def audit(self, intake_id: int, damaged: list[Damaged] | None = None) -> list[AuditEvent]:
        """Every answer change of one intake, oldest first (damaged events: see list_intakes)."""
        # the columns by name: a damaged file whose schema lost one is refused, not read as a row without it
        rows = self.run(lambda tx: tx.rows("SELECT id, intake_id, item_id, old_value, new_value, who, at, reason "
                                           "FROM audit WHERE intake_id = ? ORDER BY id", (intake_id,),
                                           damaged, "audit event"))
        return [r.audit_from(row) for row in rows]

    def check_integrity(self) -> None:
        """Refuse, with one line saying how to recover, a database file that fails its integrity check."""
        self._db.check_integrity()

    # -- invitations ----------------------------------------------------------------------------------------

    def add_invite(self, intake_id: int, code_hash: str, expires_at: dt.datetime) -> Invite:
        """Record an invitation (only the hash of its code)."""
        def tx(tx: Tx) -> int:
            self._locked(tx, intake_id, "id")
            return tx.insert("invites", dict(intake_id=intake_id, code_hash=code_hash, created_at=utcnow(),
                                             expires_at=expires_at, used=False, revoked=False, extra={}))

        invite_id = self.run(tx, write=True)
        return self._invite("id = ?", invite_id)  # type: ignore[return-value]

    def _invite(self, where: str, value: Any) -> Invite | None:
        row = self.run(lambda tx: tx.one(f"SELECT * FROM invites WHERE {where}", (value,)))
        return None if row is None else r.invite_from(row)

    def find_invite(self, code_hash: str) -> Invite | None:
        """The invitation with this code hash, if any."""
        return self._invite("code_hash = ?", code_hash)

    def list_invites(self) -> list[Invite]:
        """Every invitation, oldest first."""
        return [r.invite_from(row) for row in self.run(lambda tx: tx.rows("SELECT * FROM invites ORDER BY id"))]

    def revoke_invite(self, invite_id: int) -> None:
        """Revoke an invitation."""
        self._set_invite(invite_id, revoked=True)

    def use_invite(self, invite_id: int) -> None:
        """Mark an invitation used."""
        self._set_invite(invite_id, used=True)

    def invited_intakes(self, limit: int = 500) -> list[tuple[Invite, IntakeSummary, int]]:
        """Each intake that has an invitation, newest first, with its first invitation (where the web form
        keeps the owner's progress marks) and how many questions it has answered: the desk's and `intakes
        list`'s view of owners at home, in one read."""
        first = "SELECT MIN(w.id) FROM invites w GROUP BY w.intake_id"

        def tx(tx: Tx) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            invites = tx.rows(f"SELECT * FROM invites WHERE id IN ({first}) ORDER BY intake_id DESC LIMIT ?",
                              (max(0, int(limit)),))
            ids = [row["intake_id"] for row in invites]
            if not ids:
                return invites, []
            intakes = tx.rows(f"SELECT {r.SUMMARY_COLUMNS}, i.answers FROM intakes i JOIN dogs d ON i.dog_id = d.id "
                              f"WHERE i.id IN ({', '.join('?' * len(ids))})", ids)
            return invites, intakes

        invites, intakes = self.run(tx)
        by_id = {row["id"]: row for row in intakes}
        out = []
        for row in invites:
            intake = by_id.get(row["intake_id"])
            if intake is None:
                continue
            answered = sum(1 for v in (intake["answers"] or {}).values() if v is not None)
            out.append((r.invite_from(row), r.summary_from({k: intake[k] for k in r.SUMMARY_FIELDS}), answered))
        return out

    def mark_seen(self, intake_id: int, who: str, note: str = "red flag reported from home seen") -> None:
        """A member of staff has seen the red flag an owner reported from home: marked on the intake's first
        invitation (`extra.web.seen`, so the desk stops putting it first) and recorded in the audit trail with
        who and when, in one transaction."""
        who = " ".join((who or "").split())[:200] or "staff"

        def tx(tx: Tx) -> None:
            self._locked(tx, intake_id, "id")
            row = tx.one("SELECT id, extra FROM invites WHERE intake_id = ? ORDER BY id LIMIT 1"
                         + tx.dialect.for_update, (intake_id,))
            now = utcnow()
            if row is not None:
                extra = dict(row["extra"] or {})
                web = dict(extra.get("web") or {})
                web["seen"] = {"by": who, "at": now.isoformat(timespec="seconds")}
                extra["web"] = web
                tx.update("invites", {"extra": extra}, "id = ?", (row["id"],))
            tx.insert("audit", dict(intake_id=intake_id, item_id="emergency_seen", old_value=None,
                                    new_value=True, who=who, at=now, reason=note))

        self.run(tx, write=True)

    def _set_invite(self, invite_id: int, **values: Any) -> None:
        def tx(tx: Tx) -> None:
            if tx.update("invites", values, "id = ?", (invite_id,)) == 0:
                raise NotFoundError(f"no invitation {invite_id}")

        self.run(tx, write=True)


class AmbiguousDog(StoreError):
    """Several dogs have the name given: the caller must say which (by id) or rename one."""

    def __init__(self, name: str, ids: list[int]) -> None:
        self.name, self.ids = name, ids
        super().__init__(f"{len(ids)} dogs are named {name!r} (ids {', '.join(map(str, ids))}): rename all but "
                         "one with `vettriage dogs rename ID NEW-NAME` (see `vettriage dogs list`)")


# A visit is the dog's last when no later completed visit exists: one probe of ix_intakes_visits per row read.
_LAST_VISIT = ("NOT EXISTS (SELECT 1 FROM intakes j WHERE j.dog_id = i.dog_id AND j.status IN ('completed', "
               "'amended') AND (j.created_at > i.created_at OR (j.created_at = i.created_at AND j.id > i.id)))")
_DUE_COLUMNS = (", ".join(f"d.{c} AS dog_{c}" for c in r.DOG_COLUMNS)
                + ", i.id AS intake_id, i.created_at, i.rescreen_due, i.rescreen_reason, i.urgency, i.lost_at, "
                "i.lost_by, i.lost_reason")
# The dog's last visit: rescreen_due is set only on completed visits, and `status <> 'in_progress'` (the same
# rows) is a test no index serves, so the planner walks ix_intakes_rescreen in due order without statistics.
_DUE_FROM = f"SELECT {_DUE_COLUMNS} FROM intakes i JOIN dogs d ON d.id = i.dog_id WHERE i.rescreen_due <= ? "
_DUE_LAST = f"AND i.status <> 'in_progress' AND {_LAST_VISIT}"


def due_statements(*, on: Any, cutoff: Any = None, limit: int | None = None, lost: bool = False,
                   after: tuple[Any, int] | None = None,
                   below: Any = None) -> tuple[tuple[str, list[Any]], tuple[str, list[Any]]]:
    """The due list's page and its counts as (sql, params) pairs, with dates already in the driver's shape:
    the page walks the re-screen index from the cut-off (or the start) in (due, id) order and stops after
    `limit` last visits; the counts go once over the dogs (each dog's last visit by one probe). `below`: only
    the visits due before that day (the overdue past the cut-off that the list leaves out). Shared with
    bench/desk.py, whose floor runs the same statements through the bare driver."""
    sql, params = _DUE_FROM, [on]
    if cutoff is not None:
        sql += "AND i.rescreen_due >= ? "
        params.append(cutoff)
    if below is not None:
        sql += "AND i.rescreen_due < ? "
        params.append(below)
    if after is not None:  # keyset: the rows after the last one shown, still an index range
        sql += "AND i.rescreen_due >= ? AND NOT (i.rescreen_due = ? AND i.id <= ?) "
        params += [after[0], after[0], after[1]]
    if not lost:
        sql += "AND i.lost_at IS NULL "
    sql += _DUE_LAST + " ORDER BY i.rescreen_due, i.id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(max(0, int(limit)))
    counts = ("SELECT SUM(CASE WHEN i.lost_at IS NULL AND i.rescreen_due >= ? THEN 1 ELSE 0 END) AS due, "
              "SUM(CASE WHEN i.lost_at IS NULL AND i.rescreen_due < ? THEN 1 ELSE 0 END) AS overdue, "
              "SUM(CASE WHEN i.lost_at IS NOT NULL THEN 1 ELSE 0 END) AS lost "
              "FROM dogs e JOIN intakes i ON i.id = (SELECT j.id FROM intakes j WHERE j.dog_id = e.id "
              "AND j.status IN ('completed', 'amended') ORDER BY j.created_at DESC, j.id DESC LIMIT 1) "
              "WHERE i.rescreen_due <= ?")
    low = cutoff if cutoff is not None else "0001-01-01"
    return (sql, params), (counts, [low, low, on])


def lost_statement(*, on: Any, limit: int | None = None,
                   after: tuple[Any, int] | None = None) -> tuple[str, list[Any]]:
    """The lost dogs' page as (sql, params), values in the driver's shape: it walks the partial index
    ix_intakes_lost (schema 5: the marked visits only) backwards from the mark before `after` = (lost_at, id)
    and keeps a marked visit that is its dog's last and due by `on`. So a page reads the marks, never the
    visits: its cost grows with the marks walked, not with the store. The keyset is one range on the index
    (`<=` and a `NOT`): written as an OR, SQLite collects every older mark (MULTI-INDEX OR) and sorts
    them. Shared with bench/desk.py's floor and tests/store/test_left_out.py's plan check."""
    sql, params = _DUE_FROM + "AND i.lost_at IS NOT NULL ", [on]
    if after is not None:
        sql += "AND i.lost_at <= ? AND NOT (i.lost_at = ? AND i.id >= ?) "
        params += [after[0], after[0], after[1]]
    sql += _DUE_LAST + " ORDER BY i.lost_at DESC, i.id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(max(0, int(limit)))
    return sql, params


DUE_SELECT = due_statements(on="?", lost=True)[0][0]
"""Every dog due by one day (one parameter), lost ones included: the whole list, for benches."""


def _due_dog(row: dict[str, Any]) -> DueDog:
    """A row of the due statements (_DUE_COLUMNS) as a DueDog."""
    return DueDog(dog=r.dog_from(row, "dog_"), intake_id=row["intake_id"], last_visit=row["created_at"],
                  due=row["rescreen_due"], reason=row["rescreen_reason"], urgency=row["urgency"],
                  lost_at=row["lost_at"], lost_by=row["lost_by"], lost_reason=row["lost_reason"])


def _summary_where(clauses: list[str]) -> str:
    return r.SUMMARY_SELECT + (" WHERE " + " AND ".join(clauses) if clauses else "")


def _bind(tx: Tx, value: Any) -> Any:
    """A filter value in the driver's shape (the date range compares against stored datetimes)."""
    return tx.dialect.dump("ts", value) if isinstance(value, dt.datetime) else value
