"""The watch providers' models: display priorities are a map that may be empty or grow."""

from __future__ import annotations

import copy

import tmdb_async_api.models as m

from support import official


def test_watch_provider_priorities_are_a_map_that_may_be_empty_or_grow() -> None:
    data = copy.deepcopy(official("watch_providers.movie_providers"))
    assert data["results"][13]["display_priorities"] == {}
    data["results"][0]["display_priorities"]["XK"] = 3
    data["results"][1]["logo_path"] = None
    parsed = m.AvailableWatchProviders.from_dict(data)
    first, empty = parsed.results[0].display_priorities, parsed.results[13].display_priorities
    assert isinstance(first, m.WatchProviderDisplayPriorities)
    assert isinstance(empty, m.WatchProviderDisplayPriorities)
    assert first["XK"] == 3
    assert first.additional_keys[:3] == ["CA", "AE", "AR"]
    assert empty.additional_keys == []
    assert parsed.results[1].logo_path is None
    assert parsed.to_dict() == data
