"""Build JSON instances of the spec's component schemas, for hostile-data tests.

`build(name, mode)` walks the schema and returns a JSON value:
- "full": every property present with a non-null value;
- "nulls": every property that may be null is null (the rest as in "full");
- "minimal": only the required properties;
- "extra": like "full", plus an unknown field in every object.
"""

from __future__ import annotations

from typing import Any, Literal

from support import spec

Mode = Literal["full", "nulls", "minimal", "extra"]
EXTRA_FIELD = "field_tmdb_added_later"


def _components() -> dict[str, Any]:
    schemas: dict[str, Any] = spec()["components"]["schemas"]
    return schemas


def nullable(schema: dict[str, Any]) -> bool:
    types = schema.get("type")
    if isinstance(types, list) and "null" in types:
        return True
    return any(option.get("type") == "null" for option in schema.get("anyOf", []))


def _scalar(kind: str, name: str) -> Any:
    return {"string": f"{name}-value", "integer": 7, "number": 7.5, "boolean": True}[kind]


def flatten(schema: dict[str, Any]) -> dict[str, Any]:
    """An allOf schema as one object schema (the properties and required of every part)."""
    if "allOf" not in schema:
        return schema
    properties: dict[str, Any] = {}
    required: list[str] = []
    for part in schema["allOf"]:
        if "$ref" in part:
            part = flatten(_components()[part["$ref"].rsplit("/", 1)[-1]])
        properties.update(part.get("properties", {}))
        required += part.get("required", [])
    return {"type": "object", "properties": properties, "required": required}


def schema_of(name: str) -> dict[str, Any]:
    """The component, with allOf flattened."""
    return flatten(_components()[name])


def _value(schema: dict[str, Any], name: str, mode: Mode, depth: int) -> Any:
    if mode == "nulls" and nullable(schema):
        return None
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:  # a request body's closed set
        return schema["enum"][0]
    if "$ref" in schema:
        return build(schema["$ref"].rsplit("/", 1)[-1], mode, depth + 1)
    if "anyOf" in schema:
        first = next(option for option in schema["anyOf"] if option.get("type") != "null")
        return _value(first, name, mode, depth)
    types = schema.get("type")
    kind = next((t for t in types if t != "null"), None) if isinstance(types, list) else types
    if kind is None:  # a free-form value (ChangeItem.value)
        return {"poster": {"file_path": "/a.jpg"}}
    if kind == "array":
        return [_value(schema["items"], name, mode, depth)]
    if kind == "object":
        return {"US": _value(schema["additionalProperties"], name, mode, depth)}
    return _scalar(kind, name)


def build(name: str, mode: Mode, depth: int = 0) -> Any:
    schema = _components()[name]
    if "oneOf" in schema:  # a mixed list: its first variant
        return build(schema["oneOf"][0]["$ref"].rsplit("/", 1)[-1], mode, depth)
    schema = flatten(schema)
    if "additionalProperties" in schema and "properties" not in schema:
        return {"US": _value(schema["additionalProperties"], name, mode, depth)}
    required = set(schema.get("required", []))
    instance: dict[str, Any] = {}
    for prop, prop_schema in schema.get("properties", {}).items():
        if mode == "minimal" and prop not in required:
            continue
        if depth > 2 and prop not in required:  # appended sub-resources nest deep enough
            continue
        instance[prop] = _value(prop_schema, prop, mode, depth)
    if mode == "extra":
        instance[EXTRA_FIELD] = {"nested": [1, None, "x"]}
    return instance


def component_names() -> list[str]:
    """Every component that is a model (a oneOf is a union, not a class)."""
    return sorted(name for name, schema in _components().items() if "oneOf" not in schema)
