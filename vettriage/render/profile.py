"""The profile chart on the vet's page 1: the pain, movement and comfort scores and the six DISHAA-style domain
sums as horizontal bars, each as a share of its maximum, with how many of its questions were answered, and the
previous visit's value beside it when there is one. SVG drawn here (server-side), so HTML and PDF show the same
picture; every text in it is escaped here and the template marks the finished SVG safe.

Readable in greyscale: this visit is a solid dark bar, the part a range leaves open is hatched, the previous
visit is an outlined bar below it, and every value is also written out as a number.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Mapping

from markupsafe import Markup, escape

PROFILE = (
    ("pain_signs", "Pain signs (all)"), ("pain_movement", "Movement"), ("pain_comfort", "Comfort / behaviour"),
    ("cog_disorientation", "D disorientation"), ("cog_interactions", "I interactions"),
    ("cog_sleep", "S sleep-wake"), ("cog_house", "H house / learning"), ("cog_activity", "A activity"),
    ("cog_anxiety", "A anxiety"),
)
"""The scores drawn, in order, with the short names the chart prints (presentation only; the scores are content)."""
WIDTH, ROW, LABEL_W, BAR_W = 330, 17, 96, 140


@cache
def score_max(catalogue: Any, score_id: str) -> float | None:
    """The highest value a sum score can take: the top of each input's scale, summed (None for other methods)."""
    from vettriage.render.context import _score_items

    score = catalogue.score_by_id.get(score_id)
    if score is None or score.method != "sum":
        return None
    total = 0.0
    for i in _score_items(catalogue, score_id):
        item = catalogue.items.get(i)
        if item is None or item.scale not in catalogue.scales:
            return None
        total += max(catalogue.scales[item.scale].values)
    return total or None


def _bounds(sc: Any) -> tuple[float | None, float | None]:
    get = (lambda k: sc.get(k)) if isinstance(sc, Mapping) else (lambda k: getattr(sc, k, None))
    low, high, value = get("low"), get("high"), get("value")
    if low is None and high is None and value is not None and get("answered") == get("of"):
        low = high = value
    return low, high


def _text(low: float | None, high: float | None, top: float) -> str:
    if low is None or high is None:
        return "not scored"
    if low == high:
        return f"{low:g}/{top:g}"
    return f"{low:g}-{high:g}/{top:g}"


def profile_rows(catalogue: Any, scores: Mapping[str, Any], previous: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """One row per profile score present: its bounds now, its maximum, answered of asked, and last time's bounds."""
    rows = []
    for sid, name in PROFILE:
        sc = scores.get(sid)
        top = score_max(catalogue, sid)
        if sc is None or top is None:
            continue
        low, high = _bounds(sc)
        prev = previous.get(sid) if previous else None
        plow, phigh = _bounds(prev) if prev else (None, None)
        rows.append({"id": sid, "name": name, "low": low, "high": high, "top": top,
                     "answered": getattr(sc, "answered", 0), "of": getattr(sc, "of", 0),
                     "text": _text(low, high, top), "prev": prev is not None, "plow": plow, "phigh": phigh,
                     "ptext": _text(plow, phigh, top) if prev is not None else None})
    return rows


def profile_svg(rows: list[dict[str, Any]], previous_day: str | None = None) -> Markup:
    """The chart. Rows as profile_rows gives them."""
    has_prev = any(r["prev"] for r in rows)
    row_h = ROW + (7 if has_prev else 0)
    legend = 24 if has_prev else 14
    height = legend + row_h * len(rows) + 4
    x0 = LABEL_W
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="profile" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="Score profile: pain and cognitive domains">',
           "<title>Score profile: each score as a share of its maximum, with answered questions</title>",
           '<defs><pattern id="open" width="4" height="4" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect width="4" height="4" fill="#fff"/>'
           '<line x1="0" y1="0" x2="0" y2="4" stroke="#555" stroke-width="1.6"/></pattern></defs>']
    # legend: this visit, the range blanks leave open, the previous visit; then what the numbers say
    out.append(f'<rect x="{x0}" y="2" width="10" height="7" fill="#333"/>'
               f'<text x="{x0 + 13}" y="9" font-size="7.5">now</text>'
               f'<rect x="{x0 + 36}" y="2" width="10" height="7" fill="url(#open)" stroke="#555" stroke-width="0.5"/>'
               f'<text x="{x0 + 49}" y="9" font-size="7.5">range left open by blanks</text>')
    if has_prev:
        label = f"last visit ({previous_day})" if previous_day else "last visit"
        out.append(f'<rect x="{x0}" y="13" width="10" height="5" fill="#fff" stroke="#000" stroke-width="0.8"/>'
                   f'<text x="{x0 + 13}" y="19" font-size="7.5">{escape(label)}</text>')
    out.append(f'<text x="{WIDTH - 2}" y="{19 if has_prev else 9}" font-size="7" text-anchor="end">'
               'value / max · answered</text>')
    for n, r in enumerate(rows):
        y = legend + n * row_h
        top = r["top"]
        out.append(f'<text x="0" y="{y + 10}" font-size="8">{escape(r["name"])}</text>')
        out.append(f'<rect x="{x0}" y="{y + 2}" width="{BAR_W}" height="10" fill="none" stroke="#bbb" '
                   'stroke-width="0.5"/>')
        if r["low"] is not None and r["high"] is not None:
            lw = BAR_W * r["low"] / top
            hw = BAR_W * r["high"] / top
            if hw > lw:
                out.append(f'<rect x="{x0 + lw:.1f}" y="{y + 2}" width="{hw - lw:.1f}" height="10" fill="url(#open)" '
                           'stroke="#555" stroke-width="0.5"/>')
            if lw > 0:
                out.append(f'<rect x="{x0}" y="{y + 2}" width="{lw:.1f}" height="10" fill="#333"/>')
        if r["prev"] and r["plow"] is not None:
            pw = BAR_W * (r["phigh"] if r["phigh"] is not None else r["plow"]) / top
            out.append(f'<rect x="{x0}" y="{y + 13.5}" width="{max(pw, 0.8):.1f}" height="5" fill="#fff" '
                       'stroke="#000" stroke-width="0.8"/>')
        text = f'{r["text"]} · {r["answered"]}/{r["of"]}'
        out.append(f'<text x="{x0 + BAR_W + 4}" y="{y + 10}" font-size="8">{escape(text)}</text>')
        if r["prev"]:
            out.append(f'<text x="{x0 + BAR_W + 4}" y="{y + 19}" font-size="7" fill="#333">'
                       f'{escape("before " + (r["ptext"] or "-"))}</text>')
    out.append("</svg>")
    return Markup("".join(out))
