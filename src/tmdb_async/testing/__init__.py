"""An offline TMDB for tests: `FakeTMDB`, a real HTTP server on 127.0.0.1.

    from tmdb_async import TMDB
    from tmdb_async.testing import FakeTMDB

    async with FakeTMDB() as fake:
        async with TMDB(base_url=fake.base_url, access_token="test") as tmdb:
            movie = await tmdb.movies.details(550, append_to_response=["credits"])
        assert fake.stats.requests == 1

It serves every operation of the spec the client was generated from (so every method of
`TMDB`): the spec's examples for their ids (movie 11, TV series 1399), and for any other
id deterministic, realistic generated data (the same id always gives the same movie,
with cast, crew, images, videos, ...) that agrees with itself: a movie has one title in
lists, searches, credits and details (_catalog.py), a search finds items whose names
contain the query, cast `order` runs 0..n-1, a season or an episode has the numbers it was
asked by (`season_number`, `episode_number`, `show_id`) and an id of its own, and countries, languages, genres, jobs,
certifications and providers are TMDB's real ones (_reference.py). Like TMDB it checks
credentials (401, code 7), answers unknown ids with 404 (code 34) and pages past 500 with
400 (code 22), stores ratings per guest session and reads them back in `account_states`
(_handlers.py), and, when asked, limits the rate and the requests in flight with TMDB's
429 (code 25) and Retry-After.

Faults, for testing what your code does when TMDB misbehaves: `fault_rate=0.1` injects
one of `fault_kinds` into that share of requests; `fake.fail("/3/movie/550", "503",
times=2)` fails the next two requests to a path (glob patterns work). Kinds: "429", "500",
"502", "503", "504" (TMDB's JSON error), "502_html", "503_html", "504_html" (a proxy's
HTML page), "reset" (TCP reset), "close" (closed without an answer), "truncate" (half
the body), "slow" (answers after `slow_seconds`), "invalid_json" (a 200 that is not JSON).

Scripting, for the answers a test needs: `fake.add_movie(949, title="Heat")` (and
`add_tv`, `add_person`) lays fields over an id everywhere it shows, and makes searches find
only what was added; `fake.respond("movies.details", json={...})` or
`fake.respond("/3/movie/550", status=404, times=1)` answers a method or a path glob.
The pytest plugin (pytest_plugin.py) gives tests a `tmdb_fake` and a `tmdb` fixture;
`tmdb-async fake --port 8000` serves it to other programs.
"""

from __future__ import annotations

import json
from types import TracebackType
from typing import Any, cast

from .._spec import load_spec
from ._app import FakeApp, PathFault, Script, Stats
from ._replies import CONNECTION_FAULTS, FAULT_KINDS, STATUS_FAULTS, TRANSIENT_FAULTS, json_reply, tmdb_error
from ._server import FakeServer

__all__ = ["CONNECTION_FAULTS", "FAULT_KINDS", "STATUS_FAULTS", "TRANSIENT_FAULTS", "FakeTMDB", "Stats", "sample"]

DEFAULT_CREDENTIALS = ("test",)
# TMDB's status_code for a scripted error status without a body (TMDB-FACTS "Errors").
_ERROR_CODES = {400: 22, 401: 7, 404: 34, 405: 42, 429: 25, 500: 11, 502: 43, 503: 9, 504: 24}


