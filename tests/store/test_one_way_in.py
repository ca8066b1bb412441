"""One way in for every new intake (issue 25): `intakes add`, `fhir import` and `invite` write through the store's
record_intake, one transaction under one rule for which dog it is. A failure at any statement leaves nothing;
concurrent `fhir import` and `invite` for one new dog make one dog on both backends; the integrity check that
runs before the first write catches a damaged index; a full disk says "disk full"."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vettriage.cli import main
from vettriage.store import open_store
from vettriage.store.db import Tx

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def counts(url: str) -> tuple[int, int, int, int]:
    """(dogs, intakes, audit events, invitations) in the database."""
    s = open_store(url)
    try:
        return s.run(lambda tx: tuple(tx.scalar(f"SELECT COUNT(*) FROM {t}")
                                      for t in ("dogs", "intakes", "audit", "invites")))
    finally:
        s.close()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """A FHIR Bundle of one completed intake of a dog called Nova (owner Jane), exported by `fhir export`."""
    d = tmp_path_factory.mktemp("bundle")
    db = str(d / "source.db")
    assert main(["dogs", "add", "--name", "Nova", "--owner", "Jane", "--db", db]) == 0
    assert main(["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Nova", "--db", db]) == 0
    out = d / "nova.json"
    assert main(["fhir", "export", "--intake", "1", "-o", str(out), "--db", db]) == 0
    return out


def edited(bundle: Path, tmp_path: Path, change) -> Path:
    doc = json.loads(bundle.read_text())
    change(doc)
    out = tmp_path / "edited.json"
    out.write_text(json.dumps(doc))
    return out


# -- one rule for which dog ----------------------------------------------------------------------------------

def test_fhir_import_and_invite_find_the_same_dog(db_url, bundle, capsys) -> None:
    assert main(["fhir", "import", str(bundle), "--db", db_url]) == 0
    assert main(["invite", "--dog", "NOVA", "--store", db_url]) == 0
    assert main(["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "nova", "--db", db_url]) == 0
    capsys.readouterr()
    assert counts(db_url)[:2] == (1, 3)


def test_a_patient_of_another_owner_is_another_dog(db_url, bundle, capsys) -> None:
    s = open_store(db_url)
    try:
        other = s.add_dog("Nova", owner_name="Priya")
    finally:
        s.close()
    assert main(["fhir", "import", str(bundle), "--db", db_url]) == 0  # Jane's Nova: a new dog
    assert main(["fhir", "import", str(bundle), "--db", db_url]) == 0  # and the same one again
    capsys.readouterr()
    s = open_store(db_url)
    try:
        novas = s.dogs_named("Nova")
        assert [d.owner_name for d in novas] == ["Priya", "Jane"] and novas[0].id == other.id
        assert len(s.dog_history(novas[1].id)) == 2 and not s.dog_history(other.id)
    finally:
        s.close()


def test_two_patients_in_one_bundle_are_refused(db_url, bundle, tmp_path, capsys) -> None:
    def second_patient(doc):
        patient = next(e for e in doc["entry"] if e["resource"]["resourceType"] == "Patient")
        doc["entry"].append(json.loads(json.dumps(patient)) | {"fullUrl": "urn:uuid:second"})

    code = main(["fhir", "import", str(edited(bundle, tmp_path, second_patient)), "--db", db_url])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "one Patient" in err
    assert counts(db_url) == (0, 0, 0, 0)


# -- names ---------------------------------------------------------------------------------------------------

BAD_NAMES = ["x" * 100_000, "Rex\x1b[2J", "Rex\x9b31m", "Rex\nJones", "\ud800"]


@pytest.mark.parametrize("bad", BAD_NAMES, ids=["long", "escape", "csi", "newline", "surrogate"])
def test_bad_names_are_refused_everywhere_before_anything_is_written(tmp_path, bundle, bad, capsys) -> None:
    db = str(tmp_path / "n.db")

    def patient_named(doc):
        patient = next(e for e in doc["entry"] if e["resource"]["resourceType"] == "Patient")["resource"]
        patient["name"] = [{"text": bad}]

    commands = [
        ["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", bad, "--db", db],
        ["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Rex", "--by", bad, "--db", db],
        ["invite", "--dog", bad, "--store", db],
        ["fhir", "import", str(bundle), "--dog", bad, "--db", db],
        ["fhir", "import", str(bundle), "--by", bad, "--db", db],
        ["fhir", "import", str(edited(bundle, tmp_path, patient_named)), "--db", db],
    ]
    for argv in commands:
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and len(err) < 1000, (argv[:2], err)
    assert not Path(db).exists() or counts(db) == (0, 0, 0, 0)


def test_the_store_refuses_bad_names_itself(db_url) -> None:
    """The web form calls the store directly: the last guard is the store's."""
    from vettriage.store.api import StoreError

    s = open_store(db_url)
    try:
        for bad in BAD_NAMES:
            with pytest.raises(StoreError):
                s.record_intake(bad, by="owner", mode="owner", content_version="v", content_hash="h", answers={})
            with pytest.raises(StoreError):
                s.add_dog(bad)
    finally:
        s.close()
    assert counts(db_url) == (0, 0, 0, 0)


