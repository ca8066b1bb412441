"""`vettriage validate` and `vettriage answers-template`."""

from __future__ import annotations

import argparse
import json
from typing import Any

from vettriage.commands._options import add_content_arg, add_db_arg
from vettriage.commands._packs import add_pack_arg


def register(sub: Any) -> None:
    """Add the content commands."""
    p = sub.add_parser("validate", help="check the questionnaire content")
    p.add_argument("directory", nargs="?", metavar="DIR", help="the content folder to check (default: the shipped "
                   "questionnaires)")
    add_pack_arg(p)
    p.add_argument("--cases", action="append", default=[], metavar="DIR",
                   help="also run a clinical case bank (e.g. validation/cases; repeatable) and print its figures "
                   "with Wilson 95%% intervals and the cases where vettriage and the bank disagree")
    p.add_argument("--json", action="store_true", help="with --cases: the figures and disagreements as JSON")
    p.add_argument("--doc-block", action="store_true",
                   help="with --cases: print the figures block for docs/VALIDATION.md (to paste)")
    p.add_argument("--update-doc", metavar="FILE",
                   help="with --cases: rewrite the figures block in FILE (e.g. docs/VALIDATION.md) in place")
    p.set_defaults(func=run_validate)
    p = sub.add_parser("answers-template", help="print a blank answers file to fill in")
    p.add_argument("--mode", choices=["owner", "tech"], default="tech",
                   help="the questions' wording: owner or tech (default: tech)")
    add_content_arg(p)
    p.add_argument("--dog-id", type=int, metavar="ID", help="pre-fill the history answers (medicines, conditions, signalment) "
                   "from this dog's last completed visit, for the owner to confirm; never its signs or ratings")
    add_db_arg(p)
    add_pack_arg(p)
    p.set_defaults(func=run_template)


def run_validate(args: argparse.Namespace) -> int:
    """Load the content; InputError (file, id, line) propagates to the CLI."""
    from vettriage.commands._packs import load_content

    cat = load_content(args, args.directory)
    if args.cases:
        return run_cases(args, cat)
    for flag in ("json", "doc_block", "update_doc"):
        if getattr(args, flag):
            from vettriage.errors import InputError

            raise InputError("command line", "--" + flag.replace("_", "-"), "needs --cases DIR")
    n_items = len(cat.items)
    print(f"ok: {cat.title} {cat.version} ({cat.hash[:12]}): {len(cat.sections)} sections, {n_items} items, "
          f"{len(cat.scores)} scores, {len(cat.rules)} rules, {len(cat.options)} care options, "
          f"{len(cat.references)} references")
    for pack in cat.packs:
        print(f"pack {pack.id} {pack.version} ({pack.hash[:12]}): {pack.title}: {len(pack.sections)} sections, "
              f"{len(pack.scores)} scores, {len(pack.rules)} rules. Licence: {pack.licence}")
    return 0


def run_cases(args: argparse.Namespace, cat: Any) -> int:
    """Run the case banks: the figures, the disagreements; exit 1 when an emergency case is not sent to
    emergency or an expected red flag is missed (the guard's absolute measures), else 0."""
    import sys
    from pathlib import Path

    from vettriage.casebank.cases import load_bank
    from vettriage.casebank.check import run_case
    from vettriage.casebank.metrics import measures
    from vettriage.casebank.report import doc_block, guard_failures, json_report, text_report, update_doc

    bank = load_bank(args.cases, cat)
    outcomes = [run_case(cat, c) for c in bank]
    ms = measures(outcomes)
    where = ", ".join(args.cases)
    command = "vettriage validate --cases " + " --cases ".join(args.cases)
    if args.doc_block or args.update_doc:
        block = doc_block(outcomes, ms, cat.version, command + " --doc-block")
        if args.update_doc:
            update_doc(Path(args.update_doc), block)
            print(f"updated the figures in {args.update_doc}")
        else:
            print(block)
    elif args.json:
        meta = {"content_version": cat.version, "content_hash": cat.hash, "banks": args.cases}
        sys.stdout.write(json.dumps(json_report(outcomes, ms, meta), indent=2) + "\n")
    else:
        print(text_report(outcomes, ms, f"vettriage validation: {len(bank)} cases from {where}; content "
                                        f"{cat.version} ({cat.hash[:12]}). Invented cases, one writer: see "
                                        "docs/VALIDATION.md for what they cannot show."))
    failures = guard_failures(outcomes, ms)
    for line in failures:
        print(f"guard: {line}", file=sys.stderr)
    return 1 if failures else 0


def run_template(args: argparse.Namespace) -> int:
    """Print `item_id: null` for every item, with its question, type and allowed values as comments."""
    from vettriage.commands._packs import load_content

    cat = load_content(args, args.content)
    if args.dog_id is None:
        print(template_text(cat, args.mode))
        return 0
    import datetime as dt

    from vettriage.commands.dogs import resolve_dog
    from vettriage.commands.intakes import _guarded
    from vettriage.followup import prefill

    def last_visit(a: argparse.Namespace) -> Any:
        from vettriage.store import open_store

        store = open_store(a.db)
        try:
            dog = resolve_dog(store, a.dog_id, None)
            visits = store.visits(dog.id, limit=1)
            return dog, (store.get_intake(visits[-1].intake_id) if visits else None)
        finally:
            store.close()

    dog, last = _guarded(last_visit)(args)
    if last is None:
        print(template_text(cat, args.mode, note=f"Dog {dog.id} ({dog.name}) has no completed visit yet: "
                                                  "nothing to pre-fill."))
        return 0
    from vettriage.localtime import local_day

    day = local_day(last.created_at)
    values = prefill(cat, last.answers, day, dt.date.today())
    print(template_text(cat, args.mode, values, note=(
        f"Dog {dog.id} ({dog.name}): history answers are pre-filled from the visit of {day} (intake {last.id}). "
        "Confirm each with the owner (still on it?) and change what is no longer true. Signs and ratings are "
        "never pre-filled.")))
    return 0


