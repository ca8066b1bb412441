"""Records: frozen dataclasses that pydantic validates when data come in, and that cost nothing to import.

Content and Assessments are read far more often than they are validated: `vettriage assess` and the terminal
app's first paint load a cached, already-validated catalogue. Defining them as pydantic models would make every
start pay for pydantic's model machinery (about 100 ms here); as stdlib dataclasses they are validated with a
pydantic TypeAdapter built lazily, only when a file, a stored record or a test hands in raw data.

Field constraints are declared with `constrained(...)` metadata or the `Id` type name and checked in
`__post_init__`, which pydantic runs as part of validation (errors keep their field path).
"""

from __future__ import annotations

import re
import sys
from functools import cache

from vettriage.frozen import value_equality

TYPE_CHECKING = False  # typing costs ~2 ms at start-up; only the type checker reads these names
if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
ID_MAX = 64

# Python keywords cannot be field names: content writes `in` and `not`, the records hold `in_` and `not_`.
ALIASES = {"in": "in_", "not": "not_"}
BACK = {v: k for k, v in ALIASES.items()}


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""No default (dataclasses.MISSING, without importing dataclasses)."""


class FieldSpec:
    """A record's field, as this module builds records without importing dataclasses (it brings `inspect`: ~7 ms
    of every start that loads the content). `dataclasses.fields` still works on a record: its Fields are made by
    dataclasses itself when first asked for (pydantic's validation, `replace`, the stored-record loader)."""

    __slots__ = ("name", "type", "default", "default_factory", "metadata", "kw_only")

    def __init__(self, default: Any = MISSING, default_factory: Any = MISSING, metadata: Any = None) -> None:
        self.name = ""
        self.type: Any = None
        self.default = default
        self.default_factory = default_factory
        self.metadata = dict(metadata or {})
        self.kw_only = True


def field(*, default: Any = MISSING, default_factory: Any = MISSING) -> Any:
    """`dataclasses.field(default=..., default_factory=...)` for a record."""
    return FieldSpec(default, default_factory)


def constrained(default: Any = MISSING, **limits: Any) -> Any:
    """A field with limits checked after validation: min_len, ge, gt, le."""
    if isinstance(default, list):
        return FieldSpec(default_factory=lambda: list(default), metadata=limits)
    return FieldSpec(default=default, metadata=limits)


def record_fields(cls: Any) -> tuple[FieldSpec, ...]:
    """A record's fields in order (what `dataclasses.fields` lists)."""
    return cls.__record_fields__  # type: ignore[no-any-return]


def record(cls: type[T] | None = None, *, frozen: bool = True, aliases: bool = False, kw_only: bool = True,
           eq: bool = False) -> Any:
    """Make `cls` a slotted dataclass, keyword-only unless told, that refuses unknown fields when validated.

    Records compare by identity unless `eq`: content is never compared by value, and generating `__eq__` for
    every class is a measurable share of start-up. For the same reason they share one `__repr__` (Record's), and
    frozen records with `eq` share one `__eq__` and `__hash__` (vettriage.frozen.value_equality)."""

    def wrap(c: type[T]) -> type[T]:
        c.__pydantic_config__ = {"extra": "forbid", "use_attribute_docstrings": True}  # type: ignore[attr-defined]
        c._aliases = aliases  # type: ignore[attr-defined]
        # Frozen without dataclasses' frozen=True, which compiles a __setattr__ and a __delattr__ for every class
        # (two of the three functions it compiles from source per class: 7-10% of a cached start that loads the
        # content). One shared pair refuses any assignment to a field already set, so only __init__ can fill
        # them; with eq, one shared __eq__ and __hash__ do what the generated ones would.
        shared = frozen
        # A content record's __init__ is shared (_init_of) rather than compiled from source for each class: that
        # compile is 70% of what dataclasses spends on a record, and loading the content defines 37 of them, read
        # from the cache without calling __init__ (its __post_init__ checks outweigh it when YAML is read). The
        # Assessment's and the plan's parts are built by the thousand, so theirs stay compiled (30% faster a call).
        compiled_init = "__init__" in c.__dict__ or not issubclass(c, Checked)
        made = _slotted(c, kw_only, eq=eq and not frozen, compiled_init=compiled_init)
        if not compiled_init:
            made.__init__ = _init_of(made)
        if shared and eq:
            value_equality(made)
        if shared:
            made.__setattr__ = _frozen_setattr  # type: ignore[assignment]
            made.__delattr__ = _frozen_delattr  # type: ignore[assignment]
            made.__getstate__ = _getstate(made)  # type: ignore[attr-defined]
        if frozen:
            made.__setstate__ = _setstate(made)  # type: ignore[attr-defined]
        return made

    return wrap if cls is None else wrap(cls)


def _slotted(c: type, kw_only: bool, *, eq: bool, compiled_init: bool) -> Any:
    """What `dataclasses.dataclass(slots=True, kw_only=kw_only, eq=eq, init=compiled_init, repr=False)` makes of
    `c`, built here: the fields from the class's own annotations (records inherit none), a new class with their
    slots, `__init__` written out as dataclasses writes it (for the records built by the thousand), and
    `__dataclass_fields__` made by dataclasses when first read."""
    if any("__record_fields__" in b.__dict__ or "__dataclass_fields__" in b.__dict__ for b in c.__mro__[1:]):
        raise TypeError(f"{c.__qualname__}: a record inherits no fields")
    if eq:
        raise TypeError(f"{c.__qualname__}: a mutable record compares by identity")
    annotations = c.__dict__.get("__annotations__", {})
    specs: list[FieldSpec] = []
    for name, kind in annotations.items():
        if isinstance(kind, str) and kind.replace("typing.", "").startswith(("ClassVar", "InitVar")):
            continue
        value = c.__dict__.get(name, MISSING)
        spec = _spec_of(value, c, name)
        spec.name, spec.type, spec.kw_only = name, kind, kw_only
        specs.append(spec)
    seen_default = False
    for spec in specs:
        has_default = spec.default is not MISSING or spec.default_factory is not MISSING
        if not spec.kw_only and not has_default and seen_default:
            raise TypeError(f"non-default argument {spec.name!r} follows default argument")
        seen_default = seen_default or has_default
    names = tuple(f.name for f in specs)
    body = dict(c.__dict__)
    for name in names:
        body.pop(name, None)
    body.pop("__dict__", None)
    body.pop("__weakref__", None)
    inherited = {s for b in c.__mro__[1:-1] for s in _slots_of(b)}
    body["__slots__"] = tuple(n for n in names if n not in inherited)
    made: Any = type(c)(c.__name__, c.__bases__, body)
    made.__qualname__ = c.__qualname__
    made.__record_fields__ = tuple(specs)
    made.__record_params__ = (kw_only, eq, compiled_init)
    made.__match_args__ = tuple(f.name for f in specs if not f.kw_only)
    made.__dataclass_fields__ = _Dataclass("__dataclass_fields__")
    made.__dataclass_params__ = _Dataclass("__dataclass_params__")
    if compiled_init:
        made.__init__ = _compiled_init(made, specs)
    if made.__doc__ is None:  # as dataclasses writes it (a record of ours has a docstring: this is for others)
        import inspect

        made.__doc__ = made.__name__ + str(inspect.signature(made)).replace(" -> None", "")
    return made


def _spec_of(value: Any, cls: type, name: str) -> FieldSpec:
    if isinstance(value, FieldSpec):
        return value
    dataclasses = sys.modules.get("dataclasses")
    if dataclasses is not None and isinstance(value, dataclasses.Field):  # dataclasses.field(...) works too
        return FieldSpec(value.default if value.default is not dataclasses.MISSING else MISSING,
                         value.default_factory if value.default_factory is not dataclasses.MISSING else MISSING,
                         value.metadata)
    if value is not MISSING and type(value) in (list, dict, set):  # as dataclasses refuses it
        raise ValueError(f"mutable default {type(value)} for field {name} is not allowed: use default_factory")
    return FieldSpec(default=value)


def _slots_of(cls: type) -> tuple[str, ...]:
    slots = cls.__dict__.get("__slots__", ())
    return (slots,) if isinstance(slots, str) else tuple(slots)


class _Dataclass:
    """`__dataclass_fields__` (or `__dataclass_params__`) of a record, made by dataclasses itself on first read,
    from a plain class with the same fields (so nothing of the record's own is replaced), then kept on the record.
    Pydantic, `dataclasses.replace` and the stored-record loader read them; building the content does not."""

    def __init__(self, attribute: str) -> None:
        self.attribute = attribute

    def __get__(self, instance: Any, owner: Any) -> Any:
        import dataclasses

        kw_only, eq, init = owner.__record_params__
        body: dict[str, Any] = {"__annotations__": {f.name: f.type for f in owner.__record_fields__},
                                "__module__": owner.__module__, "__qualname__": owner.__qualname__}
        for f in owner.__record_fields__:
            body[f.name] = dataclasses.field(default=f.default if f.default is not MISSING else dataclasses.MISSING,
                                             default_factory=(f.default_factory if f.default_factory is not MISSING
                                                              else dataclasses.MISSING),
                                             metadata=f.metadata or None, kw_only=f.kw_only)
        shadow = dataclasses.dataclass(frozen=False, kw_only=kw_only, eq=eq, repr=False, init=init)(
            type(owner.__name__, (), body))
        owner.__dataclass_fields__ = shadow.__dataclass_fields__
        owner.__dataclass_params__ = shadow.__dataclass_params__
        return getattr(owner, self.attribute)


def _compiled_init(cls: Any, specs: list[FieldSpec]) -> Any:
    """The `__init__` dataclasses writes for a slotted class, compiled from the same kind of source: fields by
    position (then the keyword-only ones by name), each set through its slot, defaults bound as constants and
    factories called afresh, then __post_init__ when the class has one."""
    lines, params, kw = [], [], []
    scope: dict[str, Any] = {"__MISSING": _HAS_FACTORY}
    for f in specs:
        if f.default is not MISSING:
            scope[f"__d_{f.name}"] = f.default
            param = f"{f.name}=__d_{f.name}"
            value = f.name
        elif f.default_factory is not MISSING:
            scope[f"__f_{f.name}"] = f.default_factory
            param = f"{f.name}=__MISSING"
            value = f"__f_{f.name}() if {f.name} is __MISSING else {f.name}"
        else:
            param = f.name
            value = f.name
        (kw if f.kw_only else params).append(param)
        scope[f"__set_{f.name}"] = cls.__dict__[f.name].__set__
        lines.append(f"    __set_{f.name}(self, {value})")
    if hasattr(cls, "__post_init__"):
        lines.append("    self.__post_init__()")
    signature = ", ".join(["self", *params, *(["*", *kw] if kw else [])])
    source = f"def __init__({signature}):\n" + ("\n".join(lines) or "    pass") + "\n"
    from vettriage.engine.codegen import function  # the one place our generated source is compiled

    init = function("__init__", None, "record", lambda: (source, {}), scope, f"<{cls.__qualname__}.__init__>")
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**{f.name: f.type for f in specs}, "return": None}  # as dataclasses annotates it
    return init


