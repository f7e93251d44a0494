"""ImageConfig from /configuration: the fallback base URL and the slash between base and size."""

from __future__ import annotations

import re
from types import SimpleNamespace

import httpx
import pytest

from tmdb_async import TMDB
from tmdb_async._images import ImageConfig

from support import official

CONFIGURATION = official("configuration.details")


def configuration(secure_base_url: str | None) -> SimpleNamespace:
    images = SimpleNamespace(secure_base_url=secure_base_url, poster_sizes=["w500"], backdrop_sizes=None)
    return SimpleNamespace(images=images)


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        (None, "https://image.tmdb.org/t/p/w500/a.jpg"),
        ("", "https://image.tmdb.org/t/p/w500/a.jpg"),
        ("https://cdn.example/t/p", "https://cdn.example/t/p/w500/a.jpg"),
        ("https://cdn.example/t/p/", "https://cdn.example/t/p/w500/a.jpg"),
    ],
)
def test_base_url_falls_back_to_tmdbs_and_gets_exactly_one_slash(base: str | None, expected: str) -> None:
    config = ImageConfig.from_configuration(configuration(base))

    assert config.url("/a.jpg", "w500", "poster") == expected


def test_a_kind_missing_from_the_configuration_has_no_sizes() -> None:
    config = ImageConfig.from_configuration(configuration(None))

    assert config.sizes["poster"] == ("w500",)
    assert config.sizes["backdrop"] == ()
    assert config.sizes["logo"] == ()


async def test_a_configuration_with_an_empty_secure_base_url_gives_tmdbs_image_host() -> None:
    body = {**CONFIGURATION, "images": {**CONFIGURATION["images"], "secure_base_url": ""}}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    async with TMDB(access_token="t", transport=transport) as tmdb:
        url = await tmdb.image_url("/abc.jpg", "w500", kind="poster")

    assert url == "https://image.tmdb.org/t/p/w500/abc.jpg"


def test_an_unknown_kind_is_refused_naming_every_kind() -> None:
    config = ImageConfig.from_configuration(configuration(None))

    message = "unknown image kind 'banner'; kinds: poster, backdrop, profile, still, logo"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        config.url("/a.jpg", "w500", "banner")  # type: ignore[arg-type]  # what an untyped caller may pass


def test_a_size_of_no_kind_is_refused_listing_each_size_once() -> None:
    images = SimpleNamespace(secure_base_url=None, poster_sizes=["w92", "w500"], backdrop_sizes=["w300", "w500"])
    config = ImageConfig.from_configuration(SimpleNamespace(images=images))

    message = "size 'w9000' is no image size of TMDB's; sizes: w92, w500, w300"
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        config.url("/a.jpg", "w9000", None)
