"""One owner instruction per medicine: what every raised red flag and medication flag asks of each medicine the
dog takes, resolved to the strictest, so a page never says "keep giving it" and "do not give the next dose"
about the same tablet.

The instructions are data (flags.yaml): each flag names, per medicine class, one of `continue`, `call_soon`,
`call_today` or `hold`, and `medicine_instructions` words each. A class whose sudden stop can harm (steroids,
seizure, heart and behaviour medicines) is never held: the loader refuses such a flag. Pure: no I/O.
"""

from __future__ import annotations

from typing import Any, Mapping

from vettriage.content.catalogue import Catalogue
from vettriage.content.models import MEDICINE_ACTIONS, UNKNOWN, Mode
from vettriage.engine.assessment import Assessment
from vettriage.frozen import frozen

RANK = {a: n for n, a in enumerate(MEDICINE_ACTIONS)}
MEDICINES_ITEM = "med_current"
NOT_A_MEDICINE = ("none", "other")
PLANNED = {"med_nsaid_planned": "nsaid"}
"""Answers saying a medicine of a class is about to be given (a vet suggested one, or one is at home)."""


@frozen
class MedicineLine:
    """The one instruction about one medicine (or, for a class the dog is not recorded as taking, about that
    class: a held insulin dose after suspected low blood sugar when the medicines were not asked)."""

    medicine: str
    """A `med_current` value, or a medicine class id for a class-level line."""
    owner_name: str
    tech_name: str
    action: str
    owner: str
    tech: str
    because: tuple[str, ...]
    """The flags (red flags, then medication flags) that called for this action."""

    def text(self, mode: Mode) -> str:
        """The instruction in `mode`'s wording."""
        return self.owner if mode == "owner" else self.tech


def _short(label: str) -> str:
    """An option label without its explanation: "Carprofen (e.g. Rimadyl) - anti-inflammatory painkiller" ->
    "Carprofen (e.g. Rimadyl)"."""
    return label.split(" - ")[0].strip()


def medicine_instructions(catalogue: Catalogue, assessment: Assessment,
                          answers: Mapping[str, Any]) -> list[MedicineLine]:
    """The instruction for each medicine the dog takes, in the order they were ticked, when any red flag or
    medication flag was raised (otherwise nothing needs resolving and the list is empty). A held class with no
    medicine on the list gets one line of its own when the list was not answered, or when a medication flag
    holds it (a medicine about to be started)."""
    flags = [catalogue.red_flags[i] for i in assessment.red_flag_ids if i in catalogue.red_flags]
    flags += [catalogue.medication_flags[i] for i in assessment.medication_flag_ids
              if i in catalogue.medication_flags]
    if not flags:
        return []
    classes = catalogue.medicine_classes
    class_of = {med: c for c in classes.values() for med in c.medicines}
    item = catalogue.items.get(MEDICINES_ITEM)
    given = answers.get(MEDICINES_ITEM)
    meds = [m for m in given if m not in NOT_A_MEDICINE] if isinstance(given, list) else []

    def strictest(cls_id: str | None) -> tuple[str, tuple[str, ...]]:
        best, because = "continue", []
        for f in flags:
            action = f.medicines.get(cls_id) if cls_id else None
            if action is None:
                continue
            if RANK[action] > RANK[best]:
                best, because = action, [f.id]
            elif action == best and action != "continue":
                because.append(f.id)
        return best, tuple(because)

    def line(medicine: str, owner_name: str, tech_name: str, cls_id: str | None,
             listed: bool = True) -> MedicineLine:
        action, because = strictest(cls_id)
        cls = classes.get(cls_id) if cls_id else None
        words = catalogue.medicine_instructions[action]
        if not listed and words.not_listed is not None:
            words = words.not_listed
        elif action == "hold" and cls is not None and cls.hold:
            words = cls.hold
        return MedicineLine(medicine, owner_name, tech_name, action,
                            words.owner.replace("{medicine}", owner_name),
                            words.tech.replace("{medicine}", tech_name), because)

    out = []
    for med in meds:
        label = next((o.label for o in (item.options or ()) if o.value == med), None) if item else None
        owner_name = _short(label.owner) if label else med
        tech_name = _short(label.tech) if label else med
        c = class_of.get(med)
        out.append(line(med, owner_name, tech_name, c.id if c else None))
    # A flag may hold a class none of whose medicines is on the list (the list was not asked, or the medicine is
    # only planned): the hold is still said once, about the class, so that it is never lost.
    listed = {class_of[m].id for m in meds if m in class_of}
    unknown_list = given is None or given == UNKNOWN
    planned = {cls for item_id, cls in PLANNED.items() if answers.get(item_id) is True}
    for cls in classes.values():
        if cls.id in listed:
            continue
        action, because = strictest(cls.id)
        # a hold about a medicine the list says the dog does not take, and is not about to take, is no
        # instruction at all
        if action == "hold" and (unknown_list or cls.id in planned):
            name = cls.title.owner[:1].upper() + cls.title.owner[1:]
            out.append(line(cls.id, name, cls.title.tech, cls.id, listed=False))
    return out
