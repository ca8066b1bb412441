"""Reading a JSON export one record at a time: each dog and intake is decoded alone, so the file is never in
memory whole, and the line of each record is known for the one-line errors."""

from __future__ import annotations

import json
from typing import Any, Iterator, TextIO

from vettriage import jsonread
from vettriage.errors import InputError
from vettriage.store.import_workers import FAST, compact

MAX_RECORD = 256 << 20
"""Largest single record an import reads (an intake with its whole audit trail is a few KB to a few MB)."""

_MISS = object()


class JsonStream:
    """Reads the top-level object of a JSON export value by value: each dog and intake is decoded alone, so
    the file is never in memory whole."""

    CHUNK = 1 << 18

    def __init__(self, f: TextIO, src: str) -> None:
        self.f, self.src = f, src
        self.buf, self.pos, self.eof, self.lines = "", 0, False, 1
        self._at, self._seen = 0, 0  # newlines in buf[:_at], counted once however often line() is asked
        self.decoder = jsonread.DECODER  # refuses a key given twice and numbers out of range
        self.fast = True

    def _more(self, want: int = CHUNK) -> bool:
        if self.eof:
            return False
        chunk = self.f.read(max(want, self.CHUNK))
        if not chunk:
            self.eof = True
            return False
        self.lines = self.line(self.pos)
        self.buf = self.buf[self.pos:] + chunk
        self.pos, self._at, self._seen = 0, 0, 0
        return True

    def line(self, at: int | None = None) -> int:
        at = self.pos if at is None else at
        if at >= self._at:
            self._seen += self.buf.count("\n", self._at, at)
            self._at = at
            return self.lines + self._seen
        return self.lines + self._seen - self.buf.count("\n", at, self._at)

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def expect(self, chars: str) -> str:
        ch = self.peek()
        if not ch:
            raise InputError(self.src, None, "not a complete JSON export (truncated?)", self.line())
        if ch not in chars:
            raise InputError(self.src, None, f"not a vettriage JSON export (expected {' or '.join(chars)})",
                             self.line())
        self.pos += 1
        return ch

    def value(self) -> Any:
        """The next value. Our own compact export is read by the plain parser, and each value is kept when
        json.dumps(value, separators=(",", ":"), ensure_ascii=False) gives back exactly the text it was read
        from: then no key was given twice (its object would come back shorter), no number was out of range
        (it would come back as Infinity), no escape hid a lone surrogate (it would come back unescaped); the
        field checks bound every number that remains. Any other text (indented, edited, or refused) is read
        again by the strict parser, which says what is wrong; after one such value the rest go to it
        directly."""
        self.peek()
        if self.fast:
            obj = self._decode(FAST, quiet=True)
            if obj is not _MISS:
                return obj
            self.fast = False
        return self._decode(self.decoder)

    def _decode(self, decoder: json.JSONDecoder, quiet: bool = False) -> Any:
        grow = self.CHUNK
        while True:
            try:
                obj, end = decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # more text may complete the value only when the decoder ran off the end of what is read
                # (a literal or an escape cut at the chunk's end fails where it starts: `tru`, `\u00`)
                cut = exc.pos >= len(self.buf) - 8 or exc.msg.startswith("Unterminated string")
                if cut and len(self.buf) - self.pos > MAX_RECORD:
                    raise InputError(self.src, None, f"a record larger than {MAX_RECORD >> 20} MiB: not a "
                                     "vettriage export", self.line()) from None
                if cut and self._more(grow):
                    grow *= 2  # a big value: read ahead faster, so that retries stay few
                    continue
                if quiet:
                    return _MISS
                what = "not a complete JSON export (truncated?)" if cut else f"not valid JSON: {exc.msg}"
                raise InputError(self.src, None, what, self.line(exc.pos)) from None
            except RecursionError:
                if quiet:
                    return _MISS
                raise InputError(self.src, None, "not a usable JSON export (nested too deep)", self.line()) from None
            except ValueError as exc:  # jsonread's refusals: a key given twice, a number out of range
                if quiet:
                    return _MISS
                raise InputError(self.src, None, f"not a usable JSON export ({exc})", self.line()) from None
            if end == len(self.buf) and self._more(grow):  # a number may go on in the next chunk
                continue
            if quiet and self.buf[self.pos:end] != compact(obj):
                return _MISS
            self.pos = end
            return obj

    def records(self) -> Iterator[tuple[str, Any, int]]:
        """("header", {format...}, line) once the first list starts, then ("dogs"|"intakes", record, line)."""
        self.expect("{")
        header: dict[str, Any] = {}
        lists_seen: list[str] = []
        if self.peek() == "}":
            self.pos += 1
        else:
            while True:
                key = self.value()
                self.expect(":")
                if not isinstance(key, str) or key in header or key in lists_seen:
                    raise InputError(self.src, str(key)[:40], "key given twice in the export (or not a key)",
                                     self.line())
                if key in ("dogs", "intakes"):
                    if not lists_seen:
                        yield "header", header, self.line()
                    if key == "intakes" and "dogs" not in lists_seen:
                        raise InputError(self.src, "intakes", "the dogs must come before the intakes (as "
                                         "vettriage writes them)", self.line())
                    lists_seen.append(key)
                    self.expect("[")
                    if self.peek() == "]":
                        self.pos += 1
                    else:
                        while True:
                            line = self.line()
                            yield key, self.value(), line
                            if self.expect(",]") == "]":
                                break
                else:
                    header[key] = self.value()
                if self.expect(",}") == "}":
                    break
        if not lists_seen:
            yield "header", header, self.line()
        if self.peek():
            raise InputError(self.src, None, "not a vettriage JSON export (text after the end)", self.line())
        for key in ("dogs", "intakes"):
            if key not in lists_seen:
                raise InputError(self.src, key, "expected a list")
