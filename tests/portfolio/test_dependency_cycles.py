"""Dependency cycles: each named separately by its shortest cycle; excludes never make one."""

from __future__ import annotations

from pathlib import Path

import pytest
from loading_helpers import copy_base, load_quietly, problems_of


@pytest.fixture
def base_copy(tmp_path) -> Path:
    return copy_base(tmp_path / "portfolio")


def test_every_cycle_is_named_separately(base_copy):
    (base_copy / "dependencies.csv").write_text(
        "project_id,other_id,kind\nP1,P2,requires\nP2,P1,follows\nP3,P4,requires\nP4,P5,follows\nP5,P3,requires\nP4,P1,excludes\n"
    )
    problems = problems_of(base_copy)
    assert problems["value"].tolist() == ["P1 → P2 → P1", "P3 → P4 → P5 → P3"]
    assert problems["row"].tolist() == [2, 4]


def test_excludes_never_make_a_cycle(base_copy):
    (base_copy / "dependencies.csv").write_text(
        "project_id,other_id,kind\nP1,P2,excludes\nP2,P1,excludes\n"
    )
    assert load_quietly(base_copy).dependencies["kind"].eq("excludes").all()


def test_a_long_chain_is_not_a_cycle_but_closing_it_is(base_copy):
    ids = [f"Q{i:03d}" for i in range(150)]
    projects = (base_copy / "projects.csv").read_text() + "".join(
        f"{i},Chain {i},Run,IT,CIO,proposed,,,,1,false,1,0\n" for i in ids
    )
    (base_copy / "projects.csv").write_text(projects)
    chain = "".join(f"{a},{b},requires\n" for a, b in zip(ids[1:], ids[:-1], strict=True))
    (base_copy / "dependencies.csv").write_text("project_id,other_id,kind\n" + chain)
    assert len(load_quietly(base_copy).dependencies) == 149
    (base_copy / "dependencies.csv").write_text(
        "project_id,other_id,kind\n" + chain + "Q000,Q149,follows\n"
    )
    problems = problems_of(base_copy)
    assert len(problems) == 1
    assert problems.loc[0, "value"].startswith("Q000 → Q149 → Q148")
    assert problems.loc[0, "value"].count("→") == 150
