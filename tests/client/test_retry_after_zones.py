"""Retry-After as an HTTP date means the same wait whatever the machine's time zone.

The other Retry-After tests pass on a machine in UTC even if a date were read as local time:
these run in a zone five hours west of UTC (a POSIX TZ string, so no tz database is needed).
"""

from __future__ import annotations

import email.utils
import os
import time
from collections.abc import Iterator

import pytest

from tmdb_async._retry import parse_retry_after

NOW = 1_700_000_000.0  # a whole second, so formatdate() (whole seconds) round-trips exactly


@pytest.fixture
def five_hours_west_of_utc() -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = "XST5"
    time.tzset()
    try:
        assert time.timezone == 5 * 3600  # the zone took effect: the test below can tell UTC from local
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.mark.usefixtures("five_hours_west_of_utc")
@pytest.mark.parametrize("usegmt", [True, False], ids=["GMT", "-0000"])
def test_an_http_date_retry_after_is_read_as_utc_in_a_non_utc_zone(usegmt: bool) -> None:
    header = email.utils.formatdate(NOW + 30, usegmt=usegmt)  # "... GMT" or "... -0000"

    assert parse_retry_after(header, NOW) == 30.0


@pytest.mark.usefixtures("five_hours_west_of_utc")
def test_an_http_date_in_the_past_is_no_wait_in_a_non_utc_zone() -> None:
    header = email.utils.formatdate(NOW - 3600, usegmt=False)

    assert parse_retry_after(header, NOW) == 0.0
