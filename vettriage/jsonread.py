"""JSON read from a file someone else wrote (an export to import, a FHIR response), bounded before the work grows.

The stdlib parser keeps the last of two equal keys silently, turns `1e999` into infinity and a 5,000-digit integer
into a ValueError that is not a JSONDecodeError, and accepts NaN; what comes out is then handed to code that
expects none of that (a valueDecimal of 1E+999999999 became an integer of a billion digits). Here each of those
is a ValueError with a message the caller turns into one line naming the file.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_NUMBER_CHARS = 40
"""Longest number literal (an answer is a weight, an age, a count: 40 characters is far past any of them)."""
MAX_EXPONENT = 300
"""Largest decimal exponent a number may have once parsed (beyond a float's range)."""


class JsonValueError(ValueError):
    """A JSON text that parses but is refused (a key given twice, a number out of range)."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            shown = key if len(key) <= 40 else key[:37] + "..."
            raise JsonValueError(f"key {shown!r} given twice in one object")
        out[key] = value
    return out


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonValueError(f"a number of {len(text)} digits is not a usable value")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonValueError(f"a number of {len(text)} characters is not a usable value")
    value = float(text)
    if not math.isfinite(value):
        raise JsonValueError(f"{text} is out of range")
    return value


def _constant(text: str) -> Any:
    raise JsonValueError(f"{text} is not a number JSON allows")


DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_int=_int, parse_float=_float, parse_constant=_constant)
"""A decoder with every bound above (its raw_decode serves the streamed export reader)."""


def loads(text: str) -> Any:
    """Parse JSON text; JSONDecodeError as json.loads, JsonValueError for what it would let through."""
    try:
        return DECODER.decode(text)
    except RecursionError:
        raise JsonValueError("values nested too deep") from None
