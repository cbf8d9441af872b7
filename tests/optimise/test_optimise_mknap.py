"""The OR-Library multidimensional knapsack instances: readers, portfolios and known optima.

Read in place from ``../shared/benchmarks/mknap`` (the ``mknap_dir`` fixture skips where it is
absent). A knapsack is a one-period portfolio: the optimiser must reach the published optimum
(Petersen's ``mknap1`` problems, optimum in each header; literature problems of ``mknap2`` and
SAC-94) and the best-known values of the 5×100 Chu & Beasley instances, which are proven optima.
All thirty 5×100 instances, with both solvers, are in ``benchmarks/bench_mknap.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from optimise_helpers import assert_valid

from benchmarks.mknap import (
    best_known,
    mknap_portfolio,
    read_dat,
    read_mknap,
    read_mknap2,
    read_orlib,
)
from pmo_analytics.optimise import optimise

#: 5×100 instances in the test suite (among the fastest for CBC to prove, one per tightness
#: class 0.25, 0.50, 0.75); the benchmark runs all thirty.
CB1_IN_TESTS = (6, 18, 26)


# --------------------------------------------------------------------------- readers
@pytest.mark.parametrize(
    ("file", "constraints", "items"),
    [("mknapcb1.txt", 5, 100), ("mknapcb5.txt", 10, 250), ("mknapcb9.txt", 30, 500)],
)
def test_chu_beasley_files_hold_thirty_problems_of_their_class(mknap_dir, file, constraints, items):
    problems = read_orlib(mknap_dir / file)
    assert len(problems) == 30
    assert {(p.n_constraints, p.n_items) for p in problems} == {(constraints, items)}
    assert all(p.optimum is None for p in problems)  # 0 in every mknapcb header
    assert problems[7].name == f"{file}#7" and problems[7].index == 7
    # tightness: capacities are 0.25, 0.50, 0.75 of the row sums
    for index, tightness in ((0, 0.25), (10, 0.5), (20, 0.75)):
        p = problems[index]
        assert p.capacities / p.weights.sum(axis=1) == pytest.approx(
            np.full(constraints, tightness), abs=0.01
        )


def test_first_chu_beasley_problem_reads_token_for_token(mknap_dir):
    p = read_orlib(mknap_dir / "mknapcb1.txt")[0]
    assert p.profits[:7].tolist() == [504, 803, 667, 1103, 834, 585, 811]
    assert p.profits.dtype == float and p.weights.shape == (5, 100)


def test_petersen_problems_read_with_their_optima(mknap_dir):
    problems = read_orlib(mknap_dir / "mknap1.txt")
    assert [p.optimum for p in problems] == [3800, 8706.1, 4015, 6120, 12400, 10618, 16537]
    first = problems[0]
    assert (first.n_items, first.n_constraints) == (6, 10)
    assert first.profits.tolist() == [100, 600, 1200, 2400, 500, 2000]
    assert first.weights[0].tolist() == [8, 12, 13, 64, 22, 41]
    assert first.capacities.tolist() == [80, 96, 20, 36, 44, 48, 10, 18, 22, 24]


def test_mknap2_blocks_read_by_name(mknap_dir):
    problems = read_mknap2(mknap_dir / "mknap2.txt")
    assert len(problems) == 48
    by_name = {p.name: p for p in problems}
    weing1 = by_name["WEING1"]
    assert (weing1.n_constraints, weing1.n_items, weing1.optimum) == (2, 28, 141278)
    assert weing1.capacities.tolist() == [600, 600]
    assert weing1.weights[0, :3].tolist() == [45, 0, 85]
    assert (by_name["SENTO1"].n_constraints, by_name["SENTO1"].n_items) == (30, 60)
    # the same problem in Drake's format (sac94/weing1.dat) reads the same
    drake = read_dat(mknap_dir / "sac94" / "weing1.dat")
    assert drake.optimum == weing1.optimum
    np.testing.assert_array_equal(drake.weights, weing1.weights)
    np.testing.assert_array_equal(drake.profits, weing1.profits)
    np.testing.assert_array_equal(drake.capacities, weing1.capacities)


def test_drake_files_and_the_dispatcher(mknap_dir):
    sac = sorted((mknap_dir / "sac94").glob("*.dat"))
    gk = sorted((mknap_dir / "gk").glob("*.dat"))
    assert (len(sac), len(gk)) == (54, 11)
    assert all(read_dat(f).optimum for f in sac)
    assert [read_dat(f).optimum is not None for f in gk] == [True] * 3 + [False] * 8
    assert len(read_mknap(mknap_dir / "mknap2.txt")) == 48
    assert read_mknap(gk[0])[0].name == "gk01"
    with pytest.raises(FileNotFoundError, match="no MKP file"):
        read_mknap(mknap_dir / "nope.txt")


def test_readers_say_what_is_wrong_with_a_truncated_file(mknap_dir, tmp_path):
    text = (mknap_dir / "mknap1.txt").read_text().split()
    short = tmp_path / "short.txt"
    short.write_text(" ".join(text[:40]))
    with pytest.raises(
        ValueError, match=r"short.txt: problem 0 \(6 items, 10 constraints\) needs 76 numbers"
    ):
        read_orlib(short)
    bad = tmp_path / "bad.dat"
    bad.write_text("3 1 0\n1 2 3\n1 1\n")
    with pytest.raises(ValueError, match="bad.dat: 3 items and 1 constraints need 10 numbers"):
        read_dat(bad)


def test_best_known_table(mknap_dir):
    table = best_known(mknap_dir)
    assert len(table) == 270
    assert list(table.columns) == [
        "file",
        "index",
        "name",
        "constraints",
        "items",
        "best_known",
        "lp_bound",
    ]
    first = table.iloc[0]
    assert (first["file"], first["index"], first["best_known"]) == ("mknapcb1.txt", 0, 24381)
    assert (table["best_known"] <= table["lp_bound"]).all()


# --------------------------------------------------------------------------- the portfolio
def test_knapsack_becomes_a_one_period_portfolio(mknap_dir):
    problem = read_orlib(mknap_dir / "mknap1.txt")[0]
    portfolio = mknap_portfolio(problem)
    projects = portfolio.projects
    assert len(portfolio.horizon) == 1 and len(projects) == problem.n_items
    assert portfolio.roles == [f"R{i:02d}" for i in range(1, 11)]
    assert projects["strategic_value"].tolist() == problem.profits.tolist()
    assert projects["duration"].eq(1).all() and projects["status"].eq("proposed").all()
    assert not portfolio.has_budget
    assert portfolio.capacity_by_role_period().to_numpy().tolist() == problem.capacities.tolist()
    use = portfolio.demand.pivot_table(
        index="role", columns="project_id", values="fte", fill_value=0.0
    )
    np.testing.assert_array_equal(
        use.reindex(columns=projects.index, fill_value=0.0).to_numpy(), problem.weights
    )


def _solve(problem, solver: str = "cbc", **options):
    plan = optimise(mknap_portfolio(problem), solver=solver, shadow_prices=False, **options)
    assert_valid(plan)
    chosen = plan.schedule["selected"].to_numpy(dtype=float)
    assert problem.is_feasible(chosen), "the plan breaks a knapsack constraint"
    assert plan.objective == pytest.approx(problem.value_of(chosen))
    return plan


# --------------------------------------------------------------------------- known optima
@pytest.mark.parametrize("index", range(7))
def test_petersen_optimum_is_reached_and_proven(mknap_dir, index):
    problem = read_orlib(mknap_dir / "mknap1.txt")[index]
    plan = _solve(problem)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(problem.optimum, abs=1e-6)


@pytest.mark.parametrize("name", ["WEING1", "HP1", "PB1", "WEISH01"])
def test_literature_optimum_is_reached(mknap_dir, name):
    problem = next(p for p in read_mknap2(mknap_dir / "mknap2.txt") if p.name == name)
    plan = _solve(problem, solver="highs")
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(problem.optimum, abs=1e-6)


@pytest.mark.parametrize("index", CB1_IN_TESTS)
def test_chu_beasley_5x100_best_known_is_reached(mknap_dir, index):
    problem = read_orlib(mknap_dir / "mknapcb1.txt")[index]
    table = best_known(mknap_dir)
    best = float(
        table[(table["file"] == "mknapcb1.txt") & (table["index"] == index)]["best_known"].iloc[0]
    )
    plan = _solve(problem, time_limit=60)
    assert plan.objective == pytest.approx(best, abs=1e-6)  # proven optimal for this class
    if plan.status == "feasible":  # a slow machine: the value is found, the proof took longer
        assert plan.bound >= best - 1e-6
    else:
        assert plan.status == "optimal"
