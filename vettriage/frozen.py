"""`@frozen`: what `@dataclass(frozen=True)` makes, without importing dataclasses until something asks for one.

`import dataclasses` brings `inspect` (with ast, dis, tokenize): about 7 ms, more than a whole `intakes list`
floor's own work, and dataclasses compiles six functions per frozen class from generated source (about 0.6 ms a
class). An everyday command defines 10 to 30 such classes (the store's records, the follow-up's, the
configuration's) before doing anything. This decorator reads the class's annotations and defaults itself and
gives every class the same shared functions, which behave as the generated ones do: an `__init__` taking the
fields by position or name (a default factory called for each instance), equal when the same class with equal
fields in order, hashed by the fields' tuple, `Name(field=value, ...)` as repr, FrozenInstanceError on any
assignment or deletion after __init__.

The class is still a dataclass to anyone who asks: `__dataclass_fields__` is made by dataclasses itself the
first time it is read (dataclasses.fields, asdict, replace, is_dataclass, pydantic), so those work as before;
pickling and copying never needed it. tests/unit/test_frozen.py compares it with dataclasses' own.
"""

from __future__ import annotations

import sys
from operator import attrgetter

TYPE_CHECKING = False  # typing itself costs ~2 ms at start-up; only the type checker reads these
if TYPE_CHECKING:
    from typing import Any, Callable, TypeVar

    T = TypeVar("T")


class _Factory:
    """A field's default made afresh for each instance: what `field(default_factory=...)` says."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], Any]) -> Any:
    """`dataclasses.field(default_factory=...)` for a @frozen class, without importing dataclasses."""
    return _Factory(default_factory)


_NONE = object()


def _default_of(value: Any) -> Any:
    """A class attribute as a field's default: a value, a _Factory, or _NONE (required)."""
    dataclasses = sys.modules.get("dataclasses")
    if dataclasses is not None and isinstance(value, dataclasses.Field):  # dataclasses.field(...) works too
        if value.default_factory is not dataclasses.MISSING:
            return _Factory(value.default_factory)
        return _NONE if value.default is dataclasses.MISSING else value.default
    return value


def frozen(cls: type[T] | None = None, *, eq: bool = True) -> Any:
    """Make `cls` a frozen dataclass (with `==` and `hash` by value; by identity with `eq=False`)."""
    if cls is None:
        return lambda c: _frozen(c, eq)
    return _frozen(cls, eq)


def _frozen(cls: type[T], eq: bool) -> type[T]:
    made: Any = cls
    annotations = made.__dict__.get("__annotations__", {})
    names: list[str] = []
    defaults: dict[str, Any] = {}
    for name, annotation in annotations.items():
        if isinstance(annotation, str) and annotation.replace("typing.", "").startswith("ClassVar"):
            continue
        value = _default_of(made.__dict__.get(name, _NONE))
        if value is _NONE:
            if defaults:
                raise TypeError(f"non-default argument {name!r} follows default argument")
        else:
            defaults[name] = value
            if isinstance(value, _Factory):
                delattr(made, name)  # as dataclasses leaves it: no class attribute for a factory's field
            else:
                setattr(made, name, value)
        names.append(name)
    made.__frozen_init__ = (tuple(names), defaults, frozenset(names))
    made.__frozen_fields__ = frozenset(names)
    made.__match_args__ = tuple(names)
    made.__init__ = _init
    made.__repr__ = _repr
    made.__setattr__ = _setattr
    made.__delattr__ = _delattr
    made.__dataclass_fields__ = _Dataclass("__dataclass_fields__")
    made.__dataclass_params__ = _Dataclass("__dataclass_params__")
    made.__frozen_eq__ = eq
    if eq:
        value_equality(made)
    return made  # type: ignore[no-any-return]


