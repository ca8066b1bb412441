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


def test_records_refuse_unknown_fields_and_bad_values() -> None:
    import pytest
    from pydantic import ValidationError

    from vettriage.content.models import Item, Scale

    with pytest.raises(ValidationError, match="colour"):
        Scale.model_validate({"id": "s", "points": [], "colour": 1})
    with pytest.raises(ValidationError, match="not an id"):
        Item.model_validate({"id": "Bad Id", "type": "yesno", "text": {"owner": "q", "tech": "q"}, "source": "s1"})
    with pytest.raises(ValidationError, match="at least 2"):
        Scale.model_validate({"id": "s", "points": [{"value": 0, "label": {"owner": "a", "tech": "a"}}]})


def test_headless_start_does_not_import_pydantic_models(tmp_path) -> None:
    """A cached start (`vettriage assess`) reads records, not pydantic models: pydantic.main stays unloaded."""
    import subprocess
    import sys

    answers = tmp_path / "a.yaml"
    answers.write_text("dog_name: Rex\nrf_collapse: no\n")
    code = ("import sys, io, contextlib\nfrom vettriage.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    main(['assess', {str(answers)!r}])\n    main(['assess', {str(answers)!r}])\n"
            "print('pydantic.main' in sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)  # the first run may fill the cache
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
