"""The real TMDB answers of tests/fixtures/real (see its README) and the ones that no longer parse."""

from __future__ import annotations

import json
from typing import Any

from support import FIXTURES

REAL = FIXTURES / "real"
MANIFEST: list[dict[str, Any]] = json.loads((REAL / "manifest.json").read_text(encoding="utf-8"))

# file -> the start of the error its old shape raises, with the shape that TMDB no longer
# serves (tests/fixtures/real/README.md says more). These bodies are left out of the rule of
# `required` (tests/required_rule.py); fields added since they were recorded are missing too.
OLD_SHAPES = {
    # php-tmdb's "all.json": `translations` is a bare array (TMDB serves {"translations": [...]})
    # and the episode has no crew: a fixture assembled by the library, not an answer as served.
    "bodies/php-tmdb-api/tv_episodes_details.json": "$.crew: expected array of objects, got nothing",
    # 2014/2016: the media of a credit had neither first_air_date nor season ids.
    "bodies/themoviedb-api-rb-2016/credits_details.json": "$.media.first_air_date: expected string or null",
    "bodies/php-tmdb-api/credits_details.json": "$.media.first_air_date: expected string or null",
    # List ids were hex strings until TMDB made v3 list ids integers.
    "bodies/themoviedb-api-rb-2016/movies_lists.json": "$.results[0].id: expected integer, got str '522eff",
    "bodies/php-tmdb-api/account_lists.json": "$.results[0].id: expected integer, got str '50a672",
    # Translations without their country and without `data` (the texts were not translated yet).
    "bodies/themoviedb-api-rb-2016/movies_translations.json": "$.translations[0].iso_3166_1: expected string",
    "bodies/themoviedb-api-rb-2016/tv_translations.json": "$.translations[0].iso_3166_1: expected string, got nothing",
    # popularity as a string: the one value of the wrong type in 468 answers.
    "bodies/php-tmdb-api/people_details.json": "$.popularity: expected number, got str '2.26771296623734'",
    # Season episodes without ids.
    "bodies/php-tmdb-api/tv_seasons_details.json": "$.episodes[0].id: expected integer, got nothing",
}
# Requests that the client no longer sends as recorded: v3 list ids were hex strings until
# TMDB made them integers; the facade takes a number.
OLD_REQUESTS = {
    "bodies/tmdblib-2019/lists_item_status.json",
    "bodies/tmdblib-2019/lists_item_status-2.json",
    "bodies/php-tmdb-api/lists_details.json",
    "bodies/php-tmdb-api/lists_delete.json",
    "bodies/php-tmdb-api/lists_remove_movie.json",
    "bodies/php-tmdb-api/lists_add_movie.json",
    "bodies/tmdblib-2019/lists_add_movie.json",
    "bodies/tmdblib-2019/lists_clear.json",
}
