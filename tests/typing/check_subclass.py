"""Checked by mypy --strict and pyright strict (make typecheck), never run: a user's subclass of TMDB.

with_options() and `async with` give the subclass back, so its own attributes and methods
type-check on a view; tests/client/test_views.py runs the same code.
"""

from __future__ import annotations

from typing_extensions import assert_type

from tmdb_async import TMDB


class AppTMDB(TMDB):
    def __init__(self, *, app_name: str) -> None:
        super().__init__(access_token="test")
        self.app_name = app_name

    async def title(self, movie_id: int) -> str:
        return (await self.movies.details(movie_id)).title


async def a_view_keeps_the_subclass() -> None:
    async with AppTMDB(app_name="catalogue") as tmdb:
        assert_type(tmdb, AppTMDB)
        view = tmdb.with_options(max_retries=0)
        assert_type(view, AppTMDB)
        assert_type(view.app_name, str)
        assert_type(await view.with_options(timeout=5).title(550), str)


async def a_plain_client_stays_a_plain_client(tmdb: TMDB) -> None:
    assert_type(tmdb.with_options(timeout=None), TMDB)
