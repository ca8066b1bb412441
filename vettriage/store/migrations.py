"""Schema versions: each step takes a database from version N-1 to N inside the caller's write transaction.

A new database runs every step from 0, so the path an old database takes on upgrade is the path every test
database takes too. Steps are frozen: never edit one that has shipped, add the next. (Version 1 shipped as
SQLAlchemy's DDL for the declaration below; the DDL written here creates the same tables and types.)
"""

from __future__ import annotations


from vettriage.store import schema as s
from vettriage.store.db import Tx

TYPE_CHECKING = False  # typing costs ~2 ms at start-up: only the type checker reads these names
if TYPE_CHECKING:
    from typing import Callable

# Version 1 as it shipped: dogs without `name_key`, no list indexes. (table, columns, constraints)
_V1: tuple[tuple[str, dict[str, str], tuple[str, ...]], ...] = (
    ("vettriage_meta", {"key": "text:64 NOT NULL", "value": "text:256 NOT NULL"}, ('PRIMARY KEY ("key")',)),
    ("dogs", {"id": "pk", "name": "text:200 NOT NULL", "breed_or_size": "text:200", "birth_date": "date",
              "age_years": "float", "sex": "text:40", "owner_name": "text:200", "owner_contact": "text:400",
              "created_at": "ts NOT NULL"}, ("PRIMARY KEY (id)",)),
    ("intakes", {"id": "pk", "dog_id": "int NOT NULL", "by": "text:200 NOT NULL", "mode": "text:10 NOT NULL",
                 "status": "text:20 NOT NULL", "urgency": "text:20", "emergency": "bool NOT NULL",
                 "created_at": "ts NOT NULL", "updated_at": "ts NOT NULL",
                 "content_version": "text:64 NOT NULL", "content_hash": "text:128 NOT NULL",
                 "answers": "json NOT NULL", "position": "text:200", "assessment": "json"},
     ("PRIMARY KEY (id)", "FOREIGN KEY(dog_id) REFERENCES dogs (id)")),
    ("audit", {"id": "pk", "intake_id": "int NOT NULL", "item_id": "text:200 NOT NULL", "old_value": "json",
               "new_value": "json", "who": "text:200 NOT NULL", "at": "ts NOT NULL", "reason": "text"},
     ("PRIMARY KEY (id)", "FOREIGN KEY(intake_id) REFERENCES intakes (id)")),
    ("invites", {"id": "pk", "intake_id": "int NOT NULL", "code_hash": "text:128 NOT NULL",
                 "created_at": "ts NOT NULL", "expires_at": "ts NOT NULL", "used": "bool NOT NULL",
                 "revoked": "bool NOT NULL", "extra": "json NOT NULL"},
     ("PRIMARY KEY (id)", "UNIQUE (code_hash)", "FOREIGN KEY(intake_id) REFERENCES intakes (id)")),
)


def _column_type(tx: Tx, spec: str) -> str:
    """`text:200 NOT NULL` -> `VARCHAR(200) NOT NULL` (or the dialect's type for the kind)."""
    kind, _, rest = spec.partition(" ")
    base, _, size = kind.partition(":")
    sql = f"VARCHAR({size})" if size else tx.dialect.types[base]
    if base == "pk":
        rest = "NOT NULL"
    return f"{sql} {rest}".strip()


def _create(tx: Tx, table: str, columns: dict[str, str], constraints: tuple[str, ...]) -> None:
    parts = [f'"{name}" {_column_type(tx, spec)}' for name, spec in columns.items()] + list(constraints)
    tx.execute(f"CREATE TABLE {table} ({', '.join(parts)})")


def _to_v1(tx: Tx) -> None:
    for table, columns, constraints in _V1:
        _create(tx, table, columns, constraints)
    tx.execute("CREATE INDEX ix_audit_intake ON audit (intake_id)")
    tx.executemany('INSERT INTO vettriage_meta ("key", "value") VALUES (?, ?)',
                   [("app", s.APP_ID), ("schema_version", "1")])


def _to_v2(tx: Tx) -> None:
    """Case-blind dog search key, and indexes for list and search over many intakes."""
    tx.execute("ALTER TABLE dogs ADD COLUMN name_key VARCHAR(200)")
    rows = tx.rows("SELECT id, name FROM dogs")
    if rows:
        tx.executemany("UPDATE dogs SET name_key = ? WHERE id = ?", [(r["name"].casefold(), r["id"]) for r in rows])
    for index, table, columns in (("ix_dogs_name_key", "dogs", "name_key"),
                                  ("ix_intakes_created", "intakes", "created_at, id"),
                                  ("ix_intakes_status", "intakes", "status, created_at"),
                                  ("ix_intakes_urgency", "intakes", "urgency, created_at"),
                                  ("ix_intakes_dog", "intakes", "dog_id, created_at")):
        tx.execute(f"CREATE INDEX {index} ON {table} ({columns})")


