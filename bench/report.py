"""Turn the benchmark's Results (results.py) into the console table and bench/RESULTS.md."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence

from clients import BASELINE
from results import Results, Sample


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ratios(results: Results, scenario: str, client: str, metric: Callable[[Sample], float]) -> list[float]:
    """Per-repetition ratio of `client` to the baseline measured in the same repetition."""
    mine = results.samples.get((scenario, client), [])
    base = results.samples.get((scenario, BASELINE), [])
    return [metric(m) / metric(b) for m, b in zip(mine, base, strict=False)]  # a client that failed later has fewer


def cell(results: Results, scenario: str, client: str, metric: Callable[[Sample], float]) -> str:
    """`median µs (median ratio x)`, or why there is none."""
    if (scenario, client) in results.failures and (scenario, client) not in results.samples:
        return "failed"
    samples = results.samples.get((scenario, client))
    if not samples:
        return "-"
    value = median([metric(sample) for sample in samples])
    rs = ratios(results, scenario, client, metric)
    return f"{value:,.0f} ({median(rs):.2f}x)" if rs else f"{value:,.0f}"


def cpu(sample: Sample) -> float:
    return sample.cpu_us


def wall(sample: Sample) -> float:
    return sample.wall_us


def table(results: Results, metric: Callable[[Sample], float]) -> list[list[str]]:
    rows = [["scenario", *results.clients]]
    for scenario in results.plan.scenarios:
        label = f"{scenario.name} ({scenario.requests:,} req)"
        rows.append([label, *(cell(results, scenario.name, client, metric) for client in results.clients)])
    return rows


def markdown_table(rows: list[list[str]]) -> str:
    header, *body = rows
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join([" --- "] + [" ---: "] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines)


def _line(row: list[str], widths: list[int]) -> str:
    first, *rest = zip(row, widths, strict=True)
    return "  ".join([first[0].ljust(first[1]), *(text.rjust(width) for text, width in rest)])


def console_table(results: Results) -> str:
    rows = table(results, cpu)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["Client CPU per request, µs: median over repetitions (median per-repetition ratio to httpx)"]
    lines.append(_line(rows[0], widths))
    lines.append("  ".join("-" * width for width in widths))
    lines += [_line(row, widths) for row in rows[1:]]
    return "\n".join(lines)


def per_repetition(results: Results) -> str:
    rows = [["scenario", "client", "CPU ratio to httpx, per repetition", "wall ratio, per repetition"]]
    for scenario in results.plan.scenarios:
        for client in results.clients:
            if client == BASELINE:
                continue
            cpu_rs = ratios(results, scenario.name, client, cpu)
            wall_rs = ratios(results, scenario.name, client, wall)
            if cpu_rs:
                rows.append([scenario.name, client, _list(cpu_rs), _list(wall_rs)])
    return markdown_table(rows)


def _list(values: Sequence[float]) -> str:
    return " ".join(f"{value:.2f}" for value in values)


def by_client(results: Results, scenario: str, metric: Callable[[Sample], float]) -> str:
    """`client median, ...` over the clients measured on `scenario`."""
    cells = []
    for client in results.clients:
        samples = results.samples.get((scenario, client))
        if samples:
            cells.append(f"{client} {median([metric(sample) for sample in samples]):,.0f}")
    return ", ".join(cells)


def server_side(results: Results) -> str:
    rows = [["scenario", "server CPU µs/request, by client (median)", "connections opened per timed run (median)"]]
    for scenario in results.plan.scenarios:
        server = by_client(results, scenario.name, lambda sample: sample.server_cpu_us)
        opened = by_client(results, scenario.name, lambda sample: sample.connections)
        if server:
            rows.append([scenario.name, server, opened])
    return markdown_table(rows)


def parsing(results: Results) -> str:
    rows = [["body", "parser", "µs per call (median)", "ratio to json.loads (median)", "per repetition"]]
    for result in results.parse:
        for name, value in result.us.items():
            rs = result.ratios[name]
            rows.append([f"{result.body}, {result.size:,} B", name, f"{value:,.1f}", f"{median(rs):.2f}x", _list(rs)])
    return markdown_table(rows)


def imports(results: Results) -> str:
    rows = [["module", "import wall time, ms (median, minus `python -c pass`)", "-X importtime cumulative, ms"]]
    for result in results.imports:
        importtime = "-" if result.importtime_ms is None else f"{result.importtime_ms:.0f}"
        rows.append([result.module, f"{result.ms:.0f}", importtime])
    return markdown_table(rows)


def memory(results: Results) -> str:
    rows = [["client", "requests", "peak RSS before the first request, MiB", "peak RSS, MiB", "growth, MiB", "seconds"]]
    for result in results.memory:
        if result.error:
            rows.append([result.client, f"{result.requests:,}", "failed", result.error, "", ""])
            continue
        growth = result.peak_mib - result.start_mib
        rows.append(
            [
                result.client,
                f"{result.requests:,}",
                f"{result.start_mib:.1f}",
                f"{result.peak_mib:.1f}",
                f"{growth:.1f}",
                f"{result.seconds:.1f}",
            ]
        )
    return markdown_table(rows)


def breakdown(results: Results) -> str:
    rows = ", ".join(f"{package} {ms:.0f} ms ({count} modules)" for package, ms, count in results.import_breakdown)
    return f"Where `import tmdb_async` spends it (self time by top-level package, one `-X importtime` run): {rows}."


def phases(results: Results) -> str:
    return ", ".join(f"{name} {seconds:.0f} s" for name, seconds in results.phases.items())


def failures(results: Results) -> str:
    if not results.failures:
        return "None: every client ran every scenario, and every movie it returned was the one it asked for."
    return "\n".join(f"- {client} on {scenario}: `{why}`" for (scenario, client), why in results.failures.items())


def markdown(results: Results, *, quick: bool) -> str:
    env = results.environment
    versions = ", ".join(f"{name} {version}" for name, version in env["versions"].items())
    sizes = results.body_sizes
    mode = "`--quick` (development numbers, not for comparison)" if quick else "full"
    pinning = "client pinned to core 0, server to core 1" if env["pinned"] else "no core pinning"
    return f"""# Benchmark results

