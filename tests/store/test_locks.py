"""Opening the same SQLite file twice in one process must not break the first connection's locks.

A raw read of the file (the foreign-file guard) used to close a descriptor of a file this process had open
through SQLite, which drops every POSIX lock the process holds on it; another process closing its store then
deleted the -wal still in use, and later commits from this process were invisible to everyone else."""

from __future__ import annotations

import subprocess
import sys

from vettriage.store import open_store


def _names_seen_by_another_process(url: str) -> list[str]:
    code = ("import sys; from vettriage.store import open_store; s = open_store(sys.argv[1]); "
            "print(','.join(sorted(d.name for d in s.find_dogs('')))); s.close()")
    out = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, check=True)
    return out.stdout.strip().split(",")


def test_second_open_in_one_process_keeps_commits_visible(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    first = open_store(url)
    first.add_dog("First")
    second = open_store(url)
    try:
        assert _names_seen_by_another_process(url) == ["First"]
        first.add_dog("Second")
        assert _names_seen_by_another_process(url) == ["First", "Second"]
    finally:
        second.close()
        first.close()
