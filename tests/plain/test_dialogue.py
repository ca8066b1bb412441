"""The plain mode driven by a script on stdin: a whole intake, what it stores, what it prints and how it
answers bad input, the end of input, a stop at the emergency and a resume."""

from __future__ import annotations

import io
import re
from typing import Any

from tests.plain.script import DOG, RED_FLAG, asked, plain_script, planned_answers
from vettriage.plain import PlainDialogue
from vettriage.intake.starting import resume_or_start
from vettriage.intake.session import IntakeSession

BOX = re.compile("[\u2500-\u259f]")
"""Box drawing and block elements: never in the plain mode's output."""


def run_plain(store: Any, catalogue: Any, config: Any, script: str, mode: str = "tech",
              dog: str = DOG) -> tuple[int, str, Any]:
    """Run the dialogue on `script`; return the exit status, the whole output and the stored intake."""
    intake = resume_or_start(store, catalogue, dog, mode)
    session = IntakeSession(catalogue, store, intake, mode)
    out = io.StringIO()
    rc = PlainDialogue(session, config, io.StringIO(script), out).run()
    return rc, out.getvalue(), store.get_intake(intake.id)


def test_a_whole_intake_by_script_is_stored_and_completed(store: Any, catalogue: Any, config: Any) -> None:
    rc, out, intake = run_plain(store, catalogue, config, plain_script(catalogue))
    assert rc == 0
    assert intake.status == "completed", out[-2000:]
    assert intake.answers == planned_answers(catalogue)
    sections = {catalogue.section_of[i] for i in intake.answers}
    assert sections == {s.id for s in catalogue.sections}  # every section was answered
    assert intake.emergency and intake.urgency == "emergency"
    assert intake.assessment["urgency"] == "emergency"
    assert "Urgency: EMERGENCY." in out and "must be examined by a vet" in out
    # the review was seen twice (once asked for, once at the end) and the change from it was stored
    assert out.count(f"Review for {DOG}:") >= 3
    assert intake.answers["dog_age_years"] == 14.0
    trail = [e for e in store.audit(intake.id) if e.item_id == "dog_age_years"]
    assert [e.new_value for e in trail] == [13.0, 14.0]


def test_the_emergency_message_is_the_first_thing_printed_after_the_red_flag(store: Any, catalogue: Any,
                                                                             config: Any) -> None:
    _, out, _ = run_plain(store, catalogue, config, plain_script(catalogue))
    text = catalogue.items[RED_FLAG].text.tech
    after = out[re.search(rf"Question \d+ of \d+: {re.escape(text)}", out).start():]
    after = after[after.index("\n", after.index("Answer, 1 to 2")) + 1:]  # past the echoed answer
    first = [line for line in after.splitlines() if line.strip()][:6]
    assert first[0] == "EMERGENCY.", first
    assert any("Riverside Vets on 01632 960000" in line for line in first), first


def test_output_has_no_escape_sequences_and_no_box_drawing(store: Any, catalogue: Any, config: Any) -> None:
    _, out, _ = run_plain(store, catalogue, config, plain_script(catalogue), mode="owner")
    assert "\x1b" not in out
    assert not BOX.search(out), BOX.search(out)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out)


def test_a_typed_escape_is_not_printed_back(store: Any, catalogue: Any, config: Any) -> None:
    # the store refuses such a name since issue 25; one stored before then must still not reach the terminal raw
    name = "Rex\x1b[31mRed"
    dog = store.add_dog("Placeholder")
    store.run(lambda tx: tx.execute("UPDATE dogs SET name = ?, name_key = ? WHERE id = ?",
                                    (name, name.casefold(), dog.id)), write=True)
    _, out, intake = run_plain(store, catalogue, config, "b\n", dog=name)
    assert "\x1b" not in out and "Rex[31mRed" in out


def test_bad_input_says_what_is_accepted_and_asks_again(store: Any, catalogue: Any, config: Any) -> None:
    # the age question, then the size question (five options)
    _, out, intake = run_plain(store, catalogue, config, "old\n99\n13\n9\nlarge\n4\nq\n")
    assert "Not accepted: 'old' is not a number. A number from 0 to 30 years, u for don't know" in out
    assert "Not accepted: 99.0 years is outside 0-30 years" in out
    assert "Not accepted: '9' is not one of the numbers shown. Type one of the numbers shown" in out
    assert intake.answers["dog_age_years"] == 13.0
    assert intake.answers["dog_size"] == "large"  # a label typed in full is accepted too


