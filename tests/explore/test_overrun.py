"""Overrun risk: a fixed plan under drawn costs and demand, checked sample by sample against
the real utilisation module; the Monte Carlo's overrun figures are the same computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from uncertainty_helpers import N_SAMPLES, SEED, SPREADS, small_portfolio, small_result

import pmo_analytics as pa
from pmo_analytics.explore.ranges import draw_samples, uncertainty_ranges, with_figures


@pytest.fixture(scope="module")
def portfolio():
    return small_portfolio()


@pytest.fixture(scope="module")
def result():
    return small_result()


def test_overrun_matches_the_utilisation_of_each_sample(portfolio, result):
    ranges = uncertainty_ranges(portfolio, **SPREADS)
    draws = draw_samples(portfolio, ranges, n_samples=N_SAMPLES, seed=SEED)
    used = []
    for i in range(N_SAMPLES):
        sampled = with_figures(portfolio, cost=draws.cost[i], fte=draws.fte[i])
        used.append(pa.utilisation(sampled, result.plan.starts).assign(sample=i))
    used = pd.concat(used, ignore_index=True)
    used["over"] = used["used"] > used["available"] * (1 + 1e-9) + 1e-9
    expected = used.groupby(["resource", "period"])["over"].mean()
    got = result.overrun.set_index(["resource", "period"])["p_overrun"]
    pd.testing.assert_series_equal(
        got.sort_index(), expected.reindex(got.index).sort_index(), check_names=False
    )
    mean = used.groupby(["resource", "period"])["used"].mean()
    np.testing.assert_allclose(
        result.overrun.set_index(["resource", "period"])["mean"], mean.reindex(got.index)
    )
    planned = pa.utilisation(portfolio, result.plan.starts).set_index(["resource", "period"])[
        "used"
    ]
    np.testing.assert_allclose(
        result.overrun.set_index(["resource", "period"])["planned"], planned.reindex(got.index)
    )
    any_budget = used[used["resource"] == "budget"].groupby("sample")["over"].any()
    np.testing.assert_array_equal(result.samples["budget_overrun"], any_budget.sort_index())


def test_overrun_risk_is_the_monte_carlos_overrun_without_solving(portfolio, result):
    risk = pa.overrun_risk(portfolio, result.plan, n_samples=N_SAMPLES, seed=SEED, **SPREADS)
    pd.testing.assert_frame_equal(risk.overrun, result.overrun)
    columns = ["plan_value", "plan_cost", "budget_overrun", "capacity_overrun"]
    pd.testing.assert_frame_equal(risk.samples[columns], result.samples[columns])
    summary = risk.summary()
    assert summary["p_budget_overrun"] == result.summary()["p_budget_overrun"]
    assert summary["cost_p05"] <= summary["cost_p50"] <= summary["cost_p95"]
    with pytest.raises(ValueError, match="nothing is uncertain"):
        pa.overrun_risk(portfolio, result.plan)


def test_a_total_and_cumulative_budget_are_judged_as_the_plan_was_made(portfolio, result):
    """With a cumulative budget the budget rows compare running totals; a total budget adds a
    row of its own."""
    total = float(portfolio.budget["amount"].sum())
    plan = pa.optimise(portfolio, result.plan.options.replace(cumulative_budget=True, budget=total))
    risk = pa.overrun_risk(portfolio, plan, n_samples=50, seed=SEED, **SPREADS)
    rows = risk.overrun.set_index("resource")
    budget = rows.loc["budget"]
    np.testing.assert_allclose(budget["available"], np.cumsum(portfolio.budget_by_period()))
    assert (np.diff(budget["planned"].to_numpy()) >= -1e-9).all()
    whole = rows.loc[["total_budget"]]
    assert len(whole) == 1 and whole["period"].isna().all()
    assert whole["available"].iloc[0] == total
    assert whole["planned"].iloc[0] == pytest.approx(budget["planned"].iloc[-1])
    by_sample = risk.samples["budget_overrun"].to_numpy()
    assert 0.0 <= by_sample.mean() <= 1.0 and risk.summary()["n_samples"] == 50
