"""Running one case: its answers through the engine and the plan, each expectation met or not."""

from __future__ import annotations

import dataclasses
from typing import Any

from vettriage.casebank.cases import LEVELS, URGENCY, Case, Expectation


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What vettriage concluded for one case, and which expectations it missed."""

    case: Case
    urgency: str
    levels: dict[str, str]
    red_flags: tuple[str, ...]
    medication_flags: tuple[str, ...]
    ketamine_cautions: tuple[str, ...]
    options: tuple[str, ...]
    dropped: tuple[str, ...]
    red_flags_unanswered: int
    met: tuple[tuple[Expectation, bool, str], ...]

    @property
    def misses(self) -> list[tuple[Expectation, str]]:
        """The expectations vettriage did not meet, each with what it did instead."""
        return [(e, why) for e, ok, why in self.met if not ok]

    @property
    def agrees(self) -> bool:
        """Every expectation met."""
        return all(ok for _, ok, _ in self.met)

    @property
    def urgency_rank(self) -> int:
        return URGENCY.index(self.urgency)

    @property
    def gold_rank(self) -> int:
        return URGENCY.index(self.case.gold)


def run_case(catalogue: Any, case: Case) -> Outcome:
    """Assess the case's answers file and make the plan, then check every expectation."""
    from vettriage.engine import assess, read_answers_file
    from vettriage.plan import make_plan

    answers = read_answers_file(catalogue, case.answers_path)
    result = assess(catalogue, answers)
    # as `vettriage plan` does: option conditions read the answers themselves
    plan = make_plan(catalogue, result, answers.values)
    levels = {name: cat.level for name, cat in result.categories.items()}
    out = dict(urgency=result.urgency, levels=levels, red_flags=tuple(result.red_flag_ids),
               medication_flags=tuple(result.medication_flag_ids), ketamine_cautions=tuple(result.caution_ids),
               options=tuple(o.id for o in plan.options))
    met = tuple((e, *_judge(e, case, out)) for e in case.expectations)
    return Outcome(case=case, dropped=tuple(result.dropped), red_flags_unanswered=len(result.red_flags_unanswered),
                   met=met, **out)


def _judge(e: Expectation, case: Case, out: dict[str, Any]) -> tuple[bool, str]:
    kind = e.kind
    if kind == "urgency":
        ok = out["urgency"] == case.gold or out["urgency"] in case.accept
        wanted = " or ".join((case.gold, *case.accept))
        return ok, f"urgency {out['urgency']}, expected {wanted}"
    if kind == "category":
        level = out["levels"].get(e.target, "none")
        low, high = e.want
        ok = LEVELS.index(low) <= LEVELS.index(level) <= LEVELS.index(high)
        wanted = "none" if high == "none" else f"at least {low}" if high == "likely" else \
            f"at most {high}" if low == "none" else f"{low} to {high}"
        return ok, f"{e.target} {level}, expected {wanted}"
    if kind == "ketamine_offered":
        offered = "ketamine" in out["options"]
        return offered == e.want, ("ketamine offered, expected not (the ketamine gate)" if offered
                                   else "ketamine not offered, expected as the last option (the ketamine gate)")
    field, negate = {
        "red_flag": ("red_flags", False), "red_flag_not": ("red_flags", True),
        "medication_flag": ("medication_flags", False), "medication_flag_not": ("medication_flags", True),
        "ketamine_caution": ("ketamine_cautions", False), "ketamine_caution_not": ("ketamine_cautions", True),
        "plan": ("options", False), "plan_not": ("options", True),
    }[kind]
    present = e.target in out[field]
    noun = {"red_flags": "red flag", "medication_flags": "medication flag", "ketamine_cautions": "ketamine caution",
            "options": "plan option"}[field]
    if negate:
        return not present, f"{noun} {e.target} raised, expected not"
    return present, f"{noun} {e.target} missing"
