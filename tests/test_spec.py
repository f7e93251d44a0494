"""The spec's own rules (openapi/tmdb.yaml): what makes it model TMDB as it really is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate

import required_rule
from support import spec

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def walk(node: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every mapping in the document, with its path."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}[{index}]")


def all_operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for route, item in spec()["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield method, route, op


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        section, name = node["$ref"].split("/")[-2:]
        resolved: dict[str, Any] = spec()["components"][section][name]
        return resolved
    return node


@pytest.mark.slow
def test_the_spec_is_valid_openapi_3_1() -> None:
    assert spec()["openapi"] == "3.1.0"
    validate(spec())


def response_schemas() -> set[str]:
    """Every component schema that a response body reaches, directly or through others."""
    schemas = spec()["components"]["schemas"]
    pending = [
        node["$ref"].rsplit("/", 1)[-1]
        for _, _, op in all_operations()
        for response in op["responses"].values()
        for _, node in walk(resolve(response))
        if "$ref" in node and "/schemas/" in node["$ref"]
    ]
    found: set[str] = set()
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending += [n["$ref"].rsplit("/", 1)[-1] for _, n in walk(schemas[name]) if "$ref" in n]
    return found


def test_no_closed_enums_in_anything_tmdb_sends() -> None:
    # Server-controlled vocabularies grow; an enum fails on the first new value. Request
    # parameters and bodies may have one (`time_window: day | week`): that set is ours.
    schemas = spec()["components"]["schemas"]
    found = [path for name in sorted(response_schemas()) for path, node in walk(schemas[name], name) if "enum" in node]
    assert found == []


def test_no_date_formats() -> None:
    # TMDB sends "" for unknown dates; format: date would fail on it.
    assert [path for path, node in walk(spec()) if node.get("format") in {"date", "date-time"}] == []


def test_every_array_has_items() -> None:
    assert [path for path, node in walk(spec()) if node.get("type") == "array" and "items" not in node] == []


def test_no_parameter_has_a_default() -> None:
    params = [resolve(p) for _, _, op in all_operations() for p in op.get("parameters", [])]
    assert [p["name"] for p in params if "default" in p.get("schema", {})] == []


def test_every_body_is_a_named_component() -> None:
    inline = []
    for method, route, op in all_operations():
        for code, response in op["responses"].items():
            content = resolve(response).get("content", {})
            for media in content.values():
                body = media["schema"]
                if body.get("type") == "array":  # a top-level list: of components or of scalars
                    body = body["items"] if "$ref" in body["items"] else {"$ref": "scalar"}
                if "$ref" not in body:
                    inline.append(f"{method} {route} {code}")
    assert inline == []


def test_every_operation_documents_the_error_envelope() -> None:
    refs = {op["operationId"]: op["responses"].get("default", {}).get("$ref") for _, _, op in all_operations()}
    assert set(refs.values()) == {"#/components/responses/Error"}
    error = spec()["components"]["responses"]["Error"]["content"]["application/json"]["schema"]["$ref"]
    assert error.endswith("/ErrorResponse")
    assert set(spec()["components"]["schemas"]["ErrorResponse"]["properties"]) == {
        "success",
        "status_code",
        "status_message",
    }


def test_operation_ids_are_tag_then_facade_method() -> None:
    ids = [op["operationId"] for _, _, op in all_operations()]
    assert len(ids) == len(set(ids))
    for _, route, op in all_operations():
        assert len(op["tags"]) == 1, route
        assert op["operationId"].startswith(op["tags"][0] + "_"), route


def test_the_named_components_exist() -> None:
    names = set(spec()["components"]["schemas"])
    wanted = {
        "MovieDetails", "MovieSummary", "MoviePage", "Credits", "CastMember", "CrewMember", "AggregateCredits",
        "Image", "Images", "Video", "Review", "Keyword", "ExternalIds", "Translation", "AlternativeTitle",
        "ReleaseDates", "ContentRating", "WatchProviders", "AccountStates", "GuestSession", "TvSeriesDetails",
        "TvSeriesSummary", "Season", "Episode", "Network", "ErrorResponse", "RatingRequest",
    }  # fmt: skip
    assert wanted <= names


def test_both_credentials_are_declared() -> None:
    schemes = spec()["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["apiKeyAuth"] == {**schemes["apiKeyAuth"], "type": "apiKey", "in": "query", "name": "api_key"}
    assert spec()["security"] == [{"bearerAuth": []}, {"apiKeyAuth": []}]


def test_rating_body_is_a_half_step_value() -> None:
    value = spec()["components"]["schemas"]["RatingRequest"]["properties"]["value"]
    assert (value["type"], value["minimum"], value["maximum"], value["multipleOf"]) == ("number", 0.5, 10, 0.5)


def test_page_is_bounded_to_tmdb_range() -> None:
    page = spec()["components"]["parameters"]["page"]["schema"]
    assert (page["minimum"], page["maximum"]) == (1, 500)


@pytest.mark.parametrize(("param", "details"), [("movie", "MovieDetails"), ("tv", "TvSeriesDetails")])
def test_appendable_names_are_exactly_the_details_sub_resources(param: str, details: str) -> None:
    appendable = spec()["components"]["parameters"][f"{param}_append_to_response"]["x-appendable"]
    properties = spec()["components"]["schemas"][details]["properties"]
    sub_resources = [name for name, schema in properties.items() if "$ref" in schema]
    assert sorted(appendable) == sorted(sub_resources)


def test_rating_and_account_states_take_both_session_kinds() -> None:
    for _, route, op in all_operations():
        if route.endswith(("/rating", "/account_states")):
            names = {resolve(p)["name"] for p in op["parameters"]}
            assert {"session_id", "guest_session_id"} <= names, route


def test_required_follows_the_written_rule_against_the_data() -> None:
    # The rule is in openapi/tmdb.yaml's header and tests/required_rule.py; `python
    # tests/required_rule.py` prints what to change when the data or the spec moves.
    assert required_rule.differences() == {}


def test_the_rule_makes_what_tmdb_always_sends_required() -> None:
    expected = {
        "MovieDetails": {"id", "title", "release_date", "poster_path", "vote_average"},
        "MovieFields": {"id"},
        "MovieSummary": {"title", "release_date"},
        "TvSeriesDetails": {"id", "name", "first_air_date"},
        "PersonDetails": {"id", "name"},
        "PersonFields": {"id", "name"},
        "MoviePage": {"page", "results", "total_pages", "total_results"},
        "CastMember": {"id", "name", "character", "order"},
    }
    for schema, fields in expected.items():
        assert fields <= required_rule.declared_required(schema), schema


def test_the_rule_keeps_optional_what_older_answers_lack_and_appended_ids() -> None:
    assert "origin_country" not in required_rule.declared_required("MovieDetails")  # absent before 2020
    assert "id" not in required_rule.declared_required("Credits")  # an appended part drops its id
    assert "media_type" not in required_rule.declared_required("MovieMediaItem")  # the parent's may tell
    assert "status_code" not in required_rule.declared_required("AuthenticationStatus")  # x-may-be-absent
