"""`write_atomic` takes a path as text (a report's `-o`, without importing pathlib) and behaves as with a Path:
the same file written, the same folder used for its temporary file, the same one-line error naming the file
as pathlib writes it, nothing left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from vettriage.errors import InputError
from vettriage.files import write_atomic


@pytest.mark.parametrize("given", ["out.html", "./out.html", "sub//out.html", "sub/./out.html", "sub/../out.html"])
@pytest.mark.parametrize("as_text", [True, False])
def test_text_and_path_write_the_same_file(tmp_path, monkeypatch, given, as_text):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    write_atomic(given if as_text else Path(given), "é\n")
    target = tmp_path / Path(given)
    assert target.read_bytes() == "é\n".encode()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # mkstemp's mode, kept by the rename
    assert sorted(p.name for p in target.parent.iterdir() if p.name.startswith(".")) == []


def _error(path) -> str:
    with pytest.raises(InputError) as got:
        write_atomic(path, b"x")
    return str(got.value)


@pytest.mark.parametrize("given", ["missing/out.html", "folder/", "folder", "./folder/"])
def test_a_file_that_cannot_be_written_is_named_as_pathlib_names_it(tmp_path, monkeypatch, given):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    assert _error(given) == _error(Path(given))
    assert str(Path(given)) in _error(given)
    assert sorted(os.listdir(tmp_path)) == ["folder"] and os.listdir(tmp_path / "folder") == []


def test_make_folder_with_text(tmp_path):
    write_atomic(str(tmp_path / "a" / "b" / "c.toml"), "x", make_folder=True)
    assert (tmp_path / "a" / "b" / "c.toml").read_text() == "x"
