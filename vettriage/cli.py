"""The `vettriage` command line: a thin dispatcher over the modules in `vettriage.commands`.

Each command module registers its own sub-commands and imports anything heavy inside its handler, so that
`vettriage assess` never pays for Textual, Jinja2, WeasyPrint or the database driver.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from vettriage.errors import InputError, InputErrors, StoreError

# One module per group of commands; each has `register(subparsers)` and may have `default_command(args)`.
COMMAND_MODULES = ["content", "assess", "web", "tui", "intakes", "dogs", "report", "fhir", "config"]
# The module behind each command, so that running one command imports and registers only its own module
# (`vettriage assess` is measured against a bare interpreter start). A test keeps this table complete.
COMMANDS = {
    "validate": "content", "answers-template": "content", "assess": "assess", "intakes": "intakes", "dogs": "dogs",
    "plan": "report", "report": "report", "handouts": "report", "desk": "tui", "intake": "tui", "config": "config",
    "invite": "web", "invites": "web", "serve": "web", "fhir": "fhir",
}


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser: every command's, or only the module of the command `argv` names."""
    parser = argparse.ArgumentParser(
        prog="vettriage",
        description="Pre-visit triage questionnaire for senior dogs. Decision support only: "
        "every dog must be examined by a vet.",
    )
    from vettriage import __version__

    parser.add_argument("--version", action="version", version=f"vettriage {__version__}",
                        help="print the program's version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    first = next((a for a in argv or () if not a.startswith("-")), None)
    for name in [COMMANDS[first]] if first in COMMANDS else COMMAND_MODULES:
        module = importlib.import_module(f"vettriage.commands.{name}")
        module.register(sub)
        # A module may offer what `vettriage` with no command runs (the terminal app's desk).
        if hasattr(module, "default_command"):
            parser.default_command = module.default_command  # type: ignore[attr-defined]
    describe_pages(sub)
    return parser


def describe_pages(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Give every command's own `--help` page a description: its one-line summary from the list of commands,
    unless the module wrote a longer one (a page with only a usage line tells a newcomer nothing)."""
    summaries = {a.dest: a.help for a in sub._choices_actions}
    for name, page in sub.choices.items():
        if not page.description and summaries.get(name):
            text = str(summaries[name])
            page.description = text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
        for action in page._actions:
            if isinstance(action, argparse._SubParsersAction):
                describe_pages(action)


def main(argv: list[str] | None = None) -> int:
    """Run one command; bad input prints one line naming the file and field and returns 2."""
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv = ["desk", *argv]  # `vettriage --db PATH` is the desk on that database, as `vettriage` alone is
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        default = getattr(parser, "default_command", None)
        if default is None:
            parser.print_help()
            return 0
        func = default
    try:
        if getattr(args, "db", False) is None:
            # `--db` absent: the configured database (file or environment), the same for every command
            from vettriage.config import load_config

            args.db = load_config().database_url
        return int(func(args) or 0)
    except (InputError, StoreError) as exc:
        for line in exc.lines() if isinstance(exc, InputErrors) else [str(exc)]:
            text = " ".join(line.split())
            print(f"vettriage: error: {text if len(text) <= 800 else text[:797] + '...'}", file=sys.stderr)
        return 2
    except OSError as exc:
        # A file the user named cannot be read or written (missing folder, permissions, full disk).
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"vettriage: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
