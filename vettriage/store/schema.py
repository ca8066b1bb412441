"""The tables as they are at the current schema version, declared as data: each column's name and kind.

The kinds say how a value crosses the driver boundary (vettriage.store.db) and which SQL type a migration
declares; the tables themselves are created and changed only by `vettriage.store.migrations`, and a test
checks that a migrated database has exactly the columns declared here.
"""

from __future__ import annotations

SCHEMA_VERSION = 5
APP_ID = "vettriage"

# Column kinds: pk (integer id), int, float, text, text:N (a bounded string), date, ts (aware UTC datetime),
# bool, json (any JSON value; None is SQL NULL).
TABLES: dict[str, dict[str, str]] = {
    "vettriage_meta": {"key": "text:64", "value": "text:256"},
    "dogs": {
        "id": "pk", "name": "text:200", "breed_or_size": "text:200", "birth_date": "date", "age_years": "float",
        "sex": "text:40", "owner_name": "text:200", "owner_contact": "text:400", "created_at": "ts",
        # v2: the name folded to lower case (Python's, not SQL's ASCII-only lower()) for case-blind search.
        "name_key": "text:200",
        # v3: the clinic's chart number (unique when given) and the owner's phone; `age_years` is the age at
        # the first visit (with `created_at`, the age today) when no birth date is known.
        "chart": "text:64", "owner_phone": "text:40",
    },
    "intakes": {
        "id": "pk", "dog_id": "int", "by": "text:200", "mode": "text:10", "status": "text:20",
        "urgency": "text:20", "emergency": "bool", "created_at": "ts", "updated_at": "ts",
        "content_version": "text:64", "content_hash": "text:128", "answers": "json", "position": "text:200",
        "assessment": "json",
        # v3: when this completed intake says the dog should be screened again, and why (vettriage.followup).
        "rescreen_due": "date", "rescreen_reason": "text:200",
        # v4: a completed intake whose re-screen the clinic has given up on (the dog lost to follow-up): when,
        # by whom and why. Kept on the visit, not the dog: the dog's next visit replaces it, and the mark with it.
        # The audit trail holds every mark and undo (item `lost_to_follow_up`); these columns index the last.
        # v5: no column; the partial index ix_intakes_lost (lost_at, id) WHERE lost_at IS NOT NULL.
        "lost_at": "ts", "lost_by": "text:200", "lost_reason": "text:400",
    },
    "audit": {
        "id": "pk", "intake_id": "int", "item_id": "text:200", "old_value": "json", "new_value": "json",
        "who": "text:200", "at": "ts", "reason": "text",
    },
    "invites": {
        "id": "pk", "intake_id": "int", "code_hash": "text:128", "created_at": "ts", "expires_at": "ts",
        "used": "bool", "revoked": "bool", "extra": "json",
    },
}

DOG_COLUMNS = ("id", "name", "breed_or_size", "birth_date", "age_years", "sex", "owner_name", "owner_contact",
               "chart", "owner_phone", "created_at")


def _kinds() -> dict[str, str]:
    """Result column name -> kind, for decoding rows: every table's columns, and the dog's columns as the
    intake query labels them (`dog_name`, `dog_birth_date`...). One name never means two kinds."""
    kinds: dict[str, str] = {}
    named = [(c, k) for t in TABLES.values() for c, k in t.items()]
    named += [(f"dog_{c}", TABLES["dogs"][c]) for c in DOG_COLUMNS]
    for column, kind in named:
        kind = "int" if kind == "pk" else kind.split(":")[0]
        assert kinds.setdefault(column, kind) == kind, f"column {column} has two kinds"
    return kinds


KINDS = _kinds()
