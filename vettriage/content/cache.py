"""Caches of validated catalogues and compiled rules, keyed by content hash and by the code that made them, each
file sealed with a hash of its own bytes (a mismatch is a miss and a rebuild, never a result)."""

from __future__ import annotations

import os
import pickle
import sys
from typing import Any

import vettriage
from vettriage.hashing import sha256

TYPE_CHECKING = False  # files are named as text here: pathlib brings urllib.parse (~3 ms of a cached start)
if TYPE_CHECKING:
    from pathlib import Path


def _dir() -> str:
    # the same rule in vettriage.store.verified, which marks there the database files it verified
    env = os.environ.get("VETTRIAGE_CACHE_DIR")
    if env:
        return env
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "vettriage")


# Every cache file: MAGIC, the BLAKE2b (32 bytes) of everything after it, the length of the header, the header (JSON:
# the key the caller asked for and the fingerprint of the code that wrote it), then the payload. A file whose bytes,
# key or fingerprint do not match is a miss: it is rebuilt, never used (one flipped byte in an unchecked file once
# turned a score of 0 into 2, with exit 0).
MAGIC = b"vettriage-cache\x003"
MAX_FILE = 64 << 20
"""Largest cache file read (the shipped catalogue's is about 210 KB)."""

_fingerprints: dict[tuple[str, ...], str] = {}


def _fingerprint(sources: list[str | Path]) -> str:
    """The code that wrote a cache file: this vettriage's version, the interpreter's, and the bytes of the
    sources that shape what is cached (their bytes, not their times: a file copied back keeps its old time).
    Installed packages (pydantic) are named by their version file's path and time, found without importing."""
    names = tuple(os.fspath(p) for p in sources)
    got = _fingerprints.get(names)
    if got is None:
        digest = _blake2b(f"{vettriage.__version__}|{sys.version}".encode())  # ours alone, as the seal
        for p in names:
            try:
                with open(p, "rb") as fh:
                    data = fh.read()
                digest.update(os.path.basename(p).encode() + b"\0" + data + b"\0")
            except OSError:
                digest.update(f"{p}|missing".encode())
        got = _fingerprints[names] = digest.hexdigest()
    return got


def _catalogue_sources() -> list[str]:
    here = os.path.dirname(__file__)
    # every module that shapes what is cached (gateways weaves the sections, crosscheck refuses, sharing shares)
    names = ("models.py", "files.py", "catalogue.py", "packs.py", "cache.py", "stathash.py", "gateways.py",
             "crosscheck.py", "sharing.py")
    sources = [os.path.join(here, name) for name in names]
    sources.append(os.path.join(os.path.dirname(here), "record.py"))
    # sys.path's finder, as importlib.util.find_spec searches for an installed package, without importing
    # importlib.util (it brings contextlib: ~1 ms of a start run as the installed `vettriage` script runs it)
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec("pydantic")
    if spec is not None and spec.origin:
        sources.append(os.path.join(os.path.dirname(spec.origin), "version.py"))
    return sources


def _header(key: str, fingerprint: str) -> bytes:
    """The header's bytes: json.dumps of {"key": key, "code": fingerprint}. The keys and fingerprints are plain
    ASCII (hex digests, names) that JSON writes as they are, so they are put between quotes here without
    importing json (~2 ms of an `assess` start); any other text goes through json.dumps."""
    if _plain(key) and _plain(fingerprint):
        return f'{{"key": "{key}", "code": "{fingerprint}"}}'.encode()
    import json

    return json.dumps({"key": key, "code": fingerprint}).encode()


def _plain(text: str) -> bool:
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def _blake2b(data: bytes) -> Any:
    try:
        from _blake2 import blake2b
    except ImportError:  # an interpreter built without it
        from hashlib import blake2b
    return blake2b(data, digest_size=32)


def _seal_hash(body: bytes) -> bytes:
    """The seal: BLAKE2b, 32 bytes. Not SHA-256 as the content's own hash (a public value, stamped on every
    output): the seal is ours alone, and CPython's built-in BLAKE2b hashes the ~350 KB catalogue file in a third
    of the time of its built-in SHA-256 (~1 ms of every start that loads the content), without hashlib, which
    would start OpenSSL. (Format 2 sealed with SHA-256: its files are refused by MAGIC and rebuilt.)"""
    return _blake2b(body).digest()


def _seal(key: str, fingerprint: str, payload: bytes) -> bytes:
    header = _header(key, fingerprint)
    body = len(header).to_bytes(4, "big") + header + payload
    return MAGIC + _seal_hash(body) + body


def _open_sealed(path: str | Path, key: str, fingerprint: str) -> bytes | None:
    """The payload of a sealed cache file, or None when anything about it does not match (its header compared
    byte for byte with the one `_seal` writes for this key and code)."""
    with open(path, "rb") as fh:
        data = fh.read(MAX_FILE + 1)
    if len(data) > MAX_FILE or not data.startswith(MAGIC):
        return None
    start = len(MAGIC) + 32
    body = data[start:]
    if len(body) < 4 or _seal_hash(body) != data[len(MAGIC):start]:
        return None
    size = int.from_bytes(body[:4], "big")
    if body[4:4 + size] != _header(key, fingerprint):
        return None
    return body[4 + size:]


