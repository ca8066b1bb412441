"""Pydantic models of the screening content: items, scales, scores, rules, flags, care options, references.

Everything here is data read from `questionnaires/*.yaml`. Cross-references (an item naming a scale, a rule
naming an item, anything naming a source) are checked by `Catalogue`'s validator so that a broken file fails at
load with the file, the id and the line, never later in the middle of an intake.
"""

from __future__ import annotations

import math
from typing import Any, Literal, Union

from vettriage.record import Checked, constrained, field, record

Id = str  # a lower_snake_case id of at most 64 characters: fields typed `Id` are checked (vettriage.record)
Mode = Literal["owner", "tech"]
ItemType = Literal["scale", "yesno", "choice", "multi", "number", "months", "date", "text"]
Category = Literal["pain", "ccd", "medical"]
Level = Literal["none", "possible", "likely"]
Urgency = Literal["emergency", "soon", "routine"]

UNKNOWN = "unknown"
"""The answer "don't know / not observed": stored as this string, never scored as zero."""

RED_FLAG_IDS = (
    "collapse", "breathing", "gums", "bloat", "abdomen", "seizure", "urinary_block", "eye_vision",
    "nonambulatory", "vomiting", "gi_blood", "toxin", "anorexia", "severe_pain",
    "first_seizure", "heatstroke", "trauma", "bleeding", "no_urine", "acute_abdomen", "diarrhoea", "hypoglycaemia",
    "pyometra",
    "heart_failure", "spinal_acute", "head_pressing", "adrenal_crisis", "jaundice", "gums_red", "melaena_recent",
)
KETAMINE_CAUTION_IDS = ("seizure", "iop", "icp", "cardiac", "hypertension", "kidney", "liver", "respiratory", "defer")
PAIN_KIND_IDS = ("joint", "spine", "mouth", "bone_cancer", "acute", "unknown")
"""What kind of pain the answers point to (issue 23): never a diagnosis, each with the answers behind it."""
MEDICATION_FLAG_IDS = (
    "nsaid_combo", "nsaid_monitor", "nsaid_gi", "nsaid_kidney",
    "nsaid_ace_diuretic", "nsaid_steroid_option", "serotonin", "tramadol_seizure", "bedinvetmab_signs",
    "human_nsaid", "paracetamol", "aspirin_alone", "cbd", "ketamine_home", "nsaid_liver", "trilostane_organ",
    "steroid_insulin", "amitraz_selegiline", "bromide_kidney", "thyroid_test_drug",
)
ACTS = ("now", "today")
"""The two tiers of an emergency: `now` (go in without delay) and `today` (call now, seen the same day). Both
are urgency `emergency`; the tier picks the words everywhere the urgency is printed."""
MedicineAction = Literal["continue", "call_soon", "call_today", "hold"]
MEDICINE_ACTIONS: tuple[str, ...] = ("continue", "call_soon", "call_today", "hold")
"""Owner instructions about one medicine, from the least to the most strict (the strictest raised wins)."""
LEVELS: tuple[Level, ...] = ("none", "possible", "likely")
LABEL_MAX = 40


class Strict(Checked):
    """Base for content: unknown keys are errors (a typo in a file must not pass silently); immutable.

    Each content class is a `@content` dataclass validated by pydantic at load (vettriage.record says why)."""

    __slots__ = ()


content = record(aliases=True)


@content
class Wording(Strict):
    """The same sentence for the two audiences: an owner at home and a technician at the desk."""

    owner: str = constrained(min_len=1)
    tech: str = constrained(min_len=1)

    def _check(self) -> None:
        # a blank red-flag action would tell an owner facing an emergency nothing at all
        if not self.owner.strip() or not self.tech.strip():
            raise ValueError("a wording is blank: give both the owner's and the technician's words")

    def for_mode(self, mode: Mode) -> str:
        """The wording for `mode`."""
        return self.owner if mode == "owner" else self.tech


