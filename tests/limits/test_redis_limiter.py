"""RedisLimiter against a real redis-server on 127.0.0.1 (the `redis_server` fixture; skipped without one).

Two RedisLimiter objects on one key stand for two processes (tests/limits/test_distributed.py runs real
ones). Every wait is bounded by asyncio.timeout; nothing asserts how fast anything ran, only what happened.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import sys
import textwrap
from collections.abc import AsyncIterator, Callable

import pytest
import redis.asyncio

from tmdb_async import TMDB, ConfigurationError
from tmdb_async.limits import CallBudget, PauseRefused, RedisLimiter, RedisUnavailableError, Throttle
from tmdb_async.testing import FakeTMDB

from redis_server import RedisServer
from support import timeout

BOUND = 20.0  # seconds any single step may take before the test fails instead of hanging


def now() -> float:
    return asyncio.get_running_loop().time()


@pytest.fixture
async def limiters(redis_server: RedisServer) -> AsyncIterator[Callable[..., RedisLimiter]]:
    made: list[RedisLimiter] = []

    def make(**options: object) -> RedisLimiter:
        options.setdefault("key", "test")
        limiter = RedisLimiter(redis_server.url, **options)  # type: ignore[arg-type]
        made.append(limiter)
        return limiter

    yield make
    for limiter in made:
        await limiter.aclose()


async def test_two_limiters_on_one_key_pace_their_starts_together(limiters: Callable[..., RedisLimiter]) -> None:
    first, second = limiters(requests_per_second=20), limiters(requests_per_second=20)
    starts: list[float] = []

    async def one(limiter: RedisLimiter) -> None:
        lease = await limiter.acquire()
        starts.append(now())
        await limiter.release(lease)

    async with timeout(BOUND):
        await asyncio.gather(*(one(limiter) for limiter in (first, second) * 10))

    starts.sort()
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    # 1/20 s apart in Redis time; seen from here a start may come a few ms early or late. Unshared, the
    # two limiters would start 2 at once (gaps of 0).
    assert min(gaps) > 0.03
    assert starts[-1] - starts[0] >= 19 * 0.05 - 0.01


async def test_requests_in_flight_are_capped_across_limiters(limiters: Callable[..., RedisLimiter]) -> None:
    first, second = limiters(max_concurrency=3), limiters(max_concurrency=3)
    held = [await first.acquire(), await second.acquire(), await first.acquire()]

    fourth = asyncio.create_task(second.acquire())
    await asyncio.sleep(0.3)
    assert not fourth.done()  # three leases taken between the two

    await first.release(held.pop())
    async with timeout(BOUND):
        held.append(await fourth)
    for lease, limiter in zip(held, (first, second, second), strict=True):
        await limiter.release(lease)


async def test_a_429_in_one_limiter_pauses_the_other(limiters: Callable[..., RedisLimiter]) -> None:
    first, second = limiters(), limiters()
    pause_id = await first.pause(2.0)

    with pytest.raises(PauseRefused) as refused:
        await second.acquire(CallBudget(retries=0, max_wait=60.0))

    assert 1.0 < refused.value.seconds <= 2.0
    budget = CallBudget(retries=1, max_wait=60.0)
    async with timeout(BOUND):
        lease = await second.acquire(budget)
    await second.release(lease)
    assert budget.retries == 0  # waiting out the other limiter's pause spent the retry
    assert (await second.pause(1.0)) != pause_id  # the first pause ended: a new one


async def test_a_lease_of_a_killed_process_expires(
    redis_server: RedisServer, limiters: Callable[..., RedisLimiter]
) -> None:
    holder = textwrap.dedent(f"""
        import asyncio, sys
        from tmdb_async.limits import RedisLimiter
        async def main():
            limiter = RedisLimiter({redis_server.url!r}, max_concurrency=2, key="test", lease_seconds=1.0)
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
    limiter = limiters(max_concurrency=2, lease_seconds=1.0)

    async with timeout(BOUND):  # a lease that never expired would block this forever
        lease = await limiter.acquire()
    await limiter.release(lease)


