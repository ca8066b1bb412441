"""The cyclic garbage collector held off while a bounded piece of start-up builds long-lived objects.

A cached start allocates tens of thousands of objects that live as long as the process (the modules' classes and
functions, ~4,000 content records unpickled, the engine's tables) and almost no garbage. Each allocation burst
makes the collector walk the young objects, and every tenth pass the older ones, finding nothing: about a tenth
of `vettriage assess` (measured: ~9 ms of ~90 ms CPU). The terminal app does the same for its start
(commands/tui.py). Only bounded work is wrapped (an import, one content load, one answers file), so a
long-running command (the desk, `serve`, an import of 100,000 intakes) keeps its collector; the collector is
turned back on only if it was on, so a caller that holds it off (the terminal app's start) keeps it off."""

from __future__ import annotations

import gc


class collector_off:  # noqa: N801 - used as `with collector_off():`, like contextlib's lower-case helpers
    """`with collector_off(): ...`: the collector off inside, then as it was (without importing contextlib)."""

    __slots__ = ("was_on",)

    def __enter__(self) -> None:
        self.was_on = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was_on:
            gc.enable()


_EXIT_HOOKED = False


def no_collection_at_exit() -> None:
    """Skip the interpreter's own collections at exit over the objects a short command built: at shutdown,
    before it collects, everything still alive is moved out of the collector's reach (gc.freeze, from an
    atexit handler: once per process, however often a command runs in it).

    Measured on `vettriage assess`: ~12 ms of ~85 ms CPU went to walking the catalogue, the engine's tables and
    every module's objects at exit, to free memory the operating system takes back anyway. What it gives up:
    an object in a reference cycle still alive at exit is not finalised (its `__del__` does not run). Only a
    command that holds no resource such an object would release (no store, no temporary file, no worker)
    asks for it; output is flushed by the interpreter whatever the collector does."""
    global _EXIT_HOOKED
    if not _EXIT_HOOKED:
        import atexit

        atexit.register(gc.freeze)
        _EXIT_HOOKED = True
