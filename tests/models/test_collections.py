"""The collections' models: parts named as TMDB really sends them and as its official example does, nulls, "" dates."""

from __future__ import annotations

import copy

import tmdb_async_api.models as m
from tmdb_async_api.types import UNSET

from spec_models import parse
from support import example, official


def test_collection_parts_are_still_named_by_name_in_the_official_example() -> None:
    # When TMDB fixes its example (parts named by title), the corrected fixture has done its job.
    parts = official("collections.details")["parts"]
    assert all("name" in part and "title" not in part for part in parts)
    assert all("title" in part and "name" not in part for part in example("collections.details")["parts"])


def test_collection_parts_parse_with_the_live_title_and_the_official_name() -> None:
    live = m.CollectionDetails.from_dict(example("collections.details")).parts
    assert isinstance(live, list)
    assert isinstance(live[0], m.CollectionPart)
    assert (live[0].title, live[0].original_title, live[0].name) == ("Star Wars", "Star Wars", UNSET)
    documented = m.CollectionDetails.from_dict(official("collections.details")).parts
    assert isinstance(documented, list)
    assert (documented[0].name, documented[0].title) == ("Star Wars", UNSET)


def test_an_unreleased_collection_part_and_a_bare_collection_parse() -> None:
    data = copy.deepcopy(example("collections.details"))
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


def test_the_official_example_with_parts_named_by_name_round_trips_losslessly_too() -> None:
    # tests/models/test_official_examples.py round-trips the corrected example; TMDB's own must parse as well.
    parse("CollectionDetails", official("collections.details"))