class _FactoryMarker:
    def __repr__(self) -> str:
        return "<factory>"  # what dataclasses' sentinel shows in a signature


_HAS_FACTORY = _FactoryMarker()


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Any) -> None:
        self.make = make


def _init_of(cls: type) -> Any:
    """The __init__ dataclasses would generate for a slotted record (keyword-only fields by name, the others by
    position or name; each default, or its factory called afresh; then __post_init__ when the class has one),
    as one shared function reading the class's table: the fields filled through their slots' descriptors."""
    fields = record_fields(cls)
    positional = tuple(f.name for f in fields if not f.kw_only)
    defaults = {f.name: (f.default if f.default is not MISSING else _Factory(f.default_factory))
                for f in fields
                if f.default is not MISSING or f.default_factory is not MISSING}
    order = tuple((f.name, cls.__dict__[f.name].__set__) for f in fields)
    known = frozenset(name for name, _ in order)
    post = getattr(cls, "__post_init__", None)
    name = f"{cls.__qualname__}.__init__()"

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if args:
            if len(args) > len(positional):
                raise TypeError(f"{name} takes {len(positional) + 1} positional arguments but {len(args) + 1} "
                                "were given")
            for key, value in zip(positional, args):
                if key in kwargs:
                    raise TypeError(f"{name} got multiple values for argument {key!r}")
                kwargs[key] = value
        for key, set_slot in order:
            if key in kwargs:
                set_slot(self, kwargs[key])
            elif key in defaults:
                value = defaults[key]
                set_slot(self, value.make() if value.__class__ is _Factory else value)
            else:
                raise TypeError(f"{name} missing 1 required argument: {key!r}")
        if len(kwargs) > len(order) or not known.issuperset(kwargs):
            unknown = next(k for k in kwargs if k not in known)
            raise TypeError(f"{name} got an unexpected keyword argument {unknown!r}")
        if post is not None:
            self.__post_init__()

    return __init__


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    try:
        getattr(self, name)
    except AttributeError:  # an empty slot: __init__ (or a copy) filling it for the first time
        object.__setattr__(self, name, value)
        return
    from dataclasses import FrozenInstanceError  # only a mistake in the program gets here

    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    from dataclasses import FrozenInstanceError

    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(cls: type) -> Any:
    """Pickling: the fields' values in order, as dataclasses' own __getstate__ writes them for a frozen class."""
    names = tuple(f.name for f in record_fields(cls))

    def __getstate__(self: Any) -> list[Any]:
        return [getattr(self, n) for n in names]

    return __getstate__


