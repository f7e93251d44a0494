"""Tables are behaviour: every TMDB code, every HTTP status, what it raises and whether it is retried.

mutmut does not mutate module-level tables (TMDB_CODE_STATUS, RETRY_STATUSES, ...), so each of
their entries is pinned here, through the pure functions and through the client.
"""

from __future__ import annotations

import http
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from tmdb_async import (
    TMDB,
    APIError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from tmdb_async._exceptions import TMDB_CODE_STATUS, api_error
from tmdb_async._retry import should_retry_status

pytestmark = pytest.mark.looptime

# TMDB code -> HTTP status, as documented: shared/TMDB-FACTS.md "Error envelope and codes"
# (TMDB's own error code list), copied here so the tests read nothing outside the repository.
DOCUMENTED_STATUS = {
    1: 200, 2: 501, 3: 401, 4: 405, 5: 422, 6: 404, 7: 401, 8: 403, 9: 503, 10: 401,
    11: 500, 12: 201, 13: 200, 14: 401, 15: 500, 16: 401, 17: 401, 18: 400, 19: 406, 20: 422,
    21: 200, 22: 400, 23: 400, 24: 504, 25: 429, 26: 400, 27: 400, 28: 400, 29: 400, 30: 401,
    31: 401, 32: 401, 33: 401, 34: 404, 35: 401, 36: 401, 37: 404, 38: 401, 39: 401, 40: 200,
    41: 422, 42: 405, 43: 502, 44: 500, 45: 403, 46: 503, 47: 400,
}  # fmt: skip

RETRIED = {408, 429, 500, 502, 503, 504}  # _retry.py's docstring
REFUSED = {429, 503}  # the answers after which a write is retried too


def documented_class(status: int) -> type[APIError]:
    """The class the exception tree in _exceptions.py's docstring names for an HTTP status."""
    if status in (400, 422):
        return BadRequestError
    return {401: AuthenticationError, 403: PermissionDeniedError, 404: NotFoundError, 429: RateLimitError}.get(
        status, ServerError if status >= 500 else APIError
    )


def test_the_code_table_is_tmdbs_documented_list_of_47_codes() -> None:
    assert TMDB_CODE_STATUS == DOCUMENTED_STATUS
    assert sorted(TMDB_CODE_STATUS) == list(range(1, 48))


@pytest.mark.parametrize("http_status", [400, 502])
@pytest.mark.parametrize(("code", "documented"), sorted(DOCUMENTED_STATUS.items()))
def test_each_tmdb_code_raises_the_class_of_its_documented_status(code: int, documented: int, http_status: int) -> None:
    body = b'{"success": false, "status_code": %d, "status_message": "m"}' % code
    expected = documented_class(documented if documented >= 400 else http_status)

    error = api_error(http_status, body, method="GET", url="https://api.themoviedb.org/3/movie/550")

    assert type(error) is expected
    assert (error.status_code, error.tmdb_status_code) == (http_status, code)


@pytest.mark.parametrize("code", [3, 7, 10, 14, 16, 17, 30, 31, 32, 33, 35, 36, 38, 39])
def test_every_credentials_code_is_an_authentication_error_even_on_a_404(code: int) -> None:
    body = b'{"status_code": %d, "status_message": "m"}' % code

    assert type(api_error(404, body, method="GET", url="u")) is AuthenticationError


STATUSES = [status.value for status in http.HTTPStatus if status >= 300]


@pytest.mark.parametrize("status", STATUSES)
def test_retry_decision_for_every_http_status_and_method(status: int) -> None:
    assert should_retry_status("GET", status) is (status in RETRIED)
    assert should_retry_status("HEAD", status) is (status in RETRIED)
    assert should_retry_status("POST", status) is (status in REFUSED)
    assert should_retry_status("DELETE", status) is (status in REFUSED)


@asynccontextmanager
async def client(status: int, **options: Any) -> AsyncIterator[tuple[TMDB, list[httpx.Request]]]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, content=b"<html>proxy</html>", headers={"Retry-After": "0"})

    async with TMDB(access_token="t", transport=httpx.MockTransport(answer), max_retries=1, **options) as tmdb:
        yield tmdb, seen


@pytest.mark.parametrize("status", STATUSES)
async def test_every_non_2xx_status_raises_its_class_after_one_or_two_attempts(status: int) -> None:
    async with client(status) as (tmdb, seen):
        with pytest.raises(APIError) as caught:
            await tmdb.movies.details(550)

    assert type(caught.value) is documented_class(status)
    assert caught.value.status_code == status
    assert len(seen) == (2 if status in RETRIED else 1)


async def test_a_501_is_not_retried() -> None:
    async with client(501) as (tmdb, seen):
        with pytest.raises(ServerError):
            await tmdb.movies.details(550)

    assert len(seen) == 1
    assert tmdb.stats.retries == 0


def test_an_api_error_built_without_a_body_has_an_empty_one() -> None:
    error = NotFoundError(404, tmdb_status_code=34, status_message="m", method="GET", url="u")

    assert error.body == b""
