"""Measure the shape of the package: the figures the house rules (ARCHITECTURE.md) are about.

Run ``python scripts/architecture.py`` (from the project root) to print

- the modules in the package root,
- the import cycles among the package's modules (every import that runs counts, also those
  inside functions; imports under ``if TYPE_CHECKING:`` are for type checkers only and do not),
- the imports of names that a subpackage does not export (a module outside subpackage ``S``
  importing from one of ``S``'s modules, or importing from ``S`` a name ``S.__all__`` lacks),
- the functions (and methods) over 100 lines.

``tests/test_architecture.py`` asserts the same figures, so the rules cannot erode unseen.
The script only reads source files (``ast``); it imports nothing of the package.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "pmo_analytics"
MAX_FUNCTION_LINES = 100


@dataclass
class Module:
    name: str  # dotted, e.g. pmo_analytics.optimise.run
    path: Path
    tree: ast.Module
    is_package: bool
    imports: list[tuple[str, str | None, int]] = field(default_factory=list)
    # (target module, imported name or None, line)


def _module_name(root: Path, path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


def _resolve(module: Module, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.name.split(".")
    if not module.is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def load_modules(root: Path) -> dict[str, Module]:
    """Every module of the package under ``root``, with its intra-package imports."""
    modules: dict[str, Module] = {}
    for path in sorted(root.rglob("*.py")):
        name, is_package = _module_name(root, path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        modules[name] = Module(name, path, tree, is_package)
    for module in modules.values():
        for node in _runtime_nodes(module.tree):
            if isinstance(node, ast.ImportFrom):
                target = _resolve(module, node)
                if not target.startswith(PACKAGE):
                    continue
                exported = _exports(modules[target]) if target in modules else None
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in modules and alias.name not in (exported or ()):
                        # "from . import formulation": the module itself (a name the package
                        # exports wins over a submodule of the same name)
                        module.imports.append((sub, None, node.lineno))
                    else:
                        module.imports.append((target, alias.name, node.lineno))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith(PACKAGE):
                        module.imports.append((alias.name, None, node.lineno))
    return modules


def _runtime_nodes(tree: ast.AST):
    """Every node of ``tree`` except those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if (
                isinstance(child, ast.If)
                and isinstance(child.test, ast.Name)
                and child.test.id == "TYPE_CHECKING"
            ):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def root_modules(modules: dict[str, Module]) -> list[str]:
    """Modules that sit directly in the package root (``__init__`` included)."""
    return sorted(
        m.path.name for m in modules.values() if m.path.parent.name == PACKAGE and m.path.is_file()
    )


def import_cycles(modules: dict[str, Module]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    graph = {
        name: sorted({t for t, _, _ in m.imports if t in modules and t != name})
        for name, m in modules.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)


def _exports(module: Module) -> set[str] | None:
    """The names in a package's ``__all__`` (None when it states none)."""
    for node in module.tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            try:
                return set(ast.literal_eval(node.value))
            except ValueError:
                return None
    return None


def _subpackage(name: str, modules: dict[str, Module]) -> str | None:
    """The top-level subpackage a module belongs to (pmo_analytics.optimise), or None."""
    parts = name.split(".")
    if len(parts) < 2:
        return None
    top = ".".join(parts[:2])
    return top if top in modules and modules[top].is_package else None


def unexported_imports(modules: dict[str, Module]) -> list[str]:
    """Imports across subpackages that bypass the target's ``__init__`` or its ``__all__``."""
    found = []
    for module in modules.values():
        own = _subpackage(module.name, modules)
        for target, name, line in module.imports:
            package = _subpackage(target, modules)
            if package is None or package == own:
                continue
            where = f"{module.path.relative_to(module.path.parents[len(module.name.split('.')) - 1 + module.is_package])}:{line}"
            if target != package:
                found.append(f"{where}: {target} ({name or 'module'})")
                continue
            exported = _exports(modules[package])
            if name is not None and (exported is None or name not in exported):
                found.append(f"{where}: {package}.{name} is not exported")
    return sorted(found)


def long_functions(modules: dict[str, Module], limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """Functions and methods whose definition spans more than ``limit`` lines."""
    found = []
    for module in modules.values():
        for node in ast.walk(module.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                lines = node.end_lineno - first + 1
                if lines > limit:
                    found.append(f"{module.name}.{node.name} ({lines} lines)")
    return sorted(found)


def report(root: Path) -> dict[str, list]:
    modules = load_modules(root)
    return {
        "root modules": root_modules(modules),
        "import cycles": import_cycles(modules),
        "imports of names a subpackage does not export": unexported_imports(modules),
        f"functions over {MAX_FUNCTION_LINES} lines": long_functions(modules),
    }


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / PACKAGE
    for title, items in report(root).items():
        print(f"{title}: {len(items)}")
        for item in items:
            print(f"  {' -> '.join(item) if isinstance(item, list) else item}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
