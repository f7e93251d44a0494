"""Client-side rate limiting shared by every task on a client.

Three rules, one object:
- at most `requests_per_second` request starts per second, every attempt included: each
  start reserves the next free slot on a timeline spaced 1/rate apart, so starts are
  evenly paced and no one-second window holds more than rate + 1 of them;
- at most `max_concurrency` requests in flight (TMDB allows about 20 connections per IP);
- after a 429, every request on the client waits until the `Retry-After` moment
  (`pause_until`), instead of each task finding out for itself.

Why not aiolimiter: its leaky bucket lets a full second's worth of requests start at once
and then refills, so the first second can see twice the rate, which is what trips TMDB's
limiter; a reservation timeline is ten lines, strictly paced, and takes the injectable
clock and sleep that the tests use to check it without sleeping.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


def loop_time() -> float:
    """The running event loop's clock (time.monotonic unless a test loop fast-forwards it)."""
    return asyncio.get_running_loop().time()


@dataclass(frozen=True)
class Timing:
    """Where the client reads time and waits.

    The defaults follow the event loop's clock, so a time-travelling test loop (looptime)
    runs waits of minutes in microseconds; tests may also swap the whole object.
    """

    monotonic: Clock = loop_time
    sleep: Sleep = asyncio.sleep
    wall: Clock = time.time  # Unix time, for Retry-After HTTP dates
    random: Callable[[], float] = random.random


SYSTEM_TIMING = Timing()


class Throttle:
    """Paces request starts, caps requests in flight, and holds the shared pause after a 429."""

    def __init__(self, requests_per_second: float | None, max_concurrency: int, *, clock: Clock, sleep: Sleep) -> None:
        self.interval = 0.0 if requests_per_second is None else 1.0 / requests_per_second
        self.max_concurrency = max_concurrency
        self._clock = clock
        self._sleep = sleep
        self._next_start = -math.inf
        self._paused_until = -math.inf
        self._slots = asyncio.Semaphore(max_concurrency)

    async def acquire(self) -> None:
        """Wait for a free slot and for this request's turn; then the request may start."""
        await self._slots.acquire()
        try:
            await self._wait_turn()
        except BaseException:
            self._slots.release()
            raise

    def release(self) -> None:
        """The request is finished (its answer read, or it failed)."""
        self._slots.release()

    def pause_until(self, moment: float) -> None:
        """Hold every request start until `moment` (on this throttle's clock)."""
        self._paused_until = max(self._paused_until, moment)

    @property
    def paused_until(self) -> float:
        return self._paused_until

    async def _wait_turn(self) -> None:
        while True:
            now = self._clock()
            if self._paused_until > now:
                await self._sleep(self._paused_until - now)
                continue
            start = max(now, self._next_start)
            self._next_start = start + self.interval
            if start <= now:
                return
            await self._sleep(start - now)
            if self._paused_until <= self._clock():
                return
            # A 429 arrived while this request waited for its turn: wait out the pause too.
