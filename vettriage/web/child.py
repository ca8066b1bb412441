"""The process behind one browser connection: the owner-mode Textual intake, bound to one intake."""

from __future__ import annotations

from typing import Mapping

from vettriage.errors import InputError

INTAKE_ENV = "VETTRIAGE_WEB_INTAKE"
STORE_ENV = "VETTRIAGE_WEB_STORE"
PARENT_ENV = "VETTRIAGE_WEB_PARENT"
PR_SET_PDEATHSIG = 1


def intake_from_env(env: Mapping[str, str]) -> tuple[int, str | None]:
    """(intake id, store url or None) as set by the server; InputError when missing or malformed."""
    raw = env.get(INTAKE_ENV, "")
    if not raw.isdigit() or len(raw) > 12:
        raise InputError("environment", INTAKE_ENV, "web-child is started by `vettriage serve` only")
    return int(raw), (env.get(STORE_ENV) or None)


def die_with_parent() -> bool:
    """Ask Linux to SIGTERM this process when the server that started it dies: the app runs in a session of
    its own, so nothing else would end it if the server were killed outright. Every answer is saved as it is
    given, so ending is safe. False where the request is not available."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def parent_gone(parent: str | None) -> bool:
    """True when the server named by `parent` (its pid) is no longer this process's parent."""
    import os

    return bool(parent and parent.isdigit() and os.getppid() != int(parent))


def run_child(env: Mapping[str, str]) -> int:
    """Build the locked owner app for the intake and run it under textual-serve's web driver."""
    intake_id, store_url = intake_from_env(env)
    die_with_parent()
    if parent_gone(env.get(PARENT_ENV)):  # the server died before the request above took effect
        return 0
    from vettriage.tui.app import make_app

    app = make_app(store_url=store_url, mode="owner", intake_id=intake_id, locked=True)
    app.run()
    error = getattr(app, "store_error", None)
    if error is not None:  # the app ended because the store failed: say so in the server's log, one line
        import sys

        print(f"vettriage web-child: intake {intake_id}: store: {error}", file=sys.stderr, flush=True)
        return 2
    return 0
