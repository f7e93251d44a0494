"""Benchmark tmdb_async against raw httpx (the baseline), raw aiohttp, tmdbsimple and themoviedb.

    python bench/run.py            # full run, ~6-8 minutes; writes bench/RESULTS.md
    python bench/run.py --quick    # ~1 minute, fewer requests and repetitions, for development

What and how: see bench/README.md. In short: a lean fake TMDB runs in its own process (server.py),
each client fetches the same movie ids from it, clients interleaved in rotating order within every
repetition, and the client process's CPU (time.process_time, all threads) per request is the
figure of merit, reported as medians and as per-repetition ratios to raw httpx.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import probes
import report
from clients import ADAPTERS, BASELINE, Adapter, AsyncAdapter, Fetched, SyncAdapter
from results import Plan, Results, Sample, Scenario
from server import Template, build_templates

BENCH_DIR = Path(__file__).resolve().parent
MEASUREMENT_TIMEOUT = 180.0  # seconds; a client slower than this is broken, not slow
CLIENT_CPU, SERVER_CPU = 0, 1  # cores the client and the server are pinned to, when there are two


FULL = Plan(
    scenarios=(
        Scenario("details, sequential", False, 300, 1),
        # 1,000, not 2,000: httpx's pool costs several ms per request at 64 in flight (README),
        # and the whole run has to stay under ~8 minutes on 2 cores.
        Scenario("details, 16 in flight", False, 2000, 16),
        Scenario("details, 64 in flight", False, 1000, 64),
        Scenario("details+append, sequential", True, 200, 1),
        Scenario("details+append, 16 in flight", True, 200, 16),
        Scenario("details+append, 64 in flight", True, 192, 64),
    ),
    repetitions=5,
    parse_seconds=0.2,
    import_runs=5,
    memory_requests=10_000,
    memory_clients=("tmdb_async",),
    max_minutes=9.0,
)
QUICK = Plan(
    scenarios=(
        Scenario("details, sequential", False, 100, 1),
        Scenario("details, 16 in flight", False, 300, 16),
        Scenario("details, 64 in flight", False, 300, 64),
        Scenario("details+append, sequential", True, 20, 1),
        Scenario("details+append, 16 in flight", True, 32, 16),
        Scenario("details+append, 64 in flight", True, 64, 64),
    ),
    repetitions=3,
    parse_seconds=0.05,
    import_runs=2,
    memory_requests=1_000,
    memory_clients=("tmdb_async",),
    max_minutes=2.0,
)


class Mismatch(Exception):
    """A client returned something other than the movie it asked for."""


@dataclass(frozen=True)
class Expectation:
    """What every fetched movie must look like, so that a broken client cannot look fast."""

    title: str
    cast: int  # for the large body; 0 for the small one

    def check(self, fetched: Fetched, movie_id: int) -> None:
        if fetched != Fetched(movie_id, self.title, self.cast):
            raise Mismatch(f"asked for movie {movie_id}, got {fetched}")


# --- the server process --------------------------------------------------------------------------


class Server:
    """server.py in a subprocess on 127.0.0.1; always terminated by the `running` context manager."""

    def __init__(self, process: subprocess.Popen[str], port: int, loop: str) -> None:
        self.process = process
        self.base_url = f"http://127.0.0.1:{port}"
        self.loop = loop

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.base_url}/__stats", timeout=10) as answer:
            data: dict[str, Any] = json.loads(answer.read())
        return data


@contextmanager
def running_server(max_seconds: float) -> Iterator[Server]:
    command = [sys.executable, str(BENCH_DIR / "server.py"), "--max-seconds", str(max_seconds)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "listening <port> <loop>"; empty if it died
        if not line.startswith("listening "):
            raise RuntimeError(f"the benchmark server did not start (said {line!r})")
        _, port, loop = line.split()
        pin(process.pid, SERVER_CPU)
        yield Server(process, int(port), loop)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


PINNING = hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) >= 2


def pin(pid: int, cpu: int) -> None:
    """Keep client and server on separate cores, so neither steals the other's."""
    if PINNING:
        os.sched_setaffinity(pid, {cpu})


# --- driving one client ----------------------------------------------------------------------------


async def drive_async(adapter: AsyncAdapter, ids: Sequence[int], scenario: Scenario, expect: Expectation) -> None:
    large = scenario.large
    if scenario.in_flight == 1:
        for movie_id in ids:
            expect.check(await adapter.fetch(movie_id, large), movie_id)
        return
    slots = asyncio.Semaphore(scenario.in_flight)

    async def one(movie_id: int) -> None:
        async with slots:
            fetched = await adapter.fetch(movie_id, large)
        expect.check(fetched, movie_id)

    await asyncio.gather(*(one(movie_id) for movie_id in ids))


def drive_sync(
    adapter: SyncAdapter, ids: Sequence[int], scenario: Scenario, expect: Expectation, pool: ThreadPoolExecutor | None
) -> None:
    large = scenario.large
    if pool is None:
        for movie_id in ids:
            expect.check(adapter.fetch(movie_id, large), movie_id)
        return

    def one(movie_id: int) -> None:
        expect.check(adapter.fetch(movie_id, large), movie_id)

    for _ in pool.map(one, ids, timeout=MEASUREMENT_TIMEOUT):
        pass


