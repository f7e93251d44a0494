"""TMDB's reference lists, a real subset: countries, languages, genres, jobs, certifications, providers.

FakeTMDB answers /configuration/*, /genre/*/list, /certification/*/list and
/watch/providers/* from these tables, and the data generator draws the countries,
languages and genres inside movies from them, so a `genre_ids` entry of a search result
is a genre that `genres.movie_list()` lists, and `configuration.countries()` lists
countries. Names and codes are TMDB's own (as /configuration and /genre/movie/list answer
them); the lists are shortened, not invented.
"""

from __future__ import annotations

# (iso_3166_1, english_name, native_name)
COUNTRY_TABLE = (
    ("US", "United States of America", "United States"),
    ("GB", "United Kingdom", "United Kingdom"),
    ("DE", "Germany", "Deutschland"),
    ("FR", "France", "France"),
    ("JP", "Japan", "日本"),
    ("BR", "Brazil", "Brasil"),
    ("IN", "India", "India"),
    ("CA", "Canada", "Canada"),
    ("ES", "Spain", "España"),
    ("IT", "Italy", "Italia"),
    ("KR", "South Korea", "대한민국"),
    ("MX", "Mexico", "México"),
)
# (iso_639_1, english_name, name): `name` is the language's own name, as TMDB spells it.
LANGUAGE_TABLE = (
    ("en", "English", "English"),
    ("de", "German", "Deutsch"),
    ("fr", "French", "Français"),
    ("ja", "Japanese", "日本語"),
    ("pt", "Portuguese", "Português"),
    ("es", "Spanish", "Español"),
    ("it", "Italian", "Italiano"),
    ("ko", "Korean", "한국어/조선말"),
    ("hi", "Hindi", "हिन्दी"),
)
MOVIE_GENRES = (
    (28, "Action"), (12, "Adventure"), (16, "Animation"), (35, "Comedy"), (80, "Crime"), (99, "Documentary"),
    (18, "Drama"), (10751, "Family"), (14, "Fantasy"), (36, "History"), (27, "Horror"), (10402, "Music"),
    (9648, "Mystery"), (10749, "Romance"), (878, "Science Fiction"), (10770, "TV Movie"), (53, "Thriller"),
    (10752, "War"), (37, "Western"),
)  # fmt: skip
TV_GENRES = (
    (10759, "Action & Adventure"), (16, "Animation"), (35, "Comedy"), (80, "Crime"), (99, "Documentary"),
    (18, "Drama"), (10751, "Family"), (10762, "Kids"), (9648, "Mystery"), (10763, "News"), (10764, "Reality"),
    (10765, "Sci-Fi & Fantasy"), (10766, "Soap"), (10767, "Talk"), (10768, "War & Politics"), (37, "Western"),
)  # fmt: skip
DEPARTMENTS = {
    "Directing": ["Director", "First Assistant Director"],
    "Writing": ["Screenplay", "Writer", "Novel"],
    "Production": ["Producer", "Executive Producer", "Casting"],
    "Camera": ["Director of Photography", "Camera Operator"],
    "Editing": ["Editor"],
    "Sound": ["Original Music Composer", "Sound Designer"],
    "Art": ["Production Design", "Set Decoration"],
    "Costume & Make-Up": ["Costume Design", "Makeup Artist"],
    "Visual Effects": ["Visual Effects Supervisor"],
    "Crew": ["Stunt Coordinator"],
}
TIMEZONES = {
    "US": ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"],
    "GB": ["Europe/London"],
    "DE": ["Europe/Berlin"],
    "FR": ["Europe/Paris"],
    "JP": ["Asia/Tokyo"],
    "BR": ["America/Sao_Paulo", "America/Manaus"],
    "IN": ["Asia/Kolkata"],
    "CA": ["America/Toronto", "America/Vancouver"],
    "ES": ["Europe/Madrid", "Atlantic/Canary"],
    "IT": ["Europe/Rome"],
    "KR": ["Asia/Seoul"],
    "MX": ["America/Mexico_City", "America/Cancun"],
}
PRIMARY_TRANSLATIONS = ("en-US", "en-GB", "de-DE", "fr-FR", "ja-JP", "pt-BR", "es-ES", "es-MX", "it-IT", "ko-KR")
# country -> (certification, meaning), mildest first; `order` is the position from 1.
MOVIE_CERTIFICATIONS = {
    "US": [("G", "All ages admitted."), ("PG", "Some material may not be suitable for children."),
           ("PG-13", "Some material may be inappropriate for children under 13."),
           ("R", "Under 17 requires accompanying parent or adult guardian."), ("NC-17", "No one 17 and under.")],
    "GB": [("U", "Suitable for all."), ("PG", "Parental guidance."), ("12A", "Suitable for 12 years and over."),
           ("15", "Suitable only for 15 years and over."), ("18", "Suitable only for adults.")],
    "DE": [("0", "No age restriction."), ("6", "No children younger than 6 years admitted."),
           ("12", "Children 12 or older admitted."), ("16", "Children 16 or older admitted."),
           ("18", "No youth admitted, only adults.")],
}  # fmt: skip
TV_CERTIFICATIONS = {
    "US": [("TV-Y", "For all children."), ("TV-G", "For general audiences."), ("TV-PG", "Parental guidance."),
           ("TV-14", "Parents strongly cautioned."), ("TV-MA", "For mature audiences only.")],
    "DE": [("0", "No age restriction."), ("6", "From 6 years."), ("12", "From 12 years."), ("16", "From 16 years."),
           ("18", "From 18 years.")],
}  # fmt: skip
# (provider_id, provider_name, logo_path)
WATCH_PROVIDERS = (
    (8, "Netflix", "/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg"),
    (9, "Amazon Prime Video", "/emthp39XA2YScoYL1p0sdbAH2WA.jpg"),
    (337, "Disney Plus", "/7rwgEs15tFwyR9NPQ5vpzxTj19Q.jpg"),
    (350, "Apple TV Plus", "/6uhKBfmtzFqOcLousHwZuzcrScK.jpg"),
    (1899, "Max", "/6Q3ZYUNA9Hsgj6iWnVsw2gR5V6z.jpg"),
    (531, "Paramount Plus", "/xbhHHa1YgtpwhC8lb1NQ3ACVcLd.jpg"),
)
COUNTRY_CODES = tuple(code for code, _, _ in COUNTRY_TABLE)
LANGUAGE_CODES = tuple(code for code, _, _ in LANGUAGE_TABLE)
COUNTRY_NAMES = {code: (english, native) for code, english, native in COUNTRY_TABLE}
LANGUAGE_NAMES = {code: (english, own) for code, english, own in LANGUAGE_TABLE}