Written by `python bench/run.py` ({mode}); what is measured and how to read it: [README.md](README.md).

- Date: {env["date"]}; the run took {results.seconds / 60:.1f} minutes ({phases(results)}).
- Machine: {env["cpu"]}, {env["cores"]} cores ({env["platform"]}); {pinning}.
- Load average (1 min) at the start {env["load"]}, at the end {env["load_end"]} (when above {env["cores"]}, other \
work competed with the benchmark: wall times, and less so CPU times, are inflated).
- Python: {env["python"]}; the server runs on {env["server_loop"]}.
- Versions: {versions}.
- Repetitions: {results.repetitions_done} (clients interleaved, in rotating order in each repetition).
- Bodies: details {sizes["small"]:,} B; details+append (credits, images, videos, keywords, recommendations) \
{sizes["large"]:,} B.
- Baseline: raw `httpx.AsyncClient` + `json.loads`; a ratio above 1 means more CPU than the baseline.

## Client CPU per request

Median µs of client-process CPU (`time.process_time()`, all threads) per request, and in brackets the
median of the per-repetition ratios to httpx.

{markdown_table(table(results, cpu))}

`tmdb_async` is `TMDB()` as it comes: aiohttp's pool under httpx's API. `tmdb_async_httpx` is
`TMDB(transport=httpx.AsyncHTTPTransport(...))`: httpx's own pool, the opt-in network layer
(README, "Network layers").

## Wall time per request

Median µs of wall time per request (the timed run's duration / requests), ratio as above.

{markdown_table(table(results, wall))}

## Per-repetition ratios to httpx

{per_repetition(results)}

## The server's share

The server runs in its own process on its own core; its CPU per request must stay well under every
client's for the wall times to mean anything (CPU figures are the client's alone either way).

{server_side(results)}

## Parsing alone (no network)

`from_dict` is `MovieDetails.from_dict` on an already parsed dict, every value checked against its
type; `decode+from_dict (tmdb_async)` is what the client does with a body (msgspec's JSON decoder,
then from_dict). Ratios are to `json.loads` of the same body, measured in the same repetition.

{parsing(results)}

## Import time

{imports(results)}

{breakdown(results)}

## Peak memory

A fresh process per client fetches {results.memory[0].requests if results.memory else 0:,} movie details \
at 64 in flight (64 workers pulling ids), dropping each movie after reading it (like a bulk export to a file).
Peak RSS is the process's VmHWM; the growth is what the fetch added to the client as imported and opened.

{memory(results)}

## Failures

{failures(results)}
"""
