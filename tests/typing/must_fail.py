"""User mistakes that mypy --strict AND pyright strict must both reject (make typecheck), never run.

Each mistake carries mypy's `# type: ignore[code]` and pyright's `# pyright: ignore[rule]`.
Both checkers report an ignore that is not needed (mypy: warn_unused_ignores of --strict;
pyright: reportUnnecessaryTypeIgnoreComment, with enableTypeIgnoreComments off so that it
reads only its own comments), so a mistake that stops being an error fails `make typecheck`.
"""

from __future__ import annotations

from tmdb_async import TMDB, models

MOVIE = 550


async def appended_part_read_unchecked(tmdb: TMDB) -> int:
    movie = await tmdb.movies.details(MOVIE, append_to_response=["credits"])
    cast = movie.credits.cast  # type: ignore[union-attr]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownVariableType]
    return len(cast)  # pyright: ignore[reportUnknownArgumentType]


async def nullable_read_unchecked(tmdb: TMDB) -> bool:
    movie = await tmdb.movies.details(MOVIE)
    return movie.poster_path.startswith("/")  # type: ignore[union-attr]  # pyright: ignore[reportOptionalMemberAccess]


async def string_id(tmdb: TMDB) -> None:
    await tmdb.movies.details("550")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


async def unknown_appendable(tmdb: TMDB) -> None:
    await tmdb.movies.details(MOVIE, append_to_response=["credit"])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]


async def unknown_paginate_argument(tmdb: TMDB) -> None:
    async for _ in tmdb.paginate(tmdb.movies.popular, bogus=1):  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
        pass


async def paginate_argument_of_the_wrong_type(tmdb: TMDB) -> None:
    async for _ in tmdb.paginate(tmdb.movies.popular, page="2"):  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        pass


async def required_field_narrowed_needlessly(tmdb: TMDB) -> None:
    movie = await tmdb.movies.details(MOVIE)
    movie.title.upper()
    if movie.title is None:  # pyright: ignore[reportUnnecessaryComparison]
        pass


def misspelt_model() -> object:
    return models.MovieDetail  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownVariableType, reportUnknownMemberType]