@content
class Reference(Strict):
    """A published source that items and rules cite."""

    id: Id
    title: str
    year: int | None = None
    url: str | None = None
    note: str | None = None

    def _check(self) -> None:
        if not self.url and not self.note:
            raise ValueError("a reference gives an address, or a note saying where to find it")
        if self.url is not None and not _https(self.url):
            # the vet's HTML report links it: a javascript: or data: address there would run in their browser
            raise ValueError("a reference's url is an https:// address (no other scheme, no spaces)")


@content
class ScalePoint(Strict):
    """One point of a scale: its value and its label."""

    value: int
    label: Wording


@content
class Scale(Strict):
    """A numeric answer scale shared by many items (e.g. 0-3 severity, 0-10 pain)."""

    id: Id
    points: list[ScalePoint] = constrained(min_len=2)

    def _check(self) -> None:
        values = [p.value for p in self.points]
        if len(set(values)) != len(values):
            raise ValueError("two points of the scale have the same value")

    @property
    def values(self) -> list[int]:
        """The allowed values, in order."""
        return [p.value for p in self.points]


@content
class Option(Strict):
    """One option of a choice or multi-choice item."""

    value: Id
    label: Wording


# --- Conditions -------------------------------------------------------------------------------------------
# Structured, never executed as code: `all` / `any` / `not` / `at_least` over comparisons on items, scores
# and the findings of earlier rules.


@content
class ItemTest(Strict):
    """A comparison on one answer. Exactly one operator is given."""

    item: Id
    eq: Any = None
    ne: Any = None
    in_: list[Any] | None = None
    contains: Id | None = None
    contains_any: list[Id] | None = None
    gte: float | None = None
    lte: float | None = None
    gt: float | None = None
    lt: float | None = None
    known: bool | None = None
    unknown: bool | None = None

    def _check(self) -> None:
        ops = [OP_NAMES[ITEM_OPERATORS.index(k)] for k in ITEM_OPERATORS if getattr(self, k) is not None]
        if len(ops) != 1:
            raise ValueError(f"an item test needs exactly one operator of {', '.join(OP_NAMES)}; got {ops or 'none'}")
        values = list(self.operand) if self.operator in ("in", "contains_any") else [self.operand]
        for v in values:
            # an answer is a string, a number or true/false: `eq: {}` can match nothing (and cannot be looked up)
            if not isinstance(v, (str, int, float)) or (isinstance(v, float) and not math.isfinite(v)):
                raise ValueError(f"'{self.operator}' compares with a text, a whole number, a finite number or "
                                 f"true/false, not {_shown(v)}")

    @property
    def operator(self) -> str:
        """The operator's name as written in the file."""
        op = next(k for k in ITEM_OPERATORS if getattr(self, k) is not None)
        return "in" if op == "in_" else op

    @property
    def operand(self) -> Any:
        """The value compared against."""
        return getattr(self, "in_" if self.operator == "in" else self.operator)


ITEM_OPERATORS = ("eq", "ne", "in_", "contains", "contains_any", "gte", "lte", "gt", "lt", "known", "unknown")
OP_NAMES = tuple("in" if o == "in_" else o for o in ITEM_OPERATORS)


@content
class ScoreTest(Strict):
    """A comparison on a computed score; an insufficient score never satisfies it."""

    score: Id
    gte: float | None = None
    lte: float | None = None
    gt: float | None = None
    lt: float | None = None

    def _check(self) -> None:
        ops = [k for k in ("gte", "lte", "gt", "lt") if getattr(self, k) is not None]
        if len(ops) != 1:
            raise ValueError("a score test needs exactly one of gte, lte, gt, lt")
        if not math.isfinite(getattr(self, ops[0])):
            raise ValueError(f"'{ops[0]}' needs a finite number")


@content
class FindingTest(Strict):
    """True when an earlier rule put `category` at `at_least` or above."""

    finding: Category
    at_least: Literal["possible", "likely"] = "possible"


