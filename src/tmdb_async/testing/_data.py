"""Deterministic, realistic TMDB data generated from the spec's schemas.

The same (seed, route, id, query) always gives the same body. Values follow the field
names (a `title` looks like a title, `*_path` like an image path, `*_date` like a date,
`vote_average` lies in 0..10), lists have realistic lengths (a movie has dozens of cast
and crew members), and nullable fields are now and then null, as TMDB's are. Positions
are numbered as TMDB numbers them (cast `order` 0..n-1, episodes and seasons from 1);
countries, languages and genres come from _reference.py with names that match their
codes; a movie, series or person gets its names from the `identity` callback (the
catalog of _catalog.py), so the same id reads the same wherever it shows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from ._reference import (
    COUNTRY_CODES,
    COUNTRY_NAMES,
    DEPARTMENTS,
    LANGUAGE_CODES,
    LANGUAGE_NAMES,
    MOVIE_CERTIFICATIONS,
    MOVIE_GENRES,
    TV_CERTIFICATIONS,
    WATCH_PROVIDERS,
)

WORDS = (  # noqa: SIM905 - a word list reads better as text
    "night dark river empire shadow last crimson silent golden broken iron lost midnight wild northern "
    "secret glass winter summer storm blood star fire stone city garden ghost king queen machine dream "
    "ocean desert island signal memory echo harbor orbit velvet"
).split()
FIRST_NAMES = (  # noqa: SIM905 - a word list reads better as text
    "Ada Ben Chloe Dev Elena Farid Grace Hiro Ines Jon Kofi Lena Mateo Nina Omar Priya Quinn Rosa Sami Tove"
).split()
LAST_NAMES = (  # noqa: SIM905 - a word list reads better as text
    "Abe Brandt Costa Dubois Eze Fischer Garcia Haddad Ito Jensen Kowalski Lund Moreau Novak Okafor"
).split()
VIDEO_TYPES = ["Trailer", "Teaser", "Clip", "Featurette", "Behind the Scenes", "Bloopers"]
COUNTRIES = list(COUNTRY_CODES)
LANGUAGES = list(LANGUAGE_CODES)
ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# How many items a list of this name holds (min, max).
LIST_SIZES = {
    "cast": (40, 80), "crew": (80, 160), "backdrops": (20, 40), "posters": (30, 60), "logos": (4, 10),
    "results": (5, 15), "genres": (1, 3), "genre_ids": (1, 3), "production_companies": (1, 4),
    "production_countries": (1, 2), "spoken_languages": (1, 2), "keywords": (5, 15), "titles": (3, 10),
    "translations": (5, 12), "changes": (1, 4), "items": (1, 5), "seasons": (2, 8), "roles": (1, 2),
    "jobs": (1, 2), "release_dates": (1, 3), "flatrate": (1, 4), "rent": (1, 3), "buy": (1, 3),
    "ads": (0, 2), "free": (0, 2), "networks": (1, 2), "created_by": (1, 2), "languages": (1, 2),
    "origin_country": (1, 1), "episode_run_time": (0, 1), "descriptors": (0, 1),
}  # fmt: skip
# The image sizes TMDB's /configuration lists (TMDB-FACTS "Images").
IMAGE_SIZES = {
    "poster_sizes": ("w92", "w154", "w185", "w342", "w500", "w780", "original"),
    "backdrop_sizes": ("w300", "w780", "w1280", "original"),
    "profile_sizes": ("w45", "w185", "h632", "original"),
    "still_sizes": ("w92", "w185", "w300", "original"),
    "logo_sizes": ("w45", "w92", "w154", "w185", "w300", "w500", "original"),
}
PAGE_SIZE = 20
NULL_RATE = 0.05  # how often a nullable field is null
# Components that stand for a movie, a TV series or a person: their `id` is that thing's
# id, so their names come from `identity` (one title per movie id, wherever it shows).
MOVIE_SCHEMAS = frozenset({
    "MovieDetails", "MovieSummary", "MovieMediaItem", "MovieFields", "RatedMovie", "CreditMovie",
    "PersonMovieCastCredit", "PersonMovieCrewCredit", "CombinedMovieCastCredit", "CombinedMovieCrewCredit",
})  # fmt: skip
TV_SCHEMAS = frozenset({
    "TvSeriesDetails", "TvSeriesSummary", "TvSeriesMediaItem", "TvSeriesFields", "RatedTvSeries", "CreditTvSeries",
    "PersonTvCastCredit", "PersonTvCrewCredit", "CombinedTvCastCredit", "CombinedTvCrewCredit",
})  # fmt: skip
PERSON_SCHEMAS = frozenset({
    "PersonDetails", "PersonSummary", "PersonMediaItem", "PersonFields", "CastMember", "CrewMember",
    "AggregateCastMember", "AggregateCrewMember", "Creator",
})  # fmt: skip
KIND_OF_SCHEMA = {
    **dict.fromkeys(MOVIE_SCHEMAS, "movie"), **dict.fromkeys(TV_SCHEMAS, "tv"),
    **dict.fromkeys(PERSON_SCHEMAS, "person"),
}  # fmt: skip
# Called with (kind, id) for every movie, series and person the generator builds: the
# fields to lay over it (FakeApp's catalog: the names for that id, what a test added).
Identity = Callable[[str, int], dict[str, Any]]


def no_identity(kind: str, ident: int) -> dict[str, Any]:
    return {}


class Generator:
    """Builds JSON values for the spec's component schemas."""

    def __init__(self, spec: dict[str, Any], identity: Identity = no_identity) -> None:
        self.schemas: dict[str, Any] = spec["components"]["schemas"]
        self.identity = identity

    def build(self, schema_name: str, rng: random.Random, *, ident: int | None = None) -> Any:
        """A value of the named component; `ident` becomes its `id` when it has one."""
        return self._object(schema_name, self.schemas[schema_name], rng, ident=ident, depth=0)

    def value(self, name: str, schema: dict[str, Any], rng: random.Random) -> Any:
        """A value of any schema (an array of components, a string, ...), named `name`."""
        return self._value(name, schema, rng, 0)

    def flatten(self, schema: dict[str, Any]) -> dict[str, Any]:
        """An allOf schema as one object schema (properties and required of every part)."""
        if "allOf" not in schema:
            return schema
        properties: dict[str, Any] = {}
        required: list[str] = []
        for part in schema["allOf"]:
            if "$ref" in part:
                part = self.flatten(self.schemas[part["$ref"].rsplit("/", 1)[-1]])
            properties.update(part.get("properties", {}))
            required += part.get("required", [])
        return {"type": "object", "properties": properties, "required": required}

    # -- schema walking --------------------------------------------------------------
    def _object(self, name: str, schema: dict[str, Any], rng: random.Random, *, ident: int | None, depth: int) -> Any:
        if "oneOf" in schema:  # a mixed list: one of the variants that name their media_type
            variants = [v for v in schema["oneOf"] if "$ref" in v][:-1] or schema["oneOf"]
            ref = rng.choice(variants)["$ref"].rsplit("/", 1)[-1]
            return self._object(ref, self.schemas[ref], rng, ident=ident, depth=depth)
        if name == "Genre":
            genre, genre_name = rng.choice(MOVIE_GENRES)
            return {"id": genre, "name": genre_name}
        schema = self.flatten(schema)
        if "properties" not in schema and isinstance(schema.get("additionalProperties"), dict):
            keys = rng.sample(COUNTRIES, rng.randint(2, 4))
            return {key: self._value(name, schema["additionalProperties"], rng, depth + 1) for key in sorted(keys)}
        required = set(schema.get("required", []))
        result: dict[str, Any] = {}
        for prop, sub in schema.get("properties", {}).items():
            if "$ref" in sub and prop not in required and depth == 0 and name.endswith("Details"):
                continue  # appended sub-resources: only when asked for
            if "const" in sub:
                result[prop] = sub["const"]
                continue
            if prop not in required and (prop == "media_type" or depth > 3):
                continue
            if prop == "id" and ident is not None and sub.get("type") == "integer":
                result[prop] = ident
                continue
            result[prop] = self._value(prop, sub, rng, depth + 1)
        _name_codes(result)
        _certified(result, rng)
        if "provider_id" in result and "provider_name" in result:  # a real provider, logo and all
            result["provider_id"], result["provider_name"], logo = rng.choice(WATCH_PROVIDERS)
            if "logo_path" in result:
                result["logo_path"] = logo
        kind = KIND_OF_SCHEMA.get(name)
        if kind is not None and isinstance(result.get("id"), int):
            props = schema.get("properties", {})
            result.update((k, v) for k, v in self.identity(kind, result["id"]).items() if k in props)
        return result

    def _value(self, prop: str, schema: dict[str, Any], rng: random.Random, depth: int) -> Any:
        if "$ref" in schema:
            ref = schema["$ref"].rsplit("/", 1)[-1]
            return self._object(ref, self.schemas[ref], rng, ident=None, depth=depth)
        if "anyOf" in schema:
            options = [option for option in schema["anyOf"] if option.get("type") != "null"]
            if len(options) < len(schema["anyOf"]) and rng.random() < 0.2:
                return None
            if options and options[-1].get("type") == "boolean" and rng.random() < 0.5:
                return False  # AccountStates.rated: false when not rated
            return self._value(prop, options[0], rng, depth)
        types: str | list[str] | None = schema.get("type")  # JSON Schema: a name or a list of names
        nullable = isinstance(types, list) and "null" in types
        kind = next((t for t in types if t != "null"), None) if isinstance(types, list) else types
        if nullable and rng.random() < NULL_RATE:
            return None
        if kind == "array":
            if prop in IMAGE_SIZES:
                return list(IMAGE_SIZES[prop])
            low, high = LIST_SIZES.get(prop, (1, 4))
            if prop == "genre_ids":
                return [g for g, _ in rng.sample(MOVIE_GENRES, rng.randint(low, high))]
            items = [self._value(_singular(prop), schema["items"], rng, depth) for _ in range(rng.randint(low, high))]
            return _numbered(prop, items)
        if kind == "object":
            return {code: self._value(prop, schema["additionalProperties"], rng, depth) for code in COUNTRIES[:3]}
        if kind == "string":
            return _string(prop, rng)
        if kind == "integer":
            return _integer(prop, rng)
        if kind == "number":
            return _number(prop, rng)
        if kind == "boolean":
            return prop in {"official", "in_production", "success"} and rng.random() < 0.8
        return _string(prop, rng)  # a free-form value (ChangeItem.value)


