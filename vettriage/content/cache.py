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


def _prune(folder: Path, pattern: str = "catalogue-*.pickle") -> None:
    """Delete all but the newest KEEP cached files of one kind."""
    files = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in files[KEEP:]:
        old.unlink(missing_ok=True)


def _code_path(key: str, source: Path) -> Path:
    # marshal's format is Python's own: the interpreter's version is part of the key, with the generator's source
    digest = sha256("|".join([key, vettriage.__version__, sys.version,
                              str(source.stat().st_mtime_ns)]).encode()).hexdigest()[:32]
    return _dir() / f"code-{digest}.marshal"


def read_code(key: str, source: Path) -> Any | None:
    """Compiled code cached under `key` by `write_code` (written by the generator in `source`), or None.

    The engine writes its rules out as Python and compiles them (engine.program): 50 ms at every start without
    this, as a .pyc saves recompiling a module. Same folder and trust as the cached catalogues."""
    if os.environ.get("VETTRIAGE_NO_CACHE"):
        return None
    import marshal

    try:
        with open(_code_path(key, source), "rb") as fh:
            stored_key, value = marshal.load(fh)
    except Exception:  # noqa: BLE001 - any broken cache is just a miss
        return None
    return value if stored_key == key else None


def write_code(key: str, source: Path, value: Any) -> None:
    """Store `value` (code objects and plain constants) atomically; skipped silently when it cannot be."""
    if os.environ.get("VETTRIAGE_NO_CACHE"):
        return
    import marshal
    import tempfile

    try:
        target = _code_path(key, source)
        data = marshal.dumps((key, value))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
        _prune(target.parent, "code-*.marshal")
    except Exception:  # noqa: BLE001 - caching is an optimisation only
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except Exception:  # noqa: BLE001
            pass