# -- crash points --------------------------------------------------------------------------------------------

class Crash(BaseException):
    """What the injected failure raises: like a kill, nothing in the program catches it."""


def statements_until_crash(monkeypatch, at: int) -> list[int]:
    """Make the `at`-th statement of every write transaction raise Crash; the list counts statements run."""
    seen = [0]
    for name in ("execute", "scalar", "executemany", "rows"):
        real = getattr(Tx, name)

        def wrapped(self, *a, _real=real, **k):
            seen[0] += 1
            if seen[0] == at:
                raise Crash()
            return _real(self, *a, **k)

        monkeypatch.setattr(Tx, name, wrapped)
    return seen


def write_paths(bundle: Path, db: str) -> dict[str, list[str]]:
    return {
        "intakes add": ["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Nova", "--db", db],
        "fhir import": ["fhir", "import", str(bundle), "--db", db],
        "fhir import in progress": ["fhir", "import", "IN_PROGRESS", "--db", db],
        "invite": ["invite", "--dog", "Nova", "--store", db],
    }


@pytest.mark.parametrize("path", ["intakes add", "fhir import", "fhir import in progress", "invite"])
def test_a_crash_at_any_statement_leaves_no_partial_record(db_url, bundle, tmp_path, path, monkeypatch,
                                                           capsys) -> None:
    in_progress = edited(bundle, tmp_path, lambda doc: next(
        e for e in doc["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse")["resource"].update(
        status="in-progress"))
    argv = [str(in_progress) if a == "IN_PROGRESS" else a for a in write_paths(bundle, db_url)[path]]
    main(argv)  # once whole, so that the database and the dog exist: what follows is only the write
    first = counts(db_url)
    main(argv)
    capsys.readouterr()
    before = counts(db_url)
    whole = tuple(b - a for a, b in zip(first, before))  # what one whole run adds
    assert whole[1] == 1
    crashed = 0
    for at in range(1, 40):
        with monkeypatch.context() as m:
            seen = statements_until_crash(m, at)
            try:
                main(argv)
            except Crash:
                crashed += 1
            else:
                break  # past the last statement: the command ran whole
            finally:
                capsys.readouterr()
        now = counts(db_url)
        # nothing, or (a crash after the commit) the whole record
        assert now in (before, tuple(b + w for b, w in zip(before, whole))), \
            f"{path}: partial record after a crash at statement {at}: {before} -> {now}"
        before = now
    assert crashed >= 4, f"{path}: only {crashed} crash points ({seen[0]} statements)"


KILLED = """
import sys
from vettriage.store.db import Tx
real = Tx.insert
def slow(self, table, values):
    got = real(self, table, values)
    if table == "intakes":
        open(sys.argv[1], "w").close()  # the dog and the intake are written, not yet committed
        import time; time.sleep(60)
    return got
Tx.insert = slow
from vettriage.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("path", ["fhir import", "invite"])
def test_a_kill_mid_write_leaves_nothing(db_url, bundle, tmp_path, path) -> None:
    marker = tmp_path / "inside"
    child = subprocess.Popen([sys.executable, "-c", KILLED, str(marker), *write_paths(bundle, db_url)[path]],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(30)
        child.stderr.close()
    assert counts(db_url) == (0, 0, 0, 0)


@pytest.mark.parametrize("path", ["intakes add", "fhir import", "invite"])
def test_a_full_disk_says_disk_full_and_leaves_nothing(tmp_path, bundle, path, monkeypatch, capsys) -> None:
    db = str(tmp_path / "full.db")
    main(["dogs", "list", "--db", db])  # the file exists, empty
    capsys.readouterr()
    real = Tx.insert

    def full(self, table, values):
        if table == "intakes":
            raise sqlite3.OperationalError("database or disk is full")
        return real(self, table, values)

    monkeypatch.setattr(Tx, "insert", full)
    code = main(write_paths(bundle, db)[path])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "disk full" in err and "corrupt" not in err, err
    monkeypatch.setattr(Tx, "insert", real)
    assert counts(db) == (0, 0, 0, 0)


def test_a_damaged_schema_fails_before_the_commit_so_a_retry_stores_one(tmp_path, capsys) -> None:
    db = str(tmp_path / "schema.db")
    assert main(["dogs", "add", "--name", "Nova", "--db", db]) == 0
    con = sqlite3.connect(db)
    con.execute("ALTER TABLE dogs RENAME COLUMN owner_phone TO phone_of_owner")  # every read of a dog fails
    con.commit()
    con.close()
    capsys.readouterr()
    add = ["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Nova", "--db", db]
    assert main(add) == 2 and main(add) == 2
    assert capsys.readouterr().err.count("\n") == 2
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM intakes").fetchone()[0] == 0
    con.close()


# -- a damaged index -----------------------------------------------------------------------------------------

def empty_index(db: str, index: str) -> None:
    """Make an index miss every row while the file stays well-formed: its one leaf page is emptied. SQLite's
    quick_check does not compare an index with its table, so only the full check sees it."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=DELETE")
    root, = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchone()
    size, = con.execute("PRAGMA page_size").fetchone()
    assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    con.close()
    with open(db, "r+b") as f:
        f.seek((root - 1) * size)
        header = f.read(8)
        assert header[0] == 0x0A  # a leaf index page: the whole index is on it
        f.seek((root - 1) * size)
        f.write(bytes([0x0A, 0, 0, 0, 0]) + (size % 65536).to_bytes(2, "big") + b"\0")
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert con.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    con.close()


