"""The people area: `tmdb.people` (11 operations), `tmdb.credits.details`, `tmdb.trending` (4) and `tmdb.find.by_id`.

Run against the merged spec (openapi/fragments/people.yaml):

    TMDB_SPEC_PATH=/tmp/people/tmdb.yaml PYTHONPATH=/tmp/people/gen:src pytest tests/areas/test_people.py

Three layers, for every operation: the facade call (what goes out on the wire, what model comes back, one value
hard-coded from TMDB's official example), the official example's lossless round trip through its model, and
hostile data of this area (nulls of a brand-new person, "" dates, mixed lists with a media_type nobody knows yet).
"""

from __future__ import annotations

import copy
import inspect
import json
import typing
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
import pytest

import tmdb_api.models as m
from tmdb_api.types import UNSET
from tmdb_async import TMDB

from recording import Recorder
from spec_models import success_schema, unmodelled_fields
from support import FIXTURES, official, spec

TOKEN = "tok"
TOM_HANKS = 31  # the person of TMDB's official examples (details, credits, external ids, translations, ...)
BRAD_PITT = 287  # the person of the official person/images example
CREDIT_ID = "6024a814c0ae36003d59cc3c"  # Pedro Pascal as Joel Miller in The Last of Us (official credit example)
SCREAM_VI_IMDB = "tt17663992"  # the movie of the official find example (Scream VI, TMDB 934433)
TAGS = ("people", "credits", "trending", "find")


# ---------------------------------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Case:
    """One facade call: its arguments, the request it must send, and what it must return."""

    facade: str  # "people.details"
    route: str  # "/3/person/{person_id}", as in the spec
    args: tuple[Any, ...]
    path: str  # the route with the ids filled in
    kwargs: dict[str, Any] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    model: str = ""
    attribute: str = ""  # "cast.0.title": digits index a list, other parts are attributes
    value: object = None

    @property
    def namespace(self) -> str:
        return self.facade.split(".")[0]

    @property
    def name(self) -> str:
        return self.facade.split(".")[1]


LANGUAGE = {"language": "pt-BR"}
PAGED = {"language": "pt-BR", "page": 2}
PAGED_QUERY = {"language": "pt-BR", "page": "2"}

