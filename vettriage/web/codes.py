"""Invitation codes: made at random, stored only as a hash, compared in constant time. Pure functions."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

# 32 random bytes = 256 bits; token_urlsafe gives 43 characters of [A-Za-z0-9_-].
CODE_BYTES = 32
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
_DURATION_RE = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
MAX_EXPIRY = dt.timedelta(days=90)


def new_code() -> str:
    """A fresh invitation code (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(CODE_BYTES)


def hash_code(code: str) -> str:
    """The sha256 hex of a code: what the store keeps."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def code_shape_ok(code: str) -> bool:
    """True when `code` could be one of ours (checked before any hashing or store lookup)."""
    return bool(CODE_RE.match(code))


def same_hash(a: str, b: str) -> bool:
    """Constant-time equality of two hex digests."""
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))


def parse_duration(text: str, *, seconds: bool = False) -> dt.timedelta:
    """"90m", "72h", "3d" (and "45s" when `seconds`) -> timedelta; ValueError (with a readable message)
    otherwise or beyond 90 days."""
    m = _DURATION_RE.match(text or "")
    if not m or (m.group(2) == "s" and not seconds):
        raise ValueError(f"{text!r} is not a duration like 90m, 72h or 3d")
    value = int(m.group(1))
    if value <= 0:
        raise ValueError(f"{text!r} must be longer than zero")
    delta = dt.timedelta(**{_UNITS[m.group(2)]: value})
    if delta > MAX_EXPIRY:
        raise ValueError(f"{text!r} is longer than the 90-day limit")
    return delta


def looks_like_id(text: str) -> bool:
    """True when `text` names an invitation by its numeric id rather than by its code."""
    return text.isdigit() and len(text) < 12
