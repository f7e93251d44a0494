"""RedisLimiter against a real redis-server on 127.0.0.1 (tests/limits/conftest.py; skipped without one).

Two RedisLimiter objects on one key stand for two processes (tests/limits/test_distributed.py runs real
ones). Every wait is bounded by asyncio.timeout; nothing asserts how fast anything ran, only what happened.
The waits are kept short (rates of 20 and more, pauses under a second): mutation testing reruns these
tests for every mutant of _redis. What the limiters write in Redis is pinned in test_redis_state.py, the
outages in test_redis_outage.py, the options and the URL in test_redis_options.py.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import textwrap
from collections.abc import Callable

import pytest
import redis.asyncio

from tmdb_async import TMDB
from tmdb_async.limits import CallBudget, PauseRefused, RedisLimiter, Throttle
from tmdb_async.testing import FakeTMDB

from support import timeout

BOUND = 20.0  # seconds any single step may take before the test fails instead of hanging


def now() -> float:
    return asyncio.get_running_loop().time()


async def test_two_limiters_on_one_key_pace_their_starts_together(limiters: Callable[..., RedisLimiter]) -> None:
    first, second = limiters(requests_per_second=20), limiters(requests_per_second=20)
    starts: list[float] = []

    async def one(limiter: RedisLimiter) -> None:
        lease = await limiter.acquire()
        starts.append(now())
        await limiter.release(lease)

    async with timeout(BOUND):
        await asyncio.gather(*(one(limiter) for limiter in (first, second) * 5))

    starts.sort()
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    # 1/(0.93 x 20) s apart in Redis time; seen from here a start may come a few ms early or late.
    # Unshared, the two limiters would start 2 at once (gaps of 0).
    assert min(gaps) > 0.03
    assert starts[-1] - starts[0] >= 9 * 0.05 - 0.01


async def test_requests_in_flight_are_capped_across_limiters(limiters: Callable[..., RedisLimiter]) -> None:
    first, second = limiters(max_concurrency=3), limiters(max_concurrency=3)
    held = [await first.acquire(), await second.acquire(), await first.acquire()]

    fourth = asyncio.create_task(second.acquire())
    await asyncio.sleep(0.2)
    assert not fourth.done()  # three leases taken between the two

    await first.release(held.pop())
    async with timeout(BOUND):
        held.append(await fourth)
    for lease, limiter in zip(held, (first, second, second), strict=True):
        await limiter.release(lease)


async def test_a_429_in_one_limiter_pauses_the_other(limiters: Callable[..., RedisLimiter]) -> None:
    first, second = limiters(), limiters()
    pause_id = await first.pause(0.6)

    with pytest.raises(PauseRefused) as refused:
        await second.acquire(CallBudget(retries=0, max_wait=60.0))

    assert 0.3 < refused.value.seconds <= 0.6
    budget = CallBudget(retries=1, max_wait=60.0)
    async with timeout(BOUND):
        lease = await second.acquire(budget)
    await second.release(lease)
    assert budget.retries == 0  # waiting out the other limiter's pause spent the retry
    assert (await second.pause(0.1)) != pause_id  # the first pause ended: a new one


async def test_a_pause_extended_by_another_limiter_is_the_same_pause_for_the_budget(
    limiters: Callable[..., RedisLimiter],
) -> None:
    first, second = limiters(), limiters()
    budget = CallBudget(retries=0, max_wait=60.0)
    pause_id = await first.pause(0.1)  # this call's own 429: its retry paid for the pause
    budget.paid(pause_id)

    assert await second.pause(0.4) == pause_id  # another 429 while it runs: extended, one pause
    async with timeout(BOUND):
        # `first` learns the extension from Redis when it asks for a start: no retry left, and none needed.
        lease = await first.acquire(budget)
    await first.release(lease)


async def test_a_lease_of_a_killed_process_expires(redis_url: str, limiters: Callable[..., RedisLimiter]) -> None:
    holder = textwrap.dedent(f"""
        import asyncio, sys
        from tmdb_async.limits import RedisLimiter
        async def main():
            limiter = RedisLimiter({redis_url!r}, max_concurrency=2, key="test", lease_seconds=0.5)
            await limiter.acquire()
            await limiter.acquire()
            print("held", flush=True)
            await asyncio.sleep(60)
        asyncio.run(main())
    """)
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", holder, stdout=asyncio.subprocess.PIPE)
    try:
        assert process.stdout is not None
        async with timeout(BOUND):
            assert await process.stdout.readline() == b"held\n"
    finally:
        process.kill()  # SIGKILL: no chance to give the leases back
        await process.wait()
    limiter = limiters(max_concurrency=2, lease_seconds=0.5)

    async with timeout(BOUND):  # a lease that never expired would block this forever
        lease = await limiter.acquire()
    await limiter.release(lease)


async def test_a_cancelled_wait_for_a_granted_start_gives_it_back(
    limiters: Callable[..., RedisLimiter], peek: redis.asyncio.Redis
) -> None:
    limiter = limiters(requests_per_second=4, max_concurrency=1)
    await limiter.release(await limiter.acquire())
    booked = await peek.get("{test}:next")  # the next start, a quarter second away
    waiter = asyncio.create_task(limiter.acquire())  # granted that start, sleeps until it
    async with timeout(BOUND):
        for _ in range(int(BOUND / 0.001)):  # polled: the grant is only seen in Redis
            if await peek.get("{test}:next") != booked:
                break
            await asyncio.sleep(0.001)
    assert await peek.zcard("{test}:leases") == 1

    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter

    assert await peek.get("{test}:next") == booked  # the start is free again
    assert await peek.pttl("{test}:next") > 3_500_000  # and its key still disappears after an idle hour
    assert await peek.zcard("{test}:leases") == 0
    async with timeout(BOUND):  # its local slot came back too (max_concurrency=1): not blocked
        await limiter.release(await limiter.acquire())


async def test_tmdb_with_a_redis_limiter_meets_no_429_from_a_server_at_the_same_rate(
    limiters: Callable[..., RedisLimiter],
) -> None:
    first, second = limiters(requests_per_second=20), limiters(requests_per_second=20)
    # One request of slack over the shared budget: the fake counts fixed one-second windows,
    # where a start the machine delays can land beside its successor; two unshared limiters
    # at 20 would overrun it twice over.
    async with (
        FakeTMDB(requests_per_second=21) as fake,
        TMDB(access_token="test", base_url=fake.base_url, limiter=first) as one,
        TMDB(access_token="test", base_url=fake.base_url, limiter=second) as two,
        timeout(BOUND * 2),
    ):
        movies = await asyncio.gather(*(client.movies.details(i) for i in range(1, 31) for client in (one, two)))

    assert len(movies) == 60
    assert fake.stats.rate_limited == 0
    assert one.max_concurrency == 20


def test_the_local_throttle_implements_the_protocol() -> None:
    throttle = Throttle(40, 20, clock=lambda: 0.0, sleep=asyncio.sleep)

    assert throttle.max_concurrency == 20
