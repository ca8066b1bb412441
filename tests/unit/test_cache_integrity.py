"""The content caches are verified (issue 25): every cache file is sealed with a hash of its bytes, the key and
the code that wrote it. A flipped byte anywhere is a miss and a rebuild, never a result: with each cache file
damaged, every shipped example assesses exactly as with no cache at all. A sealed file naming a callable other than
the content's own classes is refused without running it."""

from __future__ import annotations

import io
import pickle
import random
from pathlib import Path

import pytest
import yaml

from vettriage.content import cache, stathash
from vettriage.content.catalogue import load_catalogue
from vettriage.engine import assess

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


def results() -> list:
    cat = load_catalogue()  # a new catalogue object: its programs are looked up in the cache again
    return [assess(cat, yaml.safe_load(p.read_text())).model_dump(mode="json") for p in EXAMPLES]


@pytest.fixture
def caches(tmp_path, monkeypatch):
    """(reference results with no cache, the cache folder filled, the keys each code file was written under)."""
    monkeypatch.setenv("VETTRIAGE_NO_CACHE", "1")
    reference = results()
    monkeypatch.delenv("VETTRIAGE_NO_CACHE")
    monkeypatch.setenv("VETTRIAGE_CACHE_DIR", str(tmp_path / "cache"))
    keys: dict[Path, tuple[str, Path]] = {}
    real = cache.write_code

    def remember(key, source, value):
        keys[Path(cache._code_path(key, source))] = (key, source)
        real(key, source, value)

    monkeypatch.setattr(cache, "write_code", remember)
    assert results() == reference
    monkeypatch.setattr(cache, "write_code", real)
    return reference, tmp_path / "cache", keys


def positions(size: int, seed: int) -> list[int]:
    """Every byte of the seal and header, and a spread of the payload."""
    rng = random.Random(seed)
    return sorted(set(range(min(size, 160))) | set(rng.sample(range(size), min(size, 150))))


def flipped(data: bytes, at: int) -> bytes:
    out = bytearray(data)
    out[at] ^= 1 << (at % 8)
    return bytes(out)


def test_a_flipped_byte_in_any_cache_file_is_a_miss(caches) -> None:
    _, folder, keys = caches
    loaded = load_catalogue()
    digest, content = loaded.hash, loaded.folder
    files = sorted(folder.iterdir())
    assert len([f for f in files if f.suffix == ".pickle"]) == 1 and len(keys) >= 2
    assert len([f for f in files if f.name.startswith("stat-")]) == 1  # the content folder's stat record
    for f in files:
        original = f.read_bytes()
        if f.suffix == ".pickle":
            read = lambda: cache.read(digest)  # noqa: E731
        elif f.name.startswith("stat-"):
            read = lambda: stathash._read(content)  # noqa: E731
        else:
            read = lambda k=keys[f]: cache.read_code(*k)  # noqa: E731
        assert read() is not None
        for at in positions(len(original), len(original)):
            f.write_bytes(flipped(original, at))
            assert read() is None, f"{f.name}: byte {at} flipped and still used"
        f.write_bytes(original)


def test_with_a_damaged_cache_file_the_results_are_those_of_no_cache(caches) -> None:
    reference, folder, _ = caches
    rng = random.Random(25)
    for f in sorted(folder.iterdir()):
        original = f.read_bytes()
        for at in (5, 40, rng.randrange(len(original)), len(original) - 1):
            f.write_bytes(flipped(original, at))
            assert results() == reference, f"{f.name}: byte {at}"
            assert f.read_bytes() != flipped(original, at)  # rebuilt in place
        f.write_bytes(original)


class Boom:
    def __reduce__(self):
        import os

        return (os.system, ("echo ran > /dev/null",))


def test_a_sealed_cache_naming_another_callable_is_refused_unrun(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("VETTRIAGE_CACHE_DIR", str(tmp_path))
    digest = load_catalogue().hash
    path = Path(cache._path(digest))
    hostile = pickle.dumps(Boom())
    path.write_bytes(cache._seal(digest, cache._fingerprint(cache._catalogue_sources()), hostile))
    called = []
    monkeypatch.setattr("os.system", lambda *a: called.append(a))
    assert cache.read(digest) is None and not called
    with pytest.raises(pickle.UnpicklingError):
        cache._ContentUnpickler(io.BytesIO(hostile)).load()
    assert not called


@pytest.mark.parametrize(("key", "code"), [("ab12", "0f" * 32), ("rules|x y:z/1.0", "f"), ("é", "a"), ('a"b', "c"),
                                           ("a\\b", "c"), ("tab\there", "c"), ("", ""), ("line\nbreak", "\x7f")])
def test_the_header_is_what_json_writes_so_older_files_still_match(key: str, code: str) -> None:
    import json

    assert cache._header(key, code) == json.dumps({"key": key, "code": code}).encode()


def test_a_sealed_file_for_another_key_or_code_is_a_miss(tmp_path) -> None:
    path = tmp_path / "f"
    path.write_bytes(cache._seal("key", "code", b"payload"))
    assert cache._open_sealed(path, "key", "code") == b"payload"
    assert cache._open_sealed(path, "key2", "code") is None
    assert cache._open_sealed(path, "key", "code2") is None
    assert cache._open_sealed(path, "ke", "y\", \"code\": \"code") is None  # same text around, another key


def test_a_cached_catalogue_names_its_folder_as_the_loaded_one_and_pickles_no_path(tmp_path, monkeypatch) -> None:
    from vettriage.content.catalogue import content_hash
    from vettriage.resources import questionnaires_dir

    monkeypatch.setenv("VETTRIAGE_CACHE_DIR", str(tmp_path / "cache"))
    shipped = questionnaires_dir()
    fresh = load_catalogue(str(shipped) + "/./")  # read from YAML, then cached
    assert fresh.folder == str(shipped) and fresh.directory == shipped
    assert b"pathlib" not in pickle.dumps(fresh)
    cached = load_catalogue(shipped)
    assert cached is not fresh and cached.hash == fresh.hash and cached.directory == shipped
    # the content hash lists the folder's YAML files as Path.glob did: every *.yaml name, in name order
    (tmp_path / "c").mkdir()
    for name in ("b.yaml", "a.yaml", ".h.yaml", "x.yml", "c.YAML"):
        (tmp_path / "c" / name).write_text(name)
    from vettriage.hashing import sha256

    expected = sha256()
    for path in sorted((tmp_path / "c").glob("*.yaml")):
        expected.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    assert content_hash(tmp_path / "c") == content_hash(str(tmp_path / "c")) == expected.hexdigest()
