"""Render the facade namespaces (generated/tmdb_async_api/resources/) from the spec.

openapi/generate.py calls `render()` after openapi-python-client: one class per tag
(`MoviesResource` for `movies`), one method per operation, named after the operationId
without its tag (`movies_details` -> `details`). Each method spells out its parameters
(path ids positional, the rest keyword-only and `None` by default), flattens the JSON
body into keywords (`value=8.5`), checks the spec's bounds (`page` 1..500, rating
0.5..10 in steps of 0.5) and its path parameters (an integer id is a real int, not a
bool or a float; a string is not empty, `.` or `..`, which URL normalisation would turn
into another route) before any request, and calls the generated `asyncio_detailed`
through a `Caller` (tmdb_async's client), where retries, throttling and errors live.

Every method also takes the escape hatches `extra_query=` and `extra_headers=` (EXTRA_ARGS),
handed to the Caller, so an operation added to the spec has them with no hand edit. Each
tag also gets a `<Tag>RawResource` (`tmdb.with_raw_response.<tag>`): one line per method,
`raw_method(<Tag>Resource.<method>)`, a descriptor typed with ParamSpec that keeps the
method's parameters and answers `RawResponse[<model>]` through a RawCaller.

What those methods share (the Caller protocols, RawResponse, raw_method, the argument
checks) is not rendered: `resources/_base.py` is openapi/resources_base.py, a real module
that ruff and mypy check where it stands, copied with its `tmdb_async_api.` imports renamed.
"""

from __future__ import annotations

import keyword
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from naming import python_name

PY_TYPES = {"integer": "int", "number": "float", "string": "str", "boolean": "bool"}
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
BOUNDS = ("minimum", "maximum", "multipleOf")


@dataclass
class Param:
    name: str  # as TMDB spells it (`primary_release_date.gte`)
    py_type: str
    required: bool
    description: str
    bounds: dict[str, Any] = field(default_factory=dict)
    appendable: list[str] | None = None
    location: str = "query"  # path, query (or a body field)

    @property
    def py(self) -> str:
        """The Python name, as the generator spells it (`primary_release_date_gte`)."""
        return python_name(self.name)


@dataclass
class Operation:
    tag: str
    method_name: str
    module: str
    http_method: str
    route: str
    summary: str
    description: str
    returns: str
    return_models: set[str]
    path_params: list[Param]
    query_params: list[Param]
    body_model: str | None
    body_params: list[Param]


def _py_type(schema: dict[str, Any]) -> str:
    """int, float, str, bool; a Literal for a closed set of request values (`day`, `week`)."""
    if "enum" in schema:
        return "Literal[" + ", ".join(repr(value) for value in schema["enum"]) + "]"
    return PY_TYPES[schema["type"]]


def _body_type(schema: dict[str, Any], op_id: str) -> tuple[str, set[str]]:
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return name, {name}
    if schema.get("type") == "array":
        inner, models = _body_type(schema["items"], op_id)
        return f"list[{inner}]", models
    if schema.get("type") in PY_TYPES:
        return PY_TYPES[schema["type"]], set()
    raise ValueError(f"{op_id}: a success body must be a $ref, a scalar or an array of them, got {schema}")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


