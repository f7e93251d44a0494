"""Checked by mypy --strict (make typecheck), never run: the types of raw responses and per-call extras."""

from __future__ import annotations

import httpx
from typing_extensions import assert_type

from tmdb_async import TMDB, RawResponse
from tmdb_async.models import MovieDetails, MoviePage, TvSeriesDetails


async def raw_responses(tmdb: TMDB) -> None:
    raw = await tmdb.with_raw_response.movies.details(550, append_to_response=["credits"], language="en-US")
    assert_type(raw, RawResponse[MovieDetails])
    assert_type(raw.parsed, MovieDetails)
    assert_type(raw.headers, httpx.Headers)
    assert_type(raw.status_code, int)
    assert_type(raw.content, bytes)
    assert_type(await tmdb.with_raw_response.tv.details(1399), RawResponse[TvSeriesDetails])
    view = tmdb.with_options(max_retries=0)
    assert_type(await view.with_raw_response.movies.popular(page=2), RawResponse[MoviePage])


async def extras(tmdb: TMDB) -> None:
    movie = await tmdb.movies.details(550, extra_query={"include_image_language": "en,null", "n": 1, "b": True})
    assert_type(movie, MovieDetails)
    await tmdb.movies.popular(extra_headers={"X-Trace": "abc"})
    raw = await tmdb.with_raw_response.movies.details(550, extra_headers={"X-Trace": "abc"})
    assert_type(raw, RawResponse[MovieDetails])
