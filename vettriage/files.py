"""Writing a file whole or not at all (a temporary file beside it, then a rename), and reading one that must be a
regular file of bounded size."""

from __future__ import annotations

import os
import stat

from vettriage.errors import InputError

TYPE_CHECKING = False  # pathlib (~3 ms with urllib.parse): paths are handled as text here
if TYPE_CHECKING:
    from pathlib import Path


def write_atomic(path: Path | str, data: str | bytes, *, make_folder: bool = False) -> None:
    """Write via a temporary file and a rename, so a failed run never leaves half a file. The temporary file is
    created 0600 (mkstemp), so a report or an export of personal data is never readable by others on the way.
    A failure is an InputError naming the file. `make_folder` creates the folder first (a settings file's; never
    for a report, where a mistyped folder is an error to show). A path given as text is read as `Path(text)`
    would read it (vettriage.pathtext.normal), without importing pathlib."""
    import tempfile  # here: a command that writes no file does not pay for it (and shutil, random)

    from vettriage.pathtext import normal

    name = normal(path) if isinstance(path, str) else os.fspath(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    folder = os.path.dirname(name) or "."  # Path.parent
    try:
        if make_folder:
            os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(name)}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
            os.replace(tmp, name)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
    except OSError as exc:
        raise InputError(name, None, f"cannot write: {exc.strerror or exc}") from None


def read_regular(path: Path | str, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; OSError, or ValueError with a one-line reason. Opened
    without blocking and checked before reading: a FIFO named `x.yaml` in a content folder made `validate` wait
    forever, and a device would never end."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError("not a regular file")
        too_big = f"larger than {limit / (1 << 20):g} MiB: not a file vettriage reads"
        if st.st_size > limit:
            raise ValueError(too_big)
        chunks = []
        size = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:  # it grew while being read
                raise ValueError(too_big)
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
