"""Every official 200 example parses losslessly into the generated model.

Lossless means: `Model.from_dict(example).to_dict() == example`, and no field of the example
lands in `additional_properties` at any depth (every field TMDB documents is modelled).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from spec_models import map_models, model_class, operations, parse_success, to_json, unmodelled_fields
from support import FIXTURES, ROOT, official

FIRST_WAVE = [
    line.split()[2]
    for line in (FIXTURES / "first-wave-operations.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]

ALL_OPERATIONS = sorted(operations())

# Official examples that are wrong are replaced by tests/fixtures/corrected/<method>.json;
# each one says why in tests/fixtures/README.md (movies.recommendations: TMDB's file gives
# `{}` and an empty schema; the endpoint answers a page of movies, like `similar`).
CORRECTED = sorted(path.stem for path in (FIXTURES / "corrected").glob("*.json"))


def example_for(method: str) -> Any:
    if method in CORRECTED:
        return json.loads((FIXTURES / "corrected" / f"{method}.json").read_text(encoding="utf-8"))
    return official(method)


def test_the_first_wave_list_matches_the_reference_copy() -> None:
    reference = FIXTURES / "reference" / "first-wave-operations.txt"  # copied from shared/reference
    assert (FIXTURES / "first-wave-operations.txt").read_text() == reference.read_text()


def test_the_spec_has_every_first_wave_operation() -> None:
    assert set(FIRST_WAVE) <= set(ALL_OPERATIONS)
    assert len(FIRST_WAVE) == 50


@pytest.mark.parametrize("method", CORRECTED)
def test_corrected_examples_still_differ_from_the_official_file(method: str) -> None:
    # When TMDB fixes its example, this fails: drop the correction and use theirs.
    assert official(method) != example_for(method)


@pytest.mark.parametrize("method", ALL_OPERATIONS)
def test_official_example_round_trips_through_the_model(method: str) -> None:
    example = example_for(method)
    parsed = parse_success(operations()[method], copy.deepcopy(example))
    assert to_json(parsed) == example


@pytest.mark.parametrize("method", ALL_OPERATIONS)
def test_official_example_leaves_nothing_unmodelled(method: str) -> None:
    parsed = parse_success(operations()[method], copy.deepcopy(example_for(method)))
    assert unmodelled_fields(parsed) == []


def test_unmodelled_fields_finds_an_unknown_nested_field() -> None:
    # The checker itself must be able to fail.
    example = copy.deepcopy(official("movies.credits"))
    example["cast"][1]["brand_new_field"] = 1
    parsed = model_class("Credits").from_dict(example)
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
    names = {path.stem for path in Path(FIXTURES / "official").glob("*.json")}
    assert names == set(ALL_OPERATIONS)
