"""Local time wherever a person reads a date: `intakes list --date` is a local day, `intakes show` and the
listings print local times with the zone, JSON names the zone; checked around midnight in a zone west of UTC."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest

from vettriage.cli import main

UTC = dt.timezone.utc
EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "arthritis.yaml")


@pytest.fixture()
def new_york(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")  # UTC-4 in May
    time.tzset()
    yield
    monkeypatch.delenv("TZ", raising=False)
    time.tzset()


@pytest.fixture()
def db(tmp_path, monkeypatch) -> str:
    """Two intakes: 22:00 on 1 May in New York (2 May in UTC) and 09:00 on 2 May."""
    import vettriage.store.sqlstore as sqlstore

    monkeypatch.delenv("VETTRIAGE_DATABASE_URL", raising=False)
    monkeypatch.setenv("VETTRIAGE_CONFIG", str(tmp_path / "c.toml"))
    (tmp_path / "c.toml").write_text("")
    path = str(tmp_path / "t.db")
    for dog, when in (("Late", dt.datetime(2026, 5, 2, 2, 0, tzinfo=UTC)),
                      ("Early", dt.datetime(2026, 5, 2, 13, 0, tzinfo=UTC))):
        monkeypatch.setattr(sqlstore, "utcnow", lambda when=when: when)
        assert main(["intakes", "add", EXAMPLE, "--dog", dog, "--db", path]) == 0
    return path


def _listed(capsys, *args: str) -> list[str]:
    capsys.readouterr()
    assert main(["intakes", "list", *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_list_date_is_the_local_day_and_times_are_local(new_york, db, capsys) -> None:
    first = _listed(capsys, "--date", "2026-05-01", "--db", db)
    assert "America/New_York" in first[0]
    assert len(first) == 2 and "Late" in first[1] and "2026-05-01 22:00" in first[1]
    second = _listed(capsys, "--date", "2026-05-02", "--db", db)
    assert len(second) == 2 and "Early" in second[1] and "2026-05-02 09:00" in second[1]


def test_show_prints_local_time_with_the_zone_and_json_names_it(new_york, db, capsys) -> None:
    capsys.readouterr()
    assert main(["intakes", "show", "1", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "Started 2026-05-01 22:00 EDT" in out and "UTC" not in out.split("\n")[1]
    assert main(["intakes", "show", "1", "--json", "--db", db]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["time_zone"] == "America/New_York"
    assert rec["created_at"].startswith("2026-05-01T22:00:00") and rec["created_at"].endswith("-04:00")
    assert dt.datetime.fromisoformat(rec["created_at"]) == dt.datetime(2026, 5, 2, 2, 0, tzinfo=UTC)


def test_a_visit_is_dated_by_its_local_day(new_york, db, capsys) -> None:
    capsys.readouterr()
    assert main(["dogs", "show", "1", "--db", db]) == 0
    assert "2026-05-01" in capsys.readouterr().out
    assert main(["dogs", "show", "1", "--json", "--db", db]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["time_zone"] == "America/New_York" and doc["visits"][0]["at"].endswith("-04:00")
