"""The intake: one question at a time, in the mode's wording, saved the moment it is answered.

The screen keeps one widget of each kind and refills it for each question instead of mounting new ones.
A red flag, answered anywhere, opens the emergency screen at once.
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
        """Refill the widgets for the session's current question."""
        s = self.session
        item, mode = s.item, s.mode
        p = s.progress()
        flag = "  ! EMERGENCY" if s.emergency_now else ""
        self.query_one("#progress", Static).update(f"{s.dog_name} · {p.line()}{flag}")
        section = s.catalogue.sections[[x.id for x in s.catalogue.sections].index(s.catalogue.section_of[item.id])]
        intro = section.intro.for_mode(mode) if section.intro and p.question_index == 1 else ""
        self.query_one("#intro", Static).update(intro)
        _show(self.query_one("#intro"), bool(intro))
        self.query_one("#question", Static).update(item.text.for_mode(mode))
        help_w = self.query_one("#help", Static)
        help_w.update(item.help.for_mode(mode) if item.help else "No further help for this question.")
        _show(help_w, item.type in TYPED and item.help is not None)
        self.query_one("#error", Static).update("")
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
            keys.update(f"Enter: next · Backspace on an empty field: back{unknown}")
        note = "  (answered: don't know)" if value == UNKNOWN else ""
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
            self.query_one("#error", Static).update(note.strip())
        # The key bar repaints only if the keys on offer changed ("don't know" comes and goes with the item).
        self.refresh_bindings()
        if item.type in LISTED or item.type == "multi":
            self.call_after_refresh(self._fit_list, multi if item.type == "multi" else choices)

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
        if action == "section_none":
            return self.session.mode == "tech" and bool(self.session.section_blanks())
        return True

    # --- answering ------------------------------------------------------------------------------------

    def _save(self, value: Any) -> bool:
        """Save an answer; show an error and return False if it is not valid. Opens the emergency screen."""
        try:
            outcome = self.session.answer(value)
        except ValueError as exc:
            self.query_one("#error", Static).update(str(exc))
            return False
        self.query_one("#error", Static).update("")
        if outcome.new_red_flags:
            from vettriage.tui.screens.emergency import EmergencyScreen

            self.app.push_screen(EmergencyScreen(self.session, list(outcome.new_red_flags)), self._after_emergency)
        return True

    def _after_emergency(self, keep_going: bool | None) -> None:
        if not keep_going:
            # Stop here: the emergency summary as it stands, a draft, with its documents to print or save
            from vettriage.tui.screens.result import ResultScreen

            self._remember_now()
            self.app.push_screen(ResultScreen(self.session, None, draft=True))
        elif self.session.item.type == "multi":
            self.show_question()  # more boxes may need ticking on the list that raised the flag
        else:
            self.action_next()  # finishing for the record: on to the next question

    def on_picked(self, message: Picked) -> None:
        """An option was chosen (digit, Enter, click)."""
        message.stop()
        if self._save(message.value) and message.advance and not self._emergency_open():
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
        """`u` in a number or date field."""
        message.stop()
        self.action_unknown()

    def on_input_submitted(self, event: AnswerInput.Submitted) -> None:
        """Enter in a typed field: save what was typed (empty clears) and go on."""
        event.stop()
        ok, value = self._typed_value(event.value)
        if not ok:
            return
        if (value is not None or self.session.item.id in self.session.answers) and not self._save(value):
            return
        if not self._emergency_open():
            self.action_next()

    def _typed_value(self, text: str) -> tuple[bool, Any]:
        """What a typed field holds, as an answer (None when empty); (False, None) after showing why not."""
        try:
            return True, parse_typed(self.session.item, text)
        except ValueError as exc:
            self.query_one("#error", Static).update(str(exc))
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
            self._save(current or None)

    def _emergency_open(self) -> bool:
        from vettriage.tui.screens.emergency import EmergencyScreen

        return isinstance(self.app.screen, EmergencyScreen)

    # --- actions --------------------------------------------------------------------------------------

    def action_digit(self, digit: int) -> None:
        """A digit picks (or ticks) the option with that number."""
        item = self.session.item
        if item.type in LISTED:
            value = self.query_one(ChoiceList).pick_number(digit)
            if value is not None:
                self._save(value)
        elif item.type == "multi":
            self.query_one(MultiList).toggle_number(digit)

    def action_next(self) -> None:
        """Go on: to the next question, or to the review after the last one (or when jumping from it)."""
        s = self.session
        if s.needs_answer():
            self.query_one("#error", Static).update(NEEDS_ANSWER)
            return
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
        if self.session.index > 0:
            self.session.go(self.session.index - 1, remember=False)
            self._remember_soon()
            self.show_question()

    def action_unknown(self) -> None:
        """Answer "don't know" and go on."""
        item = self.session.item
        if not item.allow_unknown:
            return
        if self._save(UNKNOWN) and not self._emergency_open():
            self.action_next()

    def action_unknown_text(self) -> None:
        """ctrl+u in a text field: "don't know" and go on."""
        self.action_unknown()

    def action_section_none(self) -> None:
        """Technician mode: answer "no / not seen" to the section's remaining blanks, after a confirmation."""
        from vettriage.tui.screens.dialogs import Confirm

        s = self.session
        blanks = s.section_blanks()
        if s.mode != "tech" or not blanks:
            return
        sec = s.catalogue.section_of[s.item.id]
        title = next(x.title.tech for x in s.catalogue.sections if x.id == sec)

        def apply(yes: bool | None) -> None:
            if yes:
                s.answer_section_none()
                self.show_question()

        self.app.push_screen(Confirm(
            f"None of these in {title}?",
            f"Answer no / not seen to the {len(blanks)} unanswered question{'s' if len(blanks) > 1 else ''} of "
            f"this section that have such an answer. Choices such as gum colour still need asking.",
            yes="Answer none", no="Go back"), apply)

    def action_help(self) -> None:
        """Show or hide the help text."""
        help_w = self.query_one("#help")
        help_w.display = not help_w.display

    def action_review(self) -> None:
        """Open the review of every answer."""
        from vettriage.tui.screens.review import ReviewScreen

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
                if self._emergency_open():
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
