"""The committed JSON Schema matches the model, and real assessments validate against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from vettriage.engine import assess
from vettriage.engine.assessment import Assessment, assessment_json_schema

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "assessment.schema.json"


def test_committed_schema_is_current() -> None:
    committed = json.loads(SCHEMA.read_text())
    assert committed == json.loads(json.dumps(assessment_json_schema())), (
        "regenerate: python -c \"import json; from vettriage.engine.assessment import assessment_json_schema; "
        "open('schemas/assessment.schema.json','w').write(json.dumps(assessment_json_schema(), indent=2, "
        "sort_keys=True)+'\\n')\"")


def test_assessment_json_validates_and_round_trips(catalogue) -> None:
    schema = json.loads(SCHEMA.read_text())
    for answers in ({}, {"dog_name": "Rex", "rf_collapse": True}, {"rf_seizure_recent": True, "rf_seizure_count": 3}):
        result = assess(catalogue, answers)
        data = json.loads(result.model_dump_json())
        jsonschema.validate(data, schema)
        again = Assessment.model_validate(data)
        assert again.model_dump(mode="json") == data
        assert data["content_hash"] == catalogue.hash and data["content_version"] == catalogue.version


def test_fast_build_equals_model_construct(catalogue) -> None:
    from vettriage.engine.assessment import Hit, build

    fast = build(Hit, id="x", title="t", evidence=[])
    slow = Hit.model_construct(id="x", title="t", evidence=[])
    assert fast == slow and fast.model_dump() == slow.model_dump()
    assert fast.model_fields_set == slow.model_fields_set