def template_text(cat: Any, mode: str, values: dict[str, Any] | None = None, note: str | None = None) -> str:
    """The answers form for `mode`: blank, or with `values` (history from the last visit) filled in. Each
    screening question (gateway) comes with the questions it opens indented under it, so that a technician on
    the phone can skip a block the owner answers no to."""
    from vettriage.content.gateways import split_condition
    values = values or {}
    lines = [f"# vettriage answers form - {cat.title} {cat.version} ({mode} wording)",
             "# Fill in each answer after the colon. Leave null for not answered; write unknown for don't know.",
             "# Never a diagnosis: the dog must be examined by a vet."]
    if note:
        lines.append("# " + note)
    pack_of = cat.pack_of
    for section in cat.sections:
        lines += ["", f"# === {section.title.for_mode(mode)} ==="]
        if section.id in pack_of:
            pack = pack_of[section.id]
            lines.append(f"# From content pack {pack.id} {pack.version}. Licence: {' '.join(pack.licence.split())}")
        if section.recall_window:
            lines.append(f"# Think about {section.recall_window}.")
        for item in section.items:
            gates, own = split_condition(cat.screening_ids, item.enable_when)
            # a block's details are indented under its gateway (comments only: the file stays a flat mapping)
            bar = "#" + "   |" * len(gates) + " "
            gateway = cat.gateway_by_id.get(item.id)
            checklist = cat.checklist_by_id.get(item.id)
            area = next(((c, a) for c in cat.checklists for a in c.areas if item.id in a.details), None)
            if checklist is not None:
                lines.append(f"{bar}[screening checklist] {item.text.for_mode(mode)}")
                lines.append(f"{bar}  a list of the areas seen: " + ", ".join(
                    f"{a.value} ({a.label.for_mode(mode)})" for a in checklist.areas) + "; or [none]; unknown "
                    "allowed. An area not listed skips its questions below (they count as not seen). Or leave it "
                    f"null and ask the yes/no screening question {checklist.replaces} instead.")
            elif gateway is not None:
                if gates and gates[0] in cat.checklist_by_id:
                    lines.append(f"{bar}[screening, only when {gates[0]} is null] {item.text.for_mode(mode)}")
                else:
                    lines.append(f"{bar}[screening] {item.text.for_mode(mode)}")
                n = sum(1 for d in cat.gateway_leaves(item.id) if d not in cat.gateway_by_id)
                lines.append(f"{bar}  yes or no; unknown allowed. No: skip the {n} questions indented below (they "
                             "count as not seen). Yes, unknown or null: ask them.")
            elif area is not None:
                lines.append(f"{bar}{item.text.for_mode(mode)}")
                lines.append(f"{bar}  [{area[1].value} in {area[0].id}] type: {item.type}; {_allowed(cat, item, mode)}"
                             + ("; unknown allowed" if item.allow_unknown else ""))
            else:
                lines.append(f"{bar}{item.text.for_mode(mode)}")
                lines.append(f"{bar}  type: {item.type}; {_allowed(cat, item, mode)}"
                             + ("; unknown allowed" if item.allow_unknown else "")
                             + ("; required" if item.required else ""))
            follow = next((f for f in cat.follow_ups if f.item == item.id), None)
            if follow is not None:
                checked = [next((c.id for c in cat.checklists if c.replaces == g), None) for g in follow.after]
                lines.append(f"{bar}  asked unless {', '.join(follow.after)} are all answered no"
                             + (f" (or {', '.join(c for c in checked if c)} answered none)" if any(checked) else ""))
                own = None  # its own condition is the gateways'
            if own is not None:
                lines.append(f"{bar}  asked only when: " + json.dumps(own.model_dump(by_alias=True, exclude_none=True)))
            if item.id in values:
                lines.append(f"{bar}  from the last visit: confirm with the owner")
                lines.append(f"{item.id}: {json.dumps(values[item.id], ensure_ascii=False)}")
            else:
                lines.append(f"{item.id}: null")
    return "\n".join(lines)


def _allowed(cat: Any, item: Any, mode: str) -> str:
    if item.type == "scale":
        return "one of " + ", ".join(f"{p.value} = {p.label.for_mode(mode)}" for p in cat.scales[item.scale].points)
    if item.type == "yesno":
        return "yes or no"
    if item.type == "choice":
        return "one of " + ", ".join(f"{o.value} ({o.label.for_mode(mode)})" for o in item.options)
    if item.type == "multi":
        return "a list of " + ", ".join(f"{o.value} ({o.label.for_mode(mode)})" for o in item.options)
    if item.type in ("number", "months"):
        return f"a number from {item.min:g} to {item.max:g}" + (f" {item.unit}" if item.unit else "")
    if item.type == "date":
        return "a date, YYYY-MM-DD"
    return "free text in quotes"
