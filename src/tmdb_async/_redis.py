"""RedisLimiter: one TMDB budget shared by every process that uses the same Redis and key.

What is shared, in four Redis keys under `{key}` (the braces keep them on one Redis
Cluster slot):
- `{key}:next`   the earliest moment the next request may start (start rate);
- `{key}:leases` a sorted set of requests in flight, each scored with the moment its lease
  expires: a process that dies (SIGKILL, OOM, a lost machine) leaves leases that stop
  counting after `lease_seconds`;
- `{key}:pause` and `{key}:pause_id`: the pause after a 429, and which pause it is (the
  per-call retry budget of _throttle.CallBudget pays once per pause).

Every decision is one Lua script, run atomically by Redis, that reads the time from Redis
(`TIME`), never from a machine's clock: no read-modify-write race between processes, no
clock skew between machines. Only the very next start is granted ahead of time (its
process sleeps until it); a call cancelled in that sleep gives the start and its lease
back, and a call cancelled while it waits for its turn holds nothing. The next start is
the granted one plus 1/(0.93 x rate): starts are spaced evenly in Redis time, with 7 %
of headroom for the lateness of each process (see _HEADROOM), so the shared rate is
0.93 x requests_per_second.

Inside a process, one task at a time asks Redis for a start (an asyncio lock): the others
wait behind it, so a process makes one round trip per request in steady state, plus one
to give the lease back. The pause is also known locally once seen, so every waiting task
pays for it from its own retries, as with the local Throttle.

When Redis cannot be reached (connection refused, timeout, an error from the server):
- on_unavailable="fallback" (default): this process goes on with a local Throttle at
  `fallback_fraction` of the budget (rate and concurrency), logs one warning, and tries
  Redis again after `retry_seconds`; when Redis answers, sharing resumes (one info line).
  N processes that all fall back use N x fallback_fraction of the budget, unsynchronised
  (in any one second each may start rate + 1): set it below 1/N (the default 0.2 suits
  up to four processes) to stay within the budget during an outage. For up to
  `retry_seconds` after Redis returns, processes that have not asked it yet still run on
  their fallback beside those sharing again: the budget may be exceeded by their share.
- on_unavailable="raise": the call raises RedisUnavailableError (a TMDBError) instead.

Why hand-written rather than a rate-limit package (limits, redis-rate-limiters, ...):
they offer fixed or sliding windows or a token bucket, each of which lets a burst of a
whole window start at once (what trips TMDB), and none shares a 429 pause or in-flight
leases; the three rules here are three short scripts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
from collections.abc import Hashable
from itertools import count
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from ._exceptions import ConfigurationError, TMDBError
from ._throttle import CallBudget, Throttle, loop_time

logger = logging.getLogger("tmdb_async")

# Returns {status, seconds, detail}: 0 granted (start in `seconds`, at Redis time `detail`),
# 1 paused (`seconds` left, pause id `detail`), 2 full (all leases taken), 3 too soon (ask
# again in `seconds`). At most the very next start is granted ahead of time, so waiting
# for it takes one round trip, and a process asks again only when its turn is near.
# Floats go out as strings: Redis turns Lua numbers into integers.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local paused = tonumber(redis.call('GET', KEYS[3]) or '0')
if paused > now then
  return {1, string.format('%.6f', paused - now), redis.call('GET', KEYS[4]) or '0'}
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', string.format('%.6f', now))
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  return {2, '0', '0'}
end
local start = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local interval = tonumber(ARGV[1])
if start - now > interval then
  return {3, string.format('%.6f', start - now - interval), '0'}
end
local keep = tonumber(ARGV[5])
redis.call('SET', KEYS[1], string.format('%.6f', start + interval), 'PX', keep)
redis.call('ZADD', KEYS[2], string.format('%.6f', start + tonumber(ARGV[3])), ARGV[4])
redis.call('PEXPIRE', KEYS[2], keep)
return {0, string.format('%.6f', start - now), string.format('%.6f', start)}
"""

# A 429 said wait ARGV[1] seconds: hold every start until then. A pause that starts after
# the last one ended gets a new id. Returns {pause_id, seconds left}.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
local id = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused <= now then
  id = redis.call('INCR', KEYS[2])
