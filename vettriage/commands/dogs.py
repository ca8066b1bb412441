"""`vettriage dogs list|rename`: the dog records behind the intakes.

A name that several dogs share cannot pick a dog (`intakes add --dog NAME` refuses it and names the ids):
`dogs rename ID NAME` is how the clinic tells them apart. The database driver is imported only inside the
handlers, through vettriage.store.open_store.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from vettriage.errors import InputError

DB_HELP = "database: a file path or URL (default: $VETTRIAGE_DATABASE_URL, else the user's data directory)"


def register(sub: Any) -> None:
    """Add `dogs` and its sub-commands."""
    p = sub.add_parser("dogs", help="dog records: list, rename")
    dsub = p.add_subparsers(dest="dogs_command", metavar="ACTION", required=True)

    ls = dsub.add_parser("list", help="every dog, with its id and number of intakes")
    ls.add_argument("--name", help="part of the name, any case")
    ls.set_defaults(func=run_list)

    rn = dsub.add_parser("rename", help="give a dog (by id) a new name")
    rn.add_argument("id", type=int, help="the dog's id (see `vettriage dogs list`)")
    rn.add_argument("name", help="the new name")
    rn.set_defaults(func=run_rename)

    for parser in (ls, rn):
        parser.add_argument("--db", metavar="PATH|URL", help=DB_HELP)


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
