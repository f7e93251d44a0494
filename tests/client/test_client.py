"""The TMDB client: credentials, options, default parameters, argument checks, closing, views, redaction."""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tmdb_async import (
    TMDB,
    APIConnectionError,
    ClientClosedError,
    ConfigurationError,
    NotFoundError,
    ResponseValidationError,
    ServerError,
    TMDBError,
)

from support import official

API_KEY = "k3y-SECRET"
ACCESS_TOKEN = "t0ken-SECRET"

MOVIE = official("movies.details")
MOVIE_ID: int = MOVIE["id"]

Factory = Callable[..., TMDB]

BODIES: dict[str, Any] = {
    f"/3/movie/{MOVIE_ID}": MOVIE,
    "/3/movie/popular": official("movies.popular"),
    f"/3/movie/{MOVIE_ID}/external_ids": official("movies.external_ids"),
    f"/3/movie/{MOVIE_ID}/rating": official("movies.add_rating"),
}


class Recorder:
    """A mock TMDB answering each known path with its official example (or `status`), recording the requests."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.status != 200:
            return httpx.Response(self.status, json={"success": False, "status_code": 9, "status_message": "offline"})
        route = "/3/" + request.url.path.split("/3/", 1)[1]  # without a base_url path prefix
        return httpx.Response(200, json=BODIES[route])

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    @property
    def last_params(self) -> dict[str, str]:
        return dict(self.last.url.params)


# --- Credentials ----------------------------------------------------------------------------------


async def request_sent(
    factory: Factory, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], arguments: dict[str, str | None]
) -> httpx.Request:
    """The request of one call, with `environment` set and the client made with `arguments`."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    recorder = Recorder()
    tmdb = factory(recorder, **arguments)

    await tmdb.movies.details(MOVIE_ID)

    return recorder.last


@pytest.mark.parametrize(
    ("environment", "arguments", "token"),
    [
        pytest.param({}, {"access_token": ACCESS_TOKEN}, ACCESS_TOKEN, id="access-token-argument"),
        pytest.param(
            {"TMDB_ACCESS_TOKEN": "env-token", "TMDB_API_KEY": "env-key"},
            {"access_token": None},
            "env-token",
            id="env-access-token-preferred-over-env-api-key",
        ),
    ],
)
async def test_the_access_token_is_sent_as_bearer_header(
    mocked_tmdb_factory: Factory,
    monkeypatch: pytest.MonkeyPatch,
    environment: dict[str, str],
    arguments: dict[str, str | None],
    token: str,
) -> None:
    sent = await request_sent(mocked_tmdb_factory, monkeypatch, environment, arguments)

    assert sent.headers["Authorization"] == f"Bearer {token}"
    assert "api_key" not in sent.url.params


@pytest.mark.parametrize(
    ("environment", "arguments", "key"),
    [
        pytest.param({}, {"access_token": None, "api_key": API_KEY}, API_KEY, id="api-key-argument"),
        pytest.param({"TMDB_API_KEY": "env-key"}, {"access_token": None}, "env-key", id="env-api-key-without-token"),
        pytest.param(
            {"TMDB_ACCESS_TOKEN": "env-token"},
            {"access_token": None, "api_key": API_KEY},
            API_KEY,
            id="api-key-argument-wins-over-env-access-token",
        ),
        pytest.param(
            {"TMDB_ACCESS_TOKEN": "", "TMDB_API_KEY": "env-key"},
            {"access_token": None},
            "env-key",
            id="empty-env-access-token-falls-back-to-env-api-key",
        ),
        pytest.param(
            {}, {"access_token": "", "api_key": API_KEY}, API_KEY, id="empty-access-token-falls-back-to-api-key"
        ),
    ],
)
async def test_the_api_key_is_sent_as_query_parameter(
    mocked_tmdb_factory: Factory,
    monkeypatch: pytest.MonkeyPatch,
    environment: dict[str, str],
    arguments: dict[str, str | None],
    key: str,
) -> None:
    sent = await request_sent(mocked_tmdb_factory, monkeypatch, environment, arguments)

    assert dict(sent.url.params) == {"api_key": key}
    assert "Authorization" not in sent.headers


