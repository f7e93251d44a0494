"""Checked by mypy --strict and pyright strict (make typecheck), never run: the facade's types as users see them.

What must NOT type-check in both checkers is in must_fail.py; more mypy-only snippets are in
tests/test_generation.py.
"""

from __future__ import annotations

from typing_extensions import assert_type

from tmdb_async import TMDB
from tmdb_async.models import (
    UNSET,
    AccountStates,
    AggregateCredits,
    Changes,
    ContentRatings,
    Credits,
    DatedMoviePage,
    EpisodeGroups,
    ExternalIds,
    GuestSession,
    Images,
    ListPage,
    MovieAlternativeTitles,
    MovieDetails,
    MovieKeywords,
    MoviePage,
    MovieSummary,
    ReleaseDates,
    ReviewPage,
    ScreenedTheatrically,
    StatusResponse,
    Translations,
    TvSeriesAlternativeTitles,
    TvSeriesDetails,
    TvSeriesKeywords,
    TvSeriesPage,
    TvSeriesSummary,
    Unset,
    Videos,
    WatchProviders,
)

MOVIE = 550
SERIES = 1399
SESSION = "2629f70fb498edc263a0adb99118ac41f0053e8c"
GUEST = "1ce82ec1223641636ad4a60b07de3581"


async def movies(tmdb: TMDB) -> None:
    assert_type(await tmdb.movies.add_rating(MOVIE, value=8.5, session_id=SESSION), StatusResponse)
    assert_type(await tmdb.movies.add_rating(MOVIE, value=8, guest_session_id=GUEST), StatusResponse)
    assert_type(await tmdb.movies.delete_rating(MOVIE, session_id=SESSION), StatusResponse)
    assert_type(await tmdb.movies.account_states(MOVIE, session_id=SESSION, guest_session_id=None), AccountStates)
    assert_type(await tmdb.movies.alternative_titles(MOVIE, country="US"), MovieAlternativeTitles)
    assert_type(await tmdb.movies.external_ids(MOVIE), ExternalIds)
    assert_type(await tmdb.movies.latest(), MovieDetails)
    changes = await tmdb.movies.changes(MOVIE, start_date="2024-01-01", end_date="2024-01-14", page=2)
    assert_type(changes, Changes)
    assert_type(await tmdb.movies.credits(MOVIE, language="pt-BR"), Credits)
    assert_type(await tmdb.movies.details(MOVIE), MovieDetails)
    assert_type(await tmdb.movies.details(MOVIE, append_to_response=["credits"]), MovieDetails)
    assert_type(await tmdb.movies.details(MOVIE, append_to_response="credits,videos", language="pt-BR"), MovieDetails)
    assert_type(await tmdb.movies.images(MOVIE, include_image_language="en,null", language="pt-BR"), Images)
    assert_type(await tmdb.movies.keywords(MOVIE), MovieKeywords)
    assert_type(await tmdb.movies.lists(MOVIE, language="pt-BR", page=2), ListPage)
    assert_type(await tmdb.movies.now_playing(language="pt-BR", page=2, region="BR"), DatedMoviePage)
    assert_type(await tmdb.movies.popular(language="pt-BR", page=2, region="BR"), MoviePage)
    assert_type(await tmdb.movies.top_rated(page=2, region="BR"), MoviePage)
    assert_type(await tmdb.movies.upcoming(region="BR"), DatedMoviePage)
    assert_type(await tmdb.movies.recommendations(MOVIE, language="pt-BR", page=2), MoviePage)
    assert_type(await tmdb.movies.translations(MOVIE), Translations)
    assert_type(await tmdb.movies.release_dates(MOVIE), ReleaseDates)
    assert_type(await tmdb.movies.similar(MOVIE, page=2), MoviePage)
    assert_type(await tmdb.movies.reviews(MOVIE, language="pt-BR", page=2), ReviewPage)
    assert_type(await tmdb.movies.videos(MOVIE, language="pt-BR", include_video_language="en,fr"), Videos)
    assert_type(await tmdb.movies.watch_providers(MOVIE), WatchProviders)


