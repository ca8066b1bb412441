"""Pilot flows through the whole app, asserting on the screen and on what the store holds."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from tests.app.helpers import answer_current, current_item, screen_text
from vettriage.content import load_catalogue
from vettriage.tui.app import make_app
from vettriage.intake.starting import start_intake
from vettriage.tui.messages import Picked
from vettriage.tui.screens.desk import DeskScreen
from vettriage.tui.screens.emergency import EmergencyScreen
from vettriage.tui.screens.question import QuestionScreen
from vettriage.tui.screens.result import ResultScreen
from vettriage.tui.screens.review import ReviewScreen
from vettriage.tui.widgets.keybar import KeyBar

SIZE = (80, 24)


def _seed(store: Any, catalogue: Any, name: str, answers: dict[str, Any], position: str | None,
          mode: str = "tech") -> Any:
    intake = start_intake(store, catalogue, name, mode)
    for k, v in answers.items():
        store.save_answer(intake.id, k, v, who="test")
    if position:
        store.set_position(intake.id, position)
    return store.get_intake(intake.id)


async def test_owner_intake_complete_to_result(store: Any, catalogue: Any, config: Any, tmp_path: Path) -> None:
    app = make_app(store=store, catalogue=catalogue, config=config, dog_name="Bonnie", mode="owner", locked=True)
    app.save_dir = str(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        # Owner wording from the first question on, and no way to the desk.
        assert current_item(app).text.owner in screen_text(app)
        assert "Section 1 of" in screen_text(app)
        seen: list[str] = []
        for _ in range(200):
            if not isinstance(app.screen, QuestionScreen):
                break
            item = current_item(app)
            assert item.text.owner in screen_text(app), item.id
            seen.append(await answer_current(pilot, app))
        assert isinstance(app.screen, ReviewScreen), seen[-3:]
        assert "0 unanswered" in screen_text(app) or "unanswered" in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        from vettriage.tui.screens.dialogs import Confirm

        if isinstance(app.screen, Confirm):  # questions the walk left blank (e.g. a number it skipped)
            await pilot.press("y")
            await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
        text = screen_text(app)
        assert "urgency: ROUTINE" in text or "urgency: SOON" in text
        assert "must be examined by a vet" in text
        assert "Options to discuss" in text
        # Options are numbered; ketamine, when it is listed at all, is the last.
        options = [line for line in text.splitlines() if line.strip().split(".")[0].isdigit()]
        assert options, text
        assert not any("etamine" in o for o in options[:-1]), text
        # The owner can save the handout, not the vet's summary.
        assert not app.screen.check_action("save", ("previsit", "html"))
        await pilot.press("h")
        await app.workers.wait_for_complete()
        saved: list[Path] = []
        for _ in range(50):  # the driver writes the file in its own thread
            await pilot.pause(0.1)
            saved = list(tmp_path.glob("handout-Bonnie-*.html"))
            if saved and "</html>" in saved[0].read_text():
                break
        assert saved and "examined by a vet" in saved[0].read_text()
    rows = store.list_intakes(dog="Bonnie")
    assert len(rows) == 1 and rows[0].status == "completed" and rows[0].mode == "owner"
    stored = store.get_intake(rows[0].id)
    assert stored.assessment is not None and stored.assessment["urgency"] == rows[0].urgency
    skipped = {i for i in seen if catalogue.items[i].type == "text" and not catalogue.items[i].required}
    assert set(seen) - skipped <= set(stored.answers)
    assert not skipped & set(stored.answers)  # Enter on an empty text field leaves it unanswered
    assert stored.answers["dog_name"] == "Bonnie"


async def test_red_flag_mid_pain_interrupts(store: Any, config: Any, tmp_path: Path) -> None:
    # Content with one more red flag rule: crying out every day is (here, for the test) an emergency.
    content = tmp_path / "content"
    shutil.copytree(load_catalogue().directory, content)
    rules = content / "rules_redflags.yaml"
    rules.write_text(rules.read_text() + "  - {id: test_pain_ten, title: \"Cries out every day\", "
                     "when: {item: pain_sign_vocal, eq: 3}, then: {red_flag: severe_pain}, source: s45}\n")
    cat = load_catalogue(content)
    calm = {i: False for i in cat.items if i.startswith("rf_") and cat.items[i].type == "yesno"}
    calm.update(rf_gums="pink", rf_not_eating="normal")
    intake = _seed(store, cat, "Pepper", calm, "pain_sign_vocal")
    app = make_app(store=store, catalogue=cat, config=config, intake_id=intake.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert current_item(app).id == "pain_sign_vocal"
        assert "pain" in screen_text(app).lower() and "question" in screen_text(app)
        await pilot.press("3")  # every day
        await pilot.pause()
        assert isinstance(app.screen, EmergencyScreen)
        text = screen_text(app)
        assert cat.red_flags["severe_pain"].action.tech in text
        assert "Riverside Vets" in text and "01632 960000" in text
        assert store.get_intake(intake.id).emergency is True
        assert store.get_intake(intake.id).answers["pain_sign_vocal"] == 3
        await pilot.press("enter")  # finish the questionnaire for the record: on to the next question
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert "EMERGENCY" in screen_text(app)
        session = app.screen.session
        assert current_item(app).id == session.visible[session.visible.index("pain_sign_vocal") + 1]


async def test_emergency_from_real_medical_content(store: Any, catalogue: Any, config: Any) -> None:
    intake = _seed(store, catalogue, "Max", {"sys_seizure_history": True}, "sys_seizures_24h")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=intake.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert current_item(app).id == "sys_seizures_24h"
        await pilot.press("3", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EmergencyScreen)
        await pilot.press("s")  # stop here: the app was opened on this intake alone, so it quits
        await pilot.pause()
    got = store.get_intake(intake.id)
    assert got.emergency and got.answers["sys_seizures_24h"] == 3 and got.status == "in_progress"


async def test_emergency_choice_by_arrow_and_enter(store: Any, catalogue: Any, config: Any) -> None:
    intake = _seed(store, catalogue, "Max", {"sys_seizure_history": True}, "sys_seizures_24h")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=intake.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("3", "enter")
        await pilot.pause()
        assert isinstance(app.screen, EmergencyScreen)
        assert app.focused is not None and app.focused.id == "finish"
        await pilot.press("right")
        assert app.focused.id == "stop"
        await pilot.press("enter")  # Enter presses the button in focus: stop here, so the emergency summary
        await pilot.pause()          # shows (a draft, with documents to print), not the next question
        assert isinstance(app.screen, ResultScreen) and app.screen.draft
        text = screen_text(app)
        assert "DRAFT" in text and "EMERGENCY" in text and "01632 960000" in text
        assert app.screen.check_action("save", ("previsit", "pdf")), "the technician can print the summary"
        assert store.get_intake(intake.id).status == "in_progress"


async def test_owner_emergency_focuses_the_call_and_shows_the_phone(store: Any, catalogue: Any,
                                                                    config: Any) -> None:
    intake = _seed(store, catalogue, "Bo", {}, "rf_collapse", mode="owner")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=intake.id, locked=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1")  # yes: collapsed (a digit picks and saves; the emergency opens at once)
        await pilot.pause()
        assert isinstance(app.screen, EmergencyScreen)
        assert app.focused is not None and app.focused.id == "stop"
        assert "01632 960000" in str(app.focused.label)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen) and "01632 960000" in screen_text(app)


async def test_back_and_change_hides_branch(store: Any, catalogue: Any, config: Any) -> None:
    intake = _seed(store, catalogue, "Luna", {}, "sys_seizure_history")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=intake.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1", "enter")  # yes: the seizure questions appear
        await pilot.pause()
        assert current_item(app).id == "sys_seizure_first_age"
        await pilot.press("7", "enter")
        await pilot.pause()
        assert store.get_intake(intake.id).answers.get("sys_seizure_first_age") == 7
        await pilot.press("backspace")  # empty date field: back
        assert current_item(app).id == "sys_seizure_first_age"
        await pilot.press("left", "left")  # to the start of "7", then back
        await pilot.pause()
        assert current_item(app).id == "sys_seizure_history"
        await pilot.press("2", "enter")  # no: the branch goes
        await pilot.pause()
        assert current_item(app).id not in ("sys_seizure_first_age", "sys_last_seizure", "sys_seizures_24h")
    got = store.get_intake(intake.id)
    assert got.answers["sys_seizure_history"] is False
    assert got.answers.get("sys_seizure_first_age") is None


async def test_quit_and_resume(store: Any, catalogue: Any, config: Any) -> None:
    app = make_app(store=store, catalogue=catalogue, config=config, dog_name="Rolo")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ids = [await answer_current(pilot, app) for _ in range(4)]
        where = current_item(app).id
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code is not None or not app.is_running
    again = make_app(store=store, catalogue=catalogue, config=config, dog_name="rolo")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert current_item(again).id == where
        typed = {i for i in ids if catalogue.items[i].type != "text"}
        assert typed and typed <= set(again.screen.session.answers)
    assert len(store.list_intakes(dog="Rolo")) == 1


def _red_flags_dont_know(catalogue: Any) -> dict[str, str]:
    return {i.id: "unknown" for s in catalogue.sections if s.id == "redflags" for i in s.items
            if i.enable_when is None}


async def test_completing_needs_every_emergency_question_and_asks_about_other_gaps(
        store: Any, catalogue: Any, config: Any) -> None:
    intake = _seed(store, catalogue, "Nell", {"dog_age_years": 14}, None)
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=intake.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen), "completing with emergency questions unanswered is refused"
        assert store.get_intake(intake.id).status == "in_progress"
        first = next(i.id for s in catalogue.sections if s.id == "redflags" for i in s.items)
        review = app.screen.query_one("#answers")
        assert review.get_option_at_index(review.highlighted).id == first, "the first one is highlighted"
        # "don't know" is an answer to an emergency question
        for item_id, value in _red_flags_dont_know(catalogue).items():
            app.screen.session.answer_item(item_id, value)
        await pilot.press("c")
        await pilot.pause()
        from vettriage.tui.screens.dialogs import Confirm

        assert isinstance(app.screen, Confirm), "other gaps are allowed, after a confirmation"
        text = screen_text(app)
        assert "unanswered" in text and "pain" in text.lower()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and store.get_intake(intake.id).status == "in_progress"
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
    assert store.get_intake(intake.id).status == "completed"


async def test_amend_completed_intake(store: Any, catalogue: Any, config: Any) -> None:
    intake = _seed(store, catalogue, "Daisy", {"dog_age_years": 12, **_red_flags_dont_know(catalogue)}, None)
    from vettriage.engine import assess

    store.complete(intake.id, assess(catalogue, store.get_intake(intake.id).answers).model_dump(mode="json"))
    app = make_app(store=store, catalogue=catalogue, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DeskScreen)
        assert "Daisy" in _table_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"owner corrected age", "enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press("r")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        review.dismiss("dog_age_years")
        await pilot.pause()
        assert current_item(app).id == "dog_age_years"
        await pilot.press(*"13", "enter")  # typing replaces the old answer; back to the review
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("y")  # finish with the other questions unanswered
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
    got = store.get_intake(intake.id)
    assert got.status == "amended" and got.answers["dog_age_years"] == 13
    events = [e for e in store.audit(intake.id) if e.item_id == "dog_age_years"]
    assert events[-1].reason == "owner corrected age" and events[-1].new_value == 13


async def test_desk_lists_and_searches(store: Any, catalogue: Any, config: Any) -> None:
    for name in ("Biscuit", "Bramble", "Toffee"):
        _seed(store, catalogue, name, {}, None)
    app = make_app(store=store, catalogue=catalogue, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = _table_text(app)
        assert all(n in text for n in ("Biscuit", "Bramble", "Toffee")) and "in progress" in text
        await pilot.press("slash", *"Br")
        await pilot.pause()
        text = _table_text(app)
        assert "Bramble" in text and "Biscuit" not in text and "Toffee" not in text
        await pilot.press("escape")
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Nutmeg", "enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen) and app.screen.session.dog_name == "Nutmeg"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DeskScreen) and "Nutmeg" in _table_text(app)


def _table_text(app: Any) -> str:
    table = app.screen.query_one("DataTable")
    return "\n".join(" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count))


async def test_dont_know_on_a_text_question_is_ctrl_u(store: Any, catalogue: Any, config: Any) -> None:
    assert catalogue.items["dog_breed"].allow_unknown and not catalogue.items["dog_name"].allow_unknown
    intake = _seed(store, catalogue, "Fudge", {}, "dog_breed")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=intake.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert current_item(app).id == "dog_breed"
        keybar = app.screen.query_one(KeyBar)
        assert ("^u", "Don't know") in [(k.display, k.description) for k in keybar.keys]
        assert "u" not in [k.display for k in keybar.keys]
        assert "ctrl+u: don't know" in screen_text(app)
        await pilot.press("u", "ctrl+u")  # "u" is a letter here; ctrl+u answers
        await pilot.pause()
        assert store.get_intake(intake.id).answers["dog_breed"] == "unknown"
        assert current_item(app).id != "dog_breed"
        if current_item(app).type in ("number", "months", "date"):  # there "u" works again, ctrl+u does not
            assert "^u" not in [k.display for k in app.screen.query_one(KeyBar).keys]
            assert "· u: don't know" in screen_text(app)
        await pilot.press("left")  # back: the field is empty and says the answer was "don't know"
        await pilot.pause()
        assert current_item(app).id == "dog_breed"
        assert "answered: don't know" in screen_text(app)
    # A click on the key in the key bar does the same (an owner in a browser may not know ctrl+u).
    other = _seed(store, catalogue, "Pip", {}, "dog_breed")
    clicked = make_app(store=store, catalogue=catalogue, config=config, intake_id=other.id)
    async with clicked.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = clicked.screen.query_one(KeyBar)
        bar.render()
        line, start = next((y, a) for y, a, _, k in bar._spans if k.display == "^u")
        await pilot.click(KeyBar, offset=(start + 1, line))
        await pilot.pause()
        assert store.get_intake(other.id).answers["dog_breed"] == "unknown"
    # The dog's name cannot be "don't know": there ctrl+u is the field's own (clear to the start).
    again = make_app(store=store, catalogue=catalogue, config=config, intake_id=_seed(
        store, catalogue, "Sage", {}, "dog_name").id)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert current_item(again).id == "dog_name"
        assert "Don't know" not in [k.description for k in again.screen.query_one(KeyBar).keys]
        await pilot.press("end", "ctrl+u")
        await pilot.pause()
        assert current_item(again).id == "dog_name"
        assert again.screen.query_one("AnswerInput").value == ""
        assert again.screen.session.answers["dog_name"] == "Sage"


async def test_position_is_stored_as_soon_as_the_next_question_is_painted(store: Any, catalogue: Any,
                                                                           config: Any) -> None:
    intake = _seed(store, catalogue, "Nala", {}, "sys_seizure_history")
    app = make_app(store=store, catalogue=catalogue, config=config, intake_id=intake.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("2", "enter")
        await pilot.pause()  # one refresh: the next question is on screen
        now = current_item(app).id
        assert now != "sys_seizure_history"
        intake_now = store.get_intake(intake.id)
        assert intake_now.answers["sys_seizure_history"] is False
        assert intake_now.position == now  # a kill from here on resumes at the question on screen
        await pilot.press("left")  # back, then leave at once: the position is stored on the way out
        await pilot.press("escape")
        await pilot.pause()
    assert store.get_intake(intake.id).position == "sys_seizure_history"


class _FailingStore:
    """A store whose writes fail, as when the database server goes away mid-intake."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def save_answer(self, *args: Any, **kwargs: Any) -> None:
        from vettriage.store.api import StoreError

        raise StoreError("sqlite:///vt.db: cannot write (disk full)")