def _name_codes(item: dict[str, Any]) -> None:
    """Country and language names that agree with the codes beside them."""
    language = item.get("iso_639_1")
    country = item.get("iso_3166_1")
    if language in LANGUAGE_NAMES and ("english_name" in item or "name" in item):
        english, own = LANGUAGE_NAMES[language]  # a translation names its language
        item.update((k, v) for k, v in (("english_name", english), ("name", own)) if k in item)
    elif country in COUNTRY_NAMES:
        english, native = COUNTRY_NAMES[country]
        named = (("english_name", english), ("native_name", native), ("name", english))
        item.update((k, v) for k, v in named if k in item)


def _certified(item: dict[str, Any], rng: random.Random) -> None:
    """Certifications of the country they are given in, as `certifications.*_list()` lists them ("" elsewhere)."""
    country = item.get("iso_3166_1")
    if isinstance(item.get("rating"), str):  # a TV content rating (a rated item's rating is a number)
        ratings = TV_CERTIFICATIONS.get(country or "")
        item["rating"] = rng.choice(ratings)[0] if ratings else ""
    elif isinstance(item.get("release_dates"), list):  # a movie's release dates in one country
        ratings = MOVIE_CERTIFICATIONS.get(country or "")
        for release in item["release_dates"]:
            if isinstance(release, dict) and "certification" in release:
                release["certification"] = rng.choice(ratings)[0] if ratings else ""


