"""The Questionnaire: generated from the catalogue, valid FHIR, linkIds exactly our item ids."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from vettriage.content import Catalogue
from vettriage.fhir import codes
from vettriage.fhir.questionnaire import FHIR_TYPE, build_questionnaire


def _walk(items):
    for it in items or ():
        yield it
        yield from _walk(it.get("item"))


@pytest.fixture(scope="module", params=["owner", "tech"])
def q(request, catalogue: Catalogue) -> dict:
    """The Questionnaire as JSON, read back through fhir.resources (what a receiver would do)."""
    text = build_questionnaire(catalogue, request.param).model_dump_json()
    Questionnaire.model_validate_json(text)
    return json.loads(text)


def test_question_link_ids_are_exactly_the_catalogue_item_ids_in_order(q, catalogue) -> None:
    questions = [i["linkId"] for i in _walk(q["item"]) if i["type"] not in ("group", "display")]
    assert questions == list(catalogue.items)


def test_sections_are_groups_holding_their_items(q, catalogue) -> None:
    assert [g["linkId"] for g in q["item"]] == [s.id for s in catalogue.sections]
    for group, section in zip(q["item"], catalogue.sections):
        assert group["type"] == "group"
        assert [i["linkId"] for i in group["item"] if i["type"] != "display"] == [i.id for i in section.items]


def test_other_link_ids_cannot_collide_with_ours(q, catalogue) -> None:
    ids = [i["linkId"] for i in _walk(q["item"])]
    assert len(ids) == len(set(ids))
    for i in _walk(q["item"]):
        if i["type"] == "display":
            owner, _, kind = i["linkId"].partition(".")
            assert kind in ("help", "intro") and (owner in catalogue.items or owner in catalogue.section_of.values())


def test_url_and_version_come_from_the_content(q, catalogue) -> None:
    assert q["url"] in codes.MODE_OF_URL
    assert q["version"] == f"{catalogue.version}+{catalogue.hash[:12]}"
    assert q["identifier"][0]["value"] == catalogue.hash


def test_types_options_required_and_sources(q, catalogue) -> None:
    by_id = {i["linkId"]: i for i in _walk(q["item"])}
    for item in catalogue.items.values():
        got = by_id[item.id]
        assert got["type"] == FHIR_TYPE[item.type]
        assert got.get("required", False) == item.required
        assert got.get("repeats", False) == (item.type == "multi")
        source = [e for e in got["extension"] if e["url"] == codes.EXT_SOURCE]
        assert [s["valueCoding"]["code"] for s in source] == [item.source]
        options = [o["valueCoding"]["code"] for o in got.get("answerOption", ())]
        if item.type == "scale":
            assert options == [str(v) for v in catalogue.scales[item.scale].values]
        elif item.type in ("choice", "multi"):
            assert options == [o.value for o in item.options]
        else:
            assert options == []
        if not item.allow_unknown:
            assert {"url": codes.EXT_ALLOW_UNKNOWN, "valueBoolean": False} in got["extension"]


def test_every_branching_item_has_exactly_one_form_of_its_condition(q, catalogue) -> None:
    by_id = {i["linkId"]: i for i in _walk(q["item"])}
    for item in catalogue.items.values():
        got = by_id[item.id]
        native = "enableWhen" in got
        expression = any(e["url"] == codes.EXT_ENABLE_WHEN_EXPRESSION for e in got.get("extension", ()))
        assert (native + expression) == (item.enable_when is not None), item.id
        if native and len(got["enableWhen"]) > 1:
            assert got["enableBehavior"] in ("all", "any")


def test_both_wordings_have_the_same_items(catalogue) -> None:
    def ids(mode):
        return [(i.linkId, i.type) for g in build_questionnaire(catalogue, mode).item for i in g.item]

    assert ids("owner") == ids("tech")


def test_cli_writes_the_questionnaire(cli, tmp_path, catalogue) -> None:
    out = tmp_path / "q.json"
    rc, _, err = cli("fhir", "questionnaire", "--mode", "tech", "-o", str(out))
    assert rc == 0, err
    q = Questionnaire.model_validate_json(out.read_text())
    first = next(i for i in q.item[0].item if i.type != "display")
    assert q.url == codes.questionnaire_url("tech")
    assert (first.linkId, first.text) == next((i.id, i.text.tech) for i in catalogue.items.values())
