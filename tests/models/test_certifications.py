"""The certifications' models: new countries and unknown fields kept."""

from __future__ import annotations

import copy

import tmdb_async_api.models as m

from support import official


def test_certifications_take_new_countries_and_keep_unknown_fields() -> None:
    data = copy.deepcopy(official("certifications.movie_list"))
    data["certifications"]["XK"] = [{"certification": "15+", "meaning": "", "order": 3, "minimum_age": 15}]
    parsed = m.Certifications.from_dict(data)
    assert parsed.certifications["CA-QC"][0].meaning == "No rating information."  # a region, not a country
    added = parsed.certifications["XK"][0]
    assert (added.certification, added.order, added.additional_properties) == ("15+", 3, {"minimum_age": 15})
    assert parsed.to_dict() == data
