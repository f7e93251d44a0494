"""Bulk fetch for `tmdb-async fetch`: many ids, concurrently, resumably, nothing lost.

- The output is JSON lines, `{"id": <id>, "result": <TMDB's answer>}`, one per id, written
  and flushed as each answer arrives.
- Resumable: ids already in the output are skipped. A run killed mid-line leaves a partial
  last line; the next run cuts it off and fetches that id again, so every id ends up in
  the output exactly once.
- Failures go to a second JSON-lines file with the reason. Permanent ones (404, 400, 403,
  an answer that is not the documented JSON or too large, any unexpected exception for
  one id: asking again gives the same answer) are kept and skipped by later runs;
  transient ones (5xx, timeouts, rate limits once the client's retries are spent) are
  fetched again by the next run. One id's failure never stops the run; bad credentials
  stop it at once.
- One run per output at a time: an advisory lock (flock) on `OUT.lock`, beside the output,
  held for the whole run and released by the kernel when the process dies (a SIGKILL
  leaves no stale lock). A second run names the holder and exits 3, or waits for it with
  `--wait-lock`. The lock file stays (removing it would let a waiter and a newcomer both
  "hold" it). On systems without flock (Windows) no lock is taken.
- The output, the failures file and the ids file must be three different files: a
  `--failed` that is the output would be rewritten as a failures file, losing the output.
- Sharded (`shard=(i, n)`, `--shard I/N`): only the ids whose stable hash (blake2b of the
  decimal id, modulo n) is i - 1 are fetched, so n processes with the same ids file and
  their own outputs fetch every id exactly once between them, each resumable as above.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import hashlib
import io
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ._client import TMDB
from ._exceptions import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    ResponseValidationError,
    TMDBError,
)
from ._extras import missing_extra

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory lock
    fcntl = None  # type: ignore[assignment]

PERMANENT = (NotFoundError, BadRequestError, PermissionDeniedError, ResponseValidationError)
MAX_IDS_LINE = 4096  # characters: an id and a comment fit; a 10 MB line of digits is refused


class FetchError(Exception):
    """Bad input for a fetch (a malformed ids file, an unwritable output): one line, exit 2."""


class LockedError(FetchError):
    """Another run holds the output's lock: one line, exit 3."""


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
            where = f"reasons in {self.failed_path}" if self.failed_path else "reasons above"
            parts.append(f"{self.failed} failed ({where})")
        parts.append(f"{self.retries} retries, {self.seconds:.1f} s, {rate:.0f} ids/s")
        return "; ".join(parts)


def read_ids(path: Path) -> list[int]:
    """The ids of an ids file: one per line; blank lines and `#` comments allowed; duplicates once."""
    ids: dict[int, None] = {}
    try:
        with path.open("rb") as stream:
            for number in range(1, 1 << 62):
                raw = stream.readline(MAX_IDS_LINE + 1)
                if not raw:
                    break
                if len(raw) > MAX_IDS_LINE:
                    raise FetchError(f"{path}:{number}: the line is longer than {MAX_IDS_LINE} characters; not an id")
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise FetchError(f"{path} is not a text file of ids (one whole number per line)") from None
                line = text.split("#", 1)[0].strip()
                if not line:
                    continue
                # 19 digits: TMDB ids are far below 2**63; int() of a longer string could hit the digit limit.
                if not (line.isascii() and line.isdigit()) or len(line) > 19 or int(line) < 1:
                    raise FetchError(
                        f"{path}:{number}: {line[:40]!r} is not a TMDB id (a whole number >= 1 on each line)"
                    )
                ids[int(line)] = None
    except OSError as exc:
        raise FetchError(f"cannot read the ids file {path}: {exc.strerror or exc}") from None
    return list(ids)