async def test_a_database_failure_ends_the_app_with_one_line(store: Any, catalogue: Any, config: Any) -> None:
    intake = _seed(store, catalogue, "Olive", {}, "sys_seizure_history")
    app = make_app(store=_FailingStore(store), catalogue=catalogue, config=config, intake_id=intake.id)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # "No" picked on the list (pilot.press would wait for a screen that is going away): the write fails
        # and the app ends; the command prints store_error as one line.
        app.screen.query_one("ChoiceList").post_message(Picked(False, advance=True))
        for _ in range(100):
            if app.return_code is not None:
                break
            await asyncio.sleep(0.02)
    assert app.return_code == 2 and "disk full" in str(app.store_error)


def test_unreachable_database_is_one_line_before_the_screen(capsys: Any, tmp_path: Path, monkeypatch: Any) -> None:
    from vettriage.cli import main

    monkeypatch.setenv("VETTRIAGE_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    assert main(["intake", "--dog", "Rex", "--db", "postgresql://nobody@127.0.0.1:1/none"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("vettriage: error: ") and "\n" not in err and "Traceback" not in err


async def test_typed_names_with_brackets_are_shown_as_typed(store: Any, catalogue: Any, config: Any) -> None:
    """Owner-typed text is never read as markup: "[/]" would otherwise crash the screen that shows it."""
    name = "Rex [/] [b]x"
    app = make_app(store=store, catalogue=catalogue, config=config, dog_name=name, mode="tech")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert name in str(app.screen.query_one("#progress").render())
        app.screen.action_review()  # "r" would be typed into the field in focus
        await pilot.pause()
        assert name in str(app.screen.query_one("#summary").render())
    desk = make_app(store=store, catalogue=catalogue, config=config, mode="tech")
    async with desk.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = desk.screen.query_one("DataTable")
        assert str(table.get_row_at(0)[0]) == name


async def test_desk_day_board_shows_dogs_due_invitations_waiting_and_a_trend(store: Any, catalogue: Any,
                                                                             config: Any) -> None:
    """Issue 16: an overdue re-screen, an unanswered link expiring soon, urgency in words, the dog's trend."""
    import datetime as dt

    from vettriage.engine import assess

    for name, pain in (("Toffee", 3), ("Toffee", 1)):
        intake = _seed(store, catalogue, name, {"pain_sign_stairs": pain, "pain_sign_rising": pain}, None)
        store.complete(intake.id, assess(catalogue, store.get_intake(intake.id).answers).model_dump(mode="json"))
    past = dt.date.today() - dt.timedelta(days=2)
    store.run(lambda tx: tx.execute("UPDATE intakes SET rescreen_due = ?", (tx.dialect.dump("date", past),)),
              write=True)
    waiting = _seed(store, catalogue, "Biscuit", {}, None)
    store.add_invite(waiting.id, "h1", dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=3))
    app = make_app(store=store, catalogue=catalogue, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()

        def rows(table_id: str) -> list[str]:
            t = app.screen.query_one(f"#{table_id}")
            return [" ".join(str(c) for c in t.get_row_at(i)) for i in range(t.row_count)]

        assert rows("due") and rows("due")[0].startswith("overdue by 2 days Toffee")
        assert rows("invites") == ["not started, expires soon Biscuit in 2 h"]
        urgency = app.screen.query_one("#intakes").get_row_at(1)[2]
        assert str(urgency) in ("routine", "soon", "EMERGENCY") and urgency.style  # a word, then a colour
        await pilot.press("down")  # a Toffee row: its two visits' pain trend
        await pilot.pause()
        label = str(app.screen.query_one("#trend-label").render())
        assert "Toffee" in label and ">" in label
        assert app.screen.query_one("#trend").display and len(app.screen.query_one("#trend").data) == 2


async def test_desk_new_intake_picks_a_known_dog_or_a_new_one(store: Any, catalogue: Any, config: Any) -> None:
    """Issue 16: a name on record is never merged by itself: the desk asks which dog, or a new one."""
    from vettriage.tui.screens.dialogs import Confirm, DogPicker

    store.add_dog("Bella", chart="A-1", owner_name="Ann Lee")
    app = make_app(store=store, catalogue=catalogue, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", *"bella", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DogPicker)
        labels = [str(app.screen.query_one("#dogs").get_option_at_index(i).prompt)
                  for i in range(app.screen.query_one("#dogs").option_count)]
        assert "chart A-1" in labels[0] and "owner Ann Lee" in labels[0] and labels[-1] == "A new dog named bella"
        await pilot.press("end", "enter")  # a new dog of that name
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert len(store.dogs_named("Bella")) == 2
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n", *"Bella", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DogPicker) and app.screen.query_one("#dogs").option_count == 3
        await pilot.press("end", "up", "enter")  # the second Bella, whose intake is in progress
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert store.get_intake(app.screen.session.intake_id).dog.id == store.dogs_named("Bella")[1].id


async def test_desk_new_intake_for_a_known_dog_prefills_history_never_signs(store: Any, catalogue: Any,
                                                                            config: Any) -> None:
    """Issue 16: the last completed visit's medicines are there to confirm; its pain ratings are not."""
    from vettriage.engine import assess

    first = _seed(store, catalogue, "Bella", {"med_current": ["carprofen"], "pain_sign_stairs": 3}, None)
    store.complete(first.id, assess(catalogue, store.get_intake(first.id).answers).model_dump(mode="json"))
    app = make_app(store=store, catalogue=catalogue, config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", *"Bella", "enter")
        await pilot.pause()
        await pilot.press("home", "enter")  # the Bella on record
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        new = store.get_intake(app.screen.session.intake_id)
    assert new.id != first.id and new.answers.get("med_current") == ["carprofen"]
    assert "pain_sign_stairs" not in new.answers
    assert all(catalogue.items[k].history for k in new.answers if k != "dog_name")
    reasons = {e.item_id: e.reason for e in store.audit(new.id)}
    assert "pre-filled from the visit of" in reasons["med_current"]
