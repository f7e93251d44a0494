"""The side measurements of run.py: parsing alone, import time, peak memory, and the machine.

Peak memory runs in a fresh process per client (`python bench/probes.py memory CLIENT URL N`),
so that one client's allocations never count against another.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clients import ADAPTERS, AsyncAdapter, SyncAdapter
from server import Template

PACKAGES = (
    "tmdb-async",
    "httpx",
    "httpcore",
    "h11",
    "sniffio",
    "anyio",
    "attrs",
    "aiohttp",
    "yarl",
    "multidict",
    "tmdbsimple",
    "requests",
    "urllib3",
    "themoviedb",
    "dacite",
)
MEMORY_IN_FLIGHT = 64


# --- the machine -----------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    """The 1-minute load average: above the number of cores, other work competed with the benchmark."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def environment() -> dict[str, Any]:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load": load_average(),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "versions": versions,
    }


# --- parsing alone ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParseResult:
    body: str  # "small" or "large"
    size: int
    us: dict[str, float]  # parser name -> median µs per call
    ratios: dict[str, list[float]]  # parser name -> per-repetition ratio to json.loads


def parsers(body: bytes) -> dict[str, Callable[[], object]]:
    from themoviedb.schemas.movies import Movie
    from themoviedb.utils import as_dataclass

    from tmdb_async.models import MovieDetails
    from tmdb_async_api.checks import decode

    parsed = json.loads(body)
    return {
        "json.loads": lambda: json.loads(body),
        "from_dict": lambda: MovieDetails.from_dict(parsed),
        "json.loads+from_dict": lambda: MovieDetails.from_dict(json.loads(body)),
        # What the client does with a body: msgspec's decoder, then the checked from_dict.
        "decode+from_dict (tmdb_async)": lambda: MovieDetails.from_dict(decode(body)),
        "json.loads+dacite (themoviedb)": lambda: as_dataclass(Movie, json.loads(body)),
    }


def calls_for(function: Callable[[], object], seconds: float) -> int:
    """How many calls fill about `seconds`."""
    function()
    start = time.perf_counter()
    for _ in range(3):
        function()
    single = (time.perf_counter() - start) / 3
    return max(3, int(seconds / single))


def per_call_us(function: Callable[[], object], calls: int) -> float:
    """Mean µs per call over `calls` calls; the garbage collector stays on, as in real use."""
    gc.collect()
    start = time.process_time()
    for _ in range(calls):
        function()
    return (time.process_time() - start) / calls * 1e6


def check_parsers(body: bytes, functions: dict[str, Callable[[], object]]) -> None:
    expected = json.loads(body)
    for name, function in functions.items():
        result: Any = function()
        got = result["id"] if isinstance(result, dict) else result.id
        if got != expected["id"]:
            raise AssertionError(f"{name} parsed id {got}, expected {expected['id']}")


def parse_cost(label: str, body: bytes, repetitions: int, seconds: float) -> ParseResult:
    functions = parsers(body)
    check_parsers(body, functions)
    calls = {name: calls_for(function, seconds) for name, function in functions.items()}
    timings: dict[str, list[float]] = {name: [] for name in functions}
    names = list(functions)
    for rep in range(repetitions):
        for name in names[rep % len(names) :] + names[: rep % len(names)]:
            timings[name].append(per_call_us(functions[name], calls[name]))
    baseline = timings["json.loads"]
    return ParseResult(
        body=label,
        size=len(body),
        us={name: statistics.median(values) for name, values in timings.items()},
        ratios={name: [v / b for v, b in zip(values, baseline, strict=True)] for name, values in timings.items()},
    )


def parse_costs(small: Template, large: Template, repetitions: int, seconds: float) -> list[ParseResult]:
    return [
        parse_cost("details (small)", small.render(b"11"), repetitions, seconds),
        parse_cost("details+append (large)", large.render(b"11"), repetitions, seconds),
    ]


# --- import time -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    module: str
    ms: float  # median wall time of `python -c "import X"` minus `python -c "pass"`
    importtime_ms: float | None  # median cumulative time `python -X importtime` reports for X


IMPORTED = ("httpx", "aiohttp", "tmdb_async", "tmdbsimple", "themoviedb")
IMPORTTIME_RUNS = 3  # -X importtime runs per module (on top of the plain ones), to keep the run short


