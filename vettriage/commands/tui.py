"""`vettriage` (the desk) and `vettriage intake --dog NAME [--owner]`.

Textual, the store and the content are imported inside the handlers, never at the top of this module.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, NamedTuple


def register(sub: Any) -> None:
    """Add `desk` and `intake`; `vettriage` with no command opens the desk."""
    p = sub.add_parser("desk", help="open the desk: today's intakes, search, new intake (the default)")
    _common(p)
    p.set_defaults(func=run_desk)
    p = sub.add_parser("intake", help="start (or resume) one dog's intake straight away")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--dog", help="the dog's name (an existing dog of that name, else a new one); an intake in "
                     "progress for it is resumed")
    who.add_argument("--dog-id", type=int, metavar="ID", help="the dog's id (see `vettriage dogs list`): its "
                     "intake in progress, else a new one with its history pre-filled from its last visit")
    who.add_argument("--chart", help="the dog's chart number (see `vettriage dogs add --chart`), as --dog-id")
    p.add_argument("--owner", action="store_true",
                   help="owner mode: owner wording, locked to this one intake (no desk, no other records)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--plain", action="store_true", default=None,
                     help="a plain line-by-line dialogue on standard input and output, for screen readers, "
                          "braille displays and scripts (automatic when TERM=dumb or the input or output is not "
                          "a terminal)")
    how.add_argument("--no-plain", dest="plain", action="store_false",
                     help="the full-screen app even where the plain dialogue would be chosen (a headless run)")
    _common(p)
    p.set_defaults(func=run_intake)


def _common(p: argparse.ArgumentParser) -> None:
    from vettriage.commands._options import add_db_arg
    from vettriage.commands._packs import add_pack_arg

    add_db_arg(p)
    p.add_argument("--mode", choices=["owner", "tech"],
                   help="the questions' wording: owner or tech (default: the `default_mode` setting)")
    add_pack_arg(p)


def run_desk(args: argparse.Namespace) -> int:
    """Open the desk."""
    from vettriage.config import load_config

    config = load_config()
    return _run(config, store_url=getattr(args, "db", None), mode=getattr(args, "mode", None) or config.default_mode,
                packs=[*config.packs, *getattr(args, "pack", [])])


def run_intake(args: argparse.Namespace) -> int:
    """Start or resume the dog's intake: the dog by name, or by id or chart number (never mixed up with another
    dog of the same name)."""
    from vettriage.config import load_config

    name = " ".join((args.dog or "").split())
    if args.dog is not None and not name:
        from vettriage.errors import InputError

        raise InputError("command line", "--dog", "the dog's name is empty")
    ref = None if args.dog is not None else DogRef(args.dog_id, args.chart)
    config = load_config()
    mode = "owner" if args.owner else (args.mode or config.default_mode)
    if args.plain or (args.plain is None and wants_plain()):
        # the hints to go on later name the database only when it was typed (never a configured URL's password)
        typed_db = args.db if args.db and args.db != config.database_url else None
        return _run_plain(config, store_url=args.db, mode=mode, dog_name=name, packs=[*config.packs, *args.pack],
                          dog_ref=ref, typed_db=typed_db)
    return _run(config, store_url=args.db, mode=mode, dog_name=name or None, locked=args.owner,
                packs=[*config.packs, *args.pack], dog_ref=ref)


class DogRef(NamedTuple):
    """`--dog-id ID` or `--chart C`: one dog, whatever its name."""

    dog_id: int | None
    chart: str | None


def _intake_of(store: Any, catalogue: Any, ref: DogRef, mode: str) -> Any:
    """The dog's intake in progress, else a new one (history pre-filled from its last completed visit)."""
    from vettriage.commands.dogs import resolve_dog
    from vettriage.intake.starting import in_progress_of, start_intake

    dog = resolve_dog(store, ref.dog_id, ref.chart)
    return in_progress_of(store, dog.id) or start_intake(store, catalogue, dog.name, mode, dog_id=dog.id)


