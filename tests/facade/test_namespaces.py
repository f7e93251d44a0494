"""The facade namespaces, one row per first-wave operation: `tmdb.movies.details(550, ...)` and the 49 others.

Each row calls the facade method through a `TMDB` whose transport is an `httpx.MockTransport`, with the path id
and a realistic value for every parameter, then pins what goes out (method, path, the exact query, the rating body)
and what comes back (the model class and one value hard-coded from TMDB's official example body). The other tests
pin the shape of the namespaces: docstrings naming the route, exactly the first-wave methods, and signatures
without `Unset` (path ids positional, every optional parameter `None` by default).
"""

from __future__ import annotations

import inspect
import json
import re
import typing
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tmdb_api.resources import Namespaces
from tmdb_async import TMDB

from recording import Recorder
from spec_models import operations
from support import FIXTURES, official

TOKEN = "tok"
MOVIE_ID = 550
SERIES_ID = 1399
SESSION_ID = "2629f70fb498edc263a0adb99118ac41f0053e8c"
GUEST_SESSION_ID = "1ce82ec1223641636ad4a60b07de3581"
PATH_IDS = {"movie_id": MOVIE_ID, "series_id": SERIES_ID}


@dataclass(frozen=True)
class Params:
    """Keyword arguments of a facade call and the query string they must produce, exactly."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)


NONE = Params()
LANGUAGE = Params({"language": "pt-BR"}, {"language": "pt-BR"})
PAGED = Params({"language": "pt-BR", "page": 2}, {"language": "pt-BR", "page": "2"})
REGIONAL = Params(
    {"language": "pt-BR", "page": 2, "region": "BR"},
    {"language": "pt-BR", "page": "2", "region": "BR"},
)
TIMEZONED = Params(
    {"language": "pt-BR", "page": 2, "timezone": "America/New_York"},
    {"language": "pt-BR", "page": "2", "timezone": "America/New_York"},
)
DATED = Params(
    {"start_date": "2024-01-01", "end_date": "2024-01-14", "page": 2},
    {"start_date": "2024-01-01", "end_date": "2024-01-14", "page": "2"},
)
SESSIONS = Params(
    {"session_id": SESSION_ID, "guest_session_id": GUEST_SESSION_ID},
    {"session_id": SESSION_ID, "guest_session_id": GUEST_SESSION_ID},
)
RATING = Params(
    {"value": 8.5, "session_id": SESSION_ID, "guest_session_id": GUEST_SESSION_ID},
    {"session_id": SESSION_ID, "guest_session_id": GUEST_SESSION_ID},
)
APPENDED = Params(
    {"append_to_response": ["credits", "videos"], "include_image_language": "en,null", "language": "pt-BR"},
    {"append_to_response": "credits,videos", "include_image_language": "en,null", "language": "pt-BR"},
)
IMAGES = Params(
    {"include_image_language": "en,null", "language": "pt-BR"},
    {"include_image_language": "en,null", "language": "pt-BR"},
)
VIDEOS = Params(
    {"include_video_language": "en,fr", "language": "pt-BR"},
    {"include_video_language": "en,fr", "language": "pt-BR"},
)
COUNTRY = Params({"country": "US"}, {"country": "US"})


@dataclass(frozen=True)
class Expect:
    """What a facade method takes and returns: its parameters, its model and one value of the official example."""

    params: Params
    model: str
    attribute: str  # e.g. "results.0.title": digits index a list, other parts are attributes or map keys
    value: object
    body: dict[str, float] | None = None  # the JSON body sent (the rating POSTs)
    status: int = 200


EXPECTED: dict[str, Expect] = {
    # Movies
    "movies.add_rating": Expect(RATING, "StatusResponse", "status_message", "Success.", {"value": 8.5}, 201),
    "movies.delete_rating": Expect(SESSIONS, "StatusResponse", "status_code", 13),
    "movies.account_states": Expect(SESSIONS, "AccountStates", "rated.value", 9.0),
    "movies.alternative_titles": Expect(COUNTRY, "MovieAlternativeTitles", "titles.0.title", "Borilački klub"),
    "movies.external_ids": Expect(NONE, "ExternalIds", "imdb_id", "tt0137523"),
    "movies.latest": Expect(NONE, "MovieDetails", "original_title", "König Charles III"),
    "movies.changes": Expect(DATED, "Changes", "changes.0.items.0.time", "2023-04-08 16:35:05 UTC"),
    "movies.credits": Expect(LANGUAGE, "Credits", "cast.0.name", "Edward Norton"),
    # TMDB's example for /movie/{movie_id} is Star Wars (id 11), whatever the id asked.
    "movies.details": Expect(APPENDED, "MovieDetails", "title", "Star Wars"),
    "movies.images": Expect(IMAGES, "Images", "logos.0.iso_639_1", "he"),
    "movies.keywords": Expect(NONE, "MovieKeywords", "keywords.0.name", "based on novel or book"),
    "movies.lists": Expect(PAGED, "ListPage", "results.0.item_count", 409),
    "movies.now_playing": Expect(REGIONAL, "DatedMoviePage", "dates.maximum", "2023-05-03"),
    "movies.popular": Expect(REGIONAL, "MoviePage", "results.0.title", "Ant-Man and the Wasp: Quantumania"),
    "movies.top_rated": Expect(REGIONAL, "MoviePage", "results.0.title", "The Godfather"),
    "movies.upcoming": Expect(REGIONAL, "DatedMoviePage", "results.0.title", "Evil Dead Rise"),
    "movies.recommendations": Expect(PAGED, "MoviePage", "results.0.media_type", "movie"),
    "movies.translations": Expect(NONE, "Translations", "translations.0.english_name", "Arabic"),
    "movies.release_dates": Expect(NONE, "ReleaseDates", "results.0.iso_3166_1", "BG"),
    "movies.similar": Expect(PAGED, "MoviePage", "total_pages", 364),
    "movies.reviews": Expect(PAGED, "ReviewPage", "results.0.author", "Goddard"),
    "movies.videos": Expect(VIDEOS, "Videos", "results.0.key", "O-b2VfmmbyA"),
    "movies.watch_providers": Expect(
        NONE, "WatchProviders", "results.AE.flatrate.0.provider_name", "Amazon Prime Video"
    ),
    # TV series
    "tv.add_rating": Expect(RATING, "StatusResponse", "status_code", 1, {"value": 8.5}, 201),
    "tv.delete_rating": Expect(
        SESSIONS, "StatusResponse", "status_message", "The item/record was deleted successfully."
    ),
    "tv.account_states": Expect(SESSIONS, "AccountStates", "favorite", True),
    "tv.aggregate_credits": Expect(LANGUAGE, "AggregateCredits", "cast.0.roles.0.character", "Daenerys Targaryen"),
    "tv.alternative_titles": Expect(NONE, "TvSeriesAlternativeTitles", "results.0.title", "Froni i shpatave"),
    "tv.content_ratings": Expect(NONE, "ContentRatings", "results.0.rating", "16"),
    "tv.episode_groups": Expect(NONE, "EpisodeGroups", "results.0.network.name", "HBO"),
    "tv.external_ids": Expect(NONE, "ExternalIds", "tvdb_id", 121361),
    "tv.latest": Expect(NONE, "TvSeriesDetails", "name", "妖怪传"),
    "tv.reviews": Expect(PAGED, "ReviewPage", "results.0.author_details.rating", 9.0),
    "tv.images": Expect(IMAGES, "Images", "posters.0.iso_639_1", "pt"),
    "tv.similar": Expect(PAGED, "TvSeriesPage", "results.0.original_name", "종이달"),
    "tv.screened_theatrically": Expect(NONE, "ScreenedTheatrically", "results.0.episode_number", 10),
    "tv.changes": Expect(DATED, "Changes", "changes.0.items.0.action", "updated"),
    "tv.credits": Expect(LANGUAGE, "Credits", "cast.0.character", "Tyrion Lannister"),
    "tv.details": Expect(APPENDED, "TvSeriesDetails", "last_episode_to_air.name", "The Iron Throne"),
    "tv.keywords": Expect(NONE, "TvSeriesKeywords", "results.1.name", "kingdom"),
    "tv.lists": Expect(PAGED, "ListPage", "results.0.name", "Done"),
    "tv.translations": Expect(NONE, "Translations", "translations.0.iso_639_1", "ar"),
    "tv.videos": Expect(VIDEOS, "Videos", "results.0.type_", "Behind the Scenes"),
    "tv.watch_providers": Expect(NONE, "WatchProviders", "results.AE.flatrate.0.provider_id", 629),
    "tv.airing_today": Expect(TIMEZONED, "TvSeriesPage", "total_results", 265),
    "tv.on_the_air": Expect(TIMEZONED, "TvSeriesPage", "total_pages", 58),
    "tv.popular": Expect(PAGED, "TvSeriesPage", "results.0.origin_country.0", "PH"),
    "tv.top_rated": Expect(PAGED, "TvSeriesPage", "results.0.name", "The D'Amelio Show"),
    "tv.recommendations": Expect(PAGED, "TvSeriesPage", "results.0.name", "Breaking Bad"),
    # Authentication
    "authentication.create_guest_session": Expect(
        NONE, "GuestSession", "guest_session_id", "1ce82ec1223641636ad4a60b07de3581"
    ),
}


@dataclass(frozen=True)
class Operation:
    """One line of tests/fixtures/first-wave-operations.txt."""

    method: str
    route: str  # "/3/movie/{movie_id}"
    facade: str  # "movies.details"

    @property
    def namespace(self) -> str:
        return self.facade.split(".")[0]

    @property
    def name(self) -> str:
        return self.facade.split(".")[1]

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.route)

    @property
    def path(self) -> str:
        """The route with its ids filled in: `/3/movie/550`."""
        return re.sub(r"\{(\w+)\}", lambda match: str(PATH_IDS[match[1]]), self.route)

    @property
    def path_args(self) -> tuple[int, ...]:
        return tuple(PATH_IDS[name] for name in self.path_params)

    @property
    def expect(self) -> Expect:
        return EXPECTED[self.facade]

    def body(self) -> Any:
        if self.facade == "movies.recommendations":
            # TMDB's official example is `{}`: the corrected fixture stands in for it.
            return json.loads((FIXTURES / "corrected" / "movies.recommendations.json").read_text(encoding="utf-8"))
        return official(self.facade)


def _first_wave() -> list[Operation]:
    lines = (FIXTURES / "first-wave-operations.txt").read_text(encoding="utf-8").splitlines()
    return [Operation(*line.split()) for line in lines if line.strip() and not line.startswith("#")]


OPERATIONS = _first_wave()
IDS = [op.facade for op in OPERATIONS]
# Every namespace of the spec: its tags.
NAMESPACES = tuple(sorted({name.split(".")[0] for name in operations()}))


def facade_method(tmdb: TMDB, op: Operation) -> Callable[..., Coroutine[Any, Any, Any]]:
    method: Callable[..., Coroutine[Any, Any, Any]] = getattr(getattr(tmdb, op.namespace), op.name)
    return method


def resolve(obj: Any, dotted: str) -> Any:
    """Follow `results.AE.flatrate.0.provider_name`: digits index a list, then attribute, else key."""
    for part in dotted.split("."):
        if part.isdigit():
            obj = obj[int(part)]
        elif hasattr(obj, part):
            obj = getattr(obj, part)
        else:
            obj = obj[part]
    return obj


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
async def test_facade_method_sends_exact_request_and_returns_the_parsed_official_example(op: Operation) -> None:
    expect = op.expect
    recorder = Recorder(op.body(), status=expect.status)
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        result = await facade_method(tmdb, op)(*op.path_args, **expect.params.kwargs)

    assert len(recorder.requests) == 1
    request = recorder.requests[0]
    assert request.method == op.method
    assert request.url.host == "api.themoviedb.org"
    assert request.url.path == op.path
    assert dict(request.url.params) == expect.params.query
    assert len(request.url.params.multi_items()) == len(expect.params.query)  # nothing repeated
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    if expect.body is None:
        assert request.content == b""
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(request.content) == expect.body

    assert type(result).__name__ == expect.model
    assert resolve(result, expect.attribute) == expect.value


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
async def test_facade_method_sends_no_query_parameter_for_arguments_left_none(op: Operation) -> None:
    recorder = Recorder(op.body(), status=op.expect.status)
    optional = {name: None for name in op.expect.params.kwargs if name != "value"}
    required = {"value": 8.5} if "value" in op.expect.params.kwargs else {}
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        await facade_method(tmdb, op)(*op.path_args, **required, **optional)

    assert [(request.method, request.url.path) for request in recorder.requests] == [(op.method, op.path)]
    assert str(recorder.requests[0].url) == f"https://api.themoviedb.org{op.path}"


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
async def test_facade_method_docstring_names_its_route(op: Operation) -> None:
    async with TMDB(access_token=TOKEN) as tmdb:
        doc = inspect.getdoc(facade_method(tmdb, op))

    assert doc is not None
    assert f"`{op.method} {op.route}`" in doc


@pytest.mark.parametrize("namespace", NAMESPACES)
async def test_namespace_public_methods_are_exactly_the_operations_of_its_tag(namespace: str) -> None:
    async with TMDB(access_token=TOKEN) as tmdb:
        resource = getattr(tmdb, namespace)
    public = {name for name in dir(resource) if not name.startswith("_")}

    assert public == {name.split(".")[1] for name in operations() if name.split(".")[0] == namespace}
    assert {op.name for op in OPERATIONS if op.namespace == namespace} <= public
    assert all(inspect.iscoroutinefunction(getattr(resource, name)) for name in public)


def test_namespaces_are_exactly_the_tags_of_the_spec() -> None:
    assert len(NAMESPACES) == 25
    assert {name for name in dir(Namespaces) if not name.startswith("_")} == set(NAMESPACES)


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
async def test_facade_signature_has_no_unset_positional_ids_and_none_defaults(op: Operation) -> None:
    async with TMDB(access_token=TOKEN) as tmdb:
        method = facade_method(tmdb, op)
    signature = inspect.signature(method)
    hints = typing.get_type_hints(method)
    parameters = signature.parameters

    # Nothing mentions Unset: not the written annotations, not the resolved hints.
    assert "Unset" not in str(signature)
    assert all("Unset" not in repr(hint) for hint in hints.values()), hints
    # It returns the model, and only the model.
    assert hints["return"].__name__ == op.expect.model
    # Path ids come first, positional, as ints.
    positional = [name for name, p in parameters.items() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert positional == op.path_params
    assert all(hints[name] is int and parameters[name].default is inspect.Parameter.empty for name in positional)
    # Everything else is keyword-only; only the rating's value is required.
    others = {name: p for name, p in parameters.items() if name not in positional}
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in others.values())
    required = {name for name, p in others.items() if p.default is inspect.Parameter.empty}
    assert required == ({"value"} if op.name == "add_rating" else set())
    optional = {name: p for name, p in others.items() if name not in required}
    assert all(p.default is None for p in optional.values())
    assert all(type(None) in typing.get_args(hints[name]) for name in optional)
    # The table passes every parameter the method takes.
    assert set(others) == set(op.expect.params.kwargs)


def test_the_table_covers_the_fifty_first_wave_operations() -> None:
    assert len(OPERATIONS) == 50
    assert len(set(IDS)) == 50
    assert len({(op.method, op.route) for op in OPERATIONS}) == 50
    assert set(EXPECTED) == set(IDS)
