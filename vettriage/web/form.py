"""One question as web form controls, and a posted form back to an answer. Pure functions over the session's
numbering (`choices_for`), so the web form picks options by the same numbers as the terminal app and the plain
mode. No Starlette here: tested with plain pytest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from vettriage.content.models import UNKNOWN
from vettriage.intake.session import choices_for, parse_typed
from vettriage.intake.words import NEEDS_ANSWER

LISTED = ("scale", "yesno", "choice", "multi")
MAX_FIELD = 4000
"""The longest value one field may post (a text answer's own limit is the engine's, below this)."""


@dataclass(frozen=True)
class Option:
    """One radio button or checkbox: its field value (the option's number), label and whether it is chosen."""

    value: str
    label: str
    checked: bool
    exclusive: bool = False
    """A checklist's "none of these": ticking it with another is refused."""


@dataclass(frozen=True)
class Control:
    """How one question is asked on the page."""

    kind: str
    """radio, checkbox, number, date or text."""
    options: tuple[Option, ...] = ()
    value: str = ""
    unit: str = ""
    min: float | None = None
    max: float | None = None
    hint: str = ""
    """One line under the question saying what is accepted (never a placeholder: those vanish as you type)."""


def control_for(item: Any, catalogue: Any, stored: Any, mode: str = "owner", typed: str | None = None) -> Control:
    """The controls for `item` showing `stored` (or what was `typed` when it was refused)."""
    if item.type in LISTED:
        chosen = stored if isinstance(stored, list) else [stored]
        opts = tuple(Option(str(c.number), c.label, stored is not None and stored != UNKNOWN and c.value in chosen,
                            exclusive=item.type == "multi" and c.value == "none")
                     for c in choices_for(item, catalogue, mode))
        if item.type == "multi":
            return Control("checkbox", opts, hint="Tick every one that applies.")
        return Control("radio", opts)
    shown = typed if typed is not None else ("" if stored in (None, UNKNOWN) else _plain(stored))
    if item.type in ("number", "months"):
        unit = item.unit or ("months" if item.type == "months" else "")
        return Control("number", value=shown, unit=unit, min=item.min, max=item.max,
                       hint=f"A number from {item.min:g} to {item.max:g}{' ' + unit if unit else ''}.")
    if item.type == "date":
        return Control("date", value=shown, hint="A date: day, month and year.")
    return Control("text", value=shown, hint="" if item.required else "You can leave this blank.")


def _plain(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


class Refused(ValueError):
    """A posted answer that is not one: the message is said to the owner next to the question."""


def posted_answer(item: Any, catalogue: Any, fields: Sequence[str], mode: str = "owner") -> Any:
    """The answer the form's `answer` fields hold for `item`: None when left blank, else the value as the
    session stores it. Raises Refused with a sentence for the owner."""
    values = [f for f in fields if isinstance(f, str)]
    if any(len(v) > MAX_FIELD for v in values):
        raise Refused("That answer is too long.")
    if item.type in LISTED:
        choices = {str(c.number): c.value for c in choices_for(item, catalogue, mode)}
        picked = [choices[v] for v in values if v in choices]
        if len(picked) != len(values):
            raise Refused("Choose one of the answers shown.")
        if not picked:
            return None
        if item.type != "multi":
            if len(picked) > 1:
                raise Refused("Choose only one answer.")
            return picked[0]
        if "none" in picked and len(picked) > 1:
            raise Refused("\"None of these\" cannot be ticked together with another answer.")
        return picked
    text = values[0] if values else ""
    try:
        value = parse_typed(item, text)
    except ValueError:
        raise Refused(f"That is not a number. {control_for(item, catalogue, None).hint}") from None
    return value


def check_answer(item: Any, catalogue: Any, value: Any) -> Any:
    """`value` in the stored form, or Refused saying (to the owner) what is accepted."""
    from vettriage.engine.answers import coerce_value

    if value is None:
        if item.required:
            raise Refused(NEEDS_ANSWER)
        return None
    try:
        return coerce_value(item, value, catalogue)
    except ValueError:
        if item.type in ("number", "months"):
            raise Refused(f"That number is not possible here. {control_for(item, catalogue, None).hint}") from None
        if item.type == "date":
            raise Refused("That is not a date. Give the day, month and year.") from None
        if item.type == "text":
            raise Refused("That answer is too long.") from None
        raise Refused("Choose one of the answers shown.") from None


def form_list(form: Mapping[str, Any], name: str) -> list[str]:
    """Every value posted under `name` (Starlette's FormData.getlist, or a plain dict in tests)."""
    getlist = getattr(form, "getlist", None)
    if getlist is not None:
        return [v for v in getlist(name) if isinstance(v, str)]
    value = form.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]
