"""The facade's contract, run once over the table of every operation (tests/operation_table.py, derived from the spec).

For every operation: the facade sends the exact request (method, path, query, body, bearer token) and returns TMDB's
official example parsed whole (`to_dict()` equals the example), for each documented success status; arguments left
`None` send nothing; a value outside its schema's bounds raises ValueError with nothing sent; the signature has
positional path ids, required parameters without a default, `None` defaults, the types the schemas give and the
success type; the docstring names the route; each namespace holds exactly the operations of its tag. `EXACT_QUERIES`
and `HINTS` pin by hand what the table computes the same way it checks it: how a list of appended names, a boolean,
a float or a dotted name goes out, and the Literal vocabularies.
"""

from __future__ import annotations

import inspect
import json
import re
import types
import typing
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal

import httpx
import pytest

from tmdb_async import TMDB
from tmdb_async_api.resources import Namespaces

from operation_table import (
    HTTP_METHODS,
    IDS,
    NAMESPACES,
    NO_EXAMPLE,
    OPERATIONS,
    PY_TYPES,
    SESSION_ID,
    Operation,
    Param,
)
from recording import Recorder
from support import FIXTURES, example, spec

TOKEN = "tok"
HOST = "api.themoviedb.org"
# Keyword-only request options a method may take beside its operation's parameters (issue 11).
REQUEST_OPTIONS = frozenset({"extra_query", "extra_headers"})


def facade_method(tmdb: TMDB, facade: str) -> Callable[..., Coroutine[Any, Any, Any]]:
    namespace, name = facade.split(".")
    method: Callable[..., Coroutine[Any, Any, Any]] = getattr(getattr(tmdb, namespace), name)
    return method


def to_json(parsed: Any) -> Any:
    if isinstance(parsed, list):
        return [item.to_dict() if hasattr(item, "to_dict") else item for item in parsed]
    return parsed.to_dict()