def _path(digest: str) -> str:
    key = sha256(f"{digest}|{_fingerprint(_catalogue_sources())}".encode()).hexdigest()[:32]
    return os.path.join(_dir(), f"catalogue-{key}.pickle")


class _ContentUnpickler(pickle.Unpickler):
    """Unpickling that can build only the content's own record classes and the Catalogue: a cache file
    cannot name any other callable, so loading one runs no code of its author's choosing. (A format with no
    callables at all, marshal of plain values rebuilt into records, measured 3x slower to load: bench/cache.py.)"""

    def find_class(self, module: str, name: str) -> Any:
        allowed = _allowed()
        if (module, name) not in allowed:
            raise pickle.UnpicklingError(f"{module}.{name} is not a content class")
        return allowed[(module, name)]


_ALLOWED: dict[tuple[str, str], Any] = {}


def _allowed() -> dict[tuple[str, str], Any]:
    if not _ALLOWED:
        from vettriage.content import catalogue, models

        for value in vars(models).values():  # the records (not dataclasses.is_dataclass: it would import it)
            if (isinstance(value, type) and "__record_fields__" in value.__dict__
                    and value.__module__ == models.__name__):
                _ALLOWED[(models.__name__, value.__name__)] = value
        _ALLOWED[(catalogue.__name__, "Catalogue")] = catalogue.Catalogue  # pickled without its folder's Path
    return _ALLOWED


def read(digest: str) -> Any | None:
    """The cached catalogue for `digest`, or None (missing, damaged, stale or foreign files are a miss)."""
    if os.environ.get("VETTRIAGE_NO_CACHE"):
        return None
    import io

    try:
        payload = _open_sealed(_path(digest), digest, _fingerprint(_catalogue_sources()))
        if payload is None:
            return None
        cat = _ContentUnpickler(io.BytesIO(payload)).load()
    except Exception:  # noqa: BLE001 - any broken cache is just a miss
        return None
    from vettriage.content.catalogue import Catalogue

    return cat if type(cat) is Catalogue and cat.hash == digest else None


def write(digest: str, catalogue: Any) -> None:
    """Store `catalogue` atomically; a cache that cannot be written is silently skipped."""
    if os.environ.get("VETTRIAGE_NO_CACHE"):
        return
    try:
        data = _seal(digest, _fingerprint(_catalogue_sources()),
                     pickle.dumps(catalogue, protocol=pickle.HIGHEST_PROTOCOL))
        _write_file(_path(digest), data, "catalogue-*.pickle")
    except Exception:  # noqa: BLE001 - caching is an optimisation only
        pass


def _write_file(target: str, data: bytes, pattern: str) -> None:
    import tempfile

    folder = os.path.dirname(target)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _prune(folder, pattern)


KEEP = 8
"""How many cached catalogues to keep: every content version (or edited copy) has its own file."""


def _prune(folder: str | Path, pattern: str = "catalogue-*.pickle") -> None:
    """Delete all but the newest KEEP cached files of one kind."""
    from pathlib import Path  # only when a cache file was written

    files = sorted(Path(folder).glob(pattern), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in files[KEEP:]:
        old.unlink(missing_ok=True)


def _code_path(key: str, source: str | Path | list[str | Path], kind: str = "code") -> str:
    # marshal's format is Python's own: the interpreter's version is in the fingerprint, with the generator's source
    sources = _sources(source)
    digest = sha256(f"{key}|{_fingerprint([*sources, __file__])}".encode()).hexdigest()[:32]
    return os.path.join(_dir(), f"{kind}-{digest}.marshal")


def _sources(source: str | Path | list[str | Path]) -> list[str | Path]:
    return list(source) if isinstance(source, list) else [source]


def read_code(key: str, source: str | Path | list[str | Path], kind: str = "code") -> Any | None:
    """Compiled code cached under `key` by `write_code` (written by the generator in `source`), or None.

    The engine writes its rules out as Python and compiles them (engine.program): 50 ms at every start without
    this, as a .pyc saves recompiling a module; the report templates are compiled by Jinja2 (kind "jinja",
    vettriage.render.environment): 100-150 ms per report process without it. The file is sealed like the
    catalogue's: code is run from it, so a file whose bytes do not hash to what its writer sealed is never
    unmarshalled. Each kind keeps its own newest KEEP files."""
    if os.environ.get("VETTRIAGE_NO_CACHE"):
        return None
    import marshal

    sources = _sources(source)
    try:
        payload = _open_sealed(_code_path(key, sources, kind), key, _fingerprint([*sources, __file__]))
        return None if payload is None else marshal.loads(payload)
    except Exception:  # noqa: BLE001 - any broken cache is just a miss
        return None


def write_code(key: str, source: str | Path | list[str | Path], value: Any, kind: str = "code") -> None:
    """Store `value` (code objects and plain constants) atomically; skipped silently when it cannot be."""
    if os.environ.get("VETTRIAGE_NO_CACHE"):
        return
    import marshal

    sources = _sources(source)
    try:
        data = _seal(key, _fingerprint([*sources, __file__]), marshal.dumps(value))
        _write_file(_code_path(key, sources, kind), data, f"{kind}-*.marshal")
    except Exception:  # noqa: BLE001 - caching is an optimisation only
        pass
