"""The catalog area: search, keywords, collections, companies and networks (18 operations).

One row per operation calls the facade through a `TMDB` on an `httpx.MockTransport`, with a realistic value for
every parameter, and pins the request (method, path, exact query) and the answer (model class and one value
hard-coded from TMDB's official example). Then every official example must round-trip losslessly through its model,
and the hostile cases of this area must parse: nulls where TMDB sends them, "" dates, new vocabulary values, an
unknown `media_type` in the mixed search, and the collection parts the official example names differently.
"""

from __future__ import annotations

import copy
import inspect
import json
import re
import typing
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tmdb_api import models as m
from tmdb_api.types import UNSET
from tmdb_async import TMDB, NotFoundError, paginate

from recording import Recorder
from spec_models import model_class, operations, success_schema, unmodelled_fields
from support import FIXTURES, official, spec

TOKEN = "tok"
PATH_IDS = {"keyword_id": 1701, "collection_id": 10, "company_id": 1, "network_id": 49}
NAMESPACES = ("search", "keywords", "collections", "companies", "networks")


@dataclass(frozen=True)
class Case:
    """A facade call of the area: what it takes, what it must send and what it returns."""

    method: str  # "GET"
    route: str  # "/3/collection/{collection_id}"
    kwargs: dict[str, Any]
    query: dict[str, str]
    model: str
    attribute: str  # "results.0.name": digits index a list, other parts are attributes
    value: object
    required: frozenset[str] = field(default_factory=frozenset)

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.route)

    @property
    def path(self) -> str:
        return re.sub(r"\{(\w+)\}", lambda match: str(PATH_IDS[match[1]]), self.route)

    @property
    def path_args(self) -> tuple[int, ...]:
        return tuple(PATH_IDS[name] for name in self.path_params)


SEARCHED = frozenset({"query"})

CASES: dict[str, Case] = {
    # search
    "search.collections": Case(
        "GET",
        "/3/search/collection",
        {"query": "star wars", "include_adult": True, "language": "pt-BR", "page": 2, "region": "BR"},
        {"query": "star wars", "include_adult": "true", "language": "pt-BR", "page": "2", "region": "BR"},
        "CollectionPage",
        "results.0.name",
        "The Avengers Collection",
        SEARCHED,
    ),
    "search.companies": Case(
        "GET",
        "/3/search/company",
        {"query": "HBO", "page": 2},
        {"query": "HBO", "page": "2"},
        "CompanyPage",
        "results.1.name",
        "HBO Asia",
        SEARCHED,
    ),
    "search.keywords": Case(
        "GET",
        "/3/search/keyword",
        {"query": "lost", "page": 3},
        {"query": "lost", "page": "3"},
        "KeywordPage",
        "results.0.id",
        262419,
        SEARCHED,
    ),
    "search.movies": Case(
        "GET",
        "/3/search/movie",
        {
            "query": "fight club",
            "include_adult": False,
            "language": "pt-BR",
            "primary_release_year": 1999,
            "page": 2,
            "region": "BR",
            "year": 1999,
        },
        {
            "query": "fight club",
            "include_adult": "false",
            "language": "pt-BR",
            "primary_release_year": "1999",
            "page": "2",
            "region": "BR",
            "year": "1999",
        },
        "MoviePage",
        "results.0.title",
        "Fight Club",
        SEARCHED,
    ),
    "search.multi": Case(
        "GET",
        "/3/search/multi",
        {"query": "star wars", "include_adult": False, "language": "pt-BR", "page": 2},
        {"query": "star wars", "include_adult": "false", "language": "pt-BR", "page": "2"},
        "MediaPage",
        "results.2.name",
        "Star Wars: Andor",
        SEARCHED,
    ),
    "search.people": Case(
        "GET",
        "/3/search/person",
        {"query": "tom hanks", "include_adult": False, "language": "pt-BR", "page": 1},
        {"query": "tom hanks", "include_adult": "false", "language": "pt-BR", "page": "1"},
        "PersonPage",
        "results.0.known_for.0.title",
        "Forrest Gump",
        SEARCHED,
    ),
    "search.tv": Case(
        "GET",
        "/3/search/tv",
        {
            "query": "breaking bad",
            "first_air_date_year": 2008,
            "include_adult": False,
            "language": "pt-BR",
            "page": 1,
            "year": 2008,
        },
        {
            "query": "breaking bad",
            "first_air_date_year": "2008",
            "include_adult": "false",
            "language": "pt-BR",
            "page": "1",
            "year": "2008",
        },
        "TvSeriesPage",
        "results.0.name",
        "Breaking Bad",
        SEARCHED,
    ),
    # keywords
    "keywords.details": Case("GET", "/3/keyword/{keyword_id}", {}, {}, "Keyword", "name", "hero"),
    "keywords.movies": Case(
        "GET",
        "/3/keyword/{keyword_id}/movies",
        {"include_adult": False, "language": "de-DE", "page": 2},
        {"include_adult": "false", "language": "de-DE", "page": "2"},
        "KeywordMoviePage",
        "results.1.title",
        "Black Panther: Wakanda Forever",
    ),
    # collections
    "collections.details": Case(
        "GET",
        "/3/collection/{collection_id}",
        {"append_to_response": "images,translations", "language": "pt-BR"},
        {"append_to_response": "images,translations", "language": "pt-BR"},
        "CollectionDetails",
        "parts.1.id",
        1891,
    ),
    "collections.images": Case(
        "GET",
        "/3/collection/{collection_id}/images",
        {"include_image_language": "en,null", "language": "pt-BR"},
        {"include_image_language": "en,null", "language": "pt-BR"},
        "Images",
        "backdrops.0.file_path",
        "/d8duYyyC9J5T825Hg7grmaabfxQ.jpg",
    ),
    "collections.translations": Case(
        "GET",
        "/3/collection/{collection_id}/translations",
        {},
        {},
        "CollectionTranslations",
        "translations.1.data.title",
        "Междузвездни войни (поредица)",
    ),
    # companies
    "companies.details": Case(
        "GET",
        "/3/company/{company_id}",
        {"append_to_response": "alternative_names,images"},
        {"append_to_response": "alternative_names,images"},
        "CompanyDetails",
        "headquarters",
        "San Francisco, California",
    ),
    "companies.alternative_names": Case(
        "GET", "/3/company/{company_id}/alternative_names", {}, {}, "AlternativeNames", "results.0.name", "루카스필름"
    ),
    "companies.images": Case(
        "GET", "/3/company/{company_id}/images", {}, {}, "LogoImages", "logos.0.file_type", ".svg"
    ),
    # networks
    "networks.details": Case(
        "GET",
        "/3/network/{network_id}",
        {"append_to_response": "alternative_names,images"},
        {"append_to_response": "alternative_names,images"},
        "NetworkDetails",
        "headquarters",
        "New York City, New York",
    ),
    "networks.alternative_names": Case(
        "GET",
        "/3/network/{network_id}/alternative_names",
        {},
        {},
        "AlternativeNames",
        "results.0.name",
        "Home Box Office",
    ),
    "networks.images": Case(
        "GET", "/3/network/{network_id}/images", {}, {}, "LogoImages", "logos.1.id", "63e7979663aad200858726da"
    ),
}
IDS = sorted(CASES)