@content
class RedFlagTest(Strict):
    """True when any red flag (or the named one) was raised by an earlier rule."""

    red_flag: Literal["any"] | Id


@content
class AllOf(Strict):
    """Every condition holds."""

    all: list[Condition] = constrained(min_len=1)


@content
class AnyOf(Strict):
    """At least one condition holds."""

    any: list[Condition] = constrained(min_len=1)


@content
class NotOf(Strict):
    """The condition does not hold."""

    not_: Condition


@content
class AtLeast(Strict):
    """At least `n` of the conditions hold."""

    at_least: int = constrained(ge=1)
    of: list[Condition] = constrained(min_len=1)

    def _check(self) -> None:
        if self.at_least > len(self.of):
            raise ValueError(f"at_least {self.at_least} of {len(self.of)} conditions can never hold")


Condition = Union[AllOf, AnyOf, NotOf, AtLeast, ItemTest, ScoreTest, FindingTest, RedFlagTest]


# --- Items and sections -----------------------------------------------------------------------------------


@content
class Item(Strict):
    """One question. Its id is part of the public format (answers files, records, exports)."""

    id: Id
    type: ItemType
    text: Wording
    label: str | None = None
    """A short clinical label in the technician's words ("stiff after rest", "PU/PD"): the vet's summary lists
    answers as `label: answer` so that a page-1 problem list holds them all. At most LABEL_MAX characters."""
    help: Wording | None = None
    scale: Id | None = None
    options: list[Option] | None = None
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    allow_unknown: bool = True
    required: bool = False
    enable_when: Condition | None = None
    domain: Id | None = None
    source: Id
    not_above: Id | None = None
    """A number that cannot exceed another number answer (age at a first seizure is not more than the dog's
    age): an answer above it is refused with a one-line error naming both."""
    history: bool | Literal["elapsed"] = False
    """History, not a sign: a follow-up intake starts with the last completed visit's answer for the owner to
    confirm (medicines, diagnosed conditions, signalment). `elapsed`: the answer counts time (months since a
    blood test, age in years) and is carried forward by the time since that visit. A sign or rating is never
    history (a pre-ticked sign biases the score): the loader refuses it on a scale item, a scored item or a
    red-flag question."""

    def _check(self) -> None:
        label = self.label
        if label is not None and (not 0 < len(label) <= LABEL_MAX or label != label.strip() or label[-1] in ".?:;"):
            raise ValueError(f"label is a short phrase of 1-{LABEL_MAX} characters, without surrounding spaces or "
                             "closing punctuation")
        for name in ("min", "max"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number (no answer could be checked against {value})")
        if self.history and self.type == "scale":
            raise ValueError("a scale item is a rating and cannot be history (a pre-filled rating biases the score)")
        if self.history == "elapsed" and not (self.type == "months" or (self.type == "number" and self.unit == "years")):
            raise ValueError("history: elapsed is for a months item or a number item in years")
        if self.type == "scale" and not self.scale:
            raise ValueError("a scale item names its scale")
        if self.type in ("choice", "multi"):
            if not self.options:
                raise ValueError(f"a {self.type} item lists its options")
            values = [o.value for o in self.options]
            if len(set(values)) != len(values):
                raise ValueError("option values repeat")
            if UNKNOWN in values:
                raise ValueError("'unknown' is reserved for \"don't know\"; set allow_unknown instead")
        elif self.options:
            raise ValueError(f"a {self.type} item has no options")
        if self.type in ("number", "months") and (self.min is None or self.max is None):
            raise ValueError(f"a {self.type} item states its range (min and max)")
        if self.type == "number" and not self.unit:
            raise ValueError("a number item states its unit")

    def option_label(self, value: str, mode: Mode) -> str:
        """The label of one option's value, in `mode`'s wording."""
        for o in self.options or ():
            if o.value == value:
                return o.label.for_mode(mode)
        return value


@content
class Section(Strict):
    """A group of items asked together, in order."""

    id: Id
    title: Wording
    intro: Wording | None = None
    recall_window: str | None = None
    items: list[Item] = constrained(min_len=1)


@content
class Score(Strict):
    """A number computed from items or other scores.

    `sum`/`mean`/`max` over known inputs; `count_at_least` counts inputs whose value is >= `threshold`;
    `percent_drop` of two numbers [before, now] is how much lower `now` is, as a percentage of `before` (e.g. a
    weight lost). Below `min_share` of inputs known, the score is "insufficient data" and no rule can use it.
    """

    id: Id
    title: Wording
    category: Category | None = None
    method: Literal["sum", "mean", "max", "count_at_least", "percent_drop"]
    of: list[Id] = constrained(min_len=1)
    threshold: float | None = None
    min_share: float = constrained(0.5, gt=0, le=1)
    heuristic: str | None = None
    source: Id

    def _check(self) -> None:
        if (self.method == "count_at_least") != (self.threshold is not None):
            raise ValueError("count_at_least, and only it, needs a threshold")
        if self.method == "percent_drop" and len(self.of) != 2:
            raise ValueError("percent_drop reads exactly two inputs: [before, now]")
        if self.threshold is not None and not math.isfinite(self.threshold):
            raise ValueError("threshold must be a finite number")
        if not math.isfinite(self.min_share):
            raise ValueError("min_share must be a number above 0 and at most 1")


@content
class Effect(Strict):
    """What a rule does when it fires. At least one field is set."""

    finding: Category | None = None
    level: Literal["possible", "likely"] | None = None
    cap: Category | None = None
    cap_level: Level | None = None
    red_flag: Id | None = None
    ketamine_caution: Id | None = None
    medication_flag: Id | None = None
    pain_kind: Id | None = None
    """The kind of pain the answers point to (rules_pain_kind.yaml): carried by the Assessment with its evidence."""
    urgency: Literal["soon"] | None = None
    workup: list[Id] = constrained([])
    note: Wording | None = None
    severity: Literal["mild", "moderate", "severe"] | None = None
    """With a finding: how marked the signs behind it are (the highest a fired rule gives is reported)."""
    explains: list[Id] = constrained([])
    """Items whose answers what this rule found explains (e.g. pain explains less play): from here on they take
    no part in any score, so later rules no longer count them (the items are still stored and shown)."""

    def _check(self) -> None:
        if (self.finding is None) != (self.level is None):
            raise ValueError("finding and level go together")
        if self.severity is not None and self.finding is None:
            raise ValueError("severity goes with a finding")
        if (self.cap is None) != (self.cap_level is None):
            raise ValueError("cap and cap_level go together")
        if not any([self.finding, self.cap, self.red_flag, self.ketamine_caution, self.medication_flag,
                    self.pain_kind, self.urgency, self.workup, self.note, self.explains]):
            raise ValueError("a rule's `then` does something")


def implied_finding(effect: Effect) -> str | None:
    """The finding a rule raises without naming one: a medication flag that asks for a visit soon is a medical
    problem to review, so it raises `medical` to possible with the flag's evidence (a plan never reads "no
    finding" beside it). Kept here so that the engine and the content checks read it the same way."""
    if effect.finding is None and effect.medication_flag is not None and effect.urgency == "soon":
        return "medical"
    return None


@content
class Rule(Strict):
    """A named condition with an effect and a source. Evaluated in file order."""

    id: Id
    title: str
    when: Condition
    then: Effect
    source: Id


@content
class RedFlag(Strict):
    """An emergency sign and what to do about it now.

    `act` is its tier: `now` (go in without delay) or `today` (call now, seen the same day), with `act_source`
    the reference that sets it. `medicines`: per medicine class (`medicine_classes` in flags.yaml), the owner
    instruction this red flag calls for; the strictest over every flag raised is printed once per medicine."""

    id: Id
    title: Wording
    action: Wording
    act: Literal["now", "today"]
    act_source: Id
    source: Id
    medicines: dict[Id, MedicineAction] = field(default_factory=dict)
    call_list: bool = True
    """Listed on every handout under "call at once if you see"; false for a sign that only some dogs can show
    (on trilostane, a known heart disease) or that a broader listed sign already covers."""


@content
class Flag(Strict):
    """A ketamine caution, a medication-safety flag or a work-up step: an id, its wording, its source.

    A medication flag's `medicines` says, per medicine class, the owner instruction it calls for (as a red
    flag's); its `detail` explains the risk and leaves the instruction to that list, so one page never gives
    two instructions about one medicine."""

    id: Id
    title: Wording
    detail: Wording
    source: Id
    medicines: dict[Id, MedicineAction] = field(default_factory=dict)


@content
class MedicineClass(Strict):
    """Medicines (values of `med_current`) that take the same owner instruction when a flag names the class.

    `abrupt_stop_harm`: stopping it suddenly can itself harm the dog (steroids, seizure and heart medicines,
    behaviour medicines that are tapered): no flag may tell the owner to hold it (checked at load)."""

    id: Id
    title: Wording
    medicines: list[Id] = constrained(min_len=1)
    abrupt_stop_harm: bool = False
    hold: Wording | None = None
    """The hold instruction in this class's own words, where "the next dose" does not fit (a collar)."""
    source: Id


@content
class MedicineInstruction(Strict):
    """The wording of one owner instruction about a medicine; `{medicine}` is replaced by its name."""

    id: MedicineAction
    owner: str = constrained(min_len=1)
    tech: str = constrained(min_len=1)
    not_listed: Wording | None = None
    """The same instruction about a class the dog is not recorded as taking (the list was not asked, or one is
    about to be started): "do not give any" rather than "the next dose"."""


WorkupGroup = Literal["today", "screening"]
WORKUP_GROUPS: tuple[WorkupGroup, ...] = ("today", "screening")


@content
class WorkupStep(Strict):
    """A work-up step, like a Flag, with its `group` on the vet's page 1: `today` (before any treatment: the
    exam and tests that decide whether a medicine is safe or an urgent problem exists) or `screening` (routine
    senior screening)."""

    id: Id
    title: Wording
    detail: Wording
    group: WorkupGroup
    source: Id


@content
class PainKind(Strict):
    """A kind of pain (joint, spine, mouth...): defined in a rules file beside the rules that raise it.

    `fallback`: raised only when no other kind is (e.g. "not yet known"); the engine drops it otherwise."""

    id: Id
    title: Wording
    detail: Wording
    fallback: bool = False
    source: Id


@content
class Situation(Strict):
    """A named state of this dog that options are for or must never be shown with (options.yaml `situations`).

    It holds when its `when` holds (true, not undetermined), or when the Assessment carries one of its
    `pain_kinds`, raises one of its `flags` (ketamine cautions or medication flags), or `capped` category is held
    back by a rule (e.g. CCD while pain or an illness explains the signs). `why` says it to each audience: it
    is printed where an option is withheld or moved down because of it."""

    id: Id
    title: Wording
    why: Wording
    when: Condition | None = None
    pain_kinds: list[Id] = constrained([])
    flags: list[Id] = constrained([])
    capped: Category | None = None
    capped_except: list[Id] = constrained([])
    """Rules whose cap on `capped` does not count here (e.g. a cap that another test of the situation covers)."""
    emergency_questions_open: bool = False
    """Holds while emergency questions asked for this dog are unanswered (one could still be an emergency)."""
    source: Id

    def _check(self) -> None:
        if (self.when is None and not self.pain_kinds and not self.flags and not self.capped
                and not self.emergency_questions_open):
            raise ValueError("a situation says when it holds (when, pain_kinds, flags or capped)")


@content
class Demote(Strict):
    """Move an option down the plan while any of `situations` holds (e.g. the NSAID after safer options in
    kidney disease): to `order`, with the situations' `why` said at the start of the option's text."""

    situations: list[Id] = constrained(min_len=1)
    order: int


@content
class NotOffered(Strict):
    """Why an option is not offered to this dog, in both audiences' words: the first reason whose `when` holds
    (no `when` and no `situation`: always) is the plan's short answer about the option (e.g. "About ketamine").
    With `situation`, the reason holds when that situation does (an option's `never_with`)."""

    when: Condition | None = None
    situation: Id | None = None
    unfit: bool = False
    """Holds when the option's `fits` does not fit this dog's pain kinds (e.g. ketamine for mouth pain)."""
    unsuitable: bool = False
    """The reason makes the option unsuitable for this dog (not merely "not yet"): every such reason that holds
    is said, not only the first."""
    owner: str = constrained(min_len=1)
    tech: str = constrained(min_len=1)

    def _check(self) -> None:
        if sum([self.when is not None, self.situation is not None, self.unfit]) > 1:
            raise ValueError("a reason gives one of `when`, `situation` or `unfit`")
        if not self.owner.strip() or not self.tech.strip():
            raise ValueError("a reason not to offer an option is blank")


@content
class CareOption(Strict):
    """One option in the multimodal plan (used by the plan and the reports)."""

    id: Id
    title: Wording
    category: Literal["workup", "pain", "cognition", "general", "ketamine"]
    order: int
    evidence: Literal["strong", "moderate", "weak", "negative", "expert_consensus"]
    evidence_reason: str
    owner_text: str
    vet_text: str
    offer_when: Condition | None = None
    cautions: list[Id] = constrained([])
    caution_when: Condition | None = None
    questions: list[str] = constrained([])
    """Questions the owner can ask the vet about this option (shown with it in both documents)."""
    not_offered: list[NotOffered] = constrained([])
    """When the option is not offered: why not, first matching reason (only options owners ask about have it)."""
    fits: list[Id] = constrained([])
    """The pain kinds the option is for: offered only when the Assessment carries one of them (empty: any)."""
    for_situations: list[Id] = constrained([])
    """Offered only while one of these situations holds (e.g. strict rest for an acute spinal picture)."""
    never_with: list[Id] = constrained([])
    """Situations the option must never be shown with (e.g. no exercise plan with a suspected bone tumour)."""
    demote: list[Demote] = constrained([])
    warn_with: list[Id] = constrained([])
    """Situations that leave the option offered but carry a strong caution, said first with it (their `why`)."""
    handout: str = constrained(min_len=1)
    """The owner's handout wording, printed whole (never cut: a shortened text must not change meaning); the
    vet's summary prints `owner_text` and `vet_text`."""
    stop_signs: Wording | None = None
    """For an option that is a medicine: the signs to stop and call the vet, printed with the option everywhere."""
    at_home: Wording | None = None
    """What still matters at home after an emergency (keep cool, a harness, strict rest): kept on the one-page
    emergency handout when the option's conditions hold, although the plan itself is deferred."""
    about_when: Condition | None = None
    """For an option owners ask about: when the short answer about it is shown while it is not offered."""
    about_mentions: list[str] = constrained([])
    """... or when a typed answer mentions one of these words (case-insensitive)."""
    source: Id

    def _check(self) -> None:
        if self.about_mentions and not self.not_offered:
            raise ValueError("about_mentions needs not_offered (the answer to show)")


# --- Versions, retired items and packs --------------------------------------------------------------------


@content
class ChangelogEntry(Strict):
    """One content version and what it changed (catalogue.yaml `changelog`, newest first)."""

    version: str = constrained(min_len=1)
    changes: list[str] = constrained(min_len=1)


@content
class RetiredSet(Strict):
    """Items (and the scales only they used) as they were asked up to and including `version`.

    Kept so that an intake stored under that version still shows its answers with the wording it was asked with;
    never asked or scored again."""

    version: str = constrained(min_len=1)
    scales: list[Scale] = constrained([])
    items: list[Item] = constrained(min_len=1)


@content
class Pack(Strict):
    """A content pack a clinic adds (a licensed instrument or its own questions): what it added and its licence.

    Every id a pack defines starts with `<id>_`, so packs never clash with the shipped content or each other;
    a pack only adds (sections, scales, scores, rules, references), never changes a shipped definition."""

    id: Id
    title: str = constrained(min_len=1)
    version: str = constrained(min_len=1)
    licence: str = constrained(min_len=1)
    """The note every output carrying the pack's results prints (who owns the instrument, on what terms)."""
    directory: str
    hash: str
    sections: list[Id] = constrained([])
    scores: list[Id] = constrained([])
    rules: list[Id] = constrained([])


# --- Screening gateways and grouped screens (content 2026.12.3, issue 27) -----------------------------------


@content
class NotSeen(Strict):
    """What a gateway's "no" means for one choice detail: the option it stands for ("about the same")."""

    item: Id
    value: Id


@content
class Gateway(Strict):
    """A screening question that opens a block of detail items: asked as a yes/no item just before the first
    of them; its details are asked on yes, don't know or no answer, and hidden by "no" (the engine reads a
    hidden question as not seen). `details` are items of one section, or other gateways (a gateway inside
    another). A choice detail says in `not_seen` which of its options the "no" stands for; `reason` records
    why this block gets a gateway (a clinical decision)."""

    id: Id
    text: Wording
    help: Wording | None = None
    topic: Wording
    """The block's name in the documents: "Screened: no change reported (<topic>)"."""
    details: list[Id] = constrained(min_len=1)
    not_seen: list[NotSeen] = constrained([])
    reason: str = constrained(min_len=1)
    source: Id
    history: bool = False
    """The gateway asks history (a diagnosis ever made), not a change: a follow-up intake starts with the last
    visit's answer for the owner to confirm, as for history items."""


@content
class ChecklistArea(Strict):
    """One box of a screening checklist: the change an owner ticks and the details it opens."""

    value: Id
    label: Wording
    topic: Wording
    """The area's name in the documents: "Screened: no change reported (<topic>)" when it is left unticked."""
    details: list[Id] = constrained(min_len=1)


@content
class Checklist(Strict):
    """A screening checklist (content 2026.12.4): one question, "which of these have you noticed?", asked
    instead of a yes/no gateway and the chain of yes/no gateways inside it. Woven in at load as a `multi` item
    (options: the areas, then `none`) just before the gateway it `replaces`; each area opens only its own
    details, so a tick asks the questions of that area and no other. Left blank, the yes/no gateways it
    replaces are asked as before (answers files and intakes made before it read as they did); "don't know"
    opens every area. The areas' details are exactly the items behind the replaced gateway (checked at load).
    `reason` records the clinical decision (why these areas)."""

    id: Id
    replaces: Id
    text: Wording
    help: Wording | None = None
    label: str = constrained(min_len=1)
    none_label: Wording
    areas: list[ChecklistArea] = constrained(min_len=2)
    reason: str = constrained(min_len=1)
    source: Id


@content
class FollowUp(Strict):
    """An item asked when any of `after` (gateways) is open, and hidden when every one was answered no: a
    question that presupposes a change ("did the changes come on suddenly?"). `not_seen` is the option the
    hidden question stands for, for a choice item; a choice item whose hiding stands for no answer (a past
    examination's finding, not asked when nothing it bears on was reported) leaves it out and says so in
    `reason`."""

    item: Id
    after: list[Id] = constrained(min_len=1)
    not_seen: Id | None = None
    reason: str = constrained(min_len=1)


@content
class Screen(Strict):
    """Emergency questions asked together on one screen (each still answered on its own: yes / no / don't
    know, with "none of these" for the rest). A screen of several items holds yes/no items only."""

    id: Id
    title: Wording
    items: list[Id] = constrained(min_len=1)
def _https(url: str) -> bool:
    """An https:// address with a host and no spaces or control characters."""
    from urllib.parse import urlsplit

    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.netloc) and url.startswith("https://")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
