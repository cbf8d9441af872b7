"""Shared by the replanning tests (test_previous_plan, test_replan, test_changes,
test_cli_replan): a small portfolio, its optimal plan (built once per process), and the same
portfolio a quarter on."""

from __future__ import annotations

import functools

import pandas as pd

import pmo_analytics as pa
from pmo_analytics.optimise import OptimiseOptions, check_plan, optimise

OPTIONS = OptimiseOptions(time_limit=30.0, shadow_prices=False)


@functools.cache
def quarter_portfolio() -> pa.Portfolio:
    """14 generated projects over 6 quarters, 3 roles (some in flight)."""
    return pa.generate_portfolio(14, n_periods=6, n_roles=3, seed=5)


@functools.cache
def first_plan() -> pa.Plan:
    """The optimal plan of :func:`quarter_portfolio`, checked."""
    plan = optimise(quarter_portfolio(), OPTIONS)
    assert plan.status == "optimal"
    assert check_plan(plan).empty
    return plan


def next_quarter(portfolio: pa.Portfolio) -> pa.Portfolio:
    """The same portfolio one quarter on: the first quarter dropped, the last one repeated."""
    h = portfolio.horizon
    new = h[-1] + 1

    def rolled(frame: pd.DataFrame) -> pd.DataFrame:
        return pd.concat(
            [frame[frame["period"] > h[0]], frame[frame["period"] == h[-1]].assign(period=new)],
            ignore_index=True,
        )

    return portfolio.replace(
        budget=rolled(portfolio.budget), capacity=rolled(portfolio.capacity), horizon=(*h[1:], new)
    )


def same_plan(a: pa.Plan, b: pa.Plan) -> None:
    assert sorted(a.selected) == sorted(b.selected)
    pd.testing.assert_series_equal(a.starts.sort_index(), b.starts.sort_index())


def without_derived(portfolio: pa.Portfolio) -> pd.DataFrame:
    """The projects table as files give it (no first_start, last_start, strategic_value)."""
    return portfolio.projects.drop(columns=["first_start", "last_start", "strategic_value"])