def _setstate(cls: type) -> Any:
    """Unpickling for a frozen, slotted record: a cached start restores ~1,500 of them. Dataclasses' own
    __setstate__ collects the fields again on every call; this one sets the slots straight through their
    descriptors (in the order dataclasses' __getstate__ writes them): half the time."""
    setters = tuple(cls.__dict__[f.name].__set__ for f in record_fields(cls))

    def __setstate__(self: Any, state: Any) -> None:
        for set_slot, value in zip(setters, state):
            set_slot(self, value)

    return __setstate__


class Record:
    """Validation and plain-data conversion for records (the parts of pydantic's model API the project uses)."""

    __slots__ = ()
    _aliases = False  # a class attribute (no annotation: get_type_hints would look for ClassVar at run time)

    def __repr__(self) -> str:
        """`Wording(owner='...', tech='...')`, as the dataclass would write it."""
        shown = (f"{f.name}={getattr(self, f.name)!r}" for f in record_fields(self))
        return f"{type(self).__qualname__}({', '.join(shown)})"

    @classmethod
    def from_stored(cls: type[T], data: Any) -> T:
        """Build from JSON data this program stored (a record read back from the database), checking every
        field as `model_validate` does (types, allowed values, required fields, no unknown field) but without
        pydantic, which would cost a command that only reads a record 60-120 ms of start-up. Raises
        StoredValueError (a ValueError) naming the first wrong field's path."""
        return _load(cls, data, "")

    @classmethod
    def model_validate(cls: type[T], data: Any) -> T:
        """Validate raw data (dicts, lists, scalars) into this record; raises pydantic's ValidationError."""
        if getattr(cls, "_aliases", False):
            data = to_fields(data)
        return _adapter(cls).validate_python(data)

    def model_dump(self, *, mode: str = "python", by_alias: bool = False, exclude_none: bool = False) -> Any:
        """Plain data: dicts, lists and scalars."""
        return _dump(self, by_alias, exclude_none)

    def model_dump_json(self, *, indent: int | None = None) -> str:
        """JSON text."""
        import json

        return json.dumps(self.model_dump(mode="json"), indent=indent, ensure_ascii=False)

    def model_copy(self: T, *, update: dict[str, Any] | None = None) -> T:
        """A copy with some fields replaced (not validated)."""
        import dataclasses

        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]