def test_no_credentials_raise_configuration_error_naming_both_variables() -> None:
    with pytest.raises(ConfigurationError) as caught:
        TMDB()

    assert "TMDB_ACCESS_TOKEN" in str(caught.value)
    assert "TMDB_API_KEY" in str(caught.value)


def test_empty_string_arguments_count_as_missing_credentials() -> None:
    with pytest.raises(ConfigurationError, match="no TMDB credentials"):
        TMDB(access_token="", api_key="")


def test_empty_string_environment_variables_count_as_missing_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMDB_ACCESS_TOKEN", "")
    monkeypatch.setenv("TMDB_API_KEY", "")

    with pytest.raises(ConfigurationError, match="no TMDB credentials"):
        TMDB()


# --- Base URL -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environment", "argument", "expected"),
    [
        pytest.param(None, None, "https://api.themoviedb.org", id="default-is-tmdb"),
        pytest.param(None, "http://localhost:8080", "http://localhost:8080", id="argument"),
        pytest.param("http://tmdb.internal:9000", None, "http://tmdb.internal:9000", id="environment-variable"),
        pytest.param(
            "http://tmdb.internal:9000", "http://localhost:8080", "http://localhost:8080", id="argument-wins-over-env"
        ),
        pytest.param(None, "https://proxy.example/tmdb", "https://proxy.example/tmdb", id="path-prefix-kept"),
    ],
)
async def test_the_base_url_comes_from_the_argument_then_tmdb_base_url_then_tmdb(
    mocked_tmdb_factory: Factory,
    monkeypatch: pytest.MonkeyPatch,
    environment: str | None,
    argument: str | None,
    expected: str,
) -> None:
    if environment is None:
        monkeypatch.delenv("TMDB_BASE_URL", raising=False)
    else:
        monkeypatch.setenv("TMDB_BASE_URL", environment)
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder, **({} if argument is None else {"base_url": argument}))

    await tmdb.movies.details(MOVIE_ID)

    assert str(recorder.last.url) == f"{expected}/3/movie/{MOVIE_ID}"


# --- Options --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"timeout": 0}, "timeout"),
        ({"timeout": -1.0}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 1.5}, "max_retries"),
        ({"requests_per_second": 0}, "requests_per_second"),
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"max_retry_after": -1.0}, "max_retry_after"),
    ],
)
def test_invalid_option_raises_configuration_error_naming_it(options: dict[str, Any], named: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        TMDB(access_token=ACCESS_TOKEN, **options)

    assert str(caught.value).startswith(f"{named} must be")


def test_configuration_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        TMDB(access_token=ACCESS_TOKEN, max_concurrency=0)


@pytest.mark.parametrize(("options", "named"), [({"max_retries": -1}, "max_retries"), ({"timeout": 0}, "timeout")])
def test_with_options_rejects_an_invalid_option_naming_it(options: dict[str, Any], named: str) -> None:
    tmdb = TMDB(access_token=ACCESS_TOKEN)

    with pytest.raises(ConfigurationError) as caught:
        tmdb.with_options(**options)

    assert str(caught.value).startswith(f"{named} must be")


# --- Default language and region ------------------------------------------------------------------


async def test_default_language_is_sent_to_details_but_region_is_not(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder, language="de-DE", region="DE")

    await tmdb.movies.details(MOVIE_ID)

    assert recorder.last_params == {"language": "de-DE"}


async def test_default_language_and_region_are_sent_to_popular(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder, language="de-DE", region="DE")

    await tmdb.movies.popular()

    assert recorder.last_params == {"language": "de-DE", "region": "DE"}


async def test_default_language_and_region_are_not_sent_to_external_ids(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder, language="de-DE", region="DE")

    await tmdb.movies.external_ids(MOVIE_ID)

    assert recorder.last_params == {}


async def test_per_call_language_and_region_override_the_defaults(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder, language="de-DE", region="DE")

    await tmdb.movies.popular(language="pt-BR", region="BR")

    assert recorder.last_params == {"language": "pt-BR", "region": "BR"}


async def test_without_a_default_language_no_language_is_sent(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder)

    await tmdb.movies.popular()

    assert recorder.last_params == {}


# --- Argument checks ------------------------------------------------------------------------------


async def test_append_to_response_list_is_sent_comma_separated(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder)

    await tmdb.movies.details(MOVIE_ID, append_to_response=["credits", "videos"])

    assert recorder.last_params == {"append_to_response": "credits,videos"}


async def test_append_to_response_string_is_sent_as_is(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder)

    await tmdb.movies.details(MOVIE_ID, append_to_response="credits,some_future_thing")

    assert recorder.last_params == {"append_to_response": "credits,some_future_thing"}


async def test_append_to_response_unknown_name_raises_value_error_listing_known_names(
    mocked_tmdb_factory: Factory,
) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder)

    with pytest.raises(ValueError, match="unknown sub-resource") as caught:
        await tmdb.movies.details(MOVIE_ID, append_to_response=["credits", "bogus"])  # type: ignore[list-item]

    message = str(caught.value)
    assert "'bogus'" in message
    assert "known: account_states, alternative_titles, changes, credits" in message
    assert "watch/providers" in message
    assert recorder.requests == []


