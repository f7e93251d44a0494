"""FakeTMDB's data agrees with itself: a search finds what details describe, lists name the same things.

Real sockets on 127.0.0.1, through the TMDB client; every await is bounded.
"""

from __future__ import annotations

from typing import Any

import pytest

from support import bounded, fake_and_client

# -- searches find what details describe ---------------------------------------------------


async def test_every_movie_a_search_finds_has_the_query_in_its_title() -> None:
    async with fake_and_client() as (_, tmdb):
        page = await bounded(tmdb.search.movies(query="Heat"))

    assert page.results
    assert all("heat" in movie.title.casefold() for movie in page.results)


async def test_the_details_of_a_movie_a_search_found_agree_with_the_search_result() -> None:
    async with fake_and_client() as (_, tmdb):
        page = await bounded(tmdb.search.movies(query="Heat"))
        found = page.results[1]
        movie = await bounded(tmdb.movies.details(found.id))

    assert (movie.title, movie.original_title, movie.release_date, movie.poster_path) == (
        found.title,
        found.original_title,
        found.release_date,
        found.poster_path,
    )
    assert isinstance(found.genre_ids, list)
    assert sorted(genre.id for genre in movie.genres) == sorted(found.genre_ids)


async def test_the_details_of_a_series_and_a_person_a_search_found_agree_with_it() -> None:
    async with fake_and_client() as (_, tmdb):
        series = (await bounded(tmdb.search.tv(query="office"))).results[0]
        person = (await bounded(tmdb.search.people(query="Ada"))).results[2]
        series_details = await bounded(tmdb.tv.details(series.id))
        person_details = await bounded(tmdb.people.details(person.id))

    assert (series_details.name, series_details.first_air_date) == (series.name, series.first_air_date)
    assert "office" in series.name.casefold()
    assert (person_details.name, person_details.profile_path) == (person.name, person.profile_path)
    assert "ada" in person.name.casefold()


async def test_a_search_with_an_empty_query_finds_nothing() -> None:
    async with fake_and_client() as (_, tmdb):
        page = await bounded(tmdb.search.movies(query=" "))

    assert (page.results, page.total_results, page.total_pages) == ([], 0, 1)


async def test_search_pages_hold_every_result_once() -> None:
    async with fake_and_client() as (_, tmdb):
        first = await bounded(tmdb.search.multi(query="night"))
        pages = [first] + [
            await bounded(tmdb.search.multi(query="night", page=n)) for n in range(2, first.total_pages + 1)
        ]

    ids = [item.id for page in pages for item in page.results]
    assert len(ids) == len(set(ids)) == first.total_results


async def test_a_movie_in_a_list_has_the_title_its_details_have() -> None:
    async with fake_and_client() as (_, tmdb):
        listed = (await bounded(tmdb.movies.popular())).results[3]
        movie = await bounded(tmdb.movies.details(listed.id))

    assert (movie.title, movie.overview, movie.vote_average) == (listed.title, listed.overview, listed.vote_average)


async def test_a_cast_member_is_the_person_their_details_describe() -> None:
    async with fake_and_client() as (_, tmdb):
        member = (await bounded(tmdb.movies.credits(550))).cast[0]
        person = await bounded(tmdb.people.details(member.id))

    assert person.name == member.name


async def test_the_same_seed_gives_the_same_search_and_another_seed_another() -> None:
    titles = []
    for seed in (1, 1, 2):
        async with fake_and_client(seed=seed) as (_, tmdb):
            page = await bounded(tmdb.search.movies(query="storm"))
            titles.append([movie.title for movie in page.results])

    assert titles[0] == titles[1]
    assert titles[0] != titles[2]


async def test_the_spec_examples_keep_their_names_in_lists() -> None:
    async with fake_and_client() as (_, tmdb):
        popular = await bounded(tmdb.movies.popular())  # page 1 holds ids 1 to 20
        details = await bounded(tmdb.movies.details(11))

    (listed,) = [movie for movie in popular.results if movie.id == 11]
    assert listed.title == details.title == "Star Wars"


# -- positions and reference lists ----------------------------------------------------------


async def test_cast_order_runs_from_0_to_n_minus_1() -> None:
    async with fake_and_client() as (_, tmdb):
        movie = await bounded(tmdb.movies.credits(550))
        series = await bounded(tmdb.tv.aggregate_credits(4607))

    assert [member.order for member in movie.cast] == list(range(len(movie.cast)))
    assert [member.order for member in series.cast] == list(range(len(series.cast)))


async def test_seasons_and_episodes_are_numbered_from_1() -> None:
    async with fake_and_client() as (_, tmdb):
        series = await bounded(tmdb.tv.details(4607))
        season = await bounded(tmdb.tv_seasons.details(4607, 2))

    assert [s.season_number for s in series.seasons] == list(range(1, len(series.seasons) + 1))
    assert [e.episode_number for e in season.episodes] == list(range(1, len(season.episodes) + 1))


