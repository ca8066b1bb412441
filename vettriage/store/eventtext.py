"""An export's audit events written straight from the driver's row tuples: millions of them in a big store,
each still checked as the generic decoding checks it (text columns hold text, the time is a real date and
time, each JSON value reads back and holds no lone surrogate), but encoded by a template of its own columns
instead of decoded into a dict and encoded again. A row of any other shape gives None and goes the generic
way (transfer._trails), so the bytes are always exactly `compact(event)` (tests/store/test_eventtext.py
compares the two on many made-up and damaged rows)."""

from __future__ import annotations

import datetime as dt
import re
from json.encoder import encode_basestring
from typing import Any, Callable, Sequence

# The store writes times as "%Y-%m-%d %H:%M:%S.%f" (db.Sqlite.dump): for exactly that layout (ASCII digits:
# fromisoformat also reads week dates and other forms), isoformat prints back the same digits, without the
# fraction when it is zero, so the text can be cut instead of formatted.
_STORED_TS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}").fullmatch
_MEMO_TEXT = 64
"""JSON texts up to this length have their encoding remembered: answer values repeat (an option id, a
number, yes or no), a check is a pure function of the stored text, and a failure is never remembered."""
_MEMO_SIZE = 4096
_read_time = dt.datetime.fromisoformat  # looked up once: it runs once per event


class EventText:
    """`event(row)`: the compact JSON text of one audit row (intake_id first), or None for the generic way."""

    def __init__(self, load_json: Callable[[Any], Any], compact: Callable[[Any], str]) -> None:
        self._load_json = load_json
        self._compact = compact
        # keyed by the stored text only (a number 3 and 3.0 are equal keys, and write apart: never kept here)
        self._json: dict[Any, str] = {}
        self._names: dict[Any, str] = {}

    def _value(self, raw: Any) -> str | None:
        if raw is None:
            return "null"
        if type(raw) is str:
            got = self._json.get(raw)
            if got is None:
                got = self._compact(self._load_json(raw))  # raises on a damaged value: the caller goes generic
                if len(raw) <= _MEMO_TEXT and len(self._json) < _MEMO_SIZE:
                    self._json[raw] = got
            return got
        if type(raw) is int or type(raw) is float:  # a JSON column has NUMERIC affinity in SQLite
            return self._compact(raw)
        return None

    def _name(self, raw: Any) -> str | None:
        if type(raw) is not str:
            return None
        got = self._names.get(raw)
        if got is None:
            got = encode_basestring(raw)
            if len(raw) <= _MEMO_TEXT and len(self._names) < _MEMO_SIZE:
                self._names[raw] = got
        return got

    def event(self, row: Sequence[Any]) -> str | None:
        _, item_id, old, new, who, at, reason = row
        if type(at) is not str or not _STORED_TS(at):
            return None
        values, names = self._json, self._names
        try:
            _read_time(at)  # the check: a real date and time
            # the usual case inline (this runs millions of times): a value or name seen before
            old_text = "null" if old is None else values.get(old) or self._value(old)
            new_text = values.get(new) or self._value(new)
        except (ValueError, TypeError, RecursionError):
            return None
        item_text = names.get(item_id) or self._name(item_id)
        who_text = names.get(who) or self._name(who)
        if old_text is None or new_text is None or item_text is None or who_text is None:
            return None
        if reason is None:
            reason_text = "null"
        elif type(reason) is str:
            reason_text = encode_basestring(reason)
        else:
            return None
        when = at[:10] + "T" + at[11:19] + ("" if at[20:] == "000000" else at[19:]) + "+00:00"
        return (f'{{"item_id":{item_text},"old_value":{old_text},"new_value":{new_text},"who":{who_text},'
                f'"at":"{when}","reason":{reason_text}}}')
