"""What RedisLimiter writes in Redis: key names, the pacing arithmetic on Redis TIME, leases, TTLs, pause ids.

Read back with a plain redis-py client (`peek`) from the session's redis-server. Redis keeps the numbers as
"%.6f" strings of its own clock (TIME), so the arithmetic is checked to the microsecond, without timing
anything here: a start booked 1/(0.93 x rate) after the previous one is that, whatever the machine's load.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
from collections.abc import Callable
from typing import Any, cast

import pytest
import redis.asyncio

from tmdb_async.limits import CallBudget, PauseRefused, RedisLimiter

from support import timeout

BOUND = 20.0
HOUR_MS = 3_600_000
MICRO = 2e-6  # two "%.6f" roundings


def interval(requests_per_second: float) -> float:
    return 1 / (0.93 * requests_per_second)


async def redis_now(peek: redis.asyncio.Redis) -> float:
    seconds, micros = await peek.time()
    return seconds + micros / 1_000_000


async def leases(peek: redis.asyncio.Redis, key: str = "test") -> list[tuple[str, float]]:
    # redis-py types zrange's answer as a union of its shapes; with withscores=True it is (member, score) pairs.
    return cast("list[tuple[str, float]]", await peek.zrange(f"{{{key}}}:leases", 0, -1, withscores=True))


async def number(peek: redis.asyncio.Redis, name: str) -> float:
    """The number the limiters wrote under `name` (it must be there)."""
    text = await peek.get(name)
    assert isinstance(text, str), f"{name} is {text!r}"
    return float(text)


async def test_a_start_books_the_next_one_interval_later_and_a_lease_of_lease_seconds(
    limiters: Callable[..., RedisLimiter], peek: redis.asyncio.Redis
) -> None:
    limiter = limiters(requests_per_second=40, lease_seconds=7.5)
    before = await redis_now(peek)

    lease = await limiter.acquire()

    after = await redis_now(peek)
    [(_, expires)] = await leases(peek)
    start = expires - 7.5
    assert before <= start <= after  # the first start is now, on Redis's clock
    assert await number(peek, "{test}:next") == pytest.approx(start + interval(40), abs=MICRO)
    await limiter.release(lease)
    assert await leases(peek) == []  # given back at once


async def test_starts_asked_together_are_booked_one_interval_apart(
    limiters: Callable[..., RedisLimiter], peek: redis.asyncio.Redis
) -> None:
    first, second = limiters(requests_per_second=50, lease_seconds=5), limiters(requests_per_second=50, lease_seconds=5)

    async with timeout(BOUND):
        held = await asyncio.gather(first.acquire(), second.acquire(), first.acquire(), second.acquire())

    starts = sorted(expires - 5 for _, expires in await leases(peek))
    assert len(starts) == 4
    for earlier, later in itertools.pairwise(starts):
        assert later - earlier == pytest.approx(interval(50), abs=MICRO)
    assert await number(peek, "{test}:next") == pytest.approx(starts[-1] + interval(50), abs=MICRO)
    for lease, limiter in zip(held, (first, second, first, second), strict=True):
        await limiter.release(lease)


async def test_a_start_further_than_one_interval_away_is_asked_for_again_when_it_is_near(
    limiters: Callable[..., RedisLimiter], peek: redis.asyncio.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = limiters(requests_per_second=5), limiters(requests_per_second=5)
    await first.acquire()
    await peek.set("{test}:next", f"{await redis_now(peek) + 1.6 * interval(5):.6f}")  # 1.6 intervals away
    asked: list[tuple[int, float]] = []
    script = second._acquire  # the registered Lua script, wrapped to see each answer

    async def watched(**kwargs: Any) -> Any:
        answer = await script(**kwargs)
        asked.append((int(answer[0]), float(answer[1])))
        return answer

    monkeypatch.setattr(second, "_acquire", watched)
    async with timeout(BOUND):
        await second.acquire()

    # 3 = too soon: ask again in (1.6 - 1) intervals (less the moments since the SET); then granted (0),
    # for a start an interval away or less.
    assert asked[0][0] == 3
    assert 0.6 * interval(5) - 0.1 < asked[0][1] <= 0.6 * interval(5)
    assert len(asked) <= 3  # at most once more a clock's hair early: not polled
    assert [status for status, _ in asked[1:-1]] == [3] * (len(asked) - 2)
    assert asked[-1][0] == 0
    assert 0 <= asked[-1][1] <= interval(5)


async def test_keys_are_named_after_the_key_in_braces_and_disappear_after_an_idle_hour(
    limiters: Callable[..., RedisLimiter], peek: redis.asyncio.Redis
) -> None:
    limiter = limiters(key="films")
    await limiter.acquire()

    assert sorted(await peek.keys()) == ["{films}:leases", "{films}:next"]
    for key in ("{films}:leases", "{films}:next"):
        assert HOUR_MS - 60_000 < await peek.pttl(key) <= HOUR_MS

    await limiter.pause(2.0)

    assert sorted(await peek.keys()) == ["{films}:leases", "{films}:next", "{films}:pause", "{films}:pause_id"]
    assert 2_500 < await peek.pttl("{films}:pause") <= 3_000  # the pause, plus a second
    assert HOUR_MS - 60_000 < await peek.pttl("{films}:pause_id") <= HOUR_MS


async def test_a_lease_is_named_after_the_process_and_counted(
    limiters: Callable[..., RedisLimiter], peek: redis.asyncio.Redis
) -> None:
    limiter = limiters(requests_per_second=1000)

    await limiter.acquire()
    await limiter.acquire()

    names = sorted(name for name, _ in await leases(peek))
    assert [re.fullmatch(rf"{os.getpid()}-[0-9a-f]{{8}}-(\d+)", name) is not None for name in names] == [True, True]
    assert sorted(name.rsplit("-", 1)[1] for name in names) == ["0", "1"]
    assert names[0].rsplit("-", 1)[0] == names[1].rsplit("-", 1)[0]
    other = limiters(requests_per_second=1000)
    await other.acquire()
    prefixes = {name.rsplit("-", 1)[0] for name, _ in await leases(peek)}
    assert len(prefixes) == 2  # two limiters of one process do not share lease names


async def test_an_expired_lease_stops_counting(
    limiters: Callable[..., RedisLimiter], peek: redis.asyncio.Redis
) -> None:
    gone = limiters(max_concurrency=1, lease_seconds=0.2)
    await gone.acquire()  # never released: its process died
    limiter = limiters(max_concurrency=1, lease_seconds=0.2)

    async with timeout(BOUND):
        lease = await limiter.acquire()

    [(_, expires)] = await leases(peek)  # the dead lease was removed, the new one is there
    assert expires > await redis_now(peek)
    await limiter.release(lease)


async def test_a_full_house_polls_every_hundredth_of_a_second_for_a_lease_given_back(
    limiters: Callable[..., RedisLimiter], peek: redis.asyncio.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder, limiter = limiters(max_concurrency=2), limiters(max_concurrency=2)
    held = [await holder.acquire(), await holder.acquire()]
    asked: list[int] = []
    script = limiter._acquire  # the registered Lua script, wrapped to see each answer

    async def watched(**kwargs: Any) -> Any:
        answer = await script(**kwargs)
        asked.append(int(answer[0]))
        return answer

    monkeypatch.setattr(limiter, "_acquire", watched)
    began = asyncio.get_running_loop().time()
    waiting = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0.1)
    assert not waiting.done()
    assert len(await leases(peek)) == 2

    await holder.release(held[0])
    async with timeout(BOUND):
        await waiting

    held_for = asyncio.get_running_loop().time() - began
    assert asked[-1] == 0
    assert set(asked[:-1]) == {2}  # 2 = full
    assert 2 <= len(asked) <= held_for / 0.01 + 2  # a sleep of 0.01 s between asks, never a busy loop
    assert len(await leases(peek)) == 2


async def test_the_pause_holds_starts_until_its_end_on_redis_time(
    limiters: Callable[..., RedisLimiter], peek: redis.asyncio.Redis
) -> None:
    first, second = limiters(), limiters()
    before = await redis_now(peek)

    await first.pause(0.75)

    until = await number(peek, "{test}:pause")
    assert before + 0.75 <= until <= await redis_now(peek) + 0.75
    with pytest.raises(PauseRefused) as refused:
        await second.acquire(CallBudget(retries=1, max_wait=0.5))  # longer than this call may wait
    assert 0.5 < refused.value.seconds <= 0.75
    budget = CallBudget(retries=1, max_wait=5)
    async with timeout(BOUND):
        await second.acquire(budget)
    assert await redis_now(peek) >= until  # no start before the pause's end
    [(_, expires)] = await leases(peek)
    assert expires - 30 >= until


async def test_pauses_are_numbered_and_a_pause_extended_keeps_its_number(
    limiters: Callable[..., RedisLimiter], peek: redis.asyncio.Redis
) -> None:
    first, second = limiters(), limiters()

    one = await first.pause(0.1)
    extended = await second.pause(0.6)
    until = await number(peek, "{test}:pause")
    shorter = await first.pause(0.05)  # a shorter Retry-After does not shorten the pause

    assert one == extended == shorter
    assert await peek.get("{test}:pause_id") == "1"
    assert await number(peek, "{test}:pause") == until
    with pytest.raises(PauseRefused) as refused:  # `first` learnt from Redis how long the pause still runs
        await first.acquire(CallBudget(retries=0, max_wait=60))
    assert refused.value.seconds > 0.3
    await asyncio.sleep(0.65)
    assert await second.pause(0.1) != one  # after the end: a new pause
    assert await peek.get("{test}:pause_id") == "2"


async def test_a_pause_met_in_redis_is_waited_from_the_budget_once(
    limiters: Callable[..., RedisLimiter], peek: redis.asyncio.Redis
) -> None:
    first, second = limiters(), limiters()
    await first.pause(0.3)
    budget = CallBudget(retries=1, max_wait=5)

    async with timeout(BOUND):
        await second.acquire(budget)  # learns the pause from Redis, waits it out

    assert budget.retries == 0
    await second.pause(0.3)
    with pytest.raises(PauseRefused):  # the same budget, a new pause: no retry left to wait for it
        await second.acquire(budget)
