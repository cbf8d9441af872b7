"""limits.csv's figures: what one more step of each limit is worth, against brute force.

The true gain of a step is the brute-force optimum with the limit a step larger minus the
brute-force optimum as it is (``optimise_helpers.brute_force``, which reads the portfolio's own
tables). ``limit_worth`` must put it inside [gain_low, gain_high] — for proven plans and for a
plan that is deliberately not the best, with re-solves cut short by a node limit — and the
rows it marks tight must be full.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from optimise_helpers import Relaxation, assert_valid, brute_force, random_portfolio, toy_portfolio

from pmo_analytics.optimise import (
    LIMIT_COLUMNS,
    LimitSettings,
    OptimiseOptions,
    build_formulation,
    limit_table,
    limit_worth,
    optimise,
    plan_from_selection,
    project_needs,
    solve_model,
)

TOL = 1e-6


def true_gain(portfolio, options, row) -> float:
    """Brute-force optimum with the limit of ``row`` a step larger, minus today's."""
    period = pd.Period(row["period"], freq=portfolio.freq)
    if row["limit"] == "budget":
        relax = Relaxation(budget={period: float(row["step"])})
    else:
        relax = Relaxation(capacity={(row["limit"], period): float(row["step"])})
    today = brute_force(portfolio, options)
    larger = brute_force(portfolio, options, relax=relax)
    return larger.objective - today.objective


def assert_gains_hold(portfolio, options, worth) -> int:
    """Every evaluated row's true gain lies in its range; returns how many were evaluated."""
    evaluated = worth[worth["gain"].notna()]
    for _, row in evaluated.iterrows():
        truth = true_gain(portfolio, options, row)
        assert row["gain_low"] - TOL <= truth <= row["gain_high"] + TOL, (row.to_dict(), truth)
        assert row["gain_low"] >= 0.0 and row["gain_high"] >= row["gain_low"] - TOL, row
        if math.isclose(row["gain_low"], row["gain_high"], abs_tol=TOL):
            assert row["gain"] == pytest.approx(truth, abs=1e-6), (row.to_dict(), truth)
    return len(evaluated)


def assert_tight_rows_are_full(plan, table) -> None:
    use = plan.utilisation.assign(period=plan.utilisation["period"].astype(str))
    merged = table.merge(use, left_on=["limit", "period"], right_on=["resource", "period"])
    assert len(merged) == len(table) == len(plan.utilisation)
    slack = merged["available_y"] - merged["used_y"]
    tol = 1e-6 * np.maximum(1.0, merged["available_y"].abs())
    assert (slack[merged["tight"]].abs() <= tol[merged["tight"]]).all()
    assert (slack[~merged["tight"]] > tol[~merged["tight"]]).all()


@pytest.fixture(scope="module")
def toy():
    """Dev 2 FTE a quarter; S1 (10) in Q1 and S2 (9) in Q2 take both; CAP (5) needs 1 Dev FTE
    and fits nowhere beside them; BUD (50) costs 50,000 against 10,000 a quarter (S1 spends
    1,000 of Q1's)."""
    return toy_portfolio(
        [
            dict(project_id="S1", value=10, earliest_start="2027Q1", latest_start="2027Q1"),
            dict(project_id="S2", value=9, earliest_start="2027Q2", latest_start="2027Q2"),
            dict(project_id="CAP", value=5),
            dict(project_id="BUD", value=50),
        ],
        demand=[("S1", "Dev", 0, 2), ("S2", "Dev", 0, 2), ("CAP", "Dev", 0, 1)],
        cashflows=[("BUD", 0, 50_000), ("S1", 0, 1000)],
        capacity={"Dev": 2},
        budget=10_000,
        n_periods=2,
    )


