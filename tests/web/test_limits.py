"""The failure rate limit and the process cap, on a fake clock."""

from vettriage.web.limits import FailureLimiter


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_blocks_after_limit_and_recovers_after_window():
    clock = Clock()
    lim = FailureLimiter(3, 60, clock=clock)
    for _ in range(2):
        lim.fail("1.2.3.4")
    assert not lim.blocked("1.2.3.4")
    lim.fail("1.2.3.4")
    assert lim.blocked("1.2.3.4")
    assert not lim.blocked("5.6.7.8")
    assert 1 <= lim.retry_after("1.2.3.4") <= 61
    clock.t += 61
    assert not lim.blocked("1.2.3.4")
    assert lim.retry_after("1.2.3.4") == 0


def test_sliding_window_counts_only_recent_failures():
    clock = Clock()
    lim = FailureLimiter(3, 60, clock=clock)
    lim.fail("a")
    clock.t += 40
    lim.fail("a")
    lim.fail("a")
    assert lim.blocked("a")
    clock.t += 21  # the first failure left the window
    assert not lim.blocked("a")


def test_memory_is_bounded():
    lim = FailureLimiter(2, 60, max_addresses=100, clock=Clock())
    for i in range(1000):
        lim.fail(f"10.0.{i // 256}.{i % 256}")
        lim.fail("attacker")
    assert len(lim._failures) <= 100
    assert lim.blocked("attacker")
    assert all(len(v) <= 2 for v in lim._failures.values())
