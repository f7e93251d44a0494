"""The generated client on the wire: one row per operation of the first wave.

Each row calls `tmdb_api.api.<tag>.<tag>_<name>.asyncio_detailed` with every query parameter the
operation accepts, then pins what goes out (method, path, the exact query, the body, the bearer
token) and what comes back (the status, the model class and a few values hard-coded from TMDB's
official example body, served by respx).
"""

from __future__ import annotations

import importlib
import inspect
import json
from dataclasses import dataclass, field
from http import HTTPStatus
from types import ModuleType
from typing import Any

import pytest
import respx

from tmdb_api.api.movies import movies_details
from tmdb_api.client import AuthenticatedClient
from tmdb_api.models import Credits, RatingRequest

from support import official

BASE_URL = "https://api.themoviedb.org"
TOKEN = "secret-token"
MOVIE_ID = 550
SERIES_ID = 1399
SESSION_ID = "2629f70fb498edc263a0adb99118ac41f0053e8c"
GUEST_SESSION_ID = "1ce82ec1223641636ad4a60b07de3581"

# Realistic values for the query parameters, as sent (`page=2` goes out as "2").
LANGUAGE = {"language": "pt-BR"}
PAGED = {"language": "pt-BR", "page": "2"}
REGIONAL = {"language": "pt-BR", "page": "2", "region": "BR"}
TIMEZONED = {"language": "pt-BR", "page": "2", "timezone": "America/New_York"}
DATED = {"start_date": "2024-01-01", "end_date": "2024-01-14", "page": "2"}
SESSIONS = {"session_id": SESSION_ID, "guest_session_id": GUEST_SESSION_ID}
APPENDED = {"append_to_response": "credits,videos", "include_image_language": "en,null", "language": "pt-BR"}
IMAGES = {"include_image_language": "en,null", "language": "pt-BR"}
VIDEOS = {"include_video_language": "en,fr", "language": "pt-BR"}

# What a status reply says, shared by the rating POSTs and DELETEs.
RATED = (("status_code", 1), ("status_message", "Success."))
UNRATED = (("status_code", 13), ("status_message", "The item/record was deleted successfully."))


def _as_call_kwargs(query: dict[str, str]) -> dict[str, Any]:
    """The keyword arguments that send `query`: `page` is an int in the signatures."""
    return {name: int(value) if name == "page" else value for name, value in query.items()}


@dataclass(frozen=True)
class Case:
    """One operation: how to call it, what it must send, what it must parse."""

    facade: str  # e.g. "movies.details"; the module is tmdb_api.api.movies.movies_details
    method: str
    path: str
    model: str  # the class name of `response.parsed`
    expected: tuple[tuple[str, object], ...]  # (attribute path, value) pairs from the fixture
    path_id: int | None = None
    query: dict[str, str] = field(default_factory=dict)  # sent exactly, nothing more
    rating: float | None = None  # the body of the rating POSTs
    status: int = 200

    @property
    def module(self) -> ModuleType:
        tag, name = self.facade.split(".")
        return importlib.import_module(f"tmdb_api.api.{tag}.{tag}_{name}")

    def call_kwargs(self) -> dict[str, Any]:
        kwargs = _as_call_kwargs(self.query)
        if self.rating is not None:
            kwargs["body"] = RatingRequest(value=self.rating)
        return kwargs

    def fixture(self) -> Any:
        if self.facade == "movies.recommendations":
            # TMDB's file has `{}` for this example: serve the similar-movies page, as recommendations.
            body = official("movies.similar")
            body["results"] = [{**result, "media_type": "movie"} for result in body["results"]]
            return body
        return official(self.facade)


def movie(facade: str, suffix: str, model: str, *expected: tuple[str, object], **kwargs: Any) -> Case:
    return Case(facade, "GET", f"/3/movie/{MOVIE_ID}{suffix}", model, expected, path_id=MOVIE_ID, **kwargs)


def series(facade: str, suffix: str, model: str, *expected: tuple[str, object], **kwargs: Any) -> Case:
    return Case(facade, "GET", f"/3/tv/{SERIES_ID}{suffix}", model, expected, path_id=SERIES_ID, **kwargs)