def _wall_ms(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    return (time.perf_counter() - start) * 1e3


def _importtime_ms(module: str) -> float | None:
    """Cumulative µs of the top-level `module` line of -X importtime, in ms."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    for line in done.stderr.splitlines():
        fields = [part.strip() for part in line.removeprefix("import time:").split("|")]
        if len(fields) == 3 and fields[2] == module:
            return int(fields[1]) / 1e3
    return None


def import_times(runs: int) -> list[ImportResult]:
    codes = {"pass": "pass", **{module: f"import {module}" for module in IMPORTED}}
    for code in codes.values():  # compile every .pyc once, outside the timing
        _wall_ms(code)
    walls: dict[str, list[float]] = {name: [] for name in codes}
    cumulative: dict[str, list[float]] = {name: [] for name in IMPORTED}
    names = list(codes)
    for rep in range(runs):
        for name in names[rep % len(names) :] + names[: rep % len(names)]:
            walls[name].append(_wall_ms(codes[name]))
            if name != "pass" and rep < IMPORTTIME_RUNS:
                value = _importtime_ms(name)
                if value is not None:
                    cumulative[name].append(value)
    empty = statistics.median(walls["pass"])
    return [
        ImportResult(
            module=module,
            ms=statistics.median(walls[module]) - empty,
            importtime_ms=statistics.median(cumulative[module]) if cumulative[module] else None,
        )
        for module in IMPORTED
    ]


def import_breakdown(module: str, top: int = 8) -> list[tuple[str, float, int]]:
    """Self time under `python -X importtime -c 'import module'`, summed by top-level package.

    (package, ms, modules), largest first: a package made of many small modules shows up here,
    where no single module of it would.
    """
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    totals: dict[str, tuple[float, int]] = {}
    for line in done.stderr.splitlines():
        fields = [part.strip() for part in line.removeprefix("import time:").split("|")]
        if len(fields) == 3 and fields[0].isdigit():
            package = fields[2].split(".")[0]
            ms, count = totals.get(package, (0.0, 0))
            totals[package] = (ms + int(fields[0]) / 1e3, count + 1)
    rows = [(package, ms, count) for package, (ms, count) in totals.items()]
    return sorted(rows, key=lambda row: row[1], reverse=True)[:top]


# --- peak memory -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemoryResult:
    client: str
    requests: int
    start_mib: float  # peak RSS after imports and opening the client, before the first request
    peak_mib: float  # peak RSS at the end
    seconds: float
    error: str | None = None


def peak_rss_mib() -> float:
    """This process's peak resident set size.

    VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so a child of a big
    process starts with its parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def _bulk_async(adapter: AsyncAdapter, ids: Iterator[int], in_flight: int) -> int:
    """`in_flight` workers pull ids and drop each movie after reading it, like a bulk export."""
    done = 0

    async def worker() -> None:
        nonlocal done
        for movie_id in ids:
            movie = await adapter.fetch(movie_id, False)
            if movie.id != movie_id:
                raise AssertionError(f"asked for {movie_id}, got {movie}")
            done += 1

    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return done


def _bulk_sync(adapter: SyncAdapter, ids: list[int], in_flight: int) -> int:
    def one(movie_id: int) -> bool:
        return adapter.fetch(movie_id, False).id == movie_id

    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        return sum(pool.map(one, ids))


def memory_child(client: str, base_url: str, requests: int) -> dict[str, Any]:
    """Runs in a fresh process: one client, `requests` details at MEMORY_IN_FLIGHT in flight."""
    adapter = next(adapter_class() for adapter_class in ADAPTERS if adapter_class.name == client)
    ids = list(range(1, requests + 1))
    start = time.perf_counter()
    if isinstance(adapter, AsyncAdapter):

        async def bulk() -> tuple[float, int]:
            await adapter.open(base_url, MEMORY_IN_FLIGHT)
            try:
                start_mib = peak_rss_mib()
                return start_mib, await _bulk_async(adapter, iter(ids), MEMORY_IN_FLIGHT)
            finally:
                await adapter.close()

        start_mib, done = asyncio.run(bulk())
    else:
        adapter.open(base_url, MEMORY_IN_FLIGHT)
        try:
            start_mib = peak_rss_mib()
            done = _bulk_sync(adapter, ids, MEMORY_IN_FLIGHT)
        finally:
            adapter.close()
    if done != requests:
        raise AssertionError(f"{done} of {requests} movies came back right")
    return {"start_mib": start_mib, "peak_mib": peak_rss_mib(), "seconds": time.perf_counter() - start}


def memory_one(client: str, base_url: str, requests: int) -> MemoryResult:
    command = [sys.executable, __file__, "memory", client, base_url, str(requests)]
    try:
        done = subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
        data = json.loads(done.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError) as exc:
        detail = getattr(exc, "stderr", None) or str(exc)
        return MemoryResult(client, requests, 0.0, 0.0, 0.0, error=detail.strip().splitlines()[-1][:300])
    return MemoryResult(client, requests, data["start_mib"], data["peak_mib"], data["seconds"])


def memory_all(base_url: str, requests: int, clients: tuple[str, ...]) -> list[MemoryResult]:
    return [memory_one(client, base_url, requests) for client in clients]


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "memory":
        print(json.dumps(memory_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        sys.exit("usage: python bench/probes.py memory CLIENT BASE_URL REQUESTS")