def test_end_of_input_says_everything_is_saved_and_exits_0(store: Any, catalogue: Any, config: Any) -> None:
    rc, out, intake = run_plain(store, catalogue, config, "13\n")
    assert rc == 0
    assert out.rstrip().splitlines()[-2] == "End of input. Every answer given so far is saved."
    assert intake.status == "in_progress" and intake.answers["dog_age_years"] == 13.0
    # resuming starts at the next question, and says so
    _, again, _ = run_plain(store, catalogue, config, "")
    assert "Resuming where you left off." in again
    assert catalogue.items["dog_size"].text.tech in again


def test_stop_at_the_emergency_saves_and_leaves(store: Any, catalogue: Any, config: Any) -> None:
    order = asked(catalogue)
    before = order[1:order.index(RED_FLAG)]
    script = "".join("u\n" if catalogue.items[i].allow_unknown else "\n" for i in before) + "1\ns\n"
    rc, out, intake = run_plain(store, catalogue, config, script)
    assert rc == 0 and intake.emergency and intake.status == "in_progress"
    assert out.rstrip().splitlines()[-2] == "Saved. Every answer given so far is kept."
    # on resuming, the emergency is said before the first question
    _, again, _ = run_plain(store, catalogue, config, "")
    assert again.index("EMERGENCY: a red flag is already reported") < again.index("Question")


def test_completion_is_refused_while_an_emergency_question_is_unanswered(store: Any, catalogue: Any,
                                                                         config: Any) -> None:
    _, out, intake = run_plain(store, catalogue, config, "r\nc\n")
    assert "Cannot finish yet:" in out and "urgent-sign question" in out
    assert intake.status == "in_progress"
    first_red = next(i for i in asked(catalogue) if catalogue.section_of[i] == "redflags")
    assert out.rstrip().endswith("End of input. Every answer given so far is saved.\n"
                                 f"To go on later: vettriage intake --plain --dog {DOG}")
    assert catalogue.items[first_red].text.tech in out.split("Cannot finish yet:")[1]


def test_other_gaps_need_a_yes(store: Any, catalogue: Any, config: Any) -> None:
    red = [i for i in asked(catalogue) if catalogue.section_of[i] == "redflags"]
    # "don't know" to every emergency question from the review, then complete: the rest is blank
    script = "r\nc\n" + "u\n" * len(red) + "c\nn\nc\ny\n"
    rc, out, intake = run_plain(store, catalogue, config, script)
    assert "questions unanswered:" in out and "Finish anyway? y or n" in out
    assert intake.status == "completed", out[-1500:]
    assert "could not be assessed" in out


def test_help_shows_the_question_help_and_the_keys(store: Any, catalogue: Any, config: Any) -> None:
    _, out, _ = run_plain(store, catalogue, config, "?\n", mode="owner")
    assert "b: back one question. r: review every answer" in out
    assert "x: answer no" not in out  # the section shortcut is the technician's


def test_technician_none_for_the_rest_of_the_section(store: Any, catalogue: Any, config: Any) -> None:
    order = asked(catalogue)
    to_red = order[1:order.index("rf_collapse")]
    script = "".join("u\n" if catalogue.items[i].allow_unknown else "\n" for i in to_red) + "x\n"
    _, out, intake = run_plain(store, catalogue, config, script)
    assert "None in section: answered" in out and "as no or not seen" in out  # one step: no y asked
    assert intake.answers["rf_collapse"] is False
    assert "rf_gums" not in intake.answers  # a choice: it still needs asking...
    after = out[out.index("None in section: answered"):]
    assert catalogue.items["rf_gums"].text.tech in after  # ...and it is the question asked next


def test_the_resume_hint_quotes_the_name_and_keeps_owner_mode(store: Any, catalogue: Any, config: Any) -> None:
    _, out, _ = run_plain(store, catalogue, config, "q\n", mode="owner", dog="Old Bess")
    assert out.rstrip().endswith("To go on later: vettriage intake --plain --owner --dog 'Old Bess'")


def test_the_emergency_gives_the_clinic_address_when_one_is_set(store: Any, catalogue: Any, config: Any) -> None:
    import dataclasses

    order = asked(catalogue)
    before = order[1:order.index(RED_FLAG)]
    script = "".join("u\n" if catalogue.items[i].allow_unknown else "\n" for i in before) + "1\ns\n"
    _, out, _ = run_plain(store, catalogue, dataclasses.replace(config, clinic_address="1 River Street"), script)
    notice = out[out.index("EMERGENCY."):]
    assert notice.index("Call Riverside Vets on 01632 960000") < notice.index("Address: 1 River Street")