def check_distinct(ids_path: Path, out_path: Path | None, failed_path: Path | None) -> None:
    """FetchError unless the ids file, the output and the failures file are three different files."""
    named = [("--ids", ids_path), ("--out", out_path), ("--failed", failed_path)]
    roles = [(flag, path) for flag, path in named if path is not None]
    for index, (first, path) in enumerate(roles):
        for second, other in roles[index + 1 :]:
            if _same_file(path, other):
                raise FetchError(
                    f"{first} and {second} are the same file ({other}); give each its own file"
                    " (by default the failures go to OUT.failed.jsonl)"
                )


def _same_file(first: Path, second: Path) -> bool:
    try:
        if first.resolve() == second.resolve():
            return True
        return first.exists() and second.exists() and os.path.samefile(first, second)  # hard links too
    except OSError:
        return False


@contextlib.contextmanager
def output_lock(out_path: Path, *, wait: bool, notice: Callable[[str], None]) -> Generator[None]:
    """Hold the advisory lock of `out_path` (OUT.lock) for the block: LockedError, or wait, when another run has it."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    lock_path = out_path.with_name(out_path.name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        stream = lock_path.open("a+", encoding="utf-8")
    except OSError as exc:
        raise FetchError(f"cannot write {out_path}: {exc.strerror or exc} (creating its lock file)") from None
    with stream:
        try:
            fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            stream.seek(0)
            holder = stream.read(200).strip() or "another process"
            if not wait:
                raise LockedError(
                    f"{out_path} is being written by another tmdb-async fetch ({holder}); let it finish,"
                    " or pass --wait-lock to wait for it"
                ) from None
            notice(f"waiting for the other fetch writing {out_path} ({holder}) to finish")
            fcntl.flock(stream, fcntl.LOCK_EX)
        started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        stream.seek(0)
        stream.truncate()
        stream.write(f"pid {os.getpid()} on {socket.gethostname()}, since {started}\n")
        stream.flush()
        try:
            yield
        finally:
            fcntl.flock(stream, fcntl.LOCK_UN)


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
    try:
        if not path.exists():
            return set()
        entries, good_end = _entries(path, "--out")
        if good_end != path.stat().st_size:
            with path.open("r+b") as stream:
                stream.truncate(good_end)
    except OSError as exc:
        raise FetchError(
            f"cannot cut the partial last line off {path}: {exc.strerror or exc}; make it writable"
        ) from None
    return {int(entry["id"]) for _, entry in entries}


def load_permanent_failures(path: Path) -> set[int]:
    """Ids that failed for good in earlier runs; transient failures are dropped (fetched again)."""
    try:
        if not path.exists():
            return set()
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from None
    entries, _ = _entries(path, "--failed")
    kept = [(raw, entry) for raw, entry in entries if entry.get("permanent") is True]
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_bytes(b"".join(raw for raw, _ in kept))
        os.replace(temporary, path)
    except OSError as exc:
        raise FetchError(f"cannot write {path}: {exc.strerror or exc}") from None
    return {int(entry["id"]) for _, entry in kept}


def _open_output(path: Path | None) -> contextlib.AbstractContextManager[IO[str]]:
    return contextlib.nullcontext(sys.stdout) if path is None else _open_append(path)


class _Notices(io.StringIO):
    """The failures "file" without --failed: each JSON line becomes one line through `notice`."""

    def __init__(self, notice: Callable[[str], None]) -> None:
        super().__init__()
        self._notice = notice

    def write(self, text: str) -> int:
        for line in text.splitlines():
            entry = json.loads(line)
            self._notice(f"id {entry['id']} failed: {entry['error']}: {entry['message']}")
        return len(text)


def _open_failures(path: Path | None, notice: Callable[[str], None]) -> contextlib.AbstractContextManager[IO[str]]:
    return _Notices(notice) if path is None else _open_append(path)


def _open_append(path: Path) -> IO[str]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("a", encoding="utf-8")
    except OSError as exc:
        raise FetchError(f"cannot write {path}: {exc.strerror or exc}") from None


def _failure(ident: int, exc: Exception) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": ident, "error": type(exc).__name__, "message": str(exc)[:1000]}
    if isinstance(exc, APIError):
        entry["status_code"] = exc.status_code
        entry["tmdb_status_code"] = exc.tmdb_status_code
    # Not one of ours (a bug, a model that cannot take the answer): the same answer fails the
    # same way, so a rerun skips it instead of failing on it again and again.
    entry["permanent"] = isinstance(exc, PERMANENT) or not isinstance(exc, TMDBError)
    return entry


async def run_fetch(
    tmdb: TMDB,
    method: Callable[..., Any],
    *,
    ids_path: Path,
    out_path: Path | None,
    failed_path: Path | None,
    kwargs: dict[str, Any],
    progress: bool,
    wait_lock: bool = False,
    notice: Callable[[str], None] = print,
    shard: tuple[int, int] | None = None,
) -> FetchSummary:
    """Fetch every id of `ids_path` (of shard `(i, n)` only) with `method(id, **kwargs)` into `out_path`.

    `out_path` None: the lines go to stdout (nothing to resume from, no lock); `failed_path`
    None: each failure is one line through `notice` instead of a file.
    """
    check_distinct(ids_path, out_path, failed_path)
    ids = read_ids(ids_path)
    if shard is not None:
        ids = [ident for ident in ids if shard_of(ident, shard[1]) == shard[0]]
    if out_path is None:
        return await _run_locked(tmdb, method, ids, out_path, failed_path, kwargs, progress, notice)
    if wait_lock:
        lock = await asyncio.to_thread(_enter_lock, out_path, notice)
    else:
        lock = _enter_lock(out_path, notice, wait=False)
    with lock:
        return await _run_locked(tmdb, method, ids, out_path, failed_path, kwargs, progress, notice)


def _enter_lock(out_path: Path, notice: Callable[[str], None], wait: bool = True) -> contextlib.ExitStack:
    """The output's lock, taken (in a worker thread when it may wait), inside an ExitStack to release it."""
    stack = contextlib.ExitStack()
    stack.enter_context(output_lock(out_path, wait=wait, notice=notice))
    return stack


