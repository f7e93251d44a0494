"""The generated client on the wire, one row per operation of the spec (tests/operation_table.py).

Each row calls `tmdb_async_api.api.<tag>.<operationId>.asyncio_detailed` with a realistic value for every parameter the
operation takes, then pins what goes out (method, path, the exact query, the body, the bearer token) and what comes
back (the status, the success type and the whole official example, served by respx). Then three named cases of
`movies.details`: no query string, an error body, appended credits.
"""

from __future__ import annotations

import importlib
import inspect
import json
import typing
from http import HTTPStatus
from types import ModuleType
from typing import Any

import pytest
import respx

import tmdb_async_api.models as m
from tmdb_async_api.api.movies import movies_details
from tmdb_async_api.client import AuthenticatedClient
from tmdb_async_api.models import Credits

from operation_table import IDS, OPERATIONS, Operation
from support import example, official

BASE_URL = "https://api.themoviedb.org"
TOKEN = "secret-token"
MOVIE_ID = 550


def module(op: Operation) -> ModuleType:
    return importlib.import_module(f"tmdb_async_api.api.{op.namespace}.{op.operation_id}")


def call_kwargs(op: Operation) -> dict[str, Any]:
    """A realistic value for every keyword: appended names as the comma-joined string the generated client takes."""
    kwargs: dict[str, Any] = {p.py: p.sent if p.appendable is not None else p.value for p in op.query_params}
    if op.body_model is not None:
        kwargs["body"] = getattr(m, op.body_model)(**{p.py: p.value for p in op.body_params})
    return kwargs


def to_json(parsed: Any) -> Any:
    if isinstance(parsed, list):
        return [item.to_dict() if hasattr(item, "to_dict") else item for item in parsed]
    return parsed.to_dict()


def make_client() -> AuthenticatedClient:
    return AuthenticatedClient(base_url=BASE_URL, token=TOKEN)


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
def test_generated_function_takes_the_path_ids_then_every_query_parameter_and_the_body(op: Operation) -> None:
    parameters = inspect.signature(module(op).asyncio_detailed).parameters
    positional = [name for name, p in parameters.items() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    keyword_only = {name for name, p in parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}

    assert positional == [p.py for p in op.path_params]
    assert keyword_only - {"client", "body"} == {p.py for p in op.query_params}
    assert ("body" in keyword_only) == (op.body_model is not None)


@pytest.mark.parametrize("op", OPERATIONS, ids=IDS)
async def test_operation_sends_exact_request_and_parses_official_example(op: Operation) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=True) as router:
        route = router.route(method=op.method, path=op.path).respond(op.statuses[0], json=example(op.facade))
        response = await module(op).asyncio_detailed(*op.path_args(), client=make_client(), **call_kwargs(op))

    request = route.calls.last.request
    assert route.call_count == 1
    assert request.method == op.method
    assert request.url.host == "api.themoviedb.org"
    assert request.url.path == op.path
    assert sorted(request.url.params.multi_items()) == sorted((p.name, p.sent) for p in op.query_params)
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    if op.body_model is None:
        assert request.content == b""
        assert "Content-Type" not in request.headers
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(request.content) == {p.name: p.value for p in op.body_params}

    assert response.status_code == HTTPStatus(op.statuses[0])
    parsed = response.parsed
    if typing.get_origin(op.returns) is list:
        (item,) = typing.get_args(op.returns)
        assert isinstance(parsed, list)
        assert all(type(entry) is item for entry in parsed)
    else:
        assert type(parsed) is op.returns
    assert to_json(parsed) == example(op.facade)


async def test_details_with_only_the_id_sends_no_query_string() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=True) as router:
        route = router.get(f"/3/movie/{MOVIE_ID}").respond(200, json=official("movies.details"))
        response = await movies_details.asyncio_detailed(MOVIE_ID, client=make_client())

    request = route.calls.last.request
    assert request.url.query == b""
    assert str(request.url) == f"{BASE_URL}/3/movie/{MOVIE_ID}"
    assert response.status_code == HTTPStatus.OK


async def test_details_not_found_error_body_parses_to_none() -> None:
    error = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}
    with respx.mock(base_url=BASE_URL, assert_all_called=True) as router:
        router.get(f"/3/movie/{MOVIE_ID}").respond(404, json=error)
        response = await movies_details.asyncio_detailed(MOVIE_ID, client=make_client())

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.parsed is None
    assert json.loads(response.content) == error


async def test_details_with_appended_credits_parses_them_under_credits() -> None:
    credits_body = {key: value for key, value in official("movies.credits").items() if key != "id"}
    body = {**official("movies.details"), "credits": credits_body}
    with respx.mock(base_url=BASE_URL, assert_all_called=True) as router:
        route = router.get(f"/3/movie/{MOVIE_ID}").respond(200, json=body)
        response = await movies_details.asyncio_detailed(MOVIE_ID, client=make_client(), append_to_response="credits")

    assert dict(route.calls.last.request.url.params) == {"append_to_response": "credits"}
    parsed = response.parsed
    assert parsed is not None
    assert parsed.title == "Star Wars"
    appended = parsed.credits
    assert isinstance(appended, Credits)
    assert appended.cast[0].name == "Edward Norton"
    assert appended.crew[0].name == "Arnon Milchan"
