"""Where a client's CPU goes: one scenario of run.py under cProfile, top functions printed.

    python bench/profile_client.py                                  # tmdb_async, details at 16 in flight
    python bench/profile_client.py --client httpx --in-flight 64 --requests 500
    python bench/profile_client.py --large --in-flight 1 --requests 100 --sort cumulative --top 40

The fake server runs in its own process (as in run.py), so only the client shows up. cProfile
roughly doubles the client's CPU; read the shares, not the absolute times. --output keeps the
raw profile (for snakeviz or pstats).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clients import ADAPTERS
from results import Scenario
from run import Server, measure, running_server


def profile(client: str, scenario: Scenario, server: Server) -> cProfile.Profile:
    adapter = next(adapter_class() for adapter_class in ADAPTERS if adapter_class.name == client)
    ids = [1 + n for n in range(scenario.requests)]
    measure(adapter, server, scenario, ids[:50])  # imports, first connections: not what we look for
    profiler = cProfile.Profile()
    profiler.runcall(measure, type(adapter)(), server, scenario, ids)
    return profiler


def main() -> None:
    parser = argparse.ArgumentParser(description="Profile one client on one scenario.")
    parser.add_argument("--client", default="tmdb_async", choices=[adapter.name for adapter in ADAPTERS])
    parser.add_argument("--in-flight", type=int, default=16)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--large", action="store_true", help="details+append (~150 KiB) instead of details")
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative", "ncalls"])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--output", type=Path, help="also write the raw profile here")
    args = parser.parse_args()
    scenario = Scenario("profile", args.large, args.requests, args.in_flight)
    with running_server(max_seconds=600) as server:
        profiler = profile(args.client, scenario, server)
    if args.output:
        profiler.dump_stats(args.output)
    stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
    stats.print_stats(args.top)


if __name__ == "__main__":
    main()
