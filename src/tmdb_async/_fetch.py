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
- Methods of several path ids (`tv_episodes.details(series_id, season_number,
  episode_number)`): an `IdShape` says which. A line holds them joined by `/` (`1399/1/1`),
  each part checked on its own (a whole number at or above the spec's minimum where the
  spec says integer, else a text with no space, `.` or `..`), so that a bad line stops the
  run before anything is sent, naming the line. The whole id, written again without
  leading zeros (`"1399/1/1"`, a string), is the key of everything above: the output's
  and the failures' `id`, what a rerun skips, the duplicate check and the shard's hash.
  A single id stays a number (`550`), as before.
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
MAX_DIGITS = 19  # TMDB ids are far below 2**63; int() of a longer string could hit the digit limit
# An id as the output and the failures file write it: 550, or "1399/1/1" for several path ids.
Key = int | str


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


@dataclass(frozen=True)
class IdShape:
    """The path ids of the fetched method, in order: names, and each one's minimum (None: a text id).

    The default is one integer id >= 1, written as a number: what every one-id method took before.
    """

    names: tuple[str, ...] = ("id",)
    minimums: tuple[int | None, ...] = (1,)

    @property
    def one_number(self) -> bool:
        """One integer id: a line is a number, the key an int (the historical form)."""
        return len(self.names) == 1 and self.minimums[0] is not None

    @property
    def form(self) -> str:
        """What a line holds: `SERIES_ID/SEASON_NUMBER/EPISODE_NUMBER`."""
        return "/".join(name.upper() for name in self.names)

    @property
    def example(self) -> str:
        """An example line: `1399/1/1`."""
        return "/".join(
            "abc123" if low is None else str(max(low, 1399 if i == 0 else 1)) for i, low in enumerate(self.minimums)
        )

    def parse(self, text: str) -> Key:
        """The key of one stripped ids line; ValueError saying what is wrong with it."""
        if self.one_number:
            return self._number(self.names[0], self.minimums[0] or 0, text)
        parts = [text] if len(self.names) == 1 else text.split("/")
        if any(not part for part in parts):
            raise ValueError("it has an empty part ('//', or a '/' at an end)")
        if len(parts) != len(self.names):
            raise ValueError(f"it has {len(parts)} part{'s' if len(parts) != 1 else ''}, not {len(self.names)}")
        read = [
            _text_part(name, part) if low is None else self._number(name, low, part)
            for name, low, part in zip(self.names, self.minimums, parts, strict=True)  # pragma: no mutate (counted)
        ]
        return "/".join(str(part) for part in read)

    def stored(self, value: Any) -> Key:
        """The key of an `id` read back from the output or the failures file; ValueError if not of this shape."""
        if self.one_number:
            return int(value)  # ValueError or TypeError: not an id
        if not isinstance(value, str) or self.parse(value) != value:
            raise ValueError(value)  # pragma: no mutate (unread: _entries says what is wrong)
        return value

    def arguments(self, key: Key) -> tuple[int | str, ...]:
        """The method's positional arguments for `key`."""
        if isinstance(key, int):
            return (key,)
        parts = [key] if len(self.names) == 1 else key.split("/")
        pairs = zip(self.minimums, parts, strict=True)  # pragma: no mutate (a key has a part per minimum)
        return tuple(part if low is None else int(part) for low, part in pairs)

    def _number(self, name: str, low: int, text: str) -> int:
        if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS and int(text) >= low:
            return int(text)
        if self.one_number:
            raise ValueError(f"a whole number >= {low} on each line")
        raise ValueError(f"{name} {text[:40]!r} is not a whole number >= {low}")


def _text_part(name: str, text: str) -> str:
    if text in {".", ".."} or not text.isprintable() or any(char.isspace() for char in text):
        raise ValueError(f"{name} {text[:40]!r} is not an id (no spaces, no '.' or '..')")
    return text


ONE_ID = IdShape()


def read_ids(path: Path, shape: IdShape = ONE_ID) -> list[Key]:
    """The ids of an ids file: one per line; blank lines and `#` comments allowed; duplicates once."""
    ids: dict[Key, None] = {}
    try:
        with path.open("rb") as stream:
            for number in range(1, 1 << 62):  # pragma: no mutate (a line counter: no file has 2**62 lines)
                raw = stream.readline(MAX_IDS_LINE + 1)
                if not raw:
                    break
                if len(raw) > MAX_IDS_LINE:
                    raise FetchError(f"{path}:{number}: the line is longer than {MAX_IDS_LINE} characters; not an id")
                try:
                    text = raw.decode("utf-8")  # pragma: no mutate (codec names are read in any case)
                except UnicodeDecodeError:
                    raise FetchError(f"{path} is not a text file of ids (one whole number per line)") from None
                line = text.split("#", 1)[0].strip()  # pragma: no mutate (more splits: the same first part)
                if not line:
                    continue
                try:
                    ids[shape.parse(line)] = None  # pragma: no mutate (an ordered set: the values are unread)
                except ValueError as exc:
                    what = f"a TMDB id ({exc})" if shape.one_number else f"{shape.form} (e.g. {shape.example}): {exc}"
                    raise FetchError(f"{path}:{number}: {line[:40]!r} is not {what}") from None
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


