"""The episode groups' models: groups and their episodes in order, a group without a network."""

from __future__ import annotations

import copy

import tmdb_async_api.models as m

from support import official

GROUP_ID = "5acf93e60e0a26346d0000ce"  # "Netflix Collections" of Comedians in Cars (official example)


def test_an_episode_group_lists_its_groups_and_their_episodes_in_order() -> None:
    group = m.EpisodeGroupDetails.from_dict(official("tv_episode_groups.details"))

    assert (group.id, group.name, group.type_, group.group_count) == (GROUP_ID, "Netflix Collections", 4, 6)
    assert [g.order for g in group.groups] == [1, 2, 3, 4, 5, 6]
    assert (group.groups[0].name, group.groups[0].locked) == ("First Cup", True)
    first = group.groups[0].episodes[0]
    assert isinstance(first, m.GroupedEpisode)
    assert (first.order, first.season_number, first.episode_number, first.runtime) == (0, 6, 3, None)
    assert group.network is not None
    assert group.network.origin_country == ""


def test_an_episode_group_without_a_network_parses() -> None:
    data = official("tv_episode_groups.details") | {"network": None, "description": None}

    group = m.EpisodeGroupDetails.from_dict(copy.deepcopy(data))

    assert (group.network, group.description) == (None, None)
    assert group.to_dict() == data
