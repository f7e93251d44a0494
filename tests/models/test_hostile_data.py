"""TMDB's data as it really is must never make parsing fail.

Two layers: every component of the spec under generated hostile instances (all nulls,
only required fields, unknown fields everywhere), and named cases on real examples
(empty dates, new vocabulary values, nulls where TMDB has sent them).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

import tmdb_async_api.models as m
from tmdb_async_api.types import UNSET

from instances import EXTRA_FIELD, build, component_names, nullable, schema_of
from spec_models import model_class, python_name
from support import official, spec

COMPONENTS = component_names()


@pytest.mark.parametrize("name", COMPONENTS)
@pytest.mark.parametrize("mode", ["full", "nulls", "minimal", "extra"])
def test_every_component_round_trips_hostile_instances(name: str, mode: Any) -> None:
    instance = build(name, mode)
    parsed = model_class(name).from_dict(copy.deepcopy(instance))
    assert parsed.to_dict() == instance


@pytest.mark.parametrize("name", COMPONENTS)
def test_nullable_properties_parse_to_none(name: str) -> None:
    schema = schema_of(name)
    nullable_props = [prop for prop, sub in schema.get("properties", {}).items() if nullable(sub)]
    parsed = model_class(name).from_dict(build(name, "nulls"))
    for prop in nullable_props:
        assert getattr(parsed, python_name(prop)) is None, prop


@pytest.mark.parametrize("name", COMPONENTS)
def test_missing_optional_properties_parse_to_unset(name: str) -> None:
    schema = schema_of(name)
    optional = set(schema.get("properties", {})) - set(schema.get("required", []))
    parsed = model_class(name).from_dict(build(name, "minimal"))
    for prop in optional:
        assert getattr(parsed, python_name(prop)) is UNSET, prop


@pytest.mark.parametrize("name", [n for n in COMPONENTS if "properties" in schema_of(n)])
def test_unknown_fields_are_kept_in_additional_properties(name: str) -> None:
    parsed = model_class(name).from_dict(build(name, "extra"))
    assert parsed.additional_properties[EXTRA_FIELD] == {"nested": [1, None, "x"]}


def test_the_spec_declares_nullability_where_tmdb_sends_null() -> None:
    # TMDB-FACTS "Data quirks": each of these has been null in a real response.
    schemas = spec()["components"]["schemas"]
    expected = {
        "MovieDetails": ["backdrop_path", "poster_path", "imdb_id", "homepage", "overview", "tagline", "runtime",
                         "belongs_to_collection", "release_date"],
        "TvSeriesDetails": ["next_episode_to_air", "last_episode_to_air", "first_air_date", "last_air_date"],
        "Image": ["iso_639_1", "iso_3166_1"],
        "CastMember": ["profile_path"],
        "ProductionCompany": ["logo_path"],
        "Network": ["logo_path"],
        "Season": ["air_date", "poster_path"],
        "Episode": ["air_date", "runtime", "still_path"],
    }  # fmt: skip
    for schema_name, props in expected.items():
        for prop in props:
            assert nullable(schemas[schema_name]["properties"][prop]), f"{schema_name}.{prop}"


def test_empty_release_date_parses_as_empty_string() -> None:
    data = official("movies.details") | {"release_date": ""}
    assert m.MovieDetails.from_dict(data).release_date == ""


def test_empty_first_air_date_and_episode_air_date_parse() -> None:
    data = copy.deepcopy(official("tv.details"))
    data["first_air_date"] = ""
    data["last_episode_to_air"]["air_date"] = ""
    data["seasons"][0]["air_date"] = None
    parsed = m.TvSeriesDetails.from_dict(data)
    assert parsed.first_air_date == ""
    assert isinstance(parsed.last_episode_to_air, m.Episode)
    assert parsed.last_episode_to_air.air_date == ""
    assert parsed.seasons[0].air_date is None


def test_an_unknown_video_type_parses() -> None:
    data = copy.deepcopy(official("movies.videos"))
    data["results"][0]["type"] = "Hologram Teaser"
    assert m.Videos.from_dict(data).results[0].type_ == "Hologram Teaser"


def test_an_unknown_department_and_job_parse() -> None:
    data = copy.deepcopy(official("movies.credits"))
    data["crew"][0]["department"] = "Time Travel"
    data["crew"][0]["job"] = "Paradox Supervisor"
    data["cast"][0]["known_for_department"] = None
    crew = m.Credits.from_dict(data).crew[0]
    assert (crew.department, crew.job) == ("Time Travel", "Paradox Supervisor")


def test_unknown_status_release_type_and_media_type_parse() -> None:
    details = m.MovieDetails.from_dict(official("movies.details") | {"status": "Vanished"})
    assert details.status == "Vanished"
    dates = copy.deepcopy(official("movies.release_dates"))
    dates["results"][0]["release_dates"][0]["type"] = 99
    assert m.ReleaseDates.from_dict(dates).results[0].release_dates[0].type_ == 99
    page = copy.deepcopy(official("tv.recommendations"))
    page["results"][0]["media_type"] = "collection"
    assert m.TvSeriesPage.from_dict(page).results[0].media_type == "collection"


def test_null_collection_and_null_paths_parse() -> None:
    parsed = m.MovieDetails.from_dict(official("movies.latest"))
    assert parsed.belongs_to_collection is None
    assert parsed.poster_path is None
    assert parsed.imdb_id is None


def test_account_states_rated_is_false_or_a_value() -> None:
    rated = m.AccountStates.from_dict(official("movies.account_states"))
    assert isinstance(rated.rated, m.AccountRating)
    assert rated.rated.value == 9.0
    not_rated = m.AccountStates.from_dict({"id": 550, "favorite": False, "rated": False, "watchlist": False})
    assert not_rated.rated is False


def test_an_unknown_field_is_kept_at_the_top_and_nested() -> None:
    data = copy.deepcopy(official("movies.details"))
    data["brand_new"] = {"a": 1}
    data["genres"][0]["colour"] = "red"
    parsed = m.MovieDetails.from_dict(data)
    assert parsed.additional_properties == {"brand_new": {"a": 1}}
    assert parsed.genres[0].additional_properties == {"colour": "red"}
    assert parsed.to_dict() == data


def test_a_missing_optional_field_parses_as_unset() -> None:
    # origin_country is absent from older real answers, so it is optional (tests/required_rule.py).
    data = {key: value for key, value in official("movies.details").items() if key != "origin_country"}
    parsed = m.MovieDetails.from_dict(data)
    assert parsed.origin_country is UNSET
    assert "origin_country" not in parsed.to_dict()


def test_appended_sub_resources_are_typed_properties() -> None:
    credits = {k: v for k, v in official("movies.credits").items() if k != "id"}
    providers = {k: v for k, v in official("movies.watch_providers").items() if k != "id"}
    data = official("movies.details") | {"credits": credits, "watch/providers": providers}
    parsed = m.MovieDetails.from_dict(data)
    assert isinstance(parsed.credits, m.Credits)
    assert parsed.credits.cast[0].name == "Edward Norton"
    assert isinstance(parsed.watch_providers, m.WatchProviders)
    assert parsed.watch_providers.results["US"].link.endswith("locale=US")
    assert parsed.to_dict() == data
