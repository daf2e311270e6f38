"""Check the import layers of the arnews package.

    python tools/import_layers.py [--graph] [PACKAGE_DIR]

Reads every module of the package with ``ast`` (nothing is imported or run) and collects
its imports of other package modules, at module level and inside functions alike: a lazy
import is still a dependency, it only defers the cost. Prints the cycles in that graph and
every arrow from a lower layer to a higher one, and exits 1 if there is any; with
``--graph`` it also prints the whole graph, one ``module -> imports`` line per module.

A module may import modules of its own layer or of lower ones. A package ``__init__`` that
only re-exports names of its own subpackage sits in the layer of that subpackage. A module
missing from LAYERS is reported too, so a new module has to be placed deliberately.
"""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Lowest first. Patterns: an exact dotted module name, or "pkg.*" for every module under pkg
# (the most specific match wins).
LAYERS: list[tuple[str, list[str]]] = [
    ("primitives", ["arnews.text", "arnews.memo", "arnews.document", "arnews.errors"]),
    ("text stages", ["arnews.normalize", "arnews.stopwords", "arnews.tokenize",
                     "arnews.sources"]),
    ("morphology", ["arnews.morphology", "arnews.morphology.*"]),
    # entities and keywords read the lemmas
    ("later stages", ["arnews.entities", "arnews.entities.*", "arnews.keywords"]),
    ("pipeline", ["arnews.pipeline"]),
    ("work", ["arnews.work"]),  # one input to one Document: what both engines run
    ("batch", ["arnews.batch", "arnews.dask_engine", "arnews.corpus"]),
    ("presentation", ["arnews.render", "arnews.render.*", "arnews.progress", "arnews.datastatus"]),
    # The public Python API (the package's __init__: analyze_text, analyze_paths, __version__);
    # the CLI is a thin layer over it.
    ("api", ["arnews"]),
    ("cli", ["arnews.cli", "arnews.__main__"]),
]


def layer_of(module: str) -> int | None:
    best, best_len = None, -1
    for rank, (_name, patterns) in enumerate(LAYERS):
        for pattern in patterns:
            if pattern.endswith(".*"):
                prefix = pattern[:-1]
                if module.startswith(prefix) and len(prefix) > best_len:
                    best, best_len = rank, len(prefix)
            elif module == pattern and len(pattern) + 1 > best_len:
                best, best_len = rank, len(pattern) + 1
    return best


def module_name(path: Path, pkg_dir: Path) -> str:
    parts = list(path.relative_to(pkg_dir.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, module: str, modules: set[str]) -> set[str]:
    """Package modules that `module` (at `path`) imports anywhere in its body."""
    is_pkg = path.name == "__init__.py"
    package = module if is_pkg else module.rpartition(".")[0]
    found: set[str] = set()

    def resolve(name: str) -> str | None:
        # the longest prefix of `name` that is a package module (`from x import y` may name a function y)
        while name:
            if name in modules:
                return name
            name = name.rpartition(".")[0]
        return None

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = resolve(alias.name)
                if target:
                    found.add(target)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                if node.level > 1:
                    base_parts = base_parts[:len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts)
                full = f"{base}.{node.module}" if node.module else base
            else:
                full = node.module or ""
            for alias in node.names:  # `from . import crf` names a module, `from .x import f` a name in x
                target = resolve(f"{full}.{alias.name}") if full else None
                if target and target != full and f"{full}.{alias.name}" == target:
                    found.add(target)
                else:
                    target = resolve(full)
                    if target:
                        found.add(target)
    found.discard(module)
    return found


def build_graph(pkg_dir: Path) -> dict[str, set[str]]:
    files = {module_name(p, pkg_dir): p for p in sorted(pkg_dir.rglob("*.py"))}
    # C extensions (setup.py builds each from one .c file) are modules too, with no package imports
    extensions = {module_name(p, pkg_dir) for p in pkg_dir.rglob("*.c")}
    modules = set(files) | extensions
    graph = {m: imports_of(p, m, modules) for m, p in files.items()}
    graph.update({m: set() for m in extensions - set(files)})
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def problems(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for comp in cycles(graph):
        found.append("cycle: " + " <-> ".join(comp))
    for module in sorted(graph):
        if layer_of(module) is None:
            found.append(f"unplaced: {module} is in no layer (add it to LAYERS in tools/import_layers.py)")
    for module in sorted(graph):
        here = layer_of(module)
        for target in sorted(graph[module]):
            there = layer_of(target)
            if here is not None and there is not None and there > here:
                found.append(f"upward: {module} ({LAYERS[here][0]}) -> {target} ({LAYERS[there][0]})")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", nargs="?", type=Path, default=ROOT / "arnews")
    parser.add_argument("--graph", action="store_true", help="print every module's imports too")
    args = parser.parse_args(argv)
    graph = build_graph(args.package)
    if args.graph:
        for module in sorted(graph, key=lambda m: (layer_of(m) or 0, m)):
            rank = layer_of(module)
            name = LAYERS[rank][0] if rank is not None else "?"
            print(f"[{name}] {module} -> {', '.join(sorted(graph[module])) or '-'}")
    found = problems(graph)
    for line in found:
        print(line)
    print(f"{len(graph)} modules, {sum(map(len, graph.values()))} imports, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
