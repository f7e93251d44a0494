"""FakeTMDB's seasons, episodes and episode groups: season 0, appended credits, string group ids, episode ratings."""

from __future__ import annotations

import httpx

import tmdb_async_api.models as m
from tmdb_async import TMDB
from tmdb_async.testing import FakeTMDB

SERIES_ID = 1399  # Game of Thrones
SEASON_ARGS = (SERIES_ID, 1)
EPISODE_ARGS = (SERIES_ID, 1, 1)
EPISODE = 1
GROUP_ID = "5acf93e60e0a26346d0000ce"  # "Netflix Collections" of Comedians in Cars (official example)


async def test_fake_tmdb_serves_a_season_and_an_episode_with_appended_credits() -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test") as tmdb:
        season = await tmdb.tv_seasons.details(*SEASON_ARGS, append_to_response=["credits"])
        episode = await tmdb.tv_episodes.details(*EPISODE_ARGS, append_to_response=["credits", "images"])

    assert isinstance(season.credits, m.Credits)
    assert season.episodes
    assert isinstance(episode.credits, m.EpisodeCredits)
    assert isinstance(episode.images, m.EpisodeImages)


async def test_fake_tmdb_serves_season_0_and_its_episodes() -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test", max_retries=0) as tmdb:
        season = await tmdb.tv_seasons.details(SERIES_ID, 0)
        episode = await tmdb.tv_episodes.details(SERIES_ID, 0, 1)

    assert isinstance(season, m.SeasonDetails)
    assert isinstance(episode, m.EpisodeDetails)


async def test_fake_tmdb_answers_404_to_a_negative_season_sent_raw() -> None:
    # The facade refuses season -1 before sending; a raw request shows what the fake itself answers.
    async with FakeTMDB() as fake, httpx.AsyncClient(base_url=fake.base_url) as raw:
        response = await raw.get(f"/3/tv/{SERIES_ID}/season/-1", headers={"Authorization": "Bearer test"})

    assert (response.status_code, response.json()["status_code"]) == (404, 34)


async def test_fake_tmdb_serves_an_episode_group_by_its_string_id() -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test", max_retries=0) as tmdb:
        group = await tmdb.tv_episode_groups.details(GROUP_ID)

    assert isinstance(group, m.EpisodeGroupDetails)
    assert group.groups


async def test_fake_tmdb_keeps_an_episode_rating_apart_from_its_series_rating() -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test", max_retries=0) as tmdb:
        guest = (await tmdb.authentication.create_guest_session()).guest_session_id
        await tmdb.tv.add_rating(SERIES_ID, value=6.0, guest_session_id=guest)
        await tmdb.tv_episodes.add_rating(*EPISODE_ARGS, value=9.5, guest_session_id=guest)
        series = await tmdb.tv.account_states(SERIES_ID, guest_session_id=guest)
        episode = await tmdb.tv_episodes.account_states(*EPISODE_ARGS, guest_session_id=guest)
        await tmdb.tv_episodes.delete_rating(*EPISODE_ARGS, guest_session_id=guest)
        after = await tmdb.tv_episodes.account_states(*EPISODE_ARGS, guest_session_id=guest)

    assert isinstance(series.rated, m.AccountRating)
    assert isinstance(episode.rated, m.AccountRating)
    assert (series.rated.value, episode.rated.value, after.rated) == (6.0, 9.5, False)


async def test_fake_tmdb_serves_season_account_states_with_the_rated_episode() -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test", max_retries=0) as tmdb:
        guest = (await tmdb.authentication.create_guest_session()).guest_session_id
        await tmdb.tv_episodes.add_rating(*EPISODE_ARGS, value=9.5, guest_session_id=guest)
        states = await tmdb.tv_seasons.account_states(*SEASON_ARGS, guest_session_id=guest)

    rated = {item.episode_number: item.rated for item in states.results}
    rating = rated[EPISODE]
    assert isinstance(rating, m.AccountRating)
    assert rating.value == 9.5


async def test_a_season_and_an_episode_carry_the_numbers_they_were_asked_by_and_ids_of_their_own() -> None:
    async with FakeTMDB() as fake, TMDB(base_url=fake.base_url, access_token="test") as tmdb:
        season = await tmdb.tv_seasons.details(SERIES_ID, 3)
        episode = await tmdb.tv_episodes.details(SERIES_ID, 3, 7)
        other = await tmdb.tv_episodes.details(SERIES_ID, 3, 8)
        credits = await tmdb.tv_episodes.credits(SERIES_ID, 3, 7)

    assert season.season_number == 3
    assert {e.season_number for e in season.episodes} == {3}
    assert {e.show_id for e in season.episodes} == {SERIES_ID}
    assert (episode.season_number, episode.episode_number, episode.show_id) == (3, 7, SERIES_ID)
    assert len({SERIES_ID, season.id, episode.id, other.id}) == 4
    assert credits.id == episode.id
