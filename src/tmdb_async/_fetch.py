"""Bulk fetch for `tmdb-async fetch`: many ids, concurrently, resumably, nothing lost.

- The output is JSON lines, `{"id": <id>, "result": <TMDB's answer>}`, one per id, written
  and flushed as each answer arrives.
- Resumable: ids already in the output are skipped. A run killed mid-line leaves a partial
  last line; the next run cuts it off and fetches that id again, so every id ends up in
  the output exactly once.
- Failures go to a second JSON-lines file with the reason. Permanent ones (404, 400, 403:
  asking again gives the same answer) are kept and skipped by later runs; transient ones
  (5xx, timeouts, rate limits once the client's retries are spent) are fetched again by
  the next run. Bad credentials stop the run at once.
- Sharded (`shard=(i, n)`, `--shard I/N`): only the ids whose stable hash (blake2b of the
  decimal id, modulo n) is i - 1 are fetched, so n processes with the same ids file and
  their own outputs fetch every id exactly once between them, each resumable as above.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ._client import TMDB
from ._exceptions import (
    APIError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    TMDBError,
)

PERMANENT = (NotFoundError, BadRequestError, PermissionDeniedError)


class FetchError(Exception):
    """Bad input for a fetch (a malformed ids file, an unwritable output): one line, exit 2."""


@dataclass
class FetchSummary:
    total: int
    already_done: int
    skipped_failed: int
    fetched: int = 0
    failed: int = 0
    retries: int = 0
    seconds: float = 0.0
    out: str = ""
    failed_path: str = ""
    fatal: TMDBError | None = None

    def line(self) -> str:
        rate = self.fetched / self.seconds if self.seconds > 0 else 0.0
        parts = [f"fetched {self.fetched} of {self.total} ids into {self.out}"]
        if self.already_done:
            parts.append(f"{self.already_done} were already there")
        if self.skipped_failed:
            parts.append(f"{self.skipped_failed} skipped as failed before")
        if self.failed:
            parts.append(f"{self.failed} failed (reasons in {self.failed_path})")
        parts.append(f"{self.retries} retries, {self.seconds:.1f} s, {rate:.0f} ids/s")
        return "; ".join(parts)


def read_ids(path: Path) -> list[int]:
    """The ids of an ids file: one per line; blank lines and `#` comments allowed; duplicates once."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FetchError(f"cannot read the ids file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise FetchError(f"{path} is not a text file of ids (one whole number per line)") from None
    ids: dict[int, None] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if not (line.isascii() and line.isdigit()) or int(line) < 1:
            raise FetchError(f"{path}:{number}: {line[:40]!r} is not a TMDB id (a whole number >= 1 on each line)")
        ids[int(line)] = None
    return list(ids)


