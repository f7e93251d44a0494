"""TMDBTransport through the client: what is retried, how long it waits, what it raises, what it logs.

Every test runs on looptime's fast-forwarding loop: retry and Retry-After waits take no real time,
while `loop.time()` (recorded by the mock handler at each attempt) shows the virtual seconds waited.
"""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from tmdb_async import (
    TMDB,
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    ServerError,
)
from tmdb_async._throttle import Timing
from tmdb_async.models import MovieDetails, StatusResponse

from support import official

pytestmark = pytest.mark.looptime

MOVIE = official("movies.details")
MOVIE_ID: int = MOVIE["id"]
MOVIE_PATH = f"/3/movie/{MOVIE_ID}"

Answer = Callable[[httpx.Request], httpx.Response]
Factory = Callable[..., TMDB]


def reply(
    status: int, body: Any = None, *, headers: dict[str, str] | None = None, content: bytes | None = None
) -> Answer:
    """An answer built afresh for each attempt (the transport consumes a response's stream)."""

    def build(request: httpx.Request) -> httpx.Response:
        if content is not None:
            return httpx.Response(status, content=content, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return build


def tmdb_error(status: int, code: int, message: str, *, headers: dict[str, str] | None = None) -> Answer:
    return reply(status, {"success": False, "status_code": code, "status_message": message}, headers=headers)


def fail(error: type[httpx.TransportError]) -> Answer:
    def build(request: httpx.Request) -> httpx.Response:
        raise error(f"simulated {error.__name__}", request=request)

    return build


class Script:
    """A mock TMDB playing `answers` in order (the last one repeats), recording each attempt and its loop time."""

    def __init__(self, *answers: Answer) -> None:
        self._answers = answers
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.times.append(asyncio.get_running_loop().time())
        return self._answers[min(len(self.requests), len(self._answers)) - 1](request)

    @property
    def attempts(self) -> int:
        return len(self.requests)

    @property
    def gaps(self) -> list[float]:
        """Loop seconds between consecutive attempts."""
        return [later - earlier for earlier, later in zip(self.times, self.times[1:], strict=False)]


MOVIE_OK = reply(200, MOVIE)

# A TMDB-like error answer for each status the retry rules name.
ERROR_ANSWERS: dict[int, Answer] = {
    408: reply(408, content=b""),
    429: tmdb_error(429, 25, "Your request count (41) is over the allowed limit of 40."),
    500: tmdb_error(500, 11, "Internal error: Something went wrong, contact TMDb."),
    502: tmdb_error(502, 43, "Couldn't connect to the backend server."),
    503: tmdb_error(503, 9, "Service offline: This service is temporarily offline, try again later."),
    504: tmdb_error(504, 24, "Your request to the backend server timed out. Try again."),
}


def elapsed_since(start: float) -> float:
    return asyncio.get_running_loop().time() - start


# --- GET: which answers are retried ---------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_get_retries_a_retryable_status_and_returns_the_next_success(
    mocked_tmdb_factory: Factory, status: int
) -> None:
    script = Script(ERROR_ANSWERS[status], MOVIE_OK)
    tmdb = mocked_tmdb_factory(script)

    movie = await tmdb.movies.details(MOVIE_ID)

    assert script.attempts == 2
    assert movie.id == MOVIE_ID
    assert movie.title == "Star Wars"


@pytest.mark.parametrize(
    ("status", "code", "error_class"),
    [
        (400, 18, BadRequestError),
        (401, 7, AuthenticationError),
        (403, 8, PermissionDeniedError),
        (404, 34, NotFoundError),
        (422, 5, BadRequestError),
    ],
)
async def test_get_does_not_retry_a_client_error_and_raises_its_class(
    mocked_tmdb_factory: Factory, status: int, code: int, error_class: type[APIError]
) -> None:
    script = Script(tmdb_error(status, code, "refused"))
    tmdb = mocked_tmdb_factory(script)

    with pytest.raises(error_class) as caught:
        await tmdb.movies.details(MOVIE_ID)

    assert script.attempts == 1
    assert type(caught.value) is error_class
    assert caught.value.status_code == status
    assert caught.value.tmdb_status_code == code
    assert caught.value.status_message == "refused"


