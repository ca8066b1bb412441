"""The app process wrapper: killing never reaps behind asyncio's child watcher; shutdown is one, shared."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from vettriage.web.appservice import OwnerAppService

# A child that says it is a Textual app (the prelude textual-serve waits for), then ignores its input.
STUBBORN = [sys.executable, "-c", "import sys, time; sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush(); "
            "time.sleep(60)"]


async def _noop(*_: object) -> None:
    return None


def service(argv: list[str]) -> OwnerAppService:
    """A service with no browser behind it."""
    from textual_serve.download_manager import DownloadManager

    return OwnerAppService(argv, {"VETTRIAGE_WEB_INTAKE": "7"}, write_bytes=_noop, write_str=_noop,
                           close=_noop, download_manager=DownloadManager())


async def test_kill_leaves_reaping_to_the_watcher(monkeypatch):
    """Popen.send_signal polls (waitpid) first; that stole the exit status from asyncio's watcher, which then
    logged "Unknown child process pid …, will report returncode 255". Our kill must not wait on the child."""
    svc = service(STUBBORN)
    await svc.start(80, 24)
    real_poll = subprocess.Popen.poll
    polled: list[int] = []

    def recording_poll(self: subprocess.Popen) -> int | None:
        polled.append(self.pid)
        return real_poll(self)

    # Popen.poll is where the waitpid happens (Popen binds os.waitpid at import, so patch poll itself).
    monkeypatch.setattr(subprocess.Popen, "poll", recording_poll)
    svc.kill()
    async with asyncio.timeout(10):
        code = await svc._process.wait()
    assert code == -9  # the real status, not the watcher's 255 for a child someone else reaped
    assert polled == []
    await svc.shutdown()


async def test_shutdown_kills_an_app_that_will_not_quit_and_may_be_called_twice():
    svc = service(STUBBORN)
    await svc.start(80, 24)
    pid = svc.pid
    env = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
    assert b"VETTRIAGE_WEB_INTAKE=7" in env
    assert os.getsid(pid) == pid  # a session of its own: Ctrl+C on the server's terminal is not sent to it
    async with asyncio.timeout(20):
        await asyncio.gather(svc.shutdown(grace=0.5), svc.shutdown(grace=0.5))
    assert svc._process.returncode == -9
    assert not os.path.exists(f"/proc/{pid}")
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
