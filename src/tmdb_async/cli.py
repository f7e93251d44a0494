"""The `tmdb-async` command: one call (`get`) or many ids at once (`fetch`).

    tmdb-async get movies.details 550 --append credits,videos
    tmdb-async fetch movies.details --ids ids.txt --out movies.jsonl
    tmdb-async fetch movies.details --fake --ids ids.txt --out movies.jsonl   # no account needed

Any facade method works; its parameters become options (`--language pt-BR`, `--page 2`).
Credentials come from --access-token / --api-key or TMDB_ACCESS_TOKEN / TMDB_API_KEY.
Every error is one line on stderr and a non-zero exit: 1 when TMDB answered an error, 2 for
bad input (an unknown method, a malformed ids file, an unwritable output).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import importlib
import inspect
import json
import logging
import os
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, get_type_hints

from tmdb_api.resources import Namespaces

from ._client import TMDB
from ._exceptions import ConfigurationError, TMDBError
from ._fetch import FetchError, run_fetch
from ._version import __version__


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is a UsageError (one line) instead of a usage block and an exit."""

    label = ""  # what error messages start with (default: the program name)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.label or self.prog}: {message}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `tmdb-async` and `python -m tmdb_async`; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        options, rest = _parse(args)
        if options.verbose:
            logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
        return asyncio.run(_run(options, rest))
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else 0
    except (UsageError, FetchError, ConfigurationError) as exc:
        print(f"tmdb-async: error: {exc}", file=sys.stderr)
        return 2
    except TMDBError as exc:
        print(f"tmdb-async: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tmdb-async: interrupted; run the same command again to resume a fetch", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`tmdb-async get ... | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    connection = parser.add_argument_group("connection (before or after the command)")
    connection.add_argument("--base-url", help="where TMDB is (default: TMDB_BASE_URL or https://api.themoviedb.org)")
    connection.add_argument("--access-token", help="API read access token (default: TMDB_ACCESS_TOKEN)")
    connection.add_argument("--api-key", help="v3 API key (default: TMDB_API_KEY)")
    connection.add_argument("--fake", action="store_true", help="run against an embedded FakeTMDB: no account needed")
    connection.add_argument(
        "--fake-fault-rate", type=float, default=0.0, help="with --fake: share of requests that fail transiently"
    )
    connection.add_argument("--requests-per-second", type=_positive_or_none, default=40.0, help="0 for no limit")
    connection.add_argument("--max-concurrency", type=int, default=20)
    connection.add_argument("--max-retries", type=int, default=3)
    connection.add_argument("--timeout", type=float, default=10.0)
    # -- issue 12: one budget for many processes --
    connection.add_argument(
        "--redis-url",
        default=os.environ.get("TMDB_REDIS_URL") or None,
        help="share the rate limit with every process using this Redis and --redis-key (default: TMDB_REDIS_URL)",
    )
    connection.add_argument("--redis-key", default="tmdb", help="the name of the shared budget in Redis")
    # -- end issue 12 --
    connection.add_argument("-v", "--verbose", action="store_true", help="log every attempt (DEBUG) to stderr")


def _parse(args: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """The command and its connection options (wherever they stand), and the rest."""
    parser = _Parser(prog="tmdb-async", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"tmdb-async {__version__}")
    _add_connection_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="{get,fetch,methods}", parser_class=_Parser)
    get = commands.add_parser("get", help="call one method and print the answer as JSON", add_help=False)
    get.add_argument("method", help="namespace.method, e.g. movies.details")
    fetch = commands.add_parser("fetch", help="fetch many ids into a JSON-lines file, resumably", add_help=False)
    fetch.add_argument("method", help="namespace.method whose first parameter is an id, e.g. movies.details")
    commands.add_parser("methods", help="list every method")
    options, rest = parser.parse_known_args(args)
    if options.command is None:
        parser.print_help()
        raise SystemExit(2)
    late = _Parser(prog="tmdb-async", add_help=False, argument_default=argparse.SUPPRESS)
    _add_connection_options(late)
    options, rest = late.parse_known_args(rest, namespace=options)
    return options, rest


def _shard(text: str) -> tuple[int, int]:
    index, _, total = text.partition("/")
    if not (index.isdigit() and total.isdigit() and 1 <= int(index) <= int(total)):
        raise ValueError(text)
    return int(index), int(total)


_shard.__name__ = "--shard I/N (1 <= I <= N, e.g. 2/4)"


def _positive_or_none(text: str) -> float | None:
    value = float(text)
    return None if value == 0 else value


async def _run(options: argparse.Namespace, rest: list[str]) -> int:
    if options.command == "methods":
        if rest:
            raise UsageError(f"`methods` takes no arguments, got {' '.join(rest)}")
        for name in sorted(_methods()):
            print(name)
        return 0
    dotted = options.method
    function = _method(dotted)
    if options.command == "get":
        kwargs = _method_arguments(function, dotted, rest, with_ids=False)
        if kwargs is None:
            return 0
        async with _client(options) as tmdb:
            return await _get(_bound(tmdb, dotted), dotted, kwargs)
    fetch_options, kwargs = _fetch_arguments(function, dotted, rest)
    if kwargs is None:
        return 0
    async with _client(options) as tmdb:
        return await _fetch(tmdb, _bound(tmdb, dotted), fetch_options, kwargs)


@contextlib.asynccontextmanager
async def _client(options: argparse.Namespace) -> AsyncIterator[TMDB]:
    settings: dict[str, Any] = {
        "requests_per_second": options.requests_per_second,
        "max_concurrency": options.max_concurrency,
        "max_retries": options.max_retries,
        "timeout": options.timeout,
    }
    async with _limiter(options) as limiter:  # issue 12: --redis-url
        if limiter is not None:
            settings["limiter"] = limiter
        async with _client_with(options, settings) as tmdb:
            yield tmdb


@contextlib.asynccontextmanager
async def _limiter(options: argparse.Namespace) -> AsyncIterator[Any]:
    """A RedisLimiter for --redis-url (closed afterwards), or None."""
    if not options.redis_url:
        yield None
        return
    if options.requests_per_second is None:
        raise UsageError("--redis-url shares a rate limit: give --requests-per-second a number above 0")
    from .limits import RedisLimiter

    async with RedisLimiter(
        options.redis_url,
        requests_per_second=options.requests_per_second,
        max_concurrency=options.max_concurrency,
        key=options.redis_key,
    ) as limiter:
        yield limiter


@contextlib.asynccontextmanager
async def _client_with(options: argparse.Namespace, settings: dict[str, Any]) -> AsyncIterator[TMDB]:
    if not options.fake:
        async with TMDB(
            access_token=options.access_token, api_key=options.api_key, base_url=options.base_url, **settings
        ) as tmdb:
            yield tmdb
        return
    from .testing import FakeTMDB  # the fake is only loaded when asked for

    async with (
        FakeTMDB(credentials=None, fault_rate=options.fake_fault_rate, slow_seconds=0.2) as fake,
        TMDB(access_token="fake-token", base_url=fake.base_url, **settings) as tmdb,
    ):
        yield tmdb


def _methods() -> dict[str, Callable[..., Any]]:
    """Every `namespace.method` and its (unbound) function, read from the generated namespaces."""
    found: dict[str, Callable[..., Any]] = {}
    for namespace, attribute in vars(Namespaces).items():
        if isinstance(attribute, functools.cached_property):
            module = importlib.import_module(f"{Namespaces.__module__}.{namespace}")
            (resource,) = (v for k, v in vars(module).items() if k.endswith("Resource") and isinstance(v, type))
            for name in dir(resource):
                if not name.startswith("_"):
                    found[f"{namespace}.{name}"] = getattr(resource, name)
    return found


def _method(dotted: str) -> Callable[..., Any]:
    known = _methods()
    if dotted not in known:
        raise UsageError(f"unknown method {dotted!r}; `tmdb-async methods` lists all {len(known)} of them")
    return known[dotted]


def _bound(tmdb: TMDB, dotted: str) -> Callable[..., Any]:
    namespace, _, name = dotted.partition(".")
    method: Callable[..., Any] = getattr(getattr(tmdb, namespace), name)
    return method


def _method_parser(function: Callable[..., Any], dotted: str, *, with_ids: bool) -> _Parser:
    """A parser for a method's parameters: ids positional (not for fetch), the rest as --options."""
    doc = inspect.getdoc(function) or ""
    parser = _Parser(prog=f"tmdb-async {'fetch' if with_ids else 'get'} {dotted}", description=doc.split("\n\n", 1)[0])
    parser.label = dotted
    hints = get_type_hints(function)
    for name, param in list(inspect.signature(function).parameters.items())[1:]:  # past `self`
        kind = _converter(hints.get(name))
        if param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            if not with_ids:
                parser.add_argument(name, type=kind, help=f"{name} ({kind.__name__})")
            continue
        flags = [f"--{name.replace('_', '-')}"]
        if name == "append_to_response":
            flags.append("--append")
        required = param.default is inspect.Parameter.empty
        parser.add_argument(*flags, dest=name, type=kind, required=required, help=f"({kind.__name__})")
    return parser


def _converter(hint: Any) -> Callable[[str], Any]:
    text = str(hint)
    if "int" in text and "str" not in text:
        return int
    if "float" in text:
        return float
    if "bool" in text:
        return _boolean
    return str


def _boolean(text: str) -> bool:
    if text.lower() in {"true", "1", "yes"}:
        return True
    if text.lower() in {"false", "0", "no"}:
        return False
    raise ValueError(text)


def _method_arguments(
    function: Callable[..., Any], dotted: str, rest: list[str], *, with_ids: bool
) -> dict[str, Any] | None:
    """The keyword arguments for the method, or None when --help was printed."""
    parser = _method_parser(function, dotted, with_ids=with_ids)
    if "-h" in rest or "--help" in rest:
        parser.print_help()
        return None
    parsed, unknown = parser.parse_known_args(rest)
    if unknown:
        raise UsageError(f"{dotted} does not take {' '.join(unknown)} (see `--help` after the method)")
    return {name: value for name, value in vars(parsed).items() if value is not None}


async def _get(method: Callable[..., Any], dotted: str, kwargs: dict[str, Any]) -> int:
    try:
        result = await method(**kwargs)
    except ValueError as exc:
        if isinstance(exc, TMDBError):
            raise
        raise UsageError(f"{dotted}: {exc}") from None
    print(json.dumps(_to_json(result), indent=2, ensure_ascii=False))
    return 0


def _to_json(result: Any) -> Any:
    if isinstance(result, list):
        return [_to_json(item) for item in result]
    return result.to_dict() if hasattr(result, "to_dict") else result


def _fetch_arguments(
    function: Callable[..., Any], dotted: str, rest: list[str]
) -> tuple[argparse.Namespace, dict[str, Any] | None]:
    parser = _Parser(prog=f"tmdb-async fetch {dotted}", add_help=False)
    parser.add_argument("--ids", required=True, type=Path, help="a file of ids, one per line")
    parser.add_argument("--out", required=True, type=Path, help="the JSON-lines output (resumable)")
    parser.add_argument("--failed", type=Path, help="where failures go (default: OUT.failed.jsonl)")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument(
        "--shard", type=_shard, help="I/N: fetch only shard I of N (1 <= I <= N; a stable hash of the id)"
    )
    if "-h" in rest or "--help" in rest:
        parser.print_help()
        _method_arguments(function, dotted, ["--help"], with_ids=True)
        return argparse.Namespace(), None
    params = list(inspect.signature(function).parameters.values())[1:]
    if not params or params[0].kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD:
        raise UsageError(f"{dotted} takes no id: fetch needs a method like movies.details")
    fetch_options, method_rest = parser.parse_known_args(rest)
    return fetch_options, _method_arguments(function, dotted, method_rest, with_ids=True)


async def _fetch(
    tmdb: TMDB, method: Callable[..., Any], fetch_options: argparse.Namespace, kwargs: dict[str, Any]
) -> int:
    out: Path = fetch_options.out
    failed = fetch_options.failed or out.with_name(out.name + ".failed.jsonl")
    show = not fetch_options.no_progress and sys.stderr.isatty()
    summary = await run_fetch(
        tmdb,
        method,
        ids_path=fetch_options.ids,
        out_path=out,
        failed_path=failed,
        kwargs=kwargs,
        progress=show,
        shard=fetch_options.shard,
    )
    print(summary.line(), file=sys.stderr)
    if summary.fatal is not None:
        raise summary.fatal
    return 0 if summary.failed == 0 else 1


__all__ = ["main"]
