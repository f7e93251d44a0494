"""Replay 468 real TMDB answers (tests/fixtures/real, recorded 2014-2022 by five public projects)
through the facade, served as TMDB would serve them (a mock transport, the recorded path and query).

Answers from 2020 on must parse, leave nothing in additional_properties (maps aside: their
keys are the data), and give back their JSON from to_dict(). Older answers must do the same,
except the shapes TMDB no longer serves, listed in OLD_SHAPES with the error they raise (and
in tests/fixtures/real/README.md): a new failure, or an old shape that starts to parse, fails.
"""

from __future__ import annotations

import inspect
import json
import typing
from typing import Any

import attrs
import httpx
import pytest

from tmdb_async import TMDB, ResponseValidationError
from tmdb_async.models import UNSET

from real_data import MANIFEST, OLD_REQUESTS, OLD_SHAPES, REAL
from support import spec

# Models whose additional_properties are the data (a map keyed by country code).
MAPS = {"CertificationsByCountry", "WatchProvidersByCountry", "WatchProviderDisplayPriorities"}
# What the dropped credentials and the unrecorded request bodies are replaced with.
PLACEHOLDERS: dict[str, Any] = {
    "session_id": "0" * 40,
    "guest_session_id": "0" * 32,
    "account_id": 1,
    "value": 8.5,
    "media_type": "movie",
    "media_id": 550,
    "favorite": True,
    "watchlist": True,
    "username": "user",
    "password": "secret",
    "request_token": "0" * 40,
    "name": "A list",
}


def operation_ids() -> dict[str, tuple[str, str]]:
    """`GET /3/movie/{movie_id}` -> ("movies", "details"): the facade's namespace and method."""
    found: dict[str, tuple[str, str]] = {}
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            tag = operation["tags"][0]
            found[f"{method.upper()} {path}"] = (tag, operation["operationId"].removeprefix(f"{tag}_"))
    return found


OPERATIONS = operation_ids()


def extras(value: Any, where: str = "$") -> list[str]:
    """The JSON paths of every key that landed in an additional_properties outside the maps."""
    found: list[str] = []
    if isinstance(value, list):
        for index, item in enumerate(value):
            found += extras(item, f"{where}[{index}]")
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            if field.name == "additional_properties":
                if type(value).__name__ not in MAPS:
                    found += [f"{where}.{key}" for key in value.additional_properties]
                for key, item in value.additional_properties.items():
                    found += extras(item, f"{where}.{key}")
            elif (item := getattr(value, field.name)) is not UNSET:
                found += extras(item, f"{where}.{field.name}")
    return found


async def replay(entry: dict[str, Any]) -> Any:
    body = (REAL / entry["file"]).read_bytes()
    served: list[httpx.Request] = []

    def serve(request: httpx.Request) -> httpx.Response:
        served.append(request)
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    tag, name = OPERATIONS[entry["operation"]]
    async with TMDB(access_token="t0ken", transport=httpx.MockTransport(serve), max_retries=0) as tmdb:
        method = getattr(getattr(tmdb, tag), name)
        accepted = inspect.signature(method).parameters
        arguments = {**entry["path_params"], **entry["query"]}
        for key, value in PLACEHOLDERS.items():
            if key in accepted and accepted[key].default is inspect.Parameter.empty:
                arguments.setdefault(key, value)
        hints = typing.get_type_hints(method)
        arguments = {key: as_sent(value, hints.get(key)) for key, value in arguments.items() if key in accepted}
        result = await method(**arguments)
    assert len(served) == 1
    return result


def as_sent(value: Any, hint: Any) -> Any:
    """A recorded value as the facade takes it: "2" is the page 2 where an int is taken, a list is comma-joined.

    A string path parameter (an external id, a list id) takes its digits as a string.
    """
    if hint is str and isinstance(value, int):
        return str(value)
    if hint is not str and isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, list):
        return ",".join(map(str, value))
    return value


def recorded(entry: dict[str, Any]) -> int:
    return int(entry.get("recorded") or 0)


@pytest.mark.parametrize("entry", MANIFEST, ids=[entry["file"].removeprefix("bodies/") for entry in MANIFEST])
async def test_real_answer_replays_through_the_facade(entry: dict[str, Any]) -> None:
    if entry["file"] in OLD_REQUESTS:
        with pytest.raises(ValueError, match="list_id must be a whole number"):
            await replay(entry)
        return
    if entry["file"] in OLD_SHAPES:
        with pytest.raises(ResponseValidationError) as caught:
            await replay(entry)
        assert OLD_SHAPES[entry["file"]] in str(caught.value)
        return
    result = await replay(entry)
    original = json.loads((REAL / entry["file"]).read_bytes())
    dumped = [item.to_dict() for item in result] if isinstance(result, list) else result.to_dict()
    assert dumped == original
    if recorded(entry) >= 2020:
        assert extras(result) == []


def test_every_answer_since_2020_parses_but_one_library_made_fixture() -> None:
    recent_failures = [name for name in OLD_SHAPES if recorded(next(e for e in MANIFEST if e["file"] == name)) >= 2020]
    assert recent_failures == ["bodies/php-tmdb-api/tv_episodes_details.json"]


def test_the_fixtures_are_the_manifest() -> None:
    on_disk = {str(path.relative_to(REAL)) for path in (REAL / "bodies").rglob("*.json")}
    assert on_disk == {entry["file"] for entry in MANIFEST}
    assert len(MANIFEST) == 468