end
local untl = math.max(paused, now + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], string.format('%.6f', untl), 'PX', math.ceil((untl - now) * 1000) + 1000)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[2]))
return {id, string.format('%.6f', untl - now)}
"""

# A call cancelled while it waits for its granted start gives the start back (if no later
# one was granted since) and its lease. Given the keys of _ACQUIRE, it uses the first two.
_GIVE_BACK = """
local start = tonumber(ARGV[1])
if math.abs(tonumber(redis.call('GET', KEYS[1]) or '0') - (start + tonumber(ARGV[2]))) < 0.000002 then
  redis.call('SET', KEYS[1], string.format('%.6f', start), 'KEEPTTL')
end
redis.call('ZREM', KEYS[2], ARGV[3])
return 0
"""

# Starts are spaced 1 / (0.93 x rate) apart in Redis time: a request reaches TMDB some
# milliseconds after its start, more or less late in each process (CPU load, scheduling);
# 7 % of headroom absorbs up to 70 ms of such lateness per second; exact spacing met 429s from a
# limit equal to the rate, and 5 % still one in 800 on a loaded 2-core machine (bench/distributed.py).
_HEADROOM = 0.93
_FULL_POLL_SECONDS = 0.01  # how soon to ask again when every lease is taken
_KEEP_MS = 3_600_000  # idle keys disappear after an hour

OnUnavailable = Literal["fallback", "raise"]


class RedisUnavailableError(TMDBError):
    """The Redis of a RedisLimiter(on_unavailable="raise") could not be reached; the call was not sent."""


class _Lease:
    __slots__ = ("name",)

    def __init__(self, name: str | None) -> None:
        self.name = name  # the member of {key}:leases, or None under the fallback (Throttle's leases are None)


class RedisLimiter:
    """A rate limiter shared through Redis by every process using the same `url` and `key`.

    `TMDB(limiter=RedisLimiter("redis://127.0.0.1:6379/0", requests_per_second=40,
    max_concurrency=20, key="tmdb"))`. Shares the request-start rate, the requests in
    flight (leases that expire after `lease_seconds` if their process dies: keep it above
    your longest request) and the pause after a 429. See the module docstring of
    tmdb_async._redis for the failure behaviour (`on_unavailable`, `fallback_fraction`,
    `retry_seconds`). Needs redis-py: `pip install 'tmdb-async[redis]'`.

    One RedisLimiter may serve several TMDB clients of one event loop; close it with
    `await limiter.aclose()` (or `async with`) when done: TMDB does not close it.
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        *,
        requests_per_second: float = 40.0,
        max_concurrency: int = 20,
        key: str = "tmdb",
        lease_seconds: float = 30.0,
        on_unavailable: OnUnavailable = "fallback",
        fallback_fraction: float = 0.2,
        retry_seconds: float = 2.0,
        socket_timeout: float = 1.0,
    ) -> None:
        _check(requests_per_second, max_concurrency, key, lease_seconds, on_unavailable, fallback_fraction)
        try:
            from redis.asyncio import Redis
            from redis.asyncio.retry import Retry
            from redis.backoff import NoBackoff
        except ImportError:
            raise ConfigurationError(
                "RedisLimiter needs redis-py: pip install 'tmdb-async[redis]' (or pip install redis)"
            ) from None
        self.url = _redacted(url)
        self.requests_per_second = requests_per_second
        self.key = key
        self.lease_seconds = lease_seconds
        self.on_unavailable = on_unavailable
        self.retry_seconds = retry_seconds
        self.socket_timeout = socket_timeout
        self._max_concurrency = max_concurrency
        self._interval = 1.0 / (requests_per_second * _HEADROOM)
        try:
            self._redis: Any = Redis.from_url(  # pyright: ignore[reportUnknownMemberType]
                url,
                socket_timeout=socket_timeout,  # redis-py also bounds connecting with it
                # One immediate retry: a pooled connection left broken by a Redis restart is
                # replaced at once; beyond that the fallback, not a retry loop, handles outages.
                retry=Retry(NoBackoff(), 1),
            )
        except ValueError as exc:
            raise ConfigurationError(f"RedisLimiter: {exc} (a URL like redis://host:6379/0)") from None
        self._acquire = self._redis.register_script(_ACQUIRE)
        self._pause = self._redis.register_script(_PAUSE)
        self._give_back = self._redis.register_script(_GIVE_BACK)
        tag = "{" + key + "}"
        self._keys = [f"{tag}:next", f"{tag}:leases", f"{tag}:pause", f"{tag}:pause_id"]
        self._lease_prefix = f"{os.getpid()}-{os.urandom(4).hex()}-"
        self._lease_numbers = count()
        self._slots = asyncio.Semaphore(max_concurrency)
        self._turn = asyncio.Lock()
        # The shared pause as last seen from Redis, on the event loop's clock.
        self._paused_until = -math.inf
        self._pause_id: Hashable = None  # pragma: no mutate (read only after _seen_pause set it)
        self._fallback = Throttle(
            requests_per_second * fallback_fraction,
            max(1, math.floor(max_concurrency * fallback_fraction)),
            clock=loop_time,
            sleep=asyncio.sleep,
        )
        # While the loop clock is before this, Redis is not asked. -inf while Redis answers; set when
        # it did not, and kept (in the past) until it answers again: the state of an outage.
        self._fallback_until = -math.inf
        self.outages = 0  # how many times Redis became unreachable (each logged once)

    def __repr__(self) -> str:
        return f"RedisLimiter({self.url!r}, requests_per_second={self.requests_per_second:g}, key={self.key!r})"

    @property
    def max_concurrency(self) -> int:
        return self._max_concurrency

    @property
    def shared(self) -> bool:
        """False while this process runs on the local fallback (Redis unreachable)."""
        return self._fallback_until <= loop_time()

    async def acquire(self, budget: CallBudget | None = None) -> _Lease:
        """Wait for the shared pause, a shared lease and the shared start turn; the lease to release."""
        await self._slots.acquire()
        try:
            return await self._acquire_lease(budget)
        except BaseException:
            self._slots.release()
            raise

    async def release(self, lease: object = None) -> None:
        """Give the lease back (at once in Redis; if Redis is unreachable, it expires by itself)."""
        self._slots.release()
        if not isinstance(lease, _Lease):
            return
        if lease.name is None:
            await self._fallback.release()
            return
        try:
            await self._redis.zrem(self._keys[1], lease.name)
        except _redis_errors() as exc:
            self._unavailable(exc, raise_=False)

    async def pause(self, seconds: float) -> Hashable:
        """Hold every start of every process sharing this key for `seconds` (a 429's Retry-After)."""
        if self.shared:
            try:
                pause_id, left = await self._pause(keys=self._keys[2:], args=[f"{seconds:.6f}", _KEEP_MS])
            except _redis_errors() as exc:
                self._unavailable(exc, raise_=False)
            else:
                return self._seen_pause(("redis", int(pause_id)), float(left))
        # Redis is out of reach: this process pauses alone (a new object: a pause id of its own).
        if self._paused_until <= loop_time():
            self._pause_id = object()
        return self._seen_pause(self._pause_id, seconds)

    async def aclose(self) -> None:
        """Close the connections to Redis."""
        await self._redis.aclose()

    async def __aenter__(self) -> RedisLimiter:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- inside ------------------------------------------------------------------------------
    async def _acquire_lease(self, budget: CallBudget | None) -> _Lease:
        while True:
            now = loop_time()
            if self._paused_until > now:
                wait = self._paused_until - now
                if budget is not None:
                    budget.admit(self._pause_id, wait)
                await asyncio.sleep(wait)
                continue
            if not self.shared:
                # Waiting in the fallback's line ends when Redis is due to be asked again:
                # a line of waiters must not keep this process on the fallback once Redis is back.
                # No budget: the fallback is never paused (the pause is held above, in this object).
                try:
                    await asyncio.wait_for(self._fallback.acquire(), self._fallback_until - now)
                except asyncio.TimeoutError:
                    continue
                return _Lease(None)
            async with self._turn:
                lease = await self._take_turn()
            if lease is not None:
                return lease

    async def _take_turn(self) -> _Lease | None:
        """Under the local lock: ask Redis for a start until granted; None to go back (a pause, an outage)."""
        while self._paused_until <= loop_time() and self.shared:
            name = f"{self._lease_prefix}{next(self._lease_numbers)}"
            args: list[str | int] = [
                f"{self._interval:.6f}",
                self._max_concurrency,
                f"{self.lease_seconds:.6f}",
                name,
                _KEEP_MS,
            ]
            try:
                status, seconds, detail = await self._acquire(keys=self._keys, args=args)
            except _redis_errors() as exc:
                self._unavailable(exc, raise_=True)
                return None
            if self._fallback_until > -math.inf:  # the end of an outage
                self._fallback_until = -math.inf
                logger.info("RedisLimiter: Redis at %s answers again; sharing the budget again", self.url)
            status = int(status)
            if status == 0:
                await self._wait_for_start(name, float(seconds), detail)  # a start now: sleep(0)
                return _Lease(name)
            if status == 1:
                self._seen_pause(("redis", int(detail)), float(seconds))
                return None
            await asyncio.sleep(float(seconds) if status == 3 else _FULL_POLL_SECONDS)
        return None

    async def _wait_for_start(self, name: str, seconds: float, start: bytes) -> None:
        """Sleep until the granted start; cancelled, give the start and the lease `name` back."""
        try:
            await asyncio.sleep(seconds)
        except BaseException:
            with contextlib.suppress(*_redis_errors()):
                await self._give_back(keys=self._keys, args=[start, f"{self._interval:.6f}", name])
            raise

    def _seen_pause(self, pause_id: Hashable, seconds: float) -> Hashable:
        self._paused_until = max(self._paused_until, loop_time() + seconds)
        self._pause_id = pause_id
        return pause_id

    def _unavailable(self, exc: Exception, *, raise_: bool) -> None:
        detail = f"{type(exc).__name__}: {_redacted(str(exc))}"
        if self.on_unavailable == "raise" and raise_:
            raise RedisUnavailableError(
                f"the shared rate limit's Redis at {self.url} is unreachable ({detail}); the request was not sent"
            ) from None
        if self.on_unavailable == "raise":
            return  # a lease to give back or a pause to share: Redis lets the lease expire
        if self._fallback_until == -math.inf:  # once per outage, however many calls meet it
            self.outages += 1
            logger.warning(
                "RedisLimiter: Redis at %s is unreachable (%s); this process goes on alone at %g req/s"
                " and %d in flight, and tries Redis again every %g s",
                self.url,
                detail,
                1.0 / self._fallback.interval,
                self._fallback.max_concurrency,
                self.retry_seconds,
            )
        self._fallback_until = loop_time() + self.retry_seconds


