"""The shared pause after a 429 is paid for with the call's retries (CallBudget in _throttle.py).

Runs on looptime's fast-forwarding loop: Retry-After waits take no real time, while the loop clock
shows how long each call waited.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from tmdb_async import TMDB, RateLimitError, ServerError

pytestmark = pytest.mark.looptime

Factory = Callable[..., TMDB]
MOVIE_ID = 550
RATE_LIMITED = {"success": False, "status_code": 25, "status_message": "Your request count is over the limit."}


def now() -> float:
    return asyncio.get_running_loop().time()


def endless_429(requests: list[httpx.Request]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(429, json=RATE_LIMITED, headers={"Retry-After": "1"})

    return handler


async def test_under_endless_429_no_call_waits_longer_than_its_retries_allow(mocked_tmdb_factory: Factory) -> None:
    requests: list[httpx.Request] = []
    tmdb = mocked_tmdb_factory(endless_429(requests), max_retries=1, timeout=2)
    durations: list[float] = []

    async def one() -> BaseException | None:
        began = now()
        try:
            await tmdb.movies.details(MOVIE_ID)
        except RateLimitError as exc:
            return exc
        finally:
            durations.append(now() - began)
        return None

    outcomes = await asyncio.gather(*(one() for _ in range(40)))

    assert all(isinstance(outcome, RateLimitError) for outcome in outcomes)
    # Two attempts with one Retry-After of 1 s between them, plus the pacing of 40 starts at 40/s:
    # far from the 25 s and more that calls spent waiting in an ever-renewed pause.
    assert max(durations) <= 3.0
    assert len(requests) <= 40 * 2


async def test_a_call_with_no_retries_meeting_a_pause_fails_without_sending(mocked_tmdb_factory: Factory) -> None:
    requests: list[httpx.Request] = []
    tmdb = mocked_tmdb_factory(endless_429(requests), max_retries=0)
    with pytest.raises(RateLimitError):
        await tmdb.movies.details(MOVIE_ID)  # a 429: every call of the client pauses 1 s
    began = now()

    with pytest.raises(RateLimitError) as caught:
        await tmdb.movies.details(MOVIE_ID)

    assert (len(requests), now() - began) == (1, 0.0)
    assert caught.value.retry_after == pytest.approx(1.0)
    assert "not sent" in str(caught.value)
    assert "max_retries" in str(caught.value)


async def test_waiting_out_another_calls_pause_spends_a_retry(mocked_tmdb_factory: Factory) -> None:
    answers = iter(
        [
            httpx.Response(429, json=RATE_LIMITED, headers={"Retry-After": "2"}),
            httpx.Response(503, json={"success": False, "status_code": 9, "status_message": "offline"}),
        ]
    )
    tmdb = mocked_tmdb_factory(lambda request: next(answers), max_retries=1)
    with pytest.raises(RateLimitError):
        await tmdb.with_options(max_retries=0).movies.details(MOVIE_ID)

    with pytest.raises(ServerError):  # the pause took its only retry: the 503 is not retried
        await tmdb.movies.details(MOVIE_ID)


async def test_a_pause_longer_than_max_retry_after_is_not_waited(mocked_tmdb_factory: Factory) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(429, json=RATE_LIMITED, headers={"Retry-After": "30"})

    tmdb = mocked_tmdb_factory(handler, max_retries=3, max_retry_after=60)
    with pytest.raises(RateLimitError):
        await tmdb.with_options(max_retries=0).movies.details(MOVIE_ID)  # pauses the client for 30 s
    # The two share one limiter, as two TMDBs on one RedisLimiter do.
    short = TMDB(access_token="t", transport=httpx.MockTransport(handler), max_retry_after=10, limiter=tmdb._limiter)
    began = now()

    with pytest.raises(RateLimitError):
        await short.movies.details(MOVIE_ID)

    assert (len(requests), now() - began) == (1, 0.0)
    await short.aclose()