async def test_get_with_max_retries_3_makes_4_attempts_then_raises_server_error_for_503(
    mocked_tmdb_factory: Factory,
) -> None:
    script = Script(ERROR_ANSWERS[503])
    tmdb = mocked_tmdb_factory(script, max_retries=3)

    with pytest.raises(ServerError) as caught:
        await tmdb.movies.details(MOVIE_ID)

    assert script.attempts == 4
    assert caught.value.status_code == 503
    assert caught.value.tmdb_status_code == 9


async def test_get_with_max_retries_3_makes_4_attempts_then_raises_rate_limit_error_with_retry_after(
    mocked_tmdb_factory: Factory,
) -> None:
    script = Script(
        tmdb_error(429, 25, "Your request count (41) is over the allowed limit of 40.", headers={"Retry-After": "2"})
    )
    tmdb = mocked_tmdb_factory(script, max_retries=3)

    with pytest.raises(RateLimitError) as caught:
        await tmdb.movies.details(MOVIE_ID)

    assert script.attempts == 4
    assert caught.value.status_code == 429
    assert caught.value.tmdb_status_code == 25
    assert caught.value.retry_after == 2.0


@pytest.mark.parametrize("error", [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError])
async def test_get_retries_a_transport_error_and_returns_the_next_success(
    mocked_tmdb_factory: Factory, error: type[httpx.TransportError]
) -> None:
    script = Script(fail(error), MOVIE_OK)
    tmdb = mocked_tmdb_factory(script)

    movie = await tmdb.movies.details(MOVIE_ID)

    assert script.attempts == 2
    assert movie.id == MOVIE_ID


@pytest.mark.parametrize(
    ("error", "raised"),
    [
        (httpx.ConnectError, APIConnectionError),
        (httpx.ReadTimeout, APITimeoutError),
        (httpx.RemoteProtocolError, APIConnectionError),
    ],
)
async def test_get_gives_up_on_a_transport_error_after_4_attempts_with_the_matching_error(
    mocked_tmdb_factory: Factory, error: type[httpx.TransportError], raised: type[APIConnectionError]
) -> None:
    script = Script(fail(error))
    tmdb = mocked_tmdb_factory(script)

    with pytest.raises(APIConnectionError) as caught:
        await tmdb.movies.details(MOVIE_ID)

    assert script.attempts == 4
    assert type(caught.value) is raised
    assert caught.value.method == "GET"
    assert caught.value.url == f"https://api.themoviedb.org{MOVIE_PATH}"
    assert str(caught.value).startswith(f"{error.__name__}: simulated {error.__name__}")


# --- POST and DELETE (the rating writes) ----------------------------------------------------------


async def rate(tmdb: TMDB) -> StatusResponse:
    return await tmdb.movies.add_rating(MOVIE_ID, value=8.5, guest_session_id="g")


async def unrate(tmdb: TMDB) -> StatusResponse:
    return await tmdb.movies.delete_rating(MOVIE_ID, guest_session_id="g")


WriteCall = Callable[[TMDB], Awaitable[StatusResponse]]

WRITES = [
    pytest.param(rate, "POST", reply(201, official("movies.add_rating")), id="POST-rating"),
    pytest.param(unrate, "DELETE", reply(200, official("movies.delete_rating")), id="DELETE-rating"),
]


@pytest.mark.parametrize(("write", "method", "success"), WRITES)
@pytest.mark.parametrize("status", [429, 503])
async def test_write_is_retried_after_a_refusal_status(
    mocked_tmdb_factory: Factory, write: WriteCall, method: str, success: Answer, status: int
) -> None:
    script = Script(ERROR_ANSWERS[status], success)
    tmdb = mocked_tmdb_factory(script)

    answer = await write(tmdb)

    assert script.attempts == 2
    assert [request.method for request in script.requests] == [method, method]
    assert answer.status_code == (1 if method == "POST" else 13)