def union_args(hint: Any) -> set[Any]:
    """`A | B | None` as {A, B, NoneType}; any other hint as {hint}."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return set(typing.get_args(hint))
    return {hint}


def assert_is_success_type(result: Any, returns: Any) -> None:
    if typing.get_origin(returns) is list:
        (item,) = typing.get_args(returns)
        assert isinstance(result, list)
        assert all(type(entry) is item for entry in result)
    else:
        assert type(result) is returns


# ---------------------------------------------------------------------------------------------- the table itself


def test_the_table_has_one_row_per_operation_of_the_spec_and_one_official_example_each() -> None:
    in_spec = [
        (method.upper(), route) for route, item in spec()["paths"].items() for method in item if method in HTTP_METHODS
    ]
    assert sorted((op.method, op.route) for op in OPERATIONS) == sorted(in_spec)
    assert len(set(IDS)) == len(IDS)
    assert {path.stem for path in (FIXTURES / "official").glob("*.json")} == set(IDS)


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_every_realistic_value_fits_its_schema(op: Operation) -> None:
    assert len({p.py for p in op.path_params + op.keywords}) == len(op.path_params + op.keywords)  # no clash
    for p in op.path_params + op.keywords:
        value, schema = p.value, p.schema
        if p.appendable is not None:
            assert set(value) <= set(p.appendable), p.name
            continue
        kind = PY_TYPES[schema["type"]]
        assert isinstance(value, kind) or (kind is float and type(value) is int), p.name
        assert schema.get("minimum", value) <= value <= schema.get("maximum", value), p.name
        assert value in schema.get("enum", [value]), p.name
        if "multipleOf" in schema:
            assert value % schema["multipleOf"] == 0, p.name


def test_every_value_typed_by_hand_stands_for_a_parameter_without_an_example() -> None:
    def needs_one(p: Param) -> bool:
        return "examples" not in p.schema and "enum" not in p.schema and p.schema["type"] != "boolean"

    used = {p.name for op in OPERATIONS for p in op.path_params + op.keywords if needs_one(p)}
    assert used == set(NO_EXAMPLE)


# ---------------------------------------------------------------------------------------------- on the wire


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
async def test_facade_sends_the_exact_request_and_returns_the_parsed_official_example(op: Operation) -> None:
    recorder = Recorder(example(op.facade), status=op.statuses[0])
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        result = await facade_method(tmdb, op.facade)(*op.path_args(), **op.kwargs())

    (request,) = recorder.requests
    assert request.method == op.method
    assert request.url.host == HOST
    assert request.url.path == op.path
    assert sorted(request.url.params.multi_items()) == sorted((p.name, p.sent) for p in op.query_params)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    if op.body_params:
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(request.content) == {p.name: p.value for p in op.body_params}
    else:
        assert request.content == b""

    assert_is_success_type(result, op.returns)
    assert to_json(result) == example(op.facade)


SUCCESS_STATUSES = [(op, status) for op in OPERATIONS for status in op.statuses[1:]]


@pytest.mark.parametrize(
    ("op", "status"), SUCCESS_STATUSES, ids=[f"{op.facade}-{status}" for op, status in SUCCESS_STATUSES]
)
async def test_every_other_documented_success_status_returns_the_parsed_example(op: Operation, status: int) -> None:
    # TMDB answers a write with 201 (created: code 1, 12) or 200 (updated, deleted: code 13).
    recorder = Recorder(example(op.facade), status=status)
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        result = await facade_method(tmdb, op.facade)(*op.path_args(), **op.kwargs())

    assert_is_success_type(result, op.returns)
    assert to_json(result) == example(op.facade)


def test_writes_document_the_statuses_tmdb_answers() -> None:
    # Account and list writes and the rating POSTs: 201 when TMDB creates, 200 when it updates or deletes.
    for op in OPERATIONS:
        if op.method != "GET":
            creates = op.route.startswith(("/3/account", "/3/list")) or (
                op.method == "POST" and op.route.endswith("/rating")
            )
            assert op.statuses == ((200, 201) if creates else (200,)), op.facade


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
async def test_arguments_left_none_send_nothing(op: Operation) -> None:
    recorder = Recorder(example(op.facade), status=op.statuses[0])
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        await facade_method(tmdb, op.facade)(*op.path_args(), **op.kwargs(optional=False))

    (request,) = recorder.requests
    query: list[tuple[str, str | int | float | bool | None]] = [(p.name, p.sent) for p in op.query_params if p.required]
    assert str(request.url) == f"https://{HOST}{op.path}" + (f"?{httpx.QueryParams(query)}" if query else "")
    if op.body_params:
        assert json.loads(request.content) == {p.name: p.value for p in op.body_params if p.required}


def out_of_bounds(p: Param) -> list[Any]:
    """Values just outside the schema's bounds: below `minimum`, above `maximum`, between two `multipleOf` steps."""
    schema, step = p.schema, 1 if p.schema["type"] == "integer" else 0.5
    values = []
    if "minimum" in schema:
        values.append(schema["minimum"] - step)
    if "maximum" in schema:
        values.append(schema["maximum"] + step)
    if "multipleOf" in schema:
        values.append(schema["minimum"] + schema["multipleOf"] / 2)
    return values


OUT_OF_BOUNDS = [
    (op, p, value) for op in OPERATIONS for p in op.path_params + op.keywords for value in out_of_bounds(p)
]


@pytest.mark.parametrize(
    ("op", "param", "value"), OUT_OF_BOUNDS, ids=[f"{op.facade}-{p.name}={value}" for op, p, value in OUT_OF_BOUNDS]
)
async def test_a_value_outside_the_schema_bounds_raises_before_sending(op: Operation, param: Param, value: Any) -> None:
    recorder = Recorder(example(op.facade), status=op.statuses[0])
    args = [value if p is param else p.value for p in op.path_params]
    kwargs = {p.py: value if p is param else p.value for p in op.keywords}
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        with pytest.raises(ValueError, match=f"^{re.escape(param.name)} must be "):
            await facade_method(tmdb, op.facade)(*args, **kwargs)

    assert recorder.requests == []