class Timer:
    """Client CPU (all threads) and wall time of the timed part, plus the server's counters around it."""

    def __init__(self, server: Server) -> None:
        self.server = server

    def __enter__(self) -> Timer:
        self.before = self.server.stats()
        gc.collect()
        self.cpu = time.process_time()
        self.wall = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cpu = time.process_time() - self.cpu
        self.wall = time.perf_counter() - self.wall
        self.after = self.server.stats()

    def sample(self, requests: int) -> Sample:
        served = self.after["requests"] - self.before["requests"]
        if served != requests:
            raise Mismatch(f"the server answered {served} requests for {requests} calls (retries? duplicates?)")
        return Sample(
            cpu_us=self.cpu / requests * 1e6,
            wall_us=self.wall / requests * 1e6,
            server_cpu_us=(self.after["cpu_seconds"] - self.before["cpu_seconds"]) / requests * 1e6,
            # minus the connection that fetched `after` itself
            connections=self.after["connections"] - self.before["connections"] - 1,
        )


def warmup_ids(scenario: Scenario) -> list[int]:
    """Enough requests to fill the pool (and start the threads) before timing; small bodies, as that is all it takes."""
    return [100_000 + n for n in range(max(scenario.in_flight, 10))]


def warmup_scenario(scenario: Scenario) -> Scenario:
    return Scenario(f"{scenario.name} (warm-up)", False, max(scenario.in_flight, 10), scenario.in_flight)


async def measure_async(adapter: AsyncAdapter, server: Server, scenario: Scenario, ids: Sequence[int]) -> Sample:
    await adapter.open(server.base_url, scenario.in_flight)
    try:
        warmup = warmup_scenario(scenario)
        await asyncio.wait_for(drive_async(adapter, warmup_ids(scenario), warmup, EXPECT_SMALL), MEASUREMENT_TIMEOUT)
        expect = EXPECT_LARGE if scenario.large else EXPECT_SMALL
        with Timer(server) as timer:
            await asyncio.wait_for(drive_async(adapter, ids, scenario, expect), MEASUREMENT_TIMEOUT)
    finally:
        await adapter.close()
    return timer.sample(len(ids))


def measure_sync(adapter: SyncAdapter, server: Server, scenario: Scenario, ids: Sequence[int]) -> Sample:
    adapter.open(server.base_url, scenario.in_flight)
    pool = ThreadPoolExecutor(max_workers=scenario.in_flight) if scenario.in_flight > 1 else None
    try:
        drive_sync(adapter, warmup_ids(scenario), warmup_scenario(scenario), EXPECT_SMALL, pool)
        expect = EXPECT_LARGE if scenario.large else EXPECT_SMALL
        with Timer(server) as timer:
            drive_sync(adapter, ids, scenario, expect, pool)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        adapter.close()
    return timer.sample(len(ids))


def measure(adapter: Adapter, server: Server, scenario: Scenario, ids: Sequence[int]) -> Sample:
    """Open the client, warm it up, time `ids` through it, close it."""
    if isinstance(adapter, AsyncAdapter):
        return asyncio.run(measure_async(adapter, server, scenario, ids))
    return measure_sync(adapter, server, scenario, ids)


# --- the whole run ---------------------------------------------------------------------------------


def rotated(items: Sequence[Any], by: int) -> list[Any]:
    by %= len(items)
    return [*items[by:], *items[:by]]


def expectations(small: Template, large: Template) -> tuple[Expectation, Expectation]:
    movie = small.document(1)
    full = large.document(1)
    return Expectation(movie["title"], 0), Expectation(full["title"], len(full["credits"]["cast"]))


EXPECT_SMALL, EXPECT_LARGE = expectations(*build_templates())


def run_repetitions(
    plan: Plan, server: Server, results: Results, started: float, adapters: Sequence[type[Adapter]] = ADAPTERS
) -> None:
    for rep in range(plan.repetitions):
        if rep and time.monotonic() - started > plan.max_minutes * 60:
            print(f"stopping after {rep} repetitions: past the {plan.max_minutes:.0f}-minute budget", flush=True)
            break
        for scenario in plan.scenarios:
            ids = [1 + n for n in range(scenario.requests)]
            for adapter_class in rotated(adapters, rep):
                key = (scenario.name, adapter_class.name)
                if key in results.failures:
                    continue
                try:
                    sample = measure(adapter_class(), server, scenario, ids)
                except Exception as exc:  # a broken client is reported, and the others still run
                    results.failures[key] = f"{type(exc).__name__}: {exc}"[:300]
                    print(f"  {adapter_class.name} failed on {scenario.name}: {results.failures[key]}", flush=True)
                    continue
                results.samples.setdefault(key, []).append(sample)
            print(f"rep {rep + 1}/{plan.repetitions} {scenario.name}: {progress(results, scenario)}", flush=True)
        results.repetitions_done = rep + 1