def listing(facade: str, path: str, model: str, *expected: tuple[str, object], **kwargs: Any) -> Case:
    return Case(facade, "GET", path, model, expected, **kwargs)


CASES: list[Case] = [
    # Movies
    Case(
        "movies.add_rating",
        "POST",
        f"/3/movie/{MOVIE_ID}/rating",
        "StatusResponse",
        RATED,
        path_id=MOVIE_ID,
        query=SESSIONS,
        rating=8.5,
        status=201,
    ),
    Case(
        "movies.delete_rating",
        "DELETE",
        f"/3/movie/{MOVIE_ID}/rating",
        "StatusResponse",
        UNRATED,
        path_id=MOVIE_ID,
        query=SESSIONS,
    ),
    movie(
        "movies.account_states",
        "/account_states",
        "AccountStates",
        ("id", 550),
        ("favorite", True),
        ("rated.value", 9.0),
        query=SESSIONS,
    ),
    movie(
        "movies.alternative_titles",
        "/alternative_titles",
        "MovieAlternativeTitles",
        ("id", 550),
        ("titles.0.title", "Borilački klub"),
        ("titles.0.iso_3166_1", "RS"),
        query={"country": "US"},
    ),
    movie(
        "movies.external_ids",
        "/external_ids",
        "ExternalIds",
        ("imdb_id", "tt0137523"),
        ("facebook_id", "FightClub"),
        ("wikidata_id", None),
    ),
    listing(
        "movies.latest",
        "/3/movie/latest",
        "MovieDetails",
        ("id", 1119232),
        ("original_title", "König Charles III"),
        ("budget", 0),
    ),
    movie(
        "movies.changes",
        "/changes",
        "Changes",
        ("changes.0.key", "images"),
        ("changes.0.items.0.action", "added"),
        ("changes.0.items.0.time", "2023-04-08 16:35:05 UTC"),
        query=DATED,
    ),
    movie(
        "movies.credits",
        "/credits",
        "Credits",
        ("cast.0.name", "Edward Norton"),
        ("cast.0.character", "The Narrator"),
        ("crew.0.job", "Executive Producer"),
        query=LANGUAGE,
    ),
    movie(
        "movies.details",
        "",
        "MovieDetails",
        # TMDB's example for /movie/{movie_id} is Star Wars (id 11), whatever the id asked.
        ("title", "Star Wars"),
        ("budget", 11000000),
        ("genres.0.name", "Adventure"),
        query=APPENDED,
    ),
    movie(
        "movies.images",
        "/images",
        "Images",
        ("backdrops.0.file_path", "/hZkgoQYus5vegHoetLkCJzb17zJ.jpg"),
        ("logos.0.iso_639_1", "he"),
        ("posters.0.width", 600),
        query=IMAGES,
    ),
    movie(
        "movies.keywords",
        "/keywords",
        "MovieKeywords",
        ("id", 550),
        ("keywords.0.id", 818),
        ("keywords.0.name", "based on novel or book"),
    ),
    movie(
        "movies.lists",
        "/lists",
        "ListPage",
        ("total_results", 2422),
        ("results.0.name", "My Movies"),
        ("results.0.item_count", 409),
        query=PAGED,
    ),
    listing(
        "movies.now_playing",
        "/3/movie/now_playing",
        "DatedMoviePage",
        ("dates.maximum", "2023-05-03"),
        ("results.0.title", "The Super Mario Bros. Movie"),
        ("total_pages", 87),
        query=REGIONAL,
    ),
    listing(
        "movies.popular",
        "/3/movie/popular",
        "MoviePage",
        ("results.0.title", "Ant-Man and the Wasp: Quantumania"),
        ("total_results", 760569),
        query=REGIONAL,
    ),
    listing(
        "movies.top_rated",
        "/3/movie/top_rated",
        "MoviePage",
        ("results.0.title", "The Godfather"),
        ("results.0.vote_average", 8.7),
        query=REGIONAL,
    ),
    listing(
        "movies.upcoming",
        "/3/movie/upcoming",
        "DatedMoviePage",
        ("dates.minimum", "2023-05-04"),
        ("results.0.title", "Evil Dead Rise"),
        query=REGIONAL,
    ),
    movie(
        "movies.recommendations",
        "/recommendations",
        "MoviePage",
        ("results.0.title", "Orlando"),
        ("results.0.media_type", "movie"),
        ("total_results", 7269),
        query=PAGED,
    ),
    movie(
        "movies.translations",
        "/translations",
        "Translations",
        ("id", 550),
        ("translations.0.english_name", "Arabic"),
        ("translations.0.iso_3166_1", "SA"),
    ),
    movie(
        "movies.release_dates",
        "/release_dates",
        "ReleaseDates",
        ("results.0.iso_3166_1", "BG"),
        ("results.0.release_dates.0.certification", "c"),
        ("results.0.release_dates.0.type_", 3),
    ),
    movie(
        "movies.similar",
        "/similar",
        "MoviePage",
        ("results.0.title", "Orlando"),
        ("total_pages", 364),
        query=PAGED,
    ),
    movie(
        "movies.reviews",
        "/reviews",
        "ReviewPage",
        ("results.0.author", "Goddard"),
        ("results.0.author_details.username", "Goddard"),
        ("total_results", 8),
        query=PAGED,
    ),
    movie(
        "movies.videos",
        "/videos",
        "Videos",
        ("results.0.key", "O-b2VfmmbyA"),
        ("results.0.site", "YouTube"),
        ("results.0.type_", "Trailer"),
        query=VIDEOS,
    ),
    movie(
        "movies.watch_providers",
        "/watch/providers",
        "WatchProviders",
        ("id", 550),
        ("results.AE.flatrate.0.provider_name", "Amazon Prime Video"),
        ("results.AE.flatrate.0.provider_id", 119),
    ),
    # TV series
    Case(
        "tv.add_rating",
        "POST",
        f"/3/tv/{SERIES_ID}/rating",
        "StatusResponse",
        RATED,
        path_id=SERIES_ID,
        query=SESSIONS,
        rating=8.5,
        status=201,
    ),
    Case(
        "tv.delete_rating",
        "DELETE",
        f"/3/tv/{SERIES_ID}/rating",
        "StatusResponse",
        UNRATED,
        path_id=SERIES_ID,
        query=SESSIONS,
    ),
    series(
        "tv.account_states",
        "/account_states",
        "AccountStates",
        ("id", 550),  # sic: TMDB's example for the TV series is the movie's
        ("favorite", True),
        ("watchlist", False),
        query=SESSIONS,
    ),
    series(
        "tv.aggregate_credits",
        "/aggregate_credits",
        "AggregateCredits",
        ("cast.0.name", "Emilia Clarke"),
        ("cast.0.roles.0.character", "Daenerys Targaryen"),
        ("crew.0.jobs.0.job", "Production Design"),
        query=LANGUAGE,
    ),
    series(
        "tv.alternative_titles",
        "/alternative_titles",
        "TvSeriesAlternativeTitles",
        ("id", 1399),
        ("results.0.title", "Froni i shpatave"),
        ("results.0.iso_3166_1", "AL"),
    ),
    series(
        "tv.content_ratings",
        "/content_ratings",
        "ContentRatings",
        ("id", 1399),
        ("results.0.iso_3166_1", "DE"),
        ("results.0.rating", "16"),
    ),
    series(
        "tv.episode_groups",
        "/episode_groups",
        "EpisodeGroups",
        ("results.0.name", "Aired Order"),
        ("results.0.episode_count", 102),
        ("results.0.network.name", "HBO"),
    ),
    series(
        "tv.external_ids",
        "/external_ids",
        "ExternalIds",
        ("imdb_id", "tt0944947"),
        ("tvdb_id", 121361),
        ("wikidata_id", "Q23572"),
    ),
    listing(
        "tv.latest",
        "/3/tv/latest",
        "TvSeriesDetails",
        ("id", 225491),
        ("name", "妖怪传"),
        ("last_episode_to_air.name", "Episode 8"),
    ),
    series(
        "tv.reviews",
        "/reviews",
        "ReviewPage",
        ("results.0.author", "lmao7"),
        ("results.0.author_details.rating", 9.0),
        ("total_results", 11),
        query=PAGED,
    ),
    series(
        "tv.images",
        "/images",
        "Images",
        ("backdrops.0.file_path", "/hZkgoQYus5vegHoetLkCJzb17zJ.jpg"),
        ("logos.0.iso_639_1", "he"),
        ("posters.0.iso_639_1", "pt"),
        query=IMAGES,
    ),
    series(
        "tv.similar",
        "/similar",
        "TvSeriesPage",
        ("results.0.name", "Pale Moon"),
        ("results.0.original_name", "종이달"),
        ("total_pages", 82),
        query=PAGED,
    ),
    series(
        "tv.screened_theatrically",
        "/screened_theatrically",
        "ScreenedTheatrically",
        ("results.0.id", 1159054),
        ("results.0.episode_number", 10),
        ("results.0.season_number", 5),
    ),
    series(
        "tv.changes",
        "/changes",
        "Changes",
        ("changes.0.key", "images"),
        ("changes.0.items.0.action", "updated"),
        ("changes.0.items.0.time", "2023-03-05 06:25:19 UTC"),
        query=DATED,
    ),
    series(
        "tv.credits",
        "/credits",
        "Credits",
        ("cast.0.name", "Peter Dinklage"),
        ("cast.0.character", "Tyrion Lannister"),
        ("crew.0.job", "Producer"),
        query=LANGUAGE,
    ),
    series(
        "tv.details",
        "",
        "TvSeriesDetails",
        ("name", "Game of Thrones"),
        ("genres.0.name", "Sci-Fi & Fantasy"),
        ("last_episode_to_air.name", "The Iron Throne"),
        query=APPENDED,
    ),
    series(
        "tv.keywords",
        "/keywords",
        "TvSeriesKeywords",
        ("id", 1399),
        ("results.0.name", "based on novel or book"),
        ("results.1.name", "kingdom"),
    ),
    series(
        "tv.lists",
        "/lists",
        "ListPage",
        ("results.0.name", "Done"),
        ("results.0.iso_3166_1", "US"),
        ("total_results", 1906),
        query=PAGED,
    ),
    series(
        "tv.translations",
        "/translations",
        "Translations",
        ("id", 1399),
        ("translations.0.english_name", "Arabic"),
        ("translations.0.iso_639_1", "ar"),
    ),
    series(
        "tv.videos",
        "/videos",
        "Videos",
        ("results.0.key", "y2ZJ3lTaREY"),
        ("results.0.type_", "Behind the Scenes"),
        ("results.0.official", True),
        query=VIDEOS,
    ),
    series(
        "tv.watch_providers",
        "/watch/providers",
        "WatchProviders",
        ("id", 1399),
        ("results.AE.flatrate.0.provider_name", "OSN"),
        ("results.AE.flatrate.0.provider_id", 629),
    ),
    listing(
        "tv.airing_today",
        "/3/tv/airing_today",
        "TvSeriesPage",
        ("results.0.name", "Dirty Linen"),
        ("total_results", 265),
        query=TIMEZONED,
    ),
    listing(
        "tv.on_the_air",
        "/3/tv/on_the_air",
        "TvSeriesPage",
        ("results.0.name", "Dirty Linen"),
        ("total_pages", 58),
        query=TIMEZONED,
    ),
    listing(
        "tv.popular",
        "/3/tv/popular",
        "TvSeriesPage",
        ("results.0.origin_country.0", "PH"),
        ("total_results", 148302),
        query=PAGED,
    ),
    listing(
        "tv.top_rated",
        "/3/tv/top_rated",
        "TvSeriesPage",
        ("results.0.name", "The D'Amelio Show"),
        ("results.0.vote_average", 8.9),
        query=PAGED,
    ),
    series(
        "tv.recommendations",
        "/recommendations",
        "TvSeriesPage",
        ("results.0.name", "Breaking Bad"),
        ("results.0.media_type", "tv"),
        ("total_results", 40),
        query=PAGED,
    ),
    # Authentication
    listing(
        "authentication.create_guest_session",
        "/3/authentication/guest_session/new",
        "GuestSession",
        ("success", True),
        ("guest_session_id", "1ce82ec1223641636ad4a60b07de3581"),
        ("expires_at", "2016-08-27 16:26:40 UTC"),
    ),
]


