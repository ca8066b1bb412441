"""A bad response is one line naming the file and the linkId, exit 2, never a traceback; nothing is stored."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from vettriage.fhir import codes
from vettriage.store import open_store


@pytest.fixture
def response(cli, stored, tmp_path) -> dict:
    """The QuestionnaireResponse exported for examples/arthritis.yaml."""
    out = tmp_path / "b.json"
    assert cli("fhir", "export", "--intake", str(stored["arthritis"]), "-o", str(out))[0] == 0
    return next(e["resource"] for e in json.loads(out.read_text())["entry"]
                if e["resource"]["resourceType"] == "QuestionnaireResponse")


def _item(qr: dict, link: str) -> dict:
    return next(i for g in qr["item"] for i in g["item"] if i["linkId"] == link)


def _import_fails(cli, tmp_path: Path, doc: dict | str, *needles: str) -> str:
    path = tmp_path / "bad.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    store = open_store(str(cli.db))
    try:
        before = len(store.list_intakes())
    finally:
        store.close()
    rc, out, err = cli("fhir", "import", str(path))
    assert rc == 2, (out, err)
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert str(path) in err
    for n in needles:
        assert n in err, err
    store = open_store(str(cli.db))
    try:
        assert len(store.list_intakes()) == before, "a refused response stores nothing"
    finally:
        store.close()
    return err


def test_an_answer_of_the_wrong_type_names_the_link_id(cli, tmp_path, response) -> None:
    bad = copy.deepcopy(response)
    _item(bad, "pain_sign_stairs")["answer"] = [{"valueString": "a lot"}]
    _import_fails(cli, tmp_path, bad, "pain_sign_stairs:", "valueCoding", "valueString")


def test_a_value_fhir_itself_refuses_names_the_link_id(cli, tmp_path, response) -> None:
    bad = copy.deepcopy(response)
    _item(bad, "dog_age_years")["answer"] = [{"valueDecimal": "old"}]
    _import_fails(cli, tmp_path, bad, "dog_age_years:")


def test_a_value_our_validation_refuses_names_the_link_id(cli, tmp_path, response) -> None:
    bad = copy.deepcopy(response)
    _item(bad, "dog_age_years")["answer"] = [{"valueDecimal": 300}]
    _import_fails(cli, tmp_path, bad, "dog_age_years:", "outside 0-30")
    bad = copy.deepcopy(response)
    _item(bad, "pain_sign_stairs")["answer"][0]["valueCoding"]["code"] = "9"
    _import_fails(cli, tmp_path, bad, "pain_sign_stairs:", "not on the scale")
    bad = copy.deepcopy(response)
    _item(bad, "dog_name")["answer"] = []
    _item(bad, "dog_name")["extension"] = [{"url": codes.EXT_DATA_ABSENT, "valueCode": "asked-unknown"}]
    _import_fails(cli, tmp_path, bad, "dog_name:", "don't know")


def test_two_answers_to_a_single_question(cli, tmp_path, response) -> None:
    bad = copy.deepcopy(response)
    _item(bad, "rf_collapse")["answer"] = [{"valueBoolean": True}, {"valueBoolean": False}]
    _import_fails(cli, tmp_path, bad, "rf_collapse:", "2 answers")


def test_an_unknown_link_id(cli, tmp_path, response) -> None:
    bad = copy.deepcopy(response)
    bad["item"][0]["item"].append({"linkId": "dog_colour", "answer": [{"valueString": "black"}]})
    _import_fails(cli, tmp_path, bad, "dog_colour:", "unknown question id")


def test_another_questionnaire_or_content_version(cli, tmp_path, response) -> None:
    bad = dict(response, questionnaire="http://example.org/Questionnaire/phq9|1")
    _import_fails(cli, tmp_path, bad, "questionnaire:", "not a vettriage Questionnaire")
    bad = dict(response, questionnaire=f"{codes.questionnaire_url('owner')}|1999.1.1+abc")
    _import_fails(cli, tmp_path, bad, "questionnaire:", "1999.1.1")


def test_not_a_response(cli, tmp_path, response) -> None:
    _import_fails(cli, tmp_path, "{not json", "not JSON")
    _import_fails(cli, tmp_path, {"resourceType": "Patient"}, "resourceType:")
    _import_fails(cli, tmp_path, dict(response, status="stopped"), "status:", "stopped")
    _import_fails(cli, tmp_path, {"resourceType": "Bundle", "type": "collection", "entry": []}, "entry:")
