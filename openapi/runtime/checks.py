"""The value checks that the generated from_dict methods run (copied into tmdb_async_api/checks.py).

Hand-written rather than a validation library's: the generated from_dict tests each value
inline with `type(value) is int`, the cheapest check Python has, and calls in here only
when that fails (to coerce or to raise) or for what needs a loop (lists). A schema library
(msgspec, pydantic) would build other classes than the attrs models users hold, and would
drop the unknown fields that additional_properties keeps.

The rules, written once here and in openapi/tmdb.yaml's header:
- integer: a JSON integer; an integral float (720.0) is taken as the integer (the one
  coercion); booleans are not integers.
- number: a JSON integer or float, kept as sent (7 stays 7, so to_dict is lossless).
- string, boolean, object, array: exactly that JSON type; null only where the spec says
  nullable; a required field must be present.
A value that breaks a rule raises InvalidValue, naming the JSON path, the expected type
and what came: `$.belongs_to_collection: expected object or null, got int 42`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn, TypeVar, cast

import msgspec

from .types import UNSET

T = TypeVar("T")

__all__ = [
    "InvalidValue",
    "decode",
    "fail",
    "float_",
    "int_",
    "int_list",
    "is_object",
    "media_type",
    "models",
    "new_dict",
    "new_str_dict",
    "object_",
    "str_list",
]

new_dict: Callable[[], dict[str, Any]] = dict
"""The factory of additional_properties (typed, for pyright strict: `dict` alone is dict[Unknown, Unknown])."""
new_str_dict: Callable[[], dict[str, str]] = dict
"""The factory of the client's headers and cookies (typed, as new_dict)."""


decode: Callable[[bytes], Any] = msgspec.json.Decoder().decode
"""JSON bytes -> Python objects, as json.loads gives them, in 0.4x its CPU (bench/RESULTS.md)."""


class InvalidValue(ValueError):
    """A value of TMDB's answer that does not fit the documented type.

    Attributes:
        path: the JSON path of the value (`$.credits.cast[3].order`).
        expected: what the spec documents (`integer`, `object or null`, ...).
        got: what came, described (`str '1'`, `nothing (the field is missing)`).
    """

    def __init__(self, expected: str, value: object, key: str | int | None = None) -> None:
        self.expected = expected
        self.got = describe(value)
        self._keys: list[str | int] = [] if key is None else [key]
        super().__init__(expected, self.got)

    def at(self, key: str | int) -> InvalidValue:
        """The same error, one level further out (`key` is a field name or a list index)."""
        self._keys.append(key)
        return self

    @property
    def path(self) -> str:
        parts = ["$"]
        for key in reversed(self._keys):
            parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
        return "".join(parts)

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected}, got {self.got}"


def describe(value: object) -> str:
    """A value as an error message shows it: its JSON type and (when short) the value."""
    if value is UNSET:
        return "nothing (the field is missing)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{type(value).__name__} {shown}"


def fail(value: object, expected: str, key: str | None) -> NoReturn:
    """Raise InvalidValue for the field `key` (None: the value itself, a list item)."""
    raise InvalidValue(expected, value, key)


def int_(value: object, key: str, expected: str = "integer") -> int:
    """An integer field's value that is not an int: an integral float becomes the int; else raise."""
    if type(value) is float and value.is_integer():
        return int(value)
    raise InvalidValue(expected, value, key)


def float_(value: object, key: str, expected: str = "number") -> float:
    """A number field's value that is not a float: an int is kept as it is; else raise."""
    if type(value) is int:
        return value
    raise InvalidValue(expected, value, key)


def object_(value: object, expected: str = "object") -> Mapping[str, Any]:
    """The start of every from_dict: the value must be a JSON object."""
    if isinstance(value, Mapping):
        return cast("Mapping[str, Any]", value)
    raise InvalidValue(expected, value)


def is_object(value: object) -> bool:
    """Whether a value is a JSON object (a bool, not a TypeGuard: the caller's Any stays Any)."""
    return type(value) is dict


def media_type(value: Any, inherited: object = None) -> object:
    """The media_type of a JSON object; when it has none, `inherited` (its parent's, or None)."""
    own = cast("dict[str, Any]", value).get("media_type")
    return inherited if own is None else own


def str_list(value: object, key: str | None) -> list[str]:
    """An array of strings."""
    if _is_list(value) and all(type(item) is str for item in cast("list[object]", value)):
        return cast("list[str]", value)
    return _list_fail(value, key, "array of strings", _is_str)


def int_list(value: object, key: str | None) -> list[int]:
    """An array of integers (integral floats become ints)."""
    if _is_list(value):
        given = cast("list[object]", value)
        if all(type(item) is int for item in given):
            return cast("list[int]", value)
        items: list[int] = []
        for index, item in enumerate(given):
            if type(item) is int:
                items.append(item)
            elif type(item) is float and item.is_integer():
                items.append(int(item))
            else:
                raise _at(InvalidValue("integer", item, index), key)
        return items
    raise InvalidValue("array of integers", value, key)


def models(parse: Callable[[Any], T], value: object, key: str | None) -> list[T]:
    """An array of objects, each parsed by `parse` (a from_dict); an error names the item's index."""
    if not _is_list(value):
        raise InvalidValue("array of objects", value, key)
    given = cast("list[Any]", value)
    try:
        return [parse(item) for item in given]
    except InvalidValue:
        # Find the item again: the error path needs its index (the fast path above has none).
        for index, item in enumerate(given):
            try:
                parse(item)
            except InvalidValue as exc:
                raise _at(exc.at(index), key) from None
        raise  # pragma: no cover - parse failed once, so it fails again above


def _is_list(value: object) -> bool:
    """Whether a value is a JSON array (a bool, not a TypeGuard: pyright would read list[Unknown])."""
    return type(value) is list


def _is_str(item: object) -> bool:
    return type(item) is str


def _list_fail(value: object, key: str | None, expected: str, ok: Callable[[object], bool]) -> NoReturn:
    if _is_list(value):
        for index, item in enumerate(cast("list[object]", value)):
            if not ok(item):
                raise _at(InvalidValue(expected.removeprefix("array of ").rstrip("s"), item, index), key)
    raise InvalidValue(expected, value, key)


def _at(exc: InvalidValue, key: str | None) -> InvalidValue:
    return exc if key is None else exc.at(key)
