"""`vettriage invite`, `vettriage invites list|revoke` and `vettriage serve` (the owners' web form).

Heavy imports (the store driver, Starlette, uvicorn) stay inside the handlers.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from vettriage.commands._options import add_db_arg
from vettriage.commands._packs import add_pack_arg
from vettriage.errors import InputError

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def register(sub: Any) -> None:
    """Add `invite`, `invites` and `serve`."""
    p = sub.add_parser("invite", help="create an owner intake and print its invitation link")
    p.add_argument("--dog", help="the dog's name (an existing dog of that name, else a new dog)")
    p.add_argument("--dog-id", type=int, metavar="ID", help="the dog's id, when several share a name")
    p.add_argument("--expires", default="72h", help="how long the link works: 90m, 72h, 3d (default 72h)")
    p.add_argument("--public-url", default=None, help=f"the address owners use (default {DEFAULT_PUBLIC_URL}, "
                   "or $VETTRIAGE_PUBLIC_URL)")
    _store_arg(p)
    add_pack_arg(p)
    p.set_defaults(func=run_invite)

    p = sub.add_parser("invites", help="list or revoke invitation links")
    isub = p.add_subparsers(dest="invites_command", metavar="ACTION")
    q = isub.add_parser("list", help="every invitation: id, intake, dog, expiry, state")
    _store_arg(q)
    q.set_defaults(func=run_invites_list)
    q = isub.add_parser("revoke", help="stop a link from working (by its code or its id)")
    q.add_argument("target", metavar="CODE|ID", help="the link's code (from the link) or the invitation's id")
    _store_arg(q)
    q.set_defaults(func=run_invites_revoke)
    _store_arg(p)
    p.set_defaults(func=run_invites_list)

    p = sub.add_parser("serve", help="serve the owners' web form, by invitation")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--public-url", default=None, help="the https:// address owners use (needed unless the "
                   "host is 127.0.0.1); every form must be posted from it")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1); they share nothing "
                   "but the store")
    p.add_argument("--idle-timeout", default="30m", help="end a session after this long without a request: "
                   "45s, 30m, 2h (default 30m; the owner opens the link again to go on)")
    p.add_argument("--trust-forwarded", action="store_true", help="behind a local reverse proxy: rate-limit "
                   "by the X-Forwarded-For address it sets")
    p.add_argument("--per-address", type=int, default=32, help="connections one address may hold open at "
                   "once, per worker (default 32; not applied to a trusted local proxy)")
    p.add_argument("--header-timeout", type=float, default=10.0, help="seconds a connection may take to send "
                   "a request's headers before it is closed (default 10)")
    _store_arg(p)
    add_pack_arg(p)
    p.set_defaults(func=run_serve)


def _store_arg(p: argparse.ArgumentParser) -> None:
    add_db_arg(p, deprecated_store=True)  # `--store` was this option's name before `--db` was everyone's


def store_url(value: str | None) -> str:
    """The store every part uses: --db, else the configured database, else the default SQLite file."""
    from vettriage.config import default_database_url, load_config

    return value or load_config().database_url or default_database_url()


def _open(url: str | None) -> Any:
    from vettriage.store import StoreError, open_store

    try:
        return open_store(store_url(url))
    except StoreError as exc:
        raise InputError("store", None, str(exc)) from None


def _public_url(value: str | None, source: str) -> str:
    from vettriage.web.origin import origin_of

    url = (value or os.environ.get("VETTRIAGE_PUBLIC_URL") or DEFAULT_PUBLIC_URL).strip()
    origin = origin_of(url)
    if origin is None or url.rstrip("/") != url.rstrip("/").split("?")[0] or _has_path(url):
        raise InputError(source, "--public-url", f"{url!r} must be http(s)://host[:port] with no path")
    return url.rstrip("/")


def _has_path(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path not in ("", "/") or bool(parts.query or parts.fragment)


def run_invite(args: argparse.Namespace) -> int:
    """Create the intake and the invitation; print the link once (the store keeps only its hash)."""
    from vettriage.commands._packs import load_content
    from vettriage.web import invites as inv
    from vettriage.web.codes import parse_duration

    try:
        lifetime = parse_duration(args.expires)
    except ValueError as exc:
        raise InputError("command line", "--expires", str(exc)) from None
    if not args.dog and args.dog_id is None:
        raise InputError("command line", "--dog", "name the dog (or give --dog-id)")
    from vettriage.commands.intakes import check_dog_name
    from vettriage.store import StoreError

    name = check_dog_name(args.dog, "command line", "--dog") if args.dog_id is None else None
    public = _public_url(args.public_url, "command line")
    cat = load_content(args)
    store = _open(args.db)
    try:
        try:
            if name is None:
                name = store.get_dog(args.dog_id).name
            prefill = {"dog_name": name} if "dog_name" in cat.items else {}
            code, invite, intake = inv.invite_dog(store, name, args.dog_id, content_version=cat.version,
                                                  content_hash=cat.hash, lifetime=lifetime, prefill=prefill)
        except LookupError as exc:
            raise InputError("command line", "--dog", str(exc)) from None
        except StoreError as exc:
            raise InputError("store", None, str(exc)) from None
    finally:
        store.close()
    dog = intake.dog
    print(inv.invite_link(public, code))
    from vettriage.localtime import stamp

    print(f"intake {intake.id} for {dog.name}; invitation {invite.id} expires "
          f"{stamp(inv.utc(invite.expires_at))} (the link is shown only now)", file=sys.stderr)
    return 0


def run_invites_list(args: argparse.Namespace) -> int:
    """One line per invitation, newest first."""
    from vettriage.localtime import stamp, zone_name
    from vettriage.web import invites as inv

    store = _open(args.db)
    try:
        rows = sorted(store.list_invites(), key=lambda i: i.id, reverse=True)
        expires = f"expires ({zone_name()})"
        width = max(16, len(expires))
        print(f"{'id':>5}  {'intake':>6}  {'dog':<20} {expires:<{width}}  state")
        for i in rows:
            dog = store.get_intake(i.intake_id).dog.name
            print(f"{i.id:>5}  {i.intake_id:>6}  {dog[:20]:<20} {stamp(inv.utc(i.expires_at), zone=False):<{width}}  "
                  f"{inv.invite_state(i)}")
    finally:
        store.close()
    return 0


def run_invites_revoke(args: argparse.Namespace) -> int:
    """Revoke by id or code."""
    from vettriage.web import invites as inv

    store = _open(args.db)
    try:
        try:
            target = inv.find_target(store, args.target)
        except LookupError as exc:
            raise InputError("command line", "CODE|ID", str(exc)) from None
        store.revoke_invite(target.id)
    finally:
        store.close()
    print(f"invitation {target.id} (intake {target.intake_id}) revoked")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C."""
    if args.public_url is None and args.host not in LOOPBACK:
        raise InputError("command line", "--public-url", "listening beyond 127.0.0.1 needs the public https:// "
                         "address owners use (see docs/WEB.md)")
    public = _public_url(args.public_url or f"http://{_url_host(args.host)}:{args.port}", "command line")
    if not 1 <= args.workers <= 64:
        raise InputError("command line", "--workers", "must be between 1 and 64")
    if not 1 <= args.per_address <= 10000:
        raise InputError("command line", "--per-address", "must be between 1 and 10000")
    if not 0.5 <= args.header_timeout <= 300:
        raise InputError("command line", "--header-timeout", "must be between 0.5 and 300 seconds")
    from vettriage.web.codes import parse_duration

    try:
        idle = parse_duration(args.idle_timeout, seconds=True).total_seconds()
    except ValueError as exc:
        raise InputError("command line", "--idle-timeout", str(exc)) from None
    if idle < 10:
        raise InputError("command line", "--idle-timeout", "must be at least 10s")

    url = store_url(args.db)
    _open(url).close()  # fail now, as one line, if the store cannot be opened
    from vettriage.commands._packs import load_content, pack_dirs
    from vettriage.content.catalogue import PACKS_ENV

    load_content(args)  # fail now, as one line, if the content or a pack does not validate
    # the workers load the same packs (load_catalogue reads them from the environment when given none)
    os.environ[PACKS_ENV] = os.pathsep.join(os.path.abspath(p) for p in pack_dirs(args))
    from vettriage.web.serve import ServeSettings, serve

    settings = ServeSettings(store_url=url, public_url=public, host=args.host, port=args.port,
                             workers=args.workers, idle_timeout=idle, trust_forwarded=args.trust_forwarded,
                             per_address=args.per_address, header_timeout=args.header_timeout)
    try:
        serve(settings)
    except OSError as exc:
        raise InputError("command line", "--port", f"cannot listen on {args.host}:{args.port}: "
                         f"{exc.strerror or exc}") from None
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
