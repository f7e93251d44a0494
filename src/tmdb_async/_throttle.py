"""Client-side rate limiting: the Limiter protocol, the per-call wait budget, and the local Throttle.

Every request attempt takes a lease from the client's limiter and gives it back when its
answer is read. A limiter enforces three rules, one object:
- at most `requests_per_second` request starts per second, every attempt included;
- at most `max_concurrency` requests in flight (TMDB allows about 20 connections per IP);
- after a 429, every request waits until the `Retry-After` moment (the shared pause),
  instead of each task finding out for itself.

`Throttle` (below) keeps these rules for one process and is the default;
`tmdb_async.limits.RedisLimiter` keeps them for many processes at once. Any object with
the methods of `Limiter` can be passed as `TMDB(limiter=...)`.

The pause rule (CallBudget): waiting out the shared pause is what a retry would do, so it
is paid for with the call's retries. A call that meets a pause (a 429 of its own or of
another call) spends one retry to wait it out; a pause it already paid for (its own 429)
costs nothing more; a pause longer than `max_retry_after`, or one met with no retry left,
is not waited: the call raises RateLimitError at once, without sending. So a call never
waits in pauses more often than its retries allow, however long a 429 storm lasts.

Throttle's pacing: the next start moment advances by 1/rate per start, so starts are
evenly paced and no one-second window holds more than rate + 1 of them. Callers wait for
their turn one at a time, in order, behind a lock, and the start is booked only when it
happens: a call cancelled while it waits books nothing, so cancelled calls never delay the
ones after them. Why not aiolimiter: its leaky bucket lets a full second's worth of
requests start at once and then refills, so the first second can see twice the rate,
which is what trips TMDB's limiter; this is twenty lines, strictly paced, and takes the
injectable clock and sleep that the tests use to check it without sleeping.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Protocol

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


class PauseRefused(Exception):
    """A call may not wait out the shared pause (no retry left, or longer than max_retry_after)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"paused for another {seconds:.2f} s")
        self.seconds = seconds


class CallBudget:
    """The retries one call has left, spent on its own retries and on waits in the shared pause.

    A limiter calls `admit(pause_id, seconds)` before it waits `seconds` in the shared pause
    identified by `pause_id`; it raises PauseRefused when the call may not wait (see the
    module docstring for the rule).
    """

    __slots__ = ("_paid", "max_wait", "retries")

    def __init__(self, retries: int, max_wait: float) -> None:
        self.retries = retries
        self.max_wait = max_wait
        self._paid: set[Hashable] = set()

    def spend(self) -> bool:
        """Take one retry; False when none is left."""
        if self.retries <= 0:
            return False
        self.retries -= 1
        return True

    def paid(self, pause_id: Hashable) -> None:
        """This call's own retry already paid for waiting out pause `pause_id`."""
        self._paid.add(pause_id)

    def admit(self, pause_id: Hashable, seconds: float) -> None:
        """Let the call wait `seconds` in pause `pause_id`, spending a retry unless paid; else PauseRefused."""
        if seconds > self.max_wait:
            raise PauseRefused(seconds)
        if pause_id in self._paid:
            return
        if not self.spend():
            raise PauseRefused(seconds)
        self._paid.add(pause_id)


class Limiter(Protocol):
    """What TMDB needs from a rate limiter (`TMDB(limiter=...)`); Throttle and RedisLimiter implement it."""

    @property
    def max_concurrency(self) -> int:
        """The most requests this limiter lets one client keep in flight (sizes the connection pool)."""
        ...

    async def acquire(self, budget: CallBudget | None = None) -> object:
        """Wait until one request may start; return a lease to hand to release().

        Raises PauseRefused when `budget` refuses to wait out the shared pause.
        """
        ...

    async def release(self, lease: object = None) -> None:
        """The request of `lease` is finished (its answer read, or it failed)."""
        ...

    async def pause(self, seconds: float) -> Hashable:
        """Hold every request start for `seconds` (a 429's Retry-After); return the pause's id."""
        ...

    async def aclose(self) -> None:
        """Let go of what the limiter holds (connections); called by TMDB.aclose()."""
        ...


class Throttle:
    """The local limiter: paces request starts, caps requests in flight, holds the shared pause after a 429."""

    def __init__(self, requests_per_second: float | None, max_concurrency: int, *, clock: Clock, sleep: Sleep) -> None:
        self.interval = 0.0 if requests_per_second is None else 1.0 / requests_per_second
        self._max_concurrency = max_concurrency
        self._clock = clock
        self._sleep = sleep
        self._next_start = -math.inf
        self._paused_until = -math.inf
        self._pause_id = 0
        self._slots = asyncio.Semaphore(max_concurrency)
        self._turn = asyncio.Lock()

    @property
    def max_concurrency(self) -> int:
        return self._max_concurrency

    async def acquire(self, budget: CallBudget | None = None) -> None:
        """Wait for a free slot, for the end of the pause and for this request's turn; then it may start."""
        await self._slots.acquire()
        try:
            while True:
                now = self._clock()
                if self._paused_until > now:
                    # Every waiter sees the pause (and pays for it) itself, not one at a time.
                    wait = self._paused_until - now
                    if budget is not None:
                        budget.admit(self._pause_id, wait)
                    await self._sleep(wait)
                    continue
                if self._next_start <= now and not self._turn.locked():
                    self._next_start = now + self.interval  # nobody waits: start now, without the lock
                    return
                async with self._turn:
                    if await self._take_turn():
                        return
        except BaseException:
            self._slots.release()
            raise

    async def release(self, lease: object = None) -> None:
        """The request is finished (its answer read, or it failed)."""
        self._slots.release()

    async def pause(self, seconds: float) -> int:
        """Hold every request start for `seconds` from now; the id of the pause this extends or starts."""
        return self.pause_until(self._clock() + seconds)

    def pause_until(self, moment: float) -> int:
        """Hold every request start until `moment` (on this throttle's clock); the pause's id.

        A pause that starts after the previous one ended gets a new id; one that extends a
        pause still running keeps its id (one 429 storm is one pause for CallBudget).
        """
        if self._paused_until <= self._clock():
            self._pause_id += 1
        self._paused_until = max(self._paused_until, moment)
        return self._pause_id

    @property
    def paused_until(self) -> float:
        return self._paused_until

    async def aclose(self) -> None:
        """Nothing to let go of."""

    async def _take_turn(self) -> bool:
        """Under the lock: wait for this request's turn and book it; False when a pause began first."""
        now = self._clock()
        if self._paused_until > now:
            return False
        start = now
        if self._next_start > now:
            start = self._next_start
            await self._sleep(start - now)
            if self._paused_until > self._clock():  # a 429 arrived while this request waited
                return False
        # After waiting for its turn the next one counts from the booked moment, so a late
        # wake-up does not slow the pace; nobody else moves it while the lock is held.
        self._next_start = start + self.interval
        return True
