"""`vettriage intakes ...` end to end: add, list, show, export → import → export, and refused input."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest

from vettriage.cli import main
from vettriage.store import open_store
from vettriage.store.transfer import export_document, import_document, to_json

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the real command line in-process."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(url: str) -> str:
    """Everything in the store, as export text (the refusal tests compare before and after)."""
    s = open_store(url)
    try:
        return to_json(export_document(s))
    finally:
        s.close()


def fill_by_cli(db_url: str, capsys, catalogue) -> str:
    """Three completed intakes from the example answers files, one in progress, one amended."""
    for name, dog, by in (("arthritis.yaml", "Bella", "owner"), ("emergency.yaml", "Duke", "Tina"),
                          ("cognitive-signs.yaml", "bella", "owner")):
        code, out, err = cli(capsys, "intakes", "add", str(EXAMPLES / name), "--dog", dog, "--by", by,
                             "--db", db_url)
        assert code == 0, err
    s = open_store(db_url)
    try:
        dog = s.add_dog("Ünsal", breed_or_size="small", owner_contact="+44 1234")
        i = s.create_intake(dog.id, by="owner", mode="owner", content_version=catalogue.version,
                            content_hash=catalogue.hash)
        s.save_answer(i.id, "rf_collapse", False, who="owner", position="rf_breathing")
        s.save_answer(1, "rf_collapse", True, who="Tina", reason="owner called back: collapsed this morning")
    finally:
        s.close()
    return db_url


@pytest.fixture(scope="session")
def sample(tmp_path_factory, catalogue) -> dict:
    """The export document of a store filled once through the command line (SQLite)."""
    url = str(tmp_path_factory.mktemp("sample") / "sample.db")

    class _Quiet:  # capsys is function-scoped; the CLI's output is not under test here
        def readouterr(self):
            return "", ""

    fill_by_cli(url, _Quiet(), catalogue)
    s = open_store(url)
    try:
        return export_document(s)
    finally:
        s.close()


@pytest.fixture
def filled(db_url, sample) -> str:
    """The sample records, imported into an empty database on the backend under test."""
    s = open_store(db_url)
    try:
        import_document(s, sample, "sample")
    finally:
        s.close()
    return db_url


def test_add_list_show(db_url, capsys, catalogue):
    filled = fill_by_cli(db_url, capsys, catalogue)
    code, out, _ = cli(capsys, "intakes", "list", "--db", filled)
    assert code == 0 and len(out.strip().splitlines()) == 1 + 4
    code, out, _ = cli(capsys, "intakes", "list", "--dog", "BELLA", "--status", "completed", "--db", filled)
    assert [line.split()[0] for line in out.strip().splitlines()[1:]] == ["3"]
    code, out, _ = cli(capsys, "intakes", "list", "--urgency", "emergency", "--db", filled)
    assert [line.split()[0] for line in out.strip().splitlines()[1:]] == ["2"]
    code, out, _ = cli(capsys, "intakes", "show", "1", "--json", "--db", filled)
    rec = json.loads(out)
    assert rec["status"] == "amended" and rec["dog"]["name"] == "Bella" and rec["answers"]["rf_collapse"] is True
    assert rec["assessment"]["urgency"] in ("routine", "soon", "emergency")
    assert rec["audit"][-1]["reason"].startswith("owner called back")
    code, out, _ = cli(capsys, "intakes", "show", "1", "--db", filled)
    assert "Changes with a reason" in out and "owner called back" in out
    s = open_store(filled)
    try:
        assert len({i.dog_id for i in s.list_intakes(dog="bella")}) == 1  # --dog found the same Bella again
    finally:
        s.close()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_import_export_is_identical(filled, new_db, tmp_path, capsys, fmt):
    first, second = tmp_path / f"one.{fmt}", tmp_path / f"two.{fmt}"
    assert cli(capsys, "intakes", "export", "--format", fmt, "-o", str(first), "--db", filled)[0] == 0
    empty = new_db()
    code, out, err = cli(capsys, "intakes", "import", str(first), "--db", empty)
    assert code == 0, err
    assert cli(capsys, "intakes", "export", "--format", fmt, "-o", str(second), "--db", empty)[0] == 0
    assert second.read_bytes() == first.read_bytes()
    if fmt == "json":
        assert snapshot(empty) == snapshot(filled)
    s = open_store(empty)
    try:  # ids go on after the imported ones
        assert s.add_dog("New").id == 1 + max(d["id"] for d in json.loads(snapshot(filled))["dogs"])
    finally:
        s.close()


def _export(url: str, tmp_path: Path, fmt: str = "json") -> Path:
    path = tmp_path / f"export.{fmt}"
    path.write_text(to_json(export_document(open_store(url))) if fmt == "json" else "", encoding="utf-8")
    return path


def _edit_json(path: Path, change) -> None:
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize("spoil, message", [
    (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]), "truncated"),
    (lambda p: _edit_json(p, lambda d: d["intakes"][-1].update(content_version="1999.1")),
     "unknown content version '1999.1'"),
    (lambda p: _edit_json(p, lambda d: d["intakes"][-1].update(status="lost")), "status"),
    (lambda p: _edit_json(p, lambda d: d["intakes"][-1]["answers"].update(no_such_item=1)), "unknown question id"),
    (lambda p: _edit_json(p, lambda d: d["intakes"][-1].update(created_at="2026-11-22T10:00:00")), "UTC offset"),
    (lambda p: _edit_json(p, lambda d: d.update(format="something-else")), "not a vettriage export"),
])
def test_refused_json_import_changes_nothing(filled, new_db, tmp_path, capsys, spoil, message):
    path = _export(filled, tmp_path)
    spoil(path)
    target = new_db()
    s = open_store(target)
    s.add_dog("Already here")
    s.close()
    before, file_before = snapshot(target), hashlib.sha256(path.read_bytes()).hexdigest()
    code, out, err = cli(capsys, "intakes", "import", str(path), "--db", target)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert snapshot(target) == before
    assert hashlib.sha256(path.read_bytes()).hexdigest() == file_before


def test_import_over_existing_ids_is_refused_whole(filled, capsys, tmp_path):
    path = tmp_path / "all.json"
    assert cli(capsys, "intakes", "export", "-o", str(path), "--db", filled)[0] == 0
    doc = json.loads(path.read_text())
    for d in doc["dogs"]:
        d["id"] += 1000  # the dogs would be new; the intakes' ids are still taken
    for i in doc["intakes"]:
        i["dog_id"] += 1000
    path.write_text(json.dumps(doc))
    before = snapshot(filled)
    code, _, err = cli(capsys, "intakes", "import", str(path), "--db", filled)
    assert code == 2 and "already exists" in err
    assert snapshot(filled) == before


@pytest.mark.parametrize("cut", ["end_row", "mid_row", "json_cell"])
def test_truncated_csv_is_refused(filled, new_db, tmp_path, capsys, cut):
    path = tmp_path / "e.csv"
    assert cli(capsys, "intakes", "export", "--format", "csv", "-o", str(path), "--db", filled)[0] == 0
    text = path.read_text()
    lines = text.splitlines(keepends=True)
    if cut == "end_row":
        text = "".join(lines[:-1])  # cut exactly at a line boundary
    elif cut == "mid_row":
        text = "".join(lines[:-2]) + lines[-2][: len(lines[-2]) // 3]
    else:  # a JSON cell cut short, the row itself intact
        rows = list(csv.reader(io.StringIO(text)))
        col = rows[0].index("answers")
        rows[1][col] = rows[1][col][: len(rows[1][col]) // 2]
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        text = buf.getvalue()
    path.write_text(text)
    target = new_db()
    before = snapshot(target)
    code, _, err = cli(capsys, "intakes", "import", str(path), "--db", target)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert snapshot(target) == before


def test_bad_answers_file_and_bad_database_are_one_line(db_url, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("rf_collapse: perhaps\n")
    code, _, err = cli(capsys, "intakes", "add", str(bad), "--dog", "Rex", "--db", db_url)
    assert code == 2 and "rf_collapse" in err and len(err.strip().splitlines()) == 1
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage" * 100)
    before = junk.read_bytes()
    for argv in (["list"], ["show", "1"], ["export"], ["add", str(EXAMPLES / "arthritis.yaml"), "--dog", "R"]):
        code, _, err = cli(capsys, "intakes", *argv, "--db", str(junk))
        assert code == 2 and "not a vettriage database" in err and len(err.strip().splitlines()) == 1
    assert junk.read_bytes() == before
    code, _, err = cli(capsys, "intakes", "show", "999", "--db", db_url)
    assert code == 2 and "no intake 999" in err


def test_environment_names_the_database(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("VETTRIAGE_DATABASE_URL", str(tmp_path / "env.db"))
    code, _, err = cli(capsys, "intakes", "add", str(EXAMPLES / "healthy-senior.yaml"), "--dog", "Pip")
    assert code == 0, err
    assert (tmp_path / "env.db").exists()
    assert "Pip" in cli(capsys, "intakes", "list")[1]