async def _run_locked(
    tmdb: TMDB,
    method: Callable[..., Any],
    ids: list[int],
    out_path: Path | None,
    failed_path: Path | None,
    kwargs: dict[str, Any],
    progress: bool,
    notice: Callable[[str], None],
) -> FetchSummary:
    done: set[int] = set() if out_path is None else load_done(out_path)
    permanent: set[int] = set() if failed_path is None else load_permanent_failures(failed_path)
    todo = [ident for ident in ids if ident not in done and ident not in permanent]
    summary = FetchSummary(
        total=len(ids),
        already_done=sum(1 for ident in ids if ident in done),
        skipped_failed=sum(1 for ident in ids if ident in permanent and ident not in done),
        out="stdout" if out_path is None else str(out_path),
        failed_path="" if failed_path is None else str(failed_path),
    )
    retries_before = tmdb.stats.retries
    started = time.perf_counter()
    with (
        _open_output(out_path) as out,
        _open_failures(failed_path, notice) as failed,
        _Display(progress, len(todo)) as display,
    ):
        pending = iter(todo)
        stop = asyncio.Event()

        async def worker() -> None:
            for ident in _until(pending, stop):
                try:
                    result = await method(ident, **kwargs)
                    line = json.dumps({"id": ident, "result": result.to_dict()}, ensure_ascii=False) + "\n"
                except (AuthenticationError, ConfigurationError, ClientClosedError) as exc:  # no id can succeed
                    summary.fatal = exc
                    stop.set()
                    return
                except Exception as exc:  # one id's failure, whatever it is, is recorded and the run goes on
                    failed.write(json.dumps(_failure(ident, exc)) + "\n")
                    failed.flush()
                    summary.failed += 1
                else:
                    out.write(line)
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
            try:
                from rich.console import Console
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeElapsedColumn,
                    TimeRemainingColumn,
                )
            except ImportError:  # the [cli] extra is not installed: fetch without a bar
                missing = missing_extra("rich", "cli", "the progress bar")
                print(f"tmdb-async: {missing}; fetching without it", file=sys.stderr)
                return self

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
