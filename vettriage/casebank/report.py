"""The bank's figures as text, as JSON, and as the block docs/VALIDATION.md records (and the guard reads)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from vettriage.casebank.check import Outcome
from vettriage.casebank.metrics import Measure, over_under_ratio

BEGIN = "<!-- validation-figures:begin"
END = "<!-- validation-figures:end -->"
# The guard's floor is the safe-advice row of the recorded block: "| safe advice (Gilbert 2020) | k/n | 97.6 | ..."
SAFE_ROW = re.compile(r"^\|\s*safe advice \(Gilbert 2020\)\s*\|\s*\d+\s*/\s*\d+\s*\|\s*([0-9.]+)\s*\|", re.M)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _row(m: Measure) -> tuple[str, str, str, str]:
    if m.n == 0:
        return m.label, "0/0", "-", "-"
    low, high = m.interval
    return m.label, f"{m.k}/{m.n}", f"{m.percent:.1f}", f"{_pct(low)}-{_pct(high)}"


def ratio_text(ms: list[Measure]) -> str:
    by = {m.key: m for m in ms}
    ratio = over_under_ratio(ms)
    shown = "no under-triage" if ratio is None else f"{ratio:.2f} : 1"
    return f"over-triage : under-triage = {by['over_triage'].k} : {by['under_triage'].k} ({shown})"


def guard_failures(outcomes: list[Outcome], ms: list[Measure], safe_floor: float | None = None) -> list[str]:
    """The measures the CI guard holds: every emergency sent to emergency, red-flag recall 100 %, and safe advice
    at or above the floor docs/VALIDATION.md records. Empty when the guard passes."""
    by = {m.key: m for m in ms}
    bad = [f"emergency case {o.case.id} ({o.case.title}) sent to {o.urgency}"
           for o in outcomes if o.case.gold == "emergency" and o.urgency != "emergency"]
    recall = by["red_flag_recall"]
    if recall.k < recall.n:
        missed = [f"{o.case.id}:{e.target}" for o in outcomes for e, ok, _ in o.met if e.kind == "red_flag" and not ok]
        bad.append(f"red-flag recall {recall.k}/{recall.n} below 100% (missed {', '.join(missed)})")
    safe = by["safe_advice"]
    if safe_floor is not None and safe.percent is not None and safe.percent < safe_floor:
        bad.append(f"safe advice {safe.percent:.1f}% below the {safe_floor:.1f}% recorded in docs/VALIDATION.md")
    return bad


def disagreement_rows(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """One row per case that missed an expectation: what vettriage did instead, and the known reason if any."""
    rows = []
    for o in outcomes:
        if o.agrees:
            continue
        rows.append({"case": o.case.id, "title": o.case.title, "style": o.case.style, "gold": o.case.gold,
                     "urgency": o.urgency, "misses": [why for _, why in o.misses],
                     "known_disagreement": o.case.known_disagreement})
    return rows


def text_report(outcomes: list[Outcome], ms: list[Measure], header: str) -> str:
    """The figures table, the ratio, the guard, and the per-case table of disagreements."""
    lines = [header, "", f"{'measure':42} {'k/n':>8} {'%':>6}  95% CI (Wilson)"]
    for label, kn, pct, ci in map(_row, ms):
        lines.append(f"{label:42} {kn:>8} {pct:>6}  {ci}")
    lines += ["", ratio_text(ms)]
    rows = disagreement_rows(outcomes)
    lines += ["", f"Disagreements: {len(rows)} of {len(outcomes)} cases"]
    if rows:
        lines.append(f"  {'case':6} {'style':9} {'gold':9} {'vettriage':9}  what differs")
    for r in rows:
        first, *more = r["misses"]
        lines.append(f"  {r['case']:6} {r['style']:9} {r['gold']:9} {r['urgency']:9}  {first}")
        lines += [f"  {'':6} {'':9} {'':9} {'':9}  {why}" for why in more]
        lines.append(f"  {'':6} {'':9} {'':9} {'':9}  ({r['title']})")
        if r["known_disagreement"]:
            lines.append(f"  {'':6} {'':9} {'':9} {'':9}  known: {r['known_disagreement']}")
    for o in stale_marks(outcomes):
        lines.append(f"  note: {o.case.id} is marked known_disagreement but now agrees: remove the mark "
                     f"({o.case.known_disagreement})")
    dropped = [o for o in outcomes if o.dropped]
    for o in dropped:
        lines.append(f"  note: {o.case.id} answers questions its other answers skip: {', '.join(o.dropped)}")
    return "\n".join(lines)


def stale_marks(outcomes: list[Outcome]) -> list[Outcome]:
    """Cases marked as a known disagreement that now meet every expectation (a content change fixed them)."""
    return [o for o in outcomes if o.case.known_disagreement and o.agrees]


def json_report(outcomes: list[Outcome], ms: list[Measure], meta: dict[str, Any]) -> dict[str, Any]:
    """The same as text_report, for machines."""
    return {**meta, "cases": len(outcomes), "measures": {m.key: m.as_dict() for m in ms},
            "over_under_ratio": over_under_ratio(ms), "disagreements": disagreement_rows(outcomes),
            "stale_known_disagreements": [o.case.id for o in stale_marks(outcomes)],
            "per_case": [{"case": o.case.id, "style": o.case.style, "gold": o.case.gold, "accept": list(o.case.accept),
                          "urgency": o.urgency, "levels": o.levels, "red_flags": list(o.red_flags),
                          "medication_flags": list(o.medication_flags),
                          "ketamine_cautions": list(o.ketamine_cautions), "options": list(o.options),
                          "agrees": o.agrees} for o in outcomes]}


def doc_block(outcomes: list[Outcome], ms: list[Measure], version: str, command: str) -> str:
    """The Markdown block docs/VALIDATION.md holds between its markers; the guard reads safe advice from it."""
    by_style = {s: sum(o.case.style == s for o in outcomes) for s in ("owner", "clinician")}
    emerg = sum(o.case.gold == "emergency" for o in outcomes)
    lines = [f"{BEGIN} (generated by `{command}`; paste or use --update-doc) -->",
             f"Content {version}; {len(outcomes)} cases ({by_style['owner']} told by owners, "
             f"{by_style['clinician']} clinician summaries; gold standard emergency in {emerg}).", "",
             "| measure | k / n | % | 95% CI (Wilson) |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(r) + " |" for r in map(_row, ms)]
    lines += ["", ratio_text(ms) + ".", END]
    return "\n".join(lines)


def recorded_safe_floor(doc_text: str) -> float | None:
    """The safe-advice figure recorded in the block of docs/VALIDATION.md, or None if there is no block."""
    start = doc_text.find(BEGIN)
    if start < 0:
        return None
    match = SAFE_ROW.search(doc_text, start, doc_text.find(END, start))
    return float(match.group(1)) if match else None


def replace_block(doc_text: str, block: str, path: str) -> str:
    """`doc_text` with its figures block replaced by `block`."""
    from vettriage.errors import InputError

    start, end = doc_text.find(BEGIN), doc_text.find(END)
    if start < 0 or end < start:
        raise InputError(path, None, f"no figures block to replace (a line starting {BEGIN!r} ... {END!r})")
    return doc_text[:start] + block + doc_text[end + len(END):]


def update_doc(path: Path, block: str) -> None:
    """Rewrite the block in the document at `path`, leaving the rest as it is."""
    text = path.read_text(encoding="utf-8")
    path.write_text(replace_block(text, block, str(path)), encoding="utf-8")
