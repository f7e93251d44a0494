"""Fixtures of the limiter tests: real redis-servers (skipped, with a hint, when none is installed).

- `redis_url`: the URL of one redis-server shared by the whole session, emptied (FLUSHALL) before each
  test. Most tests need nothing more, and mutation testing reruns them for every mutant of _redis.
- `redis_server`: a redis-server of the test's own, for the tests that stop and restart it (an outage).
- `limiters` makes RedisLimiters (closed after the test); `peek` reads what they wrote in Redis.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio

from tmdb_async.limits import RedisLimiter

from redis_server import INSTALL_HINT, REDIS_SERVER, RedisServer


def _started(directory: Path) -> RedisServer:
    if REDIS_SERVER is None:
        pytest.skip(INSTALL_HINT)
    server = RedisServer(directory)
    server.start()
    return server


@pytest.fixture(scope="session")
def shared_redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = _started(tmp_path_factory.mktemp("redis"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(shared_redis_server: RedisServer) -> str:
    with redis.Redis.from_url(shared_redis_server.url) as client:
        client.flushall()
    return shared_redis_server.url


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = _started(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def limiters(redis_url: str) -> AsyncIterator[Callable[..., RedisLimiter]]:
    """Makes RedisLimiters (on the shared server and key "test" unless told), closed after the test."""
    made: list[RedisLimiter] = []

    def make(url: str | None = None, **options: Any) -> RedisLimiter:
        options.setdefault("key", "test")
        limiter = RedisLimiter(url or redis_url, **options)
        made.append(limiter)
        return limiter

    yield make
    for limiter in made:
        await limiter.aclose()


@pytest.fixture
async def peek(redis_url: str) -> AsyncIterator[redis.asyncio.Redis]:
    """A plain redis-py client of the shared server: what the limiters wrote there."""
    async with redis.asyncio.Redis.from_url(redis_url, decode_responses=True) as client:
        yield client
