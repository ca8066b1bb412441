"""Export and import at scale (issue 30): compact JSON by default and --indent on request, both read back to the
same bytes; an import written in chunks is still all or nothing, with a bad record or a taken id after the
first chunk, on the one-record-at-a-time path and on the worker processes' path."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from vettriage.cli import main
from vettriage.errors import InputError
from vettriage.store import import_workers, open_store
from vettriage.store.db import Tx
from vettriage.store.spool import PAGE
from vettriage.store.transfer import import_file, to_json, write_export
from vettriage.textcheck import ascii_json

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
N = 3 * PAGE + 60  # past three spool chunks


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _fill(url: str, n: int = N) -> None:
    """n intakes of n // 5 dogs in bulk, each with a short audit trail (one of them a checklist answer)."""
    s = open_store(url)
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)

    def tx(tx: Tx) -> None:
        tx.insert_many("dogs", [dict(name=f"Dog {d} Ünsal", name_key=f"dog {d} ünsal", created_at=t0)
                                for d in range(1, n // 5 + 1)])
        tx.insert_many("intakes", [dict(
            id=i, dog_id=1 + i % (n // 5), by="owner", mode="owner", status="in_progress", urgency=None,
            emergency=False, created_at=t0, updated_at=t0 + dt.timedelta(seconds=i), content_version="v",
            content_hash="h", answers={"q1": i % 4, "q2": ["a", "b"], "notes": f"note {i} “quoted” 🐕"},
            position=None, assessment=None) for i in range(1, n + 1)])
        tx.insert_many("audit", [dict(intake_id=i, item_id=k, old_value=None, new_value=v, who="owner",
                                      at=t0 + dt.timedelta(seconds=i), reason=None)
                                 for i in range(1, n + 1) for k, v in (("q1", i % 4), ("q2", ["a", "b"]))])

    s.run(tx, write=True)
    s.close()


def _export(url: str, path: Path, indent: int | None = None) -> Path:
    s = open_store(url)
    try:
        with open(path, "w", encoding="utf-8", newline="") as f:
            write_export(s, f, indent=indent)
    finally:
        s.close()
    return path


def _file_state(url: str) -> str:
    """The SQLite file's bytes, with its WAL's, as a digest (a refused import must not change one byte)."""
    h = hashlib.sha256()
    for extra in ("", "-wal"):
        p = Path(url + extra)
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()


def _exported(tmp_path: Path) -> Path:
    """The export (e.json) of a store filled by `_fill`."""
    source = str(tmp_path / "source.db")
    _fill(source)
    return _export(source, tmp_path / "e.json")


def _target(tmp_path: Path, dog: str | None = None) -> str:
    """A store to import into: empty, or with one dog (id 1)."""
    target = str(tmp_path / "target.db")
    s = open_store(target)
    if dog is not None:
        s.add_dog(dog)
    s.close()
    return target


def _refused(target: str, path: Path) -> str:
    """Imports `path` into `target`, which must refuse it: one line, and the store's file (with its WAL) not
    changed by one byte. Returns the message."""
    before = _file_state(target)
    s = open_store(target)
    try:
        with pytest.raises(InputError) as err:
            import_file(s, path, {"v"})
    finally:
        s.close()
    assert len(str(err.value).splitlines()) == 1 and _file_state(target) == before, str(err.value)
    return str(err.value)


@pytest.fixture(params=["one at a time", "workers"])
def path_taken(request, monkeypatch) -> str:
    """Both ways an import is checked: this process alone, or worker processes on every core."""
    if request.param == "workers":
        monkeypatch.setattr(import_workers, "MIN_BYTES", 0)
        monkeypatch.setattr(import_workers, "BATCH", 50)
        monkeypatch.setattr(import_workers, "workers", lambda: 2)
    else:
        monkeypatch.setattr(import_workers, "workers", lambda: 1)
    return request.param


@pytest.mark.parametrize("indent", [None, 0, 2])
def test_compact_and_indented_exports_import_back_to_the_same_bytes(db_url, new_db, tmp_path, capsys, indent,
                                                                    path_taken):
    _fill(db_url, 700)
    option = [] if indent is None else ["--indent", str(indent)]
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    assert cli(capsys, "intakes", "export", *option, "-o", str(first), "--db", db_url)[0] == 0
    text = first.read_text(encoding="utf-8")
    doc = json.loads(text)
    if indent is None:  # compact: one record a line, the C encoder's separators
        assert len(text.splitlines()) == 5 + len(doc["dogs"]) + len(doc["intakes"])
        assert '": ' not in text.splitlines()[2]
    else:  # exactly what json.dumps(doc, indent=N) gives
        assert text == to_json(doc, indent)
    empty = new_db()
    target = open_store(empty)
    try:
        assert import_file(target, first, {"v"}) == (140, 700)
    finally:
        target.close()
    assert cli(capsys, "intakes", "export", *option, "-o", str(second), "--db", empty)[0] == 0
    assert second.read_bytes() == first.read_bytes()


@pytest.mark.parametrize("value", ["9", "-1", "two", "1.5"])
def test_indent_takes_0_to_8_spaces(db_url, capsys, value):
    with pytest.raises(SystemExit) as exit_:  # argparse's usage error, as for every option
        main(["intakes", "export", "--indent", value, "--db", db_url])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "argument --indent: expected 0 to 8 spaces" in err and "Traceback" not in err


def test_indent_is_refused_for_csv(db_url, capsys):
    code, _, err = cli(capsys, "intakes", "export", "--format", "csv", "--indent", "2", "--db", db_url)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--indent" in err


def _spoil_line(path: Path, intake_id: int, change) -> None:
    """Change one intake of a compact export in place, keeping the layout (so the workers' path is tried)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for k, line in enumerate(lines):
        if line.startswith(f'{{"id":{intake_id},"dog_id"'):
            comma = line.endswith(",")
            rec = json.loads(line.rstrip(","))
            change(rec)
            lines[k] = import_workers.compact(rec) + ("," if comma else "")
            break
    else:
        raise AssertionError(f"intake {intake_id} not in the export")
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize("spoil, message", [
    (lambda r: r.update(status="lost"), "intakes[id=1400].status"),
    (lambda r: r["audit"][1].update(at="2026-01-01T10:00:00"), "intakes[id=1400].audit[1].at"),
    (lambda r: r.update(id=12), "intakes[id=12].id"),  # the same id twice, far apart
])
def test_a_bad_record_after_the_first_chunk_leaves_the_store_byte_identical(tmp_path, path_taken, spoil, message):
    path = _exported(tmp_path)
    _spoil_line(path, 1400, spoil)
    assert message in _refused(_target(tmp_path, "Already here"), path)


def test_a_taken_id_in_a_late_chunk_rolls_back_every_chunk_written_before_it(db_url, new_db, tmp_path, path_taken):
    _fill(db_url)
    path = _export(db_url, tmp_path / "all.json")
    target = new_db()
    s = open_store(target)
    try:
        # one intake of the file is already there: the write fails at its chunk, after others were written
        when = dt.datetime(2026, 2, 1, tzinfo=dt.timezone.utc)

        def other(tx: Tx) -> None:  # a dog whose id is not in the file, with an intake whose id is
            tx.insert_many("dogs", [dict(id=10_000, name="Other", name_key="other", created_at=when)])
            tx.insert_many("intakes", [dict(
                id=N - 10, dog_id=10_000, by="owner", mode="owner", status="in_progress", urgency=None,
                emergency=False, created_at=when, updated_at=when, content_version="v", content_hash="h",
                answers={}, position=None, assessment=None)])

        s.run(other, write=True)
        before = _export(target, tmp_path / "before.json").read_bytes()
        with pytest.raises(InputError, match=f"intake {N - 10} already exists"):
            import_file(s, path, {"v"})
    finally:
        s.close()
    assert _export(target, tmp_path / "after.json").read_bytes() == before


def test_workers_and_one_at_a_time_store_the_same_rows(tmp_path, monkeypatch):
    source = str(tmp_path / "source.db")
    _fill(source)
    path = _export(source, tmp_path / "e.json")
    dumps = []
    for parallel in (False, True):
        monkeypatch.setattr(import_workers, "MIN_BYTES", 0 if parallel else 1 << 60)
        monkeypatch.setattr(import_workers, "workers", lambda: 2)
        target = str(tmp_path / f"t{parallel}.db")
        s = open_store(target)
        try:
            import_file(s, path, {"v"})
            dumps.append(s.run(lambda tx: [tuple(r) for t in ("dogs", "intakes", "audit")
                                           for r in tx.raw(f"SELECT * FROM {t} ORDER BY id")]))
        finally:
            s.close()
    assert dumps[0] == dumps[1] and len(dumps[0]) > N
    from vettriage.store.backend import make_database, resolve_url
    from vettriage.store.spool import Spool
    from vettriage.store.validate import Checker

    with Spool(make_database(resolve_url(source)).dialect) as spool:  # the second import did take the workers' path
        assert import_workers.check_in_parallel(path, Checker(str(path), {"v"}), spool) == (N // 5, N)


def test_equal_but_different_answer_values_are_stored_as_given(tmp_path):
    """The import remembers the stored text of answer values it has seen: 0.0 and -0.0 are equal in Python
    (as are 1 and true), and must not be stored as each other."""
    source = str(tmp_path / "source.db")
    s = open_store(source)
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    values = [0.0, -0.0, 1, True, 1.0, "1", ["a"], None, 0, False]

    def tx(tx: Tx) -> None:
        tx.insert_many("dogs", [dict(id=1, name="Pip", name_key="pip", created_at=t0)])
        tx.insert_many("intakes", [dict(
            id=1, dog_id=1, by="owner", mode="owner", status="in_progress", urgency=None, emergency=False,
            created_at=t0, updated_at=t0, content_version="v", content_hash="h",
            answers={f"q{k}": v for k, v in enumerate(values)}, position=None, assessment=None)])
        tx.insert_many("audit", [dict(intake_id=1, item_id=f"q{k}", old_value=v, new_value=v, who="owner", at=t0,
                                      reason=None) for k, v in enumerate(values)])

    s.run(tx, write=True)
    s.close()
    path = _export(source, tmp_path / "e.json")
    stored = {}
    for url in (source, str(tmp_path / "target.db")):
        s = open_store(url)
        try:
            if url != source:
                import_file(s, path, {"v"})
            stored[url] = s.run(lambda tx: [tuple(r) for r in tx.raw("SELECT old_value, new_value FROM audit "
                                                                      "ORDER BY id")])
        finally:
            s.close()
    assert list(stored.values())[0] == list(stored.values())[1]  # as the store itself wrote them
    assert _export(str(tmp_path / "target.db"), tmp_path / "again.json").read_bytes() == path.read_bytes()


def test_ascii_json_is_what_the_ascii_encoder_writes_for_every_code_point():
    for start in range(0, 0x110000, 0x8000):
        text = "".join(chr(c) for c in range(start, min(start + 0x8000, 0x110000)))
        value = {text[:40]: [text, 1.5, None, True]}
        assert ascii_json(json.dumps(value, ensure_ascii=False)) == json.dumps(value)


def test_no_room_for_the_spool_is_one_line_and_imports_nothing(tmp_path, capsys, monkeypatch):
    import errno
    import tempfile

    source = str(tmp_path / "source.db")
    _fill(source, 20)
    path = _export(source, tmp_path / "e.json")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", full)
    target = tmp_path / "target.db"
    code, _, err = cli(capsys, "intakes", "import", str(path), "--db", str(target))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "No space left" in err, err
    assert not target.exists()


@pytest.mark.parametrize("at, stored", [
    ("2026-01-01T08:00:00+00:00", "2026-01-01 08:00:00.000000"),
    ("2026-01-01T08:00:00.120000+00:00", "2026-01-01 08:00:00.120000"),
    ("2026-01-01T08:00:00.999999+00:00", "2026-01-01 08:00:00.999999"),
    ("2026-01-01T09:30:00+01:30", "2026-01-01 08:00:00.000000"),  # another offset: the generic way
    ("2026-01-01 08:00:00+00:00", "2026-01-01 08:00:00.000000"),
    ("0999-12-31T23:00:00+00:00", None),  # before year 1000: as the store's strftime writes it
    ("2026-02-30T08:00:00+00:00", "audit[0].at"),  # no such day: refused, naming the field
    ("2026-01-01T24:00:00+00:00", "audit[0].at"),
    ("2026-01-01T08:00:00", "audit[0].at"),  # no UTC offset
])
def test_audit_times_are_stored_as_the_store_writes_them_or_refused(tmp_path, at, stored):
    """An audit time in our export's layout is cut into SQLite's text instead of parsed and formatted again:
    the same text as the store's own encoding, and a time that is not real is still refused."""
    source = str(tmp_path / "source.db")
    s = open_store(source)
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)

    def tx(tx: Tx) -> None:
        tx.insert_many("dogs", [dict(id=1, name="Pip", name_key="pip", created_at=t0)])
        tx.insert_many("intakes", [dict(
            id=1, dog_id=1, by="owner", mode="owner", status="in_progress", urgency=None, emergency=False,
            created_at=t0, updated_at=t0, content_version="v", content_hash="h", answers={"q": 1}, position=None,
            assessment=None)])
        tx.insert_many("audit", [dict(intake_id=1, item_id="q", old_value=None, new_value=1, who="owner",
                                      at=t0 + dt.timedelta(seconds=5), reason=None)])

    s.run(tx, write=True)
    s.close()
    path = _export(source, tmp_path / "e.json")
    text = path.read_text(encoding="utf-8")
    assert text.count('"at":"2026-01-01T00:00:05+00:00"') == 1
    path.write_text(text.replace('"at":"2026-01-01T00:00:05+00:00"', json.dumps({"at": at})[1:-1]),
                    encoding="utf-8")
    target = open_store(str(tmp_path / "target.db"))
    try:
        if stored is not None and stored.startswith("audit"):
            with pytest.raises(InputError, match=r"intakes\[id=1\]\.audit\[0\]\.at"):
                import_file(target, path, {"v"})
            return
        import_file(target, path, {"v"})
        got = target.run(lambda tx: tx.scalar("SELECT at FROM audit"))
    finally:
        target.close()
    want = target._db.dialect.dump("ts", dt.datetime.fromisoformat(at))  # noqa: SLF001 - the store's own encoding
    assert got == want and (stored is None or got == stored)


def _workers(monkeypatch) -> None:
    monkeypatch.setattr(import_workers, "MIN_BYTES", 0)
    monkeypatch.setattr(import_workers, "BATCH", 50)
    monkeypatch.setattr(import_workers, "workers", lambda: 2)


@pytest.mark.parametrize("intake_there", [False, True])
def test_the_write_lock_is_held_while_checking_only_into_a_store_with_no_intake(tmp_path, monkeypatch,
                                                                                 intake_there):
    """Into a store with no intake (a restore) the workers' check and the write overlap, in one transaction
    taken first; into a store with intakes (autosaves to stall) the lock is taken only once all is checked."""
    import sqlite3

    from vettriage.store import transfer

    path = _exported(tmp_path)
    _workers(monkeypatch)
    target = str(tmp_path / "target.db")
    s = open_store(target)
    when = dt.datetime(2026, 2, 1, tzinfo=dt.timezone.utc)

    def other(tx: Tx) -> None:  # a dog, and perhaps an intake, whose ids are not in the file
        tx.insert_many("dogs", [dict(id=10_000, name="Other", name_key="other", created_at=when)])
        if intake_there:
            tx.insert_many("intakes", [dict(
                id=10 * N, dog_id=10_000, by="owner", mode="owner", status="in_progress", urgency=None,
                emergency=False, created_at=when, updated_at=when, content_version="v", content_hash="h",
                answers={}, position=None, assessment=None)])

    s.run(other, write=True)
    s.close()
    seen = []
    check = import_workers.check_in_parallel

    def spy(*args, **kwargs):
        other = sqlite3.connect(target, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            seen.append("free")
        except sqlite3.OperationalError as exc:
            seen.append(str(exc))
        finally:
            other.close()
        return check(*args, **kwargs)

    monkeypatch.setattr(transfer, "check_in_parallel", spy)
    s = open_store(target)
    try:
        assert import_file(s, path, {"v"}) == (N // 5, N)
    finally:
        s.close()
    assert seen == (["free"] if intake_there else ["database is locked"])


def test_a_taken_dog_id_while_checking_and_writing_at_once_is_said_as_always(tmp_path, monkeypatch):
    path = _exported(tmp_path)
    _workers(monkeypatch)
    _spoil_line(path, 1400, lambda r: r.update(status="lost"))  # and a bad record far after the dogs
    target = _target(tmp_path, "Rex")  # id 1, which the file's first dog also has: found at the first chunk written
    # the bad record is named first, as when the whole file was checked before anything was written
    assert "intakes[id=1400].status" in _refused(target, path)
    _spoil_line(path, 1400, lambda r: r.update(status="in_progress"))
    assert "dog 1 already exists" in _refused(target, path)


@pytest.mark.parametrize("spoil, message", [
    ('"status":"in_progress","status":"completed"', "key 'status' given twice"),
    ('"status":"in_progress","x":1e999', "1e999 is out of range"),
    ('"status":NaN', "NaN is not a number JSON allows"),
])
def test_a_record_the_strict_reader_refuses_is_refused_in_a_late_chunk(tmp_path, path_taken, spoil, message):
    """The workers read each line as the ordinary reading does (jsonread's strict decoder), so what it refuses
    in a late line is refused, with its line, and nothing is written."""
    path = _exported(tmp_path)
    lines = path.read_text(encoding="utf-8").split("\n")
    k = next(k for k, line in enumerate(lines) if line.startswith('{"id":1400,"dog_id"'))
    assert lines[k].count('"status":"in_progress"') == 1
    lines[k] = lines[k].replace('"status":"in_progress"', spoil)
    path.write_text("\n".join(lines), encoding="utf-8")
    said = _refused(_target(tmp_path), path)
    assert message in said and f"e.json:{k + 1}:" in said, said


def test_strings_are_emptied_by_splitting_as_by_the_string_pattern():
    """json_checked empties a JSON text's strings by splitting at its quotes (textcheck._bare) instead of the
    string pattern: the same text for every json.dumps output, escapes, quotes, backslashes and brackets in
    strings included, so the number and depth checks that follow see the same thing."""
    import random

    from vettriage.textcheck import _JSON_STRING, _bare, json_problem

    rng = random.Random(31)
    alphabet = 'a"\\[]{}0123456789 é\n\t\x01/:,🐕'

    def text() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(14)))

    for ascii_only in (False, True):
        for _ in range(20_000):
            value = {text(): [text(), 12345678901234567890123, {text(): [1, [text()]]}], "k": text()}
            dumped = json.dumps(value, ensure_ascii=ascii_only)
            assert _bare(dumped) == _JSON_STRING.sub('""', dumped), dumped
    assert json_problem({"a\\\"[[[[": [10**20]}) == "holds a whole number too large to be an answer"
    assert json_problem({'"]]]]': "[" * 40}) is None


def test_the_command_checks_and_writes_at_once_and_a_refusal_leaves_no_new_store(tmp_path, capsys, monkeypatch):
    """`intakes import` of a big compact export into a new store takes the at-once way; a refused record rolls
    it back, leaves no store file behind (as when the file was judged before the store was opened), and says
    it in one line, exit 2. (The test's records are of content version "v", which the command does not know;
    import_file's tests above write, and refuse in late chunks, on the same way.)"""
    from vettriage.store import transfer

    path = _exported(tmp_path)
    _workers(monkeypatch)
    ways = []
    at_once = transfer.check_and_write_at_once

    def spy(*args, **kwargs):
        ways.append("at once")
        return at_once(*args, **kwargs)

    monkeypatch.setattr(transfer, "check_and_write_at_once", spy)
    target = tmp_path / "new.db"
    code, _, err = cli(capsys, "intakes", "import", str(path), "--db", str(target))
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert "intakes[id=1].content_version: unknown content version 'v'" in err and "Traceback" not in err
    assert ways == ["at once"] and not any(tmp_path.glob("new.db*"))
