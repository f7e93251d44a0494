"""bench/'s modules import one another without a cycle (TYPE_CHECKING imports included)."""

from __future__ import annotations

import ast
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def bench_imports() -> dict[str, set[str]]:
    """Each bench module's name -> the bench modules it imports, anywhere in the file."""
    modules = {path.stem: path for path in BENCH.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
        graph[name] = imported & modules.keys()
    return graph


def test_bench_modules_import_each_other_without_a_cycle() -> None:
    graph = bench_imports()
    cycles = sorted(f"{a} <-> {b}" for a in graph for b in graph[a] if a < b and a in graph[b])
    longer: list[str] = []

    def visit(name: str, path: list[str]) -> None:
        for nxt in sorted(graph[name]):
            if nxt == path[0] and len(path) > 2:
                longer.append(" -> ".join([*path, nxt]))
            elif nxt not in path and nxt > path[0]:
                visit(nxt, [*path, nxt])

    for start in sorted(graph):
        visit(start, [start])
    assert (cycles, longer) == ([], [])


def test_the_graph_sees_the_bench_imports() -> None:
    graph = bench_imports()

    assert {"results", "report"} <= graph["run"]
    assert "results" in graph["report"]
