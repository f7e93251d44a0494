"""The people's models: a new person's nulls, "" dates, typed appended sub-resources, credits told apart."""

from __future__ import annotations

import copy

import tmdb_async_api.models as m
from tmdb_async_api.types import UNSET

from spec_models import parse, without_id
from support import official, spec

TOM_HANKS = 31  # the person of TMDB's official examples


def test_nullable_where_tmdb_sends_null() -> None:
    schemas = spec()["components"]["schemas"]
    expected = {
        "PersonDetails": ["biography", "birthday", "deathday", "homepage", "imdb_id", "known_for_department",
                          "place_of_birth", "profile_path", "gender"],
        "PersonExternalIds": ["freebase_mid", "freebase_id", "imdb_id", "tvrage_id", "wikidata_id", "facebook_id",
                              "instagram_id", "tiktok_id", "twitter_id", "youtube_id"],
        "PersonTranslationData": ["biography", "name"],
    }  # fmt: skip
    for schema_name, props in expected.items():
        for prop in props:
            types = schemas[schema_name]["properties"][prop]["type"]
            assert "null" in types, f"{schema_name}.{prop}"


def test_the_latest_person_is_nearly_all_null() -> None:
    latest = parse("PersonDetails", official("people.latest"))
    assert latest.birthday is None
    assert latest.deathday is None
    assert latest.imdb_id is None
    assert latest.known_for_department is None
    assert latest.place_of_birth is None
    assert latest.profile_path is None
    assert latest.homepage is None
    assert latest.biography == ""
    assert latest.also_known_as == []
    assert latest.changes is UNSET


def test_empty_dates_and_null_gender_of_a_person_parse() -> None:
    data = official("people.details") | {"birthday": "", "deathday": "", "gender": None, "biography": None}
    person = parse("PersonDetails", data)
    assert (person.birthday, person.deathday, person.gender, person.biography) == ("", "", None, None)


def test_appended_sub_resources_are_typed_properties() -> None:
    appended = {
        "changes": official("people.changes"),
        "combined_credits": official("people.combined_credits"),
        "external_ids": official("people.external_ids"),
        "images": official("people.images"),
        "movie_credits": official("people.movie_credits"),
        "tagged_images": official("people.tagged_images"),
        "translations": official("people.translations"),
        "tv_credits": official("people.tv_credits"),
    }
    # An appended sub-resource drops the `id` of the stand-alone endpoint.
    data = official("people.details") | {name: without_id(body) for name, body in appended.items()}
    person = parse("PersonDetails", data)
    assert isinstance(person.combined_credits.cast[0], m.CombinedMovieCastCredit)
    assert person.external_ids.imdb_id == "nm0000158"
    assert person.external_ids.id is UNSET
    assert person.images.profiles[0].height == 980
    assert person.movie_credits.cast[0].character == "Forrest Gump"
    assert person.tagged_images.total_results == 13
    assert person.translations.translations[0].data.name == "Tom Hanks"
    assert person.tv_credits.crew[0].job == "Director"
    assert person.changes.changes[1].key == "translations"


def test_combined_credits_are_told_apart_by_media_type() -> None:
    credits = parse("PersonCombinedCredits", official("people.combined_credits"))
    cast_kinds = [type(item).__name__ for item in credits.cast]
    crew_kinds = [type(item).__name__ for item in credits.crew]
    assert (cast_kinds.count("CombinedMovieCastCredit"), cast_kinds.count("CombinedTvCastCredit")) == (150, 67)
    assert (crew_kinds.count("CombinedMovieCrewCredit"), crew_kinds.count("CombinedTvCrewCredit")) == (41, 28)
    tv = next(item for item in credits.cast if isinstance(item, m.CombinedTvCastCredit))
    assert (tv.name, tv.episode_count) == ("LIVE with Kelly and Mark", 1)
    # The official example has a crew TV credit without episode_count: it stays UNSET.
    assert any(isinstance(item, m.CombinedTvCrewCredit) and item.episode_count is UNSET for item in credits.crew)


def test_combined_credits_keep_empty_dates_and_characters() -> None:
    credits = parse("PersonCombinedCredits", official("people.combined_credits"))
    undated = [item for item in credits.cast if isinstance(item, m.CombinedMovieCastCredit) and item.release_date == ""]
    assert undated
    assert any(item.character == "" for item in credits.cast if isinstance(item, m.CombinedTvCastCredit))


