"""TMDB(limiter=...) takes any object with the methods of tmdb_async.limits.Limiter."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable

import httpx
import pytest

from tmdb_async import TMDB
from tmdb_async.cli import main
from tmdb_async.limits import CallBudget, Throttle
from tmdb_async.testing import sample

MOVIE = sample("movies.details", 550, title="Fight Club")  # complete: the models check required fields


class RecordingLimiter:
    """A local Throttle that records what TMDB asks of it."""

    def __init__(self) -> None:
        self.inner = Throttle(None, 7, clock=lambda: asyncio.get_running_loop().time(), sleep=asyncio.sleep)
        self.calls: list[str] = []

    @property
    def max_concurrency(self) -> int:
        return 7

    async def acquire(self, budget: CallBudget | None = None) -> object:
        self.calls.append("acquire")
        await self.inner.acquire(budget)
        return "lease"

    async def release(self, lease: object = None) -> None:
        self.calls.append(f"release {lease}")
        await self.inner.release()

    async def pause(self, seconds: float) -> Hashable:
        self.calls.append(f"pause {seconds:g}")
        return await self.inner.pause(seconds)

    async def aclose(self) -> None:
        self.calls.append("aclose")


@pytest.mark.looptime
async def test_tmdb_takes_each_attempt_from_the_given_limiter_and_reports_429s_to_it() -> None:
    answers = iter(
        [
            httpx.Response(429, json={"status_code": 25, "status_message": "slow down"}, headers={"Retry-After": "2"}),
            httpx.Response(200, json=MOVIE),
        ]
    )
    limiter = RecordingLimiter()
    tmdb = TMDB(access_token="t", transport=httpx.MockTransport(lambda request: next(answers)), limiter=limiter)

    async with tmdb:
        movie = await tmdb.movies.details(550)

    assert movie.id == 550
    assert limiter.calls == ["acquire", "release lease", "pause 2", "acquire", "release lease"]
    assert tmdb.max_concurrency == 7


def test_redis_url_without_a_rate_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["--fake", "--redis-url", "redis://127.0.0.1:1/0", "--requests-per-second", "0", "get", "genres.movie_list"]
    )

    assert code == 2
    assert "--redis-url shares a rate limit" in capsys.readouterr().err