def test_a_damaged_name_index_is_caught_before_it_makes_a_second_dog(tmp_path, bundle, capsys) -> None:
    db = str(tmp_path / "index.db")
    assert main(["intakes", "add", str(EXAMPLES / "arthritis.yaml"), "--dog", "Nova", "--db", db]) == 0
    empty_index(db, "ix_dogs_name_key")
    capsys.readouterr()
    for argv in write_paths(bundle, db).values():
        if "IN_PROGRESS" in argv:
            continue
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 2 and "damaged database file" in err and err.count("\n") == 1, err
    assert main(["invites", "revoke", "1", "--store", db]) == 2
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM dogs").fetchone()[0] == 1
    con.close()


# -- races ---------------------------------------------------------------------------------------------------

GO = ("import sys, time; t = float(sys.argv[1]); time.sleep(max(0, t - time.time())); "
      "from vettriage.cli import main; sys.exit(main(sys.argv[2:]))")
ROUNDS = int(os.environ.get("VETTRIAGE_RACE_ROUNDS", "3"))


def test_fhir_imports_and_invites_racing_for_one_new_dog_make_one_dog(db_url, bundle) -> None:
    for round_ in range(ROUNDS):
        name = f"Racer{round_}"
        start = time.time() + 3  # every child past its imports, then the same moment
        argvs = [["fhir", "import", str(bundle), "--dog", name, "--db", db_url]] * 2
        argvs += [["invite", "--dog", name, "--store", db_url]] * 2
        children = [subprocess.Popen([sys.executable, "-c", GO, str(start), *argv], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE) for argv in argvs]
        for c in children:
            assert c.wait(120) == 0, c.stderr.read().decode()
            c.stderr.close()
        s = open_store(db_url)
        try:
            dogs = s.dogs_named(name)
            assert len(dogs) == 1, f"round {round_}: {len(dogs)} dogs named {name}"
            assert len(s.dog_history(dogs[0].id)) == 4
        finally:
            s.close()
