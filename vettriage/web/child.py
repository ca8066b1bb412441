"""The process behind one browser connection: the owner-mode Textual intake, bound to one intake."""

from __future__ import annotations

from typing import Mapping

from vettriage.errors import InputError

INTAKE_ENV = "VETTRIAGE_WEB_INTAKE"
STORE_ENV = "VETTRIAGE_WEB_STORE"


def intake_from_env(env: Mapping[str, str]) -> tuple[int, str | None]:
    """(intake id, store url or None) as set by the server; InputError when missing or malformed."""
    raw = env.get(INTAKE_ENV, "")
    if not raw.isdigit() or len(raw) > 12:
        raise InputError("environment", INTAKE_ENV, "web-child is started by `vettriage serve` only")
    return int(raw), (env.get(STORE_ENV) or None)


def run_child(env: Mapping[str, str]) -> int:
    """Build the locked owner app for the intake and run it under textual-serve's web driver."""
    intake_id, store_url = intake_from_env(env)
    from vettriage.tui.app import make_app

    app = make_app(store_url=store_url, mode="owner", intake_id=intake_id, locked=True)
    app.run()
    return 0
