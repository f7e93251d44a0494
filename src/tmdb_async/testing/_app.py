"""What FakeTMDB answers: routing from the spec, TMDB's checks and limits, faults, scripts.

`FakeApp.handle(method, target, headers, body)` returns a Reply (status, headers, body,
and a fault for the server to act out). It knows nothing of sockets, so it is cheap to
test and to reuse. The order of a request: count it; rate and connection limits (429);
a planned or random fault; credentials (401); a scripted answer (`FakeTMDB.respond`);
routing (404, 405) and path ids (404); page (400); then the operation's handler
(_handlers.py) or generated data (_data.py, with identities from _catalog.py).
"""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from .._spec import Route, SpecReader, ref_name
from ._catalog import IDENTITY_FIELDS, Catalog
from ._data import KIND_OF_SCHEMA, PAGE_SIZE, Generator
from ._handlers import HANDLERS, Call
from ._replies import (
    FAULT_KINDS,
    INVALID_CREDENTIALS,
    INVALID_PAGE,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    TOO_MANY_APPENDED,
    Reply,
    fault_reply,
    tmdb_error,
)

# The answer to a browser's preflight, so a web page on another origin may call the fake.
PREFLIGHT = (
    ("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS"),
    ("Access-Control-Allow-Headers", "Authorization, Content-Type"),
    ("Access-Control-Max-Age", "86400"),
)
MAX_PAGE = 500
MAX_APPENDED = 20
CACHE_SIZE = 4096  # generated bodies kept, by route, ids and query


@dataclass
class Stats:
    """What the fake served, for assertions. Counters only grow."""

    requests: int = 0
    by_status: Counter[int] = field(default_factory=Counter[int])
    by_path: Counter[str] = field(default_factory=Counter[str])
    faults: Counter[str] = field(default_factory=Counter[str])
    rate_limited: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    connections: int = 0
    max_connections: int = 0

    @property
    def faults_injected(self) -> int:
        return sum(self.faults.values())


@dataclass
class PathFault:
    pattern: str
    kind: str
    remaining: int


@dataclass
class Script:
    """A scripted answer: for an operationId or a path glob, `remaining` more times (None: always)."""

    operation_id: str | None
    pattern: str | None
    reply: Reply
    remaining: int | None