async def test_configuration_countries_are_countries_with_their_real_names() -> None:
    async with fake_and_client() as (_, tmdb):
        countries = await bounded(tmdb.configuration.countries())

    names = {country.iso_3166_1: (country.english_name, country.native_name) for country in countries}
    assert len(names) == len(countries)
    assert names["DE"] == ("Germany", "Deutschland")
    assert names["JP"] == ("Japan", "日本")


async def test_a_movies_countries_languages_and_genres_are_in_the_reference_lists() -> None:
    async with fake_and_client() as (_, tmdb):
        countries = {c.iso_3166_1: c.english_name for c in await bounded(tmdb.configuration.countries())}
        languages = {lang.iso_639_1: lang.english_name for lang in await bounded(tmdb.configuration.languages())}
        genres = {g.id: g.name for g in (await bounded(tmdb.genres.movie_list())).genres}
        movies = [await bounded(tmdb.movies.details(movie_id)) for movie_id in range(100, 110)]

    for movie in movies:
        assert all(countries[c.iso_3166_1] == c.name for c in movie.production_countries)
        assert all(languages[lang.iso_639_1] == lang.english_name for lang in movie.spoken_languages)
        assert all(genres[g.id] == g.name for g in movie.genres)
        assert len({g.id for g in movie.genres}) == len(movie.genres)
        assert movie.original_language in languages


async def test_crew_jobs_are_jobs_of_their_department_as_configuration_lists_them() -> None:
    async with fake_and_client() as (_, tmdb):
        jobs = {d.department: set(d.jobs) for d in await bounded(tmdb.configuration.jobs())}
        crew = (await bounded(tmdb.movies.credits(550))).crew

    assert len(jobs) >= 10
    assert all(member.department in jobs for member in crew)


async def test_certifications_are_ordered_from_1_per_country() -> None:
    async with fake_and_client() as (_, tmdb):
        certifications = await bounded(tmdb.certifications.movie_list())

    by_country = certifications.certifications.additional_properties
    assert [c.certification for c in by_country["US"]] == ["G", "PG", "PG-13", "R", "NC-17"]
    for ratings in by_country.values():
        assert [c.order for c in ratings] == list(range(1, len(ratings) + 1))


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("timezones", ("US", "America/New_York")),
        ("primary_translations", "pt-BR"),
    ],
)
async def test_timezones_and_translations_are_real_ones(method: str, expected: Any) -> None:
    async with fake_and_client() as (_, tmdb):
        answer = await bounded(getattr(tmdb.configuration, method)())

    if method == "timezones":
        zones = {entry.iso_3166_1: entry.zones for entry in answer}
        assert expected[1] in zones[expected[0]]
    else:
        assert expected in answer


async def test_watch_providers_are_real_providers_over_real_regions() -> None:
    async with fake_and_client() as (_, tmdb):
        providers = await bounded(tmdb.watch_providers.movie_providers())
        regions = await bounded(tmdb.watch_providers.regions())

    assert {"Netflix", "Amazon Prime Video"} <= {p.provider_name for p in providers.results}
    assert {r.iso_3166_1: r.english_name for r in regions.results}["GB"] == "United Kingdom"


async def test_a_movies_watch_providers_are_providers_the_provider_list_has() -> None:
    async with fake_and_client() as (_, tmdb):
        providers = (await bounded(tmdb.watch_providers.movie_providers())).results
        known = {p.provider_id: p.provider_name for p in providers}
        by_country = (await bounded(tmdb.movies.watch_providers(550))).results.additional_properties

    offers = [
        offer
        for country in by_country.values()
        for offers in (country.flatrate, country.rent, country.buy)
        if isinstance(offers, list)
        for offer in offers
    ]
    assert offers
    assert all(known[offer.provider_id] == offer.provider_name for offer in offers)


async def test_release_date_and_content_ratings_are_certifications_of_their_country() -> None:
    async with fake_and_client() as (_, tmdb):
        movie_lists = (await bounded(tmdb.certifications.movie_list())).certifications.additional_properties
        tv_lists = (await bounded(tmdb.certifications.tv_list())).certifications.additional_properties
        releases = [(await bounded(tmdb.movies.release_dates(i))).results for i in range(100, 110)]
        ratings = [(await bounded(tmdb.tv.content_ratings(i))).results for i in range(100, 110)]

    given = [(c.iso_3166_1, d.certification) for r in releases for c in r for d in c.release_dates]
    rated = [(r.iso_3166_1, r.rating) for rs in ratings for r in rs]
    movie_known = {(country, c.certification) for country, cs in movie_lists.items() for c in cs}
    tv_known = {(country, c.certification) for country, cs in tv_lists.items() for c in cs}
    assert any(certification for _, certification in given)
    assert all(pair in movie_known or (pair[0] not in movie_lists and pair[1] == "") for pair in given)
    assert any(rating for _, rating in rated)
    assert all(pair in tv_known or (pair[0] not in tv_lists and pair[1] == "") for pair in rated)
