"""`vettriage dogs add|list|show|rename|due`: the dog records behind the intakes, and follow-up visits.

A name that several dogs share cannot pick a dog (`intakes add --dog NAME` refuses it and names the ids):
`dogs rename ID NAME` is how the clinic tells them apart. The database driver is imported only inside the
handlers, through vettriage.store.open_store.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from vettriage.commands._options import add_content_arg, add_db_arg
from vettriage.commands._packs import add_pack_arg
from vettriage.commands.intakes import _guarded
from vettriage.errors import InputError


def register(sub: Any) -> None:
    """Add `dogs` and its sub-commands."""
    p = sub.add_parser("dogs", help="dog records: add, list, show, rename, due")
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

    du = dsub.add_parser("due", help="dogs due or overdue for a re-screen")
    du.add_argument("--within", default="0d", help="also those due within this many days (14d, 2w; default 0d)")
    du.add_argument("--json", action="store_true", help="the dogs due as JSON")
    du.set_defaults(func=run_due)

    rn = dsub.add_parser("rename", help="give a dog (by id) a new name")
    rn.add_argument("id", type=int, help="the dog's id (see `vettriage dogs list`)")
    rn.add_argument("name", help="the new name")
    rn.set_defaults(func=run_rename)

    for parser in (ad, ls, sh, du, rn):
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


def run_due(args: argparse.Namespace) -> int:
    """Dogs whose re-screen date (set by their last completed intake) has passed or falls within --within."""
    from vettriage.followup import due_status, parse_within
    from vettriage.store import open_store

    try:
        days = parse_within(args.within)
    except ValueError:
        raise InputError("--within", None, f"{args.within!r}: give days like 14d or weeks like 2w") from None
    today = dt.date.today()
    store = open_store(args.db)
    try:
        due = store.dogs_due(today + dt.timedelta(days=days))
    finally:
        store.close()
    if args.json:
        from vettriage.localtime import iso

        print(json.dumps([{"dog": dog_json(d.dog), "intake_id": d.intake_id, "last_visit": iso(d.last_visit),
                           "due": d.due.isoformat(), "status": due_status(d.due, today), "reason": d.reason}
                          for d in due], indent=2, ensure_ascii=False))
        return 0
    out = [f"{'ID':>6}  {'NAME':20}  {'CHART':10}  {'DUE':10}  {'STATUS':20}  REASON"]
    for d in due:
        out.append(f"{d.dog.id:>6}  {d.dog.name[:20]:20}  {(d.dog.chart or '-')[:10]:10}  {d.due.isoformat():10}  "
                   f"{due_status(d.due, today):20}  {d.reason or ''}")
    if not due:
        out.append(f"(no dog is due for a re-screen by {today + dt.timedelta(days=days)})")
    sys.stdout.write("\n".join(out) + "\n")
    return 0
