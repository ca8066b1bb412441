"""`@frozen`: what `@dataclass(frozen=True)` makes, for a fraction of its start-up cost.

Dataclasses compile six functions per frozen class from generated source (__init__, __repr__, __eq__, __hash__,
__setattr__, __delattr__): about 0.6 ms a class here, and an everyday command defines 10 to 30 such classes
(the store's records, the follow-up's, the configuration's) before doing anything. This decorator lets dataclasses
generate __init__ only and gives every class the same shared five, which behave as the generated ones do: equal
when the same class with equal fields in order, hashed by the fields' tuple, `Name(field=value, ...)` as repr,
FrozenInstanceError on any assignment or deletion after __init__. The class stays a dataclass (fields, asdict,
replace, pickling and copying work as before). tests/unit/test_frozen.py compares it with dataclasses' own.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import Any, Callable, TypeVar

T = TypeVar("T")


def frozen(cls: type[T]) -> type[T]:
    """Make `cls` a frozen dataclass (with `==` and `hash` by value), generating only its __init__."""
    made: Any = dataclasses.dataclass(eq=False, repr=False)(cls)
    value_equality(made)
    made.__frozen_fields__ = frozenset(f.name for f in dataclasses.fields(made))
    made.__repr__ = _repr
    made.__setattr__ = _setattr
    made.__delattr__ = _delattr
    return made


def value_equality(cls: Any) -> None:
    """Give a frozen dataclass made with eq=False the __eq__ and __hash__ that eq=True would have generated
    (the fields compared and hashed as one tuple, in order), shared rather than compiled for each class."""
    names = tuple(f.name for f in dataclasses.fields(cls) if f.compare)
    get: Callable[[Any], Any] = attrgetter(*names) if len(names) > 1 else (
        (lambda self, g=attrgetter(names[0]): (g(self),)) if names else (lambda self: ()))
    cls.__frozen_values__ = staticmethod(get)
    cls.__eq__ = _eq
    cls.__hash__ = _hash


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return self.__frozen_values__(self) == other.__frozen_values__(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__frozen_values__(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self)
                      if f.repr)
    return f"{self.__class__.__qualname__}({shown})"


def _setattr(self: Any, name: str, value: Any) -> None:
    # __init__ fills each field once (the instance's __dict__ does not hold it yet); anything else is refused,
    # as a frozen dataclass refuses it
    if name in self.__frozen_fields__ and name not in self.__dict__:
        object.__setattr__(self, name, value)
        return
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
