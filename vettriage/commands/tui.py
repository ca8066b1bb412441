"""`vettriage` (the desk) and `vettriage intake --dog NAME [--owner]`.

Textual, the store and the content are imported inside the handlers, never at the top of this module.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    """Add `desk` and `intake`; `vettriage` with no command opens the desk."""
    p = sub.add_parser("desk", help="open the desk: today's intakes, search, new intake (the default)")
    _common(p)
    p.set_defaults(func=run_desk)
    p = sub.add_parser("intake", help="start (or resume) one dog's intake straight away")
    p.add_argument("--dog", required=True, help="the dog's name; an intake in progress for it is resumed")
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
    p.add_argument("--db", help="database URL or SQLite file (default: from the config)")
    p.add_argument("--mode", choices=["owner", "tech"], help="wording (default: from the config)")
    from vettriage.commands._packs import add_pack_arg

    add_pack_arg(p)


def run_desk(args: argparse.Namespace) -> int:
    """Open the desk."""
    from vettriage.config import load_config

    config = load_config()
    return _run(config, store_url=getattr(args, "db", None), mode=getattr(args, "mode", None) or config.default_mode,
                packs=[*config.packs, *getattr(args, "pack", [])])


def run_intake(args: argparse.Namespace) -> int:
    """Start or resume the dog's intake."""
    from vettriage.config import load_config

    name = " ".join(args.dog.split())
    if not name:
        from vettriage.errors import InputError

        raise InputError("command line", "--dog", "the dog's name is empty")
    config = load_config()
    mode = "owner" if args.owner else (args.mode or config.default_mode)
    if args.plain or (args.plain is None and wants_plain()):
        return _run_plain(config, store_url=args.db, mode=mode, dog_name=name, packs=[*config.packs, *args.pack])
    return _run(config, store_url=args.db, mode=mode, dog_name=name, locked=args.owner,
                packs=[*config.packs, *args.pack])


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


def _run_plain(config: Any, *, store_url: str | None, mode: str, dog_name: str, packs: list[str]) -> int:
    """The intake as a plain dialogue on stdin/stdout: the same session as the app, and no Textual import."""
    from vettriage.store import open_store

    store = open_store(store_url or config.database_url or None)
    try:
        _refuse_shared_name(store, dog_name)
        from vettriage.content import load_catalogue
        from vettriage.plain import PlainDialogue
        from vettriage.intake.starting import resume_or_start
        from vettriage.intake.session import IntakeSession

        catalogue = load_catalogue(packs=list(dict.fromkeys(packs)))
        intake = resume_or_start(store, catalogue, dog_name, mode)
        session = IntakeSession(catalogue, store, intake, mode)
        return PlainDialogue(session, config, sys.stdin, sys.stdout).run()
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
    store = open_store(kwargs.pop("store_url", None) or config.database_url or None)
    try:
        if kwargs.get("dog_name"):
            _refuse_shared_name(store, kwargs["dog_name"])
        from vettriage.content import load_catalogue

        catalogue = load_catalogue(packs=packs)
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
