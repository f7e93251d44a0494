"""The `tmdb-async` command: one call (`get`) or many ids at once (`fetch`).

    tmdb-async get movies.details 550 --append credits,videos
    tmdb-async fetch movies.details --ids ids.txt --out movies.jsonl
    tmdb-async fetch tv_episodes.details --ids episodes.txt --out episodes.jsonl   # lines like 1399/1/1
    tmdb-async fetch movies.details --fake --ids ids.txt --out movies.jsonl   # no account needed
    tmdb-async fake --port 8000   # serve FakeTMDB to other programs: TMDB_BASE_URL=http://127.0.0.1:8000

Any facade method works; its parameters become options (`--language pt-BR`, `--page 2`).
Credentials come from the environment (TMDB_ACCESS_TOKEN, TMDB_API_KEY) or from a file
(--access-token-file, --api-key-file; `-` reads stdin). --access-token / --api-key still
work but warn: every user of the machine can read a command line (ps, /proc/PID/cmdline).
Every error is one line on stderr and a non-zero exit: 1 when TMDB answered an error (or
some ids failed), 2 for bad input (an unknown method, a malformed ids file, an unwritable
output), 3 when another fetch is writing the same output, 70 for an unexpected error.
--debug prints the traceback as well.
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
import signal
import sys
import types
import typing
from collections.abc import AsyncGenerator, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast, get_type_hints

from tmdb_async_api.resources import Namespaces

from ._client import TMDB
from ._constants import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_REQUESTS_PER_SECOND,
    DEFAULT_TIMEOUT,
)
from ._exceptions import ConfigurationError, TMDBError
from ._extras import MissingExtraError
from ._fetch import ONE_ID, FetchError, IdShape, LockedError, run_fetch
from ._redact import scrub
from ._spec import SpecReader, load_spec
from ._version import __version__

if TYPE_CHECKING:  # _limiter imports it at run time, only for --redis-url
    from .limits import RedisLimiter

EXIT_LOCKED = 3
EXIT_INTERNAL = 70  # EX_SOFTWARE
ARGV_SECRET_WARNING = (
    "tmdb-async: warning: {flag} on the command line is readable by every user of this machine"
    " (ps, /proc/PID/cmdline); set {variable} or use {flag}-file instead"
)


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
    debug = "--debug" in args
    secrets: list[str] = [value for name in ("TMDB_ACCESS_TOKEN", "TMDB_API_KEY") if (value := os.environ.get(name))]
    try:
        options, rest = _parse(args)
        if options.verbose:
            logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
        _read_credentials(options)
        secrets += [value for value in (options.access_token, options.api_key) if value]
        return asyncio.run(_run(options, rest))
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else 0
    except LockedError as exc:
        return _fail(f"tmdb-async: error: {exc}", EXIT_LOCKED, debug, secrets)
    except (UsageError, FetchError, ConfigurationError, MissingExtraError) as exc:
        return _fail(f"tmdb-async: error: {exc}", 2, debug, secrets)
    except TMDBError as exc:
        return _fail(f"tmdb-async: {type(exc).__name__}: {exc}", 1, debug, secrets)
    except KeyboardInterrupt:
        print("tmdb-async: interrupted; run the same command again to resume a fetch", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`tmdb-async get ... | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a file or the terminal failed us: say which, in one line
        where = f" ({exc.filename})" if exc.filename else ""
        return _fail(f"tmdb-async: error: {exc.strerror or exc}{where}", 2, debug, secrets)
    except Exception as exc:
        hint = "" if debug else "; --debug shows the traceback"
        return _fail(f"tmdb-async: unexpected error: {type(exc).__name__}: {exc}{hint}", EXIT_INTERNAL, debug, secrets)


def _fail(message: str, status: int, debug: bool, secrets: list[str]) -> int:
    """Print the error as one line on stderr (with the traceback first under --debug); the exit status."""
    if debug:
        import traceback

        print(scrub(traceback.format_exc(), secrets), file=sys.stderr, end="")
    first = message.splitlines()[0] if message.strip() else message
    print(scrub(first, secrets), file=sys.stderr)
    return status


def _read_credentials(options: argparse.Namespace) -> None:
    """Fill access_token / api_key from --access-token-file / --api-key-file; warn about secrets in argv."""
    for name, variable in (("access_token", "TMDB_ACCESS_TOKEN"), ("api_key", "TMDB_API_KEY")):
        flag = f"--{name.replace('_', '-')}"
        path = getattr(options, f"{name}_file", None)
        if getattr(options, name, None) and path:
            raise UsageError(f"give {flag} or {flag}-file, not both")
        if getattr(options, name, None):
            print(ARGV_SECRET_WARNING.format(flag=flag, variable=variable), file=sys.stderr)
        elif path:
            setattr(options, name, _secret_from(path, f"{flag}-file"))


def _secret_from(path: str, flag: str) -> str:
    """A credential read from a file (`-`: stdin); surrounding whitespace (the final newline) dropped."""
    try:
        text = sys.stdin.read(100_000) if path == "-" else Path(path).read_text(encoding="utf-8")[:100_000]
    except OSError as exc:
        raise UsageError(f"{flag}: cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{flag}: {path} is not a text file") from None
    value = text.strip()
    if not value:
        raise UsageError(f"{flag}: {'stdin' if path == '-' else path} is empty")
    if len(value.split()) > 1:
        raise UsageError(
            f"{flag}: {'stdin' if path == '-' else path} holds more than one word; it should hold the key only"
        )
    return value


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    connection = parser.add_argument_group("connection (before or after the command)")
    connection.add_argument("--base-url", help=f"where TMDB is (default: TMDB_BASE_URL or {DEFAULT_BASE_URL})")
    connection.add_argument(
        "--access-token-file", metavar="PATH", help="read the API read access token from PATH (`-`: stdin)"
    )
    connection.add_argument("--api-key-file", metavar="PATH", help="read the v3 API key from PATH (`-`: stdin)")
    connection.add_argument(
        "--access-token", help="the token itself (warns: visible to other users; prefer TMDB_ACCESS_TOKEN)"
    )
    connection.add_argument("--api-key", help="the key itself (warns: visible to other users; prefer TMDB_API_KEY)")
    connection.add_argument("--fake", action="store_true", help="run against an embedded FakeTMDB: no account needed")
    connection.add_argument(
        "--fake-fault-rate", type=float, default=0.0, help="with --fake: share of requests that fail transiently"
    )
    connection.add_argument(
        "--requests-per-second", type=_positive_or_none, default=DEFAULT_REQUESTS_PER_SECOND, help="0 for no limit"
    )
    connection.add_argument("--max-concurrency", type=int, default=DEFAULT_MAX_CONCURRENCY)
    connection.add_argument("--max-retries", type=int, default=DEFAULT_MAX_RETRIES)
    connection.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    # -- issue 12: one budget for many processes --
    connection.add_argument(
        "--redis-url",
        default=os.environ.get("TMDB_REDIS_URL") or None,
        help="share the rate limit with every process using this Redis and --redis-key (default: TMDB_REDIS_URL)",
    )
    connection.add_argument("--redis-key", default="tmdb", help="the name of the shared budget in Redis")
    # -- end issue 12 --
    connection.add_argument("-v", "--verbose", action="store_true", help="log every attempt (DEBUG) to stderr")
    connection.add_argument("--debug", action="store_true", help="print the traceback of an error too")


COMMAND_HELP = {
    "get": "call one method and print the answer as JSON",
    "fetch": "fetch many ids into a JSON-lines file (or stdout), resumably",
    "methods": "list every method",
}
SUBCOMMAND_USAGE = {
    "get": "usage: tmdb-async get NAMESPACE.METHOD [IDS...] [--OPTION VALUE ...]\n\n"
    "Call one method and print TMDB's answer as JSON, e.g. `tmdb-async get movies.details 550"
    " --append credits`.\n`tmdb-async get METHOD --help` lists a method's parameters;"
    " `tmdb-async methods` lists the methods.",
    "fetch": "usage: tmdb-async fetch NAMESPACE.METHOD --ids FILE --out FILE|- [--failed FILE] [--wait-lock]"
    " [--OPTION VALUE ...]\n\nFetch every id of FILE (one per line), e.g."
    " `tmdb-async fetch movies.details --ids ids.txt --out movies.jsonl`.\n"
    "A method of several path ids takes them joined by / on each line: 1399/1/1 for"
    " tv_episodes.details (SERIES_ID/SEASON_NUMBER/EPISODE_NUMBER).\n"
    "`tmdb-async fetch METHOD --help` lists its options and the form of its ids.",
}


def _parse(args: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """The command and its connection options (wherever they stand), and the rest."""
    parser = _Parser(prog="tmdb-async", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"tmdb-async {__version__}")
    _add_connection_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="{get,fetch,methods,fake}", parser_class=_Parser)
    for name, text in COMMAND_HELP.items():
        command = commands.add_parser(name, help=text, add_help=name == "methods")
        if name != "methods":
            # Optional here so that `get --help` prints help instead of "method is required".
            command.add_argument("method", nargs="?", help="namespace.method, e.g. movies.details")
    commands.add_parser("fake", help="serve FakeTMDB on a port for other programs (see `fake --help`)", add_help=False)
    options, rest = parser.parse_known_args(args)
    if options.command is None:
        # The convention of every mistake: one line on stderr, exit 2 (help only when asked).
        raise UsageError("a command is required: get, fetch, methods or fake (`tmdb-async --help` explains them)")
    late = _Parser(prog="tmdb-async", add_help=False, argument_default=argparse.SUPPRESS)
    _add_connection_options(late)
    options, rest = late.parse_known_args(rest, namespace=options)
    if options.command in SUBCOMMAND_USAGE and options.method is None:
        if "-h" in rest or "--help" in rest:
            print(SUBCOMMAND_USAGE[options.command])
            raise SystemExit(0)
        raise UsageError(
            f"`{options.command}` needs a method, e.g. movies.details (`tmdb-async methods` lists them all)"
        )
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
    if options.command == "fake":
        return await _serve_fake(rest)
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
async def _client(options: argparse.Namespace) -> AsyncGenerator[TMDB, None]:
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
async def _limiter(options: argparse.Namespace) -> AsyncGenerator[RedisLimiter | None, None]:
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
async def _client_with(options: argparse.Namespace, settings: dict[str, Any]) -> AsyncGenerator[TMDB, None]:
    if not options.fake:
        if not (options.access_token or options.api_key or os.environ.get("TMDB_ACCESS_TOKEN")) and not (
            os.environ.get("TMDB_API_KEY")
        ):
            raise UsageError(
                "no TMDB credentials: set TMDB_ACCESS_TOKEN (the API read access token) or TMDB_API_KEY (the v3 API"
                " key), or pass --access-token-file PATH / --api-key-file PATH (`-` reads stdin); --fake needs none"
            )
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
            (resource,) = (
                v
                for k, v in vars(module).items()
                if k.endswith("Resource") and not k.endswith("RawResource") and isinstance(v, type)
            )
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
    """A parser for a method's parameters: ids positional (not for fetch), the rest as --options.

    Each parameter's help is its description in the method's docstring (from the spec);
    a closed set of values (a Literal) is listed and checked here, before anything is sent.
    """
    doc = inspect.getdoc(function) or ""
    parser = _Parser(prog=f"tmdb-async {'fetch' if with_ids else 'get'} {dotted}", description=doc.split("\n\n", 1)[0])
    parser.label = dotted
    hints = get_type_hints(function)
    described = _described(doc)
    for name, param in list(inspect.signature(function).parameters.items())[1:]:  # past `self`
        if name in ("extra_query", "extra_headers"):
            continue  # the Python API's per-call escape hatches, not command options
        hint = hints.get(name)
        kind = _converter(hint)
        choices = _choices(hint)
        text = described.get(name, "").replace("%", "%%")
        if choices is not None:
            help_text = f"{text} (one of: {', '.join(choices)})"
        else:
            help_text = f"{text} ({'true or false' if kind is _boolean else getattr(kind, '__name__', 'str')})"
        if param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
            if not with_ids:
                parser.add_argument(name, type=kind, choices=choices, help=help_text.strip(), metavar=name)
            continue
        flags = [f"--{name.replace('_', '-')}"]
        if name == "append_to_response":
            flags.append("--append")
        required = param.default is inspect.Parameter.empty
        parser.add_argument(
            *flags, dest=name, type=kind, choices=choices, required=required, help=help_text.strip(), metavar="VALUE"
        )
    return parser


def _described(doc: str) -> dict[str, str]:
    """The `Args:` section of a generated docstring: parameter name -> its description, on one line."""
    found: dict[str, str] = {}
    section = doc.split("Args:\n", 1)[1].split("\n\n", 1)[0] if "Args:\n" in doc else ""
    current = None
    for line in section.splitlines():
        if line.startswith("    ") and not line.startswith("     ") and ": " in line:
            head, _, text = line.strip().partition(": ")
            current = head.split(" ", 1)[0]
            found[current] = text.strip()
        elif current is not None:
            found[current] += " " + line.strip()
    return found


def _choices(hint: Any) -> list[str] | None:
    """The values of a Literal (alone or `| None`), as the command line spells them; None for anything else."""
    members = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    for member in members:
        if typing.get_origin(member) is typing.Literal:
            return [str(value) for value in typing.get_args(member)]
    return None


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
    raise argparse.ArgumentTypeError(f"expected true or false (or yes/no, 1/0), got {text!r}")


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
        return [_to_json(item) for item in cast("list[object]", result)]
    return result.to_dict() if hasattr(result, "to_dict") else result


def _fetch_arguments(
    function: Callable[..., Any], dotted: str, rest: list[str]
) -> tuple[argparse.Namespace, dict[str, Any] | None]:
    """The fetch options (`shape` among them: the method's path ids) and the method's keyword arguments."""
    params = list(inspect.signature(function).parameters.values())[1:]
    ids = [param.name for param in params if param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    shape = _id_shape(function, dotted, ids)
    parser = _Parser(prog=f"tmdb-async fetch {dotted}", add_help=False)
    parser.add_argument(
        "--ids",
        required=True,
        type=Path,
        help=f"a file of ids, one per line: {shape.form} (e.g. {shape.example})" if shape else "a file of ids",
    )
    parser.add_argument("--out", required=True, help="the JSON-lines output (resumable), or - for stdout")
    parser.add_argument(
        "--failed",
        type=Path,
        help="where failures go (default: OUT.failed.jsonl; with --out -, one line each on stderr)",
    )
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument(
        "--wait-lock", action="store_true", help="if another fetch is writing OUT, wait for it instead of exiting 3"
    )
    parser.add_argument(
        "--shard", type=_shard, help="I/N: fetch only shard I of N (1 <= I <= N; a stable hash of the id)"
    )
    if "-h" in rest or "--help" in rest:
        parser.print_help()
        _method_arguments(function, dotted, ["--help"], with_ids=True)
        return argparse.Namespace(), None
    if shape is None:
        raise UsageError(f"{dotted} takes no id: fetch needs a method like movies.details")
    fetch_options, method_rest = parser.parse_known_args(rest)
    fetch_options.shape = shape
    return fetch_options, _method_arguments(function, dotted, method_rest, with_ids=True)


def _id_shape(function: Callable[..., Any], dotted: str, ids: list[str]) -> IdShape | None:
    """The path ids of the method (None: it takes none): one integer keeps the historical form (550)."""
    if not ids:
        return None
    hints = get_type_hints(function)
    if len(ids) == 1 and hints.get(ids[0]) is int:
        return ONE_ID
    minimums = _path_minimums(dotted)
    return IdShape(tuple(ids), tuple(minimums.get(name, 0) if hints.get(name) is int else None for name in ids))


def _path_minimums(dotted: str) -> dict[str, int]:
    """The `minimum` the spec gives each integer path id of the method (series_id 1, season_number 0)."""
    operation_id = dotted.replace(".", "_", 1)
    for route in SpecReader(load_spec()).routes():
        if route.operation_id == operation_id:
            return {name: int(schema["minimum"]) for name, schema in route.path_schemas.items() if "minimum" in schema}
    return {}


async def _fetch(
    tmdb: TMDB, method: Callable[..., Any], fetch_options: argparse.Namespace, kwargs: dict[str, Any]
) -> int:
    out = None if fetch_options.out == "-" else Path(fetch_options.out)
    failed = fetch_options.failed or (None if out is None else out.with_name(out.name + ".failed.jsonl"))
    show = not fetch_options.no_progress and sys.stderr.isatty()
    summary = await run_fetch(
        tmdb,
        method,
        ids_path=fetch_options.ids,
        out_path=out,
        failed_path=failed,
        kwargs=kwargs,
        progress=show,
        wait_lock=fetch_options.wait_lock,
        notice=lambda text: print(f"tmdb-async: {text}", file=sys.stderr),
        shard=fetch_options.shard,
        shape=fetch_options.shape,
    )
    print(summary.line(), file=sys.stderr)
    if summary.fatal is not None:
        raise summary.fatal
    return 0 if summary.failed == 0 else 1


# -- `tmdb-async fake`: FakeTMDB for other programs ------------------------------------------
def _fake_parser() -> _Parser:
    parser = _Parser(
        prog="tmdb-async fake",
        description="Serve FakeTMDB until Ctrl-C (or SIGTERM). Any non-empty access token or api_key works: "
        "`curl -H 'Authorization: Bearer x' http://127.0.0.1:8000/3/movie/550`, or "
        "http://127.0.0.1:8000/3/movie/550?api_key=x in a browser; TMDB_BASE_URL=http://127.0.0.1:8000 "
        "points TMDB() and `tmdb-async get` at it.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on; 0 picks a free one (default: 8000)")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of requests that fail transiently")
    parser.add_argument("--seed", type=int, default=0, help="another seed gives other generated data")
    parser.add_argument(
        "--rate-limit", type=float, default=None, help="answer 429 past this many requests a second (default: none)"
    )
    return parser


async def _serve_fake(rest: list[str]) -> int:
    from .testing import FakeTMDB  # the fake is only loaded when asked for

    options = _fake_parser().parse_args(rest)
    if not 0 <= options.port <= 65535:
        raise UsageError(f"fake: --port must be 0-65535, got {options.port}")
    if options.rate_limit is not None and not options.rate_limit > 0:
        raise UsageError(f"fake: --rate-limit must be a positive number of requests a second, got {options.rate_limit}")
    try:
        fake = FakeTMDB(
            credentials=None,
            fault_rate=options.fault_rate,
            seed=options.seed,
            requests_per_second=options.rate_limit,
            host=options.host,
            port=options.port,
        )
    except ValueError as exc:
        raise UsageError(f"fake: {exc}") from None
    try:
        await fake.start()
    except OSError as exc:
        raise UsageError(f"fake: cannot listen on {options.host}:{options.port}: {exc.strerror or exc}") from None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        print(f"tmdb-async: FakeTMDB serving on {fake.base_url} (Ctrl-C stops it)", file=sys.stderr, flush=True)
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await fake.close()
    print(f"tmdb-async: FakeTMDB stopped after {fake.stats.requests} requests", file=sys.stderr)
    return 0


__all__ = ["main"]
