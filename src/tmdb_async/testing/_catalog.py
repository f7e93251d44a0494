"""Who is who in FakeTMDB: one identity per movie, TV series and person id.

A movie's title, release date, poster, genres, ... are drawn once per (seed, id), so
movie 603 has the same title in `movies.popular()`, in a search, in a person's credits
and in `movies.details(603)`. On top of the drawn identity lie, in this order, the names a
search gave (a search for "heat" finds movies whose titles contain "heat", and their
details agree) and what a test added with `FakeTMDB.add_movie()` (`add_tv`,
`add_person`), which always wins.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from typing import Any, cast

from ._data import Generator, title
from ._reference import MOVIE_GENRES, TV_GENRES

KINDS = ("movie", "tv", "person")
SUMMARY_SCHEMA = {"movie": "MovieSummary", "tv": "TvSeriesSummary", "person": "PersonSummary"}
DETAILS_SCHEMA = {"movie": "MovieDetails", "tv": "TvSeriesDetails", "person": "PersonDetails"}
# The fields that are the thing itself (not a credit's `character`, not a list's position).
IDENTITY_FIELDS = frozenset({
    "title", "original_title", "name", "original_name", "overview", "release_date", "first_air_date",
    "poster_path", "backdrop_path", "profile_path", "original_language", "popularity", "vote_average",
    "vote_count", "adult", "video", "gender", "known_for_department", "genre_ids", "origin_country",
})  # fmt: skip
NAME_FIELDS = {"movie": ("title", "original_title"), "tv": ("name", "original_name"),
               "person": ("name", "original_name")}  # fmt: skip
GENRE_NAMES = {"movie": dict(MOVIE_GENRES), "tv": dict(TV_GENRES)}
MEMO_SIZE = 50_000


class Catalog:
    """Identities by (kind, id): drawn, named by searches, or added by a test."""

    def __init__(self, spec: dict[str, Any], seed: int, on_change: Callable[[], None]) -> None:
        self._bare = Generator(spec)  # no identities of its own: builds the drawn ones
        self._seed = seed
        self._on_change = on_change
        schemas = spec["components"]["schemas"]
        self._details_fields = {
            kind: frozenset(self._bare.flatten(schemas[name]).get("properties", {}))
            for kind, name in DETAILS_SCHEMA.items()
        }
        # Only the identity fields are drawn (a whole PersonSummary, known_for and all, costs 10x).
        self._drawn_fields = {
            kind: {k: v for k, v in self._bare.flatten(schemas[name])["properties"].items() if k in IDENTITY_FIELDS}
            for kind, name in SUMMARY_SCHEMA.items()
        }
        self.added: dict[str, dict[int, dict[str, Any]]] = {kind: {} for kind in KINDS}
        self._named: dict[tuple[str, int], dict[str, Any]] = {}
        self._memo: dict[tuple[str, int], dict[str, Any]] = {}

    def identity(self, kind: str, ident: int) -> dict[str, Any]:
        """The fields of `kind` `ident` that agree wherever it shows."""
        key = (kind, ident)
        found = self._memo.get(key)
        if found is None:
            rng = random.Random(f"{self._seed}|{kind}|{ident}")
            found = {k: self._bare.value(k, schema, rng) for k, schema in self._drawn_fields[kind].items()}
            if kind in GENRE_NAMES:
                found["genre_ids"] = sorted(rng.sample(sorted(GENRE_NAMES[kind]), rng.randint(1, 3)))
            found.update(self._named.get(key, {}))
            found.update(self.added[kind].get(ident, {}))
            _genres_agree(kind, found)
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = found
        return found

    def add(self, kind: str, ident: int, fields: dict[str, Any]) -> None:
        """Lay `fields` over `kind` `ident` everywhere it shows (checked against the details schema)."""
        if isinstance(ident, bool) or not isinstance(ident, int) or ident < 1:
            raise ValueError(f"a {kind} id is a positive integer, got {ident!r}")
        known = self._details_fields[kind]
        unknown = sorted(set(fields) - known)
        if unknown:
            names = ", ".join(map(repr, unknown))
            raise ValueError(f"{DETAILS_SCHEMA[kind]} has no field {names}; known: {', '.join(sorted(known))}")
        self.added[kind].setdefault(ident, {}).update(fields)
        self._changed(kind, ident)

    def name(self, kind: str, ident: int, text: str) -> None:
        """Give `kind` `ident` this name (a search found it by it), unless a test added one."""
        self.describe(kind, ident, dict.fromkeys(NAME_FIELDS[kind], text))

    def describe(self, kind: str, ident: int, fields: dict[str, Any]) -> None:
        """Lay these identity fields over the drawn ones (a test's additions still win)."""
        if self._named.get((kind, ident)) != fields:
            self._named[(kind, ident)] = fields
            self._changed(kind, ident)

    def known(self, ident: int) -> bool:
        """Whether a test added something with this id (it exists whatever max_id says)."""
        return any(ident in by_id for by_id in self.added.values())

    def search(self, kinds: Iterable[str], query: str) -> list[tuple[str, int]] | None:
        """The added items of these kinds whose names contain `query`; None when none of these kinds were added."""
        kinds = [kind for kind in kinds if self.added[kind]]
        if not kinds:
            return None
        needle = query.casefold()
        return [
            (kind, ident)
            for kind in kinds
            for ident in sorted(self.added[kind])
            if any(needle in str(self.identity(kind, ident).get(f, "")).casefold() for f in NAME_FIELDS[kind])
        ]

    def _changed(self, kind: str, ident: int) -> None:
        self._memo.pop((kind, ident), None)
        self._on_change()


def search_name(query: str, position: int, rng: random.Random) -> str:
    """The name of the result at `position` of a search for `query`: it contains the query."""
    return query if position == 0 else f"{query} {title(rng)}" if position % 2 else f"{title(rng)} {query}"


def _genres_agree(kind: str, fields: dict[str, Any]) -> None:
    """`genres` (details) and `genre_ids` (lists) name the same genres, whichever a test gave."""
    names = GENRE_NAMES.get(kind)
    if names is None:
        return
    if "genres" in fields and isinstance(fields["genres"], list):
        fields["genre_ids"] = [
            g["id"] for g in cast("list[object]", fields["genres"]) if isinstance(g, dict) and "id" in g
        ]
    elif isinstance(fields.get("genre_ids"), list):
        fields["genres"] = [{"id": g, "name": names.get(g, "Drama")} for g in fields["genre_ids"]]
