"""Answer validation: types, ranges, "don't know", unknown ids, branching."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from vettriage.content.models import Item, Scale
from vettriage.engine.answers import coerce_value, read_answers_file, validate_answers, visible_items
from vettriage.errors import InputError

W = {"owner": "q", "tech": "q"}
CAT = SimpleNamespace(scales={"s4": Scale.model_validate({"id": "s4", "points": [
    {"value": v, "label": W} for v in range(4)]})})


def item(**kw) -> Item:
    return Item.model_validate({"id": "x", "text": W, "source": "s1", **kw})


@pytest.mark.parametrize(("kw", "raw", "want"), [
    ({"type": "scale", "scale": "s4"}, 2, 2),
    ({"type": "scale", "scale": "s4"}, "unknown", "unknown"),
    ({"type": "yesno"}, True, True),
    ({"type": "yesno"}, "no", False),
    ({"type": "choice", "options": [{"value": "a", "label": W}, {"value": "b", "label": W}]}, "b", "b"),
    ({"type": "multi", "options": [{"value": "a", "label": W}, {"value": "b", "label": W}]}, ["b", "a"], ["a", "b"]),
    ({"type": "number", "unit": "kg", "min": 0, "max": 10}, 4.5, 4.5),
    ({"type": "number", "unit": "kg", "min": 0, "max": 10}, 4.0, 4),
    ({"type": "months", "min": 0, "max": 10}, 3, 3),
    ({"type": "date"}, dt.date(2026, 1, 2), "2026-01-02"),
    ({"type": "date"}, "2026-01-02", "2026-01-02"),
    ({"type": "text"}, "<b>hi</b>", "<b>hi</b>"),
])
def test_valid_values_are_canonicalised(kw, raw, want) -> None:
    assert coerce_value(item(**kw), raw, CAT) == want


@pytest.mark.parametrize(("kw", "raw"), [
    ({"type": "scale", "scale": "s4"}, 4),
    ({"type": "scale", "scale": "s4"}, True),
    ({"type": "scale", "scale": "s4"}, "2"),
    ({"type": "yesno"}, 1),
    ({"type": "choice", "options": [{"value": "a", "label": W}]}, "z"),
    ({"type": "multi", "options": [{"value": "a", "label": W}]}, ["a", "a"]),
    ({"type": "multi", "options": [{"value": "a", "label": W}]}, {"a": 1}),
    ({"type": "number", "unit": "kg", "min": 0, "max": 10}, 11),
    ({"type": "number", "unit": "kg", "min": 0, "max": 10}, float("nan")),
    ({"type": "date"}, "yesterday"),
    ({"type": "text"}, 5),
    ({"type": "yesno", "allow_unknown": False}, "unknown"),
])
def test_invalid_values_raise(kw, raw) -> None:
    with pytest.raises(ValueError):
        coerce_value(item(**kw), raw, CAT)


def test_unknown_id_names_item(catalogue) -> None:
    with pytest.raises(InputError) as err:
        validate_answers(catalogue, {"rf_nope": True}, "f.yaml")
    assert str(err.value).startswith("f.yaml: rf_nope:")


def test_bad_value_names_item(catalogue) -> None:
    with pytest.raises(InputError, match="rf_gums"):
        validate_answers(catalogue, {"rf_gums": "purple"})


def test_none_means_unanswered(catalogue) -> None:
    assert validate_answers(catalogue, {"rf_collapse": None}).values == {}


def test_hidden_answers_are_dropped(catalogue) -> None:
    got = validate_answers(catalogue, {"rf_seizure_recent": False, "rf_seizure_count": 3})
    assert got.values == {"rf_seizure_recent": False}
    assert got.dropped == ("rf_seizure_count",)
    shown = validate_answers(catalogue, {"rf_seizure_recent": True, "rf_seizure_count": 3})
    assert shown.values["rf_seizure_count"] == 3


def test_visible_items_follow_branching(catalogue) -> None:
    assert "rf_seizure_long" not in visible_items(catalogue, {"rf_seizure_recent": False})
    assert "rf_seizure_long" in visible_items(catalogue, {"rf_seizure_recent": True})
    assert "rf_seizure_long" not in visible_items(catalogue, {})


def test_answers_file_errors_name_file_item_and_line(catalogue, tmp_path) -> None:
    p = tmp_path / "a.yaml"
    p.write_text("dog_name: Rex\nrf_collapse: maybe\n")
    with pytest.raises(InputError) as err:
        read_answers_file(catalogue, p)
    assert str(err.value).startswith(f"{p}:2: rf_collapse:")
    p.write_text("- just\n- a list\n")
    with pytest.raises(InputError, match="mapping"):
        read_answers_file(catalogue, p)
    p.write_text("rf_collapse: [unclosed\n")
    with pytest.raises(InputError, match="not valid YAML"):
        read_answers_file(catalogue, p)
    with pytest.raises(InputError, match="file not found"):
        read_answers_file(catalogue, tmp_path / "missing.yaml")