async def test_a_cancelled_wait_for_a_granted_start_gives_it_back(limiters: Callable[..., RedisLimiter]) -> None:
    limiter = limiters(requests_per_second=1)
    await limiter.release(await limiter.acquire())  # the next start is 1 s away
    waiter = asyncio.create_task(limiter.acquire())  # granted that start, sleeps until it
    await asyncio.sleep(0.2)

    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    other = limiters(requests_per_second=1, max_concurrency=1)

    async with timeout(BOUND):
        await other.release(await other.acquire())  # its slot and lease came back: not blocked


# -- Redis out of reach ------------------------------------------------------------------------------------------
async def test_redis_stopped_falls_back_warns_once_and_shares_again_when_back(
    redis_server: RedisServer, limiters: Callable[..., RedisLimiter], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tmdb_async")
    limiter = limiters(requests_per_second=100, retry_seconds=0.5)
    await limiter.release(await limiter.acquire())
    redis_server.stop()

    async with timeout(BOUND):
        for _ in range(30):  # 1.5 s at the fallback's 20 req/s: Redis is tried again 2 or 3 times
            await limiter.release(await limiter.acquire())
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert not limiter.shared
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    assert "20 req/s" in warnings[0].getMessage()  # the fallback runs at a fifth of the budget

    redis_server.start()
    await asyncio.sleep(0.6)  # past retry_seconds
    async with timeout(BOUND):
        lease = await limiter.acquire()
    async with redis.asyncio.Redis.from_url(redis_server.url) as client:
        assert await client.zcard("{test}:leases") == 1  # the lease is in Redis again
    await limiter.release(lease)
    assert limiter.shared
    assert "answers again" in caplog.text
    assert limiter.outages == 1


async def test_strict_limiter_raises_a_one_line_error_without_the_password(redis_server: RedisServer) -> None:
    url = f"redis://:pa55-SECRET@127.0.0.1:{redis_server.port}/0"
    redis_server.stop()
    limiter = RedisLimiter(url, on_unavailable="raise")

    with pytest.raises(RedisUnavailableError) as caught:
        await limiter.acquire()

    message = str(caught.value)
    assert "\n" not in message
    assert "unreachable" in message
    assert "SECRET" not in message + repr(limiter)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    await limiter.aclose()


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


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"requests_per_second": 0}, "requests_per_second must be > 0"),
        ({"max_concurrency": 0}, "max_concurrency must be a whole number >= 1"),
        ({"key": ""}, "key must be a non-empty string"),
        ({"on_unavailable": "ignore"}, "on_unavailable must be 'fallback' or 'raise'"),
        ({"fallback_fraction": 0}, "fallback_fraction must be in (0, 1]"),
    ],
)
def test_bad_options_raise_configuration_error(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        RedisLimiter("redis://127.0.0.1:1/0", **options)  # type: ignore[arg-type]


def test_the_local_throttle_implements_the_protocol() -> None:
    throttle = Throttle(40, 20, clock=lambda: 0.0, sleep=asyncio.sleep)

    assert throttle.max_concurrency == 20


async def test_calls_waiting_on_the_fallback_go_back_to_redis_when_it_is_due_again(
    redis_server: RedisServer, limiters: Callable[..., RedisLimiter]
) -> None:
    limiter = limiters(requests_per_second=20, retry_seconds=0.5)  # the fallback: 4 req/s
    redis_server.stop()
    await limiter.release(await limiter.acquire())  # Redis is out of reach: the fallback for 0.5 s
    redis_server.start()
    shared: list[bool] = []

    async def one() -> None:
        lease = await limiter.acquire()
        shared.append(getattr(lease, "name", None) is not None)
        await limiter.release(lease)

    async with timeout(BOUND):
        await asyncio.gather(*(one() for _ in range(12)))  # 3 s in the fallback's line at 4 req/s

    assert shared.count(True) >= 8  # after 0.5 s the line asked Redis again, and Redis answered
