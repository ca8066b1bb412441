"""Follow-up visits: what changed since the last completed intake, the series a trend chart draws, and when
the dog should be screened again. Pure functions over stored Assessment dicts (no I/O, no Textual).

Scores are intervals (`low`..`high`: what the score could be once the blanks were filled), so a change is an
interval too. A direction is named only when the whole interval of the change lies on one side of zero, and
never as "improved" or "worse": no published minimal important difference (MID) exists for the DISHAA-style
sums or for our pain groupings, so every change shown is descriptive. The re-screen interval is a product
heuristic whose values live in vettriage.config (RescreenPolicy).
"""

from __future__ import annotations

import datetime as dt

from vettriage.frozen import frozen
from vettriage.localtime import local_day

TYPE_CHECKING = False  # typing costs ~2 ms at start-up: only the type checker reads these names
if TYPE_CHECKING:
    from typing import Any, Iterable, Mapping, Sequence

NO_MID = ("descriptive only: no published minimal important difference exists for this score "
          "(DISHAA-style sums and our pain groupings have none), so no change is called better or worse")
CATEGORY_TITLES = {"pain": "Pain", "ccd": "Cognition (CCD)", "medical": "Medical"}
LEVEL_ORDER = {"none": 0, "possible": 1, "likely": 2}


@frozen
class Range:
    """A score as stored: exact when low == high; None bounds when nothing bears on it."""

    low: float | None
    high: float | None
    value: float | None

    @classmethod
    def of(cls, score: Mapping[str, Any] | None) -> "Range":
        """From a DomainScore dict; an older record without bounds has low = high = value when value is known."""
        if not score:
            return cls(None, None, None)
        value = score.get("value")
        low, high = score.get("low"), score.get("high")
        if low is None and high is None and value is not None and score.get("answered") == score.get("of"):
            low = high = value
        return cls(low, high, value)

    @property
    def known(self) -> bool:
        return self.low is not None and self.high is not None

    @property
    def exact(self) -> bool:
        return self.known and self.low == self.high

    def text(self) -> str:
        """`7` when exact, `5-12 (range: unanswered items)` otherwise, `not scored` when nothing is known."""
        if not self.known:
            return "not scored"
        if self.exact:
            return _num(self.low)
        return f"{_num(self.low)}-{_num(self.high)} (range)"


@frozen
class ScoreChange:
    """One score at the last visit and now."""

    score_id: str
    title: str
    category: str | None
    previous: Range
    current: Range
    change_low: float | None
    change_high: float | None
    direction: str
    """`higher`, `lower` or `same` only when every way of filling the blanks agrees; else `undetermined`,
    or `not comparable` when either visit has no score."""
    meaning: str = NO_MID

    def change_text(self) -> str:
        """The change as a number or a range, signed."""
        if self.change_low is None or self.change_high is None:
            return "-"
        if self.change_low == self.change_high:
            return _signed(self.change_low)
        return f"{_signed(self.change_low)} to {_signed(self.change_high)}"


@frozen
class CategoryChange:
    """One category's level and status at the last visit and now (levels are compared, never scored)."""

    category: str
    title: str
    previous_level: str | None
    previous_status: str | None
    current_level: str | None
    current_status: str | None
    direction: str
    """`higher level`, `lower level`, `same level`, or `not comparable` when either was not fully assessed
    and the levels differ or could still move."""


@frozen
class Point:
    """One visit's value of one score, for a chart."""

    day: dt.date
    low: float | None
    high: float | None
    value: float | None


@frozen
class Series:
    """One score's values over the visits."""

    score_id: str
    title: str
    points: tuple[Point, ...]


@frozen
class Trend:
    """One category's chart: its top-level scores over time."""

    category: str
    title: str
    series: tuple[Series, ...]


@frozen
class SinceLastVisit:
    """What a vet summary shows from the second visit on."""

    previous_day: dt.date
    current_day: dt.date
    scores: tuple[ScoreChange, ...]
    categories: tuple[CategoryChange, ...]
    trends: tuple[Trend, ...]
    visits: int
    note: str = NO_MID


def _num(x: float) -> str:
    return f"{x:g}" if float(x) != int(x) else str(int(x))


def _signed(x: float) -> str:
    return "0" if x == 0 else (f"+{_num(x)}" if x > 0 else f"-{_num(-x)}")


