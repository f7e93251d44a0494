"""How particular operations' answers come back: TMDB's errors, the list DELETE's 500, a top-level array, pages."""

from __future__ import annotations

import httpx
import pytest

from tmdb_async import TMDB, NotFoundError, ResponseValidationError, ServerError, paginate

from recording import Recorder

TOKEN = "tok"
LIST_ID = 1
SERIES_ID = 1399
SEASON = 1
SESSION_ID = "2629f70fb498edc263a0adb99118ac41f0053e8c"


NOT_FOUND = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}


@pytest.mark.parametrize(
    ("facade", "args"),
    [
        ("guest_sessions.rated_movies", ("0000000000000000000000000000dead",)),  # a missing guest session
        ("companies.details", (999999999,)),
        ("reviews.details", ("000000000000000000000000",)),
        ("tv_episodes.details", (SERIES_ID, SEASON, 99)),
    ],
)
async def test_an_unknown_id_or_session_raises_not_found_once(facade: str, args: tuple[int | str, ...]) -> None:
    recorder = Recorder(NOT_FOUND, status=404)
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        namespace, name = facade.split(".")
        with pytest.raises(NotFoundError) as caught:
            await getattr(getattr(tmdb, namespace), name)(*args)

    assert (caught.value.status_code, caught.value.tmdb_status_code) == (404, 34)
    assert len(recorder.requests) == 1  # a 404 is not retried


async def test_list_delete_answered_500_after_deleting_is_raised_once_and_not_retried() -> None:
    # Known TMDB bug: the list is deleted, the answer is HTTP 500 code 11. A write is retried
    # only when TMDB surely did nothing (no connection, 429, 503): a 500 is not repeated.
    body = {
        "success": False,
        "status_code": 11,
        "status_message": "Internal error: Something went wrong, contact TMDb.",
    }
    recorder = Recorder(body, status=500)
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder), max_retries=3) as tmdb:
        with pytest.raises(ServerError) as caught:
            await tmdb.lists.delete(LIST_ID, session_id=SESSION_ID)

    assert caught.value.tmdb_status_code == 11
    assert len(recorder.requests) == 1


async def test_search_pages_can_be_paginated_with_the_query_passed_through() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        body = {"page": page, "results": [{"id": page, "name": f"k{page}"}], "total_pages": 3, "total_results": 3}
        return httpx.Response(200, json=body)

    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(handler)) as tmdb:
        names = [keyword.name async for keyword in paginate(tmdb.search.keywords, query="lost")]
    assert names == ["k1", "k2", "k3"]


async def test_a_top_level_array_answered_as_an_object_is_a_validation_error() -> None:
    recorder = Recorder({"iso_3166_1": "AD"})
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        with pytest.raises(ResponseValidationError):
            await tmdb.configuration.countries()
