"""Records are built without dataclasses (vettriage.record._slotted: `import dataclasses` brings inspect, ~7 ms of
every start that loads the content), and are still what `dataclasses.dataclass(slots=True, ...)` makes: the same
slots, __init__, __match_args__ and docstring, `dataclasses.fields` (made by dataclasses itself when first read)
with the same defaults, factories and limits, pickling, pydantic's validation and `dataclasses.replace`."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from vettriage.content import models as m
from vettriage.engine.assessment import AnswerEvidence, Assessment
from vettriage.record import Checked, Record, constrained, field, record


@record(frozen=False, kw_only=False)
class Ours(Record):
    a: str
    b: list[str] = field(default_factory=list)
    c: int | None = None


@dataclasses.dataclass(slots=True, repr=False, eq=False)
class Ours_(Record):  # noqa: N801 - the same class, made by dataclasses
    a: str
    b: list[str] = dataclasses.field(default_factory=list)
    c: int | None = None


@record(kw_only=True)
class Limited(Checked):
    """Some limits."""

    n: int = constrained(1, ge=1)
    ids: list[str] = constrained(min_len=1)


def test_a_record_is_what_dataclasses_makes() -> None:
    assert Ours.__slots__ == Ours_.__slots__ == ("a", "b", "c")
    assert Ours.__match_args__ == Ours_.__match_args__
    assert Ours.__doc__ == Ours_.__doc__.replace("Ours_", "Ours")  # dataclasses' own signature line
    for args, kwargs in ((("x",), {}), (("x", ["y"], 3), {}), ((), {"a": "x", "c": 4}), (("x",), {"c": 5})):
        ours, theirs = Ours(*args, **kwargs), Ours_(*args, **kwargs)
        assert [getattr(ours, n) for n in Ours.__slots__] == [getattr(theirs, n) for n in Ours_.__slots__]
    assert Ours("x").b is not Ours("x").b
    for bad in ((), ("x", [], 1, 2)):
        with pytest.raises(TypeError):
            Ours(*bad)
        with pytest.raises(TypeError):
            Ours_(*bad)
    assert not hasattr(Ours("x"), "__dict__")
    mine, theirs = dataclasses.fields(Ours), dataclasses.fields(Ours_)
    assert [(f.name, f.type, f.default, f.default_factory, f.kw_only, f.init) for f in mine] == \
           [(f.name, f.type, f.default, f.default_factory, f.kw_only, f.init) for f in theirs]
    assert dataclasses.is_dataclass(Ours) and dataclasses.fields(Ours("x")) == mine


def test_limits_and_keyword_only_fields_are_in_dataclasses_fields() -> None:
    fields = {f.name: f for f in dataclasses.fields(Limited)}
    assert fields["n"].default == 1 and dict(fields["n"].metadata) == {"ge": 1}
    assert dict(fields["ids"].metadata) == {"min_len": 1} and fields["ids"].default is dataclasses.MISSING
    assert all(f.kw_only for f in fields.values())
    assert Limited(ids=["a"]).n == 1
    with pytest.raises(ValueError):
        Limited(ids=["a"], n=0)
    with pytest.raises(ValueError):
        Limited(ids=[])


def test_content_records_pickle_compare_by_identity_and_refuse_assignment() -> None:
    w = m.Wording(owner="o", tech="t")
    back = pickle.loads(pickle.dumps(w, protocol=pickle.HIGHEST_PROTOCOL))
    assert (back.owner, back.tech) == ("o", "t") and back != w
    with pytest.raises(dataclasses.FrozenInstanceError):
        w.owner = "x"  # type: ignore[misc]
    assert dataclasses.replace(w, tech="u").tech == "u"


def test_pydantic_validates_records_with_field_paths() -> None:
    from pydantic import ValidationError

    assert m.Wording.model_validate({"owner": "o", "tech": "t"}).tech == "t"
    with pytest.raises(ValidationError) as exc:
        m.Wording.model_validate({"owner": "o", "tech": ""})
    assert "tech" in str(exc.value)
    with pytest.raises(ValidationError):
        m.Wording.model_validate({"owner": "o", "tech": "t", "extra": 1})


def test_an_assessment_round_trips_through_pydantic_and_the_stored_loader() -> None:
    from vettriage.content.catalogue import load_catalogue
    from vettriage.engine import assess

    a = assess(load_catalogue(), {})
    data = a.model_dump(mode="json")
    assert Assessment.model_validate(data).model_dump(mode="json") == data
    assert Assessment.from_stored(data).model_dump(mode="json") == data
    e = AnswerEvidence("pain_stairs", 2, "Stairs?")
    assert pickle.loads(pickle.dumps(e)).model_dump() == e.model_dump()


def test_the_catalogue_compares_by_identity_hashes_and_pickles_without_its_path() -> None:
    from vettriage.content.catalogue import load_catalogue

    cat = load_catalogue()
    again = pickle.loads(pickle.dumps(cat))
    assert cat.__eq__(again) is NotImplemented and hash(cat) == object.__hash__(cat)  # identity, as eq=False
    {cat: 1}  # hashable: caches key on it
    assert again.hash == cat.hash and again.directory == cat.directory
    assert "directory" not in cat.__getstate__()
    assert [f.name for f in dataclasses.fields(cat)][:2] == ["version", "hash"]
