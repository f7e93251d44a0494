"""The `reference` area: discover, configuration, genres, review details, watch providers, certifications, changes.

Nineteen operations (openapi/fragments/reference.yaml). For each one: the facade call, with a realistic value for
every parameter, sends the exact method, path and query and returns the model parsed from TMDB's official example;
the official example round-trips losslessly through the model and leaves nothing unmodelled. Then the hostile data
of these endpoints: nulls TMDB sends (`adult` of changed ids, backdrops), "" dates, empty priority maps, countries and
sizes TMDB adds later, unknown fields.
"""

from __future__ import annotations

import copy
import inspect
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
import pytest

import tmdb_api.models as m
from tmdb_async import TMDB, NotFoundError, ResponseValidationError

from recording import Recorder
from spec_models import unmodelled_fields
from support import official, spec

TOKEN = "tok"
REVIEW_ID = "640b2aeecaaca20079decdcc"
TAGS = ("discover", "configuration", "genres", "reviews", "watch_providers", "certifications", "changes")

DISCOVER_MOVIES: dict[str, Any] = {
    "certification": "PG-13",
    "certification_gte": "PG",
    "certification_lte": "R",
    "certification_country": "US",
    "include_adult": False,
    "include_video": False,
    "language": "pt-BR",
    "page": 2,
    "primary_release_year": 2023,
    "primary_release_date_gte": "2023-01-01",
    "primary_release_date_lte": "2023-12-31",
    "region": "BR",
    "release_date_gte": "2023-02-01",
    "release_date_lte": "2023-03-31",
    "sort_by": "vote_average.desc",
    "vote_average_gte": 6.5,
    "vote_average_lte": 9.5,
    "vote_count_gte": 1000,
    "vote_count_lte": 50000,
    "watch_region": "BR",
    "with_cast": "287|819",
    "with_companies": "420|4",
    "with_crew": "7467",
    "with_genres": "28,12",
    "with_keywords": "9715|9717",
    "with_origin_country": "US",
    "with_original_language": "en",
    "with_people": "287,7467",
    "with_release_type": "2|3",
    "with_runtime_gte": 90,
    "with_runtime_lte": 180,
    "with_watch_monetization_types": "flatrate|rent",
    "with_watch_providers": "8|337",
    "without_companies": "3",
    "without_genres": "27,10749",
    "without_keywords": "210024",
    "without_watch_providers": "119",
    "year": 2023,
}
DISCOVER_MOVIES_QUERY = {
    "certification": "PG-13",
    "certification.gte": "PG",
    "certification.lte": "R",
    "certification_country": "US",
    "include_adult": "false",
    "include_video": "false",
    "language": "pt-BR",
    "page": "2",
    "primary_release_year": "2023",
    "primary_release_date.gte": "2023-01-01",
    "primary_release_date.lte": "2023-12-31",
    "region": "BR",
    "release_date.gte": "2023-02-01",
    "release_date.lte": "2023-03-31",
    "sort_by": "vote_average.desc",
    "vote_average.gte": "6.5",
    "vote_average.lte": "9.5",
    "vote_count.gte": "1000",
    "vote_count.lte": "50000",
    "watch_region": "BR",
    "with_cast": "287|819",
    "with_companies": "420|4",
    "with_crew": "7467",
    "with_genres": "28,12",
    "with_keywords": "9715|9717",
    "with_origin_country": "US",
    "with_original_language": "en",
    "with_people": "287,7467",
    "with_release_type": "2|3",
    "with_runtime.gte": "90",
    "with_runtime.lte": "180",
    "with_watch_monetization_types": "flatrate|rent",
    "with_watch_providers": "8|337",
    "without_companies": "3",
    "without_genres": "27,10749",
    "without_keywords": "210024",
    "without_watch_providers": "119",
    "year": "2023",
}
DISCOVER_TV: dict[str, Any] = {
    "air_date_gte": "2024-01-01",
    "air_date_lte": "2024-01-07",
    "first_air_date_year": 2023,
    "first_air_date_gte": "2023-01-01",
    "first_air_date_lte": "2023-12-31",
    "include_adult": False,
    "include_null_first_air_dates": False,
    "language": "pt-BR",
    "page": 2,
    "screened_theatrically": True,
    "sort_by": "first_air_date.desc",
    "timezone": "America/Sao_Paulo",
    "vote_average_gte": 7.5,
    "vote_average_lte": 10.0,
    "vote_count_gte": 100,
    "vote_count_lte": 100000,
    "watch_region": "BR",
    "with_companies": "49",
    "with_genres": "18|80",
    "with_keywords": "9715",
    "with_networks": "213|49",
    "with_origin_country": "BR",
    "with_original_language": "pt",
    "with_runtime_gte": 20,
    "with_runtime_lte": 60,
    "with_status": "0|2",
    "with_type": "4",
    "with_watch_monetization_types": "flatrate",
    "with_watch_providers": "8|119",
    "without_companies": "3",
    "without_genres": "16",
    "without_keywords": "210024",
    "without_watch_providers": "337",
}
DISCOVER_TV_QUERY = {
    "air_date.gte": "2024-01-01",
    "air_date.lte": "2024-01-07",
    "first_air_date_year": "2023",
    "first_air_date.gte": "2023-01-01",
    "first_air_date.lte": "2023-12-31",
    "include_adult": "false",
    "include_null_first_air_dates": "false",
    "language": "pt-BR",
    "page": "2",
    "screened_theatrically": "true",
    "sort_by": "first_air_date.desc",
    "timezone": "America/Sao_Paulo",
    "vote_average.gte": "7.5",
    "vote_average.lte": "10.0",
    "vote_count.gte": "100",
    "vote_count.lte": "100000",
    "watch_region": "BR",
    "with_companies": "49",
    "with_genres": "18|80",
    "with_keywords": "9715",
    "with_networks": "213|49",
    "with_origin_country": "BR",
    "with_original_language": "pt",
    "with_runtime.gte": "20",
    "with_runtime.lte": "60",
    "with_status": "0|2",
    "with_type": "4",
    "with_watch_monetization_types": "flatrate",
    "with_watch_providers": "8|119",
    "without_companies": "3",
    "without_genres": "16",
    "without_keywords": "210024",
    "without_watch_providers": "337",
}
LANGUAGE = {"language": "pt-BR"}
DATED = {"start_date": "2024-01-01", "end_date": "2024-01-14", "page": 2}
DATED_QUERY = {"start_date": "2024-01-01", "end_date": "2024-01-14", "page": "2"}
PROVIDERS = {"language": "pt-BR", "watch_region": "BR"}


