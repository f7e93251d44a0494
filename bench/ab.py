"""A/B: client CPU per request of this working tree against another commit, interleaved.

    python bench/ab.py --base HEAD~1                          # details, sequential and 16 in flight
    python bench/ab.py --base main --in-flight 1 --requests 3000 --reps 9
    python bench/ab.py --base main --client tmdb_async_httpx --large
    python bench/ab.py --base main --no-network       # TMDB over a canned transport: no socket, less noise
    python bench/ab.py --base main --calls --reps 1   # Python function calls per request (cProfile): load-free
    python bench/ab.py --base main --no-network --api-key  # the v3 API key instead of the access token

For performance work on tmdb_async itself, where run.py (every client, every scenario) is too
slow to repeat and its ratios to httpx are noisier than the change being measured. The `src/`
and `generated/` trees of `--base` are extracted with `git archive` into a temporary folder
(nothing else is checked out); each measurement is a fresh process that imports tmdb_async from
one tree or the other (PYTHONPATH goes before the editable install), warms up and times
`--requests` calls with run.py's own code (`measure`: process_time, all threads, the server's
request count checked). Repetitions alternate the order of A and B; the report is the median
per request and the median of the per-repetition ratios B/A. The server is run.py's, in its
own process, pinned to its own core when there are two. Nothing here fails on a slow result.

`--no-network` times `tmdb.movies.details()` over a canned network layer instead (an httpx
transport answering the small body from memory: what tmdb_async costs above the network,
with no socket, no server and no aiohttp; `--api-key` makes it authenticate with an API key in
the query instead of the access token). `--calls` counts, instead of timing, the Python
function calls per request under cProfile (after a first, uncounted run; the client's open,
warm-up and close are counted, spread over the requests): the one figure another process's
load cannot move.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import pstats
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))


def child(args: argparse.Namespace) -> None:
    """One measurement, in this fresh process: print it as JSON."""
    from run import CLIENT_CPU, pin

    pin(0, CLIENT_CPU)
    if args.calls:
        one_measurement(args)  # imports and first-use work: not counted
        profiler = cProfile.Profile()
        profiler.runcall(one_measurement, args)
        calls = sum(counts[1] for counts in pstats.Stats(profiler).stats.values())  # type: ignore[attr-defined]
        result = {"cpu_us": calls / args.requests, "wall_us": 0.0}
    else:
        result = one_measurement(args)
    import tmdb_async

    print(json.dumps({**result, "module": tmdb_async.__file__}))


def one_measurement(args: argparse.Namespace) -> dict[str, float]:
    if args.no_network:
        return asyncio.run(canned(args.requests, int(args.in_flight), api_key=args.api_key))
    from clients import ADAPTERS
    from results import Scenario
    from run import Server, measure

    adapter = next(adapter_class() for adapter_class in ADAPTERS if adapter_class.name == args.client)
    server = Server(None, args.port, "")  # type: ignore[arg-type]  # only its base_url and /__stats are used
    scenario = Scenario("ab", args.large, args.requests, int(args.in_flight))
    sample = measure(adapter, server, scenario, [1 + n for n in range(args.requests)])
    return {"cpu_us": sample.cpu_us, "wall_us": sample.wall_us}


async def canned(requests: int, in_flight: int, *, api_key: bool = False) -> dict[str, float]:
    """CPU and wall time per `movies.details` call over an httpx transport that answers from memory."""
    import httpx
    from server import build_templates

    from tmdb_async import TMDB

    small, _ = build_templates()

    class Body(httpx.AsyncByteStream):
        def __init__(self, body: bytes) -> None:
            self.body = body

        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield self.body

    class Canned(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            body = small.render(request.url.path.rsplit("/", 1)[1].encode())
            headers = [(b"Content-Type", b"application/json;charset=utf-8"), (b"Content-Length", b"%d" % len(body))]
            return httpx.Response(200, headers=headers, stream=Body(body), request=request)

    slots = asyncio.Semaphore(in_flight)

    async def one(movie_id: int) -> None:
        async with slots:
            movie = await tmdb.movies.details(movie_id)
        assert movie.id == movie_id

    credential = {"api_key": "bench"} if api_key else {"access_token": "bench"}
    tmdb = TMDB(base_url="http://127.0.0.1:9", **credential, requests_per_second=None, transport=Canned())
    async with tmdb:
        await asyncio.gather(*(one(100_000 + n) for n in range(max(in_flight, 10))))
        gc.collect()
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(one(1 + n) for n in range(requests)))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"cpu_us": cpu / requests * 1e6, "wall_us": wall / requests * 1e6}


def extract(ref: str, into: Path) -> Path:
    """`src/` and `generated/` of `ref`, extracted under `into`; the folder to put them on PYTHONPATH from."""
    archive = into / "base.tar"
    command = ["git", "archive", "--format=tar", "-o", str(archive), ref, "src", "generated"]
    subprocess.run(command, cwd=ROOT, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"


def run_one(tree: Path, port: int, args: argparse.Namespace, in_flight: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": f"{tree / 'src'}{os.pathsep}{tree / 'generated'}"}
    command = [
        sys.executable, __file__, "--child", "--port", str(port), "--client", args.client,
        "--requests", str(args.requests), "--in-flight", str(in_flight),
    ]  # fmt: skip
    flags = ("large", "no-network", "calls", "api-key")
    command += [f"--{flag}" for flag in flags if getattr(args, flag.replace("-", "_"))]
    done = subprocess.run(command, env=env, check=False, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"the measurement failed:\n{done.stderr[-3000:]}")
    output = done.stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    if not str(result["module"]).startswith(str(tree)):  # type: ignore[arg-type]
        raise SystemExit(f"the measurement imported {result['module']}, not the tree under {tree}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="A/B client CPU per request: this tree (B) against --base (A).")
    parser.add_argument("--base", default="HEAD", help="git ref of A (default HEAD: the uncommitted change is B)")
    parser.add_argument("--client", default="tmdb_async", choices=["tmdb_async", "tmdb_async_httpx"])
    parser.add_argument("--in-flight", default="1,16", help="comma-separated in-flight levels")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--large", action="store_true", help="details+append (~150 KiB) instead of details")
    parser.add_argument("--no-network", action="store_true", help="tmdb_async over a canned transport (no socket)")
    parser.add_argument("--calls", action="store_true", help="Python function calls per request, not CPU time")
    parser.add_argument("--api-key", action="store_true", help="with --no-network: an API key, not a token")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    from run import running_server

    if args.no_network and args.large:
        parser.error("--no-network answers the small body only: drop --large")
    if args.api_key and not args.no_network:
        parser.error("--api-key works with --no-network only (the bench clients use the access token): add it")
    levels = [int(level) for level in args.in_flight.split(",")]
    with tempfile.TemporaryDirectory(prefix="tmdb-ab-") as temp, running_server(max_seconds=3600) as server:
        trees = {"A": extract(args.base, Path(temp)), "B": ROOT}
        port = int(server.base_url.rsplit(":", 1)[1])
        samples: dict[tuple[str, int], list[dict[str, float]]] = {}
        for rep in range(args.reps):
            order = ["A", "B"] if rep % 2 == 0 else ["B", "A"]
            for level in levels:
                for name in order:
                    samples.setdefault((name, level), []).append(run_one(trees[name], port, args, level))
            load = os.getloadavg()[0]
            print(f"rep {rep + 1}/{args.reps} done, load {load:.1f}", file=sys.stderr, flush=True)
    body = "details+append" if args.large else "details"
    client = "tmdb_async over a canned transport" if args.no_network else args.client
    client += " with an API key" if args.api_key else ""
    print(
        f"A = {args.base}, B = this working tree; {client}, {body}, {args.requests} requests"
        f" x {args.reps} repetitions; load (1 min) at the end {os.getloadavg()[0]:.1f}"
    )
    unit = "Python calls/req" if args.calls else "CPU µs/req"
    print(f"| in flight | A {unit} | B {unit} | B/A (median of reps) | B/A per rep | A wall µs | B wall µs |")
    print("| ---: | ---: | ---: | ---: | --- | ---: | ---: |")
    for level in levels:
        a, b = samples[("A", level)], samples[("B", level)]
        ratios = [y["cpu_us"] / x["cpu_us"] for x, y in zip(a, b, strict=True)]
        cpu_a, cpu_b = (statistics.median(s["cpu_us"] for s in side) for side in (a, b))
        wall_a, wall_b = (statistics.median(s["wall_us"] for s in side) for side in (a, b))
        print(
            f"| {level} | {cpu_a:.0f} | {cpu_b:.0f} | {statistics.median(ratios):.3f}"
            f" | {' '.join(f'{r:.2f}' for r in ratios)} | {wall_a:.0f} | {wall_b:.0f} |"
        )


if __name__ == "__main__":
    main()