# The official examples that are wrong, with the corrected body and why (see CollectionPart in the fragment).
CORRECTED = {
    # Its parts say `name`/`original_name` where every movie list says `title`/`original_title`.
    "collections.details": "collections.details.json",
}

# TMDB's official file, where the fixtures come from (read to check they are copied unmodified).
OFFICIAL_FILE = FIXTURES / "reference" / "tmdb-openapi-official.json"  # copied from shared/reference


def test_unmodelled_fields_finds_an_unknown_nested_field() -> None:
    # The checker must be able to fail.
    example = copy.deepcopy(official("collections.details"))
    example["parts"][1]["brand_new_field"] = 1
    parsed = m.CollectionDetails.from_dict(example)
    assert unmodelled_fields(parsed) == ["$.parts[1].brand_new_field"]


def facade_method(tmdb: TMDB, name: str) -> Callable[..., Coroutine[Any, Any, Any]]:
    namespace, method_name = name.split(".")
    method: Callable[..., Coroutine[Any, Any, Any]] = getattr(getattr(tmdb, namespace), method_name)
    return method


def resolve(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
    return obj


def corrected(name: str) -> Any:
    return json.loads((FIXTURES / "corrected" / CORRECTED[name]).read_text(encoding="utf-8"))


def model_of(name: str) -> Any:
    return model_class(success_schema(operations()[name]))


# ---------------------------------------------------------------------------------------------- the facade


@pytest.mark.parametrize("name", IDS)
async def test_facade_sends_the_exact_request_and_returns_the_parsed_official_example(name: str) -> None:
    case = CASES[name]
    recorder = Recorder(official(name))
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        result = await facade_method(tmdb, name)(*case.path_args, **case.kwargs)

    assert len(recorder.requests) == 1
    request = recorder.requests[0]
    assert request.method == case.method
    assert request.url.host == "api.themoviedb.org"
    assert request.url.path == case.path
    assert dict(request.url.params) == case.query
    assert len(request.url.params.multi_items()) == len(case.query)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.content == b""

    assert type(result).__name__ == case.model
    assert resolve(result, case.attribute) == case.value


@pytest.mark.parametrize("name", IDS)
async def test_arguments_left_none_send_no_query_parameter(name: str) -> None:
    case = CASES[name]
    recorder = Recorder(official(name))
    required = {key: value for key, value in case.kwargs.items() if key in case.required}
    optional = {key: None for key in case.kwargs if key not in case.required}
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        await facade_method(tmdb, name)(*case.path_args, **required, **optional)

    expected = "" if not required else "?" + str(httpx.QueryParams(required))
    assert [str(request.url) for request in recorder.requests] == [f"https://api.themoviedb.org{case.path}{expected}"]


@pytest.mark.parametrize("name", IDS)
async def test_signature_has_positional_ids_a_required_query_and_none_defaults(name: str) -> None:
    case = CASES[name]
    async with TMDB(access_token=TOKEN) as tmdb:
        method = facade_method(tmdb, name)
        doc = inspect.getdoc(method)
    parameters = inspect.signature(method).parameters
    hints = typing.get_type_hints(method)

    assert doc is not None
    assert f"`{case.method} {case.route}`" in doc
    assert "Unset" not in str(inspect.signature(method))
    assert hints["return"].__name__ == case.model
    positional = [key for key, p in parameters.items() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert positional == case.path_params
    assert all(hints[key] is int for key in positional)
    others = {key: p for key, p in parameters.items() if key not in positional}
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in others.values())
    assert {key for key, p in others.items() if p.default is inspect.Parameter.empty} == case.required
    assert all(p.default is None for key, p in others.items() if key not in case.required)
    assert set(others) == set(case.kwargs)  # the table passes every parameter


@pytest.mark.parametrize("namespace", NAMESPACES)
async def test_namespace_methods_are_exactly_the_area_operations(namespace: str) -> None:
    async with TMDB(access_token=TOKEN) as tmdb:
        resource = getattr(tmdb, namespace)
    public = {key for key in dir(resource) if not key.startswith("_")}
    assert public == {name.split(".")[1] for name in CASES if name.split(".")[0] == namespace}


def test_the_table_covers_every_operation_of_the_area_once() -> None:
    area = {name for name in operations() if name.split(".")[0] in NAMESPACES}
    assert area == set(CASES)
    assert len(CASES) == 18
    routes = {(case.method, case.route) for case in CASES.values()}
    assert len(routes) == 18
    for name, case in CASES.items():
        assert case.route in spec()["paths"], name
        assert success_schema(operations()[name]) == case.model, name


async def test_out_of_range_arguments_raise_before_anything_is_sent() -> None:
    recorder = Recorder(official("search.movies"))
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        with pytest.raises(ValueError, match="page"):
            await tmdb.search.movies(query="x", page=501)
        with pytest.raises(ValueError, match="year"):
            await tmdb.search.movies(query="x", year=999)
        with pytest.raises(ValueError, match="first_air_date_year"):
            await tmdb.search.tv(query="x", first_air_date_year=10000)
        with pytest.raises(ValueError, match="keyword_id"):
            await tmdb.keywords.details(0)
    assert recorder.requests == []


async def test_a_missing_company_raises_not_found() -> None:
    body = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}
    recorder = Recorder(body, status=404)
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        with pytest.raises(NotFoundError) as caught:
            await tmdb.companies.details(999999999)
    assert caught.value.tmdb_status_code == 34
    assert len(recorder.requests) == 1


