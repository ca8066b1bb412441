"""Our branching (`enable_when`) as FHIR: native `enableWhen` + `enableBehavior` where FHIR says the same thing,
else the SDC `enableWhenExpression` extension with a FHIRPath expression.

What "the same thing" means: our conditions are three-valued (ARCHITECTURE.md: a test on a blank or "don't know"
item is undetermined, and an item is shown only when its condition is TRUE). FHIR's native operators are false
on a question with no answer, which keeps "is TRUE" under `all` and `any`, so item tests combined by one `all` or
one `any` are written natively. FHIR's `!=` is TRUE on an unanswered question, and FHIR has no `not`, no nesting
and no "at least n of": those become FHIRPath, whose empty collection behaves as our undetermined (its `and`,
`or` and `not()` are three-valued), with `iif(answer.exists(), test, {})` making every item test undetermined
on a blank, as ours are. "Don't know" is a response item with no answer and a data-absent-reason extension
(docs/FHIR.md), so `unknown` tests read that extension.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.expression import Expression
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.questionnaire import QuestionnaireItemEnableWhen

from vettriage.content import models as m
from vettriage.content.catalogue import Catalogue
from vettriage.fhir import codes

_FHIR_OP = {"gte": ">=", "lte": "<=", "gt": ">", "lt": "<"}
_CMP = {"gte": lambda a, b: a >= b, "lte": lambda a, b: a <= b, "gt": lambda a, b: a > b, "lt": lambda a, b: a < b}


class NotNative(Exception):
    """The condition has no faithful native `enableWhen` form."""


def branching(catalogue: Catalogue, cond: m.Condition) -> dict[str, Any]:
    """Keyword arguments for a QuestionnaireItem: `enableWhen` (+ `enableBehavior`) or the SDC extension."""
    try:
        whens, behavior = _native(catalogue, cond)
    except NotNative:
        expr = Expression(language="text/fhirpath", expression=fhirpath(catalogue, cond))
        return {"extension": [Extension(url=codes.EXT_ENABLE_WHEN_EXPRESSION, valueExpression=expr)]}
    out: dict[str, Any] = {"enableWhen": whens}
    if len(whens) > 1:
        out["enableBehavior"] = behavior
    return out


# --- native enableWhen --------------------------------------------------------------------------------------


def _native(catalogue: Catalogue, cond: m.Condition) -> tuple[list[QuestionnaireItemEnableWhen], str]:
    if isinstance(cond, m.ItemTest):
        whens = _native_test(catalogue, cond)
        return whens, "any"  # several whens from one test (`in`, `contains_any`, a scale range) are alternatives
    if isinstance(cond, (m.AnyOf, m.AllOf)):
        parts = cond.any if isinstance(cond, m.AnyOf) else cond.all
        if not all(isinstance(p, m.ItemTest) for p in parts):
            raise NotNative
        groups = [_native_test(catalogue, p) for p in parts]  # type: ignore[arg-type]
        if isinstance(cond, m.AllOf) and any(len(g) != 1 for g in groups):
            raise NotNative  # an alternative inside an `all` needs nesting, which FHIR does not have
        return [w for g in groups for w in g], "any" if isinstance(cond, m.AnyOf) else "all"
    if isinstance(cond, m.NotOf) and isinstance(cond.not_, m.ItemTest) and cond.not_.operator == "known":
        flipped = m.ItemTest(item=cond.not_.item, known=not cond.not_.known)  # definite both ways
        return _native_test(catalogue, flipped), "any"
    raise NotNative


def _native_test(catalogue: Catalogue, t: m.ItemTest) -> list[QuestionnaireItemEnableWhen]:
    item = catalogue.items[t.item]
    op, val = t.operator, t.operand

    def when(operator: str, value: Any) -> QuestionnaireItemEnableWhen:
        return QuestionnaireItemEnableWhen(question=item.id, operator=operator, **_answer(catalogue, item, value))

    if op == "known":
        return [QuestionnaireItemEnableWhen(question=item.id, operator="exists", answerBoolean=bool(val))]
    if op == "eq" and item.type != "multi":
        return [when("=", val)]
    if op == "in" and item.type != "multi":
        return [when("=", v) for v in val]
    if op == "contains" and item.type == "multi":
        return [when("=", val)]  # FHIR `=` on a repeating question: some answer equals the value
    if op == "contains_any" and item.type == "multi":
        return [when("=", v) for v in val]
    if op in _FHIR_OP and item.type in ("number", "months"):
        return [when(_FHIR_OP[op], val)]
    if op in _FHIR_OP and item.type == "scale":
        points = [v for v in catalogue.scales[item.scale].values if _CMP[op](v, val)]  # type: ignore[index]
        if not points:
            raise NotNative
        return [when("=", v) for v in points]  # scale points are codings, which FHIR does not order
    raise NotNative  # `ne` and `unknown`, and anything FHIR would read differently on a blank


def _answer(catalogue: Catalogue, item: m.Item, value: Any) -> dict[str, Any]:
    """`answer[x]` of an enableWhen: the FHIR type of the item's answers."""
    if item.type == "yesno":
        return {"answerBoolean": bool(value)}
    if item.type == "scale":
        return {"answerCoding": Coding(system=codes.scale_system(item.scale or ""), code=str(value))}
    if item.type in ("choice", "multi"):
        return {"answerCoding": Coding(system=codes.options_system(item.id), code=str(value))}
    if item.type in ("number", "months"):
        return {"answerDecimal": value}
    if item.type == "date":
        return {"answerDate": value}
    return {"answerString": str(value)}


