"""Content hashing without paying for OpenSSL at start-up."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~2 ms at start-up: only the type checker reads these names
if TYPE_CHECKING:
    from typing import Any



def sha256(data: bytes = b"") -> Any:
    """A SHA-256 hasher. CPython's built-in one when there is one: `hashlib` starts OpenSSL (about 3 ms), which
    a cached start would pay only to hash a few files."""
    try:
        from _sha256 import sha256 as builtin  # CPython 3.11; 3.12 moved it to _sha2
    except ImportError:
        try:
            from _sha2 import sha256 as builtin  # type: ignore[no-redef]
        except ImportError:
            from hashlib import sha256 as builtin  # type: ignore[no-redef]
    return builtin(data)
