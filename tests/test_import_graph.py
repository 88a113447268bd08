"""flopcast's modules import each other without circles.

The graph is read statically from every ``import`` statement in ``flopcast/``,
including those inside functions (a deferred import still ties two modules
together: it only hides the circle until the function runs). ``from P import N``
is an arrow to ``P.N`` when that is a module of flopcast, otherwise to ``P``.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent / "flopcast"

#: Both tests read one graph (parsing every module of flopcast takes seconds): on one worker, made once.
pytestmark = pytest.mark.xdist_group("import_graph")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


@cache
def import_graph() -> nx.DiGraph:
    """(Cached: the tests only read it.)"""
    files = sorted(ROOT.rglob("*.py"))
    modules = {_module_name(f): f for f in files}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(node, name, path.name == "__init__.py")
                for alias in node.names:
                    child = f"{source}.{alias.name}"
                    targets.append(child if child in modules else source)
            for target in targets:
                if target in modules and target != name:
                    graph.add_edge(name, target)
    return graph


def test_the_graph_sees_deferred_imports():
    # The CLI imports each subcommand inside main(): those arrows must be in the graph,
    # or the test below could not catch a circle closed by a function-level import.
    graph = import_graph()
    assert graph.has_edge("flopcast.cli", "flopcast.check.command")
    assert graph.has_edge("flopcast.cli", "flopcast.lsp.server")


def test_no_import_circles():
    cycles = [c for c in nx.simple_cycles(import_graph())]
    shown = ["  " + " -> ".join([*c, c[0]]) for c in sorted(cycles, key=len)[:10]]
    assert not cycles, f"{len(cycles)} import circle(s) in flopcast/, e.g.:\n" + "\n".join(shown)
