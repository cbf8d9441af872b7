"""Contingency: cost lines at a quantile of their distribution, and plans made against them."""

from __future__ import annotations

import numpy as np
import pytest
from uncertainty_helpers import OPTIONS, small_portfolio

import pmo_analytics as pa
from pmo_analytics.explore.ranges import draw_samples, uncertainty_ranges
from pmo_analytics.optimise import check_plan, optimise


@pytest.fixture(scope="module")
def portfolio():
    return small_portfolio()


def test_contingency_costs_are_the_quantile_of_the_draws(portfolio):
    """The P80 cost of each line is where 80 % of many drawn costs fall below."""
    ranges = uncertainty_ranges(portfolio, cost_spread=(0.1, 0.5))
    draws = draw_samples(portfolio, ranges, n_samples=4000, seed=2, correlation="line")
    p80 = pa.contingency_portfolio(portfolio, 0.8, cost_spread=(0.1, 0.5))
    below = (draws.cost <= p80.cashflows["cost"].to_numpy()[None, :] + 1e-9).mean(axis=0)
    uncertain = (ranges.cost["high"] > ranges.cost["low"]).to_numpy()
    assert np.abs(below[uncertain] - 0.8).max() < 0.035
    assert (p80.cashflows["cost"] >= portfolio.cashflows["cost"] - 1e-9).all()
    # a symmetric triangular's median is its most likely figure
    median = pa.contingency_portfolio(portfolio, 0.5, distribution="triangular", cost_spread=0.2)
    np.testing.assert_allclose(median.cashflows["cost"], portfolio.cashflows["cost"])
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        pa.contingency_portfolio(portfolio, 1.0, cost_spread=0.2)


def test_demand_is_hedged_only_when_asked(portfolio):
    costs_only = pa.contingency_portfolio(portfolio, 0.9, cost_spread=0.3, demand_spread=0.3)
    np.testing.assert_array_equal(costs_only.demand["fte"], portfolio.demand["fte"])
    both = pa.contingency_portfolio(
        portfolio, 0.9, cost_spread=0.3, demand_quantile=0.9, demand_spread=0.3
    )
    fte = portfolio.demand["fte"].to_numpy()
    assert (both.demand["fte"].to_numpy()[fte > 0] > fte[fte > 0]).all()
    with pytest.raises(ValueError, match="demand_quantile=0 must be a probability"):
        pa.contingency_portfolio(portfolio, 0.8, demand_quantile=0)


def test_plan_with_contingency_fits_the_quantile_costs(portfolio):
    plan = pa.plan_with_contingency(portfolio, 0.9, cost_spread=(0.0, 0.6), options=OPTIONS)
    assert plan.is_solution()
    assert check_plan(plan).empty  # within budget at P90 costs
    base = optimise(portfolio, OPTIONS)
    assert plan.portfolio.total_cost().sum() > portfolio.total_cost().sum()
    assert plan.value <= base.value + 1e-9  # hedging cannot add value
