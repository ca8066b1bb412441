"""An intake stored under the previous content version (2026.11.1, the retired CBPI-like pain section) still
opens, is assessed on what today's content can score, and renders both reports with its answers as they were
asked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vettriage.cli import main
from vettriage.engine import assess
from vettriage.store import open_store

# What an owner answered in November 2026: the old 0-10 ratings, the quality-of-life rating and some signs on
# the old severity scale (2 = "Quite a lot").
OLD_ANSWERS: dict[str, Any] = {
    "dog_name": "Nell", "dog_age_years": 12, "rf_collapse": False,
    "pain_sign_stairs": 2, "pain_sign_stiff_after_rest": 3, "pain_sign_jumping": 2,
    "pain_sev_worst": 7, "pain_sev_least": 3, "pain_sev_average": 5, "pain_sev_now": 4,
    "pain_int_general": 5, "pain_int_enjoyment": 4, "pain_int_stairs": 8, "pain_qol": 2,
}


@pytest.fixture()
def old_intake(tmp_path: Path) -> tuple[str, int]:
    """A database holding one intake answered under content 2026.11.1."""
    db = str(tmp_path / "clinic.sqlite")
    store = open_store(db)
    try:
        dog = store.add_dog("Nell")
        intake = store.create_intake(dog.id, by="owner", mode="owner", content_version="2026.11.1",
                                     content_hash="0" * 64)
        for item_id, value in OLD_ANSWERS.items():
            store.save_answer(intake.id, item_id, value, who="owner")
    finally:
        store.close()
    return db, intake.id


def test_old_answers_are_assessed_on_what_todays_content_scores(catalogue) -> None:
    a = assess(catalogue, OLD_ANSWERS)
    assert a.categories["pain"].level in ("possible", "likely")  # the kept sign items still count
    assert "pain_sev_worst" not in a.scores and "pain_severity" not in a.scores


@pytest.mark.parametrize("kind", ["previsit", "handout"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_an_old_intake_renders_with_its_answers_as_asked(old_intake, capsys, kind, fmt) -> None:
    db, iid = old_intake
    assert main(["report", "--intake", str(iid), "--db", db, "--kind", kind, "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "Answered under content 2026.11.1" in out
    mode_text = "In the last 7 days, how much pain was your dog in at their worst moment?"
    if kind == "previsit":
        mode_text = "Owner rating, worst pain in the last 7 days (0-10)."
    assert mode_text in out
    assert "(retired question)" in out
    # a kept id is shown with the words and labels it was asked with, not today's
    old_stairs = "Quite a lot" if kind == "handout" else "2 moderate"
    assert old_stairs in out


def test_an_old_intake_still_shows_and_exports_and_imports(old_intake, tmp_path, capsys) -> None:
    db, iid = old_intake
    assert main(["intakes", "show", str(iid), "--db", db]) == 0
    assert "Content 2026.11.1" in capsys.readouterr().out
    export = tmp_path / "export.json"
    assert main(["intakes", "export", "--db", db, "-o", str(export)]) == 0
    assert main(["intakes", "import", str(export), "--db", str(tmp_path / "other.sqlite")]) == 0, \
        capsys.readouterr().err


def test_an_answers_file_naming_a_retired_question_is_refused_not_ignored(tmp_path, capsys) -> None:
    # a file carries no content version, so its old answers cannot be shown as asked: one line, exit 2
    p = tmp_path / "old.yaml"
    p.write_text("dog_name: Nell\npain_sev_worst: 7\n")
    assert main(["assess", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{p}:2: pain_sev_worst: question retired" in err
