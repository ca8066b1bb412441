"""One owner's app process: textual-serve's AppService, started without a shell, with the intake id in its
environment, and stopped for sure (killed if it will not quit).

Why the process is signalled through a pidfd: asyncio's child watcher reaps each app in a thread of its own.
`Process.kill()` goes through `subprocess.Popen.send_signal`, which first *polls* (waitpid) the child, so an app
that had just exited was reaped there instead of by the watcher, which then logged "Unknown child process pid
…, will report returncode 255". A pidfd names exactly our child until the watcher reaps it, so signalling it
never reaps and can never hit a recycled pid.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from asyncio.subprocess import PIPE, Process
from typing import Any

from textual_serve.app_service import AppService

KILL_GRACE = 5.0
"""Seconds an app gets to quit (it saves every answer as it goes) before it is killed."""


class OwnerAppService(AppService):
    """An AppService whose child is `argv` (exec, never a shell) with `env_extra` added to its environment."""

    def __init__(self, argv: list[str], env_extra: dict[str, str], **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = list(argv)
        self.env_extra = dict(env_extra)
        self._pidfd: int | None = None
        self._shutdown: asyncio.Task[None] | None = None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = super()._build_environment(width=width, height=height)
        env.update(self.env_extra)
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        env = self._build_environment(width=width, height=height)
        # Exec, not a shell: nothing in the environment or the arguments is ever parsed by /bin/sh.
        # A session of its own: Ctrl+C on the server's terminal reaches the server only, which then quits each
        # app in order instead of every app dying mid-frame at once.
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=PIPE, stdout=PIPE, stderr=PIPE, env=env, start_new_session=True)
        # Until the watcher reaps the child (it cannot before this line runs: reaping needs the loop) its pid
        # is ours, so the pidfd names exactly this process.
        with contextlib.suppress(OSError, AttributeError):
            self._pidfd = os.pidfd_open(process.pid)
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        """The child's process id once started."""
        return None if self._process is None else self._process.pid

    def kill(self) -> None:
        """SIGKILL the app without reaping it (the event loop's child watcher does that)."""
        process = self._process
        if process is None or process.returncode is not None:
            return
        if self._pidfd is not None:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
        else:  # no pidfd (old kernel): the watcher may then log a harmless warning
            with contextlib.suppress(ProcessLookupError):
                process.kill()

    async def shutdown(self, grace: float = KILL_GRACE) -> None:
        """Ask the app to quit (it saves as it goes), then kill it if it has not gone within `grace` seconds.
        Safe to call more than once, and concurrently: every caller waits for the one shutdown."""
        if self._shutdown is None:
            self._shutdown = asyncio.get_running_loop().create_task(self._shutdown_once(grace))
        await asyncio.shield(self._shutdown)

    async def _shutdown_once(self, grace: float) -> None:
        with contextlib.suppress(Exception, asyncio.TimeoutError):
            await asyncio.wait_for(self.stop(), grace)
        process = self._process
        if process is not None:
            # The app usually exits right after it says goodbye: give the watcher that moment before killing.
            with contextlib.suppress(Exception, asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), 1.0)
            self.kill()
            with contextlib.suppress(Exception, asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), grace)
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        self._task = None
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None