def test_a_limit_that_alone_keeps_a_project_out_names_it_and_its_step_admits_it(toy):
    plan = optimise(toy)
    assert_valid(plan)
    worth = limit_worth(plan, evaluate=10)
    assert worth.columns.tolist() == LIMIT_COLUMNS
    assert len(worth) == len(plan.utilisation) == 4
    dev = worth[worth["limit"] == "Dev"].set_index("period")
    assert dev["tight"].all() and (dev["utilisation"] == 1.0).all()
    # CAP's best start is Q1: Dev there alone keeps it out, and one more FTE lets it in (+5)
    assert dev.at["2027Q1", "blocking"] == "CAP" and dev.at["2027Q1", "step"] == 1.0
    assert dev.at["2027Q1", "gain"] == pytest.approx(5.0)
    assert dev.at["2027Q1", "gain_low"] == pytest.approx(5.0) == dev.at["2027Q1", "gain_high"]
    # the budget: BUD needs 50,000 where Q2 has 10,000; the step is exactly its shortfall
    budget = worth[worth["limit"] == "budget"].set_index("period")
    assert budget.at["2027Q2", "blocking"] == "BUD"
    assert budget.at["2027Q2", "step"] == 40_000.0
    assert budget.at["2027Q2", "gain"] == pytest.approx(50.0)
    assert budget["tight"].sum() == 0
    assert_gains_hold(toy, plan.options, worth)
    assert_tight_rows_are_full(plan, worth)
    # the LP estimate is the shadow price times the step, labelled as such
    prices = plan.prices.assign(period=plan.prices["period"].astype(str))
    price = prices.set_index(["resource", "period"])["shadow_price"]
    assert dev.at["2027Q1", "lp_estimate"] == pytest.approx(price[("Dev", "2027Q1")])


def test_each_excluded_project_says_which_limits_it_needs(toy):
    plan = optimise(toy)
    needs = project_needs(plan).set_index("project_id")
    assert needs.at["BUD", "text"] == "BUD needs more budget in 2027Q2 (at its best start, 2027Q2)"
    assert needs.at["CAP", "limits"] == [("Dev", pd.Period("2027Q1"))]
    # the counts add up: no limit alone keeps out more projects than are out
    table = limit_table(plan)
    alone = [p for cell in table["blocking"] for p in cell.split(";") if p]
    assert len(alone) == len(set(alone)) <= int((~plan.schedule["selected"]).sum())


@pytest.mark.parametrize("seed", [3, 11, 19, 27])
def test_true_gain_of_one_step_lies_in_the_proven_range(seed):
    portfolio = random_portfolio(seed, n_projects=7, n_periods=3, tightness=0.45)
    options = OptimiseOptions(shadow_prices=True)
    if not brute_force(portfolio, options).feasible:
        pytest.skip("no plan satisfies this portfolio's rules")
    plan = optimise(portfolio, options)
    assert_valid(plan)
    worth = limit_worth(plan, evaluate=len(plan.utilisation), node_limit=1)
    assert_tight_rows_are_full(plan, worth)
    assert assert_gains_hold(portfolio, options, worth) > 0


@pytest.mark.parametrize("seed", [5, 9, 12])
def test_the_range_holds_around_a_plan_that_is_not_the_best(seed):
    """A deliberately poor plan (every optional project out) with the LP bound: the gain is
    measured against it, and the range still holds the truth."""
    portfolio = random_portfolio(seed, n_projects=7, n_periods=3, tightness=0.45)
    options = OptimiseOptions()
    best = brute_force(portfolio, options)
    if not best.feasible:
        pytest.skip("no plan satisfies this portfolio's rules")
    model = build_formulation(portfolio, options)
    must = model.projects.index[model.projects["must"]]
    starts = {pid: s for pid, s in best.starts.items() if pid in must}
    selection = pd.Series(
        [1.0 if starts.get(pid) == start else 0.0 for pid, start in model.option_index],
        index=model.option_index,
    )
    lp = solve_model(model, relax=True)
    poor = plan_from_selection(
        portfolio, model, options, selection, status="feasible", solver="cbc", bound=lp.bound
    )
    assert poor.objective <= best.objective + TOL and poor.bound >= best.objective - TOL
    worth = limit_worth(poor, evaluate=len(poor.utilisation), node_limit=1)
    assert assert_gains_hold(portfolio, options, worth) > 0


def test_only_the_most_promising_are_evaluated_and_the_figures_repeat():
    portfolio = random_portfolio(7, n_projects=8, n_periods=4, tightness=0.4)
    plan = optimise(portfolio)
    first = limit_worth(plan, evaluate=2, node_limit=5)
    assert first["gain"].notna().sum() <= 2
    assert first[first["gain"].isna()][["gain_low", "gain_high"]].isna().all().all()
    again = limit_worth(plan, LimitSettings(evaluate=2, node_limit=5), n_jobs=2)
    pd.testing.assert_frame_equal(first, again)
    assert limit_worth(plan, evaluate=0)["gain"].isna().all()


def test_settings_are_checked():
    with pytest.raises(ValueError, match=r"node_limit=0 is not valid; use a whole number ≥ 1"):
        LimitSettings(node_limit=0)
    with pytest.raises(ValueError, match=r"n_jobs=0 is not valid"):
        LimitSettings(n_jobs=0)
