"""tmdb.paginate(): page after page of a paged operation, served by a mock TMDB built from the official example."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tmdb_async import TMDB
from tmdb_async.models import MovieSummary

from support import official

Factory = Callable[..., TMDB]

POPULAR = official("movies.popular")
ITEMS_PER_PAGE = len(POPULAR["results"])  # 20


class PagedTMDB:
    """Answers /3/movie/popular?page=n with the official example, its page and total_pages rewritten.

    Each item's id is rewritten to `page * 1000 + position`, so the order of the items shows in their ids.
    """

    def __init__(
        self, total_pages: int, *, items_per_page: int = ITEMS_PER_PAGE, empty_from: int | None = None
    ) -> None:
        self.total_pages = total_pages
        self.items_per_page = items_per_page
        self.empty_from = empty_from
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        page = int(request.url.params["page"])
        return httpx.Response(200, json=self.body(page))

    def body(self, page: int) -> dict[str, Any]:
        body: dict[str, Any] = copy.deepcopy(POPULAR)
        results = (
            [] if self.empty_from is not None and page >= self.empty_from else body["results"][: self.items_per_page]
        )
        for position, item in enumerate(results):
            item["id"] = page * 1000 + position
        body.update(page=page, results=results, total_pages=self.total_pages, total_results=self.total_pages * 20)
        return body

    @property
    def pages_requested(self) -> list[int]:
        return [int(request.url.params["page"]) for request in self.requests]


async def collect(tmdb: TMDB, max_pages: int | None = None, **kwargs: Any) -> list[MovieSummary]:
    return [movie async for movie in tmdb.paginate(tmdb.movies.popular, **kwargs).max_pages(max_pages)]


async def test_stops_after_total_pages(mocked_tmdb_factory: Factory) -> None:
    server = PagedTMDB(total_pages=3)
    tmdb = mocked_tmdb_factory(server, requests_per_second=None)

    movies = await collect(tmdb)

    assert len(movies) == 60
    assert server.pages_requested == [1, 2, 3]


async def test_max_pages_limits_the_pages_fetched(mocked_tmdb_factory: Factory) -> None:
    server = PagedTMDB(total_pages=10)
    tmdb = mocked_tmdb_factory(server, requests_per_second=None)

    movies = await collect(tmdb, max_pages=2)

    assert len(movies) == 40
    assert server.pages_requested == [1, 2]


async def test_stops_at_page_500_whatever_total_pages_says(mocked_tmdb_factory: Factory) -> None:
    server = PagedTMDB(total_pages=1000, items_per_page=1)
    tmdb = mocked_tmdb_factory(server, requests_per_second=None)

    movies = await collect(tmdb)

    assert len(server.requests) == 500
    assert server.pages_requested[-1] == 500
    assert len(movies) == 500


async def test_stops_at_an_empty_page(mocked_tmdb_factory: Factory) -> None:
    server = PagedTMDB(total_pages=10, empty_from=3)
    tmdb = mocked_tmdb_factory(server, requests_per_second=None)

    movies = await collect(tmdb)

    assert len(movies) == 40
    assert server.pages_requested == [1, 2, 3]


async def test_keyword_arguments_are_sent_with_every_page(mocked_tmdb_factory: Factory) -> None:
    server = PagedTMDB(total_pages=3)
    tmdb = mocked_tmdb_factory(server, requests_per_second=None)

    await collect(tmdb, region="US", language="en-US")

    assert [dict(request.url.params) for request in server.requests] == [
        {"page": str(page), "region": "US", "language": "en-US"} for page in (1, 2, 3)
    ]


async def test_client_default_language_is_sent_with_every_page(mocked_tmdb_factory: Factory) -> None:
    server = PagedTMDB(total_pages=2)
    tmdb = mocked_tmdb_factory(server, requests_per_second=None, language="de-DE")

    await collect(tmdb)

    assert [request.url.params.get("language") for request in server.requests] == ["de-DE", "de-DE"]


async def test_page_keyword_is_the_first_page(mocked_tmdb_factory: Factory) -> None:
    server = PagedTMDB(total_pages=5)
    tmdb = mocked_tmdb_factory(server, requests_per_second=None)

    movies = await collect(tmdb, page=3)

    assert server.pages_requested == [3, 4, 5]
    assert movies[0].id == 3000


async def test_page_0_raises_value_error_like_the_method_itself(mocked_tmdb_factory: Factory) -> None:
    server = PagedTMDB(total_pages=3)
    tmdb = mocked_tmdb_factory(server, requests_per_second=None)

    with pytest.raises(ValueError, match="page must be from 1 to 500, got 0"):
        await collect(tmdb, page=0)

    assert server.requests == []


@pytest.mark.parametrize("max_pages", [0, -1])
async def test_max_pages_below_1_raises_value_error_before_any_request(
    mocked_tmdb_factory: Factory, max_pages: int
) -> None:
    server = PagedTMDB(total_pages=3)
    tmdb = mocked_tmdb_factory(server, requests_per_second=None)

    with pytest.raises(
        ValueError, match=f"max_pages must be a whole number >= 1, or None for all pages, got {max_pages}"
    ):
        await collect(tmdb, max_pages=max_pages)

    assert server.requests == []


async def test_items_come_out_in_page_then_position_order(mocked_tmdb_factory: Factory) -> None:
    server = PagedTMDB(total_pages=3, items_per_page=2)
    tmdb = mocked_tmdb_factory(server, requests_per_second=None)

    movies = await collect(tmdb)

    assert [movie.id for movie in movies] == [1000, 1001, 2000, 2001, 3000, 3001]


async def test_items_are_typed_movie_summaries(mocked_tmdb_factory: Factory) -> None:
    server = PagedTMDB(total_pages=1)
    tmdb = mocked_tmdb_factory(server, requests_per_second=None)

    movies = await collect(tmdb)

    assert all(type(movie) is MovieSummary for movie in movies)
    assert movies[0].title == POPULAR["results"][0]["title"]
    assert movies[0].vote_average == POPULAR["results"][0]["vote_average"]


async def test_stopping_early_makes_no_further_request(mocked_tmdb_factory: Factory) -> None:
    server = PagedTMDB(total_pages=10)
    tmdb = mocked_tmdb_factory(server, requests_per_second=None)

    pages = tmdb.paginate(tmdb.movies.popular)
    first = [await anext(pages) for _ in range(ITEMS_PER_PAGE + 1)]
    await pages.aclose()

    assert len(first) == ITEMS_PER_PAGE + 1
    assert server.pages_requested == [1, 2]


@pytest.mark.looptime
async def test_pages_are_paced_by_the_client_rate_limit(mocked_tmdb_factory: Factory) -> None:
    server = PagedTMDB(total_pages=5, items_per_page=1)
    tmdb = mocked_tmdb_factory(server, requests_per_second=2)
    start = asyncio.get_running_loop().time()

    await collect(tmdb)

    assert asyncio.get_running_loop().time() - start == pytest.approx(2.0, abs=0.01)


async def test_max_pages_returns_a_new_iterator_and_leaves_the_unlimited_one(mocked_tmdb_factory: Factory) -> None:
    server = PagedTMDB(total_pages=3)
    tmdb = mocked_tmdb_factory(server, requests_per_second=None)
    pages = tmdb.paginate(tmdb.movies.popular, page=2)

    limited = [movie.id async for movie in pages.max_pages(1)]
    everything = [movie.id async for movie in pages]

    assert (len(limited), len(everything)) == (20, 40)
    assert server.pages_requested == [2, 2, 3]


async def test_nothing_is_fetched_before_the_iteration_starts(mocked_tmdb_factory: Factory) -> None:
    server = PagedTMDB(total_pages=3)
    tmdb = mocked_tmdb_factory(server, requests_per_second=None)
    tmdb.paginate(tmdb.movies.popular).max_pages(2)
    assert server.requests == []