class _Spec:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.components = data.get("components", {})

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            section, name = node["$ref"].split("/")[-2:]
            node = self.components[section][name]
        return node

    def param(self, raw: dict[str, Any]) -> Param:
        node = self.resolve(raw)
        schema = node.get("schema", {})
        return Param(
            name=node["name"],
            py_type=_py_type(schema),
            required=bool(node.get("required")),
            description=" ".join(node.get("description", "").split()),
            bounds={key: schema[key] for key in BOUNDS if key in schema},
            appendable=node.get("x-appendable"),
            location=node["in"],
        )

    def returns(self, op: dict[str, Any]) -> tuple[str, set[str]]:
        """The Python type of the 2xx body (`MovieDetails`, `list[Country]`) and the models it names."""
        for code in sorted(op["responses"]):
            if code.startswith("2"):
                response = self.resolve(op["responses"][code])
                return _body_type(response["content"]["application/json"]["schema"], op["operationId"])
        raise ValueError(f"{op['operationId']}: no 2xx response with a JSON body")

    def body(self, op: dict[str, Any]) -> tuple[str | None, list[Param]]:
        if "requestBody" not in op:
            return None, []
        schema_ref = self.resolve(op["requestBody"])["content"]["application/json"]["schema"]["$ref"]
        schema = self.resolve({"$ref": schema_ref})
        required = set(schema.get("required", []))
        params = [
            Param(
                name=name,
                py_type=_py_type(prop),
                required=name in required,
                description=" ".join(prop.get("description", "").split()),
                bounds={key: prop[key] for key in BOUNDS if key in prop},
            )
            for name, prop in schema["properties"].items()
        ]
        return _ref_name(schema_ref), params

    def operations(self) -> list[Operation]:
        found = []
        for route, item in self.data["paths"].items():
            for http_method in HTTP_METHODS:
                op = item.get(http_method)
                if op is None:
                    continue
                tag = op["tags"][0]
                op_id = op["operationId"]
                if not op_id.startswith(f"{tag}_") or not op_id.isidentifier() or keyword.iskeyword(op_id):
                    raise ValueError(f"operationId {op_id!r} must be `<tag>_<method>` in snake_case (tag {tag!r})")
                params = [self.param(p) for p in op.get("parameters", [])]
                body_model, body_params = self.body(op)
                returns, return_models = self.returns(op)
                found.append(
                    Operation(
                        tag=tag,
                        method_name=op_id.removeprefix(f"{tag}_"),
                        module=op_id,
                        http_method=http_method.upper(),
                        route=route,
                        summary=op.get("summary", "").strip(),
                        description=" ".join(op.get("description", "").split()),
                        returns=returns,
                        return_models=return_models,
                        path_params=[p for p in params if p.location == "path"],
                        query_params=[p for p in params if p.location == "query"],
                        body_model=body_model,
                        body_params=body_params,
                    )
                )
        return found


def class_name(tag: str) -> str:
    return "".join(part.capitalize() for part in tag.split("_")) + "Resource"


def append_alias(op: Operation) -> str:
    return f"{op.returns}Append"


