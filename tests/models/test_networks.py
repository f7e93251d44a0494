"""The networks' models: nulls and unknown fields in a network's details."""

from __future__ import annotations

import copy

import tmdb_async_api.models as m

from support import official


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