@pytest.mark.parametrize(("write", "method", "success"), WRITES)
async def test_write_is_retried_after_a_connect_error(
    mocked_tmdb_factory: Factory, write: WriteCall, method: str, success: Answer
) -> None:
    script = Script(fail(httpx.ConnectError), success)
    tmdb = mocked_tmdb_factory(script)

    await write(tmdb)

    assert script.attempts == 2
    assert [request.method for request in script.requests] == [method, method]


async def test_retried_post_sends_the_same_rating_body_again(mocked_tmdb_factory: Factory) -> None:
    script = Script(ERROR_ANSWERS[503], reply(201, official("movies.add_rating")))
    tmdb = mocked_tmdb_factory(script)

    await rate(tmdb)

    assert [json.loads(request.content) for request in script.requests] == [{"value": 8.5}, {"value": 8.5}]
    assert [request.url.params["guest_session_id"] for request in script.requests] == ["g", "g"]


@pytest.mark.parametrize(("write", "method", "success"), WRITES)
@pytest.mark.parametrize("status", [500, 502, 504])
async def test_write_is_not_retried_after_a_server_error_that_may_have_acted(
    mocked_tmdb_factory: Factory, write: WriteCall, method: str, success: Answer, status: int
) -> None:
    script = Script(ERROR_ANSWERS[status], success)
    tmdb = mocked_tmdb_factory(script)

    with pytest.raises(ServerError) as caught:
        await write(tmdb)

    assert script.attempts == 1
    assert caught.value.status_code == status
    assert caught.value.method == method


@pytest.mark.parametrize(("write", "method", "success"), WRITES)
@pytest.mark.parametrize(
    ("error", "raised"), [(httpx.ReadTimeout, APITimeoutError), (httpx.RemoteProtocolError, APIConnectionError)]
)
async def test_write_is_not_retried_after_a_transport_error_once_sent(
    mocked_tmdb_factory: Factory,
    write: WriteCall,
    method: str,
    success: Answer,
    error: type[httpx.TransportError],
    raised: type[APIConnectionError],
) -> None:
    script = Script(fail(error), success)
    tmdb = mocked_tmdb_factory(script)

    with pytest.raises(APIConnectionError) as caught:
        await write(tmdb)

    assert script.attempts == 1
    assert type(caught.value) is raised
    assert caught.value.method == method


# --- How long it waits ----------------------------------------------------------------------------


async def test_retry_after_seconds_delays_the_retry_by_that_many_seconds(mocked_tmdb_factory: Factory) -> None:
    script = Script(tmdb_error(429, 25, "over the limit", headers={"Retry-After": "3"}), MOVIE_OK)
    tmdb = mocked_tmdb_factory(script)

    await tmdb.movies.details(MOVIE_ID)

    assert script.attempts == 2
    assert 3.0 <= script.gaps[0] < 3.1


