"""The configuration's models: new sizes, fields and departments; empty native names."""

from __future__ import annotations

import copy

import tmdb_async_api.models as m

from support import official


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
