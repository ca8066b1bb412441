"""The compiled rule program gives exactly the interpreter's three-valued truth for every rule.

`engine.program` writes the rule pass out as Python source for speed; `engine.conditions` is the reference.
They are compared on random partial answers over the real catalogue (blanks, "don't know", hidden questions,
any levels and red flags), and on content values that must stay data in the generated source."""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from vettriage.content import models as m
from vettriage.engine import validate_answers
from vettriage.engine.conditions import compile_condition, compile_evidence
from vettriage.engine.program import build, rule_program
from vettriage.engine.scoring import compute_scores
from vettriage.record import validate

from tests.unit.test_partial_answers import SETTINGS, value_for

LEVEL = st.sampled_from([0, 1, 2])


def run(program: Any, ctx: Any) -> list[tuple[int, bool | None, Any]]:
    """(index, truth, (item ids, score ids) named, deduplicated) for each rule not found false."""
    unknown = {k for k, v in ctx.answers.items() if v == "unknown"}
    known = {k: v for k, v in ctx.answers.items() if k not in unknown}  # as assess hands the answers over
    return [(k, t, None if names is None else tuple(list(dict.fromkeys(n)) for n in names))
            for k, t, names in program(known.get, ctx.hidden, unknown, ctx.scores, ctx.levels,
                                       ctx.levels_hi, ctx.red_flags, ctx.red_flags_maybe)]


def reference(conds: list[m.Condition], ctx: Any) -> list[tuple[int, bool | None, Any]]:
    """The interpreter's truth and, for a rule that held, compile_evidence's names."""
    memo: dict[int, Any] = {}
    out = []
    for k, c in enumerate(conds):
        t = compile_condition(c, memo)(ctx)
        if t is not False:
            out.append((k, t, compile_evidence(c, lambda x: compile_condition(x, memo))(ctx) if t else None))
    return out


@st.composite
def contexts(draw: Any, catalogue: Any) -> SimpleNamespace:
    raw: dict[str, Any] = {}
    for item in catalogue.items.values():
        how = draw(st.sampled_from(["blank", "answer", "answer", "unknown"]))
        if how == "answer":
            raw[item.id] = draw(value_for(catalogue, item))
        elif how == "unknown" and item.allow_unknown:
            raw[item.id] = "unknown"
    for item in catalogue.items.values():  # an answer above its bound is refused (`not_above`): keep within it
        bound = raw.get(item.not_above) if item.not_above else None
        if isinstance(raw.get(item.id), (int, float)) and isinstance(bound, (int, float)):
            raw[item.id] = min(raw[item.id], bound)
    answers = validate_answers(catalogue, raw)
    _, spans = compute_scores(catalogue, answers.values, answers.hidden)
    low = {c: draw(LEVEL) for c in ("pain", "ccd", "medical")}
    flags = sorted(catalogue.red_flags)
    return SimpleNamespace(
        answers=answers.values, hidden=answers.hidden, scores=spans, levels=low,
        levels_hi={c: max(v, draw(LEVEL)) for c, v in low.items()},
        red_flags=set(draw(st.lists(st.sampled_from(flags), max_size=2))),
        red_flags_maybe=set(draw(st.lists(st.sampled_from(flags), max_size=2))))


@SETTINGS
@given(data=st.data())
def test_the_program_agrees_with_the_interpreter_on_every_rule(catalogue, data) -> None:
    ctx = data.draw(contexts(catalogue))
    conds = [r.when for r in catalogue.rules]
    want = reference(conds, ctx)
    untyped, typed = programs(catalogue)
    assert run(untyped, ctx) == want
    assert run(typed, ctx) == want


@cache
def programs(catalogue: Any) -> tuple[Any, Any]:
    """The catalogue's program compiled without and with the items' types (as assess builds it: its answers are
    validated), every rule explained."""
    conds = [r.when for r in catalogue.rules]
    return build(conds), build(conds, types={i.id: i.type for i in catalogue.items.values()})


def test_the_catalogue_program_explains_only_conclusions(catalogue) -> None:
    """The shipped program names the answers of rules that draw a conclusion, and of no other."""
    answers = validate_answers(catalogue, {"rf_collapse": True, "sys_pu_pd": True, "med_current": ["carprofen"]})
    _, spans = compute_scores(catalogue, answers.values, answers.hidden)
    ctx = SimpleNamespace(answers=answers.values, hidden=answers.hidden, scores=spans, levels={}, levels_hi={},
                          red_flags=set(), red_flags_maybe=set())
    got = run(rule_program(catalogue), ctx)
    assert any(t is True for _, t, _ in got)
    for k, t, names in got:
        e = catalogue.rules[k].then
        concludes = bool(e.red_flag or e.finding or e.cap or e.ketamine_caution or e.medication_flag)
        assert (names is not None) == (t is True and concludes), catalogue.rules[k].id


def test_the_shipped_examples_agree(catalogue) -> None:
    from pathlib import Path

    import yaml

    conds = [r.when for r in catalogue.rules]
    untyped, typed = programs(catalogue)
    for path in sorted((Path(__file__).parents[2] / "examples").glob("*.yaml")):
        answers = validate_answers(catalogue, yaml.safe_load(path.read_text()))
        _, spans = compute_scores(catalogue, answers.values, answers.hidden)
        ctx = SimpleNamespace(answers=answers.values, hidden=answers.hidden, scores=spans, levels={},
                              levels_hi={}, red_flags=set(), red_flags_maybe=set())
        assert run(untyped, ctx) == run(typed, ctx) == reference(conds, ctx), path.name


