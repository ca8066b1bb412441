"""The shape of each content file, validated when `questionnaires/*.yaml` is read.

Apart from `vettriage.content.models` because only reading the YAML needs these records: a catalogue loaded
from the cache holds the records they contain, never the files themselves (each record class costs start-up).
"""

from __future__ import annotations

from vettriage.content.models import (  # noqa: F401 - names the annotations below resolve to
    CareOption, ChangelogEntry, Checklist, Flag, FollowUp, Gateway, Id, MedicineClass, MedicineInstruction, PainKind, RedFlag,
    Reference, RetiredSet, Rule, Scale, Score, Screen, Section, Situation, Strict, WorkupStep,
    constrained, content,
)


@content
class CatalogueFile(Strict):
    """`catalogue.yaml`: version, section order and the shared scales."""

    version: str
    title: str
    sections: list[str] = constrained(min_len=1)
    rule_files: list[str] = constrained(min_len=1)
    reference_files: list[str] = constrained([])
    """More reference files read after `references.yaml` (ids must not repeat across them)."""
    scales: list[Scale]
    changelog: list[ChangelogEntry] = constrained(min_len=1)
    """What each content version changed, newest first; the first entry is `version`."""

    def _check(self) -> None:
        if self.changelog[0].version != self.version:
            raise ValueError(f"the changelog's first entry must be the current version {self.version!r}")


@content
class SectionFile(Strict):
    """A questionnaire file: one section."""

    section: Section


@content
class ReferencesFile(Strict):
    """`references.yaml`."""

    references: list[Reference] = constrained(min_len=1)


@content
class ScoresFile(Strict):
    """`scores.yaml`."""

    scores: list[Score]


@content
class RulesFile(Strict):
    """A rules file (`rules_*.yaml`); files are evaluated in the order `catalogue.yaml` lists them."""

    rules: list[Rule]
    pain_kinds: list[PainKind] = constrained([])
    """Kinds of pain the file's rules raise (`pain_kind`), defined beside them (rules_pain_kind.yaml)."""


@content
class FlagsFile(Strict):
    """`flags.yaml`: red flags, ketamine cautions, medication flags and work-up steps."""

    red_flags: list[RedFlag]
    ketamine_cautions: list[Flag]
    medication_flags: list[Flag]
    workup: list[WorkupStep]
    medicine_classes: list[MedicineClass] = constrained([])
    """Which medicines take the same instruction when a flag names their class (vettriage.medicines)."""
    medicine_instructions: list[MedicineInstruction] = constrained([])
    """The wording of each owner instruction about a medicine (continue, call_soon, call_today, hold)."""


@content
class OptionsFile(Strict):
    """`options.yaml`: the care options."""

    options: list[CareOption]
    situations: list[Situation] = constrained([])
    """Named states of the dog that options are for (`for_situations`) or never shown with (`never_with`)."""


@content
class RetiredFile(Strict):
    """`retired.yaml`: items as earlier content versions asked them."""

    retired: list[RetiredSet] = constrained([])


@content
class PackFile(Strict):
    """`pack.yaml` at the top of a content pack folder."""

    id: Id
    title: str = constrained(min_len=1)
    version: str = constrained(min_len=1)
    licence: str = constrained(min_len=1)
    sections: list[str] = constrained([])
    rule_files: list[str] = constrained([])
    scores: bool = False
    """Whether the pack has a `scores.yaml`."""
    scales: list[Scale] = constrained([])

    def _check(self) -> None:
        for name in ("title", "version", "licence"):
            if not getattr(self, name).strip():
                raise ValueError(f"a pack's {name} must not be blank (every output of the pack prints it)")
        if "_" in self.id:
            raise ValueError("a pack id has no underscore (its ids are namespaced as '<pack id>_...')")
        if not self.sections and not self.rule_files and not self.scores:
            raise ValueError("a pack adds at least a section, a scores file or a rules file")


@content
class GatewaysFile(Strict):
    """`gateways.yaml` (optional): the screening questions that open blocks of detail items."""

    gateways: list[Gateway] = constrained([])
    checklists: list[Checklist] = constrained([])
    follow_ups: list[FollowUp] = constrained([])


@content
class ScreensFile(Strict):
    """`screens.yaml` (optional): the emergency questions grouped into screens, in asking order."""

    screens: list[Screen] = constrained(min_len=1)
