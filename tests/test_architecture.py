"""The import rule of docs/ARCHITECTURE.md, checked by parsing every module of helpers/.

Layers, lowest first: common → data → chapters → report. A module may import its own layer's shared
modules and any lower layer; a chapter imports no other chapter (chapters meet through data products);
nothing imports a higher layer; no import cycle between modules. Imports inside functions count as edges
too, so a cycle cannot hide in a function body (lazy imports stay allowed for slow third-party packages
and for the command line's start-up time).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

HELPERS = Path(__file__).resolve().parents[1] / "helpers"
RANK = {"common": 0, "data": 1, "chapters": 2, "report": 3}


def _module_name(path: Path) -> str:
    rel = path.relative_to(HELPERS.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, bool, int]]:
    """(imported helpers module, inside a function?, line) for every import of a helpers module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((a.name, in_function, child.lineno) for a in child.names if a.name.startswith("helpers"))
            elif isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("helpers"):
                for a in child.names:  # `from helpers.x import y` may name a module y or an object in x
                    candidate = f"{child.module}.{a.name}"
                    target = candidate if _exists(candidate) else child.module
                    found.append((target, in_function, child.lineno))
            visit(child, nested)

    visit(tree, False)
    return found


def _exists(module: str) -> bool:
    p = HELPERS.parent / module.replace(".", "/")
    return p.with_suffix(".py").exists() or (p / "__init__.py").exists()


def _layer(module: str) -> tuple[str, str]:
    parts = module.split(".")
    layer = parts[1] if len(parts) > 1 and parts[1] in RANK else "root"
    in_chapter_folder = len(parts) > 2 and (HELPERS.parent / Path(*parts[:3])).is_dir()
    unit = ".".join(parts[:3]) if layer == "chapters" and in_chapter_folder else ".".join(parts[:2])
    return layer, unit


def _graph() -> dict[str, list[tuple[str, bool, int]]]:
    return {_module_name(p): _imports(p) for p in sorted(HELPERS.rglob("*.py"))}


def _violations(graph) -> list[str]:
    bad = []
    for mod, imports in graph.items():
        layer, unit = _layer(mod)
        if layer == "root":  # helpers/__init__ and __main__ only start the CLI
            continue
        for target, in_function, line in imports:
            t_layer, t_unit = _layer(target)
            where = f"{mod}:{line} imports {target}"
            if t_layer == "root":
                continue
            if RANK[t_layer] > RANK[layer]:
                bad.append(f"{where}: {layer} must not import the higher layer {t_layer}")
            elif t_layer == "chapters" and layer == "chapters" and t_unit != unit and t_unit != "helpers.chapters":
                bad.append(f"{where}: chapters talk through data products, not imports")
    return bad


def _cycles(graph) -> list[list[str]]:
    edges = {m: {t for t, _, _ in imps if t in graph and t != m} for m, imps in graph.items()}
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in edges:
        if v not in index:
            strong(v)
    return out


def test_imports_run_one_way():
    assert _violations(_graph()) == []


def test_no_import_cycles():
    assert _cycles(_graph()) == []


@pytest.mark.parametrize("case, expected", [
    ({"helpers.data.x": [("helpers.chapters.eda.compute", False, 3)]}, "must not import the higher layer"),
    ({"helpers.chapters.eda.compute": [("helpers.chapters.grades.compute", False, 5)]}, "data products"),
    ({"helpers.common.labels": [("helpers.data.loader", True, 7)]}, "must not import the higher layer"),
])
def test_the_checker_catches_forbidden_edges(case, expected):
    assert any(expected in v for v in _violations(case))


def test_the_checker_finds_a_cycle():
    graph = {"a": [("b", False, 1)], "b": [("a", False, 1)], "c": []}
    assert _cycles(graph) == [["a", "b"]]
