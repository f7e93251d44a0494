"""The types the benchmark's parts share: what to run (Scenario, Plan) and what it measured (Sample, Results).

Their own module so that run.py (which fills them) and report.py (which prints them) both
import them from here, and neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import probes


@dataclass(frozen=True)
class Scenario:
    name: str
    large: bool
    requests: int
    in_flight: int


@dataclass(frozen=True)
class Plan:
    """How much to run: the scenarios, repetitions, and the sizes of the side measurements."""

    scenarios: tuple[Scenario, ...]
    repetitions: int
    parse_seconds: float  # per timing of one parser on one body
    import_runs: int
    memory_requests: int
    memory_clients: tuple[str, ...]
    max_minutes: float  # stop starting repetitions past this (the run stays bounded)


@dataclass(frozen=True)
class Sample:
    """One client on one scenario in one repetition, per request."""

    cpu_us: float
    wall_us: float
    server_cpu_us: float
    connections: int  # connections the server saw opened during the timed part


@dataclass
class Results:
    plan: Plan
    clients: list[str]
    samples: dict[tuple[str, str], list[Sample]] = field(default_factory=dict)  # (scenario, client)
    failures: dict[tuple[str, str], str] = field(default_factory=dict)
    repetitions_done: int = 0
    body_sizes: dict[str, int] = field(default_factory=dict)
    parse: list[probes.ParseResult] = field(default_factory=list)
    imports: list[probes.ImportResult] = field(default_factory=list)
    memory: list[probes.MemoryResult] = field(default_factory=list)
    import_breakdown: list[tuple[str, float, int]] = field(default_factory=list)  # tmdb_async, by package
    environment: dict[str, Any] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)  # seconds per part of the run
    seconds: float = 0.0
