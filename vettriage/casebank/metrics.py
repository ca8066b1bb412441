"""The figures symptom-checker studies publish, computed over a bank's outcomes, each with a Wilson 95% interval.

Definitions (docs/VALIDATION.md says where each comes from):
- correct triage: vettriage's urgency equals the gold standard (Semigran 2015's "appropriate triage", exact);
- safe advice: at the gold standard, more urgent, or no more than one level less urgent (Gilbert 2020);
- under- / over-triage: less / more urgent than the gold standard; their ratio is over : under (Schmieding 2022);
- emergencies sent to emergency: of the cases whose gold standard is emergency;
- false emergencies: of the cases whose gold standard is not emergency, those vettriage calls an emergency;
- red-flag recall: expected red flags raised, over every red flag the bank expects;
- category, medication-flag, ketamine gate, ketamine-caution and plan agreement: the share of those expectations
  met.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Iterable

from vettriage.casebank.check import Outcome

Z95 = 1.959963984540054


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for k successes in n trials (0, 1 when n is 0)."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At 0 and at n the bounds are exactly 0 and 1; floating point would leave 0.9999999999999999.
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


@dataclasses.dataclass(frozen=True)
class Measure:
    """k of n, as a rate with its Wilson 95% interval."""

    key: str
    label: str
    k: int
    n: int

    @property
    def rate(self) -> float | None:
        return self.k / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.k, self.n)

    @property
    def percent(self) -> float | None:
        """The rate in percent, rounded to one decimal (the figure docs/VALIDATION.md records)."""
        return None if self.n == 0 else round(100 * self.k / self.n, 1)

    def as_dict(self) -> dict[str, Any]:
        low, high = self.interval
        return {"label": self.label, "k": self.k, "n": self.n, "rate": self.rate, "percent": self.percent,
                "ci95": [low, high]}


def _share(key: str, label: str, pairs: Iterable[bool]) -> Measure:
    flags = list(pairs)
    return Measure(key, label, sum(flags), len(flags))


def _met(outcomes: list[Outcome], *kinds: str) -> list[bool]:
    return [ok for o in outcomes for e, ok, _ in o.met if e.kind in kinds]


def measures(outcomes: list[Outcome]) -> list[Measure]:
    """Every figure, in the order the report prints them."""
    emergencies = [o for o in outcomes if o.case.gold == "emergency"]
    others = [o for o in outcomes if o.case.gold != "emergency"]
    return [
        _share("correct_triage", "correct triage (exact)", (o.urgency == o.case.gold for o in outcomes)),
        _share("acceptable_triage", "triage at gold or an accepted neighbour",
               (o.urgency == o.case.gold or o.urgency in o.case.accept for o in outcomes)),
        _share("safe_advice", "safe advice (Gilbert 2020)", (o.urgency_rank >= o.gold_rank - 1 for o in outcomes)),
        _share("under_triage", "under-triage", (o.urgency_rank < o.gold_rank for o in outcomes)),
        _share("over_triage", "over-triage", (o.urgency_rank > o.gold_rank for o in outcomes)),
        _share("emergencies_to_emergency", "emergencies sent to emergency",
               (o.urgency == "emergency" for o in emergencies)),
        _share("false_emergencies", "false emergencies", (o.urgency == "emergency" for o in others)),
        _share("red_flag_recall", "red-flag recall", _met(outcomes, "red_flag")),
        _share("red_flag_specificity", "red flags rightly not raised", _met(outcomes, "red_flag_not")),
        _share("category_agreement", "category agreement", _met(outcomes, "category")),
        _share("medication_agreement", "medication-flag agreement",
               _met(outcomes, "medication_flag", "medication_flag_not")),
        _share("ketamine_gate", "ketamine gate agreement (offered or not)", _met(outcomes, "ketamine_offered")),
        _share("ketamine_cautions", "ketamine-caution agreement",
               _met(outcomes, "ketamine_caution", "ketamine_caution_not")),
        _share("plan_agreement", "plan agreement", _met(outcomes, "plan", "plan_not")),
        _share("cases_agreeing", "cases meeting every expectation", (o.agrees for o in outcomes)),
    ]


def over_under_ratio(ms: list[Measure]) -> float | None:
    """Over-triage : under-triage (Schmieding 2022 reports it as odds); None when nothing was under-triaged."""
    by = {m.key: m for m in ms}
    under, over = by["under_triage"].k, by["over_triage"].k
    return None if under == 0 else over / under