@dataclass(frozen=True)
class Case:
    """One operation: the facade call, the request it must send and what it returns."""

    facade: str  # "discover.movies"
    path: str  # the route with its id filled in
    returns: Any  # the model class, or list[Model] / list[str] for TMDB's top-level arrays
    attribute: str  # "results.0.title": digits index a list, other parts are attributes or map keys
    value: object  # hard-coded from the official example
    kwargs: dict[str, Any] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ()

    @property
    def namespace(self) -> str:
        return self.facade.split(".")[0]

    @property
    def name(self) -> str:
        return self.facade.split(".")[1]


CASES = [
    Case(
        "discover.movies",
        "/3/discover/movie",
        m.MoviePage,
        "results.0.title",
        "Ant-Man and the Wasp: Quantumania",
        DISCOVER_MOVIES,
        DISCOVER_MOVIES_QUERY,
    ),
    Case(
        "discover.tv", "/3/discover/tv", m.TvSeriesPage, "results.0.name", "Dirty Linen", DISCOVER_TV, DISCOVER_TV_QUERY
    ),
    Case(
        "configuration.details",
        "/3/configuration",
        m.ConfigurationDetails,
        "images.secure_base_url",
        "https://image.tmdb.org/t/p/",
    ),
    Case(
        "configuration.countries",
        "/3/configuration/countries",
        list[m.Country],
        "1.english_name",
        "United Arab Emirates",
        LANGUAGE,
        LANGUAGE,
    ),
    Case("configuration.jobs", "/3/configuration/jobs", list[m.DepartmentJobs], "0.jobs.0", "Casting"),
    Case("configuration.languages", "/3/configuration/languages", list[m.SpokenLanguage], "1.name", "Český"),
    Case("configuration.primary_translations", "/3/configuration/primary_translations", list[str], "0", "af-ZA"),
    Case(
        "configuration.timezones", "/3/configuration/timezones", list[m.CountryTimezones], "0.zones.0", "Europe/Andorra"
    ),
    Case("genres.movie_list", "/3/genre/movie/list", m.GenreList, "genres.1.name", "Abenteuer", LANGUAGE, LANGUAGE),
    Case("genres.tv_list", "/3/genre/tv/list", m.GenreList, "genres.0.id", 10759, LANGUAGE, LANGUAGE),
    Case(
        "reviews.details",
        f"/3/review/{REVIEW_ID}",
        m.ReviewDetails,
        "media_title",
        "The Last of Us",
        args=(REVIEW_ID,),
    ),
    Case(
        "watch_providers.regions",
        "/3/watch/providers/regions",
        m.WatchProviderRegions,
        "results.0.native_name",
        "Andorra",
        LANGUAGE,
        LANGUAGE,
    ),
    Case(
        "watch_providers.movie_providers",
        "/3/watch/providers/movie",
        m.AvailableWatchProviders,
        "results.0.display_priorities.CA",
        6,
        PROVIDERS,
        PROVIDERS,
    ),
    Case(
        "watch_providers.tv_providers",
        "/3/watch/providers/tv",
        m.AvailableWatchProviders,
        "results.0.provider_name",
        "Apple TV",
        PROVIDERS,
        PROVIDERS,
    ),
    Case(
        "certifications.movie_list",
        "/3/certification/movie/list",
        m.Certifications,
        "certifications.US.0.certification",
        "R",
    ),
    Case("certifications.tv_list", "/3/certification/tv/list", m.Certifications, "certifications.CA-QC.0.order", 5),
    Case("changes.movies", "/3/movie/changes", m.ChangedIdPage, "results.0.id", 1120293, DATED, DATED_QUERY),
    Case("changes.people", "/3/person/changes", m.ChangedIdPage, "results.0.id", 4037513, DATED, DATED_QUERY),
    Case("changes.tv", "/3/tv/changes", m.ChangedIdPage, "total_results", 1763, DATED, DATED_QUERY),
]
IDS = [case.facade for case in CASES]


