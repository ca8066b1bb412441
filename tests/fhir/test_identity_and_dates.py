"""FHIR keeps the patient's identity and the visit's date: the clinic's chart number as Patient.identifier under
its configured system, the owner's phone in contact, and on import the birth date and `authored` kept."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from vettriage.fhir import codes
from vettriage.store import open_store

from conftest import ROOT, Cli

SYSTEM = "urn:oid:1.2.826.0.1.999.1"


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("VETTRIAGE_CHART_SYSTEM", raising=False)
    monkeypatch.setenv("VETTRIAGE_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text(f'chart_system = "{SYSTEM}"\n')
    return tmp_path


def _bella(cli: Cli, tmp_path: Path) -> dict:
    """Bella with her chart, owner, phone and birth date; her arthritis intake exported as a Bundle."""
    assert cli("dogs", "add", "--name", "Bella", "--owner", "Ann Lee", "--phone", "555 0101", "--chart", "A-17",
               "--born", "2013-04-02")[0] == 0
    assert cli("intakes", "add", str(ROOT / "examples" / "arthritis.yaml"), "--chart", "A-17")[0] == 0
    out = tmp_path / "bella.json"
    rc, _, err = cli("fhir", "export", "--intake", "1", "-o", str(out))
    assert rc == 0, err
    return json.loads(out.read_text())


def _patient(bundle: dict) -> dict:
    return next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")


def _response(bundle: dict) -> dict:
    return next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse")


def test_the_patient_carries_the_chart_number_the_phone_and_the_birth_date(clinic, cli, tmp_path) -> None:
    patient = _patient(_bella(cli, tmp_path))
    chart, ours = patient["identifier"]
    assert (chart["system"], chart["value"], chart["use"]) == (SYSTEM, "A-17", "usual")
    assert chart["type"]["coding"][0]["code"] == "MR"
    assert (ours["system"], ours["use"]) == (codes.DOG_ID_SYSTEM, "secondary")
    owner, = patient["contact"]
    assert owner["name"]["text"] == "Ann Lee"
    assert {"system": "phone", "value": "555 0101"} in owner["telecom"]
    assert patient["birthDate"] == "2013-04-02"


def test_without_a_configured_system_the_chart_number_is_under_ours(tmp_path, monkeypatch, cli) -> None:
    monkeypatch.setenv("VETTRIAGE_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text("")
    chart = _patient(_bella(cli, tmp_path))["identifier"][0]
    assert (chart["system"], chart["value"]) == (codes.CHART_SYSTEM, "A-17")


def test_a_bad_chart_system_is_one_line(tmp_path, monkeypatch, cli) -> None:
    monkeypatch.setenv("VETTRIAGE_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text('chart_system = "our charts"\n')
    rc, _, err = cli("fhir", "export", "--intake", "1")
    assert rc == 2 and err.count("\n") == 1 and "chart_system" in err


def test_import_keeps_the_identity_and_dates_the_visit_at_authored(clinic, cli, capsys, tmp_path) -> None:
    bundle = _bella(cli, tmp_path)
    _response(bundle)["authored"] = "2025-01-10T10:00:00+00:00"
    _patient(bundle)["name"] = [{"text": "Bella Lee"}]  # renamed elsewhere: the chart number still finds her
    historic = tmp_path / "historic.json"
    historic.write_text(json.dumps(bundle))
    elsewhere = Cli(tmp_path / "other.db", capsys)  # a second clinic database: a new dog from the Patient
    rc, out, err = elsewhere("fhir", "import", str(historic))
    assert rc == 0, err
    assert "dated 2025-01-10" in out
    store = open_store(str(elsewhere.db))
    try:
        intake = store.get_intake(1)
        dog = intake.dog
        assert (dog.name, dog.chart, dog.birth_date) == ("Bella Lee", "A-17", dt.date(2013, 4, 2))
        assert (dog.owner_name, dog.owner_phone) == ("Ann Lee", "555 0101")
        assert intake.created_at == dt.datetime(2025, 1, 10, 10, 0, tzinfo=dt.timezone.utc)
        # the re-screen date counts from the visit, not from the import
        assert intake.rescreen_due is not None and intake.rescreen_due < dt.date(2025, 12, 31)
    finally:
        store.close()
    # back into the first database: the chart number names Bella, whatever the Patient's name
    rc, out, err = cli("fhir", "import", str(historic))
    assert rc == 0, err
    assert "for Bella (dog 1)" in out
    rc, out, _ = cli("dogs", "show", "1")
    dates = [line.split()[0] for line in out.splitlines() if line[:4].isdigit()]
    assert dates[0] == "2025-01-10" and len(dates) == 2  # the historic visit first, in date order


def test_a_date_alone_is_that_day_in_every_zone(monkeypatch) -> None:
    import time

    from vettriage.commands.fhir import authored
    from vettriage.localtime import local_day

    try:
        for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"):  # UTC+14, UTC-11
            monkeypatch.setenv("TZ", zone)
            time.tzset()
            assert local_day(authored(dt.date(2025, 1, 10))) == dt.date(2025, 1, 10)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert authored("2025-01") is None and authored(None) is None