def wants_plain(env: Any = None, stdout: Any = None, stdin: Any = None) -> bool:
    """The plain dialogue is chosen for a terminal that cannot draw (TERM=dumb), for output that is not a
    terminal at all (a pipe, a file, a screen reader's capture): the full-screen app would be noise there, and
    for input that is not a terminal (`printf ... | vettriage intake`), which the full-screen app cannot read."""
    import os

    env = os.environ if env is None else env
    return env.get("TERM") == "dumb" or not _tty(sys.stdout if stdout is None else stdout) \
        or not _tty(sys.stdin if stdin is None else stdin)


def _tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _refuse_shared_name(store: Any, name: str) -> None:
    """Names alone never merge two dogs: `--dog NAME` that several dogs share must be told apart first."""
    named = store.dogs_named(name)
    if len(named) > 1:
        from vettriage.errors import InputError

        raise InputError("--dog", None, f"{len(named)} dogs are named {name!r} (ids "
                         f"{', '.join(str(d.id) for d in named)}): pick one on the desk, or rename all but one "
                         "with `vettriage dogs rename ID NEW-NAME`")


def _run_plain(config: Any, *, store_url: str | None, mode: str, dog_name: str, packs: list[str],
               dog_ref: DogRef | None = None, typed_db: str | None = None) -> int:
    """The intake as a plain dialogue on stdin/stdout: the same session as the app, and no Textual import."""
    from vettriage.store import open_store

    store = open_store(store_url or config.database_url or None)
    try:
        if dog_ref is None:
            _refuse_shared_name(store, dog_name)
        from vettriage.content import load_catalogue
        from vettriage.plain import PlainDialogue
        from vettriage.intake.starting import resume_or_start
        from vettriage.intake.session import IntakeSession

        catalogue = load_catalogue(packs=list(dict.fromkeys(packs)))
        if dog_ref is None:
            intake = resume_or_start(store, catalogue, dog_name, mode)
            again = ("--dog", dog_name)
        else:
            intake = _intake_of(store, catalogue, dog_ref, mode)
            again = ("--chart", dog_ref.chart) if dog_ref.chart is not None else ("--dog-id", str(intake.dog.id))
        session = IntakeSession(catalogue, store, intake, mode)
        dialogue = PlainDialogue(session, config, sys.stdin, sys.stdout, again=again, db=typed_db)
        return dialogue.run()
    finally:
        store.close()


def _run(config: Any, **kwargs: Any) -> int:
    """Open the store and load the content, then run the app: a database or content that cannot be opened is
    a one-line error before the screen is taken over.

    The collector is off until the first screen is painted (the app turns it back on): the imports allocate
    hundreds of thousands of long-lived objects and collecting them on the way saves nothing, at 60-120 ms.
    Opening the store in a thread while Textual is imported was measured too: slower on 2 cores (the two
    imports contend for the GIL), so it is not done (bench/tui.py)."""
    import gc

    gc.disable()
    from vettriage.store import open_store

    packs = list(dict.fromkeys(kwargs.pop("packs", None) or config.packs))
    dog_ref = kwargs.pop("dog_ref", None)
    store = open_store(kwargs.pop("store_url", None) or config.database_url or None)
    try:
        if kwargs.get("dog_name"):
            _refuse_shared_name(store, kwargs["dog_name"])
        from vettriage.content import load_catalogue

        catalogue = load_catalogue(packs=packs)
        if dog_ref is not None:  # the dog by id or chart: its intake is found (or started) before the app opens
            kwargs["intake_id"] = _intake_of(store, catalogue, dog_ref, kwargs["mode"]).id
        from vettriage.tui.app import make_app

        app = make_app(config=config, store=store, catalogue=catalogue, **kwargs)
        _launch(app)
    finally:
        gc.enable()
        store.close()
    if app.store_error is not None:  # the database went away while the app ran: one line, exit 2
        raise app.store_error
    if app.crash is not None:  # an unexpected error: one line naming the log, and a failing exit status
        print(app.crash, file=sys.stderr)
        return 1
    return 0


def _launch(app: Any) -> None:
    """Run the app in this terminal (bench/tui.py runs it headless instead)."""
    app.run()


def default_command(args: argparse.Namespace) -> int:
    """What `vettriage` alone runs: the desk (cli.build_parser picks this up)."""
    return run_desk(args)
