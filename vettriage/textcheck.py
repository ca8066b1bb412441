"""What every text value and JSON value must be before it is stored or used: valid Unicode, bounded, and (for
names) free of terminal control characters.

One place, because every way in needs the same rules: the command line (`--dog`, `--by`), the answers files,
`intakes import`, `fhir import` and the web form, and the store itself as the last guard. A lone surrogate
(`"\\ud800"`, which JSON can spell) is a Python `str` but no UTF-8 text: stored, it broke every later export.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate

TYPE_CHECKING = False  # typing costs ~2 ms at start-up: only the type checker reads these names
if TYPE_CHECKING:
    from typing import Any

MAX_NAME = 200
"""A dog's, owner's or technician's name: the store's column width (`dogs add` refuses longer)."""
MAX_DEPTH = 32
"""Deepest nesting of lists and mappings in a stored JSON value (an Assessment nests about 6 deep)."""
MAX_STRING = 1 << 20
"""Longest string inside a JSON value (a free-text answer is at most 5,000 characters)."""

# C0 controls, DEL and C1 controls (0x9b is a one-byte terminal escape, CSI); lone surrogates.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(value: Any, limit: int | None = None, *, name: bool = False) -> str | None:
    """Why `value` cannot be stored as text (None when it can): not a string, a lone surrogate, longer than
    `limit`, or (for a name) a control character."""
    if not isinstance(value, str):
        return f"is {type(value).__name__}, not text"
    if _SURROGATE.search(value):
        return "is not valid Unicode (a lone surrogate)"
    if limit is not None and len(value) > limit:
        return f"is longer than {limit} characters"
    if name and _CONTROL.search(value):
        return "holds a control character"
    return None


def clean_name(value: Any, limit: int = MAX_NAME) -> tuple[str | None, str | None]:
    """(the name with outer spaces removed and inner runs of spaces joined, None) or (None, why not)."""
    problem = text_problem(value, None, name=True)
    if problem:
        return None, problem
    if len(value) > limit * 4:  # not worth splitting
        return None, f"is longer than {limit} characters"
    text = " ".join(value.split())
    if not text:
        return None, "is blank"
    if len(text) > limit:
        return None, f"is longer than {limit} characters"
    return text, None


def json_problem(value: Any, max_depth: int = MAX_DEPTH, max_string: int = MAX_STRING) -> str | None:
    """Why a JSON-shaped value (dicts, lists, scalars) cannot be stored, or None: a lone surrogate in a string or
    key, a string past `max_string`, nesting past `max_depth`, a non-finite number, a whole number past 64 bits,
    or a value JSON has no type for. Done on the JSON text (C code) rather than by walking the value in Python:
    an Assessment has thousands of values, and an import checks one per intake."""
    return json_checked(value, max_depth, max_string)[1]


def json_checked(value: Any, max_depth: int = MAX_DEPTH, max_string: int = MAX_STRING,
                 short_numbers: bool = False) -> tuple[str | None, str | None]:
    """(the value's JSON text, None), or (None, why it cannot be stored) as json_problem says. The text is
    json.dumps(value, ensure_ascii=False): a caller may key a cache on it (two different values never give the
    same text) or store it (when it is ASCII it is exactly json.dumps(value)). None for a scalar, whose text is
    never built. `short_numbers`: the caller knows that no number in the value is written with 20 digits in a row
    (import_workers' decoder read it), so the text is not searched for one."""
    kind = type(value)
    if kind is str:  # most values checked are one answer: no JSON text needed
        if len(value) > max_string:
            return None, f"holds a text of {len(value):,} characters (at most {max_string:,})"
        return None, "holds text that is not valid Unicode (a lone surrogate)" if _SURROGATE.search(value) else None
    if value is None or kind is bool:
        return None, None
    if kind is int:
        return None, "holds a whole number too large to be an answer" if value.bit_length() > 64 else None
    if kind is float:
        return None, None if math.isfinite(value) else "holds a number that is not finite"
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")
    except UnicodeEncodeError:
        return None, "holds text that is not valid Unicode (a lone surrogate)"
    except ValueError:
        return None, "holds a number that is not finite"
    except TypeError:
        return None, "holds a value JSON has no type for"
    except RecursionError:
        return None, f"nests values more than {max_depth} deep"
    if len(text) > max_string:
        longest = max(map(len, _JSON_STRING.findall(text)), default=2) - 2
        if longest > max_string:  # (escapes count double: a bound, not a measure)
            return None, f"holds a text of about {longest:,} characters (at most {max_string:,})"
    bare = _bare(text)
    if not short_numbers and _BIG_INT.search(bare):
        return None, "holds a whole number too large to be an answer"
    if max(accumulate(map(_DEPTH.__getitem__, _BRACKET.findall(bare))), default=0) > max_depth:
        return None, f"nests values more than {max_depth} deep"
    return text, None


def _bare(text: str) -> str:
    """json.dumps's text with every string emptied (`""`), so that what is left is numbers and brackets: as the
    string pattern does, 3-5x faster over an Assessment's 20 KB (an import does this twice per intake). In
    JSON text a backslash is only ever inside a string, where each starts an escape; dropping the escaped
    backslashes (every run of them starts at an escape) and then the escaped quotes leaves quotes that each
    open or close a string, so splitting at them finds the strings."""
    if "\\" in text:
        text = text.replace("\\\\", "").replace('\\"', "")
    return '""'.join(text.split('"')[::2])


def ascii_json(text: str) -> str:
    """json.dumps(value) from json.dumps(value, ensure_ascii=False): every character past `~` (DEL included)
    escaped as \\uXXXX, a pair of them past U+FFFF, as the ASCII encoder writes them (checked over every code
    point by a test). Re-encoding the value costs ten times as much."""
    if text.isascii() and "\x7f" not in text:  # two C scans: most texts stop here
        return text
    return _NOT_ASCII.sub(_escaped, text)


def _escaped(m: re.Match[str]) -> str:
    c = ord(m.group())
    if c < 0x10000:
        return "\\u%04x" % c
    c -= 0x10000
    return "\\u%04x\\u%04x" % (0xD800 | (c >> 10), 0xDC00 | (c & 0x3FF))


_NOT_ASCII = re.compile("[^\x00-\x7e]")
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')  # a JSON string, escapes included (unrolled: fast)
_BRACKET = re.compile(r"[\[\]{}]")
_DEPTH = {"[": 1, "{": 1, "]": -1, "}": -1}
_BIG_INT = re.compile(r"\d{20,}")