def score_change(score_id: str, title: str, category: str | None, prev: Range, cur: Range) -> ScoreChange:
    """The change of one score between two visits, honest about unanswered items."""
    if not (prev.known and cur.known):
        return ScoreChange(score_id, title, category, prev, cur, None, None, "not comparable")
    lo = cur.low - prev.high  # type: ignore[operator]
    hi = cur.high - prev.low  # type: ignore[operator]
    if lo > 0:
        direction = "higher"
    elif hi < 0:
        direction = "lower"
    elif lo == hi == 0:
        direction = "same"
    else:
        direction = "undetermined"  # blanks on either visit could put the change on either side of zero
    return ScoreChange(score_id, title, category, prev, cur, lo, hi, direction)


def category_change(category: str, prev: Mapping[str, Any] | None, cur: Mapping[str, Any] | None) -> CategoryChange:
    """Compare a category's levels; a level reached while questions are unanswered could still rise."""
    title = CATEGORY_TITLES.get(category, category)
    if not prev or not cur:
        return CategoryChange(category, title, (prev or {}).get("level"), (prev or {}).get("status"),
                              (cur or {}).get("level"), (cur or {}).get("status"), "not comparable")
    pl, cl = prev.get("level", "none"), cur.get("level", "none")
    ps, cs = prev.get("status"), cur.get("status")
    # The level could still rise where the answers left it open: the highest reachable level bounds it.
    p_hi = LEVEL_ORDER[prev.get("could_reach", pl) or pl] if ps != "assessed" else LEVEL_ORDER[pl]
    c_hi = LEVEL_ORDER[cur.get("could_reach", cl) or cl] if cs != "assessed" else LEVEL_ORDER[cl]
    p_lo, c_lo = LEVEL_ORDER[pl], LEVEL_ORDER[cl]
    if "not_assessed" in (ps, cs):
        direction = "not comparable"
    elif c_lo > p_hi:
        direction = "higher level"
    elif c_hi < p_lo:
        direction = "lower level"
    elif p_lo == p_hi == c_lo == c_hi:
        direction = "same level"
    else:
        direction = "not comparable"
    return CategoryChange(category, title, pl, ps, cl, cs, direction)


def top_level_scores(catalogue: Any) -> dict[str, list[Any]]:
    """Per category, the scores no other score is built from (the totals a chart shows), in content order."""
    inner = {i for s in catalogue.scores for i in s.of}
    out: dict[str, list[Any]] = {}
    for s in catalogue.scores:
        if s.category and s.id not in inner:
            out.setdefault(s.category, []).append(s)
    return out


def since_last_visit(catalogue: Any, visits: Sequence[tuple[dt.datetime, Mapping[str, Any]]],
                     mode: str = "tech") -> SinceLastVisit | None:
    """The change table and trends for the last of `visits` (oldest first: (when, assessment dict)); None
    before the second visit."""
    if len(visits) < 2:
        return None
    (p_at, prev), (c_at, cur) = visits[-2], visits[-1]
    titles = {s.id: s.title.for_mode(mode) for s in catalogue.scores}
    cats = {s.id: s.category for s in catalogue.scores}
    p_scores, c_scores = prev.get("scores") or {}, cur.get("scores") or {}
    order = [s.id for s in catalogue.scores] + sorted((set(p_scores) | set(c_scores)) - set(titles))
    scores = tuple(score_change(sid, titles.get(sid, sid), cats.get(sid), Range.of(p_scores.get(sid)),
                                Range.of(c_scores.get(sid)))
                   for sid in order if sid in p_scores or sid in c_scores)
    p_cats, c_cats = prev.get("categories") or {}, cur.get("categories") or {}
    categories = tuple(category_change(c, p_cats.get(c), c_cats.get(c))
                       for c in CATEGORY_TITLES if c in p_cats or c in c_cats)
    trends = []
    for category, defs in top_level_scores(catalogue).items():
        series = tuple(Series(d.id, d.title.for_mode(mode), tuple(
            Point(local_day(at), *(lambda r: (r.low, r.high, r.value))(Range.of((a.get("scores") or {}).get(d.id))))
            for at, a in visits)) for d in defs)
        if any(p.low is not None for s in series for p in s.points):
            trends.append(Trend(category, CATEGORY_TITLES.get(category, category), series))
    return SinceLastVisit(local_day(p_at), local_day(c_at), scores, categories, tuple(trends), len(visits))