# ---------------------------------------------------------------------------------------------- the method's shape


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
async def test_signature_has_positional_ids_required_keywords_and_none_defaults(op: Operation) -> None:
    async with TMDB(access_token=TOKEN) as tmdb:
        method = facade_method(tmdb, op.facade)
    signature = inspect.signature(method)
    hints = typing.get_type_hints(method)
    parameters = signature.parameters

    assert "Unset" not in str(signature)
    assert all("Unset" not in repr(hint) for hint in hints.values()), hints
    assert hints["return"] == op.returns
    # Path ids first, positional, typed by their schema, without a default.
    positional = [name for name, p in parameters.items() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert positional == [p.py for p in op.path_params]
    assert [hints[p.py] for p in op.path_params] == [p.hint for p in op.path_params]
    assert all(parameters[name].default is inspect.Parameter.empty for name in positional)
    # The rest keyword-only: required ones without a default, the others None by default.
    keywords = {name: p for name, p in parameters.items() if name not in positional}
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in keywords.values())
    assert set(keywords) - REQUEST_OPTIONS == {p.py for p in op.keywords}
    for p in op.keywords:
        if p.required:
            assert keywords[p.py].default is inspect.Parameter.empty, p.py
            assert union_args(hints[p.py]) == union_args(p.hint), p.py
        else:
            assert keywords[p.py].default is None, p.py
            assert union_args(hints[p.py]) == union_args(p.hint) | {type(None)}, p.py
    assert all(keywords[name].default is None for name in set(keywords) & REQUEST_OPTIONS)


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
async def test_docstring_names_the_route(op: Operation) -> None:
    async with TMDB(access_token=TOKEN) as tmdb:
        doc = inspect.getdoc(facade_method(tmdb, op.facade))

    assert doc is not None
    assert f"`{op.method} {op.route}`" in doc


@pytest.mark.parametrize("namespace", NAMESPACES)
async def test_namespace_public_methods_are_exactly_the_operations_of_its_tag(namespace: str) -> None:
    async with TMDB(access_token=TOKEN) as tmdb:
        resource = getattr(tmdb, namespace)
    public = {name for name in dir(resource) if not name.startswith("_")}

    assert public == {op.name for op in OPERATIONS if op.namespace == namespace}
    assert all(inspect.iscoroutinefunction(getattr(resource, name)) for name in public)


def test_namespaces_are_exactly_the_tags_of_the_spec() -> None:
    tags = {op["tags"][0] for item in spec()["paths"].values() for method, op in item.items() if method in HTTP_METHODS}
    assert set(NAMESPACES) == tags
    assert {name for name in dir(Namespaces) if not name.startswith("_")} == tags


# ---------------------------------------------------------------------------------------------- examples by hand


@dataclass(frozen=True)
class Exact:
    """A call and the query it must send, typed by hand."""

    facade: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    query: dict[str, str]


