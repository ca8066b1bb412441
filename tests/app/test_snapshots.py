"""Snapshots at 80x24 with the cursor blink frozen: the desk, a question, the emergency screen, the review,
the result. Accept changes with `pytest tests/app --snapshot-update` after looking at them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.helpers import desk_loaded
from vettriage.engine import assess
from vettriage.tui.app import make_app
from vettriage.intake.starting import start_intake

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _fixed_times(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vettriage.tui.screens.desk._local", lambda when: "09:30")


def _intake(store: Any, catalogue: Any, name: str, answers: dict[str, Any], position: str | None) -> int:
    intake = start_intake(store, catalogue, name, "tech")
    for k, v in answers.items():
        store.save_answer(intake.id, k, v, who="test")
    if position:
        store.set_position(intake.id, position)
    return intake.id


async def _desk_loaded(pilot: Any) -> None:
    """The desk reads its lists after its first frame, the due counts in a thread: wait for all of it."""
    await desk_loaded(pilot.app, pilot)


def test_desk(snap_compare: Any, store: Any, catalogue: Any, config: Any) -> None:
    _intake(store, catalogue, "Biscuit", {}, None)
    done = _intake(store, catalogue, "Toffee", {"rf_collapse": True}, None)
    store.complete(done, assess(catalogue, store.get_intake(done).answers).model_dump(mode="json"))
    assert snap_compare(make_app(store=store, catalogue=catalogue, config=config), terminal_size=SIZE,
                        run_before=_desk_loaded)


def test_question(snap_compare: Any, store: Any, catalogue: Any, config: Any) -> None:
    # the section's first question (its screening checklist since content 2026.12.4), with the section's intro,
    # one box ticked
    iid = _intake(store, catalogue, "Biscuit", {}, "gw_pain_areas")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=iid, mode="owner", locked=True)
    assert snap_compare(app, terminal_size=SIZE, press=["2"])


def test_text_question(snap_compare: Any, store: Any, catalogue: Any, config: Any) -> None:
    # A text field: "don't know" is ctrl+u there, in the key bar and in the hint line.
    iid = _intake(store, catalogue, "Biscuit", {}, "dog_breed")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=iid, mode="owner", locked=True)
    assert snap_compare(app, terminal_size=SIZE)


def test_emergency(snap_compare: Any, store: Any, catalogue: Any, config: Any) -> None:
    iid = _intake(store, catalogue, "Biscuit", {}, "rf_breathing")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=iid, mode="owner", locked=True)
    assert snap_compare(app, terminal_size=SIZE, press=["1", "enter"])


def test_review(snap_compare: Any, store: Any, catalogue: Any, config: Any) -> None:
    iid = _intake(store, catalogue, "Biscuit", {"dog_age_years": 13, "dog_size": "large", "dog_breed": "unknown"},
                  "dog_sex")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=iid)
    assert snap_compare(app, terminal_size=SIZE, press=["r"])


def test_result(snap_compare: Any, store: Any, catalogue: Any, config: Any) -> None:
    answers = {"dog_age_years": 13, "pain_sign_stiff_after_rest": 3, "pain_sign_jumping": 2,
               "pain_sign_stairs": 2, "pain_sign_lagging": 2, "med_current": ["carprofen"], "sys_pu_pd": True}
    iid = _intake(store, catalogue, "Biscuit", answers, None)
    store.complete(iid, assess(catalogue, store.get_intake(iid).answers).model_dump(mode="json"))
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=iid)
    assert snap_compare(app, terminal_size=SIZE)


def test_red_flag_screen(snap_compare: Any, store: Any, catalogue: Any, config: Any) -> None:
    # A grouped emergency screen (issue 27): one sign answered no, one don't know, the rest blank.
    iid = _intake(store, catalogue, "Biscuit", {}, "rf_retching")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=iid, mode="owner", locked=True)
    assert snap_compare(app, terminal_size=SIZE, press=["n", "u"])


def test_tech_emergency(snap_compare: Any, store: Any, catalogue: Any, config: Any) -> None:
    # The technician's two buttons whole at 80 columns: "Stop here (s)" keeps its key.
    iid = _intake(store, catalogue, "Biscuit", {}, "rf_collapse")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=iid, mode="tech")
    assert snap_compare(app, terminal_size=SIZE, press=["1", "enter"])


def test_progress_line_wraps(snap_compare: Any, store: Any, catalogue: Any, config: Any) -> None:
    # A long name and section title: the line wraps, "question 12 of 19" stays whole.
    iid = _intake(store, catalogue, "Biscuit the Magnificent", {}, "pain_sign_irritable")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=iid, mode="tech")
    assert snap_compare(app, terminal_size=SIZE)


def test_tech_result(snap_compare: Any, store: Any, catalogue: Any, config: Any) -> None:
    # The result's key bar in technician mode: every key whole ("a Amend" on the first line, Esc on the next).
    iid = _intake(store, catalogue, "Biscuit", {"dog_age_years": 13, "med_current": ["carprofen"]}, None)
    store.complete(iid, assess(catalogue, store.get_intake(iid).answers).model_dump(mode="json"))
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=iid, mode="tech")
    assert snap_compare(app, terminal_size=SIZE)


def test_desk_asks_who(snap_compare: Any, store: Any, catalogue: Any, config: Any) -> None:
    app = make_app(store=store, catalogue=catalogue, config=config)
    assert snap_compare(app, terminal_size=SIZE, press=["n"])


def test_desk_new_dog_record(snap_compare: Any, store: Any, catalogue: Any, config: Any) -> None:
    app = make_app(store=store, catalogue=catalogue, config=config)
    assert snap_compare(app, terminal_size=SIZE, press=["n", *"Sam", "enter", *"Nutmeg", "enter"])


def test_desk_left_out(snap_compare: Any, store: Any, catalogue: Any, config: Any) -> None:
    """`o`: the dogs left out of the due list in its place, a lost one first and labelled, then one overdue past
    the cut-off; the count line over them and the key bar name the way back and `u`."""
    import datetime as dt

    from tests.due_fixtures import due_dogs

    today = dt.date.today()
    _soon, _overdue, lost = due_dogs(store, [today + dt.timedelta(days=3), today - dt.timedelta(days=200),
                                             today - dt.timedelta(days=4)], name="Pepper")
    store.mark_lost(lost, "Sam", "moved away")
    marked = dt.datetime(2026, 11, 30, 12, tzinfo=dt.timezone.utc)  # a fixed day on the row
    store.run(lambda tx: tx.execute("UPDATE intakes SET lost_at = ? WHERE dog_id = ?",
                                    (tx.dialect.dump("ts", marked), lost)), write=True)

    async def left_out(pilot: Any) -> None:
        await _desk_loaded(pilot)
        await pilot.press("o")
        for _ in range(3):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

    assert snap_compare(make_app(store=store, catalogue=catalogue, config=config), terminal_size=SIZE,
                        run_before=left_out)