CASES = [
    Case(
        "people.details",
        "/3/person/{person_id}",
        (TOM_HANKS,),
        "/3/person/31",
        {"append_to_response": ["combined_credits", "external_ids"], "language": "pt-BR"},
        {"append_to_response": "combined_credits,external_ids", "language": "pt-BR"},
        "PersonDetails",
        "name",
        "Tom Hanks",
    ),
    Case(
        "people.changes",
        "/3/person/{person_id}/changes",
        (TOM_HANKS,),
        "/3/person/31/changes",
        {"start_date": "2023-03-01", "end_date": "2023-03-14", "page": 2},
        {"start_date": "2023-03-01", "end_date": "2023-03-14", "page": "2"},
        "Changes",
        "changes.0.items.0.time",
        "2023-03-05 10:06:41 UTC",
    ),
    Case(
        "people.combined_credits",
        "/3/person/{person_id}/combined_credits",
        (TOM_HANKS,),
        "/3/person/31/combined_credits",
        LANGUAGE,
        LANGUAGE,
        "PersonCombinedCredits",
        "cast.0.title",
        "Forrest Gump",
    ),
    Case(
        "people.external_ids",
        "/3/person/{person_id}/external_ids",
        (TOM_HANKS,),
        "/3/person/31/external_ids",
        model="PersonExternalIds",
        attribute="tiktok_id",
        value="tomhanks",
    ),
    Case(
        "people.images",
        "/3/person/{person_id}/images",
        (BRAD_PITT,),
        "/3/person/287/images",
        model="PersonImages",
        attribute="profiles.0.file_path",
        value="/cckcYc2v0yh1tc9QjRelptcOBko.jpg",
    ),
    Case(
        "people.latest",
        "/3/person/latest",
        (),
        "/3/person/latest",
        model="PersonDetails",
        attribute="name",
        value="Ángel Cruz",
    ),
    Case(
        "people.movie_credits",
        "/3/person/{person_id}/movie_credits",
        (TOM_HANKS,),
        "/3/person/31/movie_credits",
        LANGUAGE,
        LANGUAGE,
        "PersonMovieCredits",
        "crew.0.job",
        "Thanks",
    ),
    Case(
        "people.tv_credits",
        "/3/person/{person_id}/tv_credits",
        (TOM_HANKS,),
        "/3/person/31/tv_credits",
        LANGUAGE,
        LANGUAGE,
        "PersonTvCredits",
        "cast.0.name",
        "LIVE with Kelly and Mark",
    ),
    Case(
        "people.tagged_images",
        "/3/person/{person_id}/tagged_images",
        (TOM_HANKS,),
        "/3/person/31/tagged_images",
        {"page": 2},
        {"page": "2"},
        "TaggedImagePage",
        "results.0.media.title",
        "Saving Private Ryan",
    ),
    Case(
        "people.translations",
        "/3/person/{person_id}/translations",
        (TOM_HANKS,),
        "/3/person/31/translations",
        model="PersonTranslations",
        attribute="translations.1.english_name",
        value="French",
    ),
    Case(
        "people.popular",
        "/3/person/popular",
        (),
        "/3/person/popular",
        PAGED,
        PAGED_QUERY,
        "PersonPage",
        "results.0.name",
        "Ana de Armas",
    ),
    Case(
        "credits.details",
        "/3/credit/{credit_id}",
        (CREDIT_ID,),
        f"/3/credit/{CREDIT_ID}",
        {"language": "de-DE"},
        {"language": "de-DE"},
        "CreditDetails",
        "media.character",
        "Joel Miller",
    ),
    Case(
        "trending.all",
        "/3/trending/all/{time_window}",
        ("week",),
        "/3/trending/all/week",
        PAGED,
        PAGED_QUERY,
        "MediaPage",
        "results.0.title",
        "Scream VI",
    ),
    Case(
        "trending.movies",
        "/3/trending/movie/{time_window}",
        ("day",),
        "/3/trending/movie/day",
        PAGED,
        PAGED_QUERY,
        "MoviePage",
        "results.2.title",
        "The Super Mario Bros. Movie",
    ),
    Case(
        "trending.people",
        "/3/trending/person/{time_window}",
        ("week",),
        "/3/trending/person/week",
        PAGED,
        PAGED_QUERY,
        "PersonPage",
        "results.1.name",
        "Al Pacino",
    ),
    Case(
        "trending.tv",
        "/3/trending/tv/{time_window}",
        ("day",),
        "/3/trending/tv/day",
        PAGED,
        PAGED_QUERY,
        "TvSeriesPage",
        "results.0.name",
        "Sweet Tooth",
    ),
    Case(
        "find.by_id",
        "/3/find/{external_id}",
        (SCREAM_VI_IMDB,),
        f"/3/find/{SCREAM_VI_IMDB}",
        {"external_source": "imdb_id", "language": "pt-BR"},
        {"external_source": "imdb_id", "language": "pt-BR"},
        "FindResults",
        "movie_results.0.title",
        "Scream VI",
    ),
]
IDS = [case.facade for case in CASES]
REQUIRED_KEYWORDS = {"find.by_id": {"external_source"}}


# ---------------------------------------------------------------------------------------------------- helpers


def facade_method(tmdb: TMDB, case: Case) -> Callable[..., Coroutine[Any, Any, Any]]:
    method: Callable[..., Coroutine[Any, Any, Any]] = getattr(getattr(tmdb, case.namespace), case.name)
    return method


def resolve(obj: Any, dotted: str) -> Any:
    """Follow `results.0.media.title`: digits index a list, then attribute, else key."""
    for part in dotted.split("."):
        if part.isdigit():
            obj = obj[int(part)]
        elif hasattr(obj, part):
            obj = getattr(obj, part)
        else:
            obj = obj[part]
    return obj


def model(name: str) -> Any:
    return getattr(m, name)


def area_operations() -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Facade name -> (HTTP method, route, operation) for the operations of this area's tags."""
    found: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for route, item in spec()["paths"].items():
        for method, op in item.items():
            if method in {"get", "post", "put", "patch", "delete"} and op["tags"][0] in TAGS:
                tag = op["tags"][0]
                found[f"{tag}.{op['operationId'].removeprefix(tag + '_')}"] = (method.upper(), route, op)
    return found