class FakeApp:
    """TMDB's behaviour, served from the spec (see tmdb_async.testing.FakeTMDB)."""

    def __init__(
        self,
        spec: dict[str, Any],
        *,
        credentials: frozenset[str] | None,
        requests_per_second: float | None,
        max_connections: int | None,
        fault_rate: float,
        fault_kinds: tuple[str, ...],
        seed: int,
        max_id: int,
        missing_ids: frozenset[int],
        slow_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        unknown = set(fault_kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kind(s) {sorted(unknown)}; known: {', '.join(FAULT_KINDS)}")
        self.spec = SpecReader(spec)
        self.catalog = Catalog(spec, seed, on_change=self._forget_answers)
        self.generator = Generator(spec, identity=self.catalog.identity)
        self.credentials = credentials
        self.requests_per_second = requests_per_second
        self.max_connections = max_connections
        self.fault_rate = fault_rate
        self.fault_kinds = fault_kinds
        self.seed = seed
        self.max_id = max_id
        self.missing_ids = missing_ids
        self.slow_seconds = slow_seconds
        self.clock = clock
        self.stats = Stats()
        self.path_faults: list[PathFault] = []
        self.scripts: list[Script] = []
        self.guest_sessions: dict[str, float] = {}
        self.ratings: dict[tuple[str, str, Any], float] = {}
        self._fault_rng = random.Random(f"faults-{seed}")
        self._window = (-1, 0)  # (second, requests counted in it)
        self._routes = self.spec.routes()
        self.operation_ids = frozenset(route.operation_id for route in self._routes)
        self._cache: dict[tuple[str, str], bytes] = {}
        self._name_examples()

    def _name_examples(self) -> None:
        """The spec's examples (movie 11, series 1399) keep their own names in every list."""
        for route in self._routes:
            kind = KIND_OF_SCHEMA.get(self.spec.success_name(route.operation) or "")
            if kind is None or route.template.count("{") != 1:
                continue
            for example in self.spec.success(route.operation)[1]:
                if isinstance(example.get("id"), int):
                    fields = {k: v for k, v in example.items() if k in IDENTITY_FIELDS}
                    if "name" in fields:
                        fields.setdefault("original_name", fields["name"])
                    self.catalog.describe(kind, example["id"], fields)

    def _forget_answers(self) -> None:
        self._cache.clear()

    # -- routing -------------------------------------------------------------------------
    def path_value(self, name: str, value: str, schema: dict[str, Any]) -> int | str | None:
        """The path parameter as TMDB reads it, or None when TMDB would answer 404."""
        if "enum" in schema:
            return value if value in schema["enum"] else None
        if schema.get("type") != "integer":
            return value or None
        if not _is_number(value):
            return None
        number = int(value)
        if self.catalog.known(number):
            return number
        if name.endswith("_id") and (not 1 <= number <= self.max_id or number in self.missing_ids):
            return None
        return number if number >= schema.get("minimum", 0) else None

    def _match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | str | None:
        allowed = False
        for route in self._routes:
            found = route.pattern.match(path)
            if found:
                if route.method == method:
                    return route, found.groupdict()
                allowed = True
        return "method" if allowed else None

    # -- the request cycle ---------------------------------------------------------------
    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        """The answer to one request (faults and limits included)."""
        parts = urlsplit(target)
        path = parts.path
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        self.stats.requests += 1
        self.stats.by_path[path] += 1
        reply = self._limits()
        if reply is None:
            kind = self._pick_fault(path)
            if kind is None or kind in {"slow", "truncate"}:
                reply = self._answer(method, path, query, headers, body)
                if kind == "slow":
                    reply.delay = self.slow_seconds
                elif kind == "truncate":
                    reply.fault = kind
            else:
                reply = fault_reply(kind)
        if reply.fault is None:
            self.stats.by_status[reply.status] += 1
        return reply

    def _limits(self) -> Reply | None:
        if self.max_connections is not None and self.stats.in_flight > self.max_connections:
            return self._rate_limited(1.0)
        if self.requests_per_second is None:
            return None
        now = self.clock()
        second = math.floor(now)
        window, count = self._window
        count = count + 1 if window == second else 1
        self._window = (second, count)
        if count > self.requests_per_second:
            return self._rate_limited(second + 1 - now)
        return None

    def _rate_limited(self, retry_after: float) -> Reply:
        self.stats.rate_limited += 1
        limit = self.requests_per_second or self.max_connections
        return tmdb_error(
            429,
            25,
            f"Your request count ({self.stats.requests}) is over the allowed limit of {limit:g}.",
            [("Retry-After", f"{max(retry_after, 0.001):.3f}")],
        )

    def _pick_fault(self, path: str) -> str | None:
        kind = None
        for planned in self.path_faults:
            if planned.remaining > 0 and fnmatchcase(path, planned.pattern):
                planned.remaining -= 1
                kind = planned.kind
                break
        if kind is None and self.fault_rate > 0 and self._fault_rng.random() < self.fault_rate:
            kind = self._fault_rng.choice(self.fault_kinds)
        if kind is not None:
            self.stats.faults[kind] += 1
        return kind

    def _answer(self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes) -> Reply:
        if method == "OPTIONS":  # a browser's CORS preflight: it carries no credentials
            return Reply(204, b"", list(PREFLIGHT))
        if not self._authorized(headers, query):
            return tmdb_error(*INVALID_CREDENTIALS)
        matched = self._match(method, path)
        scripted = self._scripted(path, None if isinstance(matched, str) or matched is None else matched[0])
        if scripted is not None:
            return scripted
        if matched is None:
            return tmdb_error(*NOT_FOUND)
        if matched == "method":
            return tmdb_error(*METHOD_NOT_ALLOWED)
        assert not isinstance(matched, str)
        route, params = matched
        ids: dict[str, int | str] = {}
        for name, value in params.items():
            parsed = self.path_value(name, value, route.path_schemas.get(name, {"type": "integer"}))
            if parsed is None:
                return tmdb_error(*NOT_FOUND)
            ids[name] = parsed
        if "page" in query and not _valid_page(query["page"]):
            return tmdb_error(*INVALID_PAGE)
        handler = HANDLERS.get(route.operation_id)
        if handler is not None:
            return handler(self, Call(route, ids, query, body))
        return self.generated(route, ids, query)

    def _authorized(self, headers: dict[str, str], query: dict[str, str]) -> bool:
        auth = headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else None
        key = query.get("api_key")
        given = [c for c in (token, key) if c]
        if not given:
            return False
        return self.credentials is None or any(c in self.credentials for c in given)

    def _scripted(self, path: str, route: Route | None) -> Reply | None:
        for script in self.scripts:
            if script.remaining == 0:
                continue
            if script.pattern is not None and not fnmatchcase(path, script.pattern):
                continue
            if script.operation_id is not None and (route is None or route.operation_id != script.operation_id):
                continue
            if script.remaining is not None:
                script.remaining -= 1
            return Reply(script.reply.status, script.reply.body, list(script.reply.headers))
        return None

    # -- generated answers ---------------------------------------------------------------
    def generated(self, route: Route, ids: dict[str, int | str], query: dict[str, str]) -> Reply:
        ident = self._own_id(ids)
        body_schema, examples = self.spec.success(route.operation)
        if "$ref" not in body_schema:  # a top-level array
            rng = random.Random(f"{self.seed}|{route.template}")
            return Reply(200, _dumps(self.generator.value(route.operation_id, body_schema, rng)), _JSON)
        schema_name = ref_name(body_schema["$ref"])
        relevant = {k: v for k, v in query.items() if k not in {"api_key", "session_id", "guest_session_id"}}
        key = (f"{route.method} {route.template}", json.dumps([list(ids.values()), sorted(relevant.items())]))
        cached = self._cache.get(key)
        if cached is None:
            appended = [n for n in query.get("append_to_response", "").split(",") if n]
            if len(appended) > MAX_APPENDED:
                return tmdb_error(*TOO_MANY_APPENDED)
            rng = random.Random(f"{self.seed}|{key[0]}|{key[1]}")
            # The spec's example for this id, if any; appended sub-resources are generated.
            example = next((e for e in examples if e.get("id") == ident), None)
            data = dict(example) if example is not None else self._build(schema_name, rng, ident, query)
            kind = KIND_OF_SCHEMA.get(schema_name)
            if example is not None and kind is not None and ident is not None:
                data.update(self.catalog.added[kind].get(ident, {}))
            _numbered_as_asked(data, ids)
            for name in appended:
                sub = self.spec.schemas[schema_name]["properties"].get(name)
                if sub is not None and "$ref" in sub:
                    sub_data = self._build(ref_name(sub["$ref"]), rng, None, {})
                    sub_data.pop("id", None)
                    data[name] = sub_data
            cached = _dumps(data)
            if len(self._cache) < CACHE_SIZE:
                self._cache[key] = cached
        return Reply(200, cached, _JSON)

    def _own_id(self, ids: dict[str, int | str]) -> int | None:
        """The `id` of the answer: the first path id, but a season's or an episode's own (TMDB's 63056 is 1399/1/1)."""
        first = next(iter(ids.values()), None)
        if "season_number" in ids:
            return random.Random(f"{self.seed}|own id|{'/'.join(map(str, ids.values()))}").randint(1, 5_000_000)
        return first if isinstance(first, int) else None

    def _build(self, schema_name: str, rng: random.Random, ident: int | None, query: dict[str, str]) -> Any:
        props = self.generator.flatten(self.spec.schemas[schema_name]).get("properties", {})
        if {"page", "results", "total_pages"} <= set(props):
            return self._page(schema_name, rng, ident, int(query.get("page", "1")))
        return self.generator.build(schema_name, rng, ident=ident)

    def _page(self, schema_name: str, rng: random.Random, ident: int | None, page: int) -> dict[str, Any]:
        props = self.generator.flatten(self.spec.schemas[schema_name])["properties"]
        item = ref_name(props["results"]["items"]["$ref"])
        total_pages = random.Random(f"{self.seed}|total|{schema_name}|{ident}").randint(1, 600)
        total_results = total_pages * PAGE_SIZE - 7
        count = 0 if page > total_pages else PAGE_SIZE if page < total_pages else PAGE_SIZE - 7
        results = [
            self.generator.build(item, rng, ident=(ident or 0) * 1000 + (page - 1) * PAGE_SIZE + i + 1)
            for i in range(count)
        ]
        data: dict[str, Any] = {"page": page, "results": results, "total_pages": total_pages,
                                "total_results": total_results}  # fmt: skip
        if "dates" in props:
            data["dates"] = {"maximum": "2026-12-01", "minimum": "2026-11-10"}
        if "id" in props and ident is not None:
            data["id"] = ident
        return data


_JSON = [("Content-Type", "application/json")]


def _numbered_as_asked(data: Any, ids: dict[str, int | str]) -> None:
    """A season or an episode carries the numbers it was asked by: season_number, episode_number, show_id."""
    if not isinstance(data, dict) or "season_number" not in ids:
        return
    answer = cast("dict[str, Any]", data)
    asked = {"season_number": ids["season_number"], "show_id": ids.get("series_id")}
    if "episode_number" in ids:
        asked["episode_number"] = ids["episode_number"]
    answer.update((name, value) for name, value in asked.items() if name in answer and value is not None)
    for episode in cast("list[object]", answer.get("episodes") or []):  # a season's, numbered 1..n already
        if isinstance(episode, dict):
            listed = cast("dict[str, Any]", episode)
            listed.update((name, asked[name]) for name in ("season_number", "show_id") if name in listed)


def _dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def _is_number(value: str) -> bool:
    """Digits 0-9 only (`"²".isdigit()` is true, but int() refuses it)."""
    return value.isascii() and value.isdigit()


def _valid_page(value: str) -> bool:
    return _is_number(value) and 1 <= int(value) <= MAX_PAGE