def shard_of(ident: Key, shards: int) -> int:
    """Which of `shards` shards (1-based) fetches `ident` (550, "1399/1/1"): the same on every machine and run."""
    digest = hashlib.blake2b(str(ident).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards + 1


def _entries(path: Path, what: str, shape: IdShape) -> tuple[list[tuple[bytes, Key, dict[str, Any]]], int]:
    """The complete lines of a JSON-lines file written by fetch (each with its key), and where the last one ends.

    A partial last line (a killed run) is left out; any other line that fetch did not write
    (or wrote for ids of another shape) stops the run, so that a wrong --out or --failed
    never loses someone's file.
    """
    entries: list[tuple[bytes, Key, dict[str, Any]]] = []
    good_end = 0
    try:
        with path.open("rb") as stream:
            for raw in stream:
                if not raw.endswith(b"\n"):
                    break
                try:
                    entry = json.loads(raw)
                    key = shape.stored(entry["id"])
                except (ValueError, KeyError, TypeError):
                    of = "" if shape == ONE_ID else f" of {shape.form} ids"
                    raise FetchError(
                        f"{path} holds a line that is not from tmdb-async fetch{of}; use another {what}"
                    ) from None
                entries.append((raw, key, entry))
                good_end += len(raw)
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from None
    return entries, good_end


def load_done(path: Path, shape: IdShape = ONE_ID) -> set[Key]:
    """Ids already in the output; a partial last line (a killed run) is cut off."""
    try:
        if not path.exists():
            return set()
        entries, good_end = _entries(path, "--out", shape)
        if good_end != path.stat().st_size:
            with path.open("r+b") as stream:
                stream.truncate(good_end)
    except OSError as exc:
        raise FetchError(
            f"cannot cut the partial last line off {path}: {exc.strerror or exc}; make it writable"
        ) from None
    return {key for _, key, _ in entries}


def load_permanent_failures(path: Path, shape: IdShape = ONE_ID) -> set[Key]:
    """Ids that failed for good in earlier runs; transient failures are dropped (fetched again)."""
    try:
        if not path.exists():
            return set()
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from None
    entries, _ = _entries(path, "--failed", shape)
    kept = [(raw, key) for raw, key, entry in entries if entry.get("permanent") is True]
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_bytes(b"".join(raw for raw, _ in kept))
        os.replace(temporary, path)
    except OSError as exc:
        raise FetchError(f"cannot write {path}: {exc.strerror or exc}") from None
    return {key for _, key in kept}


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


def _failure(ident: Key, exc: Exception) -> dict[str, Any]:
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
    shape: IdShape = ONE_ID,
) -> FetchSummary:
    """Fetch every id of `ids_path` (of shard `(i, n)` only) with `method(*ids, **kwargs)` into `out_path`.

    `out_path` None: the lines go to stdout (nothing to resume from, no lock); `failed_path`
    None: each failure is one line through `notice` instead of a file. `shape`: the method's
    path ids (default: one integer id).
    """
    check_distinct(ids_path, out_path, failed_path)
    ids = read_ids(ids_path, shape)
    if shard is not None:
        ids = [ident for ident in ids if shard_of(ident, shard[1]) == shard[0]]
    job = _Job(tmdb, method, shape, kwargs, progress, notice)
    if out_path is None:
        return await _run_locked(job, ids, out_path, failed_path)
    if wait_lock:
        lock = await asyncio.to_thread(_enter_lock, out_path, notice)
    else:
        lock = _enter_lock(out_path, notice, wait=False)  # pragma: no mutate (notice unused; None is as false)
    with lock:
        return await _run_locked(job, ids, out_path, failed_path)


def _enter_lock(out_path: Path, notice: Callable[[str], None], wait: bool = True) -> contextlib.ExitStack:
    """The output's lock, taken (in a worker thread when it may wait), inside an ExitStack to release it."""
    stack = contextlib.ExitStack()
    stack.enter_context(output_lock(out_path, wait=wait, notice=notice))
    return stack


@dataclass
class _Job:
    """What one fetch calls and how: the same for every id."""

    tmdb: TMDB
    method: Callable[..., Any]
    shape: IdShape
    kwargs: dict[str, Any]
    progress: bool
    notice: Callable[[str], None]


async def _run_locked(job: _Job, ids: list[Key], out_path: Path | None, failed_path: Path | None) -> FetchSummary:
    tmdb, method, shape, kwargs = job.tmdb, job.method, job.shape, job.kwargs
    done: set[Key] = set() if out_path is None else load_done(out_path, shape)
    permanent: set[Key] = set() if failed_path is None else load_permanent_failures(failed_path, shape)
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
        _open_failures(failed_path, job.notice) as failed,
        _Display(job.progress, len(todo)) as display,
    ):
        pending = iter(todo)
        stop = asyncio.Event()

        async def worker() -> None:
            for ident in _until(pending, stop):
                try:
                    result = await method(*shape.arguments(ident), **kwargs)
                    answer = {"id": ident, "result": result.to_dict()}
                    line = json.dumps(answer, ensure_ascii=False) + "\n"  # pragma: no mutate (None: as false)
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


def _until(items: Iterator[Key], stop: asyncio.Event) -> Iterator[Key]:
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
        self._task: Any = None  # pragma: no mutate (set by __enter__ before update reads it)

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
            # pragma: no mutate start (the description: progress-label wording, not even shown: "fetching" is)
            self._task = self._progress.add_task("fetch", total=self.total, rate=0.0, retries=0, failed=0)
            # pragma: no mutate end
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
