"""Many processes, one budget: the figures of issue 12, and `make demo-distributed`.

    python bench/distributed.py --demo        # four shard processes, the combined rate (about 1 minute)
    python bench/distributed.py --write       # every scenario (about 4 minutes); its section of RESULTS.md

Starts a redis-server from PATH (127.0.0.1, a free port, a temporary directory, no persistence),
a FakeTMDB that answers 429 past 20 requests per second (in this process), and four
`tmdb-async fetch --shard I/4 --redis-url ...` processes at 20 req/s shared. The served requests
are counted every 50 ms, which gives the combined rate of each phase.

Scenarios: all four to the end; one SIGKILLed mid-run (the other three go on); Redis stopped
mid-run and started again (each process falls back to 5 req/s, then shares again); and the cost
of the Redis limiter per request against the local one (one process, sequential, no rate limit).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from tmdb_async import TMDB
from tmdb_async.limits import RedisLimiter
from tmdb_async.testing import FakeTMDB

CLI = Path(sys.executable).parent / "tmdb-async"
RESULTS = Path(__file__).parent / "RESULTS.md"
MARK = "<!-- bench/distributed.py: this section is kept by bench/run.py -->"
RATE = 20
SHARDS = 4


class Redis:
    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("no redis-server on PATH: apt-get install redis-server (or brew install redis)")
        self.binary = binary
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(500):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.1):
                    return
            except OSError:
                time.sleep(0.01)
        raise SystemExit("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class Counts:
    """(seconds since the start, requests served) every 50 ms."""

    def __init__(self, fake: FakeTMDB) -> None:
        self.fake = fake
        self.samples: list[tuple[float, int]] = []
        self.began = time.perf_counter()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.samples.append((time.perf_counter() - self.began, self.fake.stats.requests))
            await asyncio.sleep(0.05)

    def now(self) -> float:
        return time.perf_counter() - self.began

    def rate(self, start: float, end: float) -> float:
        """Requests served per second between two moments (seconds since the start)."""
        inside = [(t, n) for t, n in self.samples if start <= t <= end]
        if len(inside) < 2 or inside[-1][0] == inside[0][0]:
            return 0.0
        return (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0])

    def busy(self) -> tuple[float, float]:
        """From the first request served to the last."""
        first = next(t for t, n in self.samples if n > 0)
        total = self.samples[-1][1]
        last = next(t for t, n in self.samples if n >= total)
        return first, last


async def shard(index: int, base_url: str, redis_url: str, ids: Path, out: Path) -> asyncio.subprocess.Process:
    args = ["--base-url", base_url, "--redis-url", redis_url, "--requests-per-second", str(RATE), "--timeout", "2"]
    args += ["fetch", "movies.details", "--ids", str(ids), "--out", str(out), "--shard", f"{index}/{SHARDS}"]
    args += ["--no-progress"]
    env = {**os.environ, "TMDB_ACCESS_TOKEN": "bench"}
    # Niced: the four clients share two cores with FakeTMDB, which stands for TMDB's own machines;
    # a starved fake would read requests late and count a burst where none was sent.
    return await asyncio.create_subprocess_exec(
        "nice", "-n", "10", str(CLI), *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, env=env
    )


async def scenario(
    name: str, work: Path, redis: Redis, ids_count: int, during: Callable[[Counts, list[Any]], Awaitable[str]] | None
) -> dict[str, Any]:
    folder = work / name
    folder.mkdir()
    ids = list(range(10_000, 10_000 + ids_count))
    ids_path = folder / "ids.txt"
    ids_path.write_text("".join(f"{i}\n" for i in ids))
    outs = [folder / f"shard{i}.jsonl" for i in range(1, SHARDS + 1)]
    async with FakeTMDB(credentials=None, requests_per_second=RATE) as fake:
        counts = Counts(fake)
        stop = asyncio.Event()
        sampler = asyncio.create_task(counts.run(stop))
        processes = [await shard(i, fake.base_url, redis.url, ids_path, outs[i - 1]) for i in range(1, SHARDS + 1)]
        note = await during(counts, processes) if during is not None else ""
        results = [await process.communicate() for process in processes]
        if name == "sigkill":  # the killed shard again, to the end of its share
            again = await shard(1, fake.base_url, redis.url, ids_path, outs[0])
            await again.communicate()
        await asyncio.sleep(0.1)
        stop.set()
        await sampler
        first, last = counts.busy()
        fetched = Counter(
            json.loads(line)["id"] for out in outs if out.exists() for line in out.read_text().splitlines()
        )
        stderr = [err.decode() for _, err in results]
        return {
            "scenario": name,
            "requests": fake.stats.requests,
            "429": fake.stats.rate_limited,
            "exits": [process.returncode for process in processes],
            "every id once": fetched == Counter(ids),
            "combined rate": counts.rate(first, last),
            "seconds": last - first,
            "note": note,
            "warnings": sum(err.count("is unreachable") for err in stderr),
            "counts": counts,
        }


async def wait_served(counts: Counts, n: int) -> None:
    while counts.fake.stats.requests < n:  # noqa: ASYNC110 - polls another object's counter, no event to wait on
        await asyncio.sleep(0.02)


def sigkill(after: int) -> Callable[[Counts, list[Any]], Awaitable[str]]:
    async def act(counts: Counts, processes: list[Any]) -> str:
        await wait_served(counts, after)
        killed_at = counts.now()
        processes[0].send_signal(signal.SIGKILL)
        await asyncio.gather(*(process.wait() for process in processes[1:]))
        ended = counts.now()
        return f"after the kill the other three served {counts.rate(killed_at + 0.5, ended - 0.2):.1f} req/s"

    return act


def outage(redis: Redis, after: int, seconds: float) -> Callable[[Counts, list[Any]], Awaitable[str]]:
    async def act(counts: Counts, processes: list[Any]) -> str:
        await wait_served(counts, after)
        stopped = counts.now()
        redis.stop()
        await asyncio.sleep(seconds)
        redis.start()
        back = counts.now()
        await asyncio.sleep(6)  # past retry_seconds (2 s): sharing again
        return (
            f"Redis down {seconds:.0f} s: {counts.rate(stopped + 0.5, back):.1f} req/s combined on the fallback"
            f" (4 x 4 req/s); shared again from 2 s after its return: {counts.rate(back + 2.5, counts.now()):.1f} req/s"
        )

    return act


async def overhead(redis: Redis, requests: int = 400, rounds: int = 3) -> dict[str, float]:
    """CPU and wall time per sequential request: local Throttle against RedisLimiter (no rate limit either way)."""
    figures: dict[str, list[float]] = {"local cpu": [], "redis cpu": [], "local wall": [], "redis wall": []}
    async with FakeTMDB(credentials=None) as fake:
        for _ in range(rounds):
            for kind in ("local", "redis"):
                limiter = RedisLimiter(redis.url, requests_per_second=1e6, key="overhead") if kind == "redis" else None
                async with TMDB(
                    access_token="b", base_url=fake.base_url, requests_per_second=None, limiter=limiter
                ) as t:
                    for ident in range(1, 21):  # warm up: connections, scripts, generated data
                        await t.movies.details(ident)
                    cpu, wall = time.process_time(), time.perf_counter()
                    for ident in range(1, requests + 1):
                        await t.movies.details(ident)
                    figures[f"{kind} cpu"].append((time.process_time() - cpu) / requests * 1e6)
                    figures[f"{kind} wall"].append((time.perf_counter() - wall) / requests * 1e6)
                if limiter is not None:
                    await limiter.aclose()
    return {name: sorted(values)[len(values) // 2] for name, values in figures.items()}


def line(result: dict[str, Any]) -> str:
    return (
        f"| {result['scenario']} | {result['requests']} | {result['429']} | {result['every id once']} |"
        f" {result['combined rate']:.1f} ({result['combined rate'] / RATE:.0%}) | {result['seconds']:.1f} |"
        f" {result['note'] + ';' if result['note'] else ''}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", action="store_true", help="only the four shards to the end, 400 ids")
    parser.add_argument("--write", action="store_true", help="put the figures into bench/RESULTS.md")
    parser.add_argument("--only", choices=["all", "sigkill", "redis-outage", "overhead"], help="one scenario")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        redis = Redis(work)
        redis.start()
        try:
            if options.demo:
                result = await scenario("all", work, redis, 400, None)
                print(f"4 processes, 400 ids, one budget of {RATE} req/s in Redis, FakeTMDB limited to {RATE} req/s:")
                print(
                    f"  combined {result['combined rate']:.1f} req/s over {result['seconds']:.1f} s,"
                    f" {result['429']} answers 429, every id fetched once: {result['every id once']},"
                    f" exits {result['exits']}"
                )
                return
            plans: dict[str, Any] = {
                "all": None,
                "sigkill": sigkill(200),
                "redis-outage": outage(redis, 150, 5.0),
            }
            rows = [
                await scenario(name, work, redis, 800, during)
                for name, during in plans.items()
                if options.only in (None, name)
            ]
            costs = await overhead(redis) if options.only in (None, "overhead") else {}
        finally:
            redis.stop()
    text = section(rows, costs)
    print(text)
    if options.write:
        splice(RESULTS, text)
        print(f"written into {RESULTS}")


def section(rows: list[dict[str, Any]], costs: dict[str, float]) -> str:
    """The Markdown section of bench/RESULTS.md for these figures."""
    out = [MARK, "## Many processes, one budget (bench/distributed.py)", ""]
    out.append(
        f"Written by `python bench/distributed.py --write` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())},"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores. Four `tmdb-async fetch --shard I/4"
        f" --redis-url ...` processes (niced), one RedisLimiter budget of {RATE} req/s, FakeTMDB answering 429"
        f" past {RATE} requests per second; the combined rate is requests served per second from the first to"
        " the last (429 answers included)."
    )
    out += ["", "| scenario | requests served | 429 | every id once | combined req/s (of 20) | seconds | note |"]
    out.append("| --- | ---: | ---: | --- | ---: | ---: | --- |")
    for row in rows:
        out.append(line(row) + f" exits {row['exits']}, fallback warnings {row['warnings']} |")
    if costs:
        out += [
            "",
            "One process, sequential `movies.details` calls against FakeTMDB, no rate limit, median of 3 x 400:",
        ]
        out += ["", "| limiter | client CPU µs / request | wall µs / request |", "| --- | ---: | ---: |"]
        for kind in ("local", "redis"):
            out.append(f"| {kind} | {costs[f'{kind} cpu']:.0f} | {costs[f'{kind} wall']:.0f} |")
    return "\n".join(out) + "\n"


def splice(path: Path, text: str) -> None:
    """Put `text` in place of the section after MARK (bench/run.py keeps that section when it rewrites the file)."""
    previous = path.read_text(encoding="utf-8") if path.exists() else ""
    head = previous.split(MARK, 1)[0].rstrip("\n")
    path.write_text(f"{head}\n\n{text}", encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(main())
