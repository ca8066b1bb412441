"""A record's annotations read as types without compiling them (vettriage.record._hints, used to check a stored
Assessment): the same types typing.get_type_hints gives, on every record class, and get_type_hints itself for
any form the reader does not know."""

from __future__ import annotations

import sys
import typing
from typing import Callable, Literal

import pytest

import vettriage
import vettriage.engine.assessment
from vettriage.record import Record, _annotation, _hints, record


def _records() -> list[type]:
    """Every record class of the package: all its modules imported first (the terminal app and the web form
    hold none and need their frameworks), so the list does not depend on what other test files imported or defined."""
    import importlib
    import pkgutil

    for mod in pkgutil.walk_packages(vettriage.__path__, "vettriage."):
        if not mod.name.startswith(("vettriage.tui", "vettriage.web", "vettriage.__main__")):
            importlib.import_module(mod.name)
    out, todo = [], [Record]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if "__record_fields__" in sub.__dict__ and sub.__module__.startswith("vettriage."):  # not tests' own
                out.append(sub)
    return sorted(out, key=lambda c: (c.__module__, c.__qualname__))


RECORDS = _records()


def test_every_record_class_is_compared():
    assert len(RECORDS) > 40 and vettriage.engine.assessment.Assessment in RECORDS


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_the_reader_gives_get_type_hints_types(cls):
    scope = sys.modules[cls.__module__].__dict__
    read = {k: _annotation(v, scope) for k, v in cls.__dict__["__annotations__"].items()}  # no fallback
    assert read == typing.get_type_hints(cls)
    assert _hints(cls) == read


Mode = Literal["owner", "tech"]


@record
class _Odd(Record):
    """Forms records do not use: left to get_type_hints."""

    call: Callable[[int], str]
    nested: dict[str, list[Mode | None]]
    many: Literal["a", 1, None]


def test_a_form_it_does_not_know_is_left_to_get_type_hints():
    with pytest.raises(ValueError):
        _annotation("Callable[[int], str]", globals())
    assert _hints(_Odd) == typing.get_type_hints(_Odd)
    assert _annotation("dict[str, list[Mode | None]]", globals()) == dict[str, list[typing.Optional[Mode]]]
    assert _annotation("Literal['a', 1, None]", globals()) == Literal["a", 1, None]


@pytest.mark.parametrize("text", ["list[str", "str str", "list[]", "Literal[str]", "str | ", "x(1)", "Nope"])
def test_malformed_or_unknown_text_is_refused(text):
    with pytest.raises((ValueError, LookupError)):
        _annotation(text, globals())
