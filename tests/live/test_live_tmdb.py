"""Against the real TMDB: opt-in, never part of CI (our machines cannot reach TMDB).

    TMDB_LIVE=1 TMDB_ACCESS_TOKEN=... make test      # or TMDB_API_KEY=...

Each test makes one or two cheap calls and checks that TMDB's real answer parses.
"""

from __future__ import annotations

import os

import pytest

from tmdb_async import TMDB, NotFoundError
from tmdb_async.models import Credits

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        os.environ.get("TMDB_LIVE") != "1"
        or not (os.environ.get("TMDB_ACCESS_TOKEN") or os.environ.get("TMDB_API_KEY")),
        reason="live TMDB tests are opt-in: set TMDB_LIVE=1 and TMDB_ACCESS_TOKEN (or TMDB_API_KEY)",
    ),
]


async def test_fight_club_with_appended_credits_parses() -> None:
    async with TMDB() as tmdb:
        movie = await tmdb.movies.details(550, append_to_response=["credits", "videos", "images"])
    assert movie.title == "Fight Club"
    assert isinstance(movie.credits, Credits)  # appended: parsed, not UNSET
    assert movie.credits.cast


async def test_search_multi_and_trending_parse() -> None:
    async with TMDB() as tmdb:
        found = await tmdb.search.multi(query="fight club")
        trending = await tmdb.trending.all("day")
    assert found.results
    assert trending.results


async def test_an_unknown_id_is_not_found() -> None:
    async with TMDB() as tmdb:
        with pytest.raises(NotFoundError):
            await tmdb.movies.details(999_999_999)


async def test_image_urls_come_from_the_real_configuration() -> None:
    async with TMDB() as tmdb:
        url = await tmdb.image_url("/abc.jpg", "w500", kind="poster")
    assert url == "https://image.tmdb.org/t/p/w500/abc.jpg"
