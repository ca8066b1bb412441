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