async def test_append_to_response_with_21_names_raises_value_error(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder)

    with pytest.raises(ValueError, match="at most 20 sub-resources, got 21"):
        await tmdb.movies.details(MOVIE_ID, append_to_response=["credits"] * 21)

    assert recorder.requests == []


@pytest.mark.parametrize("page", [0, 501])
async def test_page_out_of_range_raises_value_error_before_any_request(mocked_tmdb_factory: Factory, page: int) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder)

    with pytest.raises(ValueError, match=f"page must be from 1 to 500, got {page}"):
        await tmdb.movies.popular(page=page)

    assert recorder.requests == []


@pytest.mark.parametrize("value", [11, 8.3, 0])
async def test_rating_value_outside_half_steps_from_half_to_ten_raises_value_error(
    mocked_tmdb_factory: Factory, value: float
) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder)

    with pytest.raises(ValueError, match=f"value must be from 0.5 to 10 in steps of 0.5, got {value}"):
        await tmdb.movies.add_rating(MOVIE_ID, value=value, guest_session_id="g")

    assert recorder.requests == []


async def test_rating_value_is_sent_as_json_body(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder)

    answer = await tmdb.movies.add_rating(MOVIE_ID, value=8.5, guest_session_id="g")

    assert recorder.last.method == "POST"
    assert json.loads(recorder.last.content) == {"value": 8.5}
    assert recorder.last.headers["Content-Type"] == "application/json"
    assert recorder.last_params == {"guest_session_id": "g"}
    assert answer.status_code == 1


# --- Closing --------------------------------------------------------------------------------------


async def test_call_after_aclose_raises_client_closed_error(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder)
    await tmdb.aclose()

    with pytest.raises(ClientClosedError):
        await tmdb.movies.details(MOVIE_ID)

    assert recorder.requests == []
    assert tmdb.closed is True


