"""Throttle edges no other test pinned, on a fake clock: nothing sleeps for real."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from tmdb_async._throttle import CallBudget, PauseRefused, Throttle


class FakeTime:
    """A clock that moves only when someone sleeps; `during_sleep` runs inside each sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.during_sleep: Callable[[], object] = lambda: None

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


class LateTime:
    """A clock moved by sleeps that yield to the loop and wake `late` seconds after the moment asked for."""

    def __init__(self, late: float = 0.0) -> None:
        self.now = 0.0
        self.late = late
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds + self.late
        for _ in range(3):  # long enough for the next call to arrive while this one still sleeps
            await asyncio.sleep(0)


async def start_times(throttle: Throttle, time: LateTime, count: int) -> list[float]:
    """Start `count` acquisitions one loop turn apart; the clock reading at each start, in start order."""
    starts: list[float] = []

    async def one() -> None:
        await throttle.acquire()
        starts.append(time.now)

    tasks = []
    for _ in range(count):
        tasks.append(asyncio.ensure_future(one()))
        await asyncio.sleep(0)
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    return starts


async def test_a_call_arriving_while_the_turn_is_taken_waits_behind_it_even_if_its_moment_has_come() -> None:
    time = LateTime()
    throttle = Throttle(1.0, 5, clock=time.clock, sleep=time.sleep)

    # The second call sleeps for its turn at t=1; the third arrives at t=1 while the second holds the turn.
    assert await start_times(throttle, time, 3) == [0.0, 1.0, 2.0]


@pytest.mark.parametrize("late", [1.0, 5.0])
async def test_after_a_late_wake_up_the_next_waiter_starts_at_once_and_the_pace_counts_from_it(late: float) -> None:
    time = LateTime(late)
    throttle = Throttle(1.0, 5, clock=time.clock, sleep=time.sleep)

    starts = await start_times(throttle, time, 3)

    # The second call asked to sleep 1 s and woke at 1 + late; the third, arrived meanwhile, waited behind it
    # for the turn, whose moment (t=2) had come: it starts at once, without sleeping at all (not even 0 s),
    # and the next turn is one interval after its start.
    assert starts == [0.0, 1.0 + late, 1.0 + late]
    assert time.sleeps == [1.0]
    assert throttle._next_start == 2.0 + late


def test_a_pause_paid_once_is_not_paid_again() -> None:
    budget = CallBudget(retries=1, max_wait=60.0)
    budget.admit("pause-1", 5.0)  # spends the retry
    budget.admit("pause-1", 3.0)  # the same pause, met again after the wait: free

    assert budget.retries == 0
    with pytest.raises(PauseRefused):
        budget.admit("pause-2", 1.0)


def test_pause_refused_says_how_long_the_pause_still_runs() -> None:
    refused = PauseRefused(2.5)
    assert str(refused) == "paused for another 2.50 s"
    assert refused.seconds == 2.5
