"""with_options() views of a user's subclass of TMDB: its attributes carry over; namespaces and options are the view's.

Against FakeTMDB on real sockets (the `tmdb_fake` fixture). The subclass is what a user writes:
attributes set in __init__ after super().__init__(), and a cached_property of its own.
"""

from __future__ import annotations

from functools import cached_property

import pytest

from tmdb_async import TMDB, ServerError
from tmdb_async.testing import FakeTMDB

MOVIE_ID = 550


class AppTMDB(TMDB):
    """A user's client: a name and a shared list of seen ids, set in __init__."""

    def __init__(self, *, base_url: str, app_name: str) -> None:
        super().__init__(access_token="test", base_url=base_url, max_retries=2)
        self.app_name = app_name
        self.seen: list[int] = []

    @cached_property
    def label(self) -> str:
        """Computed once per object: from the options of the object it is read on."""
        return f"{self.app_name} (options: {'view' if self._options is not None else 'client'})"

    async def title(self, movie_id: int) -> str:
        self.seen.append(movie_id)
        movie = await self.movies.details(movie_id)
        return movie.title


async def test_a_view_of_a_subclass_keeps_the_attributes_its_init_set(tmdb_fake: FakeTMDB) -> None:
    async with AppTMDB(base_url=tmdb_fake.base_url, app_name="catalogue") as tmdb:
        view = tmdb.with_options(timeout=5)

        assert type(view) is AppTMDB
        assert view.app_name == "catalogue"
        assert isinstance(await view.title(MOVIE_ID), str)


async def test_a_view_of_a_subclass_shares_its_attribute_objects_not_copies(tmdb_fake: FakeTMDB) -> None:
    async with AppTMDB(base_url=tmdb_fake.base_url, app_name="catalogue") as tmdb:
        view = tmdb.with_options(max_retries=0)

        await view.title(MOVIE_ID)
        await tmdb.title(11)

        assert view.seen is tmdb.seen
        assert tmdb.seen == [MOVIE_ID, 11]


async def test_a_view_of_a_view_keeps_the_subclass_attributes(tmdb_fake: FakeTMDB) -> None:
    async with AppTMDB(base_url=tmdb_fake.base_url, app_name="catalogue") as tmdb:
        view = tmdb.with_options(timeout=5).with_options(max_retries=0)

        assert view.app_name == "catalogue"
        assert view._core is tmdb._core


async def test_a_view_does_not_take_the_namespaces_its_client_cached(tmdb_fake: FakeTMDB) -> None:
    async with AppTMDB(base_url=tmdb_fake.base_url, app_name="catalogue") as tmdb:
        cached = tmdb.movies  # cached on the client before the view is made
        raw = tmdb.with_raw_response

        view = tmdb.with_options(max_retries=0)

        assert view.movies is not cached
        assert view.with_raw_response is not raw
        assert view._caller is not tmdb._caller


async def test_a_view_of_a_subclass_calls_with_its_own_options_after_the_client_cached_its_namespace(
    tmdb_fake: FakeTMDB,
) -> None:
    async with AppTMDB(base_url=tmdb_fake.base_url, app_name="catalogue") as tmdb:
        await tmdb.title(MOVIE_ID)  # caches tmdb.movies, bound to the client's retries (2)
        view = tmdb.with_options(max_retries=0)
        tmdb_fake.fail(f"/3/movie/{MOVIE_ID}", "503", times=1)
        requests_before = tmdb_fake.stats.requests

        with pytest.raises(ServerError):
            await view.title(MOVIE_ID)

        assert tmdb_fake.stats.requests - requests_before == 1


async def test_a_subclass_cached_property_is_computed_again_on_the_view(tmdb_fake: FakeTMDB) -> None:
    async with AppTMDB(base_url=tmdb_fake.base_url, app_name="catalogue") as tmdb:
        assert tmdb.label == "catalogue (options: client)"

        view = tmdb.with_options(timeout=5)

        assert view.label == "catalogue (options: view)"
        assert tmdb.label == "catalogue (options: client)"


async def test_async_with_a_subclass_gives_the_subclass(tmdb_fake: FakeTMDB) -> None:
    async with AppTMDB(base_url=tmdb_fake.base_url, app_name="catalogue") as tmdb:
        assert type(tmdb) is AppTMDB