class FakeTMDB:
    """A fake TMDB over real sockets on 127.0.0.1 (see the module docstring).

    Args:
        credentials: the access tokens and API keys it accepts (default: "test");
            None accepts any non-empty credential.
        requests_per_second: answer 429 (code 25) past this many requests in a second,
            with a Retry-After until the next second (None: no limit).
        max_connections: answer 429 past this many requests in flight (None: no limit).
        fault_rate: inject one of `fault_kinds` into this share of requests (0 to 1).
        fault_kinds: the faults `fault_rate` draws from (default: every transient one).
        slow_seconds: how long a "slow" answer takes.
        seed: changes every generated value; the same seed gives the same data.
        max_id: ids above it answer 404 (unless a test added them).
        missing_ids: ids that answer 404 (unless a test added them).
        host: the address to listen on.
        port: the port to listen on (0: a free port).
    """

    def __init__(
        self,
        *,
        credentials: tuple[str, ...] | None = DEFAULT_CREDENTIALS,
        requests_per_second: float | None = None,
        max_connections: int | None = None,
        fault_rate: float = 0.0,
        fault_kinds: tuple[str, ...] = TRANSIENT_FAULTS,
        slow_seconds: float = 2.0,
        seed: int = 0,
        max_id: int = 10_000_000,
        missing_ids: frozenset[int] | set[int] = frozenset(),
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if not 0 <= fault_rate <= 1:
            raise ValueError(f"fault_rate must be between 0 and 1, got {fault_rate!r}")
        self.app = FakeApp(
            load_spec(),
            credentials=None if credentials is None else frozenset(credentials),
            requests_per_second=requests_per_second,
            max_connections=max_connections,
            fault_rate=fault_rate,
            fault_kinds=tuple(fault_kinds),
            seed=seed,
            max_id=max_id,
            missing_ids=frozenset(missing_ids),
            slow_seconds=slow_seconds,
        )
        self._server = FakeServer(self.app, host, port)
        self._started = False

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>`: pass it as TMDB(base_url=...)."""
        if not self._started:
            raise RuntimeError("FakeTMDB is not running: use `async with FakeTMDB() as fake:` (or await start())")
        return f"http://{self._server.host}:{self._server.port}"

    @property
    def stats(self) -> Stats:
        """What it served so far: requests, by_status, by_path, faults, rate_limited, max_in_flight, ..."""
        return self.app.stats

    @property
    def ratings(self) -> dict[tuple[str, str, Any], float]:
        """Stored ratings: (session id, namespace, id) -> value; the id of an episode is (series, season, episode)."""
        return self.app.ratings

    def add_movie(self, movie_id: int, **fields: Any) -> None:
        """Make movie `movie_id` have these fields wherever it shows (details, lists, searches, credits).

        Fields are MovieDetails fields (`title="Heat", runtime=170, genres=[{"id": 80, "name": "Crime"}]`);
        an unknown field is a ValueError. Once a movie is added, `search.movies` finds only added
        movies (by title or original title, case-insensitively): a test scripts the whole catalogue.
        """
        self.app.catalog.add("movie", movie_id, fields)

    def add_tv(self, series_id: int, **fields: Any) -> None:
        """Like add_movie, for a TV series (TvSeriesDetails fields; `search.tv` finds it by name)."""
        self.app.catalog.add("tv", series_id, fields)

    def add_person(self, person_id: int, **fields: Any) -> None:
        """Like add_movie, for a person (PersonDetails fields; `search.people` finds them by name)."""
        self.app.catalog.add("person", person_id, fields)

    def respond(
        self,
        route: str,
        *,
        json: Any = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
        times: int | None = None,
    ) -> None:
        """Answer `route` with this status and JSON body instead of the generated one.

        `route` is a method (`"movies.details"`: every id) or a path glob (`"/3/movie/550"`,
        `"/3/movie/*/credits"`). Without `json`, an error status gets TMDB's error body.
        `times=None` answers so every time; `times=2` the next two requests, then as before.
        Credentials are checked first; scripts are tried in the order they were given.
        """
        if not 100 <= status <= 599:
            raise ValueError(f"status must be an HTTP status (100-599), got {status!r}")
        if times is not None and times < 1:
            raise ValueError(f"times must be a positive count or None (always), got {times!r}")
        if route.startswith("/"):
            operation_id, pattern = None, route
        else:
            operation_id, pattern = route.replace(".", "_", 1), None
            if operation_id not in self.app.operation_ids:
                raise ValueError(
                    f"unknown route {route!r}: give a method like 'movies.details' or a path like '/3/movie/550'"
                )
        extra = list((headers or {}).items())
        if json is None and status >= 400:
            reply = tmdb_error(status, _ERROR_CODES.get(status, 0), f"Scripted {status} answer.", extra)
        else:
            reply = json_reply({} if json is None else json, status, extra)
        self.app.scripts.append(Script(operation_id, pattern, reply, times))

    def sample(self, method: str, /, *ids: int | str, **fields: Any) -> Any:
        """A complete answer of `method` (`"movies.details"`) for `ids`, as this fake serves it, `fields` laid over it.

        TMDB always sends the fields the models require, and the client checks that it did,
        so a scripted body (`respond(json=...)`, a respx route) starts from this one:
        `fake.respond("movies.details", json=fake.sample("movies.details", 550, title="Heat"))`.
        Nothing is served or counted. A method whose answer is a list takes no `fields`.
        """
        operation_id = method.replace(".", "_", 1)
        route = next((r for r in self.app.spec.routes() if r.operation_id == operation_id), None)
        if route is None:
            raise ValueError(f"unknown method {method!r}: give one like 'movies.details' (`tmdb-async methods`)")
        names = list(route.path_schemas)
        if len(ids) != len(names):
            wanted = ", ".join(names) or "none"
            raise ValueError(f"{method} takes {len(names)} id(s) ({wanted}), got {len(ids)}")
        values: dict[str, int | str] = {}
        for name, value in zip(names, ids, strict=True):
            read = self.app.path_value(name, str(value), route.path_schemas[name])
            if read is None:
                raise ValueError(f"{method}: {name}={value!r} would answer 404 here (out of range or missing)")
            values[name] = read
        data = json.loads(self.app.generated(route, values, {}).body)
        if not fields:
            return data
        if not isinstance(data, dict):
            raise ValueError(f"{method} answers a list: it takes no fields")
        sample = cast("dict[str, Any]", data)  # a JSON object: its keys are strings
        sample.update(fields)
        return sample

    def fail(self, path: str, kind: str, *, times: int = 1) -> None:
        """Act out fault `kind` on the next `times` requests whose path matches `path` (a glob)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(FAULT_KINDS)}")
        self.app.path_faults.append(PathFault(path, kind, times))

    async def start(self) -> None:
        await self._server.start()
        self._started = True

    async def close(self) -> None:
        await self._server.close()
        self._started = False

    async def __aenter__(self) -> FakeTMDB:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


def sample(method: str, /, *ids: int | str, seed: int = 0, **fields: Any) -> Any:
    """`FakeTMDB(seed=seed).sample(method, *ids, **fields)`: a complete answer for a respx route or a test's data.

    >>> respx.get("https://api.themoviedb.org/3/movie/550").respond(  # doctest: +SKIP
    ...     json=sample("movies.details", 550, title="Fight Club"))
    """
    return FakeTMDB(seed=seed).sample(method, *ids, **fields)
