"""The review: every visible answer grouped by section; unanswered and "don't know" are marked.
Enter on one jumps to it; `c` completes the intake and shows the result."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from vettriage.content.models import UNKNOWN
from vettriage.intake.session import IntakeSession
from vettriage.intake.words import GAPS_WARNING, red_flags_unanswered

COMPLETE = "__complete__"


class ReviewScreen(Screen[str | None]):
    """Dismisses with an item id to change, COMPLETE to finish, or None to go back."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("enter", "change", "Change", show=True),
        Binding("c", "complete", "See the result"),
        Binding("escape", "back", "Back to the questions"),
    ]

    def __init__(self, session: IntakeSession, at: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.at = at
        """The answer to highlight (the one just changed), so the review keeps its place."""

    def compose(self) -> ComposeResult:
        """A summary line, the grouped answers and the footer."""
        s = self.session
        unanswered = [i for i in s.visible if i not in s.answers]
        unknown = [i for i in s.visible if s.answers.get(i) == UNKNOWN]
        yield Static(f"Review · {s.dog_name} · {len(s.visible) - len(unanswered)} of {len(s.visible)} answered, "
                     f"{len(unanswered)} unanswered, {len(unknown)} don't know", id="summary", markup=False)
        yield OptionList(*self._options(), id="answers")
        yield Static("Enter: change the highlighted answer · c: see the result", classes="muted", id="hint")
        yield Footer()

    def _options(self) -> list[Option]:
        s = self.session
        out: list[Option] = []
        for section in s.catalogue.sections:
            ids = [i for i in s.visible if s.catalogue.section_of[i] == section.id]
            if not ids:
                continue
            out.append(Option(Text(section.title.for_mode(s.mode).upper(), style="bold"), disabled=True))
            for item_id in ids:
                item = s.catalogue.items[item_id]
                value = s.answers.get(item_id)
                mark = "[ ]" if value is None else "[?]" if value == UNKNOWN else "[x]"
                # the mark and the words say it; the style adds a shape, never a colour (which would also
                # vanish on the highlighted row of the high-contrast theme)
                style = "bold underline" if value is None else "italic" if value == UNKNOWN else ""
                line = Text(f" {mark} ")
                line.append(item.text.for_mode(s.mode))
                line.append("  → ")
                line.append(s.label(item, value), style=style or "bold")
                out.append(Option(line, id=item_id))
        return out

    def on_mount(self) -> None:
        """Highlight the answer just changed, else the first unanswered question, else the first one."""
        answers = self.query_one(OptionList)
        first = next((i for i in self.session.visible if i not in self.session.answers), None)
        if self.at in self.session.visible:
            answers.highlighted = answers.get_option_index(self.at)
            answers.scroll_to_highlight(top=False)
        elif first is not None:
            answers.highlighted = answers.get_option_index(first)
        else:
            answers.action_first()
        answers.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter or a click on an answer: go and change it."""
        event.stop()
        if event.option.id:
            self.dismiss(event.option.id)

    def action_change(self) -> None:
        """Change the highlighted answer."""
        answers = self.query_one(OptionList)
        if answers.highlighted is not None:
            option = answers.get_option_at_index(answers.highlighted)
            if option.id:
                self.dismiss(option.id)

    def action_complete(self) -> None:
        """Finish. Required questions and every emergency question must be answered first ("don't know" counts);
        other gaps are allowed after a confirmation that says how many and where."""
        from vettriage.tui.screens.dialogs import Confirm

        s = self.session
        missing = s.required_missing()
        if missing:
            self.notify("Please answer: " + ", ".join(s.catalogue.items[i].text.for_mode(s.mode) for i in missing),
                        severity="warning", markup=False)
            return
        gaps = s.gaps()
        if gaps.red_flags:
            n = len(gaps.red_flags)
            self.notify(f"{red_flags_unanswered(n)} Answer each one, "
                        "or choose \"don't know\", before finishing.", title="Cannot finish yet",
                        severity="error", markup=False)
            answers = self.query_one(OptionList)
            answers.highlighted = answers.get_option_index(gaps.red_flags[0])
            return
        if gaps.others:
            self.app.push_screen(
                Confirm("Finish with questions unanswered?",
                        f"{gaps.describe()}. {GAPS_WARNING}",
                        yes="Finish anyway", no="Go back to the answers"),
                lambda yes: self.dismiss(COMPLETE) if yes else None)
            return
        self.dismiss(COMPLETE)

    def action_back(self) -> None:
        """Back to the question you came from."""
        self.dismiss(None)