# ---------------------------------------------------------------------------------------- helpers


def facade_method(tmdb: TMDB, case: Case) -> Any:
    return getattr(getattr(tmdb, case.namespace), case.name)


def resolve(obj: Any, dotted: str) -> Any:
    """Follow `results.0.display_priorities.CA`: digits index a list, then attribute, else key."""
    for part in dotted.split("."):
        if part.isdigit():
            obj = obj[int(part)]
        elif hasattr(obj, part):
            obj = getattr(obj, part)
        else:
            obj = obj[part]
    return obj


def parse(returns: Any, data: Any) -> Any:
    """The JSON parsed as the generated client parses it: a model, or a list of models or strings."""
    if typing.get_origin(returns) is list:
        (item,) = typing.get_args(returns)
        return list(data) if item is str else [item.from_dict(entry) for entry in data]
    return returns.from_dict(data)


def to_json(parsed: Any) -> Any:
    if isinstance(parsed, list):
        return [item.to_dict() if hasattr(item, "to_dict") else item for item in parsed]
    return parsed.to_dict()


# ---------------------------------------------------------------------------------------- facade calls
@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_facade_call_sends_the_exact_request_and_returns_the_official_example(case: Case) -> None:
    recorder = Recorder(official(case.facade))
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        result = await facade_method(tmdb, case)(*case.args, **case.kwargs)

    assert len(recorder.requests) == 1
    request = recorder.requests[0]
    assert request.method == "GET"
    assert request.url.host == "api.themoviedb.org"
    assert request.url.path == case.path
    assert dict(request.url.params) == case.query
    assert len(request.url.params.multi_items()) == len(case.query)  # nothing repeated
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.content == b""

    if typing.get_origin(case.returns) is list:
        (item,) = typing.get_args(case.returns)
        assert isinstance(result, list)
        assert result
        assert all(type(entry) is item for entry in result)
    else:
        assert type(result) is case.returns
    assert resolve(result, case.attribute) == case.value


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_facade_call_sends_nothing_for_arguments_left_none(case: Case) -> None:
    recorder = Recorder(official(case.facade))
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        await facade_method(tmdb, case)(*case.args, **dict.fromkeys(case.kwargs))

    assert [str(request.url) for request in recorder.requests] == [f"https://api.themoviedb.org{case.path}"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_facade_signature_takes_every_parameter_and_returns_the_model(case: Case) -> None:
    async with TMDB(access_token=TOKEN) as tmdb:
        method = facade_method(tmdb, case)
    hints = typing.get_type_hints(method)
    parameters = inspect.signature(method).parameters

    assert hints["return"] == case.returns
    positional = [name for name, p in parameters.items() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert positional == (["review_id"] if case.args else [])
    keywords = {name: p for name, p in parameters.items() if name not in positional}
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is None for p in keywords.values())
    # The table passes every parameter the method takes.
    assert set(keywords) == set(case.kwargs)
    assert f"`GET {spec_route(case)}`" in (inspect.getdoc(method) or "")


def spec_route(case: Case) -> str:
    return case.path.replace(REVIEW_ID, "{review_id}")


async def test_review_id_is_a_string_path_parameter() -> None:
    async with TMDB(access_token=TOKEN) as tmdb:
        hints = typing.get_type_hints(tmdb.reviews.details)
    assert hints["review_id"] is str


@pytest.mark.parametrize(
    ("facade", "values"),
    [
        (
            "discover.movies",
            {
                "original_title.asc", "original_title.desc", "popularity.asc", "popularity.desc", "revenue.asc",
                "revenue.desc", "primary_release_date.asc", "primary_release_date.desc", "title.asc", "title.desc",
                "vote_average.asc", "vote_average.desc", "vote_count.asc", "vote_count.desc",
            },
        ),
        (
            "discover.tv",
            {
                "first_air_date.asc", "first_air_date.desc", "name.asc", "name.desc", "original_name.asc",
                "original_name.desc", "popularity.asc", "popularity.desc", "vote_average.asc", "vote_average.desc",
                "vote_count.asc", "vote_count.desc",
            },
        ),
    ],
)  # fmt: skip
async def test_discover_sort_by_is_a_literal_of_tmdb_sort_orders(facade: str, values: set[str]) -> None:
    case = next(case for case in CASES if case.facade == facade)
    async with TMDB(access_token=TOKEN) as tmdb:
        hint = typing.get_type_hints(facade_method(tmdb, case))["sort_by"]
    literal, none = typing.get_args(hint)
    assert none is type(None)
    assert typing.get_origin(literal) is Literal
    assert set(typing.get_args(literal)) == values


async def test_discover_sends_only_the_filters_given() -> None:
    recorder = Recorder(official("discover.movies"))
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        await tmdb.discover.movies(with_genres="28|12", vote_count_gte=500, include_adult=True)
    assert dict(recorder.requests[0].url.params) == {
        "with_genres": "28|12",
        "vote_count.gte": "500",
        "include_adult": "true",
    }


async def test_discover_rejects_page_501_before_sending() -> None:
    recorder = Recorder(official("discover.tv"))
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        with pytest.raises(ValueError, match="page"):
            await tmdb.discover.tv(page=501)
    assert recorder.requests == []


async def test_changed_id_lists_are_not_the_per_item_changes() -> None:
    # /3/movie/changes (changes.movies) and /3/movie/{movie_id}/changes (movies.changes) are different operations.
    recorder = Recorder(official("changes.movies"))
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        page = await tmdb.changes.movies()
    assert [request.url.path for request in recorder.requests] == ["/3/movie/changes"]
    assert isinstance(page, m.ChangedIdPage)
    routes = {op["operationId"]: route for route, item in spec()["paths"].items() for op in item.values()}
    assert routes["changes_movies"] == "/3/movie/changes"
    assert routes["movies_changes"] == "/3/movie/{movie_id}/changes"


async def test_an_unknown_review_raises_not_found() -> None:
    body = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}
    recorder = Recorder(body, status=404)
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        with pytest.raises(NotFoundError):
            await tmdb.reviews.details("000000000000000000000000")


