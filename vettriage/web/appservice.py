"""One owner's app process: textual-serve's AppService, started without a shell, with the intake id in its
environment, and stopped for sure (killed if it will not quit)."""

from __future__ import annotations

import asyncio
import contextlib
from asyncio.subprocess import PIPE, Process
from typing import Any

from textual_serve.app_service import AppService


class OwnerAppService(AppService):
    """An AppService whose child is `argv` (exec, never a shell) with `env_extra` added to its environment."""

    def __init__(self, argv: list[str], env_extra: dict[str, str], **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = list(argv)
        self.env_extra = dict(env_extra)

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = super()._build_environment(width=width, height=height)
        env.update(self.env_extra)
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        env = self._build_environment(width=width, height=height)
        # Exec, not a shell: nothing in the environment or the arguments is ever parsed by /bin/sh.
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=PIPE, stdout=PIPE, stderr=PIPE, env=env)
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        """The child's process id once started."""
        return None if self._process is None else self._process.pid

    async def shutdown(self, grace: float = 5.0) -> None:
        """Ask the app to quit (it saves as it goes), then kill it if it has not gone within `grace` seconds."""
        with contextlib.suppress(Exception, asyncio.TimeoutError):
            await asyncio.wait_for(self.stop(), grace)
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        with contextlib.suppress(Exception, asyncio.TimeoutError):
            await asyncio.wait_for(process.wait(), grace)
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        self._task = None
