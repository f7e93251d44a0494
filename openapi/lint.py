"""`make lint`'s spec rules that openapi-spec-validator does not check.

openapi-spec-validator accepts any key inside a schema (JSON Schema ignores unknown
keywords), so a YAML slip that produces a bogus key passes it. The slip that bit us: a
flow mapping with an unquoted comma in a description,
`{type: string, description: The title, as the example spells it.}`, cuts the description
at the comma and adds the key "as the example spells it." with a null value.
Redocly's and Spectral's linters catch this class but need Node.js and a download at
lint time; the rule is twenty lines of Python over the parsed YAML.

Rules:
- every key of every schema object is a JSON Schema 2020-12 / OpenAPI 3.1 schema keyword
  (or an `x-` extension);
- every key of a `properties` map names a property whose value is a schema object;
- every operation has a description (its summary names it; the description says what
  comes back).

Usage: `python openapi/lint.py [SPEC]`; prints one line per problem, exits 1 if any.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

SPEC = Path(__file__).resolve().parent / "tmdb.yaml"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

# JSON Schema 2020-12 (core, applicator, validation, unevaluated, meta-data, format,
# content) plus OpenAPI 3.1's schema fixed fields.
SCHEMA_KEYWORDS = frozenset(
    {
        "$id", "$schema", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary", "$comment", "$defs",
        "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "prefixItems", "items",
        "contains", "properties", "patternProperties", "additionalProperties", "propertyNames",
        "unevaluatedItems", "unevaluatedProperties",
        "type", "const", "enum", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
        "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
        "maxProperties", "minProperties", "required", "dependentRequired",
        "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
        "format", "contentEncoding", "contentMediaType", "contentSchema",
        "discriminator", "xml", "externalDocs", "example",
    }
)  # fmt: skip
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SUBSCHEMAS = ("not", "if", "then", "else", "items", "contains", "additionalProperties", "propertyNames",
              "unevaluatedItems", "unevaluatedProperties", "contentSchema")  # fmt: skip
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")


def schema_problems(schema: Any, where: str) -> Iterator[str]:
    """Problems in one schema object and every schema nested in it."""
    if isinstance(schema, bool):
        return
    if not isinstance(schema, dict):
        yield f"{where}: a schema must be an object, got {type(schema).__name__} {schema!r}"
        return
    for key in schema:
        if not isinstance(key, str) or (key not in SCHEMA_KEYWORDS and not key.startswith("x-")):
            yield (
                f"{where}: {key!r} is not a JSON Schema keyword (an unquoted comma in a flow mapping's "
                "description? quote the description)"
            )
    for key in SUBSCHEMAS:
        if key in schema:
            yield from schema_problems(schema[key], f"{where}.{key}")
    for key in SUBSCHEMA_LISTS:
        for index, sub in enumerate(schema.get(key) or []):
            yield from schema_problems(sub, f"{where}.{key}[{index}]")
    for key in SCHEMA_MAPS:
        members = schema.get(key)
        if members is None:
            continue
        if not isinstance(members, dict):
            yield f"{where}.{key}: must be a map of schemas"
            continue
        for name, sub in members.items():
            yield from schema_problems(sub, f"{where}.{key}.{name}")


def content_problems(content: Any, where: str) -> Iterator[str]:
    for media_type, media in (content or {}).items():
        if isinstance(media, dict) and "schema" in media:
            yield from schema_problems(media["schema"], f"{where}.content[{media_type}].schema")


def parameter_problems(parameter: Any, where: str) -> Iterator[str]:
    if isinstance(parameter, dict) and "schema" in parameter:
        yield from schema_problems(parameter["schema"], f"{where}.schema")


def problems(spec: dict[str, Any]) -> Iterator[str]:
    components = spec.get("components") or {}
    for name, schema in (components.get("schemas") or {}).items():
        yield from schema_problems(schema, f"components.schemas.{name}")
    for name, parameter in (components.get("parameters") or {}).items():
        yield from parameter_problems(parameter, f"components.parameters.{name}")
    for name, response in (components.get("responses") or {}).items():
        yield from content_problems((response or {}).get("content"), f"components.responses.{name}")
    for name, body in (components.get("requestBodies") or {}).items():
        yield from content_problems((body or {}).get("content"), f"components.requestBodies.{name}")
    for path, item in (spec.get("paths") or {}).items():
        for index, parameter in enumerate(item.get("parameters") or []):
            yield from parameter_problems(parameter, f"{path}.parameters[{index}]")
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            where = f"{method.upper()} {path}"
            if not str(operation.get("description") or "").strip():
                yield f"{where}: no description (say what comes back, beyond the summary)"
            for index, parameter in enumerate(operation.get("parameters") or []):
                yield from parameter_problems(parameter, f"{where}.parameters[{index}]")
            body = operation.get("requestBody")
            if isinstance(body, dict):
                yield from content_problems(body.get("content"), f"{where}.requestBody")
            for status, response in (operation.get("responses") or {}).items():
                if isinstance(response, dict):
                    yield from content_problems(response.get("content"), f"{where}.responses[{status}]")


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else SPEC
    found = list(problems(yaml.safe_load(path.read_text(encoding="utf-8"))))
    for line in found:
        print(f"{path.name}: {line}")
    if found:
        print(f"{len(found)} problem(s) in {path}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