async def test_retry_after_http_date_waits_until_that_moment(
    mocked_tmdb_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = 1_700_000_000.0
    monkeypatch.setattr(TMDB, "_timing", Timing(wall=lambda: now))
    header = email.utils.formatdate(now + 30, usegmt=True)
    script = Script(tmdb_error(503, 9, "offline", headers={"Retry-After": header}), MOVIE_OK)
    tmdb = mocked_tmdb_factory(script)

    await tmdb.movies.details(MOVIE_ID)

    assert script.attempts == 2
    assert script.gaps[0] == pytest.approx(30.0, abs=0.01)


async def test_retry_after_above_the_cap_raises_rate_limit_error_at_once(mocked_tmdb_factory: Factory) -> None:
    script = Script(tmdb_error(429, 25, "over the limit", headers={"Retry-After": "120"}), MOVIE_OK)
    tmdb = mocked_tmdb_factory(script, max_retry_after=60)
    start = asyncio.get_running_loop().time()

    with pytest.raises(RateLimitError) as caught:
        await tmdb.movies.details(MOVIE_ID)

    assert script.attempts == 1
    assert caught.value.retry_after == 120.0
    assert elapsed_since(start) == pytest.approx(0.0, abs=0.01)


@pytest.mark.parametrize(("jitter", "expected_gaps"), [(0.0, [0.25, 0.5, 1.0]), (1.0, [0.5, 1.0, 2.0])])
async def test_backoff_without_retry_after_doubles_within_its_jitter_bounds(
    mocked_tmdb_factory: Factory, monkeypatch: pytest.MonkeyPatch, jitter: float, expected_gaps: list[float]
) -> None:
    monkeypatch.setattr(TMDB, "_timing", Timing(random=lambda: jitter))
    script = Script(ERROR_ANSWERS[503])
    tmdb = mocked_tmdb_factory(script, requests_per_second=None)

    with pytest.raises(ServerError):
        await tmdb.movies.details(MOVIE_ID)

    assert script.attempts == 4
    assert script.gaps == pytest.approx(expected_gaps, abs=0.001)


async def test_an_answer_that_is_not_retried_draws_no_jitter(
    mocked_tmdb_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    draws: list[float] = []

    def draw() -> float:
        draws.append(0.5)
        return 0.5

    monkeypatch.setattr(TMDB, "_timing", Timing(random=draw))
    tmdb = mocked_tmdb_factory(Script(tmdb_error(404, 34, "The resource you requested could not be found.")))

    with pytest.raises(NotFoundError):
        await tmdb.movies.details(MOVIE_ID)

    assert draws == []


async def test_retry_after_is_read_once_for_the_wait_and_the_error(
    mocked_tmdb_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = 1_700_000_000.0
    reads: list[float] = []

    def wall() -> float:
        reads.append(now)
        return now

    monkeypatch.setattr(TMDB, "_timing", Timing(wall=wall))
    header = email.utils.formatdate(now + 120, usegmt=True)
    tmdb = mocked_tmdb_factory(Script(tmdb_error(429, 25, "over the limit", headers={"Retry-After": header})))

    with pytest.raises(RateLimitError) as caught:
        await tmdb.movies.details(MOVIE_ID)

    assert (caught.value.retry_after, len(reads)) == (120.0, 1)


async def test_an_unsupported_protocol_is_not_retried(mocked_tmdb_factory: Factory) -> None:
    script = Script(fail(httpx.UnsupportedProtocol))
    tmdb = mocked_tmdb_factory(script)

    with pytest.raises(APIConnectionError, match="UnsupportedProtocol"):
        await tmdb.movies.details(MOVIE_ID)

    assert script.attempts == 1


async def test_a_429_with_retry_after_pauses_every_request_of_the_client(mocked_tmdb_factory: Factory) -> None:
    loop = asyncio.get_running_loop()
    calls: list[float] = []
    rate_limited_at: list[float] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        calls.append(loop.time())
        if len(calls) == 1:
            await asyncio.sleep(0.09)  # while this answer is on its way, three paced requests start
            rate_limited_at.append(loop.time())
            return tmdb_error(429, 25, "over the limit", headers={"Retry-After": "5"})(request)
        return MOVIE_OK(request)

    tmdb = mocked_tmdb_factory(handler, requests_per_second=40)  # request starts 0.025 s apart

    movies = await asyncio.gather(*(tmdb.movies.details(MOVIE_ID) for _ in range(20)))

    assert [movie.id for movie in movies] == [MOVIE_ID] * 20
    assert len(calls) == 21  # 20 requests and the retry of the rate-limited one
    pause_start = rate_limited_at[0]
    started_after_the_429 = [moment for moment in calls if moment > pause_start]
    assert len(started_after_the_429) == 17  # the retry and the 16 requests that had not started yet
    assert min(started_after_the_429) >= pause_start + 5.0


# --- What it raises -------------------------------------------------------------------------------


CLOUDFLARE_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
)


async def test_html_proxy_page_502_after_retries_raises_server_error_without_tmdb_code(
    mocked_tmdb_factory: Factory,
) -> None:
    script = Script(reply(502, content=CLOUDFLARE_502, headers={"Content-Type": "text/html"}))
    tmdb = mocked_tmdb_factory(script)

    with pytest.raises(ServerError) as caught:
        await tmdb.movies.details(MOVIE_ID)

    assert script.attempts == 4
    assert caught.value.status_code == 502
    assert caught.value.tmdb_status_code is None
    assert caught.value.status_message == (
        "<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center>"
        " <hr><center>cloudflare</center> </body> </html>"
    )
    assert caught.value.body == CLOUDFLARE_502


async def test_tmdb_code_25_with_http_429_raises_rate_limit_error(mocked_tmdb_factory: Factory) -> None:
    script = Script(tmdb_error(429, 25, "Your request count (41) is over the allowed limit of 40."))
    tmdb = mocked_tmdb_factory(script)

    with pytest.raises(RateLimitError) as caught:
        await tmdb.with_options(max_retries=0).movies.details(MOVIE_ID)

    assert script.attempts == 1
    assert caught.value.tmdb_status_code == 25
    assert caught.value.status_message == "Your request count (41) is over the allowed limit of 40."
    assert caught.value.retry_after is None


async def test_200_with_invalid_json_raises_response_validation_error_keeping_the_body(
    mocked_tmdb_factory: Factory,
) -> None:
    script = Script(reply(200, content=b"{not json", headers={"Content-Type": "application/json"}))
    tmdb = mocked_tmdb_factory(script)

    with pytest.raises(ResponseValidationError) as caught:
        await tmdb.movies.details(MOVIE_ID)

    assert script.attempts == 1
    assert caught.value.body == b"{not json"
    assert caught.value.status_code == 200
    assert caught.value.method == "GET"
    assert caught.value.url == f"https://api.themoviedb.org{MOVIE_PATH}"


async def test_client_stays_usable_after_a_response_validation_error(mocked_tmdb_factory: Factory) -> None:
    script = Script(reply(200, content=b"{not json"), MOVIE_OK)
    tmdb = mocked_tmdb_factory(script)
    with pytest.raises(ResponseValidationError):
        await tmdb.movies.details(MOVIE_ID)

    movie = await tmdb.movies.details(MOVIE_ID)

    assert movie.title == "Star Wars"
    assert script.attempts == 2


async def test_200_json_missing_required_fields_raises_response_validation_error(mocked_tmdb_factory: Factory) -> None:
    script = Script(reply(200, {}))
    tmdb = mocked_tmdb_factory(script)

    with pytest.raises(ResponseValidationError) as caught:
        await tmdb.movies.popular()

    assert caught.value.body == b"{}"
    assert "$.page: expected integer, got nothing (the field is missing)" in str(caught.value)


async def test_gzip_encoded_200_body_is_decoded_and_parsed(mocked_tmdb_factory: Factory) -> None:
    compressed = gzip.compress(json.dumps(MOVIE).encode())
    script = Script(
        reply(200, content=compressed, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})
    )
    tmdb = mocked_tmdb_factory(script)

    movie = await tmdb.movies.details(MOVIE_ID)

    assert isinstance(movie, MovieDetails)
    assert movie.id == MOVIE_ID
    assert movie.title == "Star Wars"


# --- What it logs ---------------------------------------------------------------------------------


async def test_each_attempt_logs_one_debug_record_with_method_path_status_and_attempt(
    mocked_tmdb_factory: Factory, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(TMDB, "_timing", Timing(random=lambda: 0.0))
    caplog.set_level(logging.DEBUG, logger="tmdb_async")
    script = Script(ERROR_ANSWERS[503], ERROR_ANSWERS[503], MOVIE_OK)
    tmdb = mocked_tmdb_factory(script)

    await tmdb.movies.details(MOVIE_ID)

    records = [record for record in caplog.records if record.name == "tmdb_async"]
    assert [record.levelno for record in records] == [logging.DEBUG] * 3
    assert [record.getMessage() for record in records] == [
        f"GET {MOVIE_PATH} -> 503 (attempt 1/4, retrying in 0.25s)",
        f"GET {MOVIE_PATH} -> 503 (attempt 2/4, retrying in 0.50s)",
        f"GET {MOVIE_PATH} -> 200 (attempt 3/4)",
    ]
