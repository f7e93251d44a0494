"""The shared Throttle: paced starts, a cap on requests in flight, and the pause after a 429.

Every test runs on looptime's fast-forwarded loop clock (the Throttle's default clock), or on an
explicit fake clock: nothing sleeps for real.
"""

from __future__ import annotations

import asyncio
import itertools
import math

import pytest

from tmdb_async._throttle import CallBudget, PauseRefused, Throttle, loop_time


def now() -> float:
    return asyncio.get_running_loop().time()


def make_throttle(requests_per_second: float | None, max_concurrency: int) -> Throttle:
    return Throttle(requests_per_second, max_concurrency, clock=loop_time, sleep=asyncio.sleep)


async def record_starts(throttle: Throttle, count: int) -> list[float]:
    """Run `count` acquire/release cycles concurrently; the loop time at which each one started, sorted."""
    starts: list[float] = []

    async def one() -> None:
        await throttle.acquire()
        starts.append(now())
        await throttle.release()

    async with asyncio.TaskGroup() as group:
        for _ in range(count):
            group.create_task(one())
    return sorted(starts)


@pytest.mark.looptime
async def test_41_starts_at_20_per_second_take_at_least_2_seconds() -> None:
    throttle = make_throttle(20, 41)
    began = now()

    await record_starts(throttle, 41)

    assert now() - began >= 2.0


@pytest.mark.looptime
async def test_ith_start_is_at_least_i_intervals_after_the_first() -> None:
    throttle = make_throttle(20, 41)

    starts = await record_starts(throttle, 41)

    late = [i for i, start in enumerate(starts) if start - starts[0] < i / 20]
    assert late == []
    assert starts[-1] - starts[0] == 2.0


@pytest.mark.looptime
async def test_first_start_is_immediate() -> None:
    throttle = make_throttle(20, 5)
    began = now()

    await throttle.acquire()

    assert now() == began


@pytest.mark.looptime
async def test_starts_are_evenly_paced_no_second_holds_more_than_rate_plus_one() -> None:
    rate = 20
    throttle = make_throttle(rate, 100)

    starts = await record_starts(throttle, 100)

    busiest = max(sum(1 for other in starts if first <= other < first + 1.0) for first in starts)
    assert busiest <= rate + 1
    gaps = {round(later - earlier, 6) for earlier, later in itertools.pairwise(starts)}
    assert gaps == {0.05}


@pytest.mark.looptime
async def test_acquisitions_without_rate_limit_start_at_the_same_time() -> None:
    throttle = make_throttle(None, 100)
    began = now()

    starts = await record_starts(throttle, 100)

    assert starts == [began] * 100


@pytest.mark.looptime
async def test_max_concurrency_caps_requests_in_flight() -> None:
    throttle = make_throttle(None, 3)
    in_flight = 0
    peak = 0
    began = now()

    async def hold_one_second() -> None:
        nonlocal in_flight, peak
        await throttle.acquire()
        try:
            in_flight += 1
            peak = max(peak, in_flight)
            await asyncio.sleep(1.0)
        finally:
            in_flight -= 1
            await throttle.release()

    async with asyncio.TaskGroup() as group:
        for _ in range(10):
            group.create_task(hold_one_second())

    assert peak == 3
    assert now() - began == math.ceil(10 / 3)


@pytest.mark.looptime
async def test_pause_until_holds_a_later_acquire() -> None:
    throttle = make_throttle(20, 5)
    began = now()

    throttle.pause_until(began + 5.0)
    await throttle.acquire()

    assert now() - began == 5.0


@pytest.mark.looptime
async def test_pause_in_the_past_does_not_delay() -> None:
    throttle = make_throttle(20, 5)
    began = now()

    throttle.pause_until(began - 5.0)
    await throttle.acquire()

    assert now() == began


async def starts_around_a_pause() -> list[float]:
    """Five callers at 1 request/s and 10 in flight; 0.5 s in, a pause until 10.5 s: their starts, sorted."""
    throttle = make_throttle(1, 10)
    began = now()
    starts: list[float] = []

    async def one() -> None:
        await throttle.acquire()
        starts.append(now() - began)
        await throttle.release()

    async with asyncio.TaskGroup() as group:
        for _ in range(5):
            group.create_task(one())
        await asyncio.sleep(0.5)
        throttle.pause_until(now() + 10.0)  # until 10.5 s after `began`
    return sorted(starts)