def resolve(obj: Any, path: str) -> Any:
    """Follow `results.0.title`: digits index a list, `AE` keys a map model, the rest are attributes."""
    for part in path.split("."):
        if part.isdigit():
            obj = obj[int(part)]
        elif hasattr(obj, part):
            obj = getattr(obj, part)
        else:
            obj = obj[part]
    return obj


def make_client() -> AuthenticatedClient:
    return AuthenticatedClient(base_url=BASE_URL, token=TOKEN)


def test_the_table_covers_the_fifty_first_wave_operations() -> None:
    assert len(CASES) == 50
    assert len({case.facade for case in CASES}) == 50
    assert len({(case.method, case.path) for case in CASES}) == 50


@pytest.mark.parametrize("case", CASES, ids=[case.facade for case in CASES])
def test_row_sets_every_query_parameter_the_operation_accepts(case: Case) -> None:
    parameters = inspect.signature(case.module.asyncio_detailed).parameters
    keyword_only = {name for name, p in parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert set(case.query) == keyword_only - {"client", "body"}
    assert ("body" in keyword_only) == (case.rating is not None)


@pytest.mark.parametrize("case", CASES, ids=[case.facade for case in CASES])
async def test_operation_sends_exact_request_and_parses_official_example(case: Case) -> None:
    path_args = () if case.path_id is None else (case.path_id,)
    with respx.mock(base_url=BASE_URL, assert_all_called=True) as router:
        route = router.route(method=case.method, path=case.path).respond(case.status, json=case.fixture())
        response = await case.module.asyncio_detailed(*path_args, client=make_client(), **case.call_kwargs())

    request = route.calls.last.request
    assert route.call_count == 1
    assert request.method == case.method
    assert request.url.host == "api.themoviedb.org"
    assert request.url.path == case.path
    assert dict(request.url.params) == case.query
    assert len(request.url.params.multi_items()) == len(case.query)  # no parameter repeated
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    if case.rating is None:
        assert request.content == b""
        assert "Content-Type" not in request.headers
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(request.content) == {"value": case.rating}

    assert response.status_code == HTTPStatus(case.status)
    parsed = response.parsed
    assert type(parsed).__name__ == case.model
    for path, value in case.expected:
        assert resolve(parsed, path) == value, path


async def test_details_with_only_the_id_sends_no_query_string() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=True) as router:
        route = router.get(f"/3/movie/{MOVIE_ID}").respond(200, json=official("movies.details"))
        response = await movies_details.asyncio_detailed(MOVIE_ID, client=make_client())

    request = route.calls.last.request
    assert request.url.query == b""
    assert str(request.url) == f"{BASE_URL}/3/movie/{MOVIE_ID}"
    assert response.status_code == HTTPStatus.OK


async def test_details_not_found_error_body_parses_to_none() -> None:
    error = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}
    with respx.mock(base_url=BASE_URL, assert_all_called=True) as router:
        router.get(f"/3/movie/{MOVIE_ID}").respond(404, json=error)
        response = await movies_details.asyncio_detailed(MOVIE_ID, client=make_client())

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.parsed is None
    assert json.loads(response.content) == error


async def test_details_with_appended_credits_parses_them_under_credits() -> None:
    credits_body = {key: value for key, value in official("movies.credits").items() if key != "id"}
    body = {**official("movies.details"), "credits": credits_body}
    with respx.mock(base_url=BASE_URL, assert_all_called=True) as router:
        route = router.get(f"/3/movie/{MOVIE_ID}").respond(200, json=body)
        response = await movies_details.asyncio_detailed(MOVIE_ID, client=make_client(), append_to_response="credits")

    assert dict(route.calls.last.request.url.params) == {"append_to_response": "credits"}
    parsed = response.parsed
    assert parsed is not None
    assert parsed.title == "Star Wars"
    appended = parsed.credits
    assert isinstance(appended, Credits)
    assert appended.cast[0].name == "Edward Norton"
    assert appended.crew[0].name == "Arnon Milchan"
