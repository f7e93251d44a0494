"""Rate limiters for TMDB(limiter=...): the local one (the default) and one shared through Redis.

    from tmdb_async import TMDB
    from tmdb_async.limits import RedisLimiter

    async with RedisLimiter("redis://127.0.0.1:6379/0", requests_per_second=40, key="tmdb") as limiter:
        async with TMDB(limiter=limiter) as tmdb:
            ...

- `Limiter`: the protocol TMDB uses; implement it to plug another limiter.
- `Throttle`: the local limiter every TMDB makes unless given one (one process).
- `RedisLimiter`: one budget for every process sharing a Redis and a key (needs the
  `redis` extra: `pip install 'tmdb-async[redis]'`); `RedisUnavailableError` when Redis
  is out of reach and it was asked to raise rather than fall back.
- `CallBudget`, `PauseRefused`: how a limiter asks whether a call may wait out the shared
  pause after a 429 (the call's retries pay for it).

Importing this module does not import redis-py; creating a RedisLimiter does.
"""

from ._redis import RedisLimiter, RedisUnavailableError
from ._throttle import CallBudget, Limiter, PauseRefused, Throttle

__all__ = ["CallBudget", "Limiter", "PauseRefused", "RedisLimiter", "RedisUnavailableError", "Throttle"]