class _Dataclass:
    """`__dataclass_fields__` (or `__dataclass_params__`) of a @frozen class, made by dataclasses itself on first
    read, from a plain copy of the class (so nothing of the class's own is replaced), then kept on the class."""

    def __init__(self, attribute: str) -> None:
        self.attribute = attribute

    def __get__(self, instance: Any, owner: Any) -> Any:
        import dataclasses

        names, defaults, _ = owner.__frozen_init__
        annotations = owner.__dict__["__annotations__"]
        body: dict[str, Any] = {"__annotations__": {n: annotations[n] for n in names}, "__module__": owner.__module__,
                                "__qualname__": owner.__qualname__}
        for name, value in defaults.items():
            body[name] = dataclasses.field(default_factory=value.make) if isinstance(value, _Factory) else value
        shadow = dataclasses.dataclass(frozen=True, eq=owner.__frozen_eq__)(type(owner.__name__, (), body))
        owner.__dataclass_fields__ = shadow.__dataclass_fields__
        owner.__dataclass_params__ = shadow.__dataclass_params__
        return getattr(owner, self.attribute)


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    names, defaults, known = self.__frozen_init__
    if len(args) > len(names):
        raise TypeError(f"{type(self).__qualname__}.__init__() takes {len(names) + 1} positional arguments but "
                        f"{len(args) + 1} were given")
    values = dict(zip(names, args))
    for key, value in kwargs.items():
        if key not in known:
            raise TypeError(f"{type(self).__qualname__}.__init__() got an unexpected keyword argument {key!r}")
        if key in values:
            raise TypeError(f"{type(self).__qualname__}.__init__() got multiple values for argument {key!r}")
        values[key] = value
    if len(values) < len(names):
        missing = []
        for name in names:
            if name not in values:
                if name in defaults:
                    value = defaults[name]
                    values[name] = value.make() if isinstance(value, _Factory) else value
                else:
                    missing.append(name)
        if missing:
            raise TypeError(f"{type(self).__qualname__}.__init__() missing {len(missing)} required argument"
                            f"{'s' if len(missing) > 1 else ''}: {', '.join(map(repr, missing))}")
        values = {name: values[name] for name in names}  # the fields in their order, as __init__ would set them
    self.__dict__.update(values)


def value_equality(cls: Any) -> None:
    """Give a frozen class the __eq__ and __hash__ that a frozen dataclass with eq=True would have generated (the
    fields compared and hashed as one tuple, in order), shared rather than compiled for each class."""
    if "__frozen_init__" in cls.__dict__:
        names = cls.__frozen_init__[0]
    elif "__record_fields__" in cls.__dict__:  # a record (vettriage.record): every field compares
        names = tuple(f.name for f in cls.__record_fields__)
    else:  # a dataclass made by dataclasses
        import dataclasses

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
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__frozen_init__[0])
    return f"{self.__class__.__qualname__}({shown})"


def _refused(text: str) -> Exception:
    from dataclasses import FrozenInstanceError  # only a mistake in the program gets here

    return FrozenInstanceError(text)


def _setattr(self: Any, name: str, value: Any) -> None:
    # __init__ fills the fields through __dict__; anything else is refused, as a frozen dataclass refuses it
    raise _refused(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise _refused(f"cannot delete field {name!r}")


def field_names(cls: Any) -> tuple[str, ...]:
    """The fields of a @frozen class, in order (what `dataclasses.fields` names, without importing it)."""
    return cls.__frozen_init__[0]  # type: ignore[no-any-return]


def replace(obj: Any, **changes: Any) -> Any:
    """`dataclasses.replace` for a @frozen instance, without importing dataclasses: a new one, some fields changed."""
    names, _, known = obj.__frozen_init__
    unknown = [k for k in changes if k not in known]
    if unknown:
        raise TypeError(f"{type(obj).__qualname__}.__init__() got an unexpected keyword argument {unknown[0]!r}")
    return obj.__class__(**{n: changes[n] if n in changes else getattr(obj, n) for n in names})
