"""The Questionnaire's branching shows the same items as ours.

For variants of every shipped example (each controlling item set in turn to each of its values, to "don't
know" and to blank), the FHIR form of every condition is evaluated on the QuestionnaireResponse we export: native
`enableWhen` by the R4 rules (below), `enableWhenExpression` by a FHIRPath engine (fhirpathpy). It must agree with
`engine.answers.visible_items`, and both with the three-valued reading of ARCHITECTURE.md written out here as
`kleene` (a test on a blank or "don't know" is undetermined; an item is shown only when its condition is TRUE),
so that a change of engine semantics shows up here as a disagreement to resolve, not as a silent change.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import pytest
from fhirpathpy import compile as compile_fhirpath
from fhirpathpy.models import models

from vettriage.content import Catalogue
from vettriage.content import models as m
from vettriage.content.catalogue import walk_conditions
from vettriage.engine import read_answers_file
from vettriage.engine.answers import apply_branching, visible_items
from vettriage.fhir import codes
from vettriage.fhir.questionnaire import build_questionnaire
from vettriage.fhir.response import response_items

from conftest import EXAMPLES

_CMP = {"gte": lambda a, b: a >= b, "lte": lambda a, b: a <= b, "gt": lambda a, b: a > b, "lt": lambda a, b: a < b}


def kleene(cond: m.Condition, answers: dict[str, Any]) -> bool | None:
    """Our condition in three-valued logic: True, False or None (undetermined)."""
    if isinstance(cond, (m.AllOf, m.AnyOf)):
        vals = [kleene(c, answers) for c in (cond.all if isinstance(cond, m.AllOf) else cond.any)]
        stop = isinstance(cond, m.AnyOf)  # any: a True decides; all: a False decides
        return stop if stop in vals else (None if None in vals else not stop)
    if isinstance(cond, m.NotOf):
        v = kleene(cond.not_, answers)
        return None if v is None else not v
    if isinstance(cond, m.AtLeast):
        vals = [kleene(c, answers) for c in cond.of]
        return True if vals.count(True) >= cond.at_least else (
            False if len(vals) - vals.count(False) < cond.at_least else None)
    assert isinstance(cond, m.ItemTest)
    a, op, val = answers.get(cond.item), cond.operator, cond.operand
    if op == "known":
        return (a is not None and a != m.UNKNOWN) == val
    if op == "unknown":
        return (a == m.UNKNOWN) == val
    if a is None or a == m.UNKNOWN:
        return None
    if op in ("eq", "ne"):
        same = sorted(a) == sorted(val if isinstance(val, list) else [val]) if isinstance(a, list) else a == val
        return same if op == "eq" else not same
    if op == "in":
        return a in val
    if op == "contains":
        return val in a
    if op == "contains_any":
        return bool(set(val) & set(a))
    return _CMP[op](a, val)


def native_enabled(qitem: dict[str, Any], by_link: dict[str, list[dict[str, Any]]]) -> bool:
    """FHIR R4's enableWhen: `exists` tests for answers; `=` holds when some answer equals (a Coding by system
    and code), `!=` when none does; `>`.. when some answer compares so; behaviour `all` or `any`."""
    results = []
    for w in qitem["enableWhen"]:
        answers = by_link.get(w["question"], [])
        if w["operator"] == "exists":
            results.append(bool(answers) == w["answerBoolean"])
            continue
        key = next(k for k in w if k.startswith("answer"))
        target, field = w[key], "value" + key[len("answer"):]
        got = [a[field] for a in answers if field in a]

        def equal(v: Any) -> bool:
            return (v.get("system"), v["code"]) == (target.get("system"), target["code"]) if isinstance(v, dict) \
                else v == target

        op = w["operator"]
        if op == "=":
            results.append(any(equal(v) for v in got))
        elif op == "!=":
            results.append(not any(equal(v) for v in got))
        else:
            results.append(any({">": v > target, "<": v < target, ">=": v >= target, "<=": v <= target}[op]
                               for v in got))
    return all(results) if qitem.get("enableBehavior", "all") == "all" else any(results)


@lru_cache(maxsize=None)
def _compiled(expression: str) -> Any:
    """Parsing is the slow part of fhirpathpy (ANTLR): once per expression."""
    return compile_fhirpath(expression, models["r4"])


@lru_cache(maxsize=None)
def _expression_result(expression: str, items: str) -> bool:
    qr = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": json.loads(items)}
    result = _compiled(expression)(qr, {"resource": qr})
    assert result in ([], [True], [False]), result
    return result == [True]


def fhir_enabled(qitem: dict[str, Any], qr: dict[str, Any], by_link: dict[str, list[dict[str, Any]]],
                 controls: set[str]) -> bool:
    for e in qitem.get("extension", ()):
        if e["url"] == codes.EXT_ENABLE_WHEN_EXPRESSION:
            # Evaluated on the items the condition names only (the same result: the expression reads nothing
            # else), so that each distinct case is evaluated once; fhirpathpy takes ~50 ms on a whole response.
            items = [dict(g, item=[i for i in g["item"] if i["linkId"] in controls]) for g in qr.get("item", ())]
            items = [g for g in items if g["item"]]
            return _expression_result(e["valueExpression"]["expression"], json.dumps(items, sort_keys=True))
    return native_enabled(qitem, by_link) if "enableWhen" in qitem else True


def _response(catalogue: Catalogue, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list]]:
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    qr = QuestionnaireResponse(status="completed", item=response_items(catalogue, values, "owner") or None)
    data = json.loads(qr.model_dump_json())
    by_link: dict[str, list] = {}
    for group in data.get("item", ()):
        for it in group.get("item", ()):
            by_link[it["linkId"]] = it.get("answer", [])
    return data, by_link


def _candidates(catalogue: Catalogue, item: m.Item, tests: list[m.ItemTest]) -> list[Any]:
    """Known values worth trying for a controlling item: every point or option, or the numbers around the
    operands its conditions use."""
    if item.type == "yesno":
        return [True, False]
    if item.type == "scale":
        return list(catalogue.scales[item.scale].values)
    if item.type == "choice":
        return [o.value for o in item.options]
    if item.type == "multi":
        values = [o.value for o in item.options]
        return [[v] for v in values] + [[v for v in values if v != "none"][:2]]
    numbers = {item.min, item.max}
    for t in tests:
        if isinstance(t.operand, (int, float)) and not isinstance(t.operand, bool):
            numbers |= {t.operand - 1, t.operand, t.operand + 1}
    return sorted(n for n in numbers if item.min <= n <= item.max)


@pytest.fixture(scope="module")
def gated(catalogue: Catalogue) -> dict[str, tuple[m.Item, dict[str, Any]]]:
    q = json.loads(build_questionnaire(catalogue, "owner").model_dump_json())
    by_id = {i["linkId"]: i for g in q["item"] for i in g["item"]}
    return {i.id: (i, by_id[i.id]) for i in catalogue.items.values() if i.enable_when is not None}


def _controls(item: m.Item) -> set[str]:
    return {n.item for n in walk_conditions(item.enable_when) if isinstance(n, m.ItemTest)}


def _variants(catalogue: Catalogue, gated_items: list[m.Item]):
    for path in EXAMPLES:
        base = dict(read_answers_file(catalogue, path).values)
        yield f"{path.stem}", base
        for item in gated_items:
            tests = [n for n in walk_conditions(item.enable_when) if isinstance(n, m.ItemTest)]
            controls = sorted(_controls(item))
            for ctrl in controls:
                ctrl_item = catalogue.items[ctrl]
                for value in _candidates(catalogue, ctrl_item, [t for t in tests if t.item == ctrl]):
                    yield f"{path.stem}:{ctrl}={value}", {**base, ctrl: value}
                if ctrl_item.allow_unknown:
                    yield f"{path.stem}:{ctrl}=unknown", {**base, ctrl: m.UNKNOWN}
                yield f"{path.stem}:{ctrl}=blank", {k: v for k, v in base.items() if k != ctrl}
            yield f"{path.stem}:all of {item.id}'s controls blank", \
                {k: v for k, v in base.items() if k not in controls}


def test_fhir_branching_agrees_with_ours(catalogue: Catalogue, gated) -> None:
    checked, disagreements, seen = 0, [], set()
    controls = set().union(*(_controls(i) for i, _ in gated.values()))
    for name, values in _variants(catalogue, [i for i, _ in gated.values()]):
        kept = apply_branching(catalogue, values).values
        key = json.dumps(kept, sort_keys=True)
        if key in seen:  # the items sharing one condition give the same variants
            continue
        seen.add(key)
        qr, by_link = _response(catalogue, {k: v for k, v in kept.items() if k in controls})  # what gates read
        shown = set(visible_items(catalogue, kept))
        for item_id, (item, qitem) in gated.items():
            fhir = fhir_enabled(qitem, qr, by_link, _controls(item))
            expected = kleene(item.enable_when, kept) is True
            assert (item_id in shown) == expected, f"{name}: the engine and the oracle differ on {item_id}"
            if fhir != expected:
                disagreements.append(f"{name}: {item_id} FHIR {'shows' if fhir else 'hides'} it")
            checked += 1
    assert not disagreements, disagreements[:10]
    assert len(seen) > 500 and checked > 5000  # the variants really ran (898 responses, 11,674 checks)


def test_some_conditions_need_the_expression_and_some_are_native(gated) -> None:
    kinds = {("expression" if any(e["url"] == codes.EXT_ENABLE_WHEN_EXPRESSION for e in q.get("extension", ()))
              else "native") for _, q in gated.values()}
    assert kinds == {"expression", "native"}
