"""One intake being filled in: answers, branching, position, what comes next, autosave and red-flag detection.

No user interface here: the Textual screens, the plain dialogue and the web form call these methods and show
the result, and the logic is tested with plain pytest. Every answer goes to the store the moment it is given
(the store makes it durable on return); the answers one key gives together ("none of these") go in one write.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from vettriage.content.models import UNKNOWN, Item

WHO = {"owner": "owner", "tech": "technician"}


@dataclass(frozen=True)
class Outcome:
    """What one answer changed: red flags raised for the first time, and answers dropped by branching."""

    new_red_flags: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gaps:
    """What is still unanswered: the emergency questions by id (each must be answered, "don't know" counts) and
    every other section's count of unanswered questions, by section title in asking order."""

    red_flags: tuple[str, ...]
    elsewhere: tuple[tuple[str, int], ...]

    @property
    def others(self) -> int:
        """How many questions outside the emergency section are unanswered."""
        return sum(n for _, n in self.elsewhere)

    def describe(self) -> str:
        """`23 questions unanswered: Pain 10, Cognition 13`."""
        parts = ", ".join(f"{title} {n}" for title, n in self.elsewhere)
        return f"{self.others} question{'s' if self.others != 1 else ''} unanswered: {parts}"


@dataclass(frozen=True)
class Choice:
    """One option as shown: the number that picks it, its stored value and its label."""

    number: int
    value: Any
    label: str


def choices_for(item: Item, catalogue: Any, mode: str) -> list[Choice]:
    """The numbered options of a scale, yes/no, choice or multi item. Scales number by value (0-10 pain
    scores are picked by their own digit); other lists count from 1. The terminal app and the plain mode
    number them alike, so "press 2" means the same answer in both."""
    if item.type == "scale":
        return [Choice(p.value, p.value, p.label.for_mode(mode)) for p in catalogue.scales[item.scale].points]
    if item.type == "yesno":
        return [Choice(1, True, "Yes"), Choice(2, False, "No")]
    return [Choice(n, o.value, o.label.for_mode(mode)) for n, o in enumerate(item.options or (), 1)]


def parse_typed(item: Item, text: str) -> Any:
    """What a typed answer holds, before validation: None when empty, a float for a number (a comma is a
    decimal point), else the text. Raises ValueError naming what was typed when a number is not one."""
    text = text.strip()
    if not text:
        return None
    if item.type in ("number", "months"):
        try:
            return float(text.replace(",", "."))
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    return text


@dataclass(frozen=True)
class EmergencyNotice:
    """What a newly raised red flag tells the reader, in the mode's wording: the same words on the emergency
    screen and in the plain mode."""

    title: str
    lead: str
    flags: tuple[tuple[str, str], ...]
    """(title, what to do now) per red flag."""
    contact: str
    saved: str


class RedFlagsUnanswered(ValueError):
    """Completing was refused: an emergency question has no answer."""


@dataclass(frozen=True)
class Progress:
    """Where the intake stands: section n of m and question n of m within that section."""

    section_title: str
    section_index: int
    sections: int
    question_index: int
    questions: int

    def line(self) -> str:
        """`Section 3 of 6 · Pain · question 4 of 22`."""
        return (f"Section {self.section_index} of {self.sections} · {self.section_title} · "
                f"question {self.question_index} of {self.questions}")