def test_an_unknown_combined_credit_media_type_is_kept_as_other_media_item() -> None:
    data = copy.deepcopy(official("people.combined_credits"))
    data["cast"][0]["media_type"] = "collection"
    data["crew"][0]["media_type"] = "tv_episode"
    unmodelled = [f"$.cast[0].{key}" for key in data["cast"][0] if key not in {"id", "media_type"}]
    unmodelled += [f"$.crew[0].{key}" for key in data["crew"][0] if key not in {"id", "media_type"}]
    credits = parse("PersonCombinedCredits", data, unmodelled=tuple(unmodelled))
    cast, crew = credits.cast[0], credits.crew[0]
    assert isinstance(cast, m.OtherMediaItem)
    assert (cast.media_type, cast.id, cast.additional_properties["title"]) == ("collection", 13, "Forrest Gump")
    assert isinstance(crew, m.OtherMediaItem)
    assert crew.additional_properties["job"] == "Thanks"


def test_nulls_in_a_person_credit_parse() -> None:
    data = copy.deepcopy(official("people.movie_credits"))
    data["cast"][0] |= {"character": None, "poster_path": None, "backdrop_path": None, "overview": None}
    data["crew"][0] |= {"department": "Time Travel", "job": "Paradox Supervisor", "release_date": ""}
    credits = parse("PersonMovieCredits", data)
    assert (credits.cast[0].character, credits.cast[0].poster_path) == (None, None)
    assert (credits.crew[0].department, credits.crew[0].job, credits.crew[0].release_date) == (
        "Time Travel",
        "Paradox Supervisor",
        "",
    )
    tv = copy.deepcopy(official("people.tv_credits"))
    tv["cast"][0] |= {"first_air_date": "", "character": None}
    parsed = parse("PersonTvCredits", tv)
    assert (parsed.cast[0].first_air_date, parsed.cast[0].character) == ("", None)


def test_tagged_image_media_is_told_apart_by_its_own_media_type() -> None:
    page = parse("TaggedImagePage", official("people.tagged_images"))
    first = page.results[0]
    assert isinstance(first.media, m.MovieMediaItem)
    assert (first.media_type, first.image_type, first.iso_639_1) == ("movie", "poster", "en")
    # The episode still: outer media_type "episode", media.media_type "tv_episode".
    still = next(image for image in page.results if image.image_type == "still")
    assert still.media_type == "episode"
    assert still.iso_639_1 is None
    assert isinstance(still.media, m.TvEpisodeMediaItem)
    assert (still.media.show_id, still.media.production_code, still.media.runtime) == (66623, "", 41)


def test_tagged_image_of_a_series_or_of_an_unknown_kind_parses() -> None:
    data = copy.deepcopy(official("people.tagged_images"))
    series = official("trending.tv")["results"][0]
    data["results"][0] |= {"media_type": "tv", "image_type": "backdrop", "media": series}
    data["results"][1] |= {"media_type": "season", "media": {"id": 3624, "media_type": "tv_season", "season_number": 1}}
    data["results"][2]["media"] |= {"release_date": "", "poster_path": None, "overview": None}
    data["results"][10]["media"] |= {"air_date": "", "still_path": None, "runtime": None}
    data["results"][3] |= {"media_type": "collection", "media": {"id": 10, "media_type": "collection", "parts": 4}}
    page = parse("TaggedImagePage", data, unmodelled=("$.results[3].media.parts",))
    assert isinstance(page.results[0].media, m.TvSeriesMediaItem)
    assert page.results[0].media.name == "Sweet Tooth"
    season = page.results[1].media
    assert isinstance(season, m.TvSeasonMediaItem)
    assert (season.media_type, season.season_number) == ("tv_season", 1)
    other = page.results[3].media
    assert isinstance(other, m.OtherMediaItem)
    assert (other.media_type, other.additional_properties) == ("collection", {"parts": 4})
    assert page.results[2].media.release_date == ""
    assert (page.results[10].media.air_date, page.results[10].media.still_path) == ("", None)


def test_external_ids_of_a_person_may_all_be_null() -> None:
    data = dict.fromkeys(official("people.external_ids")) | {"id": TOM_HANKS}
    ids = parse("PersonExternalIds", data)
    assert ids.tiktok_id is None
    assert ids.youtube_id is None


def test_person_images_and_translations_with_nulls_and_empty_texts_parse() -> None:
    images = copy.deepcopy(official("people.images"))
    images["profiles"][0] |= {"iso_639_1": "en", "iso_3166_1": None}
    assert parse("PersonImages", images).profiles[0].iso_3166_1 is None
    translations = copy.deepcopy(official("people.translations"))
    translations["translations"][0]["data"] = {"biography": None, "name": ""}
    parsed = parse("PersonTranslations", translations)
    assert (parsed.translations[0].data.biography, parsed.translations[0].data.name) == (None, "")
    assert (parsed.translations[31].english_name, parsed.translations[31].name) == ("Mongolian", "")