async def test_search_pages_can_be_paginated_with_the_query_passed_through() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        body = {"page": page, "results": [{"id": page, "name": f"k{page}"}], "total_pages": 3, "total_results": 3}
        return httpx.Response(200, json=body)

    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(handler)) as tmdb:
        names = [keyword.name async for keyword in paginate(tmdb.search.keywords, query="lost")]
    assert names == ["k1", "k2", "k3"]


# ---------------------------------------------------------------------------------------------- fidelity


@pytest.mark.parametrize("name", IDS)
def test_official_example_round_trips_losslessly(name: str) -> None:
    example = official(name)
    parsed = model_of(name).from_dict(copy.deepcopy(example))
    assert parsed.to_dict() == example
    assert unmodelled_fields(parsed) == []


@pytest.mark.parametrize("name", sorted(CORRECTED))
def test_corrected_example_round_trips_losslessly(name: str) -> None:
    example = corrected(name)
    parsed = model_of(name).from_dict(copy.deepcopy(example))
    assert parsed.to_dict() == example
    assert unmodelled_fields(parsed) == []


@pytest.mark.parametrize("name", IDS)
def test_fixture_is_the_official_example_unmodified(name: str) -> None:
    document = json.loads(OFFICIAL_FILE.read_text(encoding="utf-8"))
    official_route = CASES[name].route
    content = document["paths"][official_route]["get"]["responses"]["200"]["content"]["application/json"]
    (example,) = content["examples"].values()
    value = example["value"]
    assert official(name) == (json.loads(value) if isinstance(value, str) else value)


