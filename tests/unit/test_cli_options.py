"""One name per option across the command line: every page and option described, `--db` everywhere a database
is opened, `-o PATH` wherever a command writes, `--version`, `config show`."""

from __future__ import annotations

import argparse
from typing import Iterator

import pytest

from vettriage.cli import build_parser, main

HIDDEN: set[str] = set()
"""Commands not listed for people; they still get a description. (None since `web-child`, what each browser
connection of the terminal-in-browser path ran, went with that path.)"""


def pages(parser: argparse.ArgumentParser, path: str = "vettriage") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command's parser, sub-commands included, with its full name."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, page in action.choices.items():
                yield from pages(page, f"{path} {name}")


def listed(parser: argparse.ArgumentParser) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            out.update({a.dest: a.help for a in action._choices_actions})
    return out


ALL = list(pages(build_parser()))


def test_the_walk_sees_every_command() -> None:
    names = {name for name, _ in ALL}
    assert {"vettriage intakes add", "vettriage dogs due", "vettriage fhir import", "vettriage config show",
            "vettriage invites revoke", "vettriage serve"} <= names
    assert len(names) > 25


@pytest.mark.parametrize("name,page", ALL, ids=[n for n, _ in ALL])
def test_every_page_and_every_option_has_a_description(name: str, page: argparse.ArgumentParser) -> None:
    assert page.description and page.description.strip(), f"{name} --help has no description"
    for action in page._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, text in listed(page).items():
                assert sub in HIDDEN or (text and text.strip()), f"{name} {sub} is listed with no summary"
            continue
        if action.help == argparse.SUPPRESS:
            continue  # a deprecated spelling, kept working and not shown
        label = "/".join(action.option_strings) or action.dest
        assert action.help and action.help.strip(), f"{name}: {label} has no help"


def _options(page: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {s: a for a in page._actions for s in a.option_strings}


def test_the_database_is_db_path_or_url_everywhere_with_one_description() -> None:
    seen = {}
    for name, page in ALL:
        opts = _options(page)
        if "--store" in opts:
            assert opts["--store"].help == argparse.SUPPRESS and opts["--store"].dest == "db", name
            assert "--db" in opts, name
        if "--db" in opts:
            seen[name] = (opts["--db"].metavar, opts["--db"].help)
    for needed in ("invite", "invites list", "invites revoke", "serve", "desk", "intake", "intakes add",
                   "dogs show", "report", "handouts", "fhir export", "fhir import", "answers-template"):
        assert f"vettriage {needed}" in seen, needed
    assert len(set(seen.values())) == 1, set(seen.values())
    assert next(iter(seen.values()))[0] == "PATH|URL"


def test_output_is_dash_o_path_everywhere() -> None:
    found = 0
    for name, page in ALL:
        opts = _options(page)
        if "-o" in opts:
            found += 1
            assert opts["-o"].metavar == "PATH" and "--output" in opts, name
    assert found >= 5


def test_the_old_store_option_still_works(tmp_path) -> None:
    args = build_parser(["invites", "list"]).parse_args(["invites", "list", "--store", str(tmp_path / "a.db")])
    assert args.db == str(tmp_path / "a.db")
    args = build_parser(["invite"]).parse_args(["invite", "--dog", "Rex", "--db", str(tmp_path / "b.db")])
    assert args.db == str(tmp_path / "b.db")


def test_version(capsys) -> None:
    from vettriage import __version__

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"vettriage {__version__}"


def test_config_show_is_what_config_alone_prints(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("VETTRIAGE_CONFIG", str(tmp_path / "c.toml"))
    (tmp_path / "c.toml").write_text('clinic_name = "Riverside Vets"\n')
    assert main(["config"]) == 0
    alone = capsys.readouterr().out
    assert main(["config", "show"]) == 0
    assert capsys.readouterr().out == alone and "Riverside Vets" in alone


def test_without_db_every_command_uses_the_configured_database(tmp_path, monkeypatch, capsys) -> None:
    from pathlib import Path

    db = tmp_path / "clinic.db"
    monkeypatch.delenv("VETTRIAGE_DATABASE_URL", raising=False)
    monkeypatch.setenv("VETTRIAGE_CONFIG", str(tmp_path / "c.toml"))
    (tmp_path / "c.toml").write_text(f'database_url = "{db}"\n')
    example = Path(__file__).resolve().parents[2] / "examples" / "arthritis.yaml"
    assert main(["intakes", "add", str(example), "--dog", "Bella"]) == 0
    assert db.is_file()
    capsys.readouterr()
    assert main(["dogs", "list"]) == 0
    assert "Bella" in capsys.readouterr().out


SAME_NAME_TWO_MEANINGS = {"--owner"}
"""`intake --owner` is the owner's mode, `dogs add --owner NAME` the owner's name (kept: both are in use)."""


def test_an_option_reads_the_same_on_every_command() -> None:
    forms: dict[str, set[tuple]] = {}
    for _, page in ALL:
        for action in page._actions:
            for flag in action.option_strings:
                forms.setdefault(flag, set()).add((action.metavar, action.nargs, type(action).__name__))
    mixed = {flag: f for flag, f in forms.items() if len(f) > 1 and flag not in SAME_NAME_TWO_MEANINGS}
    assert not mixed, mixed
