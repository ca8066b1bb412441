"""The tables as they are at the current schema version (what the queries use), and the UTC datetime type.

The tables are created and changed only by `vettriage.store.migrations`; a test checks that a migrated database
has exactly the columns declared here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

SCHEMA_VERSION = 2
APP_ID = "vettriage"


class UTCDateTime(sa.types.TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on every backend.

    SQLite keeps no zone and returns naive values; PostgreSQL's timestamptz would read a naive value in the
    session's zone. So a naive value is refused on the way in, and a naive value read back is UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store: use an aware UTC datetime")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


metadata = sa.MetaData()

meta = sa.Table(
    "vettriage_meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(256), nullable=False),
)

dogs = sa.Table(
    "dogs", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("breed_or_size", sa.String(200)),
    sa.Column("birth_date", sa.Date),
    sa.Column("age_years", sa.Float),
    sa.Column("sex", sa.String(40)),
    sa.Column("owner_name", sa.String(200)),
    sa.Column("owner_contact", sa.String(400)),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # v2: the name folded to lower case (Python's, not SQL's ASCII-only lower()) for case-blind search.
    sa.Column("name_key", sa.String(200)),
)

intakes = sa.Table(
    "intakes", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("dog_id", sa.Integer, sa.ForeignKey("dogs.id"), nullable=False),
    sa.Column("by", sa.String(200), nullable=False),
    sa.Column("mode", sa.String(10), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("urgency", sa.String(20)),
    sa.Column("emergency", sa.Boolean, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("content_version", sa.String(64), nullable=False),
    sa.Column("content_hash", sa.String(128), nullable=False),
    sa.Column("answers", sa.JSON, nullable=False),
    sa.Column("position", sa.String(200)),
    sa.Column("assessment", sa.JSON(none_as_null=True)),
)

audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("intake_id", sa.Integer, sa.ForeignKey("intakes.id"), nullable=False),
    sa.Column("item_id", sa.String(200), nullable=False),
    sa.Column("old_value", sa.JSON),
    sa.Column("new_value", sa.JSON),
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("reason", sa.Text),
)

invites = sa.Table(
    "invites", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("intake_id", sa.Integer, sa.ForeignKey("intakes.id"), nullable=False),
    sa.Column("code_hash", sa.String(128), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("used", sa.Boolean, nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False),
    sa.Column("extra", sa.JSON, nullable=False),
)

TABLES = ("vettriage_meta", "dogs", "intakes", "audit", "invites")
