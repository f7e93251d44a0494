"""The rule of `required` (openapi/tmdb.yaml's header), computed from the data the tests hold.

A property of a response schema is required when every official example and every real
answer (tests/fixtures/official, corrected, real) that holds an object of that schema
carries it, and none of the exceptions below applies. Real answers of every year count, not
only those since 2020: an older answer without the field is TMDB saying that it does not
always send it, and an older answer that parses today keeps parsing. The old shapes that no
longer parse for other reasons (tests/real_data.py OLD_SHAPES) are left out. Exceptions:
- the schema was never seen in that data (nothing to go by: it stays optional);
- `id` of a schema that append_to_response can embed (an appended part drops its id);
- a `const` media_type (a nested media object may leave it to its parent's media_type);
- a property marked `x-may-be-absent` with the evidence (TMDB's reference or a real answer).
A property that a schema shares through allOf (MovieFields) is required there when every
schema that includes it and was seen carries it; otherwise a schema that extends it and
always carries it lists it in its own `required`. tests/test_spec.py checks the spec
against the rule.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from functools import cache
from typing import Any

import attrs

import tmdb_async_api.models as models
from tmdb_async_api.types import UNSET

from real_data import MANIFEST, OLD_SHAPES, REAL
from support import FIXTURES, spec


def _schemas() -> dict[str, Any]:
    found: dict[str, Any] = spec()["components"]["schemas"]
    return found


def _ref(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref.rsplit("/", 1)[1] if isinstance(ref, str) else None


def includes(name: str) -> set[str]:
    """The schemas whose properties `name` has: itself and, through allOf, what it extends."""
    found = {name}
    for part in _schemas()[name].get("allOf", []):
        ref = _ref(part)
        if ref is not None:
            found |= includes(ref)
    return found


def own_properties(name: str) -> dict[str, dict[str, Any]]:
    """The properties `name` declares itself (top level or in an inline allOf part)."""
    schema = _schemas()[name]
    found = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        if _ref(part) is None:
            found |= part.get("properties", {})
    return found


def all_properties(name: str) -> dict[str, dict[str, Any]]:
    """Every property `name` has, its own and those of the schemas it extends."""
    found: dict[str, dict[str, Any]] = {}
    for included in includes(name):
        found |= own_properties(included)
    return found


def declared_required(name: str) -> set[str]:
    """What `name`'s own `required` lists name (top level and inline allOf parts)."""
    schema = _schemas()[name]
    found = set(schema.get("required", []))
    for part in schema.get("allOf", []):
        if _ref(part) is None:
            found |= set(part.get("required", []))
    return found


def _response_schema(operation: dict[str, Any]) -> dict[str, Any]:
    response = operation["responses"].get("200") or operation["responses"]["201"]
    if "$ref" in response:
        response = spec()["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema: dict[str, Any] = response["content"]["application/json"]["schema"]
    return schema


def _operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation["operationId"], operation


def _parse(schema: dict[str, Any], data: Any) -> Any:
    ref = _ref(schema)
    if ref is not None:
        return getattr(models, ref).from_dict(data)
    if schema.get("type") == "array":
        return [_parse(schema["items"], item) for item in data]
    return data  # a plain value (no model)


def sources() -> Iterator[tuple[str, Any]]:
    """(name, parsed answer) of every official example, corrected example and real answer (old shapes aside)."""
    by_id = {operation_id: operation for _, operation_id, operation in _operations()}
    by_route = {route: operation for route, _, operation in _operations()}
    examples = sorted((FIXTURES / "official").glob("*.json")) + sorted((FIXTURES / "corrected").glob("*.json"))
    for path in examples:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data == {}:
            continue  # movies.recommendations: TMDB's example is empty (corrected/ has one)
        operation = by_id[path.stem.replace(".", "_", 1)]
        yield f"{path.parent.name}/{path.name}", _parse(_response_schema(operation), data)
    for entry in MANIFEST:
        if entry["file"] not in OLD_SHAPES and entry["operation"] in by_route:
            data = json.loads((REAL / entry["file"]).read_text(encoding="utf-8"))
            yield f"real/{entry['file']}", _parse(_response_schema(by_route[entry["operation"]]), data)


@cache
def observations() -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """How many objects of each schema the data holds, and how many of them carry each key."""
    seen: Counter[str] = Counter()
    carried: Counter[tuple[str, str]] = Counter()

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif attrs.has(type(value)):
            name = type(value).__name__
            seen[name] += 1
            for key in value.to_dict():
                carried[name, key] += 1
            for field in attrs.fields(type(value)):
                item = getattr(value, field.name)
                if field.name == "additional_properties":
                    for nested in item.values():
                        walk(nested)
                elif item is not UNSET:
                    walk(item)

    for _, parsed in sources():
        walk(parsed)
    return seen, carried


def appendable() -> set[str]:
    """The schemas that append_to_response can embed in a details answer."""
    found: set[str] = set()
    parameters = spec()["components"]["parameters"]
    for _, _, operation in _operations():
        for parameter in operation.get("parameters", []):
            ref = _ref(parameter)
            if ref is None or "x-appendable" not in parameters[ref]:
                continue
            details = _ref(_response_schema(operation))
            assert details is not None
            for name in parameters[ref]["x-appendable"]:
                target = _ref(own_properties(details).get(name, {}))
                if target is not None:
                    found |= {target} | {s for s in _schemas() if target in includes(s)}
    return found


def required_by_rule(name: str) -> set[str]:
    """What the rule makes `name` list as required: its own properties, and those of the schemas
    it extends that the rule does not already make required there."""
    seen, carried = observations()
    users = [user for user in _schemas() if name in includes(user) and seen[user] > 0]
    if not users:
        return declared_required(name)  # never seen: the spec's word stands
    embedded = name in appendable() or any(user in appendable() for user in users)
    inherited = set().union(*(required_by_rule(other) for other in includes(name) - {name}))
    found: set[str] = set()
    for key, schema in all_properties(name).items():
        if key in inherited or (key == "id" and embedded):
            continue
        if (key == "media_type" and "const" in schema) or "x-may-be-absent" in schema:
            continue
        if all(carried[user, key] == seen[user] for user in users):
            found.add(key)
    return found


def differences() -> dict[str, tuple[list[str], list[str]]]:
    """schema -> (to add to required, to drop from required), for every schema that breaks the rule."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    for name in _schemas():
        if not own_properties(name):
            continue
        rule, declared = required_by_rule(name), declared_required(name)
        if rule != declared:
            found[name] = (sorted(rule - declared), sorted(declared - rule))
    return found


if __name__ == "__main__":  # python tests/required_rule.py: what the spec must change
    for schema, (add, drop) in differences().items():
        print(f"{schema}: add {add} drop {drop}")
