"""FakeTMDB's behaviours beyond generated data, one function per behaviour.

`@handles("movies_add_rating", ...)` registers a function for operationIds: FakeApp calls
it (after credentials, routing and path checks) instead of generating the answer. A new
behaviour is one function here; an operation without one gets generated data.
"""

from __future__ import annotations

import json
import random
import secrets
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._spec import Route, ref_name
from . import _reference as reference
from ._catalog import search_name
from ._data import PAGE_SIZE
from ._replies import DELETED, NOT_FOUND, Reply, json_reply, tmdb_error

if TYPE_CHECKING:
    from ._app import FakeApp

SEASON_EPISODES = 10  # episodes per season in account states
MAX_SEARCH_RESULTS = 45  # a generated search finds 1..45 items
UPDATED = {"success": True, "status_code": 12, "status_message": "The item/record was updated successfully."}
CREATED = {"success": True, "status_code": 1, "status_message": "Success."}
NOT_PERMITTED = (401, 3, "Authentication failed: You do not have permissions to access the service.")
INVALID_VALUE = (400, 18, "Value invalid: Values must be a multiple of 0.50 between 0.5 and 10.0.")


@dataclass
class Call:
    """One request, routed: its operation, parsed path ids, query and body."""

    route: Route
    ids: dict[str, int | str]
    query: dict[str, str]
    body: bytes

    @property
    def operation_id(self) -> str:
        return self.route.operation_id

    @property
    def kind(self) -> str:
        """The tag: ratings of movies, tv and tv_episodes are kept apart."""
        return str(self.route.operation["tags"][0])


Handler = Callable[["FakeApp", Call], Reply]
HANDLERS: dict[str, Handler] = {}


