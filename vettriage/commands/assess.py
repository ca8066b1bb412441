"""`vettriage assess FILE [--json]`: the engine on an answers file. Never imports Textual."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from vettriage import DISCLAIMER
from vettriage.commands._options import add_content_arg
from vettriage.commands._packs import add_pack_arg
from vettriage.intake.words import level_text, red_flag_line, score_text


def register(sub: Any) -> None:
    """Add `assess`."""
    p = sub.add_parser("assess", help="assess an answers file (text, or JSON with --json)")
    p.add_argument("file", help="answers file (YAML: question id -> answer)")
    p.add_argument("--json", action="store_true", help="print the Assessment as JSON")
    add_content_arg(p)
    add_pack_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Assess and print. The whole command is bounded work (one content load, one answers file of at most
    4 MB), so the collector is off throughout, and holds nothing to release at exit, where the interpreter's
    collections are skipped (vettriage.gcpause)."""
    from vettriage.gcpause import collector_off, no_collection_at_exit

    no_collection_at_exit()
    with collector_off():
        from vettriage.commands._packs import load_content
        from vettriage.engine import assess, read_answers_file

        cat = load_content(args, args.content)
        answers = read_answers_file(cat, args.file)
        result = assess(cat, answers)
        text = result.model_dump_json(indent=2) if args.json else format_text(result, cat)
    sys.stdout.write(text + "\n")
    return 0


ACT_WORDS = {"now": "go in now", "today": "seen today"}
"""The two tiers of an emergency, as the terminal prints them."""


def format_text(a: Any, catalogue: Any = None) -> str:
    """A readable summary of an Assessment for the terminal; with the catalogue, each answer's id is followed by
    its question (technician wording), so the reader need not know the ids."""
    def asked(item_id: str, value: Any = None, with_value: bool = True) -> str:
        shown = f"{item_id}={_v(value)}" if with_value else item_id
        item = catalogue.items.get(item_id) if catalogue is not None else None
        if item is None:
            return shown
        text = " ".join(item.text.tech.split())
        return f"{shown} ({text if len(text) <= 70 else text[:67] + '...'})"

    def listed(head: str, entries: list[str], total: int) -> list[str]:
        if catalogue is None:
            more = f" (+{total - len(entries)} more)" if total > len(entries) else ""
            return [f"    {head}: " + ", ".join(entries) + more]
        more = [f"      (+{total - len(entries)} more)"] if total > len(entries) else []
        return [f"    {head}:"] + [f"      {e}" for e in entries] + more

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
        severity = f" (signs graded {cat.severity})" if getattr(cat, "severity", None) else ""
        out.append(f"{label}: {level_text(cat)}{severity}{marker}")
        if getattr(cat, "set_aside", None):
            out.append("    set aside, explained by another finding (re-screen once treated): "
                       + ", ".join(cat.set_aside))
        if cat.positives:
            out += listed("seen", [asked(x.item, x.value) for x in cat.positives], len(cat.positives))
        if cat.negatives:
            out += listed("ruled out by", [asked(x.item, x.value) for x in cat.negatives[:8]], len(cat.negatives))
        if cat.deciding:
            out += listed("would be decided by", [asked(i, with_value=False) for i in cat.deciding[:8]],
                          len(cat.deciding))
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


def _v(v: Any) -> str:
    if v is True:
        return "yes"
    if v is False:
        return "no"
    if isinstance(v, list):
        return "[" + ", ".join(map(str, v)) + "]"
    return str(v)
