"""Checked by mypy --strict (make typecheck), never run: user code plugging limiters into TMDB."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable

from tmdb_async import TMDB
from tmdb_async.limits import CallBudget, Limiter, RedisLimiter, Throttle


class MyLimiter:
    """A user's own limiter: any object with these methods will do."""

    @property
    def max_concurrency(self) -> int:
        return 4

    async def acquire(self, budget: CallBudget | None = None) -> object:
        return None

    async def release(self, lease: object = None) -> None:
        return None

    async def pause(self, seconds: float) -> Hashable:
        return 1

    async def aclose(self) -> None:
        return None


async def shared_budget() -> None:
    limiter = RedisLimiter("redis://127.0.0.1:6379/0", requests_per_second=40, key="tmdb")
    async with limiter, TMDB(limiter=limiter) as tmdb:
        await tmdb.movies.details(550)
    local: Limiter = Throttle(40, 20, clock=lambda: 0.0, sleep=asyncio.sleep)
    mine: Limiter = MyLimiter()
    TMDB(limiter=local)
    TMDB(limiter=mine)