def parse(name: str, data: Any, *, unmodelled: tuple[str, ...] = ()) -> Any:
    """Parse with the model and check the round trip is lossless and every field modelled but `unmodelled`.

    An OtherMediaItem keeps the fields of a kind nobody knows yet in additional_properties: those are `unmodelled`.
    """
    parsed = model(name).from_dict(copy.deepcopy(data))
    assert parsed.to_dict() == data
    assert unmodelled_fields(parsed) == list(unmodelled)
    return parsed


# ---------------------------------------------------------------------------------------------------- the spec


def test_the_table_is_exactly_the_area_operations_of_the_spec() -> None:
    operations = area_operations()
    assert sorted(operations) == sorted(IDS)
    assert len(CASES) == 17
    for case in CASES:
        method, route, op = operations[case.facade]
        assert (method, route) == ("GET", case.route), case.facade
        assert success_schema(op) == case.model, case.facade
        assert op["responses"]["default"] == {"$ref": "#/components/responses/Error"}, case.facade


def test_every_operation_has_its_official_example_in_the_fixtures() -> None:
    names = {path.stem for path in (FIXTURES / "official").glob("*.json")}
    assert set(IDS) <= names


def test_appendable_names_are_exactly_the_person_details_sub_resources() -> None:
    appendable = spec()["components"]["parameters"]["people_append_to_response"]["x-appendable"]
    properties = spec()["components"]["schemas"]["PersonDetails"]["properties"]
    sub_resources = [name for name, schema in properties.items() if "$ref" in schema]
    assert sorted(appendable) == sorted(sub_resources)
    assert sorted(appendable) == [
        "changes",
        "combined_credits",
        "external_ids",
        "images",
        "movie_credits",
        "tagged_images",
        "translations",
        "tv_credits",
    ]


def test_request_side_closed_sets_are_the_only_enums_of_the_area() -> None:
    parameters = spec()["components"]["parameters"]
    assert parameters["trending_time_window"]["schema"]["enum"] == ["day", "week"]
    _, _, find = area_operations()["find.by_id"]
    source = next(p for p in find["parameters"] if p.get("name") == "external_source")
    assert source["required"] is True
    assert source["schema"]["enum"] == [
        "imdb_id",
        "facebook_id",
        "instagram_id",
        "tvdb_id",
        "tiktok_id",
        "twitter_id",
        "wikidata_id",
        "youtube_id",
    ]


def test_nullable_where_tmdb_sends_null() -> None:
    schemas = spec()["components"]["schemas"]
    expected = {
        "PersonDetails": ["biography", "birthday", "deathday", "homepage", "imdb_id", "known_for_department",
                          "place_of_birth", "profile_path", "gender"],
        "PersonExternalIds": ["freebase_mid", "freebase_id", "imdb_id", "tvrage_id", "wikidata_id", "facebook_id",
                              "instagram_id", "tiktok_id", "twitter_id", "youtube_id"],
        "PersonTranslationData": ["biography", "name"],
    }  # fmt: skip
    for schema_name, props in expected.items():
        for prop in props:
            types = schemas[schema_name]["properties"][prop]["type"]
            assert "null" in types, f"{schema_name}.{prop}"


# ---------------------------------------------------------------------------------------------------- the facade


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_facade_method_sends_exact_request_and_returns_the_parsed_official_example(case: Case) -> None:
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

    assert type(result).__name__ == case.model
    assert resolve(result, case.attribute) == case.value


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_facade_method_sends_no_query_parameter_for_arguments_left_none(case: Case) -> None:
    recorder = Recorder(official(case.facade))
    required = REQUIRED_KEYWORDS.get(case.facade, set())
    kwargs = {name: (value if name in required else None) for name, value in case.kwargs.items()}
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        await facade_method(tmdb, case)(*case.args, **kwargs)

    assert len(recorder.requests) == 1
    expected = {name: case.query[name] for name in required}
    assert dict(recorder.requests[0].url.params) == expected
    if not expected:
        assert str(recorder.requests[0].url) == f"https://api.themoviedb.org{case.path}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