def test_collection_parts_are_still_named_by_name_in_the_official_example() -> None:
    # When TMDB fixes its example (parts named by title), the corrected fixture has done its job.
    parts = official("collections.details")["parts"]
    assert all("name" in part and "title" not in part for part in parts)
    assert all("title" in part and "name" not in part for part in corrected("collections.details")["parts"])


# ---------------------------------------------------------------------------------------------- hostile data


def test_collection_parts_parse_with_the_live_title_and_the_official_name() -> None:
    live = m.CollectionDetails.from_dict(corrected("collections.details")).parts
    assert isinstance(live, list)
    assert isinstance(live[0], m.CollectionPart)
    assert (live[0].title, live[0].original_title, live[0].name) == ("Star Wars", "Star Wars", UNSET)
    documented = m.CollectionDetails.from_dict(official("collections.details")).parts
    assert isinstance(documented, list)
    assert (documented[0].name, documented[0].title) == ("Star Wars", UNSET)


def test_an_unreleased_collection_part_and_a_bare_collection_parse() -> None:
    data = copy.deepcopy(corrected("collections.details"))
    data |= {"overview": None, "poster_path": None, "backdrop_path": None}
    data["parts"][0] |= {"release_date": "", "poster_path": None, "backdrop_path": None, "overview": None}
    data["parts"][0]["media_type"] = "film"
    parsed = m.CollectionDetails.from_dict(copy.deepcopy(data))
    assert isinstance(parsed.parts, list)
    assert (parsed.overview, parsed.poster_path, parsed.parts[0].release_date) == (None, None, "")
    assert parsed.parts[0].media_type == "film"
    assert parsed.to_dict() == data


def test_collection_translations_keep_empty_and_null_texts() -> None:
    data = copy.deepcopy(official("collections.translations"))
    data["translations"][0]["data"] = {"title": None, "overview": "", "homepage": None, "tagline": "new"}
    parsed = m.CollectionTranslations.from_dict(copy.deepcopy(data))
    first = parsed.translations[0].data
    assert (first.title, first.overview, first.homepage) == (None, "", None)
    assert first.additional_properties == {"tagline": "new"}
    assert parsed.to_dict() == data


def test_collection_images_without_language_parse() -> None:
    parsed = m.Images.from_dict(official("collections.images"))
    assert isinstance(parsed.backdrops, list)
    assert parsed.backdrops[0].iso_639_1 is None
    assert parsed.logos is UNSET  # collections have backdrops and posters only


def test_mixed_search_tells_movies_series_people_and_unknown_kinds_apart() -> None:
    data = copy.deepcopy(official("search.multi"))
    person = official("search.people")["results"][0] | {"media_type": "person"}
    collection = {"id": 10, "media_type": "collection", "name": "Star Wars Collection", "poster_path": None}
    data["results"] += [person, collection]
    parsed = m.MediaPage.from_dict(copy.deepcopy(data))
    kinds = [type(item).__name__ for item in parsed.results]
    assert kinds[:3] == ["MovieMediaItem", "MovieMediaItem", "TvSeriesMediaItem"]
    assert kinds[-2:] == ["PersonMediaItem", "OtherMediaItem"]
    other = parsed.results[-1]
    assert isinstance(other, m.OtherMediaItem)
    assert other.media_type == "collection"
    assert other.additional_properties == {"name": "Star Wars Collection", "poster_path": None}
    assert parsed.to_dict() == data


def test_search_results_with_null_paths_and_empty_dates_parse() -> None:
    movies = m.MoviePage.from_dict(official("search.movies"))
    unreleased = movies.results[3]
    assert (unreleased.title, unreleased.release_date, unreleased.poster_path) == (
        "Fight Club (Russian version)",
        "",
        None,
    )
    series = copy.deepcopy(official("search.tv"))
    series["results"][0] |= {"first_air_date": "", "poster_path": None, "overview": None, "origin_country": []}
    parsed = m.TvSeriesPage.from_dict(copy.deepcopy(series))
    assert (parsed.results[0].first_air_date, parsed.results[0].overview) == ("", None)
    assert parsed.to_dict() == series


