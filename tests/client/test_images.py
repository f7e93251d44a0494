"""Image URLs built from /configuration, fetched once per client."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tmdb_async import TMDB
from tmdb_async._images import ImageKind

from support import official

CONFIGURATION = official("configuration.details")


def client_counting(calls: list[str]) -> TMDB:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(200, json=CONFIGURATION)

    return TMDB(access_token="tok", transport=httpx.MockTransport(handler))


async def test_image_url_is_base_size_and_path() -> None:
    async with client_counting([]) as tmdb:
        url = await tmdb.image_url("/abc.jpg", "w500", kind="poster")
    assert url == "https://image.tmdb.org/t/p/w500/abc.jpg"


async def test_configuration_is_fetched_once_for_many_concurrent_callers_and_views() -> None:
    calls: list[str] = []
    async with client_counting(calls) as tmdb:
        urls = await asyncio.gather(*(tmdb.image_url(f"/{i}.jpg", "w185", kind="profile") for i in range(20)))
        await tmdb.with_options(max_retries=0).image_url("/x.jpg")
    assert calls == ["/3/configuration"]
    assert urls[3] == "https://image.tmdb.org/t/p/w185/3.jpg"


@pytest.mark.parametrize(
    ("kind", "size"),
    [("poster", "w780"), ("backdrop", "w1280"), ("profile", "h632"), ("still", "w300"), ("logo", "w45")],
)
async def test_each_kind_accepts_its_own_sizes(kind: ImageKind, size: str) -> None:
    async with client_counting([]) as tmdb:
        url = await tmdb.image_url("/p.png", size, kind=kind)
        assert url == f"https://image.tmdb.org/t/p/{size}/p.png"


async def test_a_size_of_another_kind_is_a_clear_error_listing_the_valid_ones() -> None:
    async with client_counting([]) as tmdb:
        with pytest.raises(
            ValueError, match=r"'w1280' is not a poster size; TMDB's poster sizes: w92, w154, .*original"
        ):
            await tmdb.image_url("/abc.jpg", "w1280", kind="poster")


async def test_without_a_kind_any_size_of_tmdb_is_accepted_and_others_refused() -> None:
    async with client_counting([]) as tmdb:
        assert await tmdb.image_url("/abc.jpg", "h632") == "https://image.tmdb.org/t/p/h632/abc.jpg"
        with pytest.raises(ValueError, match="'w9' is no image size"):
            await tmdb.image_url("/abc.jpg", "w9")


async def test_a_missing_image_gives_none_without_fetching_anything() -> None:
    calls: list[str] = []
    nothing: str | None = None  # typed as a model's optional path is: the call's type is str | None
    async with client_counting(calls) as tmdb:
        assert await tmdb.image_url(nothing, "w500") is None
    assert calls == []


@pytest.mark.parametrize("path", ["abc.jpg", "", "https://x/abc.jpg"])
async def test_a_path_that_is_not_tmdbs_is_a_clear_error(path: str) -> None:
    async with client_counting([]) as tmdb:
        with pytest.raises(ValueError, match="file_path must be an image path"):
            await tmdb.image_url(path, "w500")


async def test_image_config_exposes_every_kind() -> None:
    async with client_counting([]) as tmdb:
        config = await tmdb.image_config()
    assert config.secure_base_url == "https://image.tmdb.org/t/p/"
    assert config.sizes["poster"][-1] == "original"
    assert set(config.sizes) == {"poster", "backdrop", "profile", "still", "logo"}


async def test_an_absent_path_gives_none_without_fetching_the_configuration() -> None:
    from tmdb_async.models import UNSET, MovieDetails, Unset

    movie = MovieDetails.from_dict(official("movies.details") | {"poster_path": None})
    absent: list[str | Unset | None] = [UNSET, None]  # typed as a model's optional path is
    calls: list[str] = []
    async with client_counting(calls) as tmdb:
        assert await tmdb.image_url(movie.poster_path, "w500") is None
        assert await tmdb.image_url(absent[0]) is None
        assert await tmdb.image_url(absent[1], "w500", kind="poster") is None
    assert calls == []