async def test_facade_signature_has_positional_ids_and_keyword_only_none_defaults(case: Case) -> None:
    async with TMDB(access_token=TOKEN) as tmdb:
        method = facade_method(tmdb, case)
    doc = inspect.getdoc(method)
    assert doc is not None
    assert f"`GET {case.route}`" in doc
    signature = inspect.signature(method)
    hints = typing.get_type_hints(method)
    assert "Unset" not in str(signature)
    assert hints["return"].__name__ == case.model
    positional = [n for n, p in signature.parameters.items() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert len(positional) == len(case.args)
    others = {n: p for n, p in signature.parameters.items() if n not in positional}
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in others.values())
    assert set(others) == set(case.kwargs)
    required = {n for n, p in others.items() if p.default is inspect.Parameter.empty}
    assert required == REQUIRED_KEYWORDS.get(case.facade, set())
    assert all(p.default is None for n, p in others.items() if n not in required)


async def test_path_parameters_are_typed_ids_and_literals() -> None:
    async with TMDB(access_token=TOKEN) as tmdb:
        details = typing.get_type_hints(tmdb.people.details)
        credit = typing.get_type_hints(tmdb.credits.details)
        trending = typing.get_type_hints(tmdb.trending.all)
        find = typing.get_type_hints(tmdb.find.by_id)
    assert details["person_id"] is int
    assert credit["credit_id"] is str
    assert trending["time_window"] == Literal["day", "week"]
    assert find["external_id"] is str
    assert typing.get_args(find["external_source"]) == (
        "imdb_id",
        "facebook_id",
        "instagram_id",
        "tvdb_id",
        "tiktok_id",
        "twitter_id",
        "wikidata_id",
        "youtube_id",
    )


@pytest.mark.parametrize("namespace", TAGS)
async def test_namespace_methods_are_exactly_the_area_operations(namespace: str) -> None:
    async with TMDB(access_token=TOKEN) as tmdb:
        resource = getattr(tmdb, namespace)
    public = {name for name in dir(resource) if not name.startswith("_")}
    assert public == {case.name for case in CASES if case.namespace == namespace}


async def test_out_of_range_arguments_fail_before_any_request() -> None:
    recorder = Recorder({})
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        with pytest.raises(ValueError, match="page"):
            await tmdb.people.popular(page=501)
        with pytest.raises(ValueError, match="page"):
            await tmdb.trending.all("day", page=0)
        with pytest.raises(ValueError, match="person_id"):
            await tmdb.people.details(0)
        with pytest.raises(ValueError, match="known: changes, combined_credits"):
            await tmdb.people.details(TOM_HANKS, append_to_response=["credits"])  # type: ignore[list-item]
    assert recorder.requests == []


async def test_append_to_response_as_a_string_is_sent_as_is() -> None:
    recorder = Recorder(official("people.details"))
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        await tmdb.people.details(TOM_HANKS, append_to_response="images,tagged_images")
    assert recorder.requests[0].url.params["append_to_response"] == "images,tagged_images"


