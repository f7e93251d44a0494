"""Where the spec and the generated models meet: which model each operation returns."""

from __future__ import annotations

import builtins
import copy
import keyword
from typing import Any

import attrs

import tmdb_async_api.models

from support import spec


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def operations() -> dict[str, dict[str, Any]]:
    """Facade method name (`movies.details`) -> the operation object of the spec."""
    found: dict[str, dict[str, Any]] = {}
    for item in spec()["paths"].values():
        for method, op in item.items():
            if method in {"get", "post", "delete", "put", "patch"}:
                tag = op["tags"][0]
                found[f"{tag}.{op['operationId'].removeprefix(tag + '_')}"] = op
    return found


def success_body(op: dict[str, Any]) -> dict[str, Any]:
    """The schema of the operation's success body (a $ref, or an array of $refs)."""
    components = spec()["components"]
    for code in ("200", "201"):
        response = op["responses"].get(code)
        if response is None:
            continue
        if "$ref" in response:
            response = components["responses"][ref_name(response["$ref"])]
        body: dict[str, Any] = response["content"]["application/json"]["schema"]
        return body
    raise AssertionError(f"{op['operationId']} has no success response")


def success_schema(op: dict[str, Any]) -> str:
    """The component name of the operation's success body (of its items, for an array)."""
    body = success_body(op)
    return ref_name(body["items"]["$ref"] if body.get("type") == "array" else body["$ref"])


def parse_success(op: dict[str, Any], data: Any) -> Any:
    """The example parsed as the generated client parses it: a model, or a list of models."""
    body = success_body(op)
    if body.get("type") == "array":
        if "$ref" not in body["items"]:
            return list(data)
        model = model_class(ref_name(body["items"]["$ref"]))
        return [model.from_dict(item) for item in data]
    return model_class(ref_name(body["$ref"])).from_dict(data)


def to_json(parsed: Any) -> Any:
    """What the parsed value gives back (`to_dict()`, item by item for a list)."""
    if isinstance(parsed, list):
        return [item.to_dict() if hasattr(item, "to_dict") else item for item in parsed]
    return parsed.to_dict()


def model_class(schema_name: str) -> Any:
    return getattr(tmdb_async_api.models, schema_name)


def map_models() -> set[type]:
    """Models whose additional_properties ARE the data (a JSON object keyed by country, ...)."""
    return {
        model_class(name)
        for name, schema in spec()["components"]["schemas"].items()
        if isinstance(schema.get("additionalProperties"), dict)
    }


def unmodelled_fields(value: Any, path: str = "$") -> list[str]:
    """Paths of every field that landed in `additional_properties` at any depth."""
    found: list[str] = []
    if attrs.has(type(value)):
        is_map = type(value) in map_models()
        if not is_map:
            found.extend(f"{path}.{key}" for key in value.additional_properties)
        for field in attrs.fields(type(value)):
            if field.name != "additional_properties":
                found.extend(unmodelled_fields(getattr(value, field.name), f"{path}.{field.name}"))
        if is_map:
            for key, item in value.additional_properties.items():
                found.extend(unmodelled_fields(item, f"{path}[{key!r}]"))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(unmodelled_fields(item, f"{path}[{index}]"))
    return found


# Not escaped by openapi/run_generator.py: interactive helpers, never used by generated code.
SITE_BUILTINS = {"credits", "copyright", "license", "help", "exit", "quit"}


def python_name(prop: str) -> str:
    """The name the generator gives a property or parameter.

    `type` -> `type_`, `watch/providers` -> `watch_providers`, `vote_count.gte` -> `vote_count_gte`.
    """
    if prop.startswith("_"):  # `_id` -> `field_id`: the generator's prefix for a leading underscore
        return f"field_{prop.lstrip('_')}"
    name = prop.replace("/", "_").replace(".", "_")
    if name not in SITE_BUILTINS | {"id"} and (keyword.iskeyword(name) or name in dir(builtins)):
        return f"{name}_"
    return name


def parse(schema_name: str, data: Any, *, unmodelled: tuple[str, ...] = ()) -> Any:
    """Parse with the model and check the round trip is lossless and every field modelled but `unmodelled`.

    An OtherMediaItem keeps the fields of a kind nobody knows yet in additional_properties: those are `unmodelled`.
    """
    parsed = model_class(schema_name).from_dict(copy.deepcopy(data))
    assert parsed.to_dict() == data
    assert unmodelled_fields(parsed) == list(unmodelled)
    return parsed


def without_id(body: dict[str, Any]) -> dict[str, Any]:
    """A stand-alone body as append_to_response nests it: without its `id`."""
    return {key: value for key, value in body.items() if key != "id"}
