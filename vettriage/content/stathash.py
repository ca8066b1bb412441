"""A content folder's hash without re-reading its unchanged files, as git's index skips unchanged ones: a sealed
record beside the content cache holds each YAML file's (name, size, mtime_ns, inode, ctime_ns, device, mode) and
the folder's SHA-256 (catalogue.content_hash: the public value stamped on every intake). The record is reused only
when the folder lists the same names and every one of those fields matches; anything else (an edit, a touch, a
file added or removed, a record damaged, foreign or missing) hashes the folder again and writes a new record.

Racy files (git's "racy git"): a file changed within the filesystem's timestamp granularity after its stat was
taken can keep the same size and times. So a record holds the clock read before its files were stat'ed, and a
file is trusted only when its mtime and ctime are clearly older than that moment (by RACY_NS, coarser than any
filesystem's granularity and the kernel's coarse clock); otherwise the folder is hashed again, as git re-reads a
racily clean entry. Git compares with the index file's own mtime; here the clock read is stored inside the
sealed record, so a content folder and the cache on filesystems of different granularity are judged alike.
A record written while a file was racy is rewritten at the next start, so a folder left alone is trusted again
RACY_NS later.

The seal (cache._seal: BLAKE2b over the bytes, the key and the code's fingerprint) catches damage, not an
author: whoever can write the cache folder can also write the cached catalogue itself."""

from __future__ import annotations

import os
import stat
import time

from vettriage.content import cache

RACY_NS = 2_000_000_000
"""How much older than the record's clock a file's times must be to be trusted: 2 s, FAT's granularity (ext4 and
tmpfs keep nanoseconds, but write them from a clock that lags time.time_ns by a tick)."""

TAG = "content-stat-1"
"""The record's format, in its sealed key."""


def _now() -> int:
    return time.time_ns()


def listing(folder: str) -> tuple[tuple[object, ...], ...] | None:
    """Each `*.yaml` file's name and stat fields, in name order (the names content_hash reads), or None when any
    of them is not a regular file or cannot be stat'ed (content_hash then says what is wrong)."""
    try:
        names = sorted(e.name for e in os.scandir(folder) if e.name.endswith(".yaml"))
        out = []
        for name in names:
            st = os.stat(os.path.join(folder, name))
            if not stat.S_ISREG(st.st_mode):
                return None
            out.append((name, st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns, st.st_dev, st.st_mode))
    except OSError:
        return None
    return tuple(out)


def _record_path(folder: str) -> tuple[str, str]:
    from vettriage.hashing import sha256

    key = f"{TAG}-{sha256(folder.encode('utf-8', 'surrogateescape')).hexdigest()[:32]}"
    return key, os.path.join(cache._dir(), f"stat-{key[len(TAG) + 1:]}.marshal")


def _read(folder: str) -> tuple[int, tuple[tuple[object, ...], ...], str] | None:
    """(clock, listing, digest) of the folder's record, or None (missing, damaged, foreign, or not its folder)."""
    import marshal

    key, path = _record_path(folder)
    try:
        payload = cache._open_sealed(path, key, cache._fingerprint(cache._catalogue_sources()))
        if payload is None:
            return None
        got = marshal.loads(payload)
    except Exception:  # noqa: BLE001 - any broken record is just a miss
        return None
    if not (isinstance(got, tuple) and len(got) == 4 and got[0] == folder and type(got[1]) is int
            and type(got[2]) is tuple and isinstance(got[3], str) and len(got[3]) == 64):
        return None
    return got[1], got[2], got[3]


def _write(folder: str, clock: int, files: tuple[tuple[object, ...], ...], digest: str) -> None:
    import marshal

    key, path = _record_path(folder)
    try:
        data = cache._seal(key, cache._fingerprint(cache._catalogue_sources()),
                           marshal.dumps((folder, clock, files, digest)))
        cache._write_file(path, data, "stat-*.marshal")
    except Exception:  # noqa: BLE001 - the record is an optimisation only
        pass


def trusted(files: tuple[tuple[object, ...], ...], clock: int) -> bool:
    """Every file's mtime and ctime clearly older than the record's clock (not racy)."""
    return all(max(f[2], f[4]) + RACY_NS < clock for f in files)  # type: ignore[operator]


def folder_hash(folder: str) -> str:
    """catalogue.content_hash(folder), from the folder's record when nothing in it changed since."""
    from vettriage.content.catalogue import content_hash

    files = listing(folder)
    if files is not None:
        record = _read(folder)
        if record is not None and record[1] == files and trusted(files, record[0]):
            return record[2]
    clock = _now()  # before the stat: a file changed after it is racy against it
    files = listing(folder)
    digest = content_hash(folder)
    if files is not None and files == listing(folder):
        _write(folder, clock, files, digest)
    return digest