def countries() -> list[dict[str, str]]:
    return [{"iso_3166_1": c, "english_name": e, "native_name": n} for c, e, n in COUNTRY_TABLE]


def languages() -> list[dict[str, str]]:
    return [{"iso_639_1": c, "english_name": e, "name": n} for c, e, n in LANGUAGE_TABLE]


def jobs() -> list[dict[str, object]]:
    return [{"department": department, "jobs": list(names)} for department, names in DEPARTMENTS.items()]


def timezones() -> list[dict[str, object]]:
    return [{"iso_3166_1": code, "zones": zones} for code, zones in TIMEZONES.items()]


def genres(kind: str) -> dict[str, object]:
    table = MOVIE_GENRES if kind == "movie" else TV_GENRES
    return {"genres": [{"id": ident, "name": name} for ident, name in table]}


def certifications(kind: str) -> dict[str, object]:
    table = MOVIE_CERTIFICATIONS if kind == "movie" else TV_CERTIFICATIONS
    return {
        "certifications": {
            country: [{"certification": c, "meaning": m, "order": i} for i, (c, m) in enumerate(ratings, 1)]
            for country, ratings in table.items()
        }
    }


def watch_provider_regions() -> dict[str, object]:
    return {"results": countries()}


def watch_providers() -> dict[str, object]:
    return {
        "results": [
            {
                "logo_path": logo,
                "provider_id": ident,
                "provider_name": name,
                "display_priority": priority,
                "display_priorities": dict.fromkeys(COUNTRY_CODES[:4], priority),
            }
            for priority, (ident, name, logo) in enumerate(WATCH_PROVIDERS, 1)
        ]
    }