def handles(*operation_ids: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the answer to these operations."""

    def register(handler: Handler) -> Handler:
        for operation_id in operation_ids:
            if operation_id in HANDLERS:
                raise ValueError(f"{operation_id} already has a handler: {HANDLERS[operation_id].__name__}")
            HANDLERS[operation_id] = handler
        return handler

    return register


# -- reference lists ---------------------------------------------------------------------
def _fixed(*operation_ids: str, answer: Callable[[], Any]) -> None:
    def fixed(app: FakeApp, call: Call) -> Reply:
        return json_reply(answer())

    handles(*operation_ids)(fixed)


_fixed("configuration_countries", answer=reference.countries)
_fixed("configuration_languages", answer=reference.languages)
_fixed("configuration_jobs", answer=reference.jobs)
_fixed("configuration_timezones", answer=reference.timezones)
_fixed("configuration_primary_translations", answer=lambda: list(reference.PRIMARY_TRANSLATIONS))
_fixed("genres_movie_list", answer=lambda: reference.genres("movie"))
_fixed("genres_tv_list", answer=lambda: reference.genres("tv"))
_fixed("certifications_movie_list", answer=lambda: reference.certifications("movie"))
_fixed("certifications_tv_list", answer=lambda: reference.certifications("tv"))
_fixed("watch_providers_regions", answer=reference.watch_provider_regions)
_fixed("watch_providers_movie_providers", "watch_providers_tv_providers", answer=reference.watch_providers)


# -- search ----------------------------------------------------------------------------
SEARCH_KINDS = {
    "search_movies": ("movie",), "search_tv": ("tv",), "search_people": ("person",),
    "search_multi": ("movie", "tv", "person"), "search_collections": (), "search_companies": (),
    "search_keywords": (),
}  # fmt: skip


@handles(*SEARCH_KINDS)
def search(app: FakeApp, call: Call) -> Reply:
    """Results whose names contain the query, whose details agree; only added items once a test added some."""
    query = call.query.get("query", "").strip()
    page = int(call.query.get("page", "1"))
    kinds = SEARCH_KINDS[call.operation_id]
    page_schema = app.spec.success_name(call.route.operation)
    assert page_schema is not None
    item_ref = ref_name(app.spec.page_item(page_schema)["$ref"])
    variants = app.spec.variants(item_ref) or dict.fromkeys(kinds, item_ref)
    found = app.catalog.search(kinds, query) if query else []
    if found is not None:  # a test added items of these kinds: only they exist
        entries = found
    else:
        count = 1 + zlib.crc32(f"{app.seed}|{call.operation_id}|{query.casefold()}".encode()) % MAX_SEARCH_RESULTS
        base = 1 + zlib.crc32(query.casefold().encode()) % max(1, app.max_id - MAX_SEARCH_RESULTS)
        entries = [(kinds[i % len(kinds)] if kinds else "", base + i) for i in range(count)]
    total_pages = max(1, -(-len(entries) // PAGE_SIZE))
    results: list[dict[str, Any]] = []
    first = (page - 1) * PAGE_SIZE
    for position, (kind, ident) in enumerate(entries[first : first + PAGE_SIZE], first):
        rng = random.Random(f"{app.seed}|search|{kind}|{ident}")
        if found is None and kind:
            app.catalog.name(kind, ident, search_name(query, position, rng))
        item = app.generator.build(variants.get(kind, item_ref), rng, ident=ident)
        if not kind and "name" in item:  # collections, companies, keywords: no identity to agree with
            item["name"] = search_name(query, position, rng)
            if "original_name" in item:
                item["original_name"] = item["name"]
        results.append(item)
    return json_reply({"page": page, "results": results, "total_pages": total_pages, "total_results": len(entries)})


# -- guest sessions, ratings, account states --------------------------------------------
@handles("authentication_create_guest_session")
def create_guest_session(app: FakeApp, call: Call) -> Reply:
    session = secrets.token_hex(16)
    app.guest_sessions[session] = time.time() + 3600
    expires = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(app.guest_sessions[session]))
    return json_reply({"success": True, "guest_session_id": session, "expires_at": expires})


def _session(app: FakeApp, call: Call) -> str | None:
    """The session the call acts for, or None when TMDB would refuse it (401, code 3)."""
    guest = call.query.get("guest_session_id")
    session = guest or call.query.get("session_id") or ""
    if not session or (guest and session not in app.guest_sessions):
        return None
    return session


def _slot(session: str, call: Call) -> tuple[str, str, Any]:
    values = tuple(call.ids.values())
    return session, call.kind, values[0] if len(values) == 1 else values  # 550, or (1399, 1, 1)


@handles("movies_add_rating", "tv_add_rating", "tv_episodes_add_rating")
def add_rating(app: FakeApp, call: Call) -> Reply:
    session = _session(app, call)
    if session is None:
        return tmdb_error(*NOT_PERMITTED)
    value = _rating_value(call.body)
    if value is None:
        return tmdb_error(*INVALID_VALUE)
    slot = _slot(session, call)
    updated = slot in app.ratings
    app.ratings[slot] = value
    return json_reply(UPDATED if updated else CREATED, 201)


@handles("movies_delete_rating", "tv_delete_rating", "tv_episodes_delete_rating")
def delete_rating(app: FakeApp, call: Call) -> Reply:
    session = _session(app, call)
    if session is None:
        return tmdb_error(*NOT_PERMITTED)
    if app.ratings.pop(_slot(session, call), None) is None:
        return tmdb_error(*NOT_FOUND)
    return json_reply(DELETED)


@handles("movies_account_states", "tv_account_states", "tv_episodes_account_states")
def account_states(app: FakeApp, call: Call) -> Reply:
    session = _session(app, call)
    if session is None:
        return tmdb_error(*NOT_PERMITTED)
    slot = _slot(session, call)
    rated: Any = {"value": app.ratings[slot]} if slot in app.ratings else False
    first = next(iter(call.ids.values()), 0)
    return json_reply({"id": first, "favorite": False, "rated": rated, "watchlist": False})


@handles("tv_seasons_account_states")
def season_account_states(app: FakeApp, call: Call) -> Reply:
    """One entry per episode of the season, rated as stored for the session."""
    session = _session(app, call)
    if session is None:
        return tmdb_error(*NOT_PERMITTED)
    series, number = call.ids.values()
    assert isinstance(series, int)
    assert isinstance(number, int)
    results: list[dict[str, Any]] = []
    for episode in range(1, SEASON_EPISODES + 1):
        stored = app.ratings.get((session, "tv_episodes", (series, number, episode)))
        results.append({
            "id": series * 10_000 + number * 100 + episode,
            "episode_number": episode,
            "rated": {"value": stored} if stored is not None else False,
        })  # fmt: skip
    return json_reply({"id": series * 100 + number, "results": results})


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