def constant_name(alias: str) -> str:
    """`MovieDetailsAppend` -> `MOVIE_DETAILS_APPEND`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", alias).upper()


def _bounds_args(bounds: dict[str, Any]) -> str:
    names = {"minimum": "minimum", "maximum": "maximum", "multipleOf": "multiple_of"}
    return ", ".join(f"{names[key]}={value!r}" for key, value in bounds.items())


def _signature(op: Operation) -> list[str]:
    lines = ["self,"]
    lines += [f"{p.py}: {p.py_type}," for p in op.path_params]
    keyword_params = [p for p in op.body_params if p.required]
    keyword_params += [p for p in op.query_params if p.required]
    optional = [p for p in op.body_params if not p.required] + [p for p in op.query_params if not p.required]
    lines.append("*,")
    lines += [f"{p.py}: {p.py_type}," for p in keyword_params]
    for p in optional:
        if p.appendable is not None:
            lines.append(f"{p.py}: Sequence[{append_alias(op)}] | str | None = None,")
        else:
            lines.append(f"{p.py}: {p.py_type} | None = None,")
    lines += EXTRA_ARGS
    return lines


# The escape hatches every method takes (README, "Escape hatches"): what the spec lacks yet.
EXTRA_ARGS = ["extra_query: ExtraQuery | None = None,", "extra_headers: ExtraHeaders | None = None,"]
EXTRA_DOCS = (
    "extra_query: Query parameters sent as they are with this call (what the spec lacks yet); not `api_key`.",
    "extra_headers: Headers sent as they are with this call; not `Authorization`.",
)


def _docstring(op: Operation) -> str:
    parts = [f"{op.summary.rstrip('.')}." if op.summary else op.method_name]
    if op.description:
        parts.append(textwrap.fill(op.description, 96))
    parts.append(f"Route: `{op.http_method} {op.route}`")
    documented = [p for p in op.path_params + op.body_params + op.query_params if p.description or p.appendable]
    args = ["Args:"]
    for p in documented:
        text = p.description
        if p.appendable is not None:
            text = f"{text} A list of {append_alias(op)} names, or a comma-separated string.".strip()
        label = p.py if p.py == p.name else f"{p.py} (`{p.name}`)"
        args.append(textwrap.fill(f"{label}: {text}", 92, initial_indent="    ", subsequent_indent="        "))
    args += [textwrap.fill(doc, 92, initial_indent="    ", subsequent_indent="        ") for doc in EXTRA_DOCS]
    parts.append("\n".join(args))
    parts.append(
        "Raises:\n"
        "    ValueError: An argument is out of the range TMDB accepts (nothing was sent).\n"
        "    tmdb_async.APIError: TMDB answered with an error (NotFoundError, RateLimitError, ...).\n"
        "    tmdb_async.APIConnectionError: No answer, after the client's retries.\n"
        "    tmdb_async.ResponseValidationError: The answer is not the documented JSON."
    )
    return '"""' + "\n\n".join(parts) + '\n"""'


def _body_call(op: Operation) -> list[str]:
    lines = [f"{op.module}.asyncio_detailed,"]
    lines += [f"{p.py}={p.py}," for p in op.path_params]
    if op.body_model is not None:
        fields = ", ".join(f"{p.py}={_body_value(p)}" for p in op.body_params)
        lines.append(f"body={op.body_model}({fields}),")
    for p in op.query_params:
        if p.appendable is not None:
            lines.append(f"{p.py}=join_appended({p.py}, {constant_name(append_alias(op))}, {p.name!r}),")
        else:
            lines.append(f"{p.py}={p.py},")
    lines += ["extra_query=extra_query,", "extra_headers=extra_headers,"]
    return lines


def _body_value(p: Param) -> str:
    """An optional body field the caller left out is UNSET for the generated model, not None."""
    return p.py if p.required else f"UNSET if {p.py} is None else {p.py}"


def _path_check(p: Param) -> str:
    if p.py_type == "int":
        return f"check_id({p.name!r}, {p.py})"
    if p.py_type == "str" or p.py_type.startswith("Literal["):
        return f"check_segment({p.name!r}, {p.py})"
    raise ValueError(f"path parameter {p.name} has type {p.py_type}: no check for it")  # pragma: no cover


def _method(op: Operation) -> str:
    checks = [_path_check(p) for p in op.path_params]
    checks += [
        f"check_bounds({p.name!r}, {p.py}, {_bounds_args(p.bounds)})"
        for p in op.path_params + op.body_params + op.query_params
        if p.bounds
    ]
    body = [*checks, "return await self._caller.call(", *("    " + line for line in _body_call(op)), ")"]
    signature = "\n".join("    " + line for line in _signature(op))
    return (
        f"async def {op.method_name}(\n{signature}\n) -> {op.returns}:\n"
        + textwrap.indent(_docstring(op), "    ")
        + "\n"
        + "\n".join("    " + line for line in body)
    )


def _module(tag: str, ops: list[Operation], package: str, description: str) -> str:
    models = sorted({m for op in ops for m in op.return_models} | {op.body_model for op in ops if op.body_model})
    modules = sorted(op.module for op in ops)
    aliases = {append_alias(op): p.appendable for op in ops for p in op.query_params if p.appendable is not None}
    lines = [
        f'"""The `{tag}` namespace: {description}"""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Sequence",
        "from typing import Literal, get_args",
        "",
        f"from {package}.api.{tag} import {', '.join(modules)}",
        f"from {package}.models import {', '.join(models)}",
        f"from {package}.resources._base import (",
        "    Caller, ExtraHeaders, ExtraQuery, RawCaller, check_bounds, check_id, check_segment, join_appended,",
        "    raw_method,",
        ")",
        f"from {package}.types import UNSET",
        "",
    ]
    for alias, names in sorted(aliases.items()):
        literal = ", ".join(repr(n) for n in names)
        lines += [
            f"{alias} = Literal[{literal}]",
            f'"""The sub-resources `append_to_response` can add to {alias.removesuffix("Append")}."""',
            f"{constant_name(alias)}: frozenset[str] = frozenset(get_args({alias}))",
            "",
        ]
    lines += [
        "",
        f"class {class_name(tag)}:",
        f'    """TMDB\'s `{tag}` operations: {description}"""',
        "",
        '    __slots__ = ("_caller",)',
        "",
        "    def __init__(self, caller: Caller) -> None:",
        "        self._caller = caller",
    ]
    for op in sorted(ops, key=lambda o: o.method_name):
        lines += ["", textwrap.indent(_method(op), "    ")]
    lines += ["", "", *_raw_class(tag, ops)]
    return "\n".join(lines) + "\n"


def raw_class_name(tag: str) -> str:
    return class_name(tag).removesuffix("Resource") + "RawResource"


def _raw_class(tag: str, ops: list[Operation]) -> list[str]:
    """`tmdb.with_raw_response.<tag>`: the same methods, answering RawResponse[<model>] (typed by raw_method)."""
    lines = [
        f"class {raw_class_name(tag)}:",
        f'    """`tmdb.with_raw_response.{tag}`: the methods of {class_name(tag)}, answering `RawResponse[...]`."""',
        "",
        '    __slots__ = ("_caller",)',
        "",
        "    def __init__(self, caller: RawCaller) -> None:",
        "        self._caller = caller",
        "",
    ]
    lines += [
        f"    {op.method_name} = raw_method({class_name(tag)}.{op.method_name})"
        for op in sorted(ops, key=lambda o: o.method_name)
    ]
    return lines


