"""The house rules (ARCHITECTURE.md), measured by ``scripts/architecture.py`` on every run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("architecture", ROOT / "scripts" / "architecture.py")
architecture = importlib.util.module_from_spec(_spec)
sys.modules["architecture"] = architecture  # dataclasses look their module up there
_spec.loader.exec_module(architecture)


@pytest.fixture(scope="module")
def modules():
    return architecture.load_modules(ROOT / "pmo_analytics")


def test_the_root_keeps_at_most_ten_modules(modules) -> None:
    assert len(architecture.root_modules(modules)) <= 10


def test_there_are_no_import_cycles(modules) -> None:
    assert architecture.import_cycles(modules) == []


def test_subpackages_are_used_only_through_their_exports(modules) -> None:
    assert architecture.unexported_imports(modules) == []


def test_no_function_is_over_a_hundred_lines(modules) -> None:
    assert architecture.long_functions(modules) == []


def test_only_the_solver_module_imports_pulp() -> None:
    users = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "pmo_analytics").rglob("*.py")
        if any(
            line.strip().startswith(("import pulp", "from pulp"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    )
    assert users == ["pmo_analytics/optimise/model.py"]