def shard_of(ident: int, shards: int) -> int:
    """Which of `shards` shards (1-based) fetches `ident`: the same answer on every machine and run."""
    digest = hashlib.blake2b(str(ident).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards + 1


def _entries(path: Path, what: str) -> tuple[list[tuple[bytes, dict[str, Any]]], int]:
    """The complete lines of a JSON-lines file written by fetch, and where the last one ends.

    A partial last line (a killed run) is left out; any other line that fetch did not write
    stops the run, so that a wrong --out or --failed never loses someone's file.
    """
    entries: list[tuple[bytes, dict[str, Any]]] = []
    good_end = 0
    try:
        with path.open("rb") as stream:
            for raw in stream:
                if not raw.endswith(b"\n"):
                    break
                try:
                    entry = json.loads(raw)
                    int(entry["id"])
                except (ValueError, KeyError, TypeError):
                    raise FetchError(
                        f"{path} holds a line that is not from tmdb-async fetch; use another {what}"
                    ) from None
                entries.append((raw, entry))
                good_end += len(raw)
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from None
    return entries, good_end


def load_done(path: Path) -> set[int]:
    """Ids already in the output; a partial last line (a killed run) is cut off."""
    if not path.exists():
        return set()
    entries, good_end = _entries(path, "--out")
    if good_end != path.stat().st_size:
        with path.open("r+b") as stream:
            stream.truncate(good_end)
    return {int(entry["id"]) for _, entry in entries}


def load_permanent_failures(path: Path) -> set[int]:
    """Ids that failed for good in earlier runs; transient failures are dropped (fetched again)."""
    if not path.exists():
        return set()
    entries, _ = _entries(path, "--failed")
    kept = [(raw, entry) for raw, entry in entries if entry.get("permanent") is True]
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_bytes(b"".join(raw for raw, _ in kept))
        os.replace(temporary, path)
    except OSError as exc:
        raise FetchError(f"cannot write {path}: {exc.strerror or exc}") from None
    return {int(entry["id"]) for _, entry in kept}


def _open_append(path: Path) -> IO[str]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("a", encoding="utf-8")
    except OSError as exc:
        raise FetchError(f"cannot write {path}: {exc.strerror or exc}") from None


def _failure(ident: int, exc: TMDBError) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": ident, "error": type(exc).__name__, "message": str(exc)}
    if isinstance(exc, APIError):
        entry["status_code"] = exc.status_code
        entry["tmdb_status_code"] = exc.tmdb_status_code
    entry["permanent"] = isinstance(exc, PERMANENT)
    return entry


async def run_fetch(
    tmdb: TMDB,
    method: Callable[..., Any],
    *,
    ids_path: Path,
    out_path: Path,
    failed_path: Path,
    kwargs: dict[str, Any],
    progress: bool,
    shard: tuple[int, int] | None = None,
) -> FetchSummary:
    """Fetch every id of `ids_path` (of shard `(i, n)` only, if given) with `method(id, **kwargs)` into `out_path`."""
    ids = read_ids(ids_path)
    if shard is not None:
        ids = [ident for ident in ids if shard_of(ident, shard[1]) == shard[0]]
    done = load_done(out_path)
    permanent = load_permanent_failures(failed_path)
    todo = [ident for ident in ids if ident not in done and ident not in permanent]
    summary = FetchSummary(
        total=len(ids),
        already_done=sum(1 for ident in ids if ident in done),
        skipped_failed=sum(1 for ident in ids if ident in permanent and ident not in done),
        out=str(out_path),
        failed_path=str(failed_path),
    )
    retries_before = tmdb.stats.retries
    started = time.perf_counter()
    with _open_append(out_path) as out, _open_append(failed_path) as failed, _Display(progress, len(todo)) as display:
        pending = iter(todo)
        stop = asyncio.Event()

        async def worker() -> None:
            for ident in _until(pending, stop):
                try:
                    result = await method(ident, **kwargs)
                except AuthenticationError as exc:
                    summary.fatal = exc
                    stop.set()
                    return
                except TMDBError as exc:
                    failed.write(json.dumps(_failure(ident, exc)) + "\n")
                    failed.flush()
                    summary.failed += 1
                else:
                    out.write(json.dumps({"id": ident, "result": result.to_dict()}, ensure_ascii=False) + "\n")
                    out.flush()
                    summary.fetched += 1
                display.update(summary, tmdb.stats.retries - retries_before)

        workers = max(1, min(len(todo), tmdb.max_concurrency))
        await asyncio.gather(*(worker() for _ in range(workers)))
    summary.retries = tmdb.stats.retries - retries_before
    summary.seconds = time.perf_counter() - started
    return summary


def _until(items: Iterator[int], stop: asyncio.Event) -> Iterator[int]:
    for item in items:
        if stop.is_set():
            return
        yield item


class _Display:
    """A rich progress bar on stderr (rate, ETA, retries, failures), or nothing."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled = enabled
        self.total = total
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> _Display:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("fetching"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:>6.0f}/s"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                TextColumn("retries {task.fields[retries]} failed {task.fields[failed]}"),
                console=Console(stderr=True),
            )
            self._progress.start()
            self._task = self._progress.add_task("fetch", total=self.total, rate=0.0, retries=0, failed=0)
            self._started = time.perf_counter()
        return self

    def update(self, summary: FetchSummary, retries: int) -> None:
        if self._progress is not None:
            finished = summary.fetched + summary.failed
            elapsed = time.perf_counter() - self._started
            rate = finished / elapsed if elapsed > 0 else 0.0
            self._progress.update(self._task, completed=finished, rate=rate, retries=retries, failed=summary.failed)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
