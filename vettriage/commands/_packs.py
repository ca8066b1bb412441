"""`--pack DIR` for every command that loads content, merged with the `packs` setting of the configuration."""

from __future__ import annotations

import argparse

TYPE_CHECKING = False  # typing costs ~2 ms at start-up: only the type checker reads these names
if TYPE_CHECKING:
    from typing import Any

PACK_HELP = ("a content pack folder to load on top of the shipped content (repeatable; added after the "
             "`packs` setting of the configuration)")


def add_pack_arg(p: argparse.ArgumentParser) -> None:
    """Add the repeatable `--pack DIR` option."""
    p.add_argument("--pack", action="append", default=[], metavar="DIR", help=PACK_HELP)


def pack_dirs(args: argparse.Namespace) -> list[str]:
    """The configured packs, then those given with --pack, each once, in that order."""
    from vettriage.config import load_config

    wanted = [*load_config().packs, *getattr(args, "pack", [])]
    return list(dict.fromkeys(wanted))


def load_content(args: argparse.Namespace, directory: Any = None) -> Any:
    """The catalogue a command works on: its content folder (default shipped) with the packs."""
    from vettriage.content import load_catalogue

    return load_catalogue(directory, packs=pack_dirs(args))