def test_a_person_known_for_an_unknown_kind_parses() -> None:
    data = copy.deepcopy(official("search.people"))
    data["results"][0]["known_for"].append({"id": 1, "media_type": "podcast", "name": "Tom Talks"})
    data["results"][0] |= {"profile_path": None, "gender": None, "known_for_department": None}
    parsed = m.PersonPage.from_dict(copy.deepcopy(data))
    known_for = parsed.results[0].known_for
    assert isinstance(known_for, list)
    assert isinstance(known_for[0], m.MovieMediaItem)
    assert isinstance(known_for[-1], m.OtherMediaItem)
    assert parsed.results[0].profile_path is None
    assert parsed.to_dict() == data


def test_search_collections_and_companies_with_nulls_parse() -> None:
    collections = copy.deepcopy(official("search.collections"))
    collections["results"][0] |= {"poster_path": None, "backdrop_path": None, "overview": None}
    parsed = m.CollectionPage.from_dict(copy.deepcopy(collections))
    assert isinstance(parsed.results[0], m.CollectionSearchResult)
    assert (parsed.results[0].poster_path, parsed.results[0].original_name) == (None, "The Avengers Collection")
    assert parsed.to_dict() == collections
    companies = copy.deepcopy(official("search.companies"))
    companies["results"][0]["origin_country"] = None
    page = m.CompanyPage.from_dict(copy.deepcopy(companies))
    assert page.results[2].logo_path is None
    assert page.results[2].origin_country == ""
    assert page.results[0].origin_country is None
    assert page.to_dict() == companies


def test_company_details_with_a_parent_and_with_nulls_parse() -> None:
    data = official("companies.details") | {
        "parent_company": {"id": 2, "logo_path": None, "name": "Walt Disney Pictures"},
        "homepage": None,
        "description": None,
        "headquarters": "",
        "logo_path": None,
    }
    parsed = m.CompanyDetails.from_dict(copy.deepcopy(data))
    assert isinstance(parsed.parent_company, m.ProductionCompany)
    assert parsed.parent_company.name == "Walt Disney Pictures"
    assert parsed.parent_company.origin_country is UNSET
    assert (parsed.homepage, parsed.logo_path, parsed.headquarters) == (None, None, "")
    assert parsed.to_dict() == data
    assert m.CompanyDetails.from_dict(official("companies.details")).parent_company is None


def test_network_details_with_nulls_and_an_unknown_field_parse() -> None:
    data = official("networks.details") | {
        "logo_path": None,
        "homepage": None,
        "headquarters": None,
        "origin_country": "",
        "founded": 1972,
    }
    parsed = m.NetworkDetails.from_dict(copy.deepcopy(data))
    assert (parsed.logo_path, parsed.homepage, parsed.origin_country) == (None, None, "")
    assert parsed.additional_properties == {"founded": 1972}
    assert parsed.to_dict() == data


@pytest.mark.parametrize("name", ["companies.alternative_names", "networks.alternative_names"])
def test_alternative_name_types_are_free_text_or_null(name: str) -> None:
    data = copy.deepcopy(official(name))
    data["results"][0]["type"] = "former name"
    data["results"][1]["type"] = None
    parsed = m.AlternativeNames.from_dict(copy.deepcopy(data))
    assert [result.type_ for result in parsed.results[:2]] == ["former name", None]
    assert parsed.to_dict() == data


@pytest.mark.parametrize("name", ["companies.images", "networks.images"])
def test_logos_with_a_new_file_type_and_extra_fields_parse(name: str) -> None:
    data = copy.deepcopy(official(name))
    data["logos"][0] |= {"file_type": ".webp", "iso_639_1": None}
    parsed = m.LogoImages.from_dict(copy.deepcopy(data))
    assert parsed.logos[0].file_type == ".webp"
    assert parsed.logos[0].additional_properties == {"iso_639_1": None}
    assert parsed.to_dict() == data
    assert m.LogoImages.from_dict({"logos": []}).id is UNSET


def test_keyword_movies_page_keeps_the_keyword_id_and_odd_movies() -> None:
    data = copy.deepcopy(official("keywords.movies"))
    data["results"][0] |= {"release_date": "", "overview": None, "poster_path": None, "backdrop_path": None}
    parsed = m.KeywordMoviePage.from_dict(copy.deepcopy(data))
    assert parsed.id == 1701
    assert (parsed.total_pages, parsed.results[0].release_date) == (11, "")
    assert parsed.to_dict() == data