@pytest.mark.looptime
async def test_pause_set_while_tasks_wait_for_their_turn_delays_them() -> None:
    starts = await starts_around_a_pause()

    inside_pause = [start for start in starts if 0.5 < start < 10.5]
    assert inside_pause == []
    assert starts[0] == 0.0
    assert len(starts) == 5


@pytest.mark.looptime
async def test_starts_after_a_pause_are_still_paced() -> None:
    starts = await starts_around_a_pause()

    assert starts == [0.0, 10.5, 11.5, 12.5, 13.5]


@pytest.mark.looptime
async def test_cancelled_wait_for_turn_releases_the_slot() -> None:
    throttle = make_throttle(1, 2)
    await throttle.acquire()  # takes the first turn; the next turn is 1 s away
    waiter = asyncio.create_task(throttle.acquire())
    await asyncio.sleep(0.5)  # the waiter holds a slot and sleeps for its turn

    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    await throttle.release()

    async with asyncio.timeout(10.0):  # a leaked slot would block the second acquire forever
        for _ in range(throttle.max_concurrency):
            await throttle.acquire()


@pytest.mark.looptime
async def test_cancelled_wait_in_pause_releases_the_slot() -> None:
    throttle = make_throttle(None, 1)
    throttle.pause_until(now() + 5.0)
    waiter = asyncio.create_task(throttle.acquire())
    await asyncio.sleep(1.0)  # the waiter holds the only slot and sleeps through the pause

    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter

    async with asyncio.timeout(10.0):
        await throttle.acquire()


@pytest.mark.looptime
async def test_cancelled_wait_for_a_slot_leaves_the_slots_intact() -> None:
    throttle = make_throttle(None, 1)
    await throttle.acquire()
    waiter = asyncio.create_task(throttle.acquire())
    await asyncio.sleep(1.0)  # the waiter waits for the only slot

    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    await throttle.release()

    async with asyncio.timeout(10.0):
        await throttle.acquire()


def test_pause_until_never_moves_the_pause_earlier() -> None:
    throttle = Throttle(20, 5, clock=lambda: 0.0, sleep=asyncio.sleep)

    throttle.pause_until(10.0)
    throttle.pause_until(3.0)

    assert throttle.paused_until == 10.0


def test_pause_until_extends_a_pause() -> None:
    throttle = Throttle(20, 5, clock=lambda: 0.0, sleep=asyncio.sleep)

    throttle.pause_until(3.0)
    throttle.pause_until(10.0)

    assert throttle.paused_until == 10.0


def test_no_pause_initially() -> None:
    throttle = Throttle(20, 5, clock=lambda: 0.0, sleep=asyncio.sleep)

    assert throttle.paused_until == -math.inf


@pytest.mark.looptime
async def test_earlier_second_pause_does_not_shorten_the_wait() -> None:
    throttle = make_throttle(None, 5)
    began = now()

    throttle.pause_until(began + 10.0)
    throttle.pause_until(began + 3.0)
    await throttle.acquire()

    assert now() - began == 10.0


async def test_fake_clock_and_sleep_pace_the_starts() -> None:
    clock = 100.0
    sleeps: list[float] = []

    def fake_clock() -> float:
        return clock

    async def fake_sleep(seconds: float) -> None:
        nonlocal clock
        sleeps.append(seconds)
        clock += seconds

    throttle = Throttle(4, 10, clock=fake_clock, sleep=fake_sleep)
    for _ in range(3):
        await throttle.acquire()
        await throttle.release()

    assert (sleeps, clock) == ([0.25, 0.25], 100.5)


@pytest.mark.parametrize(("requests_per_second", "interval"), [(20, 0.05), (4, 0.25), (None, 0.0)])
def test_interval_is_the_reciprocal_of_the_rate(requests_per_second: float | None, interval: float) -> None:
    throttle = Throttle(requests_per_second, 5, clock=lambda: 0.0, sleep=asyncio.sleep)

    assert throttle.interval == interval


# -- cancelled calls give their start back (issue 9) -------------------------------------------------------------
@pytest.mark.looptime
async def test_cancelled_queued_calls_do_not_delay_the_next_call() -> None:
    throttle = make_throttle(5, 100)
    await throttle.acquire()  # the turn after this one is 0.2 s away
    await throttle.release()
    queued = [asyncio.create_task(throttle.acquire()) for _ in range(19)]
    await asyncio.sleep(0.1)  # all 19 wait for their turn

    for task in queued:
        task.cancel()
    await asyncio.gather(*queued, return_exceptions=True)
    began = now()
    await throttle.acquire()

    assert now() - began <= 0.2  # the one booked turn left, not 19 cancelled ones (3.9 s)


