"""A command line builds only the page (options) of the sub-command it names; everything it prints must be what
the whole parser prints: every page's `--help`, the lists of commands, and the errors for an unknown command,
a missing one, or a bad option (the whole parser, `build_parser()`, is the reference)."""

from __future__ import annotations

import argparse
import contextlib
import io
from typing import Iterator

import pytest

from vettriage.cli import build_parser, main


def pages(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, page in action.choices.items():
                yield from pages(page, (*path, name))


WHOLE = dict(pages(build_parser()))


def _printed(argv: list[str], monkeypatch) -> tuple[int, str, str]:
    """What `vettriage ARGV` prints, as the program runs it (a parser built for these words)."""
    monkeypatch.setenv("COLUMNS", "100")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def _reference(argv: list[str], monkeypatch) -> tuple[int, str, str]:
    """The same words through the whole parser, every page built."""
    monkeypatch.setenv("COLUMNS", "100")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            build_parser().parse_args(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("path", sorted(WHOLE), ids=lambda p: " ".join(p) or "vettriage")
def test_every_page_help_is_the_whole_parsers(path, monkeypatch) -> None:
    got = _printed([*path, "--help"], monkeypatch)
    assert got == _reference([*path, "--help"], monkeypatch)
    assert got[0] == 0 and got[1].startswith("usage: vettriage")


def test_some_pages_are_left_unbuilt() -> None:
    """The saving is real: `intakes list` builds its own page and not its siblings'."""
    parser = build_parser(["intakes", "list"])
    top = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    intakes = next(a for a in top.choices["intakes"]._actions if isinstance(a, argparse._SubParsersAction))
    built = {name for name, page in intakes.choices.items() if isinstance(page, argparse.ArgumentParser)}
    assert built == {"list"} and set(intakes.choices) > {"list", "add", "show", "export", "import"}


@pytest.mark.parametrize("argv", [
    ["nope"], ["intakes"], ["intakes", "nope"], ["intakes", "list", "--nope"], ["intakes", "list", "--limit", "x"],
    ["dogs", "due", "--json", "extra"], ["dogs"], ["report", "--kind", "nope"], ["config", "nope"],
    ["intakes", "show"], ["fhir", "export", "--nope"], ["assess"], ["dogs", "lost"],
], ids=" ".join)
def test_errors_are_the_whole_parsers(argv, monkeypatch) -> None:
    got = _printed(argv, monkeypatch)
    assert got == _reference(argv, monkeypatch)
    assert got[0] == 2 and got[2].startswith("usage: vettriage")


def test_a_page_named_only_by_the_parse_is_built_then() -> None:
    """A parser built for other words still parses any command line (the page is built when chosen)."""
    args = build_parser([]).parse_args(["intakes", "list", "--limit", "5", "--db", "x.db"])
    assert (args.limit, args.db, args.func.__name__) == (5, "x.db", "run")


@pytest.mark.parametrize("path", [("intakes", "list"), ("dogs", "due"), ("report",)], ids=" ".join)
def test_a_page_built_when_chosen_helps_as_the_whole_parsers(path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        build_parser([]).parse_args([*path, "--help"])
    assert (0, out.getvalue(), "") == _reference([*path, "--help"], monkeypatch)
