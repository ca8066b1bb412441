"""Answers-file errors: every problem in one run (one line each, up to a limit), options in any case or by
their label when that names one option only, and `assess` naming each answer's question."""

from __future__ import annotations

from pathlib import Path

import pytest

from vettriage.cli import main
from vettriage.engine import read_answers_file
from vettriage.engine.answers import coerce_value
from vettriage.errors import InputError, InputErrors


def test_every_problem_of_a_file_in_one_run_one_line_each_exit_2(tmp_path: Path, capsys) -> None:
    p = tmp_path / "a.yaml"
    p.write_text("dog_size: Large\nrf_collapse: sometimes\nnot_an_item: 3\ndog_age_years: 99\ndog_sex: fem\n")
    assert main(["assess", str(p)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[3].rstrip(":") for line in lines] == ["rf_collapse", "not_an_item", "dog_age_years", "dog_sex"]
    assert all(line.startswith(f"vettriage: error: {p}:") for line in lines)
    assert lines[0].startswith(f"vettriage: error: {p}:2: rf_collapse:")


def test_past_the_limit_the_rest_are_counted(catalogue, tmp_path: Path, capsys) -> None:
    p = tmp_path / "a.yaml"
    p.write_text("".join(f"unknown_{n}: 1\n" for n in range(25)))
    assert main(["assess", str(p)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == InputErrors.SHOWN + 1
    assert lines[-1] == f"vettriage: error: ... and 5 more problem(s) in {p}"


def test_one_problem_is_still_a_plain_input_error(catalogue, tmp_path: Path) -> None:
    p = tmp_path / "a.yaml"
    p.write_text("rf_collapse: sometimes\n")
    with pytest.raises(InputError) as err:
        read_answers_file(catalogue, p)
    assert not isinstance(err.value, InputErrors) and err.value.line == 1


def test_options_in_any_case_or_by_label_when_that_names_one(catalogue) -> None:
    size, sex, meds = (catalogue.items[i] for i in ("dog_size", "dog_sex", "med_current"))
    assert coerce_value(size, "Large", catalogue) == "large"
    assert coerce_value(sex, "F", catalogue) == "female"  # the technician's label
    assert coerce_value(sex, "Female", catalogue) == "female"
    assert coerce_value(meds, ["Carprofen"], catalogue) == ["carprofen"]
    with pytest.raises(ValueError):
        coerce_value(sex, "fem", catalogue)


def test_an_ambiguous_name_is_never_guessed(catalogue) -> None:
    import dataclasses

    sex = catalogue.items["dog_sex"]
    same = [dataclasses.replace(o, label=dataclasses.replace(o.label, tech="X")) for o in sex.options]
    with pytest.raises(ValueError):
        coerce_value(dataclasses.replace(sex, options=same), "x", catalogue)


def test_assess_names_each_answer_with_its_question(catalogue, capsys) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "arthritis.yaml"
    assert main(["assess", str(example)]) == 0
    out = capsys.readouterr().out
    stairs = catalogue.items["pain_sign_stairs"].text.tech
    assert f"pain_sign_stairs=2 ({stairs[:40]}" in out