# --- FHIRPath -----------------------------------------------------------------------------------------------


def fhirpath(catalogue: Catalogue, cond: m.Condition) -> str:
    """A FHIRPath expression over the QuestionnaireResponse (`%resource`): true, false or empty (undetermined)."""
    if isinstance(cond, m.AllOf):
        return "(" + " and ".join(fhirpath(catalogue, c) for c in cond.all) + ")"
    if isinstance(cond, m.AnyOf):
        return "(" + " or ".join(fhirpath(catalogue, c) for c in cond.any) + ")"
    if isinstance(cond, m.NotOf):
        return f"({fhirpath(catalogue, cond.not_)}).not()"
    if isinstance(cond, m.AtLeast):
        parts = [fhirpath(catalogue, c) for c in cond.of]
        true = " + ".join(f"iif({p}, 1, 0)" for p in parts)  # parts that are TRUE
        maybe = " + ".join(f"iif(({p}).not(), 0, 1)" for p in parts)  # parts not FALSE
        return f"iif(({true}) >= {cond.at_least}, true, iif(({maybe}) < {cond.at_least}, false, {{}}))"
    if isinstance(cond, m.ItemTest):
        return _fhirpath_test(catalogue, cond)
    # crosscheck forbids score tests in branching; findings and red flags do not exist while answering
    raise ValueError(f"branching on {type(cond).__name__} cannot be written for FHIR")


def _item_path(item_id: str) -> str:
    return f"%resource.repeat(item).where(linkId={_lit(item_id)})"


def _fhirpath_test(catalogue: Catalogue, t: m.ItemTest) -> str:
    item = catalogue.items[t.item]
    op, val = t.operator, t.operand
    node = _item_path(item.id)
    if op == "unknown":
        absent = f"{node}.extension({_lit(codes.EXT_DATA_ABSENT)})"
        return f"{absent}.exists()" if val else f"{absent}.empty()"
    a = f"{node}.answer.value"
    if item.type == "scale":
        a += ".code.toInteger()"
    elif item.type in ("choice", "multi"):
        a += ".code"
    if op == "known":
        return f"{a}.exists()" if val else f"{a}.empty()"
    lit = (lambda v: f"@{v}") if item.type == "date" else _lit
    if item.type == "multi" and op in ("eq", "ne"):
        wanted = val if isinstance(val, list) else [val]
        test = f"({a}.count() = {len(wanted)} and {a}.where($this in {_set(wanted)}).count() = {len(wanted)})"
        test = test if op == "eq" else f"{test}.not()"
    elif op == "eq":
        test = f"{a} = {lit(val)}"
    elif op == "ne":
        test = f"{a} != {lit(val)}"
    elif op == "in":
        test = f"{a} in ({' | '.join(lit(v) for v in val)})"
    elif op == "contains":
        test = f"{a} contains {_lit(val)}"
    elif op == "contains_any":
        test = f"{a}.where($this in {_set(val)}).exists()"
    else:
        test = f"{a} {_FHIR_OP[op]} {lit(val)}"
    return f"iif({a}.exists(), {test}, {{}})"  # a blank or "don't know" item leaves the test undetermined


def _set(values: list[Any]) -> str:
    return "(" + " | ".join(_lit(v) for v in values) + ")"


def _lit(value: Any) -> str:
    """A FHIRPath literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
