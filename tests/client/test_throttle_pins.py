"""Throttle edges no other test pinned, on a fake clock: nothing sleeps for real."""

from __future__ import annotations

from collections.abc import Callable

from tmdb_async._throttle import Throttle


class FakeTime:
    """A clock that moves only when someone sleeps; `during_sleep` runs inside each sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.during_sleep: Callable[[], None] = lambda: None

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.during_sleep()


async def test_a_pause_ending_exactly_at_a_waiters_turn_does_not_cost_it_another_turn() -> None:
    time = FakeTime()
    throttle = Throttle(1.0, 2, clock=time.clock, sleep=time.sleep)
    await throttle.acquire()  # t=0: the first start; the next turn is at t=1
    time.during_sleep = lambda: throttle.pause_until(1.0)  # a 429 pauses everyone until exactly t=1

    await throttle.acquire()

    assert time.now == 1.0
