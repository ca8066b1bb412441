"""The intake: one question at a time, in the mode's wording, saved the moment it is answered.

One rule for keys on every question (README, "Keys"): a digit, `u`, Space or a click chooses, and the choice
is saved at once; only Enter (or ->) moves on. A key pressed twice, or a slip, can then change only the answer
on screen, never land on the next question. An answer that raises a red flag is saved and marks the intake at
once; the emergency screen opens on the Enter that confirms it, so a mistyped `1` can still be changed.

The screen keeps one widget of each kind and refills it for each question instead of mounting new ones.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from vettriage.content.models import UNKNOWN
from vettriage.tui.messages import Back, DontKnow, Next, Picked
from vettriage.intake.session import IntakeSession, parse_typed
from vettriage.intake.words import NEEDS_ANSWER
from vettriage.tui.widgets.answer import AnswerInput, ChoiceList, MultiList, choices_for
from vettriage.tui.widgets.keybar import KeyBar

LISTED = ("scale", "yesno", "choice")
TYPED = ("number", "months", "date", "text")


class QuestionScreen(Screen[None]):
    """Walks the visible questions of one intake. Its stylesheet, question.tcss, is read with the app's."""

    # show_question focuses the answer widget itself; auto-focus would first focus the list (restyling it on
    # focus and again on blur) before the first paint.
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("right", "next", "Next", show=False),
        Binding("left,backspace", "back", "Back", show=False),
        Binding("u", "unknown", "Don't know"),
        # In a text field "u" is a letter: there "don't know" is ctrl+u, ahead of the field's own ctrl+u.
        Binding("ctrl+u", "unknown_text", "Don't know", key_display="^u", priority=True),
        Binding("question_mark", "help", "Help", key_display="?"),
        # technician mode: the owner said no to the whole section ("none of these"); ctrl so a field's letters stay
        Binding("ctrl+n", "section_none", "None in section", key_display="^n", priority=True),
        Binding("r", "review", "Review"),
        # a grouped emergency screen: each sign yes / no on the highlighted row; 0 is "none of these"
        Binding("y", "sign(True)", "Yes", show=False),
        Binding("n", "sign(False)", "No", show=False),
        Binding("escape", "leave", "Save & leave"),
        *[Binding(str(d), f"digit({d})", show=False) for d in range(10)],
    ]

    def __init__(self, session: IntakeSession) -> None:
        super().__init__()
        self.session = session
        self.return_to_review = False
        self._review_at: str | None = None
        self._ticked: set[str] = set()
        self._position_unsaved = False
        self._pending: list[str] = []
        """Red flags raised by the answer on screen, shown on the next Enter (or any move away)."""

    def compose(self) -> ComposeResult:
        """The progress line, the question, its help, the answer widgets and the footer."""
        with Vertical(id="body"):
            yield Static(id="progress", classes="muted", markup=False)  # holds the typed dog name
            # content is text, never markup: a clinic's content pack may hold brackets
            yield Static(id="intro", classes="muted", markup=False)
            yield Static(id="question", markup=False)
            yield Static(id="help", markup=False)
            yield ChoiceList(id="choices")
            yield MultiList(id="multi")
            yield AnswerInput(id="typed")
            yield Static(id="keys", classes="muted", markup=False)
            yield Static(id="error", markup=False)  # can quote what was typed
        yield KeyBar()

    def on_mount(self) -> None:
        """Paint the current question; what only answering needs is prepared once it is on screen."""
        self.show_question()
        self.call_after_refresh(self.session.prepare)

    def on_unmount(self) -> None:
        """Store a position not yet stored."""
        self._remember_now()

    def _remember_soon(self) -> None:
        """Store the new position as soon as the question it points to is painted: the write does not delay
        the paint, and a terminal killed after that frame resumes exactly there."""
        self._position_unsaved = True
        self.call_after_refresh(self._remember_now)

    def _remember_now(self) -> None:
        if self._position_unsaved:
            self._position_unsaved = False
            self.session.save_position()

    # --- painting -------------------------------------------------------------------------------------

    def show_question(self) -> None:
        """Refill the widgets for the session's current question (or its grouped screen)."""
        s = self.session
        if s.screen is not None:
            self._show_screen()
            return
        item, mode = s.item, s.mode
        p = s.progress()
        flag = "  ! EMERGENCY" if s.emergency_now else ""
        self._say("progress", f"{s.dog_name} · {p.line()}{flag}")
        section = s.catalogue.sections[[x.id for x in s.catalogue.sections].index(s.catalogue.section_of[item.id])]
        intro = section.intro.for_mode(mode) if section.intro and p.question_index == 1 else ""
        self._say("intro", intro)
        _show(self.query_one("#intro"), bool(intro))
        self._say("question", item.text.for_mode(mode))
        help_w = self.query_one("#help", Static)
        self._say("help", item.help.for_mode(mode) if item.help else "No further help for this question.")
        _show(help_w, item.type in TYPED and item.help is not None)
        self._say("error", "")
        value = s.answers.get(item.id)
        choices = self.query_one(ChoiceList)
        multi = self.query_one(MultiList)
        typed = self.query_one(AnswerInput)
        _show(choices, item.type in LISTED)
        _show(multi, item.type == "multi")
        _show(typed, item.type in TYPED)
        keys = self.query_one("#keys", Static)
        _show(keys, item.type in TYPED)
        if item.type in TYPED:
            unknown = (" · ctrl+u: don't know" if item.type == "text" else " · u: don't know") \
                if item.allow_unknown else ""
            self._say("keys", f"Enter: next · Backspace on an empty field: back{unknown}")
        note = "  (answered: don't know)" if value == UNKNOWN else ""
        if s.unconfirmed(item.id):
            note = f"Pre-filled ({s.prefilled[item.id]}): confirm with the owner; Enter keeps it."
        if item.type in LISTED:
            choices.fill(choices_for(item, s.catalogue, mode), value)
            self.set_focus(choices)
        elif item.type == "multi":
            multi.fill(choices_for(item, s.catalogue, mode), value)
            self._ticked = set(value) if isinstance(value, list) else set()
            self.set_focus(multi)
        else:
            typed.fill(item.type, value, _placeholder(item))
            self.set_focus(typed)
        if note:
            self._say("error", note.strip())
        # The key bar repaints only if the keys on offer changed ("don't know" comes and goes with the item).
        self.refresh_bindings()
        if item.type in LISTED or item.type == "multi":
            self.call_after_refresh(self._fit_list, multi if item.type == "multi" else choices)

    def _show_screen(self) -> None:
        """A grouped emergency screen: one row per sign with its answer so far; the session's current question
        is the highlighted row."""
        s = self.session
        p = s.progress()
        flag = "  ! EMERGENCY" if s.emergency_now else ""
        self.query_one("#progress", Static).update(f"{s.dog_name} · {p.line()}{flag}")
        ids = s.screen_items()
        section = s.catalogue.sections[[x.id for x in s.catalogue.sections].index(s.catalogue.section_of[ids[0]])]
        first = s.visible.index(ids[0]) == s.visible.index(next(i for i in s.visible
                                                               if s.catalogue.section_of[i] == section.id))
        intro = section.intro.for_mode(s.mode) if section.intro and first else ""
        self.query_one("#intro", Static).update(intro)
        _show(self.query_one("#intro"), bool(intro))
        self.query_one("#question", Static).update(
            f"{s.screen.title.for_mode(s.mode)}: answer each sign (↑↓ to move).")
        _show(self.query_one("#help"), False)
        if not self._pending:  # a yes waiting for its Enter keeps its warning line
            self._say("error", "")
        choices = self.query_one(ChoiceList)
        _show(choices, True)
        _show(self.query_one(MultiList), False)
        _show(self.query_one(AnswerInput), False)
        keys = self.query_one("#keys", Static)
        _show(keys, True)
        keys.update("y yes · n no · u don't know · 0 none of these (the rest no) · Enter: next")
        marks = {True: "yes", False: "no ", UNKNOWN: " ? "}
        rows = [(i, f"[{marks.get(s.answers.get(i), '   ')}] {s.catalogue.items[i].text.for_mode(s.mode)}")
                for i in ids]
        choices.fill_rows(rows, ids.index(s.item.id))
        self.set_focus(choices)
        self.refresh_bindings()
        self.call_after_refresh(self._fit_list, choices)

    def on_option_list_option_highlighted(self, event: ChoiceList.OptionHighlighted) -> None:
        """On a grouped screen the highlighted row is the question being answered."""
        s = self.session
        if s.screen is None or event.option_index is None:
            return
        ids = s.screen_items()
        if 0 <= event.option_index < len(ids) and s.item.id != ids[event.option_index]:
            s.go(s.visible.index(ids[event.option_index]), remember=False)
            self._remember_soon()

    def action_sign(self, value: bool) -> None:
        """y / n on a grouped screen: answer the highlighted sign, then highlight the next one."""
        if self.session.screen is not None:
            self._answer_sign(value)

    def _answer_sign(self, value: Any) -> None:
        s = self.session
        if not self._save(value):
            return
        if self._pending:
            # the same rule as every question: a yes is saved and marks the emergency at once, and the
            # emergency steps open on Enter (or on moving away), so a slip can be put right first
            self.show_question()
            return
        self._next_sign()
        self.show_question()

    def _next_sign(self) -> None:
        """Highlight the next sign of the grouped screen (the last one stays highlighted)."""
        s = self.session
        ids = s.screen_items()
        if s.item.id in ids and ids.index(s.item.id) < len(ids) - 1:
            s.go(s.visible.index(ids[ids.index(s.item.id) + 1]), remember=False)
            self._remember_soon()

    def action_screen_none(self) -> None:
        """0 on a grouped screen: "none of these", no to every sign still unanswered, then go on."""
        outcome = self.session.answer_screen_none()
        if outcome.new_red_flags:  # pragma: no cover - a no raises nothing today; kept for content that might
            from vettriage.tui.screens.emergency import EmergencyScreen

            self.app.push_screen(EmergencyScreen(self.session, list(outcome.new_red_flags)), self._after_emergency)
            return
        self.action_next()

    def _say(self, widget_id: str, text: str) -> None:
        """Set a line's text, only if it changed: each update lays the screen out again, and most lines (the
        error line, the keys hint, often the intro) stay the same from one question to the next."""
        widget = self.query_one(f"#{widget_id}", Static)
        if widget.content != text:  # the widget's own text: right whoever updated it last
            widget.update(text)

    def _fit_list(self, widget: Any) -> None:
        """A long list (36 medicines) must end above the key bar and scroll, so that every option, "none"
        included, can be reached. Checked after the frame is laid out; the cap is set only when a list would
        overflow, so short lists cost nothing."""
        body = self.query_one("#body")
        room = body.region.bottom - widget.region.y - 2  # the error line below the list
        if widget.region.bottom > body.region.bottom - 2 and room > 3:
            widget.styles.max_height = room
            widget.scroll_to_highlight()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide "don't know" where it is not allowed or where typing would eat the key."""
        if action in ("unknown", "unknown_text"):
            item = self.session.item
            if not item.allow_unknown or (item.type == "text") != (action == "unknown_text"):
                return False
        if action == "sign":
            return self.session.screen is not None
        if action == "section_none":
            return self.session.mode == "tech" and bool(self.session.section_blanks())
        return True

    # --- answering ------------------------------------------------------------------------------------

    def _save(self, value: Any) -> bool:
        """Save an answer; show an error and return False if it is not valid. A red flag it raises waits for
        the next Enter (the intake is already marked an emergency in the store)."""
        try:
            outcome = self.session.answer(value)
        except ValueError as exc:
            self._say("error", str(exc))
            return False
        self._pending = [f for f in self._pending if f in self.session.red_flags]
        self._pending += [f for f in outcome.new_red_flags if f not in self._pending]
        line = ""
        if self._pending:
            line = ("! This answer can be an emergency. Press Enter to see what to do now, or choose another "
                    "answer." if self.session.mode == "owner"
                    else "! Emergency sign. Enter: the emergency steps; or choose another answer.")
        elif outcome.dropped:
            line = f"No longer asked, cleared (kept in the audit): {', '.join(outcome.dropped)}"
        self._say("error", line)
        return True

    def _raise_pending(self) -> bool:
        """Open the emergency screen for the red flags the answer on screen raised; True if it opened."""
        flags = [f for f in self._pending if f in self.session.red_flags]
        self._pending = []
        if not flags:
            return False
        from vettriage.tui.screens.emergency import EmergencyScreen

        self.app.push_screen(EmergencyScreen(self.session, flags), self._after_emergency)
        return True

    def _after_emergency(self, keep_going: bool | None) -> None:
        if not keep_going:
            # Stop here: the emergency summary as it stands, a draft, with its documents to print or save
            from vettriage.tui.screens.result import ResultScreen

            self._remember_now()
            self.app.push_screen(ResultScreen(self.session, None, draft=True))
        elif self.session.screen is not None:
            self._next_sign()  # the other signs of the screen that raised it still need answering
            self.show_question()
        else:
            self.action_next()  # finishing for the record: on to the next question

    def on_picked(self, message: Picked) -> None:
        """An option was chosen (a click), or Enter on the highlighted one (`advance`: then go on)."""
        message.stop()
        if self.session.screen is not None:
            self.action_next()  # Enter on a grouped screen goes on; the signs are answered with keys
            return
        if self._save(message.value) and message.advance:
            self.action_next()

    def on_next(self, message: Next) -> None:
        """Enter with nothing highlighted, or Enter in a checklist."""
        message.stop()
        self.action_next()

    def on_back(self, message: Back) -> None:
        """Backspace in an empty field."""
        message.stop()
        self.action_back()

    def on_dont_know(self, message: DontKnow) -> None:
        """`u` in a number or date field: chooses "don't know" (Enter goes on)."""
        message.stop()
        self.action_unknown()

    def on_input_submitted(self, event: AnswerInput.Submitted) -> None:
        """Enter in a typed field: save what was typed (empty clears) and go on."""
        event.stop()
        ok, value = self._typed_value(event.value)
        if not ok:
            return
        stored = self.session.answers.get(self.session.item.id)
        if value is None and stored == UNKNOWN:
            value = UNKNOWN  # the empty field of a "don't know" keeps it
        if value is None and self.session.unconfirmed(self.session.item.id):
            self._ask_clear_reason()
            return
        if (value is not None or stored is not None) and not self._save(value):
            return
        self.action_next()

    def _ask_clear_reason(self) -> None:
        """Clearing an answer pre-filled from an earlier visit asks why (recorded in the audit)."""
        from vettriage.tui.screens.dialogs import TextPrompt

        item_id = self.session.item.id

        def clear(why: str | None) -> None:
            if self.session.item.id != item_id:
                return
            if not why:
                self.show_question()  # kept: the field or the ticks show the pre-filled answer again
                return
            try:
                self.session.answer_item(item_id, None, reason=f"cleared the pre-filled answer: {why}")
            except ValueError as exc:
                self._say("error", str(exc))
                return
            self.action_next()

        self.app.push_screen(TextPrompt("Clear the pre-filled answer?",
                                        "Why (recorded with the change; Esc keeps the answer):"), clear)

    def _typed_value(self, text: str) -> tuple[bool, Any]:
        """What a typed field holds, as an answer (None when empty); (False, None) after showing why not."""
        try:
            return True, parse_typed(self.session.item, text)
        except ValueError as exc:
            self._say("error", str(exc))
            return False, None

    def _unsaved_typing(self) -> bool:
        """Text typed into the field and not yet saved (Enter saves it; leaving must too)."""
        item = self.session.item
        if item.type not in TYPED:
            return False
        typed = self.query_one(AnswerInput)
        stored = self.session.answers.get(item.id)
        shown = "" if stored is None or stored == UNKNOWN else (
            f"{stored:g}" if isinstance(stored, float) else str(stored))
        return typed.value.strip() != shown.strip() and bool(typed.value.strip())

    def on_selection_list_selected_changed(self, event: MultiList.SelectedChanged) -> None:
        """A box was ticked or cleared: keep "none" exclusive, then save."""
        event.stop()
        multi = self.query_one(MultiList)
        now = set(multi.selected)
        changed = next(iter(now ^ self._ticked), None)
        self._ticked = now
        multi.exclusive(changed)
        current = multi.current()
        if set(current) != now:
            return  # exclusive() changed the ticks; the next SelectedChanged saves
        stored = self.session.answers.get(self.session.item.id)
        if not current and stored in (None, UNKNOWN):
            return
        if current != stored:
            if not current and self.session.unconfirmed(self.session.item.id):
                self._ask_clear_reason()
                return
            self._save(current or None)

    # --- actions --------------------------------------------------------------------------------------

    def action_digit(self, digit: int) -> None:
        """A digit chooses (or ticks) the option with that number; Enter goes on. On a grouped screen: 1 yes,
        2 no (as on a yes/no question), 0 none of these."""
        item = self.session.item
        if self.session.screen is not None:
            if digit == 0:
                self.action_screen_none()
            elif digit in (1, 2):
                self._answer_sign(digit == 1)
            return
        if item.type in LISTED:
            value = self.query_one(ChoiceList).pick_number(digit)
            if value is not None:
                self._save(value)
        elif item.type == "multi":
            self.query_one(MultiList).toggle_number(digit)

    def action_next(self) -> None:
        """Go on: to the next question, or to the review after the last one (or when jumping from it). A red
        flag raised on this question opens the emergency screen first."""
        s = self.session
        if self._raise_pending():
            return
        if s.needs_answer():
            self._say("error", NEEDS_ANSWER)
            return
        s.confirm(s.item.id)
        nxt = s.next_stop(back_to_review=self.return_to_review)
        self.return_to_review = False
        if nxt is None:
            self.action_review()
            return
        s.go(s.visible.index(nxt), remember=False)
        self._remember_soon()
        self.show_question()

    def action_back(self) -> None:
        """Back one question."""
        if self._raise_pending():
            return
        if self.session.index > 0:
            self.session.go(self.session.previous_index(), remember=False)
            self._remember_soon()
            self.show_question()

    def action_unknown(self) -> None:
        """Choose "don't know" (like a digit: Enter goes on)."""
        item = self.session.item
        if not item.allow_unknown:
            return
        if self.session.screen is not None:
            self._answer_sign(UNKNOWN)
            return
        if self._save(UNKNOWN):
            if item.type in LISTED:
                self.query_one(ChoiceList).highlighted = None
            elif item.type == "multi":
                multi = self.query_one(MultiList)
                multi.fill(multi.choices, UNKNOWN)
                self._ticked = set()
            else:
                self.query_one(AnswerInput).value = ""
            if not self._pending:
                self._say("error", "answered: don't know · Enter: next")

    def action_unknown_text(self) -> None:
        """ctrl+u in a text field: "don't know" (Enter goes on)."""
        self.action_unknown()

    def action_section_none(self) -> None:
        """Technician mode, one step: "no / not seen" to every unanswered question of the section that has
        such an answer (each saved and audited like any other), then on to the first question of the section
        that cannot be assumed (gum colour, a number), or past the section. Every answer shows in the review."""
        s = self.session
        blanks = s.section_blanks()
        if s.mode != "tech" or not blanks:
            return
        if self._raise_pending():
            return
        outcome = s.answer_section_none()
        self._pending += [f for f in outcome.new_red_flags if f not in self._pending]
        if self._raise_pending():
            return
        stop = s.section_stop()
        if stop is None:
            self.action_review()
            return
        s.go(s.visible.index(stop), remember=False)
        self._remember_soon()
        self.show_question()
        n = len(blanks)
        self._say("error", 
            f"None in section: {n} answer{'s' if n != 1 else ''} no / not seen (r: review).")

    def action_help(self) -> None:
        """Show or hide the help text."""
        help_w = self.query_one("#help")
        help_w.display = not help_w.display

    def action_review(self) -> None:
        """Open the review of every answer."""
        from vettriage.tui.screens.review import ReviewScreen

        if self._raise_pending():
            return
        at, self._review_at = self._review_at, None
        self.app.push_screen(ReviewScreen(self.session, at=at), self._after_review)

    def _after_review(self, choice: str | None) -> None:
        if choice == "__complete__":
            self._complete()
        elif choice:
            self.session.go_to(choice)
            self.return_to_review = True
            self._review_at = choice
            self.show_question()
        else:
            self.show_question()

    def _complete(self) -> None:
        from vettriage.tui.screens.result import ResultScreen

        intake = self.session.complete()
        self.session.reason = None
        self.app.switch_screen(ResultScreen(self.session, intake.assessment))

    def action_leave(self) -> None:
        """Leave the intake: what is typed in the field is saved first (every other answer already is); if
        it is not a valid answer, ask before leaving without it."""
        if self._unsaved_typing():
            text = self.query_one(AnswerInput).value
            ok, value = self._typed_value(text)
            if ok and self._save(value):
                if self._raise_pending():
                    return  # the emergency comes first; leaving waits
            else:
                from vettriage.tui.screens.dialogs import Confirm

                why = str(self.query_one("#error", Static).render()).strip()
                self.app.push_screen(
                    Confirm("Leave without this answer?", f"What is typed, {text.strip()!r}, cannot be saved: "
                            f"{why}. Every other answer is saved.", yes="Leave without it", no="Stay and fix it"),
                    lambda yes: self._leave() if yes else None)
                return
        self._leave()

    def _leave(self) -> None:
        if self._raise_pending():
            return  # the emergency comes first; leaving waits
        self._remember_now()
        self.app.leave_intake()  # type: ignore[attr-defined]


def _show(widget: Any, visible: bool) -> None:
    """Set `display` only when it changes (each change restyles the screen)."""
    if widget.display != visible:
        widget.display = visible


def _placeholder(item: Any) -> str:
    if item.type in ("number", "months"):
        unit = item.unit or "months"
        return f"a number from {item.min:g} to {item.max:g} {unit}; u = don't know" if item.allow_unknown \
            else f"a number from {item.min:g} to {item.max:g} {unit}"
    if item.type == "date":
        return "YYYY-MM-DD; u = don't know"
    return "type here, then Enter; ctrl+u = don't know" if item.allow_unknown else "type here, then Enter"
