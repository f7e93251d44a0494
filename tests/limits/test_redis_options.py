"""RedisLimiter's options and URL: bad values are one-line ConfigurationErrors; a password never shows.

No Redis is needed: RedisLimiter connects on first use, not when it is made.
"""

from __future__ import annotations

import sys

import pytest

from tmdb_async import ConfigurationError
from tmdb_async._redis import _redacted
from tmdb_async.limits import RedisLimiter

URL = "redis://127.0.0.1:1/0"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"requests_per_second": 0}, "requests_per_second must be > 0, got 0"),
        ({"requests_per_second": float("nan")}, "requests_per_second must be > 0, got nan"),
        ({"max_concurrency": 0}, "max_concurrency must be a whole number >= 1, got 0"),
        ({"max_concurrency": True}, "max_concurrency must be a whole number >= 1, got True"),
        ({"max_concurrency": 2.0}, "max_concurrency must be a whole number >= 1, got 2.0"),
        ({"key": ""}, "key must be a non-empty string, got ''"),
        ({"key": 5}, "key must be a non-empty string, got 5"),
        ({"lease_seconds": 0}, "lease_seconds must be > 0, got 0"),
        ({"on_unavailable": "ignore"}, "on_unavailable must be 'fallback' or 'raise', got 'ignore'"),
        ({"fallback_fraction": 0}, "fallback_fraction must be in (0, 1], got 0"),
        ({"fallback_fraction": 1.01}, "fallback_fraction must be in (0, 1], got 1.01"),
    ],
)
def test_a_bad_option_is_a_one_line_configuration_error(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        RedisLimiter(URL, **options)  # type: ignore[arg-type]

    assert str(caught.value) == f"RedisLimiter: {message}"


def test_every_bad_option_is_named_in_one_message() -> None:
    with pytest.raises(ConfigurationError) as caught:
        RedisLimiter(URL, requests_per_second=-1, lease_seconds=-2)

    assert str(caught.value) == (
        "RedisLimiter: requests_per_second must be > 0, got -1; lease_seconds must be > 0, got -2"
    )


async def test_the_smallest_good_options_are_taken() -> None:
    limiter = RedisLimiter(
        URL,
        requests_per_second=0.001,
        max_concurrency=1,
        key="k",
        lease_seconds=0.001,
        on_unavailable="raise",
        fallback_fraction=1,
        retry_seconds=3.5,
        socket_timeout=0.25,
    )

    assert (limiter.requests_per_second, limiter.max_concurrency, limiter.key) == (0.001, 1, "k")
    assert (limiter.lease_seconds, limiter.on_unavailable, limiter.retry_seconds) == (0.001, "raise", 3.5)
    assert limiter.socket_timeout == 0.25
    assert limiter.shared
    assert limiter.outages == 0
    await limiter.aclose()


async def test_the_defaults() -> None:
    async with RedisLimiter() as limiter:
        assert repr(limiter) == "RedisLimiter('redis://127.0.0.1:6379/0', requests_per_second=40, key='tmdb')"
        assert (limiter.max_concurrency, limiter.lease_seconds, limiter.on_unavailable) == (20, 30.0, "fallback")
        assert (limiter.retry_seconds, limiter.socket_timeout) == (2.0, 1.0)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:6379/0",
        "http://:pa55-SECRET@127.0.0.1:6379/0",
        "redis://:pa55-SECRET@127.0.0.1:99999/0",
        "redis://:pa55-SECRET@127.0.0.1:6379/0?health_check_interval=SECRET",
    ],
)
def test_a_bad_url_is_a_one_line_error_without_the_password(url: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        RedisLimiter(url)

    message = str(caught.value)
    assert message.startswith("RedisLimiter: ")
    assert message.endswith(" (a URL like redis://host:6379/0)")
    assert "\n" not in message
    assert "SECRET" not in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


async def test_the_password_of_the_url_is_not_in_the_repr() -> None:
    async with RedisLimiter("redis://user:pa55-SECRET@redis.example:6380/2", key="films") as limiter:
        assert repr(limiter) == "RedisLimiter('redis://***@redis.example:6380/2', requests_per_second=40, key='films')"
        assert limiter.url == "redis://***@redis.example:6380/2"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("redis://:pa55-SECRET@host/0", "redis://***@host/0"),
        ("redis://:pa55-SECRET@/0", "redis://***@/0"),  # no host: redis-py's default one
        ("redis://SECRET-user@host:1/0", "redis://***@host:1/0"),
        ("rediss://u:pa55-SECRET@[::1]:6379/0", "rediss://***@[::1]:6379/0"),
        ("redis://:pa55-SECRET@host:99999/0", "<a Redis URL>"),  # a port out of range: nothing of it
        ("unix:///run/redis.sock?db=1", "unix:///run/redis.sock?db=1"),
    ],
)
def test_a_url_is_shown_without_its_user_and_password(url: str, shown: str) -> None:
    assert _redacted(url) == shown


def test_without_redis_py_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)  # what `import redis.asyncio` meets without it

    with pytest.raises(ConfigurationError) as caught:
        RedisLimiter(URL)

    assert str(caught.value) == "RedisLimiter needs redis-py: pip install 'tmdb-async[redis]' (or pip install redis)"
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
