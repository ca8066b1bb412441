"""A cache of validated catalogues, keyed by content hash and by the versions of the code that validated them."""

from __future__ import annotations

import importlib.util
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import vettriage
from vettriage.hashing import sha256


def _dir() -> Path:
    env = os.environ.get("VETTRIAGE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vettriage"


def _path(digest: str) -> Path:
    # What validated the catalogue is part of the key: the models', files', loader's and records' source, and the
    # installed pydantic (found without importing it: a cached start must not pay for pydantic).
    here = Path(__file__).parent
    sources = [here / "models.py", here / "files.py", here / "catalogue.py", here / "packs.py",
               here.parent / "record.py"]
    spec = importlib.util.find_spec("pydantic")
    if spec is not None and spec.origin:
        sources.append(Path(spec.origin))
    key = sha256("|".join(
        [digest, vettriage.__version__, sys.version] + [str(p.stat().st_mtime_ns) for p in sources]
    ).encode()).hexdigest()[:32]
    return _dir() / f"catalogue-{key}.pickle"


def read(digest: str) -> Any | None:
    """The cached catalogue for `digest`, or None (missing, unreadable or stale caches are ignored)."""
    if os.environ.get("VETTRIAGE_NO_CACHE"):
        return None
    try:
        with open(_path(digest), "rb") as fh:
            cat = pickle.load(fh)
    except Exception:  # noqa: BLE001 - any broken cache is just a miss
        return None
    return cat if getattr(cat, "hash", None) == digest else None


def write(digest: str, catalogue: Any) -> None:
    """Store `catalogue` atomically; a cache that cannot be written is silently skipped."""
    if os.environ.get("VETTRIAGE_NO_CACHE"):
        return
    import tempfile

    try:
        target = _path(digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(catalogue, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
        _prune(target.parent)
    except Exception:  # noqa: BLE001 - caching is an optimisation only
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except Exception:  # noqa: BLE001
            pass


KEEP = 8
"""How many cached catalogues to keep: every content version (or edited copy) has its own file."""


def _prune(folder: Path) -> None:
    """Delete all but the newest KEEP cached catalogues."""
    files = sorted(folder.glob("catalogue-*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in files[KEEP:]:
        old.unlink(missing_ok=True)
