"""The house reads one way: each floor imports only the floors below it, nothing imports in a
circle, and the read side never imports Dash or Flask."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLOORS = {"schemas": 1, "etl": 2, "readside": 3, "dashboard": 4, "migdash": 5}  # the CLI starts the server
WEB = {"dash", "dash_ag_grid", "flask", "plotly"}


def modules() -> dict[str, Path]:
    return {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
            for package in FLOORS for p in (ROOT / package).rglob("*.py")}


def imports_of(path: Path) -> set[str]:
    """Every module named by an import statement, anywhere in the file (also inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def project_edges() -> dict[str, set[str]]:
    known = modules()
    return {name: {m for m in imports_of(path) if m in known and m != name} for name, path in known.items()}


@pytest.mark.parametrize("package", list(FLOORS))
def test_no_import_reaches_a_higher_floor(package):
    for name, path in modules().items():
        if name.split(".")[0] != package:
            continue
        for imported in imports_of(path):
            top = imported.split(".")[0]
            if top in FLOORS:
                assert FLOORS[top] <= FLOORS[package] and (top == package or FLOORS[top] < FLOORS[package]), \
                    f"{name} (floor {FLOORS[package]}) imports {imported} (floor {FLOORS[top]})"


def test_the_read_side_and_below_never_import_the_web_stack():
    for name, path in modules().items():
        if FLOORS[name.split(".")[0]] <= 3:
            web = {m for m in imports_of(path) if m.split(".")[0] in WEB}
            assert not web, f"{name} imports {sorted(web)}"


def test_no_two_modules_import_each_other_directly_or_in_a_circle():
    edges = project_edges()
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                raise AssertionError(" -> ".join([*trail[trail.index(nxt):], nxt]) if nxt in trail else f"{node} -> {nxt}")
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
