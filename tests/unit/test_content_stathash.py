"""The content folder's hash from its stat record (content/stathash.py): reused only when every file's stat fields
match and none is racy; an edit of the same size, a touch, a racy file, a damaged or missing record all hash the
folder again, and the hash is always content_hash's (the public value stamped on intakes)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from vettriage.content import cache, stathash
from vettriage.content.catalogue import content_hash, load_catalogue
from vettriage.errors import InputError
from vettriage.resources import questionnaires_dir

LATER = 60 * 10**9


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A copy of the shipped content, the cache in tmp_path, and a count of the folder's full hashes."""
    monkeypatch.setenv("VETTRIAGE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("VETTRIAGE_NO_CACHE", raising=False)
    target = tmp_path / "content"
    shutil.copytree(questionnaires_dir(), target)
    return str(target)


@pytest.fixture
def hashed(monkeypatch):
    """The folders content_hash read, in order (folder_hash's misses)."""
    from vettriage.content import catalogue

    seen: list[str] = []
    real = catalogue.content_hash

    def counting(directory):
        seen.append(os.fspath(directory))
        return real(directory)

    monkeypatch.setattr(catalogue, "content_hash", counting)
    return seen


def settled(monkeypatch, folder: str) -> None:
    """Write the folder's record as though its files had been left alone for a minute before."""
    real = stathash._now
    monkeypatch.setattr(stathash, "_now", lambda: real() + LATER)
    stathash.folder_hash(folder)


def record_file(folder: str) -> Path:
    return Path(stathash._record_path(folder)[1])


def same_size_edit(path: Path) -> None:
    """Change one letter of the file, its size kept, then give it back its old mtime (the ctime moves: only the
    kernel sets it)."""
    st = path.stat()
    data = path.read_bytes()
    at = data.index(b'owner: "') + len(b'owner: "')  # the first letter of an owner-facing text
    changed = data[:at] + (b"X" if data[at:at + 1] != b"X" else b"Y") + data[at + 1:]
    path.write_bytes(changed)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns


def test_an_unchanged_folder_is_not_read_again_and_gives_content_hashs_value(folder, hashed, monkeypatch) -> None:
    settled(monkeypatch, folder)
    assert hashed == [folder] and record_file(folder).exists()
    assert stathash.folder_hash(folder) == content_hash(folder)
    assert hashed == [folder]  # the second folder_hash read no file


def test_an_edit_keeping_size_and_mtime_is_hashed_again(folder, hashed, monkeypatch) -> None:
    settled(monkeypatch, folder)
    before = content_hash(folder)
    same_size_edit(Path(folder) / "pain.yaml")
    got = stathash.folder_hash(folder)
    assert got == content_hash(folder) != before
    assert hashed.count(folder) == 2


def test_a_touched_file_is_hashed_again_to_the_same_value(folder, hashed, monkeypatch) -> None:
    settled(monkeypatch, folder)
    before = content_hash(folder)
    path = Path(folder) / "dog.yaml"
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5 * 10**9))
    assert stathash.folder_hash(folder) == before
    assert hashed.count(folder) == 2


def test_a_file_added_or_removed_is_hashed_again(folder, hashed, monkeypatch) -> None:
    settled(monkeypatch, folder)
    before = content_hash(folder)
    (Path(folder) / "zz.yaml").write_text("{}\n")
    added = stathash.folder_hash(folder)
    assert added == content_hash(folder) != before
    (Path(folder) / "zz.yaml").unlink()
    assert stathash.folder_hash(folder) == before