EXACT_QUERIES = [
    # A list of appended names goes out comma-joined, `watch/providers` with its slash; a string goes out as is.
    Exact(
        "movies.details",
        (550,),
        {"append_to_response": ["credits", "videos"]},
        {"append_to_response": "credits,videos"},
    ),
    Exact(
        "tv_seasons.details",
        (1399, 1),
        {"append_to_response": ["credits", "watch/providers"], "language": "pt-BR"},
        {"append_to_response": "credits,watch/providers", "language": "pt-BR"},
    ),
    Exact(
        "people.details",
        (31,),
        {"append_to_response": "images,tagged_images"},
        {"append_to_response": "images,tagged_images"},
    ),
    # Booleans go out as `true`/`false`, integers as digits.
    Exact(
        "search.movies",
        (),
        {"query": "fight club", "include_adult": False, "page": 2, "year": 1999},
        {"query": "fight club", "include_adult": "false", "page": "2", "year": "1999"},
    ),
    Exact(
        "lists.clear", (1,), {"session_id": SESSION_ID, "confirm": True}, {"session_id": SESSION_ID, "confirm": "true"}
    ),
    # Python names lose TMDB's dots; the query keeps them. Floats keep their decimal point.
    Exact(
        "discover.movies",
        (),
        {
            "vote_average_gte": 6.5,
            "vote_count_gte": 1000,
            "with_runtime_lte": 180,
            "primary_release_date_gte": "2023-01-01",
        },
        {
            "vote_average.gte": "6.5",
            "vote_count.gte": "1000",
            "with_runtime.lte": "180",
            "primary_release_date.gte": "2023-01-01",
        },
    ),
    Exact(
        "discover.tv",
        (),
        {"vote_average_lte": 10.0, "include_null_first_air_dates": False, "screened_theatrically": True},
        {"vote_average.lte": "10.0", "include_null_first_air_dates": "false", "screened_theatrically": "true"},
    ),
    Exact(
        "discover.movies",
        (),
        {"with_genres": "28|12", "vote_count_gte": 500, "include_adult": True},
        {"with_genres": "28|12", "vote_count.gte": "500", "include_adult": "true"},
    ),
    # Literals go out as their value.
    Exact(
        "account.rated_movies",
        (548,),
        {"session_id": SESSION_ID, "sort_by": "created_at.desc"},
        {"session_id": SESSION_ID, "sort_by": "created_at.desc"},
    ),
    Exact("find.by_id", ("tt17663992",), {"external_source": "imdb_id"}, {"external_source": "imdb_id"}),
]


@pytest.mark.parametrize("case", EXACT_QUERIES, ids=[case.facade for case in EXACT_QUERIES])
async def test_exact_query_typed_by_hand(case: Exact) -> None:
    recorder = Recorder(example(case.facade))
    async with TMDB(access_token=TOKEN, transport=httpx.MockTransport(recorder)) as tmdb:
        await facade_method(tmdb, case.facade)(*case.args, **case.kwargs)

    (request,) = recorder.requests
    assert sorted(request.url.params.multi_items()) == sorted(case.query.items())


HINTS = [
    ("trending.all", "time_window", Literal["day", "week"]),
    ("reviews.details", "review_id", str),
    ("credits.details", "credit_id", str),
    ("find.by_id", "external_id", str),
    ("tv_episode_groups.details", "tv_episode_group_id", str),
    ("guest_sessions.rated_tv", "guest_session_id", str),
    ("people.details", "person_id", int),
    (
        "find.by_id",
        "external_source",
        Literal[
            "imdb_id", "facebook_id", "instagram_id", "tvdb_id", "tiktok_id", "twitter_id", "wikidata_id", "youtube_id"
        ],
    ),
    ("account.rated_movies", "sort_by", Literal["created_at.asc", "created_at.desc"] | None),
    ("guest_sessions.rated_tv_episodes", "sort_by", Literal["created_at.asc", "created_at.desc"] | None),
    ("account.add_favorite", "media_type", Literal["movie", "tv"]),
    ("account.add_favorite", "favorite", bool),
    ("lists.clear", "confirm", bool),
    (
        "discover.movies",
        "sort_by",
        Literal[
            "original_title.asc", "original_title.desc", "popularity.asc", "popularity.desc", "revenue.asc",
            "revenue.desc", "primary_release_date.asc", "primary_release_date.desc", "title.asc", "title.desc",
            "vote_average.asc", "vote_average.desc", "vote_count.asc", "vote_count.desc",
        ] | None,
    ),
    (
        "discover.tv",
        "sort_by",
        Literal[
            "first_air_date.asc", "first_air_date.desc", "name.asc", "name.desc", "original_name.asc",
            "original_name.desc", "popularity.asc", "popularity.desc", "vote_average.asc", "vote_average.desc",
            "vote_count.asc", "vote_count.desc",
        ] | None,
    ),
]  # fmt: skip


@pytest.mark.parametrize(("facade", "name", "hint"), HINTS, ids=[f"{facade}-{name}" for facade, name, _ in HINTS])
async def test_parameter_type_typed_by_hand(facade: str, name: str, hint: Any) -> None:
    async with TMDB(access_token=TOKEN) as tmdb:
        hints = typing.get_type_hints(facade_method(tmdb, facade))

    assert hints[name] == hint
