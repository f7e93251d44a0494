"""The retry policy as small pure functions: what to retry, how long to wait.

Retried: 408, 429, 500, 502, 503, 504, timeouts and connection errors. Only GET (and
HEAD/OPTIONS) are retried after the request may have reached TMDB. POST and DELETE (the
rating writes) are retried only where TMDB surely did not act on them: the connection was
never made, or TMDB refused with 429/503 before doing anything. Why not more: a rating
POST sets a value, so repeating it is harmless in itself, but a DELETE repeated after a
lost answer finds nothing and answers 404 (code 34), reporting a failure for a delete that
worked; one rule for both writes keeps what the caller sees true.

The wait honours `Retry-After` (seconds or an HTTP date) up to `max_retry_after`; a longer
wait is not slept through, the error is raised at once. Without `Retry-After` the wait is
exponential with jitter: attempt n waits between half and all of min(cap, base * 2**n).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass

import httpx

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Answers that say the server did nothing with the request: safe to repeat a write.
REFUSED_STATUSES = frozenset({429, 503})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Errors raised before a single byte of the request could reach the server.
NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
# Errors where the server may or may not have received the request.
TRANSIENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError, httpx.DecodingError)


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to retry and how long to wait between attempts."""

    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_retry_after: float = 60.0


def should_retry_status(method: str, status_code: int) -> bool:
    """Whether an answer with this status is worth another attempt."""
    if status_code not in RETRY_STATUSES:
        return False
    return method in SAFE_METHODS or status_code in REFUSED_STATUSES


def should_retry_error(method: str, error: Exception) -> bool:
    """Whether a request that failed with this error is worth another attempt."""
    if isinstance(error, NOT_SENT_ERRORS):
        return True
    return method in SAFE_METHODS and isinstance(error, TRANSIENT_ERRORS)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if absent or unreadable.

    `now` is the current Unix time, used for the HTTP-date form. A date in the past gives 0.
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        import email.utils  # here, not at the top: rare (an HTTP-date Retry-After) and it costs import time

        try:
            moment = email.utils.parsedate_to_datetime(value)
            if moment.tzinfo is None:  # "-0000" dates: RFC 9110 says UTC
                moment = moment.replace(tzinfo=datetime.timezone.utc)
            seconds = moment.timestamp() - now
        except (TypeError, ValueError, IndexError, OverflowError):  # a garbled date reads as no header
            return None
    if not math.isfinite(seconds):  # NaN or infinite
        return None
    return max(0.0, seconds)


def backoff_delay(attempt: int, policy: RetryPolicy, random: Callable[[], float]) -> float:
    """The wait before retry number `attempt` (0 for the first retry): in [ceiling/2, ceiling]."""
    ceiling = min(policy.backoff_cap, policy.backoff_base * 2.0**attempt)
    return ceiling / 2 + random() * ceiling / 2
