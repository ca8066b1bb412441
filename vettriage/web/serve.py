"""`vettriage serve`: the owners' form under uvicorn, in one process or several (`--workers N`).

The settings go to each worker through the environment (uvicorn starts workers that import the application
by name); every worker opens its own store connections and keeps nothing an owner's next request needs: the
sessions are in the store (vettriage.web.state), so any worker, or any machine on the same PostgreSQL
database, can answer any request.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from vettriage.web.guard import HEADER_TIMEOUT, MAX_PER_ADDRESS

ENV = {
    "store": "VETTRIAGE_WEB_STORE",
    "public_url": "VETTRIAGE_WEB_PUBLIC_URL",
    "idle": "VETTRIAGE_WEB_IDLE",
    "trust_forwarded": "VETTRIAGE_WEB_TRUST_FORWARDED",
    "per_address": "VETTRIAGE_WEB_PER_ADDRESS",
    "header_timeout": "VETTRIAGE_WEB_HEADER_TIMEOUT",
}
LOOPBACK = frozenset({"127.0.0.1", "::1"})


@dataclass(frozen=True)
class ServeSettings:
    """What `serve` was told."""

    store_url: str
    public_url: str
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    idle_timeout: float = 30 * 60.0
    trust_forwarded: bool = False
    per_address: int = MAX_PER_ADDRESS
    header_timeout: float = HEADER_TIMEOUT
    max_connections: int = 1000


def export(settings: ServeSettings) -> None:
    """Put the settings where each worker's `from_environment` reads them."""
    os.environ[ENV["store"]] = settings.store_url
    os.environ[ENV["public_url"]] = settings.public_url
    os.environ[ENV["idle"]] = str(settings.idle_timeout)
    os.environ[ENV["trust_forwarded"]] = "1" if settings.trust_forwarded else "0"
    os.environ[ENV["per_address"]] = str(settings.per_address)
    os.environ[ENV["header_timeout"]] = str(settings.header_timeout)


def configure_protocol() -> None:
    """This process's connection limits, from the environment (called in every worker)."""
    from vettriage.web.guard import GuardedH11

    trust = os.environ.get(ENV["trust_forwarded"]) == "1"
    GuardedH11.configure(secure=os.environ.get(ENV["public_url"], "").startswith("https://"),
                         max_per_address=int(os.environ.get(ENV["per_address"], MAX_PER_ADDRESS)),
                         header_timeout=float(os.environ.get(ENV["header_timeout"], HEADER_TIMEOUT)),
                         # behind a local proxy every owner arrives from it: the proxy limits per owner
                         exempt=LOOPBACK if trust else frozenset())


def serve(settings: ServeSettings) -> None:
    """Run until Ctrl+C (uvicorn handles SIGINT/SIGTERM: requests in flight finish, then workers stop)."""
    import uvicorn

    from vettriage.web.guard import GuardedH11, QuietInvalid, install_redacting_logging

    export(settings)
    install_redacting_logging()
    logging.getLogger("uvicorn.error").addFilter(QuietInvalid())
    configure_protocol()
    print(f"vettriage: serving owner intakes on {settings.public_url} (listening on {settings.host}:"
          f"{settings.port}, {settings.workers} worker{'s' if settings.workers != 1 else ''}); Ctrl+C to stop",
          flush=True)
    uvicorn.run("vettriage.web.app:from_environment", factory=True, host=settings.host, port=settings.port,
                workers=settings.workers if settings.workers > 1 else None, http=GuardedH11, ws="none",
                lifespan="off", log_config=None, access_log=False, server_header=False, date_header=True,
                proxy_headers=False, timeout_keep_alive=5, limit_concurrency=settings.max_connections,
                timeout_graceful_shutdown=10, h11_max_incomplete_event_size=16 * 1024)
