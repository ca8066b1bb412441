"""The export's audit-event template (store/eventtext.py) writes exactly what encoding the decoded event
writes, or gives the row to the generic way: never other bytes, never a damaged value let through."""

from __future__ import annotations

import json
import random

import pytest

from vettriage.store.db import DECODE_ERRORS, Sqlite
from vettriage.store.eventtext import EventText
from vettriage.store.import_workers import compact

LOAD = Sqlite.load.__get__(object.__new__(Sqlite))


def generic(row):
    """The event as transfer._trails decodes it, compact; None when a column cannot be decoded."""
    _, item_id, old, new, who, at, reason = row
    try:
        at = LOAD("ts", at)
        event = {"item_id": LOAD("text", item_id), "old_value": LOAD("json", old), "new_value": LOAD("json", new),
                 "who": LOAD("text", who), "at": None if at is None else at.isoformat(),
                 "reason": LOAD("text", reason)}
    except DECODE_ERRORS:
        return None
    return compact(event)


TIMES = ["2025-12-01 08:00:00.000000", "2025-12-01 08:00:05.120000", "1999-02-28 23:59:59.999999",
         "2025-02-30 08:00:00.000000", "2025-12-01 24:00:00.000000", "2025-W01-1 08:00:00.000000",
         "2025-12-01T08:00:00.000000", "2025-12-01 08:00:00", "2025-12-01 08:00:00.000000+02:00",
         "２０２５-12-01 08:00:00.000000", "", None, 5, b"2025-12-01 08:00:00.000000"]
VALUES = [None, '"yes"', '"caf\\u00e9"', '"\\ud83d\\ude00"', '"\\ud800"', '["a", "b"]', '{"x": [1, 2.5]}',
          "3", 3, 2.5, float("inf"), "NaN", "[", '"' + "x" * 100 + '"', '"\\u2028"', b"\x00", "1e999", "true"]
TEXTS = ["q_pain", "owner", "Zoë \u2028 \"quoted\"", "", None, 7, b"bytes", "\ufffd"]


@pytest.mark.parametrize("seed", range(4))
def test_the_template_writes_the_generic_bytes_or_leaves_the_row_to_it(seed):
    rng = random.Random(seed)
    events = EventText(lambda raw: LOAD("json", raw), compact)
    fast = 0
    for _ in range(4000):
        row = (1, rng.choice(TEXTS), rng.choice(VALUES), rng.choice(VALUES), rng.choice(TEXTS), rng.choice(TIMES),
               rng.choice(TEXTS))
        got, want = events.event(row), generic(row)
        if got is not None:
            fast += 1
            assert got == want, row
            assert json.loads(got)["at"].endswith("+00:00")
    assert fast > 100  # the template did take the usual rows


def test_a_damaged_value_is_never_remembered_as_good():
    events = EventText(lambda raw: LOAD("json", raw), compact)
    good = (1, "q", None, '"yes"', "owner", "2025-12-01 08:00:00.000000", None)
    assert events.event(good) == generic(good)
    for bad in ('"\\udc00"', "[1,", "NaN x"):
        row = (1, "q", None, bad, "owner", "2025-12-01 08:00:00.000000", None)
        assert events.event(row) is None and events.event(row) is None
        assert generic(row) is None
