"""Shared fixtures for the web tests: a real SQLite store, invitations, free ports, `vettriage serve` running."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vettriage.content import load_catalogue
from vettriage.store import open_store
from vettriage.web import invites as inv

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """A fresh SQLite store file."""
    return f"sqlite:///{tmp_path / 'clinic.db'}"


@pytest.fixture
def store(store_url: str):
    """The store itself."""
    s = open_store(store_url)
    yield s
    s.close()


@pytest.fixture(scope="session")
def catalogue():
    """The shipped content."""
    return load_catalogue()


def invite_for(store, catalogue, name: str, *, lifetime: dt.timedelta = dt.timedelta(hours=72),
               now: dt.datetime | None = None):
    """(code, invite, intake) for a new dog called `name`."""
    dog = inv.find_or_add_dog(store, name, None)
    return inv.create_invite(store, dog, content_version=catalogue.version, content_hash=catalogue.hash,
                             lifetime=lifetime, now=now, prefill={"dog_name": name})


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_of_pid(pid: int) -> list[int]:
    """Direct child processes of `pid` (from /proc)."""
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except FileNotFoundError:  # a thread that ended meanwhile
            pass
    return out


class LiveServer:
    """`vettriage serve` in a subprocess on 127.0.0.1."""

    def __init__(self, store_url: str, tmp: Path, *args: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp / f"serve-{self.port}.log", "w+")
        (tmp / "clinic.toml").write_text("")
        env = {**os.environ, "VETTRIAGE_CONFIG": str(tmp / "clinic.toml"), "PYTHONUNBUFFERED": "1",
               "VETTRIAGE_CLINIC_NAME": "Riverside Vets", "VETTRIAGE_CLINIC_PHONE": "01632 960000"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vettriage", "serve", "--port", str(self.port), "--store", store_url, *args],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=tmp)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:  # a real answer, not just a connection: uvicorn accepts before the application is loaded
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as probe:
                    probe.sendall(b"GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    if probe.recv(12).startswith(b"HTTP/1.1 200"):
                        time.sleep(0.1)  # the probe's own connection is counted off before the test's start
                        return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("server did not start: " + self.output())

    def output(self) -> str:
        """Everything the server printed."""
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        """Stop the server (SIGINT, as Ctrl+C), then kill if needed."""
        if self.proc.poll() is None:
            self.proc.send_signal(2)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module; each test opens its own contexts (fresh profiles). Not per
    session: the sync Playwright API holds an event loop on the main thread that the asyncio tests need."""
    api = pytest.importorskip("playwright.sync_api")
    from tests.web.browser import ARGS, CHROMIUM

    with api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def live(store_url, tmp_path):
    """`vettriage serve` on a free port."""
    server = LiveServer(store_url, tmp_path)
    yield server
    server.stop()