def _redis_errors() -> tuple[type[Exception], ...]:
    from redis.exceptions import RedisError

    return (RedisError, OSError)


def _redacted(url: str) -> str:
    """The URL without its password (and user name)."""
    try:
        parts = urlsplit(url)
        if parts.password is None and parts.username is None:
            return url
        host = parts.hostname or ""
        if ":" in host:  # an IPv6 address, bracketed again
            host = f"[{host}]"
        netloc = "***@" + host + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "<a Redis URL>"


def _check(
    requests_per_second: float,
    max_concurrency: int,
    key: str,
    lease_seconds: float,
    on_unavailable: str,
    fallback_fraction: float,
) -> None:
    problems: list[str] = []
    if not requests_per_second > 0:
        problems.append(f"requests_per_second must be > 0, got {requests_per_second!r}")
    if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int) or max_concurrency < 1:
        problems.append(f"max_concurrency must be a whole number >= 1, got {max_concurrency!r}")
    if not key or not isinstance(key, str):
        problems.append(f"key must be a non-empty string, got {key!r}")
    if not lease_seconds > 0:
        problems.append(f"lease_seconds must be > 0, got {lease_seconds!r}")
    if on_unavailable not in ("fallback", "raise"):
        problems.append(f"on_unavailable must be 'fallback' or 'raise', got {on_unavailable!r}")
    if not 0 < fallback_fraction <= 1:
        problems.append(f"fallback_fraction must be in (0, 1], got {fallback_fraction!r}")
    if problems:
        raise ConfigurationError("RedisLimiter: " + "; ".join(problems))
