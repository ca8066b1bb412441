"""The plain dialogue: asks the session's current question, reads one line, hands the answer to the session.

What comes next (which question, branching, red flags, what completing needs) is the session's decision; this
module only words it as lines of text and reads lines back. Every answer is saved by the session the moment it
is given, so the end of input at any prompt loses nothing.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

from vettriage.content.models import UNKNOWN
from vettriage.intake.session import IntakeSession, choices_for, parse_typed
from vettriage.intake.words import DEFAULT_CONTACT, GAPS_WARNING, NEEDS_ANSWER, red_flags_unanswered, result_lines
from vettriage.plain.words import HELP, clean, draft_lines

LISTED = ("scale", "yesno", "choice", "multi")
YES = {"y", "yes"}
NO = {"n", "no"}
SCREEN_NONE = "0"
"""On a sign of a grouped emergency screen: "none of these", the screen's unanswered signs are no."""
SECTION_NONE = "x"
"""Technician mode: "none of these" for the rest of the section (the app's ctrl+n). Not "n": that is "no"."""


class EndOfInput(Exception):
    """Standard input ended (or was interrupted): everything given so far is already saved."""


class PlainDialogue:
    """One intake as a dialogue. `run()` returns the exit status: 0 when completed, stopped or at end of input."""

    def __init__(self, session: IntakeSession, config: Any, inp: TextIO, out: TextIO, *,
                 again: tuple[str, str] | None = None, db: str | None = None) -> None:
        self.session = session
        self.config = config
        self.inp = inp
        self.out = out
        self.again = again or ("--dog", session.dog_name)
        """The option that picked this dog (`--dog NAME`, `--dog-id ID` or `--chart C`), for the hints."""
        self.db = db
        """The `--db` the command was given, if any: every hint names it, or it would point at another database."""
        self.echo = not _isatty(inp)
        """Input that is not typed at a terminal (a script, a pipe) is echoed, so the transcript reads whole."""
        self.return_to_review = False
        self.to_red_flags = False
        """After completing was refused: each answer goes on to the next unanswered emergency question, then
        back to the review (the app highlights them in the review instead; a list read aloud cannot)."""
        self.done = False
        self._section: str | None = None

    # --- the loop -------------------------------------------------------------------------------------

    def run(self) -> int:
        """Ask until the intake is completed or left; end of input ends it too (with a line saying so), and
        so does Ctrl+C (exit status 130, as a shell expects of an interrupted command)."""
        try:
            self._welcome()
            while not self.done:
                self._ask_question()
        except EndOfInput:
            self.say("", "End of input. Every answer given so far is saved.", self._resume_hint())
        except KeyboardInterrupt:
            self.say("", "Interrupted. Every answer given so far is saved.", self._resume_hint())
            return 130
        return 0

    def _welcome(self) -> None:
        s = self.session
        resumed = bool(set(s.answers) - {"dog_name"})
        self.say(f"vettriage intake for {s.dog_name}, in plain mode.",
                 ("Resuming where you left off. " if resumed else "")
                 + "Every answer is saved as soon as you give it.",
                 "Type the number of an answer and press Enter. Also: u don't know, b back, r review, "
                 "? help, q save and leave.")
        if s.emergency_now:
            self.say("EMERGENCY: a red flag is already reported for this intake. " + self._contact())

    def _ask_question(self) -> None:
        s = self.session
        item = s.item
        self._show(item)
        while True:
            raw = self._read(self._prompt(item))
            word = raw.strip().lower()
            if word == "?":
                self._help(item)
                continue
            if word == "b":
                if s.index == 0:
                    self.say("This is the first question.")
                    continue
                s.go(s.index - 1)
                return
            if word == "r":
                self._review(asked=True)
                return
            if word == "q":
                self._leave()
                return
            if word == SCREEN_NONE and s.screen is not None:
                self._screen_none()
                return
            if word == SECTION_NONE and s.mode == "tech":
                if self._section_none():
                    return
                continue
            if not word:
                if s.needs_answer():
                    self.say(NEEDS_ANSWER)
                    continue
                self._next()  # Enter alone keeps the answer there is (or leaves the question blank)
                return
            try:
                value = UNKNOWN if word == "u" else self._value(item, raw)
                if value == UNKNOWN and not item.allow_unknown:
                    raise ValueError("\"don't know\" is not possible for this question")
                before = set(s.red_flags)
                outcome = s.answer(value)
            except ValueError as exc:
                self.say(f"Not accepted: {exc}. {self._accepted(item)}")
                continue
            if before - s.red_flags:
                self._withdrawn(before - s.red_flags)
            if outcome.new_red_flags and not self._emergency(outcome.new_red_flags):
                return
            self._next()
            return

    def _next(self) -> None:
        """On to the next question, or to the review after the last one (or when sent from it)."""
        s = self.session
        if self.to_red_flags:
            gap = s.first_red_flag_gap()
            if gap:
                s.go_to(gap)
                return
            self.to_red_flags = False
            self.return_to_review = True
        nxt = s.next_stop(back_to_review=self.return_to_review, one_by_one=True)
        self.return_to_review = False
        if nxt is None:
            self._review()
            return
        s.go_to(nxt)

    def _screen_none(self) -> None:
        """"None of these" on a grouped emergency screen: no to its unanswered signs, then past the screen."""
        s = self.session
        blanks = s.screen_blanks()
        outcome = s.answer_screen_none()
        self.say(f"None of these: answered {len(blanks)} sign{'s' if len(blanks) != 1 else ''} of this group no.")
        if outcome.new_red_flags and not self._emergency(outcome.new_red_flags):
            return
        s.go(s.visible.index(s.screen_items()[-1]), remember=False)
        self._next()

    # --- one question ---------------------------------------------------------------------------------

    def _show(self, item: Any) -> None:
        s = self.session
        p = s.progress()
        sec_id = s.catalogue.section_of[item.id]
        lines = [""]
        if sec_id != self._section:
            self._section = sec_id
            flag = " An emergency sign is reported." if s.emergency_now else ""
            lines.append(f"Section {p.section_index} of {p.sections}: {p.section_title}, "
                         f"{p.questions} question{'s' if p.questions != 1 else ''}.{flag}")
            section = next(x for x in s.catalogue.sections if x.id == sec_id)
            if section.intro and p.question_index == 1:
                lines.append(section.intro.for_mode(s.mode))
        screen = s.screen
        if screen is not None and s.screen_items()[0] == item.id:
            signs = len(s.screen_items())
            lines.append(f"{screen.title.for_mode(s.mode)}: {signs} signs, one per line. Answer each y, n or u "
                         f"(don't know); {SCREEN_NONE} at any of them: none of these (the rest of the group no).")
        lines.append(f"Question {p.question_index} of {p.questions}: {item.text.for_mode(s.mode)}")
        if item.type in LISTED:
            if item.type == "multi":
                lines.append("Choose every one that applies, numbers separated by spaces:")
            lines += [f"{c.number}. {_label(c)}" for c in choices_for(item, s.catalogue, s.mode)]
        value = s.answers.get(item.id)
        if value is not None:
            lines.append(f"Answered so far: {s.label(item, value)}. Press Enter to keep it.")
        self.say(*lines)

    def _prompt(self, item: Any) -> str:
        s = self.session
        if item.type in LISTED:
            numbers = [c.number for c in choices_for(item, s.catalogue, s.mode)]
            what = f"{numbers[0]} to {numbers[-1]}" if len(numbers) > 1 else str(numbers[0])
            if s.screen is not None:
                what += f", {SCREEN_NONE} none of these"
            return f"Answer, {what}: " if item.type != "multi" else f"Numbers, {what}: "
        if item.type in ("number", "months"):
            unit = item.unit or ("months" if item.type == "months" else "")
            return f"Answer, a number from {item.min:g} to {item.max:g} {unit}: ".replace("  ", " ")
        if item.type == "date":
            return "Answer, a date as YYYY-MM-DD: "
        return "Answer, type it, or Enter to leave it blank: " if not item.required else "Answer, type it: "

    def _value(self, item: Any, raw: str) -> Any:
        """What a line means as an answer to `item`; ValueError says why it is not one."""
        s = self.session
        text = raw.strip()
        if item.type in LISTED:
            choices = choices_for(item, s.catalogue, s.mode)
            if item.type == "yesno" and text.lower() in YES | NO:
                return text.lower() in YES
            if item.type == "multi":
                picked = [self._pick(choices, part) for part in re.split(r"[\s,;]+", text) if part]
                return list(dict.fromkeys(c.value for c in choices if c.value in picked))
            return self._pick(choices, text)
        return parse_typed(item, text)

    @staticmethod
    def _pick(choices: list[Any], text: str) -> Any:
        """The value of the option numbered (or labelled, ignoring case) `text`."""
        for c in choices:
            if text == str(c.number) or text.casefold() == c.label.casefold():
                return c.value
        raise ValueError(f"{text!r} is not one of the numbers shown")

    def _accepted(self, item: Any) -> str:
        unknown = ", u for don't know" if item.allow_unknown else ""
        if item.type == "multi":
            return f"Type the numbers of every option that applies, separated by spaces{unknown}; ? for help."
        if item.type in LISTED:
            yes = " (or y / n)" if item.type == "yesno" else ""
            if self.session.screen is not None:
                yes += f", {SCREEN_NONE} for none of these"
            return f"Type one of the numbers shown{yes}{unknown}; ? for help."
        return f"{self._prompt(item).removeprefix('Answer, ').rstrip(': ').capitalize()}{unknown}; ? for help."

    def _help(self, item: Any) -> None:
        s = self.session
        lines = []
        if item.help:
            lines.append(item.help.for_mode(s.mode))
        else:
            lines.append("No further help for this question.")
        lines.append(self._accepted(item))
        lines += HELP
        if s.mode == "tech":
            lines.append(f"{SECTION_NONE}: answer no or not seen to this section's remaining unanswered "
                         "questions in one step, then go on to the first one that cannot be assumed.")
        self.say(*lines)

    def _section_none(self) -> bool:
        """Technician mode, one step (as Ctrl+N in the app): no / not seen to the section's blanks that have such
        an answer, then on to the first question of the section that cannot be assumed (gum colour, a number), or
        past the section. True when answered; every answer can be changed from the review."""
        s = self.session
        blanks = s.section_blanks()
        if not blanks:
            self.say("No unanswered question in this section has a no or not seen answer.")
            return False
        n = len(blanks)
        outcome = s.answer_section_none()
        self.say(f"None in section: answered {n} as no or not seen (r: review to change one).")
        if outcome.new_red_flags and not self._emergency(outcome.new_red_flags):
            return True
        stop = s.section_stop()
        if stop is None:
            self._review()
        else:
            s.go_to(stop)
        return True

    # --- the emergency --------------------------------------------------------------------------------

    def _contact(self) -> str:
        return self.config.emergency_contact() if self.config else DEFAULT_CONTACT

    def _emergency(self, flag_ids: tuple[str, ...]) -> bool:
        """Print the emergency message first, then ask: finish for the record (True) or stop here (False)."""
        notice = self.session.emergency_notice(flag_ids, self._contact())
        lines = ["", f"{notice.title.upper()}.", notice.lead]
        for title, action in notice.flags:
            lines += [f"Red flag: {title}.", action]
        address = getattr(self.config, "clinic_address", None)
        lines += [notice.contact, *([f"Address: {address}"] if address else []), notice.saved]
        self.say(*lines)
        while True:
            word = self._read("Type f to finish the questions for the record, or s to stop here: ").strip().lower()
            if word == "f":
                return True
            if word == "s":
                self._stop()
                return False
            self.say("Type f to finish the questions for the record, or s to stop here.")

    def _withdrawn(self, gone: set[str]) -> None:
        """Say that an answer took back a red flag (the screen reader must hear it as clearly as the alarm)."""
        s = self.session
        titles = "; ".join(s.catalogue.red_flags[f].title.for_mode(s.mode) for f in sorted(gone))
        still = s.red_flags
        now = (f" Still reported: {'; '.join(s.catalogue.red_flags[f].title.for_mode(s.mode) for f in sorted(still))}."
               if still else " No emergency sign is reported now; the record keeps that one was, and why it changed.")
        self.say(f"Emergency sign withdrawn: {titles}.{now}")

    def _stop(self) -> None:
        """Stop at the emergency: the summary as it stands (a draft) and its documents, as the app shows them."""
        s = self.session
        s.save_position()
        self.say("", *draft_lines(s, self._contact(), self._db_words()), "",
                 "Saved. Every answer given so far is kept.", self._resume_hint())
        self.done = True

    # --- review and completion ------------------------------------------------------------------------

    def _review(self, asked: bool = False) -> None:
        """The review: how many are answered, then every visible answer by section, numbered, when it was asked
        for (r, or l here); coming back after a change, only what changed. A number changes that answer, c
        completes. A key not understood gets one line, never the whole list again (a screen reader would read
        every answer out once more)."""
        s = self.session
        self.to_red_flags = False
        changed, self._changed = self._changed, None
        numbered = self._review_order()
        self.say("", self._review_summary())
        if asked:
            self._list_review(numbered)
        elif changed is not None:
            self._list_review(numbered, only=changed)
        else:
            self._review_gaps(numbered)
        while True:
            word = self._read("Type a number to change that answer, l to list every answer, c to complete, b to go "
                              "back to the questions, q to save and leave: ").strip().lower()
            if word == "b" or word == "":
                self._section = None  # say the section again on the way back
                return
            if word == "q":
                self._leave()
                return
            if word == "l":
                self._list_review(numbered)
                continue
            if word == "c":
                if self._complete():
                    return
                continue
            if word.isdigit() and 1 <= int(word) <= len(numbered):
                s.go_to(numbered[int(word) - 1])
                self.return_to_review = True
                self._changed = (numbered[int(word) - 1], list(numbered))
                self._section = None
                return
            self.say(f"Not accepted: {word!r}. Type a number from 1 to {len(numbered)}, l, c, b or q.")

    _changed: tuple[str, list[str]] | None = None
    """The answer picked from the review to change, and the review's numbering then."""

    def _review_order(self) -> list[str]:
        """The visible questions in the review's numbering (by section, in asking order)."""
        s = self.session
        order = {sec.id: n for n, sec in enumerate(s.catalogue.sections)}
        return sorted(s.visible, key=lambda i: (order[s.catalogue.section_of[i]], s.visible.index(i)))

    def _review_summary(self) -> str:
        s = self.session
        unanswered = sum(1 for i in s.visible if i not in s.answers)
        unknown = sum(1 for i in s.visible if s.answers.get(i) == UNKNOWN)
        emergency = " An emergency sign is reported." if s.emergency_now else ""
        return (f"Review for {s.dog_name}: {len(s.visible) - unanswered} of {len(s.visible)} answered, "
                f"{unanswered} not answered, {unknown} don't know.{emergency}")

    def _answer_line(self, number: int, item_id: str) -> str:
        s = self.session
        item = s.catalogue.items[item_id]
        return f"{number}. {item.text.for_mode(s.mode)} Answer: {s.label(item, s.answers.get(item_id))}."

    def _list_review(self, numbered: list[str], only: tuple[str, list[str]] | None = None) -> None:
        """Every answer by section; with `only`, the one answer changed (and a word if the numbers moved)."""
        s = self.session
        if only is not None:
            item_id, before = only
            lines = [f"Changed: {self._answer_line(numbered.index(item_id) + 1, item_id)}"] \
                if item_id in numbered else []
            if before != numbered:
                lines.append("That answer changed which questions are asked, so the numbers moved: l lists them.")
            self.say(*lines)
            return
        lines = []
        section = None
        for n, item_id in enumerate(numbered, 1):
            if s.catalogue.section_of[item_id] != section:
                section = s.catalogue.section_of[item_id]
                lines.append(f"{next(x for x in s.catalogue.sections if x.id == section).title.for_mode(s.mode)}:")
            lines.append(self._answer_line(n, item_id))
        self.say(*lines)

    def _review_gaps(self, numbered: list[str]) -> None:
        """On arriving at the review after the last question: the questions still open, not every answer."""
        s = self.session
        open_ = [(n, i) for n, i in enumerate(numbered, 1) if i not in s.answers]
        if open_:
            self.say("Not answered:", *(self._answer_line(n, i) for n, i in open_[:20]),
                     *([f"... and {len(open_) - 20} more (l lists every answer)."] if len(open_) > 20 else []))

    def _complete(self) -> bool:
        """Complete if the session allows it (True: the result is printed), or go to the emergency questions
        it says are unanswered (True: the review is left); False stays in the review."""
        s = self.session
        missing = s.required_missing()
        if missing:
            self.say("Please answer first: " + "; ".join(s.catalogue.items[i].text.for_mode(s.mode) for i in missing))
            return False
        gaps = s.gaps()
        if gaps.red_flags:
            n = len(gaps.red_flags)
            self.say(f"Cannot finish yet: {red_flags_unanswered(n)} "
                     "Answer each one, or u for don't know. Going to the first of them; the review follows.")
            s.go_to(gaps.red_flags[0])
            self.to_red_flags = True
            self._section = None
            return True
        if gaps.others and not self._yes(
                f"{gaps.describe()}. {GAPS_WARNING} Finish anyway? y or n: "):
            return False
        intake = s.complete()
        s.reason = None
        self.say("", *result_lines(s, intake, self._contact(), self._db_words()))
        self.done = True
        return True

    def _db_words(self) -> str:
        """` --db PATH` as the command was given it (shell-quoted, any password masked), else nothing."""
        if not self.db:
            return ""
        import shlex

        from vettriage.config import mask_password

        return f" --db {shlex.quote(mask_password(self.db))}"

    def _resume_hint(self) -> str:
        """The command that picks this intake up again: the same dog option and database as this one (quoted for
        the shell)."""
        import shlex

        owner = " --owner" if self.session.mode == "owner" else ""
        option, value = self.again
        return f"To go on later: vettriage intake --plain{owner} {option} {shlex.quote(value)}{self._db_words()}"

    def _leave(self) -> None:
        s = self.session
        s.save_position()
        self.say("", "Saved. Every answer given so far is kept.", self._resume_hint())
        self.done = True

    # --- lines in, lines out --------------------------------------------------------------------------

    def _yes(self, prompt: str) -> bool:
        while True:
            word = self._read(prompt).strip().lower()
            if word in YES:
                return True
            if word in NO:
                return False
            self.say("Type y for yes or n for no.")

    def _read(self, prompt: str) -> str:
        self.out.write(clean(prompt))
        self.out.flush()
        line = self.inp.readline()
        if not line:
            self.out.write("\n")
            raise EndOfInput
        line = line.rstrip("\r\n")
        if self.echo:
            self.out.write(clean(line) + "\n")
        return line

    def say(self, *lines: str) -> None:
        """Write lines of text (stripped of control characters: owners type names and notes)."""
        self.out.write("".join(clean(line) + "\n" for line in lines))
        self.out.flush()


def _label(c: Any) -> str:
    """An option's label without its own leading number ("3 severe" on a scale numbered 3)."""
    first, _, rest = c.label.partition(" ")
    return rest.lstrip("- ") if first == str(c.number) and rest else c.label


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
