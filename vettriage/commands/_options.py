"""The options several commands share, each with one name, one metavar and one description everywhere.

`--db PATH|URL` names the database on every command that opens one; `-o PATH` is where a command writes;
`--content DIR` is a content folder. Defined once so that `--help` says the same thing on every page.
"""

from __future__ import annotations

import argparse

DB_HELP = ("the database: a SQLite file path or a postgresql+psycopg:// URL (default: the `database_url` setting "
           "or $VETTRIAGE_DATABASE_URL, else vettriage.db in the user's data folder)")
CONTENT_HELP = "a content folder to use instead of the shipped questionnaires (content authors)"
OUTPUT_FILE_HELP = "the file to write ('-' or absent: standard output)"


def add_db_arg(p: argparse.ArgumentParser, *, deprecated_store: bool = False) -> None:
    """`--db PATH|URL`. `deprecated_store` keeps the old `--store` spelling working, hidden from the help."""
    p.add_argument("--db", metavar="PATH|URL", help=DB_HELP)
    if deprecated_store:
        p.add_argument("--store", dest="db", help=argparse.SUPPRESS)


def add_content_arg(p: argparse.ArgumentParser) -> None:
    """`--content DIR`."""
    p.add_argument("--content", metavar="DIR", help=CONTENT_HELP)


def add_output_arg(p: argparse.ArgumentParser, help: str = OUTPUT_FILE_HELP, *, required: bool = False) -> None:
    """`-o PATH` (also `--output PATH`)."""
    p.add_argument("-o", "--output", metavar="PATH", required=required, help=help)