# --- Re-screen dates (product heuristic) ----------------------------------------------------------------------


def rescreen_due(assessment: Mapping[str, Any], on: dt.date, policy: Any) -> tuple[dt.date, str]:
    """When the dog should be screened again after a completed intake on `on`, and why: the soonest of the
    policy's intervals that apply (product heuristic, vettriage.config.RescreenPolicy)."""
    cats = assessment.get("categories") or {}
    level = {c: (v or {}).get("level", "none") for c, v in cats.items()}
    reasons: list[tuple[int, str]] = [(policy.routine_days, "routine senior re-check")]
    if assessment.get("urgency") in ("emergency", "soon"):
        reasons.append((policy.soon_days, f"urgency {assessment.get('urgency')}: re-check after the visit"))
    if level.get("pain") in ("possible", "likely"):
        reasons.append((policy.pain_days, f"pain {level['pain']}: re-score pain after a treatment trial"))
    if level.get("ccd") in ("possible", "likely"):
        reasons.append((policy.ccd_days, f"CCD {level['ccd']}: re-screen cognition (once pain is controlled)"))
    days, why = min(reasons, key=lambda r: r[0])
    return on + dt.timedelta(days=days), f"{why} (product heuristic: {days} days)"


def parse_within(text: str) -> int:
    """`14d`, `2w`, `14` -> days; ValueError otherwise."""
    t = text.strip().lower()
    mult = 7 if t.endswith("w") else 1
    t = t.rstrip("dw")
    days = int(t) * mult
    if days < 0 or days > 3650:
        raise ValueError("out of range")
    return days


def span_words(days: int) -> str:
    """A cut-off in words a clinic reads: `182 days (6 months)`, `30 days`, `730 days (2 years)`."""
    years = days / 365.25
    if years >= 1 and abs(years - round(years)) < 0.01:
        return f"{days} days ({round(years)} year{'s' if round(years) > 1 else ''})"
    if days >= 56:
        return f"{days} days ({round(days / 30.44)} months)"
    return f"{days} day{'s' if days != 1 else ''}"


def due_status(due: dt.date, today: dt.date) -> str:
    """`overdue by N days`, `due today` or `due in N days` (words, never colour alone)."""
    delta = (due - today).days
    if delta < 0:
        return f"overdue by {-delta} day{'s' if delta != -1 else ''}"
    if delta == 0:
        return "due today"
    return f"due in {delta} day{'s' if delta != 1 else ''}"


def values_by_date(visits: Iterable[tuple[dt.datetime, Mapping[str, Any]]], score_ids: Sequence[str]) -> list[
        tuple[dt.date, list[str]]]:
    """Rows of a table of score values by visit date (ranges where blanks leave the score open)."""
    return [(local_day(at), [Range.of((a.get("scores") or {}).get(s)).text() for s in score_ids]) for at, a in visits]


# --- Pre-fill from the last visit (history only) ------------------------------------------------------------


def prefill(catalogue: Any, answers: Mapping[str, Any], last: dt.date, today: dt.date) -> dict[str, Any]:
    """The last completed visit's answers to the items the content marks `history`, for the owner to confirm.
    Only history items: a sign or rating is never carried over (the loader refuses `history` on those). An
    `elapsed` answer is moved on by the time since (months since a blood test, age in years), within its range."""
    out: dict[str, Any] = {}
    days = max(0, (today - last).days)
    for item in catalogue.items.values():
        if not item.history or item.id not in answers:
            continue
        value = answers[item.id]
        if value in (None, "unknown"):
            continue  # "don't know" last time is asked again, not carried as an answer
        if item.history == "elapsed" and isinstance(value, (int, float)) and not isinstance(value, bool):
            step = days / 30.44 if item.type == "months" else days / 365.25
            value = round(min(float(item.max), value + step), 1) if item.max is not None else round(value + step, 1)
            value = int(value) if item.type == "months" else value
        out[item.id] = value
    # A diagnosis carried over is behind a screening question (gw_history): that question starts as yes, so that
    # a known illness is confirmed detail by detail and never dropped by a quick "no" (issue 27).
    from vettriage.engine.gateways import implied_gateways, not_seen

    seen = {k: v for k, v in out.items() if k in catalogue.gateway_of and v != not_seen(catalogue, k)}
    out.update(dict.fromkeys(implied_gateways(catalogue, seen), True))
    return out
