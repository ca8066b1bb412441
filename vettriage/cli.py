"""The `vettriage` command line: a thin dispatcher over the modules in `vettriage.commands`.

Each command module registers its own sub-commands and imports anything heavy inside its handler, so that
`vettriage assess` never pays for Textual, Jinja2, WeasyPrint or the database driver.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from vettriage.errors import InputError, InputErrors, StoreError
from vettriage.gcpause import collector_off

TYPE_CHECKING = False  # typing costs ~2 ms at start-up: only the type checker reads these names
if TYPE_CHECKING:
    from typing import Any

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
    """The argument parser: every command's, or only the module of the command `argv` names. With `argv`, a
    sub-command's own page (its options) is built only when `argv` names it (see _LaterParsers); without,
    every page is built (the tests walk them all)."""
    parser = argparse.ArgumentParser(
        prog="vettriage",
        description="Pre-visit triage questionnaire for senior dogs. Decision support only: "
        "every dog must be examined by a vet.",
    )
    from vettriage import __version__

    parser.add_argument("--version", action="version", version=f"vettriage {__version__}",
                        help="print the program's version and exit")
    if argv is not None:
        parser.register("action", "parsers", _later_parsers(frozenset(argv)))
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
    for name, page in sub.choices.items():
        if not isinstance(page, _Later):  # a page built later is described then
            describe_page(sub, name, page)


def describe_page(sub: argparse._SubParsersAction, name: str, page: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    summary = next((a.help for a in sub._choices_actions if a.dest == name), None)
    if not page.description and summary:
        text = str(summary)
        page.description = text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
    for action in page._actions:
        if isinstance(action, argparse._SubParsersAction):
            describe_pages(action)


class _Later:
    """A sub-command's page not built yet: the calls that set it up (add_argument, set_defaults, groups, its own
    sub-commands) are kept, each result standing in for what the call will return, and replayed on the real
    parser if it is ever needed. Building every page costs ~0.1 ms an option (argparse makes a help formatter
    for each), and `vettriage intakes list` needs one page of the dozens the modules define."""

    def __init__(self, kwargs: dict[str, Any] | None = None) -> None:
        object.__setattr__(self, "_kwargs", kwargs)
        object.__setattr__(self, "_calls", [])

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> _Later:
            result = _Later()
            self._calls.append((name, args, kwargs, result))
            return result

        return call

    def __setattr__(self, name: str, value: Any) -> None:
        self._calls.append(("__setattr__", (name, value), {}, None))

    def replay(self, target: Any) -> Any:
        for name, args, kwargs, result in self._calls:
            if name == "__setattr__":
                setattr(target, *args)
            else:
                made = getattr(target, name)(*args, **kwargs)
                if result is not None:
                    result.replay(made)
        return target


def _later_parsers(wanted: frozenset[str]) -> type:
    """The sub-commands action of a parser built for one command line: a sub-command whose name (or alias) is not
    a word of `wanted` gets a _Later page. Its line in the list of commands, its place among the choices (so an
    unknown command's error lists it) and everything `--help` shows of the parent are made as argparse makes
    them; only its own page waits."""

    class LaterParsers(argparse._SubParsersAction):  # type: ignore[type-arg]
        def add_parser(self, name: str, **kwargs: Any) -> Any:
            if name in wanted or wanted.intersection(kwargs.get("aliases", ())):
                page = super().add_parser(name, **kwargs)
                page.register("action", "parsers", LaterParsers)
                return page
            if kwargs.get("prog") is None:
                kwargs["prog"] = f"{self._prog_prefix} {name}"
            aliases = kwargs.pop("aliases", ())
            for each in (name, *aliases):
                if each in self._name_parser_map:
                    raise argparse.ArgumentError(self, f"conflicting subparser: {each}")
            if "help" in kwargs:
                self._choices_actions.append(self._ChoicesPseudoAction(name, aliases, kwargs.pop("help")))
            later = _Later(kwargs)
            for each in (name, *aliases):
                self._name_parser_map[each] = later
            return later

        def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
            page = self._name_parser_map.get(values[0])
            if isinstance(page, _Later):  # named in a way the words did not show: build it now
                real = page.replay(self._parser_class(**page._kwargs))
                real.register("action", "parsers", LaterParsers)
                for each, value in list(self._name_parser_map.items()):
                    if value is page:
                        self._name_parser_map[each] = real
                describe_page(self, values[0], real)
            super().__call__(parser, namespace, values, option_string)

    return LaterParsers


def main(argv: list[str] | None = None) -> int:
    """Run one command; bad input prints one line naming the file and field and returns 2."""
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv = ["desk", *argv]  # `vettriage --db PATH` is the desk on that database, as `vettriage` alone is
    with collector_off():  # bounded: one command's module imported and its page parsed (vettriage.gcpause)
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