class IntakeSession:
    """The state of one intake and the operations on it. `mode` picks the wording; `reason` marks amendments;
    `who` is the person recorded on every answer (the technician's name; default the mode's word);
    `prefilled` maps the answers copied from an earlier visit to that visit's words (`starting.prefilled_of`):
    a change of one is audited as such."""

    def __init__(self, catalogue: Any, store: Any, intake: Any, mode: str, reason: str | None = None,
                 who: str | None = None, prefilled: dict[str, str] | None = None) -> None:
        self.catalogue = catalogue
        self.store = store
        self.who = who or WHO.get(mode, mode)
        self.prefilled: dict[str, str] = dict(prefilled or {})
        self._fresh: set[str] = set()
        """Questions first answered since the current question was reached: a change of one of those is
        still the first answer, not a change of an earlier one."""
        self.intake_id: int = intake.id
        self.dog_name: str = intake.dog.name
        self.mode = mode
        self.reason = reason
        self.emergency: bool = bool(intake.emergency)
        """A red flag was reported at some point (kept even when withdrawn: the record shows it was)."""
        self._stored_urgency = intake.urgency
        self.content_version: str | None = getattr(intake, "content_version", None)
        self.answers: dict[str, Any] = {k: v for k, v in intake.answers.items() if v is not None}
        self.visible: list[str] = []
        self._refresh_visible()
        self._raised: set[str] | None = None
        self._batch: list[tuple[str, Any, str | None, str | None]] | None = None
        """Answers saved inside `one_write()`, not yet written."""
        self.index = self._start_index(intake.position)

    def unconfirmed(self, item_id: str) -> bool:
        """An answer copied from an earlier visit that nobody has looked at in this intake yet."""
        return item_id in self.prefilled and item_id in self.answers

    def confirm(self, item_id: str) -> None:
        """The reader saw a pre-filled answer and kept it (it stays audited as pre-filled)."""
        self.prefilled.pop(item_id, None)

    # --- reading --------------------------------------------------------------------------------------

    @property
    def item(self) -> Item:
        """The current question."""
        return self.catalogue.items[self.visible[self.index]]

    @property
    def red_flags(self) -> set[str]:
        """The red flags the answers raise."""
        self.prepare()
        return self._raised  # type: ignore[return-value]

    def prepare(self) -> None:
        """Work out the red flags already raised, if not done yet. Not done when the session is made: it takes
        the whole engine, which painting the first question does not need. The screen calls this once that
        question is on screen, so that the first answer does not wait for it either."""
        if self._raised is None:
            self._raised = set(self._red_flags())

    @property
    def at_end(self) -> bool:
        """True once every visible question has been passed (the next stop is the review)."""
        return self.visible.index(self.screen_items()[-1]) >= len(self.visible) - 1

    # --- grouped emergency screens (content screens.yaml) ---------------------------------------------

    @property
    def screen(self) -> Any:
        """The grouped screen the current question is on (several emergency signs shown and answered
        together), or None for a question shown on its own."""
        sc = self.catalogue.screen_of.get(self.item.id)
        return sc if sc is not None and len(sc.items) > 1 else None

    def screen_items(self, item_id: str | None = None) -> list[str]:
        """The visible questions on the same screen as `item_id` (default: the current one), in asking
        order; just that question when it is shown on its own. Every front end shows these together."""
        item_id = item_id or self.item.id
        sc = self.catalogue.screen_of.get(item_id)
        if sc is None or len(sc.items) == 1:
            return [item_id]
        members = set(sc.items)
        return [i for i in self.visible if i in members]

    def screen_blanks(self) -> list[str]:
        """The current screen's yes/no signs with no answer yet: what "none of these" answers no."""
        return [i for i in self.screen_items() if i not in self.answers and self.catalogue.items[i].type == "yesno"]

    def answer_screen_none(self) -> Outcome:
        """"None of these": answer no to every sign of the current screen still unanswered. A sign already
        answered (yes, no, don't know) keeps its answer; a screen never touched stays unanswered."""
        raised: list[str] = []
        dropped: list[str] = []
        with self.one_write():
            for item_id in self.screen_blanks():
                if item_id in self.visible:
                    out = self.answer_item(item_id, False)
                    raised += out.new_red_flags
                    dropped += out.dropped
        return Outcome(tuple(raised), tuple(dropped))

    def previous_index(self) -> int:
        """Where "back" goes: the first question of the screen before the current one (0 at the start)."""
        first = self.visible.index(self.screen_items()[0])
        if first == 0:
            return 0
        return self.visible.index(self.screen_items(self.visible[first - 1])[0])

    def progress(self) -> Progress:
        """Section and question counts for the current question, counting visible questions only."""
        cat = self.catalogue
        sec_id = cat.section_of[self.item.id]
        sections = [s for s in cat.sections if any(cat.section_of[i] == s.id for i in self.visible)]
        sec_pos = next(n for n, s in enumerate(sections, 1) if s.id == sec_id)
        in_sec = [i for i in self.visible if cat.section_of[i] == sec_id]
        return Progress(sections[sec_pos - 1].title.for_mode(self.mode), sec_pos, len(sections),
                        in_sec.index(self.item.id) + 1, len(in_sec))

    def label(self, item: Item, value: Any) -> str:
        """An answer as the mode's reader would say it."""
        if value is None:
            return "not answered"
        if value == UNKNOWN:
            return "don't know"
        if item.type == "yesno":
            return "yes" if value else "no"
        if item.type == "scale":
            for p in self.catalogue.scales[item.scale].points:
                if p.value == value:
                    return p.label.for_mode(self.mode)
        if item.type == "choice":
            return item.option_label(value, self.mode)  # type: ignore[arg-type]
        if item.type == "multi":
            return ", ".join(item.option_label(v, self.mode) for v in value)  # type: ignore[arg-type]
        if item.type in ("number", "months"):
            unit = item.unit or ("months" if item.type == "months" else "")
            return f"{value:g} {unit}".strip()
        return str(value)

    def assessment(self) -> Any:
        """The engine's Assessment of the answers so far."""
        from vettriage.engine import assess

        return assess(self.catalogue, self.answers)

    def needs_answer(self) -> bool:
        """The current question is required and has no answer: going on is refused."""
        return self.item.required and self.item.id not in self.answers

    def required_missing(self) -> list[str]:
        """Required questions (asked for this dog) with no answer: completing is refused while any remain."""
        return [i for i in self.visible if self.catalogue.items[i].required and i not in self.answers]

    def emergency_notice(self, flag_ids: list[str] | tuple[str, ...], contact: str) -> EmergencyNotice:
        """The interrupt's wording for the red flags just raised; `contact` is whom to call (the config's)."""
        owner = self.mode == "owner"
        flags = tuple((self.catalogue.red_flags[f].title.for_mode(self.mode),
                       self.catalogue.red_flags[f].action.for_mode(self.mode)) for f in flag_ids)
        # the words match the action: a same-day sign (every flag `act: today`) never reads "now" (issue 22)
        today = bool(flag_ids) and all(self.catalogue.red_flags[f].act == "today" for f in flag_ids)
        if today:
            title = "Call your vet now: your dog needs to be seen today" if owner else "SAME-DAY EMERGENCY"
            lead = ("What you described needs a vet today. Do not wait for the appointment." if owner
                    else "Red flag raised: call the owner back now; this dog needs to be seen today.")
        else:
            title = "This needs a vet now" if owner else "EMERGENCY"
            lead = ("What you described can be an emergency. Do not wait for the appointment." if owner
                    else "Red flag raised: this dog needs to be seen as an emergency.")
        return EmergencyNotice(
            title=title, lead=lead, flags=flags, contact=contact,
            saved=("Your answers so far are saved. The intake is marked as an emergency." if owner
                   else "The intake is marked emergency; answers so far are saved."))

    # --- changing -------------------------------------------------------------------------------------

    def answer(self, value: Any) -> Outcome:
        """Save `value` (canonical form; raises ValueError if invalid) for the current question."""
        return self.answer_item(self.item.id, value)

    def answer_item(self, item_id: str, value: Any, reason: str | None = None) -> Outcome:
        """Save one answer, drop the answers branching now hides, and report newly raised red flags. Nothing
        changes silently: an answer that withdraws a red flag, changes or clears an answer pre-filled from an
        earlier visit or given earlier, and every answer branching drops, is stored with its reason in the
        audit trail (`reason` given by the caller comes first)."""
        from vettriage.engine.answers import bound_problem, coerce_value

        item = self.catalogue.items[item_id]
        if value is not None:
            value = coerce_value(item, value, self.catalogue)
            problem = bound_problem(self.catalogue, item_id, value, self.answers)
            if problem:
                raise ValueError(problem)
        if self.answers.get(item_id) == value and value is not None:
            return Outcome()
        after = dict(self.answers)
        if value is None:
            after.pop(item_id, None)
        else:
            after[item_id] = value
        try:  # worked out before the write, so that the write itself can say a red flag was withdrawn
            flags = self._red_flags(after)
        except Exception:
            self._save(item_id, value)  # nothing typed is lost, whatever the engine does
            raise
        if self._raised is None and not flags and self._stored_urgency != "emergency":
            # A session made for one answer (the web form makes one per request) need not run the engine a
            # second time on the answers before it: none raised a red flag (the store marks the intake an
            # emergency when one is raised, and clears it when every one is withdrawn), and none is raised now.
            before: set[str] = set()
        else:
            before = self.red_flags  # raised by the answers as they were, before this one
        withdrawn = sorted(before - set(flags))
        old = self.answers.get(item_id)
        reason = reason or self.reason
        if withdrawn and not reason:
            reason = "red flag withdrawn: " + ", ".join(withdrawn)
        if not reason and item_id in self.prefilled and old is not None:
            verb = "cleared" if value is None else "changed"
            reason = f"{verb} the answer {self.prefilled[item_id]}"
        elif not reason and old is not None and item_id not in self._fresh:
            verb = "cleared" if value is None else "changed"
            reason = f"{verb} an earlier answer (was: {self.label(item, old)})"
        self._save(item_id, value, reason=reason)
        self.prefilled.pop(item_id, None)
        if old is None:
            self._fresh.add(item_id)
        self.answers = after
        current = self.visible[self.index] if self.visible else item_id
        dropped = self._refresh_visible()
        how = "cleared" if value is None else f"answered {self.label(item, value)!r}"
        because = f"no longer asked after {item_id} was {how}"
        for gone in dropped:
            self._save(gone, None, reason=self.reason or because)
            self.answers.pop(gone, None)
            self.prefilled.pop(gone, None)
        if current in self.visible:
            self.index = self.visible.index(current)
        new = tuple(f for f in flags if f not in before)
        self._raised = set(flags)
        if new or (not flags and before):
            self._flush()  # the answers reach the store before the mark that they raised or withdrew a flag
        if new:  # newly raised: the intake is marked at once, whatever else was answered
            self.store.mark_emergency(self.intake_id)
            self.emergency = True
        elif not flags and before:
            self.store.withdraw_emergency(self.intake_id)
        return Outcome(new, tuple(dropped))

    @property
    def emergency_now(self) -> bool:
        """Whether the answers as they stand raise a red flag (what every screen shows); before the engine has
        run once, what the store says of the intake's urgency."""
        if self._raised is None:
            return self._stored_urgency == "emergency"
        return bool(self._raised)

    def next_stop(self, *, back_to_review: bool = False, one_by_one: bool = False) -> str | None:
        """What comes after the current question: the first visible question after its screen, or None when
        the next stop is the review (after the last question, or `back_to_review` when the answer was changed
        from it). `one_by_one`: the next question even within a grouped screen (the plain mode asks each sign
        on its own line)."""
        if back_to_review:
            return None
        if one_by_one:
            return None if self.index >= len(self.visible) - 1 else self.visible[self.index + 1]
        if self.at_end:
            return None
        return self.visible[self.visible.index(self.screen_items()[-1]) + 1]

    def first_red_flag_gap(self) -> str | None:
        """The first emergency question still unanswered, if any: where completing sends the reader."""
        missing = self.gaps().red_flags
        return missing[0] if missing else None

    def go(self, index: int, *, remember: bool = True) -> None:
        """Move to question `index` (clamped) and remember it for resuming; `remember=False` leaves that to a
        later `save_position()` (the screen saves it once the owner pauses, not on every key)."""
        self.index = max(0, min(index, len(self.visible) - 1))
        self._fresh = set()
        if remember:
            self.save_position()

    def save_position(self) -> None:
        """Store the current question as the place to resume."""
        self.store.set_position(self.intake_id, self.item.id)

    def go_to(self, item_id: str) -> None:
        """Move to a question by id (it must be visible)."""
        self.go(self.visible.index(item_id))

    def none_answer(self, item: Item) -> Any:
        """The "nothing seen" answer of an item, where its type says what that is: the lowest point of a
        scale, "no", or a checklist's "none". Choices (gum colour, appetite) and typed answers have none: a
        technician must ask those."""
        if item.type == "scale":
            return min(self.catalogue.scales[item.scale].values)
        if item.type == "yesno":
            return False
        if item.type == "multi" and any(o.value == "none" for o in item.options or ()):
            return ["none"]
        return None

    def section_blanks(self) -> list[str]:
        """The current section's unanswered questions that have a "nothing seen" answer."""
        sec = self.catalogue.section_of[self.item.id]
        return [i for i in self.visible if self.catalogue.section_of[i] == sec and i not in self.answers
                and self.none_answer(self.catalogue.items[i]) is not None]

    def answer_section_none(self) -> Outcome:
        """Answer "no / not seen" to every blank of the current section that has such an answer (the owner
        said no to the whole section on the phone). Each answer is saved and audited like any other."""
        raised: list[str] = []
        dropped: list[str] = []
        with self.one_write():
            for item_id in self.section_blanks():
                if item_id in self.visible:
                    out = self.answer_item(item_id, self.none_answer(self.catalogue.items[item_id]))
                    raised += out.new_red_flags
                    dropped += out.dropped
        return Outcome(tuple(raised), tuple(dropped))

    def section_stop(self) -> str | None:
        """Where "none in this section" leaves the reader: the first question of the current section still
        unanswered (one that cannot be assumed: a choice, a typed answer), else the question after the section
        (None: the review)."""
        cat = self.catalogue
        sec = cat.section_of[self.item.id]
        in_sec = [i for i in self.visible if cat.section_of[i] == sec]
        for i in in_sec:
            if i not in self.answers:
                return i
        last = self.visible.index(in_sec[-1])
        return self.visible[last + 1] if last + 1 < len(self.visible) else None

    def gaps(self) -> Gaps:
        """The questions asked for this dog that have no answer yet ("don't know" is an answer)."""
        from vettriage.engine.triage import RED_FLAG_SECTION

        cat = self.catalogue
        # free text (notes, breed) left blank is not a gap in the screening: nothing is concluded from it
        open_ = [i for i in self.visible if i not in self.answers and cat.items[i].type != "text"]
        red = tuple(i for i in open_ if cat.section_of[i] == RED_FLAG_SECTION)
        counts: dict[str, int] = {}
        for i in open_:
            if cat.section_of[i] != RED_FLAG_SECTION:
                counts[cat.section_of[i]] = counts.get(cat.section_of[i], 0) + 1
        titles = {sec.id: sec.title.for_mode(self.mode) for sec in cat.sections}
        return Gaps(red, tuple((titles[sid], n) for sid, n in counts.items()))

    def complete(self) -> Any:
        """Assess, store the Assessment and return the stored intake. Refused (RedFlagsUnanswered) while an
        emergency question has no answer: a result must never read as "no emergency" when one was not asked."""
        missing = self.gaps().red_flags
        if missing:
            raise RedFlagsUnanswered(f"{len(missing)} emergency question(s) not answered: {', '.join(missing)}")
        result = self.assessment()
        return self.store.complete(self.intake_id, result.model_dump(mode="json"))

    # --- internals ------------------------------------------------------------------------------------

    @contextmanager
    def one_write(self) -> Iterator[None]:
        """The answers saved inside reach the store together when the block ends (or fails part-way: those
        saved until then), in one transaction where they can share one: one key ("none of these") is one write
        and one wait for the disk, not one per sign. Each answer keeps its own audit event; a run of answers
        with another reason, or a second save of the same question (answered, then dropped by branching), starts
        another transaction, in order. A red flag raised or withdrawn writes the answers first."""
        if self._batch is not None:  # already inside one: the outer block writes
            yield
            return
        self._batch = []
        try:
            yield
        finally:
            self._flush()
            self._batch = None

    def _flush(self) -> None:
        pending, self._batch = self._batch, ([] if self._batch is not None else None)
        group: dict[str, Any] = {}
        position = reason = None
        for item_id, value, at, why in pending or ():
            if group and (why != reason or item_id in group):
                self._write(group, position, reason)
                group = {}
            group[item_id] = value
            position, reason = at, why
        if group:
            self._write(group, position, reason)

    def _write(self, answers: dict[str, Any], position: str | None, reason: str | None) -> None:
        if len(answers) == 1:
            ((item_id, value),) = answers.items()
            self.store.save_answer(self.intake_id, item_id, value, who=self.who, position=position, reason=reason)
        else:
            self.store.save_answers(self.intake_id, answers, who=self.who, position=position, reason=reason)

    def _save(self, item_id: str, value: Any, reason: str | None = None) -> None:
        position = self.visible[self.index] if self.visible else item_id
        if self._batch is not None:
            self._batch.append((item_id, value, position, reason or self.reason))
            return
        self._write({item_id: value}, position, reason or self.reason)

    def _refresh_visible(self) -> list[str]:
        """Recompute the visible questions; return answered ids that branching now rules out. An answer whose
        question waits on one not answered yet (a pre-filled "treatments tried" before the pain signs) is kept:
        nothing has ruled it out."""
        from vettriage.engine.answers import shown_and_ruled_out

        self.visible, ruled_out = shown_and_ruled_out(self.catalogue, self.answers)
        return [i for i in self.answers if i in ruled_out]

    def _red_flags(self, answers: dict[str, Any] | None = None) -> list[str]:
        from vettriage.engine import assess

        return assess(self.catalogue, self.answers if answers is None else answers).red_flag_ids

    def _start_index(self, position: str | None) -> int:
        """Resume at the stored position; else at the first unanswered question or answer pre-filled from an
        earlier visit (shown for confirmation, never skipped)."""
        if position in self.visible:
            return self.visible.index(position)
        for n, item_id in enumerate(self.visible):
            if item_id not in self.answers or item_id in self.prefilled:
                return n
        return 0