async def test_a_top_level_array_answered_as_an_object_is_a_validation_error() -> None:
    recorder = Recorder({"iso_3166_1": "AD"})
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        with pytest.raises(ResponseValidationError):
            await tmdb.configuration.countries()


def test_the_spec_has_exactly_these_operations_under_the_area_tags() -> None:
    ids = {
        f"{op['tags'][0]}.{op['operationId'].removeprefix(op['tags'][0] + '_')}"
        for item in spec()["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and op.get("tags", [""])[0] in TAGS
    }
    assert ids == set(IDS)
    assert len(IDS) == 19


# ---------------------------------------------------------------------------------------- official examples
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_official_example_round_trips_losslessly(case: Case) -> None:
    example = official(case.facade)
    parsed = parse(case.returns, copy.deepcopy(example))
    assert to_json(parsed) == example


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_official_example_leaves_nothing_unmodelled(case: Case) -> None:
    parsed = parse(case.returns, copy.deepcopy(official(case.facade)))
    assert unmodelled_fields(parsed) == []


def test_unmodelled_fields_sees_into_maps_of_lists() -> None:
    # The checker must be able to fail inside CertificationsByCountry (country -> [Certification]).
    data = copy.deepcopy(official("certifications.tv_list"))
    data["certifications"]["US"][1]["descriptors"] = ["violence"]
    parsed = m.Certifications.from_dict(data)
    assert unmodelled_fields(parsed) == ["$.certifications['US'][1].descriptors"]
    assert parsed.to_dict() == data


# ---------------------------------------------------------------------------------------- hostile data
def test_discover_movies_with_null_paths_and_an_empty_release_date() -> None:
    data = copy.deepcopy(official("discover.movies"))
    data["results"][0] |= {"poster_path": None, "backdrop_path": None, "overview": None, "release_date": ""}
    data["results"][1]["media_type"] = "collection"
    parsed = m.MoviePage.from_dict(data)
    first = parsed.results[0]
    assert (first.poster_path, first.backdrop_path, first.overview, first.release_date) == (None, None, None, "")
    assert parsed.results[1].media_type == "collection"
    assert parsed.to_dict() == data


def test_discover_tv_keeps_the_null_backdrop_of_the_official_example_and_empty_first_air_dates() -> None:
    data = copy.deepcopy(official("discover.tv"))
    nulls = [index for index, item in enumerate(data["results"]) if item["backdrop_path"] is None]
    assert nulls  # TMDB's own example has a series without a backdrop
    data["results"][0] |= {"first_air_date": "", "poster_path": None, "origin_country": []}
    parsed = m.TvSeriesPage.from_dict(data)
    assert all(parsed.results[index].backdrop_path is None for index in nulls)
    assert (parsed.results[0].first_air_date, parsed.results[0].poster_path) == ("", None)
    assert parsed.to_dict() == data


@pytest.mark.parametrize(("method", "index"), [("changes.movies", 11), ("changes.people", 11), ("changes.tv", 47)])
def test_changed_ids_keep_the_null_adult_tmdb_sends(method: str, index: int) -> None:
    data = official(method)
    assert data["results"][index]["adult"] is None
    parsed = m.ChangedIdPage.from_dict(data)
    assert parsed.results[index].adult is None
    with pytest.raises(ValueError, match=r"^\$\.adult: expected boolean or null, got nothing"):
        m.ChangedId.from_dict({"id": 550})  # TMDB always sends adult (tests/required_rule.py)


def test_watch_provider_priorities_are_a_map_that_may_be_empty_or_grow() -> None:
    data = copy.deepcopy(official("watch_providers.movie_providers"))
    assert data["results"][13]["display_priorities"] == {}
    data["results"][0]["display_priorities"]["XK"] = 3
    data["results"][1]["logo_path"] = None
    parsed = m.AvailableWatchProviders.from_dict(data)
    first, empty = parsed.results[0].display_priorities, parsed.results[13].display_priorities
    assert isinstance(first, m.WatchProviderDisplayPriorities)
    assert isinstance(empty, m.WatchProviderDisplayPriorities)
    assert first["XK"] == 3
    assert first.additional_keys[:3] == ["CA", "AE", "AR"]
    assert empty.additional_keys == []
    assert parsed.results[1].logo_path is None
    assert parsed.to_dict() == data


def test_certifications_take_new_countries_and_keep_unknown_fields() -> None:
    data = copy.deepcopy(official("certifications.movie_list"))
    data["certifications"]["XK"] = [{"certification": "15+", "meaning": "", "order": 3, "minimum_age": 15}]
    parsed = m.Certifications.from_dict(data)
    assert parsed.certifications["CA-QC"][0].meaning == "No rating information."  # a region, not a country
    added = parsed.certifications["XK"][0]
    assert (added.certification, added.order, added.additional_properties) == ("15+", 3, {"minimum_age": 15})
    assert parsed.to_dict() == data


def test_configuration_takes_new_sizes_and_new_fields() -> None:
    data = copy.deepcopy(official("configuration.details"))
    data["images"]["poster_sizes"].insert(-1, "w2000")
    data["images"]["svg_logo_sizes"] = ["original"]
    data["change_keys"].append("brand_new_key")
    parsed = m.ConfigurationDetails.from_dict(data)
    assert isinstance(parsed.images.poster_sizes, list)
    assert parsed.images.poster_sizes[-2:] == ["w2000", "original"]
    assert parsed.images.additional_properties == {"svg_logo_sizes": ["original"]}
    assert parsed.to_dict() == data


def test_configuration_lists_take_empty_native_names_and_new_departments() -> None:
    languages = [m.SpokenLanguage.from_dict(item) for item in official("configuration.languages")]
    assert languages[0].iso_639_1 == "bi"
    assert languages[0].name == ""  # TMDB has no native name for Bislama
    jobs = copy.deepcopy(official("configuration.jobs"))
    jobs.append({"department": "Time Travel", "jobs": []})
    parsed = [m.DepartmentJobs.from_dict(item) for item in jobs]
    assert (parsed[-1].department, parsed[-1].jobs) == ("Time Travel", [])


def test_review_details_with_null_author_fields_and_an_unknown_media_type() -> None:
    data = copy.deepcopy(official("reviews.details"))
    data["author_details"] |= {"rating": None, "avatar_path": None}
    data["media_type"] = "collection"
    parsed = m.ReviewDetails.from_dict(data)
    assert isinstance(parsed.author_details, m.ReviewAuthor)
    assert (parsed.author_details.rating, parsed.author_details.avatar_path) == (None, None)
    assert (parsed.media_type, parsed.media_id, parsed.iso_639_1) == ("collection", 100088, "en")
    assert parsed.to_dict() == data


def test_review_details_is_a_review_with_its_media() -> None:
    # ReviewDetails extends Review; Review itself (the items of review pages) is unchanged.
    schema = spec()["components"]["schemas"]["ReviewDetails"]
    assert schema["allOf"][0] == {"$ref": "#/components/schemas/Review"}
    assert "media_id" not in spec()["components"]["schemas"]["Review"]["properties"]
