"""What FakeTMDB answers: routing from the spec, TMDB's checks and errors, faults, state.

`FakeApp.handle(method, target, headers, body)` returns a Reply (status, headers, body,
and a fault for the server to act out). It knows nothing of sockets, so it is cheap to
test and to reuse.
"""

from __future__ import annotations

import json
import math
import random
import re
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ._data import PAGE_SIZE, Generator

# Faults the server can act out. The transient ones are what a client should retry.
STATUS_FAULTS = ("429", "500", "502", "503", "504", "502_html", "503_html", "504_html")
CONNECTION_FAULTS = ("reset", "close", "truncate")
TRANSIENT_FAULTS = (*STATUS_FAULTS, *CONNECTION_FAULTS, "slow")
FAULT_KINDS = (*TRANSIENT_FAULTS, "invalid_json")

MAX_PAGE = 500
MAX_APPENDED = 20
SEASON_EPISODES = 10  # episodes per season in account states

HTML_PAGE = (
    "<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}</h1></center>"
    "<hr><center>cloudflare</center></body></html>"
)
REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
           504: "Gateway Timeout"}  # fmt: skip
TMDB_ERRORS = {
    "500": (500, 11, "Internal error: Something went wrong, contact TMDb."),
    "502": (502, 43, "Couldn't connect to the backend server."),
    "503": (503, 9, "Service offline: This service is temporarily offline, try again later."),
    "504": (504, 24, "Your request to the backend server timed out. Try again."),
}


