"""The failure limit of the web form: pure, with an injectable clock so tests need no sleeping."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from typing import Callable


class FailureLimiter:
    """Counts refused codes per client address in a sliding window; an address over the limit is blocked
    until its oldest failure leaves the window. Memory is bounded: the least recently seen addresses go first."""

    def __init__(self, limit: int = 10, window: float = 600.0, *, max_addresses: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.max_addresses = max_addresses
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, address: str) -> deque[float] | None:
        times = self._failures.get(address)
        if times is None:
            return None
        cutoff = self.clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times:
            del self._failures[address]
            return None
        return times

    def blocked(self, address: str) -> bool:
        """True when `address` has used up its failures for now."""
        times = self._recent(address)
        return times is not None and len(times) >= self.limit

    def fail(self, address: str) -> None:
        """Record one refused code from `address`."""
        times = self._recent(address)
        if times is None:
            times = self._failures[address] = deque()
        self._failures.move_to_end(address)
        times.append(self.clock())
        # Keep only what can still block: beyond the limit the deque need not grow.
        while len(times) > self.limit:
            times.popleft()
        while len(self._failures) > self.max_addresses:
            self._failures.popitem(last=False)

    def retry_after(self, address: str) -> int:
        """Seconds until `address` may try again (0 when it is not blocked)."""
        times = self._recent(address)
        if times is None or len(times) < self.limit:
            return 0
        return max(1, int(times[0] + self.window - self.clock()) + 1)
