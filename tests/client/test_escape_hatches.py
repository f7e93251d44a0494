"""Per-call extra_query / extra_headers and tmdb.with_raw_response, against a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import traceback

import httpx
import pytest

from tmdb_async import TMDB, NotFoundError, RawResponse, ServerError
from tmdb_async.models import MovieDetails

from scripted_server import Answer, ScriptedServer
from support import official

MOVIE = official("movies.details")
TOKEN = "t0ken-SECRET"


async def test_extra_query_and_headers_reach_the_server_with_the_methods_own_parameters() -> None:
    async with ScriptedServer() as server, TMDB(base_url=server.base_url, access_token=TOKEN) as tmdb:
        server.routes["/3/movie/550"] = Answer(MOVIE)
        await asyncio.wait_for(
            tmdb.movies.details(
                550,
                language="de-DE",
                extra_query={"include_image_language": "en,null", "adult": True, "video": False, "n": 3},
                extra_headers={"X-Trace": "abc"},
            ),
            5,
        )

    [seen] = server.seen
    params = httpx.URL(seen.target).params
    assert dict(params) == {
        "language": "de-DE",
        "include_image_language": "en,null",
        "adult": "true",
        "video": "false",
        "n": "3",
    }
    assert seen.headers["x-trace"] == "abc"
    assert seen.headers["authorization"] == f"Bearer {TOKEN}"


async def test_extras_are_for_one_call_only() -> None:
    async with ScriptedServer() as server, TMDB(base_url=server.base_url, access_token=TOKEN) as tmdb:
        server.routes["/3/movie/550"] = Answer(MOVIE)
        await asyncio.wait_for(tmdb.movies.details(550, extra_query={"a": "1"}, extra_headers={"X-Trace": "1"}), 5)
        await asyncio.wait_for(tmdb.movies.details(550), 5)

    assert [httpx.URL(seen.target).params.get("a") for seen in server.seen] == ["1", None]
    assert ["x-trace" in seen.headers for seen in server.seen] == [True, False]


async def test_an_extra_query_parameter_replaces_the_one_of_the_same_name() -> None:
    async with ScriptedServer() as server, TMDB(base_url=server.base_url, access_token=TOKEN) as tmdb:
        server.routes["/3/movie/550"] = Answer(MOVIE)
        await asyncio.wait_for(tmdb.movies.details(550, language="de-DE", extra_query={"language": "fr-FR"}), 5)

    assert httpx.URL(server.seen[0].target).params.get_list("language") == ["fr-FR"]


@pytest.mark.parametrize(
    ("extras", "message"),
    [
        ({"extra_headers": {"Authorization": "Bearer other"}}, "extra_headers cannot set 'Authorization'"),
        ({"extra_headers": {"authorization": "Bearer other"}}, "extra_headers cannot set 'authorization'"),
        ({"extra_query": {"api_key": "other"}}, "extra_query cannot set 'api_key'"),
        ({"extra_query": {"a": [1, 2]}}, r"extra_query\['a'\] must be a string, number or bool, got list"),
        ({"extra_headers": {"X-N": 1}}, r"extra_headers\['X-N'\] must be a string, got int"),
        ({"extra_query": [("a", "1")]}, "extra_query must be a mapping of names to values, got list"),
        ({"extra_headers": {"X-A": "1\r\nAuthorization: Bearer x"}}, "cannot hold a line break"),
        ({"extra_query": {"": "1"}}, "extra_query names must be non-empty strings, got ''"),
        ({"extra_headers": ["X-A"]}, "^extra_headers must be a mapping of names to values, got list$"),
        ({"extra_headers": {"": "1"}}, "^extra_headers names must be non-empty strings, got ''$"),
        (
            {"extra_headers": {"Authorization": "x"}},
            r"credentials are the client's \(TMDB\(access_token=\.\.\.\) or api_key=\.\.\.\)$",
        ),
    ],
)
async def test_bad_extras_are_refused_before_anything_is_sent(extras: dict[str, object], message: str) -> None:
    async with ScriptedServer() as server, TMDB(base_url=server.base_url, access_token=TOKEN) as tmdb:
        with pytest.raises(ValueError, match=message):
            await tmdb.movies.details(550, **extras)  # type: ignore[arg-type]

    assert server.seen == []


async def test_a_session_id_given_as_extra_query_is_redacted_in_errors_and_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with ScriptedServer() as server, TMDB(base_url=server.base_url, access_token=TOKEN, max_retries=0) as tmdb:
        with pytest.raises(NotFoundError) as caught:
            await asyncio.wait_for(
                tmdb.movies.details(
                    404, extra_query={"session_id": "s3ssion-SECRET"}, extra_headers={"X-Key": "h3ader-SECRET"}
                ),
                5,
            )

    assert "session_id=s3ssion-SECRET" in server.seen[0].target  # it was sent
    shown = "".join(traceback.format_exception(caught.value)) + caplog.text + repr(caught.value)
    assert "s3ssion-SECRET" not in shown
    assert "h3ader-SECRET" not in shown
    assert "session_id=REDACTED" in caught.value.url


async def test_raw_response_gives_status_headers_and_body_next_to_the_model() -> None:
    async with ScriptedServer() as server, TMDB(base_url=server.base_url, access_token=TOKEN) as tmdb:
        server.routes["/3/movie/550"] = Answer(MOVIE, headers={"Cache-Control": "public, max-age=600"})
        raw = await asyncio.wait_for(tmdb.with_raw_response.movies.details(550, append_to_response=["credits"]), 5)

    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200
    assert raw.headers["cache-control"] == "public, max-age=600"
    assert isinstance(raw.parsed, MovieDetails)
    assert raw.parsed.title == MOVIE["title"]
    assert raw.json() == MOVIE
    assert httpx.URL(server.seen[0].target).params["append_to_response"] == "credits"


async def test_raw_response_methods_check_arguments_and_raise_typed_errors_like_the_plain_ones() -> None:
    async with ScriptedServer() as server, TMDB(base_url=server.base_url, access_token=TOKEN, max_retries=0) as tmdb:
        with pytest.raises(ValueError, match="page must be from 1 to 500"):
            await tmdb.with_raw_response.movies.popular(page=501)
        with pytest.raises(NotFoundError):
            await asyncio.wait_for(tmdb.with_raw_response.movies.details(404), 5)

    assert [seen.path for seen in server.seen] == ["/3/movie/404"]


async def test_raw_response_of_a_view_uses_the_views_options() -> None:
    async with ScriptedServer() as server, TMDB(base_url=server.base_url, access_token=TOKEN, max_retries=3) as tmdb:
        server.routes["/3/movie/13"] = Answer({"status_code": 9}, status=503)
        view = tmdb.with_options(max_retries=0)
        with pytest.raises(ServerError):
            await asyncio.wait_for(view.with_raw_response.movies.details(13), 5)

    assert server.hits("/3/movie/13") == 1
    assert tmdb.with_raw_response is not view.with_raw_response