def test_a_racy_file_is_never_trusted(folder, hashed, monkeypatch) -> None:
    """A file changed in the same timestamp tick as the record's writing keeps its stat fields: simulated by
    handing back the old stat after the edit. Racy (its times not clearly older than the record's clock), it is
    hashed again; the same stand-in against a settled record is trusted, so the clock is what decides."""
    real_listing = stathash.listing
    stathash.folder_hash(folder)  # written now: every file of the fresh copy is racy against it
    old = real_listing(folder)
    same_size_edit(Path(folder) / "pain.yaml")
    monkeypatch.setattr(stathash, "listing", lambda f: old)
    assert stathash.folder_hash(folder) == content_hash(folder)
    # the control: the record settled (written a minute after the files' times) trusts the same stat
    monkeypatch.setattr(stathash, "listing", real_listing)
    settled(monkeypatch, folder)
    settled_hash = stathash.folder_hash(folder)
    frozen = real_listing(folder)
    (Path(folder) / "pain.yaml").write_bytes((Path(folder) / "pain.yaml").read_bytes().replace(b"X", b"Z", 1))
    monkeypatch.setattr(stathash, "listing", lambda f: frozen)
    assert stathash.folder_hash(folder) == settled_hash != content_hash(folder)


def test_the_racy_rule_by_itself() -> None:
    clock = 100 * 10**9
    old = ("a.yaml", 1, clock - 3 * 10**9, 1, clock - 3 * 10**9, 1, 0o100644)
    assert stathash.trusted((old,), clock)
    for racy in (("a.yaml", 1, clock - 10**9, 1, clock - 3 * 10**9, 1, 0o100644),   # mtime within 2 s
                 ("a.yaml", 1, clock - 3 * 10**9, 1, clock, 1, 0o100644),           # ctime at the clock
                 ("a.yaml", 1, clock + 10**9, 1, clock + 10**9, 1, 0o100644)):      # from the future
        assert not stathash.trusted((old, racy), clock)


@pytest.mark.parametrize("damage", ["flip", "truncate", "missing", "other_folder"])
def test_a_damaged_missing_or_foreign_record_is_ignored_and_rebuilt(folder, hashed, monkeypatch, damage) -> None:
    settled(monkeypatch, folder)
    path = record_file(folder)
    data = path.read_bytes()
    if damage == "flip":
        at = len(data) - 20  # inside the payload: the digest
        path.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1:])
    elif damage == "truncate":
        path.write_bytes(data[:-1])
    elif damage == "missing":
        path.unlink()
    else:  # a well-sealed record of another folder written under this folder's name
        other = str(Path(folder).parent / "other")
        shutil.copytree(folder, other)
        stathash.folder_hash(other)
        path.write_bytes(record_file(other).read_bytes())
    count = hashed.count(folder)
    assert stathash.folder_hash(folder) == content_hash(folder)
    assert hashed.count(folder) == count + 1
    # rebuilt: the next start trusts it again
    settled(monkeypatch, folder)
    count = hashed.count(folder)
    stathash.folder_hash(folder)
    assert hashed.count(folder) == count


def test_a_forged_digest_under_a_broken_seal_is_not_used(folder, hashed, monkeypatch) -> None:
    import marshal

    settled(monkeypatch, folder)
    key, path = stathash._record_path(folder)
    payload = cache._open_sealed(path, key, cache._fingerprint(cache._catalogue_sources()))
    rec = marshal.loads(payload)
    forged = marshal.dumps((rec[0], rec[1], rec[2], "0" * 64))
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[:len(data) - len(payload)] + forged)  # same header and seal, other payload
    assert stathash.folder_hash(folder) == content_hash(folder)


def test_load_catalogue_sees_an_edit_and_still_validates_it(folder, monkeypatch) -> None:
    settled(monkeypatch, folder)
    first = load_catalogue(folder)
    assert first.hash == content_hash(folder)
    same_size_edit(Path(folder) / "pain.yaml")
    edited = load_catalogue(folder)
    assert edited.hash == content_hash(folder) != first.hash
    # a broken file of the same size is re-validated, not taken from the cache
    path = Path(folder) / "dog.yaml"
    st = path.stat()
    data = path.read_bytes()
    path.write_bytes(b"[" + data[1:])
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(InputError):
        load_catalogue(folder)


def test_without_the_cache_no_record_is_read_or_written(folder, monkeypatch) -> None:
    monkeypatch.setenv("VETTRIAGE_NO_CACHE", "1")
    load_catalogue(folder)
    assert not record_file(folder).exists()