class Checked(Record):
    """A record whose field limits and cross-field rules are checked whenever it is built (content records).

    Kept apart from Record: a dataclass calls `__post_init__` from `__init__` whenever the class has one, and
    the engine builds its Assessment parts from trusted values by the thousand."""

    __slots__ = ()

    def __post_init__(self) -> None:
        for f in record_fields(self):
            value = getattr(self, f.name)
            kind = f.type if isinstance(f.type, str) else ""
            if kind.startswith("Id") and value is not None:
                _check_id(value)
            elif kind == "list[Id]":
                for v in value:
                    _check_id(v)
            limits = f.metadata
            if limits:
                _check_limits(f.name, value, limits)
        self._check()

    def _check(self) -> None:
        """Cross-field rules of a record; raise ValueError."""


@cache
def _adapter(tp: Any) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(tp)


def validate(tp: Any, data: Any, *, aliases: bool = True) -> Any:
    """Validate raw data against any type built from records (a Union, a list of records...)."""
    return _adapter(tp).validate_python(to_fields(data) if aliases else data)


def json_schema(tp: Any) -> dict[str, Any]:
    """The JSON Schema of a record type."""
    return _adapter(tp).json_schema()


def to_fields(data: Any) -> Any:
    """Rename the content's keyword keys (`in`, `not`) to field names, everywhere in `data`."""
    if isinstance(data, dict):
        return {ALIASES.get(k, k) if isinstance(k, str) else k: to_fields(v) for k, v in data.items()}
    if isinstance(data, list):
        return [to_fields(v) for v in data]
    return data