# ---------------------------------------------------------------------------------------------------- fidelity


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_official_example_round_trips_losslessly(case: Case) -> None:
    example = official(case.facade)
    parsed = model(case.model).from_dict(copy.deepcopy(example))
    assert parsed.to_dict() == example
    assert unmodelled_fields(parsed) == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fixture_is_the_official_example_unmodified(case: Case) -> None:
    text = (FIXTURES / "official" / f"{case.facade}.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=1, ensure_ascii=False)
    reference = FIXTURES / "reference" / "tmdb-openapi-official.json"  # copied from shared/reference
    media = json.loads(reference.read_text(encoding="utf-8"))["paths"][case.route]["get"]["responses"]["200"]
    (example,) = media["content"]["application/json"]["examples"].values()
    value = example["value"]
    assert json.loads(text) == (json.loads(value) if isinstance(value, str) else value)


def test_the_unmodelled_check_can_fail() -> None:
    example = copy.deepcopy(official("people.combined_credits"))
    example["crew"][2]["brand_new_field"] = 1
    parsed = m.PersonCombinedCredits.from_dict(example)
    assert unmodelled_fields(parsed) == ["$.crew[2].brand_new_field"]


# ---------------------------------------------------------------------------------------------------- hostile data


def test_the_latest_person_is_nearly_all_null() -> None:
    latest = parse("PersonDetails", official("people.latest"))
    assert latest.birthday is None
    assert latest.deathday is None
    assert latest.imdb_id is None
    assert latest.known_for_department is None
    assert latest.place_of_birth is None
    assert latest.profile_path is None
    assert latest.homepage is None
    assert latest.biography == ""
    assert latest.also_known_as == []
    assert latest.changes is UNSET


def test_empty_dates_and_null_gender_of_a_person_parse() -> None:
    data = official("people.details") | {"birthday": "", "deathday": "", "gender": None, "biography": None}
    person = parse("PersonDetails", data)
    assert (person.birthday, person.deathday, person.gender, person.biography) == ("", "", None, None)


def test_appended_sub_resources_are_typed_properties() -> None:
    appended = {
        "changes": official("people.changes"),
        "combined_credits": official("people.combined_credits"),
        "external_ids": official("people.external_ids"),
        "images": official("people.images"),
        "movie_credits": official("people.movie_credits"),
        "tagged_images": official("people.tagged_images"),
        "translations": official("people.translations"),
        "tv_credits": official("people.tv_credits"),
    }
    # An appended sub-resource drops the `id` of the stand-alone endpoint.
    data = official("people.details") | {
        name: {k: v for k, v in body.items() if k != "id"} for name, body in appended.items()
    }
    person = parse("PersonDetails", data)
    assert isinstance(person.combined_credits.cast[0], m.CombinedMovieCastCredit)
    assert person.external_ids.imdb_id == "nm0000158"
    assert person.external_ids.id is UNSET
    assert person.images.profiles[0].height == 980
    assert person.movie_credits.cast[0].character == "Forrest Gump"
    assert person.tagged_images.total_results == 13
    assert person.translations.translations[0].data.name == "Tom Hanks"
    assert person.tv_credits.crew[0].job == "Director"
    assert person.changes.changes[1].key == "translations"


def test_combined_credits_are_told_apart_by_media_type() -> None:
    credits = parse("PersonCombinedCredits", official("people.combined_credits"))
    cast_kinds = [type(item).__name__ for item in credits.cast]
    crew_kinds = [type(item).__name__ for item in credits.crew]
    assert (cast_kinds.count("CombinedMovieCastCredit"), cast_kinds.count("CombinedTvCastCredit")) == (150, 67)
    assert (crew_kinds.count("CombinedMovieCrewCredit"), crew_kinds.count("CombinedTvCrewCredit")) == (41, 28)
    tv = next(item for item in credits.cast if isinstance(item, m.CombinedTvCastCredit))
    assert (tv.name, tv.episode_count) == ("LIVE with Kelly and Mark", 1)
    # The official example has a crew TV credit without episode_count: it stays UNSET.
    assert any(isinstance(item, m.CombinedTvCrewCredit) and item.episode_count is UNSET for item in credits.crew)


def test_combined_credits_keep_empty_dates_and_characters() -> None:
    credits = parse("PersonCombinedCredits", official("people.combined_credits"))
    undated = [item for item in credits.cast if isinstance(item, m.CombinedMovieCastCredit) and item.release_date == ""]
    assert undated
    assert any(item.character == "" for item in credits.cast if isinstance(item, m.CombinedTvCastCredit))


def test_an_unknown_combined_credit_media_type_is_kept_as_other_media_item() -> None:
    data = copy.deepcopy(official("people.combined_credits"))
    data["cast"][0]["media_type"] = "collection"
    data["crew"][0]["media_type"] = "tv_episode"
    unmodelled = [f"$.cast[0].{key}" for key in data["cast"][0] if key not in {"id", "media_type"}]
    unmodelled += [f"$.crew[0].{key}" for key in data["crew"][0] if key not in {"id", "media_type"}]
    credits = parse("PersonCombinedCredits", data, unmodelled=tuple(unmodelled))
    cast, crew = credits.cast[0], credits.crew[0]
    assert isinstance(cast, m.OtherMediaItem)
    assert (cast.media_type, cast.id, cast.additional_properties["title"]) == ("collection", 13, "Forrest Gump")
    assert isinstance(crew, m.OtherMediaItem)
    assert crew.additional_properties["job"] == "Thanks"


def test_nulls_in_a_person_credit_parse() -> None:
    data = copy.deepcopy(official("people.movie_credits"))
    data["cast"][0] |= {"character": None, "poster_path": None, "backdrop_path": None, "overview": None}
    data["crew"][0] |= {"department": "Time Travel", "job": "Paradox Supervisor", "release_date": ""}
    credits = parse("PersonMovieCredits", data)
    assert (credits.cast[0].character, credits.cast[0].poster_path) == (None, None)
    assert (credits.crew[0].department, credits.crew[0].job, credits.crew[0].release_date) == (
        "Time Travel",
        "Paradox Supervisor",
        "",
    )
    tv = copy.deepcopy(official("people.tv_credits"))
    tv["cast"][0] |= {"first_air_date": "", "character": None}
    parsed = parse("PersonTvCredits", tv)
    assert (parsed.cast[0].first_air_date, parsed.cast[0].character) == ("", None)


def test_tagged_image_media_is_told_apart_by_its_own_media_type() -> None:
    page = parse("TaggedImagePage", official("people.tagged_images"))
    first = page.results[0]
    assert isinstance(first.media, m.MovieMediaItem)
    assert (first.media_type, first.image_type, first.iso_639_1) == ("movie", "poster", "en")
    # The episode still: outer media_type "episode", media.media_type "tv_episode".
    still = next(image for image in page.results if image.image_type == "still")
    assert still.media_type == "episode"
    assert still.iso_639_1 is None
    assert isinstance(still.media, m.TvEpisodeMediaItem)
    assert (still.media.show_id, still.media.production_code, still.media.runtime) == (66623, "", 41)


def test_tagged_image_of_a_series_or_of_an_unknown_kind_parses() -> None:
    data = copy.deepcopy(official("people.tagged_images"))
    series = official("trending.tv")["results"][0]
    data["results"][0] |= {"media_type": "tv", "image_type": "backdrop", "media": series}
    data["results"][1] |= {"media_type": "season", "media": {"id": 3624, "media_type": "tv_season", "season_number": 1}}
    data["results"][2]["media"] |= {"release_date": "", "poster_path": None, "overview": None}
    data["results"][10]["media"] |= {"air_date": "", "still_path": None, "runtime": None}
    data["results"][3] |= {"media_type": "collection", "media": {"id": 10, "media_type": "collection", "parts": 4}}
    page = parse("TaggedImagePage", data, unmodelled=("$.results[3].media.parts",))
    assert isinstance(page.results[0].media, m.TvSeriesMediaItem)
    assert page.results[0].media.name == "Sweet Tooth"
    season = page.results[1].media
    assert isinstance(season, m.TvSeasonMediaItem)
    assert (season.media_type, season.season_number) == ("tv_season", 1)
    other = page.results[3].media
    assert isinstance(other, m.OtherMediaItem)
    assert (other.media_type, other.additional_properties) == ("collection", {"parts": 4})
    assert page.results[2].media.release_date == ""
    assert (page.results[10].media.air_date, page.results[10].media.still_path) == ("", None)


def test_credit_details_media_is_the_tv_series_with_its_seasons() -> None:
    credit = parse("CreditDetails", official("credits.details"))
    assert isinstance(credit.media, m.CreditTvSeries)
    assert credit.media.episodes == []
    seasons = credit.media.seasons
    assert isinstance(seasons, list)
    assert isinstance(seasons[0], m.CreditSeason)
    assert (seasons[0].show_id, seasons[0].vote_average) == (100088, UNSET)
    assert isinstance(credit.person, m.PersonSummary)
    assert credit.person.media_type == "person"


def test_a_movie_credit_and_an_unknown_media_type_parse() -> None:
    data = copy.deepcopy(official("credits.details"))
    movie = official("movies.popular")["results"][0] | {"media_type": "movie", "character": "Cassie Lang"}
    data |= {"media_type": "movie", "credit_type": "crew", "department": "Time Travel", "media": movie}
    data["person"] |= {"profile_path": None, "known_for_department": None, "gender": None}
    credit = parse("CreditDetails", data)
    assert isinstance(credit.media, m.CreditMovie)
    assert credit.media.character == "Cassie Lang"
    assert (credit.person.profile_path, credit.person.known_for_department) == (None, None)
    data["media"] = {"id": 10, "media_type": "collection", "name": "Star Wars Collection"}
    other = parse("CreditDetails", data, unmodelled=("$.media.name",)).media
    assert isinstance(other, m.OtherMediaItem)
    assert other.additional_properties == {"name": "Star Wars Collection"}


def test_find_types_every_list() -> None:
    data = copy.deepcopy(official("find.by_id"))
    data["person_results"] = [official("trending.people")["results"][0]]
    data["tv_results"] = [official("trending.tv")["results"][0] | {"first_air_date": "", "poster_path": None}]
    # As in a real answer (find/366211?external_source=tvdb_id, quoted in jellyfin/TMDbLib#414).
    data["tv_episode_results"] = [
        {
            "id": 63056,
            "name": "Winter Is Coming",
            "overview": "Jon Arryn, the Hand of the King, is dead.",
            "media_type": "tv_episode",
            "vote_average": 7.9,
            "vote_count": 312,
            "air_date": "2011-04-17",
            "episode_number": 1,
            "episode_type": "standard",
            "production_code": "101",
            "runtime": None,
            "season_number": 1,
            "show_id": 1399,
            "still_path": None,
        }
    ]
    data["tv_season_results"] = [
        {
            "id": 3624,
            "name": "Season 1",
            "overview": "",
            "poster_path": None,
            "media_type": "tv_season",
            "vote_average": 8.3,
            "air_date": "",
            "season_number": 1,
            "show_id": 1399,
            "episode_count": 10,
        }
    ]
    found = parse("FindResults", data)
    assert isinstance(found.movie_results[0], m.MovieSummary)
    assert found.person_results[0].name == "Ana de Armas"
    assert found.tv_results[0].first_air_date == ""
    assert isinstance(found.tv_episode_results[0], m.FindTvEpisodeResult)
    assert (found.tv_episode_results[0].media_type, found.tv_episode_results[0].still_path) == ("tv_episode", None)
    assert isinstance(found.tv_season_results[0], m.FindTvSeasonResult)
    assert (found.tv_season_results[0].show_id, found.tv_season_results[0].air_date) == (1399, "")


def test_find_lists_keep_an_unknown_media_type_as_a_string() -> None:
    # Plain lists keep media_type an open string: only mixed lists tell items apart by it.
    data = copy.deepcopy(official("find.by_id"))
    data["movie_results"][0]["media_type"] = "film"
    assert parse("FindResults", data).movie_results[0].media_type == "film"


def test_trending_all_tells_movies_series_people_and_unknown_kinds_apart() -> None:
    data = copy.deepcopy(official("trending.all"))
    data["results"][1] = official("trending.people")["results"][0]
    data["results"][2] = {"id": 10, "media_type": "collection", "name": "Star Wars Collection", "poster_path": None}
    page = parse("MediaPage", data, unmodelled=("$.results[2].name", "$.results[2].poster_path"))
    kinds = [type(item).__name__ for item in page.results[:4]]
    assert kinds == ["MovieMediaItem", "PersonMediaItem", "OtherMediaItem", "TvSeriesMediaItem"]
    person = page.results[1]
    assert isinstance(person, m.PersonMediaItem)
    assert isinstance(person.known_for, list)
    assert all(type(item).__name__.endswith("MediaItem") for item in person.known_for)


def test_trending_people_with_nulls_parse() -> None:
    data = copy.deepcopy(official("trending.people"))
    data["results"][0] |= {"profile_path": None, "known_for_department": None, "gender": None}
    data["results"][0]["known_for"][0] |= {"release_date": "", "poster_path": None}
    page = parse("PersonPage", data)
    assert (page.results[0].profile_path, page.results[0].known_for[0].release_date) == (None, "")


def test_external_ids_of_a_person_may_all_be_null() -> None:
    data = dict.fromkeys(official("people.external_ids")) | {"id": TOM_HANKS}
    ids = parse("PersonExternalIds", data)
    assert ids.tiktok_id is None
    assert ids.youtube_id is None


def test_person_images_and_translations_with_nulls_and_empty_texts_parse() -> None:
    images = copy.deepcopy(official("people.images"))
    images["profiles"][0] |= {"iso_639_1": "en", "iso_3166_1": None}
    assert parse("PersonImages", images).profiles[0].iso_3166_1 is None
    translations = copy.deepcopy(official("people.translations"))
    translations["translations"][0]["data"] = {"biography": None, "name": ""}
    parsed = parse("PersonTranslations", translations)
    assert (parsed.translations[0].data.biography, parsed.translations[0].data.name) == (None, "")
    assert (parsed.translations[31].english_name, parsed.translations[31].name) == ("Mongolian", "")
