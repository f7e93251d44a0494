"""The Raises sections of the generated endpoint docstrings name what a call through tmdb_async really raises."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import tmdb_async
import tmdb_async_api.api
from tmdb_async_api import errors

RAISES = re.compile(r"^    Raises:\n((?:        .*\n|            .*\n)+)", re.MULTILINE)
NAME = re.compile(r"^        ([\w.]+):", re.MULTILINE)


def raised_names() -> dict[str, set[str]]:
    """Endpoint function ("module.function") -> the exception names its docstring's Raises section lists."""
    found: dict[str, set[str]] = {}
    for info in pkgutil.walk_packages(tmdb_async_api.api.__path__, "tmdb_async_api.api."):
        if info.ispkg:
            continue
        module = importlib.import_module(info.name)
        assert hasattr(module, "asyncio_detailed"), f"{info.name} has no asyncio_detailed"
        for function in ("asyncio", "asyncio_detailed"):
            if hasattr(module, function):
                doc = inspect.getsource(getattr(module, function))
                section = RAISES.search(doc)
                assert section is not None, f"{info.name}.{function} has no Raises section"
                found[f"{info.name}.{function}"] = set(NAME.findall(section.group(1)))
    return found


def resolve(name: str) -> object:
    owner, _, attribute = name.partition(".")
    return getattr({"tmdb_async": tmdb_async, "errors": errors}.get(owner), attribute, None)


def test_every_endpoint_docstring_names_only_exceptions_our_stack_raises() -> None:
    ours = (tmdb_async.TMDBError, errors.UnparseableResponse)
    named = raised_names()
    assert named
    wrong = {
        f"{function}: {name}"
        for function, names in named.items()
        for name in names
        if not (isinstance(resolve(name), type) and issubclass(resolve(name), ours))  # type: ignore[arg-type]
    }
    assert wrong == set()


def test_every_endpoint_docstring_names_the_timeout_and_connection_errors() -> None:
    expected = {"tmdb_async.APIError", "tmdb_async.APITimeoutError", "tmdb_async.APIConnectionError"}
    missing = {function for function, names in raised_names().items() if not expected <= names}
    assert missing == set()