@dataclass
class Reply:
    """An answer, or a fault for the server to act out instead (`fault` set)."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    fault: str | None = None
    delay: float = 0.0


@dataclass
class Stats:
    """What the fake served, for assertions. Counters only grow."""

    requests: int = 0
    by_status: Counter[int] = field(default_factory=Counter)
    by_path: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
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


def tmdb_error(status: int, code: int, message: str, headers: list[tuple[str, str]] | None = None) -> Reply:
    body = json.dumps({"success": False, "status_code": code, "status_message": message}).encode()
    return Reply(status, body, [("Content-Type", "application/json;charset=utf-8"), *(headers or [])])


def json_reply(data: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(data, separators=(",", ":")).encode(), [("Content-Type", "application/json")])


NOT_FOUND = (404, 34, "The resource you requested could not be found.")
INVALID_PAGE = (400, 22, "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.")
TOO_MANY_APPENDED = (400, 27, "Too many append to response objects: The maximum number of remote calls is 20.")
DELETED = {"success": True, "status_code": 13, "status_message": "The item/record was deleted successfully."}
UPDATED = {"success": True, "status_code": 12, "status_message": "The item/record was updated successfully."}
CREATED = {"success": True, "status_code": 1, "status_message": "Success."}


@dataclass
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    operation: dict[str, Any]
    path_schemas: dict[str, dict[str, Any]]  # path parameter -> its schema


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
        self.spec = spec
        self.generator = Generator(spec)
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
        self.guest_sessions: dict[str, float] = {}
        self.ratings: dict[tuple[str, str, Any], float] = {}
        self._fault_rng = random.Random(f"faults-{seed}")
        self._window = (-1, 0)  # (second, requests counted in it)
        self._routes = self._build_routes()
        self._cache: dict[tuple[str, str], bytes] = {}

    # -- routing -------------------------------------------------------------------------
    def _build_routes(self) -> list[Route]:
        routes = []
        for template, item in self.spec["paths"].items():
            regex = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
            for method, op in item.items():
                if method in {"get", "post", "delete", "put", "patch"}:
                    schemas = {
                        p["name"]: p.get("schema", {}) for p in map(self._resolve, op.get("parameters", []))
                        if p["in"] == "path"
                    }  # fmt: skip
                    routes.append(Route(method.upper(), template, re.compile(regex), op, schemas))
        # Literal segments win: /3/movie/latest before /3/movie/{movie_id}.
        return sorted(routes, key=lambda r: (r.template.count("{"), r.template))

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            section, name = node["$ref"].split("/")[-2:]
            node = self.spec["components"][section][name]
        return node

    def _path_value(self, name: str, value: str, schema: dict[str, Any]) -> int | str | None:
        """The path parameter as TMDB reads it, or None when TMDB would answer 404."""
        if "enum" in schema:
            return value if value in schema["enum"] else None
        if schema.get("type") != "integer":
            return value or None
        if not _is_number(value):
            return None
        number = int(value)
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
        if not self._authorized(headers, query):
            return tmdb_error(401, 7, "Invalid API key: You must be granted a valid key.")
        matched = self._match(method, path)
        if matched is None:
            return tmdb_error(*NOT_FOUND)
        if matched == "method":
            return tmdb_error(405, 42, "The method you requested is not supported.")
        assert not isinstance(matched, str)
        route, params = matched
        ids: dict[str, int | str] = {}
        for name, value in params.items():
            parsed = self._path_value(name, value, route.path_schemas.get(name, {"type": "integer"}))
            if parsed is None:
                return tmdb_error(*NOT_FOUND)
            ids[name] = parsed
        if "page" in query and not _valid_page(query["page"]):
            return tmdb_error(
                400, 22, "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer."
            )
        op_id = route.operation["operationId"]
        special = self._special(op_id, route.operation["tags"][0], ids, query, body)
        if special is not None:
            return special
        return self._generated(route, ids, query)

    def _authorized(self, headers: dict[str, str], query: dict[str, str]) -> bool:
        auth = headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else None
        key = query.get("api_key")
        given = [c for c in (token, key) if c]
        if not given:
            return False
        return self.credentials is None or any(c in self.credentials for c in given)

    # -- generated answers ---------------------------------------------------------------
    def _generated(self, route: Route, ids: dict[str, int | str], query: dict[str, str]) -> Reply:
        first = next(iter(ids.values()), None)
        ident = first if isinstance(first, int) else None
        body_schema, examples = self._success_schema(route.operation)
        if "$ref" not in body_schema:  # a top-level array (configuration lists)
            rng = random.Random(f"{self.seed}|{route.template}")
            return json_reply(self.generator.value(route.operation["operationId"], body_schema, rng))
        schema_name = body_schema["$ref"].rsplit("/", 1)[-1]
        example = next((e for e in examples if isinstance(e, dict) and e.get("id") == ident), None)
        relevant = {k: v for k, v in query.items() if k not in {"api_key", "session_id", "guest_session_id"}}
        key = (f"{route.method} {route.template}", json.dumps([list(ids.values()), sorted(relevant.items())]))
        cached = self._cache.get(key)
        if cached is None:
            appended = [n for n in query.get("append_to_response", "").split(",") if n]
            if len(appended) > MAX_APPENDED:
                return tmdb_error(
                    400, 27, "Too many append to response objects: The maximum number of remote calls is 20."
                )
            rng = random.Random(f"{self.seed}|{key[0]}|{key[1]}")
            # The spec's example for this id, if any; appended sub-resources are generated.
            data = dict(example) if example is not None else self._build(schema_name, rng, ident, query)
            for name in appended:
                sub = self.spec["components"]["schemas"][schema_name]["properties"].get(name)
                if sub is not None and "$ref" in sub:
                    sub_data = self._build(sub["$ref"].rsplit("/", 1)[-1], rng, None, {})
                    sub_data.pop("id", None)
                    data[name] = sub_data
            cached = json.dumps(data, separators=(",", ":")).encode()
            if len(self._cache) < 4096:
                self._cache[key] = cached
        return Reply(200, cached, [("Content-Type", "application/json")])

    def _build(self, schema_name: str, rng: random.Random, ident: int | None, query: dict[str, str]) -> Any:
        schema = self.generator.flatten(self.spec["components"]["schemas"][schema_name])
        props = schema.get("properties", {})
        if {"page", "results", "total_pages"} <= set(props):
            return self._page(schema_name, rng, ident, int(query.get("page", "1")))
        return self.generator.build(schema_name, rng, ident=ident)

    def _page(self, schema_name: str, rng: random.Random, ident: int | None, page: int) -> dict[str, Any]:
        props = self.generator.flatten(self.spec["components"]["schemas"][schema_name])["properties"]
        item = props["results"]["items"]["$ref"].rsplit("/", 1)[-1]
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

    def _season_states(self, session: str, season: tuple[Any, ...]) -> dict[str, Any]:
        """A season's account states: one entry per episode, rated as stored for the session."""
        series, number = season
        results = []
        for episode in range(1, SEASON_EPISODES + 1):
            stored = self.ratings.get((session, "tv_episodes", (series, number, episode)))
            results.append({
                "id": series * 10_000 + number * 100 + episode,
                "episode_number": episode,
                "rated": {"value": stored} if stored is not None else False,
            })  # fmt: skip
        return {"id": series * 100 + number, "results": results}

    def _answers(self, op_id: str, schema_name: str) -> bool:
        """Whether the operation's success body is the named component."""
        route = next(r for r in self._routes if r.operation["operationId"] == op_id)
        ref: str = self._success_schema(route.operation)[0].get("$ref", "")
        return ref.endswith(f"/{schema_name}")

    def _success_schema(self, op: dict[str, Any]) -> tuple[dict[str, Any], list[Any]]:
        components = self.spec["components"]
        for code in sorted(op["responses"]):
            if code.startswith("2"):
                response = op["responses"][code]
                if "$ref" in response:
                    response = components["responses"][response["$ref"].rsplit("/", 1)[-1]]
                media = response["content"]["application/json"]
                examples = [
                    components["examples"][e["$ref"].rsplit("/", 1)[-1]]["value"] if "$ref" in e else e["value"]
                    for e in media.get("examples", {}).values()
                ]
                return media["schema"], examples
        raise LookupError(op["operationId"])

    # -- stateful operations: guest sessions, ratings, account states --------------------
    def _special(
        self, op_id: str, tag: str, ids: dict[str, int | str], query: dict[str, str], body: bytes
    ) -> Reply | None:
        if op_id == "authentication_create_guest_session":
            session = secrets.token_hex(16)
            self.guest_sessions[session] = time.time() + 3600
            expires = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.guest_sessions[session]))
            return json_reply({"success": True, "guest_session_id": session, "expires_at": expires})
        kind = tag  # movies, tv, tv_episodes: ratings of each kind are kept apart
        values = tuple(ids.values())
        ident: Any = values[0] if len(values) == 1 else values  # 550, or (1399, 1, 1) for an episode
        if op_id.endswith(("_add_rating", "_delete_rating", "_account_states")):
            session = query.get("guest_session_id") or query.get("session_id") or ""
            if not session or (query.get("guest_session_id") and session not in self.guest_sessions):
                return tmdb_error(401, 3, "Authentication failed: You do not have permissions to access the service.")
            slot = (session, kind, ident)
            if op_id.endswith("_account_states"):
                if not self._answers(op_id, "AccountStates"):
                    return json_reply(self._season_states(session, values))
                rated: Any = {"value": self.ratings[slot]} if slot in self.ratings else False
                first = next(iter(ids.values()), 0)
                return json_reply({"id": first, "favorite": False, "rated": rated, "watchlist": False})
            if op_id.endswith("_delete_rating"):
                if self.ratings.pop(slot, None) is None:
                    return tmdb_error(*NOT_FOUND)
                return json_reply(DELETED)
            value = _rating_value(body)
            if value is None:
                return tmdb_error(400, 18, "Value invalid: Values must be a multiple of 0.50 between 0.5 and 10.0.")
            updated = slot in self.ratings
            self.ratings[slot] = value
            if updated:
                return json_reply(UPDATED, 201)
            return json_reply(CREATED, 201)
        return None


