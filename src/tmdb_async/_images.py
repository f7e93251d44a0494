"""Image URLs: secure_base_url + size + file_path, from TMDB's /configuration, fetched once.

    url = await tmdb.image_url(movie.poster_path, "w500", kind="poster")

A size that TMDB does not offer for the kind is a ValueError listing the ones it does.
A None path (TMDB has no image) gives None, so `movie.poster_path` can be passed as is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

ImageKind = Literal["poster", "backdrop", "profile", "still", "logo"]
KINDS: tuple[ImageKind, ...] = ("poster", "backdrop", "profile", "still", "logo")


@dataclass(frozen=True)
class ImageConfig:
    """Where TMDB's images are and in which sizes, per kind."""

    secure_base_url: str
    sizes: dict[ImageKind, tuple[str, ...]]

    @classmethod
    def from_configuration(cls, configuration: Any) -> ImageConfig:
        images = configuration.images
        sizes: dict[ImageKind, tuple[str, ...]] = {
            kind: tuple(getattr(images, f"{kind}_sizes", None) or ()) for kind in KINDS
        }
        base = images.secure_base_url or "https://image.tmdb.org/t/p/"
        return cls(secure_base_url=base if base.endswith("/") else base + "/", sizes=sizes)

    def url(self, file_path: str, size: str, kind: ImageKind | None) -> str:
        if not isinstance(file_path, str) or not file_path.startswith("/"):
            raise ValueError(f"file_path must be an image path from TMDB such as '/abc.jpg', got {file_path!r}")
        if kind is not None:
            if kind not in KINDS:
                raise ValueError(f"unknown image kind {kind!r}; kinds: {', '.join(KINDS)}")
            valid = self.sizes[kind]
            if size not in valid:
                raise ValueError(f"size {size!r} is not a {kind} size; TMDB's {kind} sizes: {', '.join(valid)}")
        else:
            valid = tuple(dict.fromkeys(s for kind_sizes in self.sizes.values() for s in kind_sizes))
            if size not in valid:
                raise ValueError(f"size {size!r} is no image size of TMDB's; sizes: {', '.join(valid)}")
        return f"{self.secure_base_url}{size}{file_path}"


class ImageConfigCache:
    """Fetches the image configuration once per client; concurrent first callers share the fetch."""

    def __init__(self, fetch: Callable[[], Awaitable[Any]]) -> None:
        self._fetch = fetch
        self._config: ImageConfig | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> ImageConfig:
        if self._config is None:
            async with self._lock:
                if self._config is None:
                    self._config = ImageConfig.from_configuration(await self._fetch())
        return self._config
