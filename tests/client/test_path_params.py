"""Path parameters are checked before anything is sent, for every operation of the spec.

A string path value of `''`, `'.'` or `'..'` survives percent-quoting and URL normalisation then drops or
climbs the segment (`find.by_id('..')` would request `/3`, `guest_sessions.rated_movies('..')` `/3/rated/movies`).
An integer id given as a float, a bool, nan or inf would go out as `/3/movie/550.0` or `/3/movie/nan`. The
checks are generated from the spec (openapi/facade.py), so the table below is read from the spec too.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest

from tmdb_async import TMDB

from recording import Recorder
from spec_models import operations
from support import spec

BAD_STRINGS = ("", ".", "..")
BAD_INTS: tuple[Any, ...] = (550.0, 550.5, math.nan, math.inf, 1e300, True, "550")


def path_params(op: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for raw in op.get("parameters", []):
        param = raw
        if "$ref" in raw:
            param = spec()["components"]["parameters"][raw["$ref"].rsplit("/", 1)[-1]]
        if param["in"] == "path":
            found.append(param)
    return found


def good_value(param: dict[str, Any]) -> Any:
    schema = param["schema"]
    if "enum" in schema:
        return schema["enum"][0]
    return 550 if schema.get("type") == "integer" else "abc"


WITH_PATH = {name: op for name, op in sorted(operations().items()) if path_params(op)}


def method_of(tmdb: TMDB, dotted: str) -> Callable[..., Coroutine[Any, Any, Any]]:
    namespace, name = dotted.split(".")
    method: Callable[..., Coroutine[Any, Any, Any]] = getattr(getattr(tmdb, namespace), name)
    return method


def required_keywords(method: Callable[..., Any]) -> dict[str, Any]:
    """A value for each required keyword (query or body): the path is checked first, so any value does."""
    params = inspect.signature(method).parameters.values()
    return {p.name: "x" for p in params if p.kind is p.KEYWORD_ONLY and p.default is p.empty}


def test_the_table_holds_string_and_integer_path_parameters() -> None:
    types = {param["schema"].get("type") for op in WITH_PATH.values() for param in path_params(op)}
    assert types == {"integer", "string"}
    assert {"find.by_id", "guest_sessions.rated_movies", "movies.details"} <= set(WITH_PATH)


@pytest.mark.parametrize("dotted", list(WITH_PATH))
async def test_bad_path_values_raise_value_error_before_anything_is_sent(dotted: str) -> None:
    op = WITH_PATH[dotted]
    params = path_params(op)
    recorder = Recorder({})
    async with TMDB(access_token="tok", transport=httpx.MockTransport(recorder)) as tmdb:
        method = method_of(tmdb, dotted)
        kwargs = required_keywords(method)
        tried = 0
        for index, param in enumerate(params):
            integer = param["schema"].get("type") == "integer"
            for bad in BAD_INTS if integer else BAD_STRINGS:
                args = [good_value(other) for other in params]
                args[index] = bad
                with pytest.raises(ValueError, match=param["name"]):
                    await method(*args, **kwargs)
                tried += 1
        assert tried > 0
    assert recorder.requests == [], [str(request.url) for request in recorder.requests]


async def test_real_ints_and_ordinary_strings_still_go_out_as_path_segments() -> None:
    recorder = Recorder({f"{kind}_results": [] for kind in ("movie", "person", "tv", "tv_episode", "tv_season")})
    async with TMDB(access_token="tok", transport=httpx.MockTransport(recorder)) as tmdb:
        await tmdb.find.by_id("tt0137523", external_source="imdb_id")
        await tmdb.find.by_id("..x", external_source="imdb_id")  # not a dot segment: stays in the route
    assert [request.url.path for request in recorder.requests] == ["/3/find/tt0137523", "/3/find/..x"]