def progress(results: Results, scenario: Scenario) -> str:
    cells = []
    for name in results.clients:
        samples = results.samples.get((scenario.name, name))
        cells.append(f"{name} {samples[-1].cpu_us:.0f}" if samples else f"{name} -")
    return ", ".join(cells) + " (CPU us/request)"


@contextmanager
def phase(results: Results, name: str) -> Iterator[None]:
    print(f"{name} ...", flush=True)
    start = time.monotonic()
    try:
        yield
    finally:
        results.phases[name] = time.monotonic() - start


def run(plan: Plan, adapters: Sequence[type[Adapter]] = ADAPTERS, *, probes_too: bool = True) -> Results:
    started = time.monotonic()
    results = Results(plan=plan, clients=[adapter.name for adapter in adapters])
    results.environment = probes.environment()
    small, large = build_templates()
    results.body_sizes = {"small": len(small.render(b"11")), "large": len(large.render(b"11"))}
    with running_server(max_seconds=plan.max_minutes * 60 + 900) as server:
        results.environment["server_loop"] = server.loop
        results.environment["pinned"] = PINNING
        pin(0, CLIENT_CPU)
        gc.freeze()  # imported modules and the templates are never scanned again: no client pays for another's
        with phase(results, "clients, interleaved"):
            run_repetitions(plan, server, results, started, adapters)
        if probes_too:
            run_probes(plan, server, results, small, large)
    results.environment["load_end"] = probes.load_average()
    results.seconds = time.monotonic() - started
    return results


def run_probes(plan: Plan, server: Server, results: Results, small: Template, large: Template) -> None:
    """The side measurements: parsing alone, import time, peak memory."""
    with phase(results, "parsing alone"):
        results.parse = probes.parse_costs(small, large, plan.repetitions, plan.parse_seconds)
    with phase(results, "import time"):
        results.imports = probes.import_times(plan.import_runs)
        results.import_breakdown = probes.import_breakdown("tmdb_async")
    with phase(results, "peak memory"):
        results.memory = probes.memory_all(server.base_url, plan.memory_requests, plan.memory_clients)


def selected(plan: Plan, clients: str | None, scenarios: str | None) -> tuple[Plan, list[type[Adapter]]]:
    """The plan and clients narrowed by --clients and --scenarios (the baseline always runs: ratios need it)."""
    adapters = list(ADAPTERS)
    if clients:
        wanted = {name.strip() for name in clients.split(",")} | {BASELINE}
        unknown = wanted - {adapter.name for adapter in ADAPTERS}
        if unknown:
            known = ", ".join(adapter.name for adapter in ADAPTERS)
            raise SystemExit(f"--clients: unknown {', '.join(sorted(unknown))}; known: {known}")
        adapters = [adapter for adapter in ADAPTERS if adapter.name in wanted]
    if scenarios:
        kept = tuple(scenario for scenario in plan.scenarios if scenarios in scenario.name)
        if not kept:
            raise SystemExit(f"--scenarios: no scenario name contains {scenarios!r}")
        plan = replace(plan, scenarios=kept)
    return plan, adapters


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark tmdb_async against other TMDB clients.")
    parser.add_argument("--quick", action="store_true", help="fewer requests and repetitions (~1 minute)")
    parser.add_argument("--output", type=Path, default=None, help="Markdown report (default: bench/RESULTS.md)")
    parser.add_argument("--clients", help="comma-separated client names to run (the httpx baseline always runs)")
    parser.add_argument("--scenarios", help="run only the scenarios whose name contains this, e.g. 'details,'")
    parser.add_argument("--parse-only", action="store_true", help="measure parsing alone (no server); print its table")
    args = parser.parse_args()
    if args.parse_only:
        small, large = build_templates()
        only = Results(plan=FULL, clients=[])
        only.parse = probes.parse_costs(small, large, FULL.repetitions, FULL.parse_seconds)
        print(report.parsing(only))
        return
    plan, adapters = selected(QUICK if args.quick else FULL, args.clients, args.scenarios)
    partial = bool(args.clients or args.scenarios)
    if partial and args.output is None:
        parser.error("--clients/--scenarios make a partial run: give --output (RESULTS.md is the full run's)")
    output = args.output or BENCH_DIR / ("RESULTS-quick.md" if args.quick else "RESULTS.md")
    results = run(plan, adapters, probes_too=not partial)
    print()
    print(report.console_table(results))
    text = report.markdown(results, quick=args.quick)
    # The section bench/distributed.py wrote (issue 12) stays: this run does not measure it.
    mark = "<!-- bench/distributed.py: this section is kept by bench/run.py -->"
    previous = output.read_text(encoding="utf-8") if output.exists() else ""
    if mark in previous:
        text = text.rstrip("\n") + "\n\n" + mark + previous.split(mark, 1)[1]
    output.write_text(text, encoding="utf-8")
    print(f"\nwrote {output} ({results.seconds / 60:.1f} minutes)")


if __name__ == "__main__":
    main()