def _numbered(prop: str, items: list[Any]) -> list[Any]:
    """Positions TMDB numbers: cast `order` 0..n-1, `episode_number` and `season_number` 1..n; no repeated genre."""
    field = {"cast": "order", "episodes": "episode_number", "seasons": "season_number"}.get(prop)
    start = 0 if prop == "cast" else 1
    if field is not None:
        for position, item in enumerate(items, start):
            if isinstance(item, dict) and field in item:
                item[field] = position
    if prop == "genres":
        unique: dict[object, dict[str, Any]] = {
            item["id"]: item for item in items if isinstance(item, dict) and "id" in item
        }
        return list(unique.values())
    return items


def _singular(prop: str) -> str:
    return {"genres": "genre", "cast": "cast", "crew": "crew"}.get(prop, prop.rstrip("s"))


def title(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(1, 3))
    return ("The " if rng.random() < 0.3 else "") + " ".join(w.capitalize() for w in words)


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[:1].upper() + text[1:] + "."


def date(rng: random.Random) -> str:
    return f"{rng.randint(1950, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _token(rng: random.Random, length: int, alphabet: str = ALPHABET) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def _string(prop: str, rng: random.Random) -> str:
    if prop.endswith("_path"):
        return f"/{_token(rng, 27)}.{'png' if prop == 'logo_path' else 'jpg'}"
    if prop.endswith("date") or prop in {"maximum", "minimum"}:
        return date(rng)
    if prop.endswith("_at") or prop == "time":
        return f"{date(rng)}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00.000Z"
    if prop in {"title", "original_title", "name", "original_name"}:
        return title(rng)
    if prop in {"character", "author", "username", "english_name"}:
        return person(rng)
    if prop in {"overview", "content", "description", "biography"}:
        return sentence(rng, rng.randint(15, 45))
    if prop in {"tagline", "note", "status_message"}:
        return sentence(rng, rng.randint(3, 8))
    if prop in {"iso_639_1", "original_language"}:
        return rng.choice(LANGUAGES)
    if prop in {"iso_3166_1", "origin_country", "country"}:
        return rng.choice(COUNTRIES)
    if prop in {"credit_id", "id", "guest_session_id"}:
        return _token(rng, 24, "0123456789abcdef")
    if prop == "department" or prop == "known_for_department":
        return rng.choice(list(DEPARTMENTS))
    if prop == "job":
        return rng.choice([job for jobs in DEPARTMENTS.values() for job in jobs])
    if prop == "imdb_id":
        return f"tt{rng.randint(100000, 9999999):07d}"
    if prop == "secure_base_url":
        return "https://image.tmdb.org/t/p/"
    if prop == "base_url":
        return "http://image.tmdb.org/t/p/"
    if prop in {"homepage", "url", "link"}:
        return f"https://www.example.org/{_token(rng, 10).lower()}"
    if prop == "key":
        return _token(rng, 11)
    if prop == "site":
        return "YouTube"
    if prop == "type":
        return rng.choice(VIDEO_TYPES)
    if prop == "status":
        return rng.choice(["Released", "Released", "Post Production", "Returning Series", "Ended"])
    if prop in {"certification", "rating"}:
        return rng.choice(["PG", "PG-13", "R", "12", "16", ""])
    return sentence(rng, 2)[:-1]


def _integer(prop: str, rng: random.Random) -> int:
    if prop in {"budget", "revenue"}:
        return rng.randint(0, 300) * 1_000_000
    if prop == "runtime":
        return rng.randint(20, 180)
    if prop == "gender":
        return rng.randint(0, 3)
    if prop in {"vote_count", "favorite_count", "item_count"}:
        return rng.randint(0, 30_000)
    if prop in {"episode_number", "season_number", "order", "cast_id", "display_priority", "episode_count"}:
        return rng.randint(1, 40)
    if prop in {"width", "height", "size"}:
        return rng.choice([360, 480, 720, 1080, 1920, 2160, 3000])
    if prop in {"number_of_episodes", "total_episode_count", "group_count"}:
        return rng.randint(1, 100)
    if prop in {"number_of_seasons", "type"}:
        return rng.randint(1, 6)
    return rng.randint(1, 2_000_000)


def _number(prop: str, rng: random.Random) -> float:
    if prop == "vote_average" or prop == "rating" or prop == "value":
        return round(rng.uniform(0, 10), 3)
    if prop == "aspect_ratio":
        return rng.choice([0.667, 1.778, 2.39])
    return round(rng.uniform(0, 500), 3)
