"""Intake records that never lose an answer: `open_store(url)` gives a Store (see vettriage.store.api).

SQLAlchemy is imported inside open_store, so importing this package stays cheap for the UI.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from vettriage.store.api import NotFoundError, Store, StoreError

if TYPE_CHECKING:
    from vettriage.store.sqlstore import SqlStore

__all__ = ["NotFoundError", "Store", "StoreError", "open_store"]


def open_store(url: str | os.PathLike[str] | None = None) -> "SqlStore":
    """Open (creating or upgrading if needed) the database at `url`: a file path or sqlite:/// URL means SQLite,
    postgresql+psycopg://... means PostgreSQL; None means $VETTRIAGE_DATABASE_URL, else vettriage.db in the
    user's data directory. A foreign, corrupt or newer database raises StoreError and is not touched."""
    import sqlalchemy as sa

    from vettriage.store import backend, migrations, schema
    from vettriage.store.sqlstore import SqlStore

    full = backend.resolve_url(url)
    shown = backend.display_url(full)
    if full.startswith("sqlite"):
        backend.check_sqlite_file(backend.sqlite_path(full))
    try:
        engine = backend.make_engine(full)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise StoreError(f"{shown}: unusable database URL ({exc})") from None
    store = SqlStore(engine, shown)

    def prepare(conn: sa.Connection) -> None:
        if store.dialect == "postgresql":
            # Two processes opening a new database at once: one migrates, the other waits and then sees it done.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(7410542)"))
        tables = set(sa.inspect(conn).get_table_names())
        if tables and "vettriage_meta" not in tables:
            raise StoreError(f"{shown}: not a vettriage database (it holds other tables: "
                             f"{', '.join(sorted(tables)[:3])}); it was left untouched")
        if "vettriage_meta" in tables:
            meta = dict(conn.execute(sa.select(schema.meta.c.key, schema.meta.c.value)).all())
            backend.check_meta(shown, meta, schema.APP_ID, schema.SCHEMA_VERSION)
        migrations.migrate(conn)

    try:
        store.run(prepare, write=True)
    except sa.exc.SQLAlchemyError as exc:  # e.g. cannot connect to the server
        engine.dispose()
        raise StoreError(f"{shown}: cannot open the database ({' '.join(str(exc).split())[:300]})") from None
    except StoreError:
        engine.dispose()
        raise
    return store