async def test_call_after_leaving_async_with_raises_client_closed_error() -> None:
    recorder = Recorder()
    async with TMDB(access_token=ACCESS_TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        await tmdb.movies.details(MOVIE_ID)

    with pytest.raises(ClientClosedError):
        await tmdb.movies.details(MOVIE_ID)

    assert len(recorder.requests) == 1


async def test_client_closed_error_is_a_runtime_error(mocked_tmdb_factory: Factory) -> None:
    tmdb = mocked_tmdb_factory(Recorder())
    await tmdb.aclose()

    with pytest.raises(RuntimeError, match="closed"):
        await tmdb.movies.popular()


async def test_aclose_twice_is_harmless(mocked_tmdb_factory: Factory) -> None:
    tmdb = mocked_tmdb_factory(Recorder())

    await tmdb.aclose()
    await tmdb.aclose()

    assert tmdb.closed is True


async def test_entering_a_closed_client_raises_client_closed_error(mocked_tmdb_factory: Factory) -> None:
    tmdb = mocked_tmdb_factory(Recorder())
    await tmdb.aclose()

    with pytest.raises(ClientClosedError):
        async with tmdb:
            pass


# --- with_options ---------------------------------------------------------------------------------


@pytest.mark.looptime
async def test_with_options_max_retries_0_fails_after_one_attempt(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder(status=503)
    tmdb = mocked_tmdb_factory(recorder)

    with pytest.raises(ServerError):
        await tmdb.with_options(max_retries=0).movies.details(MOVIE_ID)

    assert len(recorder.requests) == 1


@pytest.mark.looptime
async def test_with_options_leaves_the_original_client_retrying(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder(status=503)
    tmdb = mocked_tmdb_factory(recorder)
    view = tmdb.with_options(max_retries=0)
    with pytest.raises(ServerError):
        await view.movies.details(MOVIE_ID)

    with pytest.raises(ServerError):
        await tmdb.movies.details(MOVIE_ID)

    assert len(recorder.requests) == 1 + 4


async def test_with_options_view_shares_the_transport_of_its_client(mocked_tmdb_factory: Factory) -> None:
    tmdb = mocked_tmdb_factory(Recorder())

    view = tmdb.with_options(max_retries=0)

    assert view._transport is tmdb._transport
    assert view._limiter is tmdb._limiter


async def test_with_options_view_holds_only_its_options_over_the_shared_core(mocked_tmdb_factory: Factory) -> None:
    tmdb = mocked_tmdb_factory(Recorder(), language="fr-FR")
    tmdb.movies  # noqa: B018 - the namespace is cached on the client

    view = tmdb.with_options(timeout=5)

    assert view._core is tmdb._core
    assert set(vars(view)) == {"_core", "_options", "_caller"}


async def test_closing_a_view_closes_its_client(mocked_tmdb_factory: Factory) -> None:
    tmdb = mocked_tmdb_factory(Recorder())

    await tmdb.with_options(timeout=5).aclose()

    assert tmdb.closed is True
    with pytest.raises(ClientClosedError):
        await tmdb.movies.details(MOVIE_ID)


async def test_client_timeout_is_sent_as_the_request_timeout_extension(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder, timeout=7)

    await tmdb.movies.details(MOVIE_ID)

    assert recorder.last.extensions["timeout"] == {"connect": 7.0, "read": 7.0, "write": 7.0, "pool": 7.0}


async def test_with_options_timeout_sets_the_request_timeout_extension(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder)

    await tmdb.with_options(timeout=5).movies.details(MOVIE_ID)

    assert recorder.last.extensions["timeout"] == {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}


async def test_with_options_timeout_none_removes_the_timeout(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder)

    await tmdb.with_options(timeout=None).movies.details(MOVIE_ID)

    assert recorder.last.extensions["timeout"] == {"connect": None, "read": None, "write": None, "pool": None}


async def test_with_options_timeout_leaves_the_original_client_timeout(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder)
    await tmdb.with_options(timeout=5).movies.details(MOVIE_ID)

    await tmdb.movies.details(MOVIE_ID)

    assert recorder.last.extensions["timeout"] == {"connect": 10.0, "read": 10.0, "write": 10.0, "pool": 10.0}


@pytest.mark.looptime
async def test_chained_with_options_keeps_the_earlier_timeout(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder(status=503)
    tmdb = mocked_tmdb_factory(recorder)

    with pytest.raises(ServerError):
        await tmdb.with_options(timeout=5).with_options(max_retries=0).movies.details(MOVIE_ID)

    assert len(recorder.requests) == 1
    assert recorder.last.extensions["timeout"] == {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}


# --- Redaction ------------------------------------------------------------------------------------


def redaction_handler(request: httpx.Request) -> httpx.Response:
    """/movie/404: 404; /movie/503: 503; /movie/999: connection refused; /movie/1: a 200 that is not JSON."""
    path = request.url.path
    if path == "/3/movie/404" or path.endswith("/rating"):
        return httpx.Response(
            404, json={"success": False, "status_code": 34, "status_message": "The resource could not be found."}
        )
    if path == "/3/movie/503":
        return httpx.Response(503, json={"success": False, "status_code": 9, "status_message": "Service offline."})
    if path == "/3/movie/999":
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
    if path == "/3/movie/1":
        return httpx.Response(200, content=b"<html>not json</html>")
    return httpx.Response(200, json=MOVIE)


async def failures_of_every_kind(tmdb: TMDB) -> list[TMDBError]:
    """Success, then 404, 503 after retries, a connection error and an invalid body: the exceptions raised."""
    await tmdb.movies.details(MOVIE_ID)
    raised: list[TMDBError] = []
    kinds: list[tuple[int, type[TMDBError]]] = [
        (404, NotFoundError),
        (503, ServerError),
        (999, APIConnectionError),
        (1, ResponseValidationError),
    ]
    for movie_id, expected in kinds:
        with pytest.raises(expected) as caught:
            await tmdb.movies.details(movie_id)
        raised.append(caught.value)
    return raised


def everything_shown(tmdb: TMDB, raised: list[TMDBError], caplog: pytest.LogCaptureFixture) -> list[str]:
    shown = [repr(tmdb), str(tmdb), repr(tmdb._transport.credentials), str(tmdb._transport.credentials), caplog.text]
    shown += [record.getMessage() for record in caplog.records]
    for exc in raised:
        shown += [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    return shown


@pytest.mark.looptime
@pytest.mark.parametrize(
    ("credential", "secret"), [("api_key", API_KEY), ("access_token", ACCESS_TOKEN)], ids=["api_key", "access_token"]
)
async def test_secret_credential_appears_in_no_log_record_exception_or_repr(
    mocked_tmdb_factory: Factory, caplog: pytest.LogCaptureFixture, credential: str, secret: str
) -> None:
    caplog.set_level(logging.DEBUG)
    tmdb = mocked_tmdb_factory(redaction_handler, **{"access_token": None, credential: secret})

    raised = await failures_of_every_kind(tmdb)

    assert [type(exc) for exc in raised] == [NotFoundError, ServerError, APIConnectionError, ResponseValidationError]
    assert {record.name for record in caplog.records} == {"httpx", "tmdb_async"}
    shown = everything_shown(tmdb, raised, caplog)
    assert [text for text in shown if secret in text] == []


async def test_repr_of_client_names_the_credential_kind_only(mocked_tmdb_factory: Factory) -> None:
    tmdb = mocked_tmdb_factory(Recorder(), access_token=None, api_key=API_KEY)

    assert repr(tmdb) == "TMDB(base_url='https://api.themoviedb.org', auth=api_key)"
    assert repr(tmdb._transport.credentials) == "Credentials(api_key=<redacted>)"


async def test_transport_error_message_carrying_the_url_is_redacted(mocked_tmdb_factory: Factory) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    tmdb = mocked_tmdb_factory(handler, access_token=None, api_key=API_KEY)

    with pytest.raises(APIConnectionError) as caught:
        await tmdb.with_options(max_retries=0).movies.details(MOVIE_ID)

    assert str(caught.value) == (
        f"ConnectError: cannot reach https://api.themoviedb.org/3/movie/{MOVIE_ID}?api_key=REDACTED"
        f" (GET https://api.themoviedb.org/3/movie/{MOVIE_ID})"
    )


@pytest.mark.parametrize("session_param", ["guest_session_id", "session_id"])
async def test_session_ids_are_redacted_in_exception_urls(mocked_tmdb_factory: Factory, session_param: str) -> None:
    tmdb = mocked_tmdb_factory(redaction_handler)

    session: dict[str, Any] = {session_param: "sess-SECRET"}
    with pytest.raises(NotFoundError) as caught:
        await tmdb.movies.add_rating(MOVIE_ID, value=8.5, **session)

    assert caught.value.url == f"https://api.themoviedb.org/3/movie/{MOVIE_ID}/rating?{session_param}=REDACTED"
    assert "sess-SECRET" not in str(caught.value)
    assert "sess-SECRET" not in repr(caught.value)


async def test_tasks_share_one_client_concurrently(mocked_tmdb_factory: Factory) -> None:
    recorder = Recorder()
    tmdb = mocked_tmdb_factory(recorder, requests_per_second=None)

    movies = await asyncio.gather(*(tmdb.movies.details(MOVIE_ID) for _ in range(10)))

    assert [movie.id for movie in movies] == [MOVIE_ID] * 10
    assert len(recorder.requests) == 10


async def test_an_httpx_timeout_sets_connect_and_read_apart() -> None:
    seen: list[dict[str, float | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json={"id": 7, "name": "Seven"})

    timeout = httpx.Timeout(0.3, connect=10.0)
    async with TMDB(access_token="t", timeout=timeout, transport=httpx.MockTransport(handler)) as tmdb:
        await tmdb.keywords.details(7)
    assert seen == [{"connect": 10.0, "read": 0.3, "write": 0.3, "pool": 0.3}]


def test_an_httpx_timeout_with_a_non_positive_part_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="every part of timeout"):
        TMDB(access_token="t", timeout=httpx.Timeout(1.0, read=0))
