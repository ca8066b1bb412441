"""Schema versions: each step takes a database from version N-1 to N inside the caller's write transaction.

A new database runs every step from 0, so the path an old database takes on upgrade is the path every test
database takes too. Steps are frozen: never edit one that has shipped, add the next.
"""

from __future__ import annotations

from typing import Callable

import sqlalchemy as sa

from vettriage.store import schema as s


def _v1_tables() -> sa.MetaData:
    """Version 1 as it shipped (dogs without `name_key`, no list indexes)."""
    m = sa.MetaData()
    sa.Table("vettriage_meta", m, sa.Column("key", sa.String(64), primary_key=True),
             sa.Column("value", sa.String(256), nullable=False))
    sa.Table("dogs", m, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("name", sa.String(200), nullable=False), sa.Column("breed_or_size", sa.String(200)),
             sa.Column("birth_date", sa.Date), sa.Column("age_years", sa.Float), sa.Column("sex", sa.String(40)),
             sa.Column("owner_name", sa.String(200)), sa.Column("owner_contact", sa.String(400)),
             sa.Column("created_at", s.UTCDateTime, nullable=False))
    sa.Table("intakes", m, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("dog_id", sa.Integer, sa.ForeignKey("dogs.id"), nullable=False),
             sa.Column("by", sa.String(200), nullable=False), sa.Column("mode", sa.String(10), nullable=False),
             sa.Column("status", sa.String(20), nullable=False), sa.Column("urgency", sa.String(20)),
             sa.Column("emergency", sa.Boolean, nullable=False),
             sa.Column("created_at", s.UTCDateTime, nullable=False),
             sa.Column("updated_at", s.UTCDateTime, nullable=False),
             sa.Column("content_version", sa.String(64), nullable=False),
             sa.Column("content_hash", sa.String(128), nullable=False),
             sa.Column("answers", sa.JSON, nullable=False), sa.Column("position", sa.String(200)),
             sa.Column("assessment", sa.JSON(none_as_null=True)))
    sa.Table("audit", m, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("intake_id", sa.Integer, sa.ForeignKey("intakes.id"), nullable=False),
             sa.Column("item_id", sa.String(200), nullable=False), sa.Column("old_value", sa.JSON),
             sa.Column("new_value", sa.JSON), sa.Column("who", sa.String(200), nullable=False),
             sa.Column("at", s.UTCDateTime, nullable=False), sa.Column("reason", sa.Text),
             sa.Index("ix_audit_intake", "intake_id"))
    sa.Table("invites", m, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("intake_id", sa.Integer, sa.ForeignKey("intakes.id"), nullable=False),
             sa.Column("code_hash", sa.String(128), nullable=False, unique=True),
             sa.Column("created_at", s.UTCDateTime, nullable=False),
             sa.Column("expires_at", s.UTCDateTime, nullable=False),
             sa.Column("used", sa.Boolean, nullable=False), sa.Column("revoked", sa.Boolean, nullable=False),
             sa.Column("extra", sa.JSON, nullable=False))
    return m


def _to_v1(conn: sa.Connection) -> None:
    _v1_tables().create_all(conn)
    conn.execute(sa.insert(s.meta), [{"key": "app", "value": s.APP_ID}, {"key": "schema_version", "value": "1"}])


def _to_v2(conn: sa.Connection) -> None:
    """Case-blind dog search key, and indexes for list and search over many intakes."""
    conn.execute(sa.text("ALTER TABLE dogs ADD COLUMN name_key VARCHAR(200)"))
    rows = conn.execute(sa.select(s.dogs.c.id, s.dogs.c.name)).all()
    if rows:
        conn.execute(sa.update(s.dogs).where(s.dogs.c.id == sa.bindparam("b_id")).values(name_key=sa.bindparam("k")),
                     [{"b_id": i, "k": n.casefold()} for i, n in rows])
    for ix in (sa.Index("ix_dogs_name_key", s.dogs.c.name_key),
               sa.Index("ix_intakes_created", s.intakes.c.created_at, s.intakes.c.id),
               sa.Index("ix_intakes_status", s.intakes.c.status, s.intakes.c.created_at),
               sa.Index("ix_intakes_urgency", s.intakes.c.urgency, s.intakes.c.created_at),
               sa.Index("ix_intakes_dog", s.intakes.c.dog_id, s.intakes.c.created_at)):
        ix.create(conn)


STEPS: dict[int, Callable[[sa.Connection], None]] = {1: _to_v1, 2: _to_v2}
assert max(STEPS) == s.SCHEMA_VERSION


def current_version(conn: sa.Connection) -> int:
    """The schema version recorded in `vettriage_meta` (0 when the table does not exist yet)."""
    if not sa.inspect(conn).has_table("vettriage_meta"):
        return 0
    value = conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == "schema_version")).scalar()
    return int(value) if value is not None else 0


def migrate(conn: sa.Connection, target: int = s.SCHEMA_VERSION) -> int:
    """Run the steps after the recorded version up to `target`; returns the version before. Call in a write
    transaction: the steps and the version stamp commit together or not at all."""
    before = current_version(conn)
    for version in range(before + 1, target + 1):
        STEPS[version](conn)
        conn.execute(sa.update(s.meta).where(s.meta.c.key == "schema_version").values(value=str(version)))
    return before
