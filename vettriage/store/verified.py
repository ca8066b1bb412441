"""When SQLite's full integrity check runs: once per change of the file that vettriage did not make itself.

The full `PRAGMA integrity_check` reads the whole file (0.5-1.2 s for 2,000 intakes on a loaded machine), and it
ran before the first write of every process: every `intakes add`, `dogs add` or web worker paid it. It is needed
when the file may have changed in a way nobody checked: a copy or a restore, another program's write, a crash,
a damaged disk. So a process that ran the check, or wrote after one, leaves a mark in the user's cache folder:
the file's identity and state (device, inode, size, modification time in ns, and the same of its `-wal` file)
and when the full check last passed. The next process skips the check only when the file is exactly in the
state the mark names and the check passed less than MAX_AGE_S ago; anything else (a new inode, another size
or time, a -wal file written by someone else, a mark older than a day, an error since: `suspect`) runs it.

The chain of custody: a writer records the new state only when, holding the write lock, it found the file in
the state the mark names (so nothing unchecked happened in between). A close that checkpoints the -wal into
the file does the same. A foreign write in the instant between a vettriage commit and its mark is the one
change that could be blessed unseen; the daily check bounds it.
"""

from __future__ import annotations

import json
import os
import time

TYPE_CHECKING = False  # typing costs ~2 ms at start-up: only the type checker reads these names
if TYPE_CHECKING:
    from typing import Any

MAX_AGE_S = 24 * 3600.0
"""The longest a passed full check is trusted for an unchanged file (damage from a disk changes no time)."""


def _cache_dir() -> str:
    """The content cache's folder (vettriage.content.cache._dir), found without importing that module: every
    command that closes a store comes here, and the cache module's imports cost a short command 5-10 ms (and
    pathlib with urllib.parse another 3 ms: paths here are strings)."""
    env = os.environ.get("VETTRIAGE_CACHE_DIR")
    if env:
        return env
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "vettriage")


class Mark:
    """The verified mark of one SQLite file."""

    def __init__(self, path: str) -> None:
        from vettriage.hashing import sha256

        self.path = path
        self.file = os.path.join(_cache_dir(), f"store-{sha256(os.path.realpath(path).encode()).hexdigest()[:32]}.json")

    def state(self) -> list[Any] | None:
        """The file's identity and state now (None when it cannot be read)."""
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        try:
            w = os.stat(self.path + "-wal")
            wal = [w.st_size, w.st_mtime_ns] if w.st_size else None  # absent and empty: the same (no frames)
        except FileNotFoundError:
            wal = None
        except OSError:
            return None
        return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, wal]

    def _read(self) -> dict[str, Any] | None:
        try:
            with open(self.file, encoding="utf-8") as fh:
                mark = json.load(fh)
        except (OSError, ValueError):
            return None
        return mark if isinstance(mark, dict) else None

    def current(self) -> bool:
        """The file is in the state of the last check or vettriage write, and that check is recent."""
        if os.environ.get("VETTRIAGE_NO_CACHE"):
            return False
        mark = self._read()
        if mark is None or mark.get("state") is None:
            return False
        checked = mark.get("checked")
        fresh = isinstance(checked, (int, float)) and 0 <= time.time() - checked < MAX_AGE_S
        return fresh and mark["state"] == self.state()

    def checked(self, state: list[Any] | None) -> None:
        """The full check passed on the file in `state` (taken before the check began)."""
        self._write(state, time.time())

    def moved_on(self, before: list[Any] | None) -> None:
        """This process changed the file from `before` (a write it committed, a checkpoint at close): the new
        state is marked, keeping the time of the last full check, when `before` is the marked state."""
        mark = self._read()
        if before is None or mark is None or mark.get("state") != before:
            return
        now = self.state()
        if now != before:
            self._write(now, mark.get("checked"))

    def forget(self) -> None:
        """A check failed or an error may mean damage: the next write checks in full."""
        try:
            os.unlink(self.file)
        except OSError:
            pass

    def _write(self, state: list[Any] | None, checked: Any) -> None:
        if state is None or os.environ.get("VETTRIAGE_NO_CACHE"):
            return
        try:
            folder = os.path.dirname(self.file)
            os.makedirs(folder, mode=0o700, exist_ok=True)
            import tempfile  # only when the record changed: most runs write nothing

            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-store-")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump({"file": os.path.realpath(self.path), "state": state, "checked": checked}, fh)
                os.replace(tmp, self.file)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError:  # no mark: the next process checks in full, as before
            pass
