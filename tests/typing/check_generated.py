"""Checked by mypy --strict and pyright strict (make typecheck), never run: the generated client's types."""

from __future__ import annotations

from typing_extensions import assert_type

from tmdb_async_api.api.movies import movies_add_rating, movies_details
from tmdb_async_api.client import AuthenticatedClient
from tmdb_async_api.models import AccountRating, AccountStates, Credits, MovieDetails, RatingRequest, StatusResponse
from tmdb_async_api.types import UNSET, Response, Unset


async def details(client: AuthenticatedClient) -> None:
    response = await movies_details.asyncio_detailed(550, client=client, append_to_response="credits")
    assert_type(response, Response[MovieDetails])
    movie = response.parsed
    assert movie is not None
    assert_type(movie.credits, Credits | Unset)
    if movie.credits is not UNSET:
        name: str = movie.credits.cast[0].name
        print(name)
    assert_type(movie.release_date, str | None)
    if movie.watch_providers is not UNSET:
        link: str | Unset = movie.watch_providers.results["US"].link
        print(link)


async def rating(client: AuthenticatedClient) -> None:
    response = await movies_add_rating.asyncio_detailed(550, client=client, body=RatingRequest(value=8.5))
    assert_type(response, Response[StatusResponse])


def rated(states: AccountStates) -> None:
    assert_type(states.rated, AccountRating | bool)