# Frozen with step 3: intakes completed before re-screen dates existed get the routine senior interval from
# their completion (product heuristic; vettriage.config.RescreenPolicy holds today's values, this stays).
_V3_ROUTINE_DAYS = 182


def _to_v3(tx: Tx) -> None:
    """Follow-up visits (issue 16): the dog's chart number (unique when given) and owner's phone, and each
    completed intake's re-screen date, with the routine interval filled in for the intakes already stored."""
    import datetime as dt

    for column, sql_type in (("chart", "VARCHAR(64)"), ("owner_phone", "VARCHAR(40)")):
        tx.execute(f"ALTER TABLE dogs ADD COLUMN {column} {sql_type}")
    tx.execute("ALTER TABLE intakes ADD COLUMN rescreen_due DATE")
    tx.execute("ALTER TABLE intakes ADD COLUMN rescreen_reason VARCHAR(200)")
    # NULLs never collide in a unique index (SQLite and PostgreSQL alike): dogs without a chart are many.
    tx.execute("CREATE UNIQUE INDEX ux_dogs_chart ON dogs (chart)")
    tx.execute("CREATE INDEX ix_intakes_rescreen ON intakes (rescreen_due)")
    # A dog's visits (completed intakes), newest first, straight from the index: `dogs show`, and the last
    # visit of each dog for `dogs due` (83 ms over 100,000 intakes and 20,000 dogs, against 240 ms without).
    tx.execute("CREATE INDEX ix_intakes_visits ON intakes (dog_id, created_at, id) "
               "WHERE status IN ('completed', 'amended')")
    rows = tx.rows("SELECT id, updated_at FROM intakes WHERE status IN ('completed', 'amended')")
    if rows:
        reason = "routine senior re-check (product heuristic; set when the database was upgraded)"
        tx.executemany("UPDATE intakes SET rescreen_due = ?, rescreen_reason = ? WHERE id = ?",
                       [(tx.dialect.dump("date", r["updated_at"].date() + dt.timedelta(days=_V3_ROUTINE_DAYS)),
                         reason, r["id"]) for r in rows])


def _to_v4(tx: Tx) -> None:
    """Lost to follow-up (issue 30): the mark on a dog's last visit that takes it off the due list. No intake
    is marked by the upgrade; the due list's statements use the indexes of step 3."""
    tx.execute(f"ALTER TABLE intakes ADD COLUMN lost_at {tx.dialect.types['ts']}")
    tx.execute("ALTER TABLE intakes ADD COLUMN lost_by VARCHAR(200)")
    tx.execute("ALTER TABLE intakes ADD COLUMN lost_reason VARCHAR(400)")


def _to_v5(tx: Tx) -> None:
    """An index of the lost marks (issue 30): the desk's `o` list reads the lost dogs latest mark first, a page
    at a time. Without it a page read every visit due by the day (0.2-0.3 s over 100,000 intakes); partial, so it
    holds only the marked visits (a handful beside the visits) and costs nothing to the intakes never marked."""
    tx.execute("CREATE INDEX ix_intakes_lost ON intakes (lost_at, id) WHERE lost_at IS NOT NULL")


STEPS: dict[int, Callable[[Tx], None]] = {1: _to_v1, 2: _to_v2, 3: _to_v3, 4: _to_v4, 5: _to_v5}
assert max(STEPS) == s.SCHEMA_VERSION


def current_version(tx: Tx) -> int:
    """The schema version recorded in `vettriage_meta` (0 when the table does not exist yet)."""
    if "vettriage_meta" not in tx.dialect.table_names(tx):
        return 0
    value = tx.scalar("SELECT value FROM vettriage_meta WHERE \"key\" = 'schema_version'")
    return int(value) if value is not None else 0


def migrate(tx: Tx, target: int = s.SCHEMA_VERSION) -> int:
    """Run the steps after the recorded version up to `target`; returns the version before. Call in a write
    transaction: the steps and the version stamp commit together or not at all."""
    before = current_version(tx)
    for version in range(before + 1, target + 1):
        STEPS[version](tx)
        tx.execute("UPDATE vettriage_meta SET value = ? WHERE \"key\" = 'schema_version'", (str(version),))
    return before
