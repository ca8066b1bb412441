"""The shape of each content file, validated when `questionnaires/*.yaml` is read.

Apart from `vettriage.content.models` because only reading the YAML needs these records: a catalogue loaded
from the cache holds the records they contain, never the files themselves (each record class costs start-up).
"""

from __future__ import annotations

from vettriage.content.models import (  # noqa: F401 - names the annotations below resolve to
    CareOption, Flag, RedFlag, Reference, Rule, Scale, Score, Section, Strict, constrained, content,
)


@content
class CatalogueFile(Strict):
    """`catalogue.yaml`: version, section order and the shared scales."""

    version: str
    title: str
    sections: list[str] = constrained(min_len=1)
    rule_files: list[str] = constrained(min_len=1)
    scales: list[Scale]


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


@content
class FlagsFile(Strict):
    """`flags.yaml`: red flags, ketamine cautions, medication flags and work-up steps."""

    red_flags: list[RedFlag]
    ketamine_cautions: list[Flag]
    medication_flags: list[Flag]
    workup: list[Flag]


@content
class OptionsFile(Strict):
    """`options.yaml`: the care options."""

    options: list[CareOption]