async def tv(tmdb: TMDB) -> None:
    assert_type(await tmdb.tv.add_rating(SERIES, value=8.5, guest_session_id=GUEST), StatusResponse)
    assert_type(await tmdb.tv.delete_rating(SERIES, guest_session_id=GUEST), StatusResponse)
    assert_type(await tmdb.tv.account_states(SERIES, session_id=SESSION), AccountStates)
    assert_type(await tmdb.tv.aggregate_credits(SERIES, language="pt-BR"), AggregateCredits)
    assert_type(await tmdb.tv.alternative_titles(SERIES), TvSeriesAlternativeTitles)
    assert_type(await tmdb.tv.content_ratings(SERIES), ContentRatings)
    assert_type(await tmdb.tv.episode_groups(SERIES), EpisodeGroups)
    assert_type(await tmdb.tv.external_ids(SERIES), ExternalIds)
    assert_type(await tmdb.tv.latest(), TvSeriesDetails)
    assert_type(await tmdb.tv.reviews(SERIES, language="pt-BR", page=2), ReviewPage)
    assert_type(await tmdb.tv.images(SERIES, include_image_language="en,null", language="pt-BR"), Images)
    assert_type(await tmdb.tv.similar(SERIES, page=2), TvSeriesPage)
    assert_type(await tmdb.tv.screened_theatrically(SERIES), ScreenedTheatrically)
    assert_type(await tmdb.tv.changes(SERIES, start_date="2024-01-01", end_date="2024-01-14", page=2), Changes)
    assert_type(await tmdb.tv.credits(SERIES, language="pt-BR"), Credits)
    assert_type(await tmdb.tv.details(SERIES, append_to_response=["credits", "videos"]), TvSeriesDetails)
    assert_type(await tmdb.tv.keywords(SERIES), TvSeriesKeywords)
    assert_type(await tmdb.tv.lists(SERIES, language="pt-BR", page=2), ListPage)
    assert_type(await tmdb.tv.translations(SERIES), Translations)
    assert_type(await tmdb.tv.videos(SERIES, include_video_language="en,fr", language="pt-BR"), Videos)
    assert_type(await tmdb.tv.watch_providers(SERIES), WatchProviders)
    assert_type(await tmdb.tv.airing_today(language="pt-BR", page=2, timezone="America/New_York"), TvSeriesPage)
    assert_type(await tmdb.tv.on_the_air(timezone="America/New_York"), TvSeriesPage)
    assert_type(await tmdb.tv.popular(language="pt-BR", page=2), TvSeriesPage)
    assert_type(await tmdb.tv.top_rated(page=2), TvSeriesPage)
    assert_type(await tmdb.tv.recommendations(SERIES, page=2), TvSeriesPage)


async def authentication(tmdb: TMDB) -> None:
    assert_type(await tmdb.authentication.create_guest_session(), GuestSession)


async def appended(tmdb: TMDB) -> None:
    movie = await tmdb.movies.details(MOVIE, append_to_response=["credits", "videos"])
    assert_type(movie.credits, Credits | Unset)
    # The narrowing idiom: `is not UNSET` narrows in mypy and pyright alike.
    if movie.credits is not UNSET:
        assert_type(movie.credits, Credits)
        name: str = movie.credits.cast[0].name
        print(name)
    if isinstance(movie.videos, Videos):
        key: str = movie.videos.results[0].key
        print(key)
    series = await tmdb.tv.details(SERIES, append_to_response=["aggregate_credits"])
    if series.aggregate_credits is UNSET:
        return
    actor: str = series.aggregate_credits.cast[0].name
    print(actor)


async def required_fields(tmdb: TMDB) -> None:
    # What TMDB always sends is a plain type: no narrowing.
    movie = await tmdb.movies.details(MOVIE)
    assert_type(movie.id, int)
    assert_type(movie.title, str)
    assert_type(movie.poster_path, str | None)
    page = await tmdb.movies.popular()
    assert_type(page.page, int)
    assert_type(page.total_pages, int)
    assert_type(page.results[0].title, str)
    for member in (await tmdb.movies.credits(MOVIE)).cast:
        assert_type(member.order, int)  # required: an order of 0 needs no narrowing
        if member.gender is not UNSET:  # `if member.gender:` would drop 0 ("not set") as well as UNSET
            assert_type(member.gender, int | None)


async def images(tmdb: TMDB) -> None:
    movie = await tmdb.movies.details(MOVIE)
    assert_type(await tmdb.image_url(movie.poster_path, "w500"), str | None)
    assert_type(await tmdb.image_url("/abc.jpg", "w500"), str)
    assert_type(await tmdb.image_url(None), None)
    assert_type(await tmdb.image_url(UNSET), None)


async def pages(tmdb: TMDB) -> None:
    async for movie in tmdb.paginate(tmdb.movies.popular, region="US").max_pages(3):
        assert_type(movie, MovieSummary)
    async for show in tmdb.paginate(tmdb.tv.top_rated, language="pt-BR"):
        assert_type(show, TvSeriesSummary)
    async for review in tmdb.paginate(tmdb.movies.reviews, MOVIE, page=2):
        print(review.author)
