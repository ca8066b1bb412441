"""Intake records that never lose an answer: `open_store(url)` gives a Store (see vettriage.store.api).

The drivers are imported inside open_store, so importing this package stays cheap for the UI.
"""

from __future__ import annotations

import os
TYPE_CHECKING = False  # typing is for the type checker only (~2 ms at start-up)

from vettriage.store.api import NotFoundError, Store, StoreError

if TYPE_CHECKING:
    from vettriage.store.sqlstore import SqlStore

__all__ = ["NotFoundError", "Store", "StoreError", "open_store"]


def open_store(url: str | os.PathLike[str] | None = None) -> "SqlStore":
    """Open (creating or upgrading if needed) the database at `url`: a file path or sqlite:/// URL means SQLite,
    postgresql+psycopg://... means PostgreSQL; None means $VETTRIAGE_DATABASE_URL, else vettriage.db in the
    user's data directory. A foreign, corrupt or newer database raises StoreError and is not touched."""
    from vettriage.store import backend, migrations, schema
    from vettriage.store.db import Tx
    from vettriage.store.sqlstore import SqlStore

    full = backend.resolve_url(url)
    if full.startswith("sqlite"):
        backend.check_sqlite_file(backend.sqlite_path(full))
    store = SqlStore(backend.make_database(full))
    shown = store.url

    def check(tx: Tx) -> bool:
        """Refuse a foreign or newer database; True when it needs creating or upgrading."""
        tables = tx.dialect.table_names(tx)
        if tables and "vettriage_meta" not in tables:
            raise StoreError(f"{shown}: not a vettriage database (it holds other tables: "
                             f"{', '.join(sorted(tables)[:3])}); it was left untouched")
        if "vettriage_meta" in tables:
            meta = {row["key"]: row["value"] for row in tx.rows('SELECT "key", "value" FROM vettriage_meta')}
            backend.check_meta(shown, meta, schema.APP_ID, schema.SCHEMA_VERSION)
        return migrations.current_version(tx) < schema.SCHEMA_VERSION

    def prepare(tx: Tx) -> None:
        if store.dialect == "postgresql":
            # Two processes opening a new database at once: one migrates, the other waits and then sees it done.
            tx.execute("SELECT pg_advisory_xact_lock(7410542)")
        check(tx)
        migrations.migrate(tx)

    try:
        # Read first: a database at the current version is opened without the write lock, so that `intakes
        # list` works while another program holds it (it waited for the lock before, and gave up after minutes).
        if store.run(check):
            store.run(prepare, write=True)
    except StoreError:
        store.close()
        raise
    return store
