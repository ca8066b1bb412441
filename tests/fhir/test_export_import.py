"""Export then import: every shipped example, stored with `intakes add`, comes back with the same answers; every
exported resource validates with fhir.resources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from vettriage.fhir import codes
from vettriage.store import open_store

from conftest import EXAMPLES


def _intake(db: Path, intake_id: int):
    store = open_store(str(db))
    try:
        return store.get_intake(intake_id)
    finally:
        store.close()


def _resources(path: Path) -> list[dict]:
    return [e["resource"] for e in json.loads(path.read_text())["entry"]]


def test_every_example_round_trips(cli, stored, tmp_path) -> None:
    assert len(stored) == len(EXAMPLES) >= 7
    for name, intake_id in stored.items():
        out = tmp_path / f"{name}.json"
        rc, _, err = cli("fhir", "export", "--intake", str(intake_id), "-o", str(out))
        assert rc == 0, err
        rc, text, err = cli("fhir", "import", str(out))
        assert rc == 0, err
        new_id = int(text.split()[2])
        before, after = _intake(cli.db, intake_id), _intake(cli.db, new_id)
        assert after.answers == before.answers, name
        assert after.dog.id == before.dog.id  # the same dog, found by the Patient's name
        assert (after.by, after.mode, after.status) == (before.by, before.mode, "completed")
        assert after.assessment == before.assessment  # the same content re-assesses the same answers


def test_every_exported_resource_validates(cli, stored, tmp_path) -> None:
    kinds = set()
    for name, intake_id in stored.items():
        out = tmp_path / f"{name}.json"
        assert cli("fhir", "export", "--intake", str(intake_id), "-o", str(out))[0] == 0
        Bundle.model_validate_json(out.read_text())
        for resource in _resources(out):
            kinds.add(resource["resourceType"])
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert kinds == {"Patient", "QuestionnaireResponse", "RiskAssessment", "Observation", "DetectedIssue"}


def test_the_bundle_carries_the_assessment(cli, stored, tmp_path) -> None:
    intake = _intake(cli.db, stored["ketamine-cautions"])
    out = tmp_path / "k.json"
    assert cli("fhir", "export", "--intake", str(intake.id), "-o", str(out))[0] == 0
    res = _resources(out)
    by_type: dict[str, list[dict]] = {}
    for r in res:
        by_type.setdefault(r["resourceType"], []).append(r)
    a = intake.assessment
    patient, = by_type["Patient"]
    animal, = [e for e in patient["extension"] if e["url"] == codes.EXT_ANIMAL]
    assert {e["url"] for e in animal["extension"]} >= {"species", "genderStatus"}
    qr, = by_type["QuestionnaireResponse"]
    assert qr["status"] == "completed"
    assert qr["questionnaire"] == (f"{codes.questionnaire_url(intake.mode)}|"
                                   f"{codes.questionnaire_version(intake.content_version, intake.content_hash)}")
    risk, = by_type["RiskAssessment"]
    outcomes = [p["outcome"]["coding"][0]["code"] for p in risk["prediction"]]
    assert outcomes == [a["urgency"], *a["categories"]]
    levels = [p["qualitativeRisk"]["coding"][0]["code"] for p in risk["prediction"][1:]]
    assert levels == [c["level"] for c in a["categories"].values()]
    full_urls = {f"urn:uuid:{r['id']}": r for r in res}
    basis = [full_urls[b["reference"]]["resourceType"] for b in risk["basis"]]
    assert basis[0] == "QuestionnaireResponse" and set(basis[1:]) <= {"Observation"}
    cited = {s["score"] for c in a["categories"].values() for e in c["evidence"] for s in e["scores"]}
    assert {full_urls[b["reference"]]["code"]["coding"][0]["code"] for b in risk["basis"][1:]} == cited
    assert sorted(o["code"]["coding"][0]["code"] for o in by_type["Observation"]) == sorted(a["scores"])
    issues = sorted(d["code"]["coding"][0]["code"] for d in by_type.get("DetectedIssue", []))
    assert issues == sorted([h["id"] for h in a["medication_flags"]] + [h["id"] for h in a["ketamine_cautions"]])
    assert issues, "this example raises ketamine cautions"


def test_dont_know_is_a_data_absent_reason_and_comes_back(cli, tmp_path, catalogue) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("dog_name: Rex\ndog_age_years: unknown\nrf_collapse: don't know\npain_tried: [none]\n")
    rc, text, err = cli("intakes", "add", str(answers), "--dog", "Rex")
    assert rc == 0, err
    out = tmp_path / "rex.json"
    assert cli("fhir", "export", "--intake", text.split()[2], "-o", str(out))[0] == 0
    qr = next(r for r in _resources(out) if r["resourceType"] == "QuestionnaireResponse")
    items = {i["linkId"]: i for g in qr["item"] for i in g["item"]}
    assert "answer" not in items["rf_collapse"]
    assert items["rf_collapse"]["extension"] == [{"url": codes.EXT_DATA_ABSENT, "valueCode": "asked-unknown"}]
    assert cli("fhir", "import", str(out))[0] == 0
    assert _intake(cli.db, 2).answers == _intake(cli.db, 1).answers
    assert _intake(cli.db, 2).answers["dog_age_years"] == "unknown"


def test_a_partial_intake_exports_statuses_unanswered_red_flags_and_score_ranges(cli, tmp_path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("dog_name: Rex\nrf_collapse: no\npain_sign_stairs: 2\n")
    rc, text, err = cli("intakes", "add", str(answers), "--dog", "Rex")
    assert rc == 0, err
    a = _intake(cli.db, 1).assessment
    assert a["red_flags_unanswered"] and all("status" in c for c in a["categories"].values())
    out = tmp_path / "rex.json"
    assert cli("fhir", "export", "--intake", "1", "-o", str(out))[0] == 0
    res = _resources(out)
    risk = next(r for r in res if r["resourceType"] == "RiskAssessment")
    statuses = [next(e["valueCode"] for e in p["extension"] if e["url"] == codes.EXT_CATEGORY_STATUS)
                for p in risk["prediction"][1:]]
    assert statuses == [c["status"] for c in a["categories"].values()]
    assert [e["valueString"] for e in risk["extension"] if e["url"] == codes.EXT_RED_FLAG_UNANSWERED] == \
        a["red_flags_unanswered"]
    rc, _, err = cli("fhir", "import", str(out))
    assert rc == 0 and "warning:" in err and "cannot rule out an emergency" in err, err
    ranges = {o["code"]["coding"][0]["code"]: o["valueRange"] for o in res
              if o["resourceType"] == "Observation" and "valueRange" in o}
    expected = {k: s for k, s in a["scores"].items() if s["low"] is not None and s["low"] != s["high"]}
    assert set(ranges) == set(expected) and expected
    for k, r in ranges.items():
        assert (float(r["low"]["value"]), float(r["high"]["value"])) == pytest.approx(
            (expected[k]["low"], expected[k]["high"]), abs=1e-4)


def test_an_intake_in_progress_exports_without_an_assessment_and_imports_in_progress(cli, tmp_path, catalogue):
    store = open_store(str(cli.db))
    try:
        dog = store.add_dog("Max", owner_name="Ann Lee", owner_contact="ann@example.invalid")
        intake = store.create_intake(dog.id, by="Jo", mode="tech", content_version=catalogue.version,
                                     content_hash=catalogue.hash)
        store.save_answers(intake.id, {"dog_name": "Max", "pain_sign_stairs": 2, "dog_weight_kg": 31.5}, who="Jo")
    finally:
        store.close()
    out = tmp_path / "max.json"
    assert cli("fhir", "export", "--intake", str(intake.id), "-o", str(out))[0] == 0
    res = _resources(out)
    assert [r["resourceType"] for r in res] == ["Patient", "QuestionnaireResponse"]
    patient, qr = res
    assert patient["contact"][0]["name"]["text"] == "Ann Lee"
    assert patient["contact"][0]["telecom"] == [{"system": "email", "value": "ann@example.invalid"}]
    assert qr["status"] == "in-progress" and qr["author"] == {"type": "Practitioner", "display": "Jo"}
    rc, text, err = cli("fhir", "import", str(out))
    assert rc == 0, err
    again = _intake(cli.db, int(text.split()[2]))
    assert (again.status, again.by, again.mode, again.assessment) == ("in_progress", "Jo", "tech", None)
    assert again.dog.id == dog.id  # found by name: the existing record is kept as it is
    rc, _, err = cli("fhir", "import", str(out), "--dog", "Max II")
    assert rc == 0, err
    new_dog = _intake(cli.db, 3).dog
    assert (new_dog.name, new_dog.owner_name, new_dog.owner_contact) == ("Max II", "Ann Lee", "ann@example.invalid")
    assert again.answers == {"dog_name": "Max", "pain_sign_stairs": 2, "dog_weight_kg": 31.5}


def test_a_bare_response_imports_with_the_dog_named_by_its_answer(cli, stored, tmp_path) -> None:
    out = tmp_path / "b.json"
    assert cli("fhir", "export", "--intake", str(stored["arthritis"]), "-o", str(out))[0] == 0
    qr = next(r for r in _resources(out) if r["resourceType"] == "QuestionnaireResponse")
    bare = tmp_path / "qr.json"
    bare.write_text(json.dumps(qr))
    rc, text, err = cli("fhir", "import", str(bare), "--by", "owner")
    assert rc == 0, err
    got = _intake(cli.db, int(text.split()[2]))
    assert got.dog.name == "Bella" and got.by == "owner"  # dog_name answer of examples/arthritis.yaml


def test_export_to_standard_output_is_the_same_bundle(cli, stored, tmp_path) -> None:
    out = tmp_path / "x.json"
    assert cli("fhir", "export", "--intake", "1", "-o", str(out))[0] == 0
    rc, text, _ = cli("fhir", "export", "--intake", "1")
    assert rc == 0 and json.loads(text) == json.loads(out.read_text())  # deterministic ids too


@pytest.mark.parametrize("intake", ["99"])
def test_an_unknown_intake_is_one_line(cli, stored, intake) -> None:
    rc, _, err = cli("fhir", "export", "--intake", intake)
    assert rc == 2 and err.count("\n") == 1 and "99" in err
