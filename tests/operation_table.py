"""Every operation of openapi/tmdb.yaml as one table, derived from the spec, with a realistic value per parameter.

`OPERATIONS` has one row per operation: its facade method (`movies.details`), operationId, HTTP method, route,
path, query and body parameters with their schemas, documented success statuses and success type. Each parameter
gets a realistic value from its schema: its first `examples` value, else its first `enum` value, `True` for a
boolean, else `NO_EXAMPLE[name]` (ids of TMDB's official examples, sessions in TMDB's formats).
tests/operations/test_contract.py runs the facade's contract over it; tests/generated/test_wire.py the generated
client's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import GenericAlias
from typing import Any, Literal

import tmdb_async_api.models as m

from spec_models import python_name, ref_name
from support import spec

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
PY_TYPES: dict[str, type] = {"integer": int, "number": float, "string": str, "boolean": bool}
SESSION_ID = "2629f70fb498edc263a0adb99118ac41f0053e8c"
GUEST_SESSION_ID = "1ce82ec1223641636ad4a60b07de3581"
REQUEST_TOKEN = "1531f1a558c8357ce8990cf887ff196e8f5402ec"
V4_ACCESS_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiI0Yzc2YzA1ZTg4IiwidmVyc2lvbiI6MX0.c2lnbmF0dXJl"

# Realistic values for the parameters and body fields whose schema has no example, no enum and is no boolean: the
# ids of TMDB's official examples, sessions and tokens in TMDB's formats. Each must fit every schema it stands for.
NO_EXAMPLE: dict[str, Any] = {
    "account_id": 548,
    "collection_id": 10,
    "company_id": 1,
    "episode_id": 63056,  # "Winter Is Coming", S01E01 of Game of Thrones
    "episode_number": 1,
    "keyword_id": 1701,
    "list_id": 1,
    "movie_id": 550,  # Fight Club
    "network_id": 49,  # HBO
    "person_id": 31,  # Tom Hanks
    "season_id": 3624,  # Game of Thrones season 1
    "season_number": 1,
    "series_id": 1399,  # Game of Thrones
    "review_id": "640b2aeecaaca20079decdcc",
    "session_id": SESSION_ID,
    "guest_session_id": GUEST_SESSION_ID,
    "page": 2,
    # body fields
    "value": 8.5,
    "media_id": 18,
    "username": "johnny_appleseed",
    "password": "test123",
    "request_token": REQUEST_TOKEN,
    "access_token": V4_ACCESS_TOKEN,
    "name": "This is my awesome test list.",
    "description": "Just an awesome list.",
    "language": "en",  # the list's language (the query parameter `language` has its own example)
}


@dataclass(frozen=True)
class Param:
    """A path, query or body parameter of an operation, as the spec declares it."""

    name: str  # as TMDB spells it: `vote_count.gte`
    location: Literal["path", "query", "body"]
    schema: dict[str, Any]
    required: bool
    appendable: tuple[str, ...] | None = None  # x-appendable: the names append_to_response takes

    @property
    def py(self) -> str:
        """The keyword of the facade method (`vote_count_gte`)."""
        return python_name(self.name)

    @property
    def value(self) -> Any:
        """A realistic value, from the schema."""
        schema = self.schema
        if self.appendable is not None:
            return schema["examples"][0].split(",")  # the facade's own form: a list of names
        if "examples" in schema:
            return schema["examples"][0]
        if "enum" in schema:
            return schema["enum"][0]
        if schema["type"] == "boolean":
            return True
        return NO_EXAMPLE[self.name]

    @property
    def sent(self) -> str:
        """The value as it goes out in a URL."""
        return sent(self.value)

    @property
    def hint(self) -> Any:
        """The annotation the facade gives the parameter, without `| None`."""
        if self.appendable is not None:
            return GenericAlias(Sequence, (Literal[self.appendable],)) | str  # Sequence[Literal[...]] | str
        if "enum" in self.schema:
            return Literal[tuple(self.schema["enum"])]
        return PY_TYPES[self.schema["type"]]


def sent(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


@dataclass(frozen=True)
class Operation:
    """One operation of the spec, as the facade exposes it."""

    facade: str  # "movies.details"
    operation_id: str  # "movies_details": the module of tmdb_async_api.api.<tag>
    method: str  # "GET"
    route: str  # "/3/movie/{movie_id}"
    path_params: tuple[Param, ...]
    query_params: tuple[Param, ...]
    body_params: tuple[Param, ...]
    body_model: str | None  # the request body's component (`RatingRequest`)
    statuses: tuple[int, ...]  # the documented 2xx statuses
    returns: Any  # the model class, or list[Model] / list[str]

    @property
    def namespace(self) -> str:
        return self.facade.split(".")[0]

    @property
    def name(self) -> str:
        return self.facade.split(".")[1]

    @property
    def keywords(self) -> tuple[Param, ...]:
        return self.body_params + self.query_params

    @property
    def path(self) -> str:
        """The route with realistic ids filled in: `/3/movie/550`."""
        values = {p.name: p.sent for p in self.path_params}
        return re.sub(r"\{(\w+)\}", lambda match: values[match[1]], self.route)

    def path_args(self) -> list[Any]:
        return [p.value for p in self.path_params]

    def kwargs(self, *, optional: bool = True) -> dict[str, Any]:
        """A realistic value for every keyword; `optional=False` passes the optional ones as None."""
        return {p.py: p.value if optional or p.required else None for p in self.keywords}


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        section, name = node["$ref"].split("/")[-2:]
        node = spec()["components"][section][name]
    return node


def _param(raw: dict[str, Any]) -> Param:
    node = _resolve(raw)
    appendable = node.get("x-appendable")
    return Param(
        name=node["name"],
        location=node["in"],
        schema=node["schema"],
        required=bool(node.get("required")),
        appendable=None if appendable is None else tuple(appendable),
    )


def _body(op: dict[str, Any]) -> tuple[str | None, tuple[Param, ...]]:
    if "requestBody" not in op:
        return None, ()
    ref = _resolve(op["requestBody"])["content"]["application/json"]["schema"]
    schema = _resolve(ref)
    required = set(schema.get("required", []))
    params = tuple(Param(name, "body", prop, name in required) for name, prop in schema["properties"].items())
    return ref_name(ref["$ref"]), params


def _success_type(op: dict[str, Any]) -> Any:
    response = _resolve(op["responses"][min(code for code in op["responses"] if code.startswith("2"))])
    body = response["content"]["application/json"]["schema"]
    if body.get("type") == "array":
        items = body["items"]
        item = getattr(m, ref_name(items["$ref"])) if "$ref" in items else PY_TYPES[items["type"]]
        return GenericAlias(list, (item,))  # list[item]
    return getattr(m, ref_name(body["$ref"]))


def _operations() -> list[Operation]:
    found = []
    for route, item in spec()["paths"].items():
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op = item[method]
            tag = op["tags"][0]
            params = [_param(raw) for raw in op.get("parameters", [])]
            body_model, body_params = _body(op)
            found.append(
                Operation(
                    facade=f"{tag}.{op['operationId'].removeprefix(tag + '_')}",
                    operation_id=op["operationId"],
                    method=method.upper(),
                    route=route,
                    path_params=tuple(p for p in params if p.location == "path"),
                    query_params=tuple(p for p in params if p.location == "query"),
                    body_params=body_params,
                    body_model=body_model,
                    statuses=tuple(sorted(int(code) for code in op["responses"] if code.startswith("2"))),
                    returns=_success_type(op),
                )
            )
    return sorted(found, key=lambda op: op.facade)


OPERATIONS = _operations()
IDS = [op.facade for op in OPERATIONS]
NAMESPACES = sorted({op.namespace for op in OPERATIONS})
