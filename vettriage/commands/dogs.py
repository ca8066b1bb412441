"""`vettriage dogs add|list|show|rename|due|lost`: the dog records behind the intakes, and follow-up visits.

A name that several dogs share cannot pick a dog (`intakes add --dog NAME` refuses it and names the ids):
`dogs rename ID NAME` is how the clinic tells them apart. The database driver is imported only inside the
handlers, through vettriage.store.open_store.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from vettriage.commands._options import add_content_arg, add_db_arg
from vettriage.commands._packs import add_pack_arg
from vettriage.commands.intakes import _guarded
from vettriage.errors import InputError

TYPE_CHECKING = False  # typing costs ~2 ms at start-up: only the type checker reads these names
if TYPE_CHECKING:
    from typing import Any


def register(sub: Any) -> None:
    """Add `dogs` and its sub-commands."""
    p = sub.add_parser("dogs", help="dog records: add, list, show, rename, due, lost")
    dsub = p.add_subparsers(dest="dogs_command", metavar="ACTION", required=True)

    ad = dsub.add_parser("add", help="add a dog; prints its new id")
    ad.add_argument("--name", required=True, help="the dog's name")
    ad.add_argument("--owner", help="the owner's name")
    ad.add_argument("--phone", help="the owner's phone")
    ad.add_argument("--chart", help="the clinic's chart number (unique)")
    ad.add_argument("--breed", help="breed or size")
    ad.add_argument("--sex", help="the dog's sex (female or male)")
    ad.add_argument("--born", help="date of birth YYYY-MM-DD, or an age in years at this first visit (e.g. 11.5)")
    ad.add_argument("--json", action="store_true", help="the new record as JSON")
    ad.set_defaults(func=run_add)

    ls = dsub.add_parser("list", help="every dog, with its id and number of intakes")
    ls.add_argument("--name", help="part of the name, any case")
    ls.add_argument("--json", action="store_true", help="the records as JSON")
    ls.set_defaults(func=run_list)

    sh = dsub.add_parser("show", help="one dog: its visits by date and the change since the last visit")
    sh.add_argument("id", type=int, help="the dog's id (see `vettriage dogs list`)")
    sh.add_argument("--json", action="store_true", help="the dog and its visits as JSON")
    add_content_arg(sh)
    add_pack_arg(sh)
    sh.set_defaults(func=run_show)

    du = dsub.add_parser("due", help="dogs due or overdue for a re-screen", description=(
        "Dogs whose last visit's re-screen date has passed (or falls within --within), most overdue first. "
        "Dogs overdue by more than the cut-off (the `[rescreen] overdue_cutoff_days` setting, 182 days unless "
        "set) and dogs marked lost to follow-up (`dogs lost`) are counted on the last line, not listed, "
        "unless --all."))
    du.add_argument("--within", default="0d", help="also those due within this many days (14d, 2w; default 0d)")
    du.add_argument("--all", action="store_true",
                    help="also the dogs overdue past the cut-off and those marked lost to follow-up")
    du.add_argument("--limit", type=int, metavar="N", help=f"at most N dogs (default {DUE_PAGE}; with --json all; "
                    "0 for all)")
    du.add_argument("--json", action="store_true", help="the dogs due as JSON")
    du.set_defaults(func=run_due)

    lo = dsub.add_parser("lost", help="mark a dog lost to follow-up: it leaves the due list (audited)",
                         description="Mark a dog lost to follow-up (moved away, re-homed, seen elsewhere): the "
                         "re-screen its last visit set leaves the due list, counted there; its next visit "
                         "brings it back. Recorded on that visit with who, when and why, in the audit trail. "
                         "--undo takes the mark back.")
    lo.add_argument("id", type=int, help="the dog's id (see `vettriage dogs due` or `dogs list`)")
    lo.add_argument("--by", required=True, help="who marks it (recorded in the audit trail)")
    lo.add_argument("--reason", help="why (recorded in the audit trail), e.g. \"moved away\"")
    lo.add_argument("--undo", action="store_true", help="take the mark back: the dog is on the due list again")
    lo.set_defaults(func=run_lost)

    rn = dsub.add_parser("rename", help="give a dog (by id) a new name")
    rn.add_argument("id", type=int, help="the dog's id (see `vettriage dogs list`)")
    rn.add_argument("name", help="the new name")
    rn.set_defaults(func=run_rename)

    for parser in (ad, ls, sh, du, rn, lo):
        add_db_arg(parser)
        parser.set_defaults(func=_guarded(parser.get_default("func")))


def run_list(args: argparse.Namespace) -> int:
    """A table of dogs; names shared by several dogs are marked, since `--dog NAME` cannot pick one of them."""
    from vettriage.commands.intakes import report_damaged
    from vettriage.store import open_store

    store = open_store(args.db)
    damaged: list[Any] = []
    try:
        dogs = store.list_dogs(damaged)
    finally:
        store.close()
    report_damaged(damaged, "the list")
    if args.name:
        part = args.name.strip().casefold()
        dogs = [(d, n) for d, n in dogs if part in d.name.casefold()]
    if getattr(args, "json", False):
        print(json.dumps([dict(dog_json(d), intakes=n) for d, n in dogs], indent=2, ensure_ascii=False))
        return 0
    shared: dict[str, int] = {}
    for d, _ in dogs:
        shared[d.name.casefold()] = shared.get(d.name.casefold(), 0) + 1
    out = [f"{'ID':>6}  {'NAME':24}  {'BREED OR SIZE':20}  INTAKES"]
    for d, n in dogs:
        mark = "  (name shared: rename to tell apart)" if shared[d.name.casefold()] > 1 else ""
        out.append(f"{d.id:>6}  {d.name[:24]:24}  {(d.breed_or_size or '-')[:20]:20}  {n:>7}{mark}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def run_rename(args: argparse.Namespace) -> int:
    """Rename one dog; its intakes keep pointing at it."""
    from vettriage.store import open_store

    name = args.name.strip()
    if not name or len(name) > 200 or any(ord(ch) < 32 for ch in name):
        raise InputError("NAME", None, "give a name of 1 to 200 characters, without control characters")
    store = open_store(args.db)
    try:
        store.check_integrity()
        old = store.get_dog(args.id)
        dog = store.rename_dog(args.id, name)
        others = [d.id for d in store.dogs_named(name) if d.id != dog.id]
    finally:
        store.close()
    print(f"dog {dog.id}: {old.name} -> {dog.name}")
    if others:
        print(f"warning: dog(s) {', '.join(map(str, others))} have that name too: `--dog {name}` will not pick "
              "one of them", file=sys.stderr)
    return 0


def dog_json(dog: Any) -> dict[str, Any]:
    """A Dog as plain JSON values."""
    from dataclasses import asdict

    from vettriage.localtime import iso

    return {k: (iso(v) if isinstance(v, dt.datetime) else v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in asdict(dog).items()}


def _text(value: str | None, field: str, limit: int = 200) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > limit or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise InputError(field, None, f"give at most {limit} characters, without control characters")
    return value.strip()


def _born(text: str | None) -> dict[str, Any]:
    """`--born`: a date of birth, or an age in years at the first visit."""
    if not text or not text.strip():
        return {}
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        try:
            age = float(text)
        except ValueError:
            raise InputError("--born", None, f"{text!r} is neither a date YYYY-MM-DD nor an age in years") from None
        if not 0 <= age <= 30:
            raise InputError("--born", None, "an age in years from 0 to 30")
        return {"age_years": age}
    if day > dt.date.today():
        raise InputError("--born", None, f"{day} is in the future")
    return {"birth_date": day}


def run_add(args: argparse.Namespace) -> int:
    """Add a dog; print its id (alone, so scripts can read it), or the record as JSON."""
    from vettriage.store import open_store

    name = _text(args.name, "--name")
    if not name:
        raise InputError("--name", None, "give the dog's name")
    details = dict(owner_name=_text(args.owner, "--owner"), owner_phone=_text(args.phone, "--phone", 40),
                   chart=_text(args.chart, "--chart", 64), breed_or_size=_text(args.breed, "--breed"),
                   sex=_text(args.sex, "--sex", 40), **_born(args.born))
    store = open_store(args.db)
    try:
        store.check_integrity()
        dog = store.add_dog(name, **details)  # a chart number taken: StoreError naming the other dog
    finally:
        store.close()
    print(json.dumps(dog_json(dog), indent=2, ensure_ascii=False) if args.json else dog.id)
    return 0


def resolve_dog(store: Any, dog_id: int | None, chart: str | None) -> Any:
    """The dog named by `--dog-id` or `--chart`, or InputError naming the option."""
    from vettriage.store.api import NotFoundError

    try:
        return store.get_dog(dog_id) if dog_id is not None else store.dog_by_chart(chart or "")
    except NotFoundError as exc:
        raise InputError("--dog-id" if dog_id is not None else "--chart", None, str(exc)) from None


def run_show(args: argparse.Namespace) -> int:
    """The dog, its visits by date (scores as values or ranges) and the change since the last visit."""
    from vettriage.commands._packs import load_content
    from vettriage.followup import since_last_visit, top_level_scores, values_by_date
    from vettriage.store import open_store

    cat = load_content(args, args.content)
    store = open_store(args.db)
    try:
        dog = resolve_dog(store, args.id, None)
        visits = store.visits(dog.id)
    finally:
        store.close()
    pairs = [(v.at, v.assessment) for v in visits]
    since = since_last_visit(cat, pairs)
    score_ids = [s.id for defs in top_level_scores(cat).values() for s in defs]
    if args.json:
        from dataclasses import asdict

        from vettriage.localtime import iso, zone_name

        doc = {"dog": dog_json(dog), "visits": [
            {"intake_id": v.intake_id, "at": iso(v.at), "urgency": v.urgency,
             "rescreen_due": v.rescreen_due.isoformat() if v.rescreen_due else None,
             "scores": {s: (v.assessment.get("scores") or {}).get(s) for s in score_ids},
             "levels": {c: (x or {}).get("level") for c, x in (v.assessment.get("categories") or {}).items()}}
            for v in visits],
            "since_last_visit": json.loads(json.dumps(asdict(since), default=str)) if since else None,
            "time_zone": zone_name()}
        print(json.dumps(doc, indent=2, ensure_ascii=False))
        return 0
    out = [f"dog {dog.id}: {dog.name}" + (f" (chart {dog.chart})" if dog.chart else ""),
           "  " + ", ".join(f"{k}: {v}" for k, v in (("owner", dog.owner_name), ("phone", dog.owner_phone),
                                                      ("breed", dog.breed_or_size), ("sex", dog.sex),
                                                      ("born", dog.birth_date),
                                                      ("age now", dog.age_on(dt.date.today()))) if v),
           "", f"{len(visits)} completed visit(s)"]
    if visits:
        out.append(f"{'DATE':10}  {'INTAKE':>6}  {'URGENCY':9}  " + "  ".join(f"{s[:14]:>14}" for s in score_ids))
        for (day, cells), v in zip(values_by_date(pairs, score_ids), visits):
            out.append(f"{day.isoformat():10}  {v.intake_id:>6}  {(v.urgency or '-'):9}  "
                       + "  ".join(f"{c[:14]:>14}" for c in cells))
        last = visits[-1]
        if last.rescreen_due:
            from vettriage.followup import due_status

            out.append(f"re-screen: {last.rescreen_due} ({due_status(last.rescreen_due, dt.date.today())})")
    if since:
        out += ["", f"Since last visit ({since.previous_day} -> {since.current_day})",
                f"{'SCORE':44}  {'BEFORE':>16}  {'NOW':>16}  {'CHANGE':>12}  DIRECTION"]
        for c in since.scores:
            out.append(f"{c.title[:44]:44}  {c.previous.text():>16}  {c.current.text():>16}  {c.change_text():>12}  "
                       f"{c.direction}")
        for c in since.categories:
            out.append(f"{c.title[:44]:44}  {(c.previous_level or '-'):>16}  {(c.current_level or '-'):>16}  "
                       f"{'':>12}  {c.direction}")
        out.append(f"note: {since.note}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


DUE_PAGE = 100
"""Dogs `dogs due` prints unless told otherwise: a day's work, not the whole file."""