def _init(tags: list[tuple[str, str]], package: str) -> str:
    lines = [
        '"""Facade namespaces, one per spec tag; tmdb_async.TMDB inherits `Namespaces`.',
        "",
        "A namespace's module (and the operations and models it uses) is imported the first",
        "time the namespace is used, so that importing the client stays cheap.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from functools import cached_property",
        "from typing import TYPE_CHECKING",
        "",
        f"from {package}.resources._base import Caller, RawCaller",
        "",
        "if TYPE_CHECKING:",
    ]
    lines += [f"    from {package}.resources.{tag} import {class_name(tag)}, {raw_class_name(tag)}" for tag, _ in tags]
    lines += [
        "",
        "",
        "class Namespaces:",
        '    """One attribute per namespace (`movies`, `tv`, ...), created on first use."""',
        "",
        "    _caller: Caller",
    ]
    for tag, description in tags:
        lines += [
            "",
            "    @cached_property",
            f"    def {tag}(self) -> {class_name(tag)}:",
            f'        """{description}"""',
            f"        from {package}.resources.{tag} import {class_name(tag)}  # noqa: PLC0415",
            "",
            f"        return {class_name(tag)}(self._caller)",
        ]
    lines += [
        "",
        "",
        "class RawNamespaces:",
        '    """`tmdb.with_raw_response`: the namespaces again, each method answering `RawResponse[...]`."""',
        "",
        "    def __init__(self, caller: RawCaller) -> None:",
        "        self._caller = caller",
    ]
    for tag, description in tags:
        lines += [
            "",
            "    @cached_property",
            f"    def {tag}(self) -> {raw_class_name(tag)}:",
            f'        """{description}"""',
            f"        from {package}.resources.{tag} import {raw_class_name(tag)}  # noqa: PLC0415",
            "",
            f"        return {raw_class_name(tag)}(self._caller)",
        ]
    names = sorted(["Caller", "Namespaces", "RawCaller", "RawNamespaces"])
    lines += ["", "", f"__all__ = {names!r}"]
    return "\n".join(lines) + "\n"


# The generated `resources/_base.py` is a real module, checked by ruff and mypy where it stands:
# openapi/resources_base.py, copied with its imports of `tmdb_async_api.` renamed for `package`.
BASE_MODULE = Path(__file__).resolve().with_name("resources_base.py")


def render(spec: dict[str, Any], package: str) -> dict[str, str]:
    """The files of `<package>/resources/`, by name."""
    parsed = _Spec(spec)
    ops = parsed.operations()
    descriptions = {t["name"]: " ".join(t.get("description", "").split()) for t in spec.get("tags", [])}
    tags = sorted({op.tag for op in ops})
    files = {"_base.py": BASE_MODULE.read_text(encoding="utf-8").replace("from tmdb_async_api.", f"from {package}.")}
    for tag in tags:
        files[f"{tag}.py"] = _module(tag, [op for op in ops if op.tag == tag], package, descriptions.get(tag, ""))
    files["__init__.py"] = _init([(tag, descriptions.get(tag, f"The {tag} operations.")) for tag in tags], package)
    return files


def render_api_reference(spec: dict[str, Any]) -> str:
    """The Markdown list of every facade method with its route and return type (for api.md)."""
    parsed = _Spec(spec)
    ops = parsed.operations()
    descriptions = {t["name"]: " ".join(t.get("description", "").split()) for t in spec.get("tags", [])}
    lines = [f"{len(ops)} operations in {len({op.tag for op in ops})} namespaces.", ""]
    for tag in sorted({op.tag for op in ops}):
        lines += [f"### `tmdb.{tag}`", "", descriptions.get(tag, ""), ""]
        lines += ["| Method | Route | Returns |", "| --- | --- | --- |"]
        for op in sorted((o for o in ops if o.tag == tag), key=lambda o: o.method_name):
            positional = [p.py for p in op.path_params]
            keywords = [p.py for p in op.body_params + op.query_params if p.required]
            keywords += [f"{p.py}=None" for p in op.body_params + op.query_params if not p.required]
            args = ", ".join(positional + (["*", *keywords] if keywords else []))
            lines.append(f"| `{tag}.{op.method_name}({args})` | `{op.http_method} {op.route}` | `{op.returns}` |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
