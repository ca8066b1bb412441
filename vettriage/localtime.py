"""Times as people read them: the clinic's local time, with its zone named.

The store keeps every time in UTC (it is compared and sorted across machines); everything a person reads (the
desk, listings, `intakes show`, documents, visit dates) is in the machine's local time zone, and a calendar day
is the local day: an intake at 00:30 in UTC+1 belongs to today, not to yesterday's UTC day. JSON outputs write
times with their UTC offset and name the zone they are in. No third-party imports: this runs on start-up paths.
"""

from __future__ import annotations

import datetime as dt
import os

TYPE_CHECKING = False  # typing costs ~2 ms at start-up: only the type checker reads these names
if TYPE_CHECKING:
    from typing import Any

UTC = dt.timezone.utc


def local(when: dt.datetime) -> dt.datetime:
    """`when` in the local zone (a naive time is a stored UTC one)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone()


def local_day(when: dt.datetime) -> dt.date:
    """The local calendar day of a stored (UTC) time."""
    return local(when).date()


def today() -> dt.date:
    """Today's local calendar day."""
    return dt.datetime.now().astimezone().date()


def stamp(when: dt.datetime | None, zone: bool = True) -> str:
    """`2026-12-07 18:21 CET`: a stored time in local time, to the minute, with the zone's abbreviation."""
    if when is None:
        return "-"
    t = local(when)
    return t.strftime("%Y-%m-%d %H:%M") + (f" {t.tzname()}" if zone and t.tzname() else "")


def iso(when: dt.datetime | None) -> str | None:
    """ISO 8601 in local time with its UTC offset (`2026-12-07T18:21:00.5+01:00`), for JSON."""
    return None if when is None else local(when).isoformat()


def zone_name() -> str:
    """The local zone's name: `$TZ` or the system's zone (an IANA name such as Europe/Paris) when known, else
    its abbreviation (CET, UTC)."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and "/" in tz or tz in ("UTC", "GMT"):
        return tz
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target and not tz:
            return target.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    return dt.datetime.now().astimezone().tzname() or tz or "local"


def intakes_of_day(store: Any, day: dt.date, limit: int | None = None, **filters: Any) -> list[Any]:
    """The intakes started on local day `day` (with the store's other filters), newest first. The store
    filters by UTC day, so the neighbouring UTC days are read too and each intake is placed by its local day."""
    rows: dict[int, Any] = {}
    for d in (day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)):
        for r in store.list_intakes(date=d, limit=100_000, **filters):
            rows[r.id] = r
    found = sorted((r for r in rows.values() if local_day(r.created_at) == day),
                   key=lambda r: (r.created_at, r.id), reverse=True)
    return found if limit is None else found[:max(0, limit)]
