"""The respx example of docs/testing.md: respx routes answer a TMDB client on httpx's own transport.

respx patches httpx's transports, so no socket is opened; the client's retries and error
mapping still run around respx's answers.
"""

from __future__ import annotations

import httpx
import pytest
import respx

from tmdb_async import TMDB, NotFoundError
from tmdb_async.testing import sample


@respx.mock
async def test_a_respx_route_answers_the_client() -> None:
    route = respx.get("https://api.themoviedb.org/3/movie/550").respond(
        json=sample("movies.details", 550, title="Fight Club")
    )

    async with TMDB(access_token="test", transport=httpx.AsyncHTTPTransport()) as tmdb:
        movie = await tmdb.movies.details(550)

    assert (movie.title, route.call_count) == ("Fight Club", 1)
    assert route.calls.last.request.headers["authorization"] == "Bearer test"


@pytest.mark.looptime  # the backoff before the retry passes on the loop's clock, not in real time
@respx.mock
async def test_retries_and_errors_run_around_respx_answers() -> None:
    route = respx.get("https://api.themoviedb.org/3/movie/1").mock(
        side_effect=[httpx.Response(503), httpx.Response(404, json={"status_code": 34, "status_message": "nope"})]
    )

    async with TMDB(access_token="test", transport=httpx.AsyncHTTPTransport(), requests_per_second=None) as tmdb:
        tmdb_fast = tmdb.with_options(max_retries=1)
        with pytest.raises(NotFoundError) as raised:
            await tmdb_fast.movies.details(1)

    assert (route.call_count, raised.value.tmdb_status_code) == (2, 34)
