"""Reading the spec the client was generated from: routes, `$ref`s, an operation's 2xx body and examples.

One home for what the package asks of the spec at run time (tmdb_async_api/openapi.json,
shipped with the client): FakeTMDB (testing/) serves its routes and bodies, and the
`tmdb-async fetch` command reads the minimum of each path id. Pure standard library, so
the command needs no optional extra for it. openapi/facade.py reads the same things at
generation time from the YAML; it keeps its own `_Spec` because it runs before the package
it would import from exists.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, cast

HTTP_METHODS = ("get", "post", "delete", "put", "patch")


def load_spec() -> dict[str, Any]:
    """The spec the installed client was generated from (tmdb_async_api/openapi.json)."""
    data: dict[str, Any] = json.loads(resources.files("tmdb_async_api").joinpath("openapi.json").read_text("utf-8"))
    return data


def ref_name(ref: str) -> str:
    """`#/components/schemas/MovieDetails` -> `MovieDetails`."""
    return ref.rsplit("/", 1)[-1]


@dataclass
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    operation: dict[str, Any]
    path_schemas: dict[str, dict[str, Any]]  # path parameter -> its schema

    @property
    def operation_id(self) -> str:
        return str(self.operation["operationId"])


class SpecReader:
    """The parts of an OpenAPI document the fake needs, resolved."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.components: dict[str, Any] = spec["components"]
        self.schemas: dict[str, Any] = self.components["schemas"]

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """Follow `$ref`s until a node that is not one."""
        while "$ref" in node:
            section, name = node["$ref"].split("/")[-2:]
            node = self.components[section][name]
        return node

    def routes(self) -> list[Route]:
        """Every operation as a Route; literal segments first (/3/movie/latest before /3/movie/{movie_id})."""
        routes: list[Route] = []
        for template, item in self.spec["paths"].items():
            regex = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
            for method, op in item.items():
                if method in HTTP_METHODS:
                    parameters = [self.resolve(p) for p in op.get("parameters", [])]
                    schemas = {p["name"]: p.get("schema", {}) for p in parameters if p["in"] == "path"}
                    routes.append(Route(method.upper(), template, re.compile(regex), op, schemas))
        return sorted(routes, key=lambda r: (r.template.count("{"), r.template))

    def success(self, op: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The schema of the operation's first 2xx JSON body, and the values of its examples that are objects."""
        for code in sorted(op["responses"]):
            if code.startswith("2"):
                media = self.resolve(op["responses"][code])["content"]["application/json"]
                values = [self.resolve(e)["value"] for e in media.get("examples", {}).values()]
                return media["schema"], [cast("dict[str, Any]", v) for v in values if isinstance(v, dict)]
        raise LookupError(f"{op['operationId']}: no 2xx response with a JSON body")

    def success_name(self, op: dict[str, Any]) -> str | None:
        """The component the 2xx body is (`MovieDetails`), or None for an inline schema."""
        ref = self.success(op)[0].get("$ref")
        return None if ref is None else ref_name(ref)

    def page_item(self, schema_name: str) -> dict[str, Any]:
        """The item schema of a paged component's `results`."""
        schema = self.schemas[schema_name]
        for part in schema.get("allOf", [schema]):
            results = self.resolve(part).get("properties", {}).get("results")
            if results is not None:
                return dict(results["items"])
        raise LookupError(f"{schema_name} has no results")

    def variants(self, schema_name: str) -> dict[str, str]:
        """A oneOf component's variants by their `media_type` const: {"movie": "MovieMediaItem", ...}."""
        found: dict[str, str] = {}
        for option in self.schemas[schema_name].get("oneOf", []):
            name = ref_name(option.get("$ref", ""))
            const = self.schemas.get(name, {}).get("properties", {}).get("media_type", {}).get("const")
            if const is not None:
                found[const] = name
        return found
