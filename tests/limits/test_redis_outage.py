"""RedisLimiter when Redis is out of reach: the local fallback, one warning per outage, strict mode, reconnects.

Redis out of reach is, in turn: a redis-server of the test's own that is stopped (and started again on the
same port), a port where nothing listens, a server that closes every connection, and one that never answers.
No password of the URL may show in any message. Every wait is bounded; the fallback's pace is checked from
below only (starts never closer than its interval), never how fast anything ran.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
from collections.abc import AsyncIterator, Callable

import pytest
import redis.asyncio

from tmdb_async.limits import CallBudget, PauseRefused, RedisLimiter, RedisUnavailableError

from redis_server import RedisServer, free_port
from support import timeout

BOUND = 20.0
SECRET_URL = "redis://:pa55-SECRET@127.0.0.1:{port}/0"


def now() -> float:
    return asyncio.get_running_loop().time()


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]


@pytest.fixture
def nowhere() -> str:
    """A Redis URL (with a password) where nothing listens: connections are refused."""
    return SECRET_URL.format(port=free_port())


@pytest.fixture
async def closing() -> AsyncIterator[tuple[str, list[int]]]:
    """A server that accepts and at once closes every connection; the URL and the count of connections."""
    accepted: list[int] = []

    async def close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        writer.close()

    server = await asyncio.start_server(close, "127.0.0.1", 0)
    async with server:
        yield f"redis://127.0.0.1:{server.sockets[0].getsockname()[1]}/0", accepted


@pytest.fixture
async def silent() -> AsyncIterator[str]:
    """A server that accepts connections and never answers."""
    done = asyncio.Event()

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await done.wait()
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    async with server:
        yield f"redis://127.0.0.1:{server.sockets[0].getsockname()[1]}/0"
        done.set()


async def test_redis_stopped_falls_back_warns_once_and_shares_again_when_back(
    redis_server: RedisServer, limiters: Callable[..., RedisLimiter], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tmdb_async")
    limiter = limiters(redis_server.url, requests_per_second=200, retry_seconds=0.2)
    await limiter.release(await limiter.acquire())
    redis_server.stop()

    async with timeout(BOUND):
        for _ in range(20):  # 0.5 s at the fallback's 40 req/s: Redis is tried again once or twice
            await limiter.release(await limiter.acquire())
    assert not limiter.shared
    [warning] = warnings(caplog)
    assert re.fullmatch(
        rf"RedisLimiter: Redis at redis://127\.0\.0\.1:{redis_server.port}/0 is unreachable \(ConnectionError: .+\);"
        r" this process goes on alone at 40 req/s and 4 in flight, and tries Redis again every 0\.2 s",
        warning,
    )
    assert limiter.outages == 1

    redis_server.start()
    await asyncio.sleep(0.25)  # past retry_seconds
    async with timeout(BOUND):
        lease = await limiter.acquire()
    async with redis.asyncio.Redis.from_url(redis_server.url) as client:
        assert await client.zcard("{test}:leases") == 1  # the lease is in Redis again
    await limiter.release(lease)
    assert limiter.shared
    assert [record.getMessage() for record in caplog.records if record.levelno == logging.INFO] == [
        f"RedisLimiter: Redis at {redis_server.url} answers again; sharing the budget again"
    ]
    assert limiter.outages == 1

    redis_server.stop()  # a second outage: a second warning
    async with timeout(BOUND):
        await limiter.release(await limiter.acquire())
    assert limiter.outages == 2
    assert len(warnings(caplog)) == 2


async def test_the_fallback_paces_at_its_fraction_of_the_rate(
    nowhere: str, limiters: Callable[..., RedisLimiter], caplog: pytest.LogCaptureFixture
) -> None:
    limiter = limiters(nowhere, requests_per_second=50, retry_seconds=60)  # the fallback: 10 req/s
    starts: list[float] = []

    async with timeout(BOUND):
        for _ in range(4):
            lease = await limiter.acquire()
            starts.append(now())
            await limiter.release(lease)

    assert min(later - earlier for earlier, later in itertools.pairwise(starts)) > 0.09
    assert "goes on alone at 10 req/s and 4 in flight" in warnings(caplog)[0]


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        ({"requests_per_second": 40, "max_concurrency": 3}, "8 req/s and 1 in flight"),
        ({"requests_per_second": 40, "max_concurrency": 10}, "8 req/s and 2 in flight"),
        ({"requests_per_second": 40, "max_concurrency": 20, "fallback_fraction": 0.5}, "20 req/s and 10 in flight"),
        ({"requests_per_second": 12, "max_concurrency": 4, "fallback_fraction": 1}, "12 req/s and 4 in flight"),
    ],
)
async def test_the_fallback_takes_its_fraction_of_the_rate_and_of_the_concurrency(
    nowhere: str,
    limiters: Callable[..., RedisLimiter],
    caplog: pytest.LogCaptureFixture,
    options: dict[str, object],
    shown: str,
) -> None:
    limiter = limiters(nowhere, **options)

    await limiter.release(await limiter.acquire())

    assert f"goes on alone at {shown}," in warnings(caplog)[0]
    assert "redis://***@127.0.0.1:" in caplog.text
    assert "SECRET" not in caplog.text


async def test_the_fallback_caps_requests_in_flight_and_gets_them_back(
    nowhere: str, limiters: Callable[..., RedisLimiter]
) -> None:
    limiter = limiters(nowhere, requests_per_second=1000, max_concurrency=10, retry_seconds=60)  # 2 in flight
    held = [await limiter.acquire(), await limiter.acquire()]
    third = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0.05)
    assert not third.done()

    await limiter.release(held.pop())

    async with timeout(BOUND):
        held.append(await third)
    for lease in held:
        await limiter.release(lease)


async def test_a_429_while_redis_is_out_of_reach_pauses_this_process(
    nowhere: str, limiters: Callable[..., RedisLimiter]
) -> None:
    limiter = limiters(nowhere, requests_per_second=1000, retry_seconds=60)
    await limiter.release(await limiter.acquire())  # on the fallback now

    pause_id = await limiter.pause(0.2)
    assert await limiter.pause(0.1) == pause_id  # within it: the same pause
    with pytest.raises(PauseRefused) as refused:
        await limiter.acquire(CallBudget(retries=0, max_wait=60.0))
    assert 0.1 < refused.value.seconds <= 0.2

    budget = CallBudget(retries=1, max_wait=60.0)
    budget.paid(pause_id)
    async with timeout(BOUND):
        await limiter.release(await limiter.acquire(budget))
    assert budget.retries == 1  # a pause already paid for costs nothing more
    assert await limiter.pause(0.05) != pause_id  # after its end: a new pause


async def test_the_warning_is_logged_once_however_many_calls_meet_the_outage(
    closing: tuple[str, list[int]], limiters: Callable[..., RedisLimiter], caplog: pytest.LogCaptureFixture
) -> None:
    url, accepted = closing
    limiter = limiters(url, requests_per_second=1000, retry_seconds=0.05)

    async with timeout(BOUND):
        for _ in range(3):
            await limiter.release(await limiter.acquire())
            await asyncio.sleep(0.06)  # Redis is due to be asked again: it is, and is still away

    assert len(accepted) == 3 * 2  # asked three times (each with its one retry)
    assert len(warnings(caplog)) == 1
    assert limiter.outages == 1


async def test_strict_limiter_raises_a_one_line_error_without_the_password(
    nowhere: str, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = RedisLimiter(nowhere, on_unavailable="raise", max_concurrency=1)

    for _ in range(2):  # the local slot is given back: a second call raises too, it does not hang
        with pytest.raises(RedisUnavailableError) as caught:
            async with timeout(BOUND):
                await limiter.acquire()

    message = str(caught.value)
    port = nowhere.rsplit(":", 1)[1].split("/")[0]
    assert re.fullmatch(
        rf"the shared rate limit's Redis at redis://\*\*\*@127\.0\.0\.1:{port}/0 is unreachable"
        r" \(ConnectionError: .+\); the request was not sent",
        message,
    )
    assert f"connecting to 127.0.0.1:{port}" in message  # what redis-py said
    assert "\n" not in message
    assert "SECRET" not in message + repr(limiter) + caplog.text
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert limiter.shared  # no fallback in strict mode
    assert caplog.records == []
    await limiter.aclose()


async def test_strict_limiter_lets_a_lease_expire_and_pauses_alone_when_redis_goes_away(
    redis_server: RedisServer, limiters: Callable[..., RedisLimiter], caplog: pytest.LogCaptureFixture
) -> None:
    limiter = limiters(redis_server.url, on_unavailable="raise")
    lease = await limiter.acquire()
    redis_server.stop()

    await limiter.release(lease)  # not raised: the lease expires in Redis by itself
    pause_id = await limiter.pause(0.1)  # not raised: this process pauses alone

    with pytest.raises(PauseRefused):
        await limiter.acquire(CallBudget(retries=0, max_wait=60.0))
    assert pause_id is not None
    assert caplog.records == []
    assert limiter.outages == 0


@pytest.mark.parametrize("first_to_meet_it", ["release", "pause"])
async def test_a_lease_given_back_or_a_429_may_be_the_first_to_meet_the_outage(
    redis_server: RedisServer,
    limiters: Callable[..., RedisLimiter],
    caplog: pytest.LogCaptureFixture,
    first_to_meet_it: str,
) -> None:
    limiter = limiters(redis_server.url, requests_per_second=1000)
    lease = await limiter.acquire()
    redis_server.stop()

    if first_to_meet_it == "release":
        await limiter.release(lease)
    else:
        await limiter.pause(0.01)

    assert not limiter.shared
    [warning] = warnings(caplog)
    assert f"(ConnectionError: Error 111 connecting to 127.0.0.1:{redis_server.port}." in warning
    async with timeout(BOUND):  # on the fallback now, without asking Redis
        await limiter.release(await limiter.acquire())
    assert limiter.outages == 1


async def test_a_redis_restarted_between_calls_is_reconnected_at_once(
    redis_server: RedisServer, limiters: Callable[..., RedisLimiter], caplog: pytest.LogCaptureFixture
) -> None:
    limiter = limiters(redis_server.url)
    await limiter.release(await limiter.acquire())
    redis_server.stop()
    redis_server.start()  # the pooled connection is broken: replaced by the one immediate retry

    async with timeout(BOUND):
        lease = await limiter.acquire()

    assert limiter.shared
    assert limiter.outages == 0
    assert caplog.records == []
    await limiter.release(lease)


async def test_a_failed_call_tries_redis_twice(
    closing: tuple[str, list[int]], limiters: Callable[..., RedisLimiter]
) -> None:
    url, accepted = closing
    limiter = limiters(url, on_unavailable="raise")

    with pytest.raises(RedisUnavailableError, match="ConnectionError"):
        await limiter.acquire()

    assert len(accepted) == 2  # one immediate retry, no retry loop


async def test_a_redis_that_never_answers_times_out_into_the_fallback(
    silent: str, limiters: Callable[..., RedisLimiter], caplog: pytest.LogCaptureFixture
) -> None:
    limiter = limiters(silent, socket_timeout=0.1, retry_seconds=60)

    async with timeout(5):  # without the socket timeout this waits forever
        await limiter.release(await limiter.acquire())

    assert not limiter.shared
    assert "(TimeoutError: " in warnings(caplog)[0]


async def test_calls_waiting_on_the_fallback_go_back_to_redis_when_it_is_due_again(
    redis_server: RedisServer, limiters: Callable[..., RedisLimiter]
) -> None:
    limiter = limiters(redis_server.url, requests_per_second=50, retry_seconds=0.2)  # the fallback: 10 req/s
    redis_server.stop()
    await limiter.release(await limiter.acquire())  # Redis is out of reach: the fallback for 0.2 s
    redis_server.start()
    shared: list[bool] = []

    async def one() -> None:
        lease = await limiter.acquire()
        shared.append(getattr(lease, "name", None) is not None)
        await limiter.release(lease)

    async with timeout(BOUND):
        await asyncio.gather(*(one() for _ in range(12)))  # 1.2 s in the fallback's line at 10 req/s

    assert shared.count(True) >= 8  # after 0.2 s the line asked Redis again, and Redis answered