@pytest.mark.looptime
async def test_idle_client_after_an_overload_of_timed_out_calls_starts_within_one_interval() -> None:
    throttle = make_throttle(5, 200)
    started = 0

    async def one() -> None:
        nonlocal started
        async with asyncio.timeout(1.0):
            await throttle.acquire()
        started += 1
        await throttle.release()

    await asyncio.gather(*(one() for _ in range(120)), return_exceptions=True)
    began = now()
    await throttle.acquire()

    assert started == 5  # at 0, 0.2, ..., 0.8 s: every turn of the first second was used
    assert now() - began <= 0.2  # not the 23 s of turns booked by the 114 calls that gave up


@pytest.mark.looptime
async def test_calls_arriving_over_time_with_timeouts_use_every_turn() -> None:
    throttle = make_throttle(5, 200)
    started = 0

    async def one(delay: float) -> None:
        nonlocal started
        await asyncio.sleep(delay)
        try:
            async with asyncio.timeout(1.0):
                await throttle.acquire()
        except TimeoutError:
            return
        started += 1
        await throttle.release()

    # 120 calls over 6 s (20 per second, four times the rate), each giving up after 1 s.
    await asyncio.gather(*(one(i / 20) for i in range(120)))

    assert started >= 30  # about 5 per second for 6 s; cancelled bookings used to leave 7


# -- the pause budget (CallBudget) ---------------------------------------------------------------------------------
@pytest.mark.looptime
async def test_waiting_out_a_pause_spends_one_retry() -> None:
    throttle = make_throttle(None, 5)
    await throttle.pause(3.0)
    budget = CallBudget(retries=2, max_wait=60.0)
    began = now()

    await throttle.acquire(budget)

    assert (now() - began, budget.retries) == (3.0, 1)


@pytest.mark.looptime
async def test_a_pause_met_with_no_retry_left_is_refused_at_once() -> None:
    throttle = make_throttle(None, 5)
    await throttle.pause(3.0)
    began = now()

    with pytest.raises(PauseRefused) as refused:
        await throttle.acquire(CallBudget(retries=0, max_wait=60.0))

    assert (now() - began, refused.value.seconds) == (0.0, 3.0)
    await throttle.acquire()  # the refused call left its slot
    await throttle.acquire()


@pytest.mark.looptime
async def test_a_pause_longer_than_max_wait_is_refused() -> None:
    throttle = make_throttle(None, 5)
    await throttle.pause(30.0)

    with pytest.raises(PauseRefused):
        await throttle.acquire(CallBudget(retries=5, max_wait=10.0))


@pytest.mark.looptime
async def test_a_paid_pause_costs_nothing_more() -> None:
    throttle = make_throttle(None, 5)
    budget = CallBudget(retries=0, max_wait=60.0)
    budget.paid(await throttle.pause(2.0))
    began = now()

    await throttle.acquire(budget)

    assert (now() - began, budget.retries) == (2.0, 0)


async def wait_through_two_pauses(retries: int) -> tuple[CallBudget, asyncio.Task[None], bool]:
    """A call waits out a 1 s pause; as it ends, another 429 starts a second pause."""
    throttle = make_throttle(None, 5)
    budget = CallBudget(retries=retries, max_wait=60.0)
    first = await throttle.pause(1.0)
    waiter = asyncio.create_task(throttle.acquire(budget))
    await asyncio.sleep(1.0)
    second = await throttle.pause(1.0)
    await asyncio.wait([waiter])
    return budget, waiter, first != second


@pytest.mark.looptime
async def test_a_second_pause_after_the_first_ended_costs_another_retry() -> None:
    budget, waiter, new_pause = await wait_through_two_pauses(retries=2)

    assert (new_pause, waiter.exception(), budget.retries) == (True, None, 0)


@pytest.mark.looptime
async def test_a_second_pause_with_no_retry_left_is_refused() -> None:
    _, waiter, _ = await wait_through_two_pauses(retries=1)

    assert isinstance(waiter.exception(), PauseRefused)


@pytest.mark.looptime
async def test_extending_a_running_pause_keeps_its_id() -> None:
    throttle = make_throttle(None, 5)

    first = await throttle.pause(1.0)
    await asyncio.sleep(0.5)
    second = await throttle.pause(1.0)

    assert first == second
    assert throttle.paused_until == now() + 1.0