def _dump(value: Any, by_alias: bool, exclude_none: bool) -> Any:
    if isinstance(value, Record):
        out = {}
        for f in record_fields(value):
            v = getattr(value, f.name)
            if exclude_none and v is None:
                continue
            out[BACK.get(f.name, f.name) if by_alias else f.name] = _dump(v, by_alias, exclude_none)
        return out
    if isinstance(value, dict):
        return {k: _dump(v, by_alias, exclude_none) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_dump(v, by_alias, exclude_none) for v in value]
    return value


class StoredValueError(ValueError):
    """A stored record that does not match its type: `path` names the field (`categories.pain.level`)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path or 'the record'}: {message}")
        self.path, self.message = path, message


def _load(tp: Any, value: Any, path: str) -> Any:
    return _loader(tp)(value, path)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@cache
def _loader(tp: Any) -> Any:
    """A function (value, path) -> checked value for one type built from records, Literal, Optional/Union,
    list, dict and the JSON scalars. As strict as pydantic's validation of JSON data or stricter: a number is
    never read from text, a bool is never a number; an int where a float belongs is made a float, as pydantic
    does. A type it does not know raises TypeError when the loader is made (a test loads every stored type)."""
    import types
    import typing

    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is typing.Any:
        return lambda v, p: v
    if tp is str or tp is bool:
        def scalar(v: Any, p: str) -> Any:
            if type(v) is not tp:
                raise StoredValueError(p, f"{_shown(v)} is not {'text' if tp is str else 'true or false'}")
            return v
        return scalar
    if tp is int:
        def whole(v: Any, p: str) -> int:
            if type(v) is int:
                return v
            if type(v) is float and v.is_integer():
                return int(v)
            raise StoredValueError(p, f"{_shown(v)} is not a whole number")
        return whole
    if tp is float:
        def number(v: Any, p: str) -> float:
            if type(v) is float or type(v) is int:
                return float(v)
            raise StoredValueError(p, f"{_shown(v)} is not a number")
        return number
    if tp is type(None):
        def none(v: Any, p: str) -> None:
            if v is not None:
                raise StoredValueError(p, f"{_shown(v)} is not null")
        return none
    if origin is typing.Literal:
        allowed = frozenset(args)

        def literal(v: Any, p: str) -> Any:
            if type(v) not in (str, int) or v not in allowed:
                raise StoredValueError(p, f"{_shown(v)} is not one of {', '.join(map(repr, args))}")
            return v
        return literal
    if origin is typing.Union or origin is types.UnionType:
        if len(args) == 2 and type(None) in args:
            inner = _loader(args[0] if args[1] is type(None) else args[1])
            return lambda v, p: None if v is None else inner(v, p)
        raise TypeError(f"no stored-record loader for {tp!r}")
    if origin is list:
        item = _loader(args[0])

        def seq(v: Any, p: str) -> list[Any]:
            if type(v) is not list:
                raise StoredValueError(p, f"{_shown(v)} is not a list")
            return [item(x, f"{p}[{n}]") for n, x in enumerate(v)]
        return seq
    if origin is dict:
        key, val = _loader(args[0]), _loader(args[1])

        def mapping(v: Any, p: str) -> dict[Any, Any]:
            if type(v) is not dict:
                raise StoredValueError(p, f"{_shown(v)} is not a mapping")
            return {key(k, f"{p}.{k}" if p else str(k)): val(x, f"{p}.{k}" if p else str(k)) for k, x in v.items()}
        return mapping
    if isinstance(tp, type) and issubclass(tp, Record) and "__record_fields__" in tp.__dict__:
        return _record_loader(tp)
    raise TypeError(f"no stored-record loader for {tp!r}")


@cache
def _token() -> Any:
    """The annotation reader's tokens, compiled on first use (`assess` reads no stored record)."""
    return re.compile(r"\s*(?:([A-Za-z_][A-Za-z0-9_.]*)|('[^'\\]*'|\"[^\"\\]*\")|(-?[0-9]+)|([\[\],|]))")


_BUILTIN_TYPES = {t.__name__: t for t in (str, int, float, bool, list, dict, tuple, set, frozenset)}


