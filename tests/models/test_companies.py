"""The companies' models (and the AlternativeNames and LogoImages networks share): parents, nulls, free-text types."""

from __future__ import annotations

import copy

import pytest

import tmdb_async_api.models as m
from tmdb_async_api.types import UNSET

from support import official


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