def fault_reply(kind: str) -> Reply:
    """The reply that acts out a fault (slow and truncate are applied to the real answer)."""
    if kind == "429":
        return tmdb_error(429, 25, "Your request count (41) is over the allowed limit of 40.", [("Retry-After", "1")])
    if kind in TMDB_ERRORS:
        return tmdb_error(*TMDB_ERRORS[kind])
    if kind.endswith("_html"):
        status = int(kind[:3])
        page = HTML_PAGE.format(status=status, reason=REASONS[status]).encode()
        return Reply(status, page, [("Content-Type", "text/html")], fault=None)
    if kind == "invalid_json":
        return Reply(200, b'{"id": 550, "title": "Fight', [("Content-Type", "application/json")], fault=None)
    return Reply(0, fault=kind)  # reset, close: the server acts them out


def _is_number(value: str) -> bool:
    """Digits 0-9 only (`"²".isdigit()` is true, but int() refuses it)."""
    return value.isascii() and value.isdigit()


def _valid_page(value: str) -> bool:
    return _is_number(value) and 1 <= int(value) <= MAX_PAGE


def _rating_value(body: bytes) -> float | None:
    try:
        value = json.loads(body).get("value")
    except (ValueError, AttributeError):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not 0.5 <= value <= 10 or (value * 2) % 1 != 0:
        return None
    return float(value)
