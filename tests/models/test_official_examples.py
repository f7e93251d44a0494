"""Every operation's official 200 example: copied unmodified, and parsed losslessly into the generated model.

The fixtures in tests/fixtures/official/ are the examples of TMDB's official OpenAPI file (committed at
tests/fixtures/reference/tmdb-openapi-official.json), unmodified. Lossless means:
`Model.from_dict(example).to_dict() == example`, and no field of the example lands in `additional_properties`
at any depth (every field TMDB documents is modelled). A wrong official example is replaced by
tests/fixtures/corrected/<method>.json, which must still differ from TMDB's.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

import pytest

import tmdb_async_api.models as m

from spec_models import map_models, model_class, operations, parse_success, to_json, unmodelled_fields
from support import FIXTURES, corrected_names, example, official, spec

ALL_OPERATIONS = sorted(operations())
CORRECTED = corrected_names()
OFFICIAL_FILE = FIXTURES / "reference" / "tmdb-openapi-official.json"


@cache
def official_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(OFFICIAL_FILE.read_text(encoding="utf-8"))
    return document


def routes() -> dict[str, tuple[str, str]]:
    """Facade method -> (HTTP method, route) in openapi/tmdb.yaml, whose routes are TMDB's."""
    found = {}
    for route, item in spec()["paths"].items():
        for method, op in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                tag = op["tags"][0]
                found[f"{tag}.{op['operationId'].removeprefix(tag + '_')}"] = (method, route)
    return found


@pytest.mark.parametrize("method", ALL_OPERATIONS)
def test_fixture_is_the_official_example_unmodified(method: str) -> None:
    text = (FIXTURES / "official" / f"{method}.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=1, ensure_ascii=False)
    http_method, route = routes()[method]
    responses = official_document()["paths"][route][http_method]["responses"]
    (named,) = responses["200"]["content"]["application/json"]["examples"].values()
    value = named["value"]  # most examples are JSON inside a string
    assert json.loads(text) == (json.loads(value) if isinstance(value, str) else value)


@pytest.mark.parametrize("method", CORRECTED)
def test_corrected_examples_still_differ_from_the_official_file(method: str) -> None:
    # When TMDB fixes its example, this fails: drop the correction and use theirs.
    assert official(method) != example(method)


@pytest.mark.parametrize("method", ALL_OPERATIONS)
def test_official_example_round_trips_through_the_model(method: str) -> None:
    body = example(method)
    parsed = parse_success(operations()[method], copy.deepcopy(body))
    assert to_json(parsed) == body


@pytest.mark.parametrize("method", ALL_OPERATIONS)
def test_official_example_leaves_nothing_unmodelled(method: str) -> None:
    parsed = parse_success(operations()[method], copy.deepcopy(example(method)))
    assert unmodelled_fields(parsed) == []


def test_unmodelled_fields_finds_an_unknown_nested_field() -> None:
    # The checker itself must be able to fail.
    body = copy.deepcopy(official("movies.credits"))
    body["cast"][1]["brand_new_field"] = 1
    parsed = model_class("Credits").from_dict(body)
    assert unmodelled_fields(parsed) == ["$.cast[1].brand_new_field"]


def test_watch_provider_countries_are_a_typed_map() -> None:
    assert {cls.__name__ for cls in map_models()} == {
        "WatchProvidersByCountry",
        "CertificationsByCountry",
        "WatchProviderDisplayPriorities",
    }
    parsed = model_class("WatchProviders").from_dict(official("movies.watch_providers"))
    assert parsed.results["US"].flatrate[1].provider_name == "Hulu"
    assert parsed.results.additional_keys[:3] == ["AE", "AL", "AR"]


def test_fixtures_folder_has_the_official_example_of_every_operation() -> None:
    names = {path.stem for path in (FIXTURES / "official").glob("*.json")}
    assert names == set(ALL_OPERATIONS)
    assert set(CORRECTED) <= names


def test_unmodelled_fields_finds_an_unknown_field_in_a_list_of_a_model() -> None:
    body = copy.deepcopy(official("collections.details"))
    body["parts"][1]["brand_new_field"] = 1
    parsed = m.CollectionDetails.from_dict(body)
    assert unmodelled_fields(parsed) == ["$.parts[1].brand_new_field"]


def test_unmodelled_fields_finds_an_unknown_field_in_a_mixed_list() -> None:
    body = copy.deepcopy(official("people.combined_credits"))
    body["crew"][2]["brand_new_field"] = 1
    parsed = m.PersonCombinedCredits.from_dict(body)
    assert unmodelled_fields(parsed) == ["$.crew[2].brand_new_field"]


def test_unmodelled_fields_sees_into_maps_of_lists() -> None:
    # The checker must be able to fail inside CertificationsByCountry (country -> [Certification]).
    data = copy.deepcopy(official("certifications.tv_list"))
    data["certifications"]["US"][1]["descriptors"] = ["violence"]
    parsed = m.Certifications.from_dict(data)
    assert unmodelled_fields(parsed) == ["$.certifications['US'][1].descriptors"]
    assert parsed.to_dict() == data