def conditions(*raw: dict[str, Any]) -> list[m.Condition]:
    return [validate(m.Condition, c) for c in raw]


def test_content_values_stay_data_in_the_source() -> None:
    """Quotes, backslashes, newlines and code-like text in a value are compared as text, never run."""
    tricky = ["a'b", 'a"b', "x\\", "line\nbreak", "__import__('os').system('true')", "\u00e9\u4e2d", "' or True or '"]
    conds = conditions(*({"item": "q", "eq": v} for v in tricky), {"item": "q", "in": tricky},
                       {"item": "n", "eq": 1.7976931348623157e308}, {"item": "n", "gte": 1e308})
    prog = build(conds)
    for value in tricky:
        ctx = SimpleNamespace(answers={"q": value}, hidden=frozenset(), scores={}, levels={}, levels_hi={},
                              red_flags=set(), red_flags_maybe=set())
        got = {k: t for k, t, _ in run(prog, ctx)}
        # the number is not answered: its two tests are undetermined
        assert got == {tricky.index(value): True, len(tricky): True, len(tricky) + 1: None,
                       len(tricky) + 2: None}, value
    # the largest float (content refuses infinities: issue 25) is written as a literal that reads back the same
    ctx = SimpleNamespace(answers={"q": "other", "n": 1.7976931348623157e308}, hidden=frozenset(), scores={}, levels={},
                          levels_hi={}, red_flags=set(), red_flags_maybe=set())
    assert {k: t for k, t, _ in run(prog, ctx)} == {len(tricky) + 1: True, len(tricky) + 2: True}


def test_each_operator_and_combinator_matches_the_interpreter() -> None:
    conds = conditions(
        {"item": "a", "ne": "x"}, {"item": "a", "known": True}, {"item": "a", "known": False},
        {"item": "a", "unknown": True}, {"item": "m", "contains": "x"}, {"item": "m", "contains_any": ["x", "y"]},
        {"item": "n", "gt": 3}, {"item": "n", "lt": 3}, {"item": "n", "lte": 3},
        {"score": "s", "gte": 5}, {"score": "s", "lt": 5}, {"score": "s", "gt": 5}, {"score": "s", "lte": 5},
        {"not": {"item": "a", "eq": "x"}}, {"at_least": 2, "of": [{"item": "a", "eq": "x"}, {"item": "n", "gte": 1},
                                                                   {"item": "m", "contains": "x"}]},
        {"any": [{"item": "a", "eq": "x"}, {"finding": "pain", "at_least": "likely"}]},
        {"all": [{"red_flag": "any"}, {"red_flag": "collapse"}]},
    )
    prog = build(conds)
    for answers in ({}, {"a": "x", "n": 4, "m": ["x"]}, {"a": "unknown", "n": 3, "m": ["z"]}, {"a": "y", "n": 1}):
        for hidden in (frozenset(), frozenset({"a", "m"})):
            for spans in ({"s": (5.0, 5.0)}, {"s": (2.0, 7.0)}, {"s": (6.0, 9.0)}):
                for flags in ((set(), set()), ({"collapse"}, set()), (set(), {"collapse"})):
                    ctx = SimpleNamespace(answers=answers, hidden=hidden, scores=spans, levels={"pain": 1},
                                          levels_hi={"pain": 2}, red_flags=flags[0], red_flags_maybe=flags[1])
                    assert run(prog, ctx) == reference(conds, ctx), (answers, hidden, spans, flags)


def test_the_compiled_program_is_cached_and_a_broken_cache_is_a_miss(tmp_path, monkeypatch) -> None:
    """The compiled rules are kept like a .pyc; a cache file that cannot be read is simply compiled again."""
    monkeypatch.setenv("VETTRIAGE_CACHE_DIR", str(tmp_path))
    conds = conditions({"item": "a", "eq": "x"}, {"any": [{"item": "a", "eq": "y"}, {"item": "b", "gte": 2}]})
    ctx = SimpleNamespace(answers={"a": "y", "b": 1}, hidden=frozenset(), scores={}, levels={}, levels_hi={},
                          red_flags=set(), red_flags_maybe=set())
    first = run(build(conds, cache_key="test|1"), ctx)
    files = list(tmp_path.glob("code-*.marshal"))
    assert len(files) == 1
    assert run(build(conds, cache_key="test|1"), ctx) == first  # read back from the cache
    files[0].write_bytes(b"not marshal data")
    assert run(build(conds, cache_key="test|1"), ctx) == first == [(1, True, (["a"], []))]


def test_rules_after_one_that_stands_alone_read_the_scores_as_they_are_then() -> None:
    """A rule that explains answers makes the caller change the scores (engine.triage): the program tests it on
    its own and reads the scores for the rules below it only after handing it back."""
    conds = conditions({"item": "a", "eq": "x"}, {"score": "s", "gte": 2}, {"score": "s", "gte": 2})
    spans = {"s": (3.0, 3.0)}
    got = []
    prog = build(conds, alone=[True, False, False])
    for k, t, _ in prog({"a": "x"}.get, frozenset(), set(), spans, {}, {}, set(), set()):
        got.append((k, t))
        if k == 0:
            spans["s"] = (0.0, 1.0)  # what the caller does when an explaining rule holds
    assert got == [(0, True)], "the score rules below were tested on the changed scores"
    # without `alone` the three are one group, tested before any is handed back
    spans["s"] = (3.0, 3.0)
    assert [k for k, *_ in build(conds)({"a": "x"}.get, frozenset(), set(), spans, {}, {}, set(), set())] == [0, 1, 2]