def run_due(args: argparse.Namespace) -> int:
    """Dogs whose re-screen date (set by their last completed intake) has passed or falls within --within:
    one page read in due order from the re-screen index, and the counts of the whole list and of what it
    leaves out."""
    from vettriage.config import load_config
    from vettriage.followup import due_status, parse_within, span_words
    from vettriage.store import open_store

    try:
        days = parse_within(args.within)
    except ValueError:
        raise InputError("--within", None, f"{args.within!r}: give days like 14d or weeks like 2w") from None
    if args.limit is not None and args.limit < 0:
        raise InputError("--limit", None, "give 0 (all) or a positive number")
    policy = load_config().rescreen
    today = dt.date.today()
    on = today + dt.timedelta(days=days)
    since = policy.overdue_since(today)
    limit = args.limit if args.limit is not None else (0 if args.json else DUE_PAGE)
    store = open_store(args.db)
    try:
        due = store.dogs_due(on, overdue_since=None if args.all else since, lost=args.all, limit=limit or None)
        counts = store.due_counts(on, since)
    finally:
        store.close()
    if args.json:
        from vettriage.localtime import iso

        print(json.dumps([{"dog": dog_json(d.dog), "intake_id": d.intake_id, "last_visit": iso(d.last_visit),
                           "due": d.due.isoformat(), "status": due_status(d.due, today), "reason": d.reason,
                           "lost": None if d.lost_at is None else {"at": iso(d.lost_at), "by": d.lost_by,
                                                                   "reason": d.lost_reason}}
                          for d in due], indent=2, ensure_ascii=False))
        return 0
    out = [f"{'ID':>6}  {'NAME':20}  {'CHART':10}  {'DUE':10}  {'STATUS':20}  REASON"]
    for d in due:
        lost = f"  [LOST TO FOLLOW-UP: {d.lost_by}, {d.lost_at:%Y-%m-%d}: {d.lost_reason}]" if d.lost_at else ""
        out.append(f"{d.dog.id:>6}  {d.dog.name[:20]:20}  {(d.dog.chart or '-')[:10]:10}  {d.due.isoformat():10}  "
                   f"{due_status(d.due, today):20}  {d.reason or ''}{lost}")
    listed = counts.due + (counts.overdue + counts.lost if args.all else 0)
    if not listed:
        out.append(f"(no dog is due for a re-screen by {on})")
    else:
        shown = f" ({len(due):,} shown: --limit 0 for all)" if len(due) < listed else ""
        out.append(f"{listed:,} due by {on}{shown}")
    left = [f"{counts.overdue:,} overdue by more than {span_words(policy.overdue_cutoff_days)}"] if counts.overdue \
        else []
    left += [f"{counts.lost:,} lost to follow-up"] if counts.lost else []
    if left:
        out.append(("including " if args.all else "not listed: ") + ", ".join(left)
                   + ("" if args.all else " (--all lists them)"))
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def run_lost(args: argparse.Namespace) -> int:
    """Mark a dog lost to follow-up, or take the mark back (--undo)."""
    from vettriage.store import open_store

    by = _text(args.by, "--by")
    if not by:
        raise InputError("--by", None, "give the name of who marks it")
    reason = _text(args.reason, "--reason", 400)
    store = open_store(args.db)
    try:
        store.check_integrity()
        dog = store.get_dog(args.id)
        intake_id = store.mark_lost(dog.id, by, reason, lost=not args.undo)
    finally:
        store.close()
    if args.undo:
        print(f"dog {dog.id} ({dog.name}): back on the due list (mark taken back by {by} on intake {intake_id})")
    else:
        print(f"dog {dog.id} ({dog.name}): lost to follow-up, marked by {by} on intake {intake_id}; it leaves the "
              f"due list (undo: vettriage dogs lost {dog.id} --undo --by NAME)")
    return 0
