"""Status honesty, the gap option and determinism.

A run stopped by its time limit must say ``feasible`` with a real bound (one no plan can beat)
and a positive gap; ``optimal`` only when proven. Hard instances come from the OR-Library
multidimensional knapsack set (read in place from ``../shared/benchmarks/mknap``), whose
best-known values are lower bounds on the optimum and whose LP values are upper bounds: an
honest bound lies between the two.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from optimise_helpers import assert_status_consistent, assert_valid, toy_portfolio

from benchmarks.mknap import best_known, mknap_portfolio, read_orlib
from pmo_analytics import generate_portfolio
from pmo_analytics.exceptions import InfeasiblePlanError
from pmo_analytics.optimise import optimise
from pmo_analytics.report import plan_summary


def _instance(folder, file: str, index: int):
    problem = read_orlib(folder / file)[index]
    table = best_known(folder)
    row = table[(table["file"] == file) & (table["index"] == index)].iloc[0]
    return problem, mknap_portfolio(problem), float(row["best_known"]), float(row["lp_bound"])


def _chosen(problem, plan) -> np.ndarray:
    ids = plan.schedule.index
    return plan.schedule["selected"].reindex(ids).to_numpy(dtype=float)


def _assert_bound_is_honest(plan, best: float, lp: float) -> None:
    # best-known <= optimum <= bound <= LP relaxation
    tol = 1e-6 * lp
    assert plan.bound >= best - tol, f"bound {plan.bound} below a known plan's value {best}"
    assert plan.bound <= lp + tol, f"bound {plan.bound} weaker than the LP relaxation {lp}"
    assert plan.objective <= plan.bound + tol


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_time_limited_run_says_feasible_with_a_true_bound(mknap_dir, solver):
    problem, portfolio, best, lp = _instance(
        mknap_dir, "mknapcb5.txt", 0
    )  # 10 x 250, not provable in 2 s
    plan = optimise(portfolio, solver=solver, time_limit=2, shadow_prices=False)
    assert plan.status in ("feasible", "optimal")
    assert_valid(plan)
    _assert_bound_is_honest(plan, best, lp)
    assert problem.is_feasible(_chosen(problem, plan))
    assert plan.objective == pytest.approx(problem.value_of(_chosen(problem, plan)))
    if plan.status == "feasible":
        assert plan.gap > 0
        assert "optimum not proven" in plan.summary_text()
        assert plan_summary(plan)["status"] == "feasible"
        assert plan_summary(plan)["bound"] == pytest.approx(plan.bound, abs=1e-6)


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_gap_option_stops_within_the_gap(mknap_dir, solver):
    problem, portfolio, best, lp = _instance(mknap_dir, "mknapcb2.txt", 0)  # 5 x 250
    plan = optimise(portfolio, solver=solver, gap=0.05, time_limit=30, shadow_prices=False)
    assert plan.status in ("feasible", "optimal")
    assert_valid(plan)
    assert plan.gap <= 0.05 + 1e-6
    _assert_bound_is_honest(plan, best, lp)
    assert plan.objective >= best / 1.05 - 1e-6  # follows from an honest bound and gap
    assert problem.is_feasible(_chosen(problem, plan))


def test_solver_without_a_plan_in_time_falls_back_to_the_heuristic_honestly(mknap_dir):
    problem, portfolio, best, lp = _instance(mknap_dir, "mknapcb9.txt", 0)  # 30 x 500
    plan = optimise(
        portfolio, solver="highs", time_limit=0.02, warm_start=False, shadow_prices=False
    )
    assert plan.status == "feasible"
    assert_valid(plan)
    _assert_bound_is_honest(plan, best, lp)
    assert problem.is_feasible(_chosen(problem, plan))
    if any("heuristic" in note for note in plan.notes):
        assert plan.gap > 0


# regression: a time limit striking in CBC's preprocessing made CBC say "infeasible" and the run
# reported a feasible portfolio infeasible with an empty diagnosis (fixed in 928d0fd)
def test_time_limit_never_turns_a_feasible_portfolio_infeasible(mknap_dir):
    problem, portfolio, best, lp = _instance(
        mknap_dir, "mknapcb9.txt", 0
    )  # the empty plan is feasible
    statuses = [
        optimise(portfolio, time_limit=limit, shadow_prices=False).status
        for limit in (0.03, 0.05, 0.05, 0.08)
    ]
    assert "infeasible" not in statuses, statuses


def test_proven_optimum_says_optimal(mknap_dir):
    problem = read_orlib(mknap_dir / "mknap1.txt")[3]
    plan = optimise(mknap_portfolio(problem), shadow_prices=False)
    assert plan.status == "optimal"
    assert_valid(plan)
    assert plan.objective == problem.optimum
    assert plan.gap == 0 and plan.bound == plan.objective
    assert "optimal (proven)" in plan.summary_text()


def test_infeasible_run_has_no_plan_and_names_the_limit():
    portfolio = toy_portfolio(
        [
            dict(project_id="M1", mandatory=True, earliest_start="2027Q1", latest_start="2027Q1"),
            dict(project_id="M2", mandatory=True, earliest_start="2027Q1", latest_start="2027Q1"),
        ],
        demand=[("M1", "Dev", 0, 1.5), ("M2", "Dev", 0, 1.0)],
        capacity={"Dev": 2},
        n_periods=2,
    )
    plan = optimise(portfolio)
    assert plan.status == "infeasible"
    assert_status_consistent(plan)
    assert math.isnan(plan.objective)
    summary = plan_summary(plan)
    assert (
        summary["status"] == "infeasible"
        and summary["objective"] is None
        and summary["n_selected"] == 0
    )
    assert len(plan.diagnosis) == 1
    row = plan.diagnosis.iloc[0]
    assert (row["family"], row["resource"], str(row["period"])) == ("capacity", "Dev", "2027Q1")
    assert row["shortfall"] == pytest.approx(0.5)
    assert "Dev" in row["message"] and "2027Q1" in row["message"] and "0.5" in row["message"]
    error = InfeasiblePlanError(plan)
    assert error.plan is plan
    assert row["message"] in str(error)


@pytest.fixture(scope="module")
def busy_portfolio():
    return generate_portfolio(25, n_periods=6, n_roles=3, seed=11, tightness=0.45)


def _outputs(plan) -> tuple:
    summary = plan_summary(plan)
    summary.pop("seconds")
    return plan.plan_table(), plan.utilisation_table(), summary, plan.binding


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_same_inputs_give_identical_outputs(busy_portfolio, solver):
    first = optimise(busy_portfolio, solver=solver)
    second = optimise(busy_portfolio, solver=solver)
    assert first.status == "optimal"
    assert_valid(first)
    assert_valid(second)
    a, b = _outputs(first), _outputs(second)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    assert a[2] == b[2]
    pd.testing.assert_frame_equal(a[3], b[3])


def test_cbc_and_highs_agree_on_a_busy_portfolio(busy_portfolio):
    cbc = optimise(busy_portfolio, shadow_prices=False)
    highs = optimise(busy_portfolio, solver="highs", shadow_prices=False)
    assert cbc.status == highs.status == "optimal"
    assert_valid(cbc)
    assert_valid(highs)
    assert highs.objective == pytest.approx(cbc.objective, rel=1e-9)