def _hints(cls: type) -> dict[str, Any]:
    """`typing.get_type_hints(cls)` for a record's own annotations. They are written as text (`from __future__
    import annotations`), and get_type_hints compiles each one as a Python expression, a third of a `report`'s
    check of its stored Assessment (~1.5 ms); the few forms records use (names, `X[...]`, `X | Y`, Literal's
    strings and numbers) are read here instead, and anything else is left to get_type_hints.
    tests/unit/test_record_hints.py compares the two on every record class."""
    import typing

    scope = sys.modules[cls.__module__].__dict__
    try:
        return {name: _annotation(text, scope) if isinstance(text, str) else text
                for name, text in cls.__dict__.get("__annotations__", {}).items()}
    except (LookupError, ValueError, TypeError, AttributeError):
        return typing.get_type_hints(cls)


def _annotation(text: str, scope: dict[str, Any]) -> Any:
    """One annotation read as a type, without evaluating it; ValueError for a form it does not know."""
    import typing

    token = _token()
    tokens: list[tuple[str, str]] = []
    at = 0
    while at < len(text.rstrip()):
        m = token.match(text, at)
        if m is None:
            raise ValueError(text)
        kind = m.lastindex or 0
        tokens.append(("name str num op".split()[kind - 1], m.group(kind)))
        at = m.end()
    tokens.append(("end", ""))
    pos = 0

    def take(value: str) -> None:
        nonlocal pos
        if tokens[pos] != ("op", value):
            raise ValueError(text)
        pos += 1

    def literal_value() -> Any:
        nonlocal pos
        kind, value = tokens[pos]
        pos += 1
        if kind == "str":
            return value[1:-1]
        if kind == "num":
            return int(value)
        if kind == "name" and value in ("None", "True", "False"):
            return {"None": None, "True": True, "False": False}[value]
        raise ValueError(text)

    def atom() -> Any:
        nonlocal pos
        kind, value = tokens[pos]
        pos += 1
        if kind != "name":
            raise ValueError(text)
        if value == "None":
            return type(None)
        head, *rest = value.split(".")
        base = scope[head] if head in scope else _BUILTIN_TYPES[head]
        for part in rest:
            base = getattr(base, part)
        if tokens[pos] != ("op", "["):
            return base
        take("[")
        args = [literal_value() if base is typing.Literal else union()]
        while tokens[pos] == ("op", ","):
            take(",")
            args.append(literal_value() if base is typing.Literal else union())
        take("]")
        return base[tuple(args) if len(args) > 1 else args[0]]

    def union() -> Any:
        parts = [atom()]
        while tokens[pos] == ("op", "|"):
            take("|")
            parts.append(atom())
        return parts[0] if len(parts) == 1 else typing.Union[tuple(parts)]

    got = union()
    if tokens[pos][0] != "end":
        raise ValueError(text)
    return got


def _record_loader(cls: type) -> Any:
    hints = _hints(cls)
    fields = {f.name: (f.name, _loader(hints[f.name]), f.default is MISSING and f.default_factory is MISSING)
              for f in record_fields(cls)}  # every field of a record is an __init__ argument
    if getattr(cls, "_aliases", False):
        fields = {BACK.get(k, k): v for k, v in fields.items()}
    required = [k for k, (_, _, needed) in fields.items() if needed]

    def build(v: Any, p: str) -> Any:
        if type(v) is not dict:
            raise StoredValueError(p, f"{_shown(v)} is not a record (a mapping)")
        kwargs = {}
        for k, x in v.items():
            spec = fields.get(k)
            if spec is None:
                raise StoredValueError(f"{p}.{k}" if p else str(k), "unknown field")
            kwargs[spec[0]] = spec[1](x, f"{p}.{k}" if p else k)
        for k in required:
            if k not in v:
                raise StoredValueError(f"{p}.{k}" if p else k, "missing")
        return cls(**kwargs)
    return build


def _check_id(value: Any) -> None:
    if not isinstance(value, str) or len(value) > ID_MAX or not ID_PATTERN.match(value):
        raise ValueError(f"{value!r} is not an id (lower_snake_case, at most {ID_MAX} characters)")


def _check_limits(name: str, value: Any, limits: dict[str, Any]) -> None:
    if value is None:
        return
    if "min_len" in limits and len(value) < limits["min_len"]:
        n = limits["min_len"]
        raise ValueError(f"{name} must not be empty" if n == 1 else f"{name} needs at least {n} entries")
    if "ge" in limits and value < limits["ge"]:
        raise ValueError(f"{name} must be at least {limits['ge']}")
    if "gt" in limits and value <= limits["gt"]:
        raise ValueError(f"{name} must be more than {limits['gt']}")
    if "le" in limits and value > limits["le"]:
        raise ValueError(f"{name} must be at most {limits['le']}")

