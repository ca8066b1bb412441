"""`vettriage config` (what each setting means and what is set), `config set KEY VALUE`, `config unset KEY`
and `config init` (a documented settings file)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add `config` with its `set`, `unset` and `init` actions."""
    p = sub.add_parser("config", help="the settings (clinic name, phone, address, logo, database): show, set, "
                       "unset, init")
    p.set_defaults(func=run_show)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    w = actions.add_parser("show", help="each setting, what it is for and where its value comes from (the default)")
    w.set_defaults(func=run_show)
    s = actions.add_parser("set", help="set one setting in the settings file")
    s.add_argument("key", help="a setting name (`vettriage config` lists them)")
    s.add_argument("value", help="its value (clinic_logo: a PNG or JPEG file)")
    s.set_defaults(func=run_set)
    u = actions.add_parser("unset", help="remove one setting from the settings file")
    u.add_argument("key", help="a setting name (`vettriage config` lists them)")
    u.set_defaults(func=run_unset)
    i = actions.add_parser("init", help="write a settings file with every setting documented")
    i.add_argument("--force", action="store_true", help="replace an existing settings file")
    i.set_defaults(func=run_init)


def run_show(args: argparse.Namespace) -> int:
    """Print where the settings file is, each key with its meaning, and what is set."""
    from vettriage.config import describe, load_config

    print(describe(load_config()))
    return 0


def run_set(args: argparse.Namespace) -> int:
    """Write one key into the settings file."""
    from vettriage.config import config_path, set_value

    path = config_path()
    set_value(path, args.key, args.value)
    print(f"{args.key} set in {path}")
    return 0


def run_unset(args: argparse.Namespace) -> int:
    """Remove one key from the settings file."""
    from vettriage.config import config_path, set_value

    path = config_path()
    set_value(path, args.key, None)
    print(f"{args.key} removed from {path}")
    return 0


def run_init(args: argparse.Namespace) -> int:
    """Write the documented template."""
    from vettriage.config import config_path, init_file

    path = config_path()
    init_file(path, force=args.force)
    print(f"wrote {path}: every setting is documented there; set one with `vettriage config set KEY VALUE`")
    return 0
