"""The value of extra capacity, against brute force and fresh solves at each step."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from optimise_helpers import brute_force, random_portfolio

import pmo_analytics as pa
from pmo_analytics.capacity.value_of_capacity import VALUE_COLUMNS, _value_runs
from pmo_analytics.optimise import OptimiseOptions


# --------------------------------------------------------------------------- value_of_capacity
@pytest.mark.parametrize("seed", [1, 4])
def test_value_of_capacity_against_brute_force(seed: int) -> None:
    portfolio = random_portfolio(seed, n_projects=7, n_periods=4, n_roles=2, tightness=0.35)
    role = portfolio.roles[0]
    options = OptimiseOptions(time_limit=None)
    frame, plans = _value_runs(portfolio, role, steps=(1, 2, 0.5), options=options)
    assert list(frame.columns) == VALUE_COLUMNS
    assert frame["fte_added"].tolist() == [0.0, 0.5, 1.0, 2.0]
    assert frame["status"].eq("optimal").all()
    for row, plan in zip(frame.itertuples(), plans, strict=True):
        extra = pd.DataFrame(
            {"role": role, "period": list(portfolio.horizon), "fte": row.fte_added}
        )
        bigger = pa.add_capacity(portfolio, extra)
        expected = brute_force(bigger, options)
        assert row.objective == pytest.approx(expected.objective, abs=1e-6)
        assert pa.check_plan(plan, bigger).empty
        assert row.n_selected == plan.n_selected
    base = frame["objective"].iloc[0]
    np.testing.assert_allclose(frame["value_gained"], frame["objective"] - base)
    np.testing.assert_allclose(frame["gain_low"], frame["value_gained"], atol=1e-9)
    np.testing.assert_allclose(frame["gain_high"], frame["value_gained"], atol=1e-9)
    np.testing.assert_allclose(
        frame["gained_per_fte"].iloc[1:],
        frame["value_gained"].iloc[1:] / frame["fte_added"].iloc[1:],
    )
    np.testing.assert_allclose(frame["marginal_gain"].iloc[1:], np.diff(frame["objective"]))
    assert (np.diff(frame["objective"]) >= -1e-9).all()


def test_value_of_one_period_and_shadow_prices(small_portfolio: pa.Portfolio) -> None:
    baseline = pa.optimise(small_portfolio, time_limit=None)
    binding = baseline.binding[baseline.binding["resource"] != "budget"]
    priced = binding.sort_values("shadow_price", ascending=False).iloc[0]
    role, period = priced["resource"], priced["period"]
    frame, plans = _value_runs(
        small_portfolio, role, period=str(period), steps=(1, 3), baseline=baseline
    )
    assert plans[0] is baseline
    assert frame["period"].eq(str(period)).all()
    assert frame["shadow_price"].eq(priced["shadow_price"]).all()
    assert frame["status"].eq("optimal").all()
    for row, plan in zip(frame.itertuples(), plans, strict=True):
        extra = pd.DataFrame({"role": [role], "period": [period], "fte": [row.fte_added]})
        bigger = pa.add_capacity(small_portfolio, extra)
        assert pa.check_plan(plan, bigger).empty
        again = pa.optimise(bigger, shadow_prices=False, time_limit=None)
        assert row.objective == pytest.approx(again.objective, abs=1e-6)
        entered = set(plan.selected) - set(baseline.selected)
        assert row.entered == ", ".join(sorted(entered))
    # every period: the shadow price is the role's prices summed over the periods
    every = pa.value_of_capacity(small_portfolio, role, steps=(1,), baseline=baseline)
    prices = baseline.prices
    total = prices.loc[prices["resource"] == role, "shadow_price"].sum()
    assert every["shadow_price"].iloc[0] == pytest.approx(total)
    assert every["period"].eq("all").all()


def test_value_of_capacity_errors(small_portfolio: pa.Portfolio) -> None:
    with pytest.raises(ValueError, match="unknown role 'Chef'; valid: Role01"):
        pa.value_of_capacity(small_portfolio, "Chef")
    with pytest.raises(ValueError, match="must be one or more FTE amounts > 0"):
        pa.value_of_capacity(small_portfolio, "Role01", steps=(0, 1))
    with pytest.raises(ValueError, match="outside the horizon"):
        pa.value_of_capacity(small_portfolio, "Role01", period="2031Q1")
    with pytest.raises(ValueError, match="is not a period like"):
        pa.value_of_capacity(small_portfolio, "Role01", period="later")
    other = pa.optimise(pa.generate_portfolio(6, n_periods=4, n_roles=2, seed=1))
    with pytest.raises(ValueError, match="baseline plan was made for another portfolio"):
        pa.value_of_capacity(small_portfolio, "Role01", baseline=other)
