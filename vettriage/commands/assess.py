"""`vettriage assess FILE [--json]`: the engine on an answers file. Never imports Textual."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from vettriage import DISCLAIMER
from vettriage.commands._packs import add_pack_arg


def register(sub: Any) -> None:
    """Add `assess`."""
    p = sub.add_parser("assess", help="assess an answers file (text, or JSON with --json)")
    p.add_argument("file", help="answers file (YAML: question id -> answer)")
    p.add_argument("--json", action="store_true", help="print the Assessment as JSON")
    p.add_argument("--content", help="content folder (default: the shipped questionnaires)")
    add_pack_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Assess and print."""
    from vettriage.commands._packs import load_content
    from vettriage.engine import assess, read_answers_file

    cat = load_content(args, args.content)
    answers = read_answers_file(cat, args.file)
    result = assess(cat, answers)
    if args.json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(format_text(result) + "\n")
    return 0


ACT_WORDS = {"now": "go in now", "today": "seen today"}
"""The two tiers of an emergency, as the terminal prints them."""


def format_text(a: Any) -> str:
    """A readable summary of an Assessment for the terminal."""
    act = getattr(a, "emergency_act", None)
    out = [f"Urgency: {a.urgency.upper()}" + (f" ({ACT_WORDS[act]})" if act else "")]
    if a.red_flags:
        out.append("EMERGENCY - contact your vet or the nearest emergency clinic now:" if act != "today" else
                   "SAME-DAY EMERGENCY - call your vet now; the dog needs to be seen today:")
        out += [f"  ! {h.title}" + (f" [{ACT_WORDS[h.act]}]" if h.act else "") for h in a.red_flags]
    out.append(red_flag_line(a))
    for name, label in (("pain", "Pain"), ("medical", "Medical illness"), ("ccd", "Cognitive decline (CCD)")):
        cat = a.categories[name]
        marker = " (primary)" if a.primary == name else ""
        out.append(f"{label}: {level_text(cat)}{marker}")
        if cat.positives:
            out.append("    seen: " + ", ".join(f"{x.item}={_v(x.value)}" for x in cat.positives))
        if cat.negatives:
            shown = cat.negatives[:8]
            more = f" (+{len(cat.negatives) - len(shown)} more)" if len(cat.negatives) > len(shown) else ""
            out.append("    ruled out by: " + ", ".join(f"{x.item}={_v(x.value)}" for x in shown) + more)
        if cat.deciding:
            shown = cat.deciding[:8]
            more = f" (+{len(cat.deciding) - len(shown)} more)" if len(cat.deciding) > len(shown) else ""
            out.append("    would be decided by: " + ", ".join(shown) + more)
        for sid in cat.scores:
            s = a.scores[sid]
            out.append(f"    {s.title}: {score_text(s)} ({s.answered}/{s.of} answered)")
        for ev in cat.evidence:
            why = [f"{x.item}={_v(x.value)}" for x in ev.answers] + [f"{x.score}={x.value:g}" for x in ev.scores]
            out.append(f"  - {ev.title} [{', '.join(why)}] (source: {ev.source})")
        for ev in cat.limited_by:
            out.append(f"  ~ limited: {ev.title}")
    if a.ketamine_cautions:
        out.append("Ketamine cautions: " + ", ".join(h.id for h in a.ketamine_cautions))
    if a.medication_flags:
        out.append("Medication safety:")
        out += [f"  - {h.title}" for h in a.medication_flags]
    if a.workup:
        out.append("Suggested work-up: " + ", ".join(a.workup))
    for n in a.notes:
        out.append(f"Note: {n.tech}")
    out.append(f"Answered {a.answered} of {a.total_items} questions asked ({a.unknown} don't know).")
    if a.dropped:
        out.append("Ignored (question not asked after earlier answers): " + ", ".join(a.dropped))
    out.append(f"Content {a.content_version} ({a.content_hash[:12]}). {DISCLAIMER}")
    return "\n".join(out)


def red_flag_line(a: Any) -> str:
    """Whether every emergency question was answered: "no red flag reported" is said only when they all were."""
    missing = len(a.red_flags_unanswered)
    if missing:
        return (f"Emergency questions: {missing} not answered - ask them now; this result cannot rule out "
                "an emergency.")
    return "Emergency questions: all answered" + ("." if a.red_flags else "; no red flag reported.")


def level_text(cat: Any) -> str:
    """A category's level in words; a "none" that the answers do not decide is never shown as "none"."""
    if cat.level != "none" or cat.status == "assessed":
        extra = f", could be {cat.could_reach}" if cat.could_reach != cat.level and cat.status == "assessed" else ""
        return f"{cat.level}{extra}"
    left = f"{cat.unanswered} of {cat.questions} questions unanswered"
    if cat.status == "incomplete":
        return f"could not be assessed: no finding so far, but {left} could still lead to one"
    return f"could not be assessed ({left})"


def score_text(s: Any) -> str:
    """A score's value, or the range it could still take."""
    if s.value is not None and (s.low is None or s.low == s.high):
        return f"{s.value:g}"
    if s.low is not None:
        known = f"{s.value:g} over the answers given, " if s.value is not None else ""
        return f"{known}between {s.low:g} and {s.high:g} once the rest are answered"
    return "insufficient data"


def _v(v: Any) -> str:
    if v is True:
        return "yes"
    if v is False:
        return "no"
    if isinstance(v, list):
        return "[" + ", ".join(map(str, v)) + "]"
    return str(v)
