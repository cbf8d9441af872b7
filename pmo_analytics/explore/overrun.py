"""Overrun risk: how a fixed plan fares when its costs, demand and values are uncertain.

The plan's selection and starts are held fixed; the figures are drawn from their ranges
(:mod:`pmo_analytics.explore.ranges`); the plan's spend and demand in every sample are set against
each period's budget and each role's capacity. Nothing is re-optimised, so thousands of samples
take a moment. :func:`pmo_analytics.monte_carlo` judges its chosen plan the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from ..portfolio import Portfolio
from .ranges import Draws, Spread, monte_carlo_draws

if TYPE_CHECKING:  # pragma: no cover
    from ..optimise import OptimiseOptions, Plan


@dataclass(frozen=True, eq=False)
class OverrunRisk:
    """How a fixed plan fares under drawn costs, demand and values (no re-optimisation).

    Attributes
    ----------
    overrun : DataFrame
        One row per budget period and role/period: resource (``budget`` or a role), period,
        available, planned (used with the portfolio's figures), mean, p95 (used [currency or
        FTE]), p_overrun (share of samples in which use exceeds what is available). With a
        total budget in the options one more row, resource ``total_budget`` (period missing);
        with a cumulative budget the budget rows compare cumulative spend with cumulative
        budget.
    samples : DataFrame
        One row per sample: plan_value (the plan's strategic value under the sample's values),
        plan_cost (its cost in the horizon under the sample's costs), budget_overrun,
        capacity_overrun (any period / any role-period).
    plan : Plan
    """

    overrun: pd.DataFrame
    samples: pd.DataFrame
    plan: Plan = field(repr=False)

    def summary(self) -> dict:
        """Chance of overrunning the budget (any period) and capacity (any role and period),
        and the plan's cost and value quantiles."""
        cost = self.samples["plan_cost"].quantile([0.05, 0.5, 0.95])
        return {
            "n_samples": len(self.samples),
            "p_budget_overrun": float(self.samples["budget_overrun"].mean()),
            "p_capacity_overrun": float(self.samples["capacity_overrun"].mean()),
            "cost_p05": float(cost.iloc[0]),
            "cost_p50": float(cost.iloc[1]),
            "cost_p95": float(cost.iloc[2]),
            "value_mean": float(self.samples["plan_value"].mean()),
        }


def overrun_risk(
    portfolio: Portfolio,
    plan: Plan,
    *,
    n_samples: int = 1000,
    seed: int = 0,
    distribution: str = "pert",
    correlation: str = "project",
    cost_spread: Spread = None,
    value_spread: Spread = None,
    demand_spread: Spread = None,
) -> OverrunRisk:
    """The chance that a plan, as it stands, overruns budget or capacity under uncertainty.

    The plan's selection and starts are held fixed; costs, demand and values are drawn as in
    :func:`pmo_analytics.monte_carlo` (same seed, same draws) — but nothing is re-optimised,
    so thousands of samples take a moment.

    Parameters
    ----------
    portfolio : Portfolio
        The portfolio with its most likely figures and ranges.
    plan : Plan
        A plan over the same horizon, e.g. :func:`pmo_analytics.plan_with_contingency`'s.
    n_samples, seed, distribution, correlation, cost_spread, value_spread, demand_spread
        See :func:`pmo_analytics.monte_carlo`.

    Returns
    -------
    OverrunRisk

    Raises
    ------
    ValueError
        When nothing is uncertain, for invalid options, or for a plan over another horizon.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(8, n_periods=4, n_roles=2, seed=1)
    >>> risk = pa.overrun_risk(p, pa.optimise(p), n_samples=500, cost_spread=(0.1, 0.4))
    >>> 0.0 <= risk.summary()["p_budget_overrun"] <= 1.0
    True
    """
    draws = monte_carlo_draws(
        portfolio,
        n_samples=n_samples,
        seed=seed,
        distribution=distribution,
        correlation=correlation,
        cost_spread=cost_spread,
        demand_spread=demand_spread,
        value_spread=value_spread,
    )
    check_same_horizon(portfolio, plan)
    overrun, flags = plan_overrun(portfolio, plan, draws, options=plan.options)
    return OverrunRisk(overrun=overrun, samples=flags, plan=plan)


def check_same_horizon(portfolio: Portfolio, plan: Plan | None) -> None:
    """Refuse a plan made over another horizon than the portfolio's."""
    if plan is not None and tuple(plan.portfolio.horizon) != tuple(portfolio.horizon):
        raise OptionsError(
            f"the plan's horizon {plan.portfolio.horizon[0]}..{plan.portfolio.horizon[-1]} is not "
            f"the portfolio's {portfolio.horizon[0]}..{portfolio.horizon[-1]}"
        )


def plan_overrun(
    portfolio: Portfolio, plan: Plan, draws: Draws, *, options: OptimiseOptions
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Use of budget and capacity by ``plan`` (its starts fixed) in every sample of ``draws``.

    Returns the :attr:`OverrunRisk.overrun` and :attr:`OverrunRisk.samples` frames;
    ``options`` says whether the budget is cumulative and gives any total budget.
    """
    starts = plan.starts
    periods = pd.PeriodIndex(portfolio.horizon, name="period")
    n_periods = len(periods)
    cashflows, demand = portfolio.cashflows, portfolio.demand

    cost_pos = _place(portfolio, starts, cashflows)
    spend = _sum_by(draws.cost, cost_pos, n_periods)
    planned = _sum_by(cashflows["cost"].to_numpy(dtype=float)[None, :], cost_pos, n_periods)[0]
    parts, budget_over = [], np.zeros(len(draws.cost), dtype=bool)
    if portfolio.has_budget:
        budget = portfolio.budget_by_period().to_numpy(dtype=float)
        limit = (budget, planned, spend)
        if options.cumulative_budget:
            limit = (np.cumsum(budget), np.cumsum(planned), np.cumsum(spend, axis=1))
        rows, over = _against_limit("budget", periods, *limit)
        parts.append(rows)
        budget_over |= over.any(axis=1)
    if options.budget is not None:
        rows, over = _against_limit(
            "total_budget",
            pd.PeriodIndex([pd.NaT], freq=periods.freq),
            np.array([float(options.budget)]),
            planned.sum(keepdims=True),
            spend.sum(axis=1, keepdims=True),
        )
        parts.append(rows)
        budget_over |= over.any(axis=1)

    capacity = portfolio.capacity_by_role_period()
    role_codes = pd.Index(capacity.index.get_level_values("role").unique())
    fte_pos = _place(portfolio, starts, demand)
    role_code = role_codes.get_indexer(demand["role"])
    key = np.where((fte_pos >= 0) & (role_code >= 0), role_code * n_periods + fte_pos, -1)
    n_keys = len(role_codes) * n_periods
    grid = pd.MultiIndex.from_product([role_codes, periods], names=["role", "period"])
    rows, capacity_over = _against_limit(
        "capacity",
        grid.get_level_values("period"),
        capacity.reindex(grid, fill_value=0.0).to_numpy(dtype=float),
        _sum_by(demand["fte"].to_numpy(dtype=float)[None, :], key, n_keys)[0],
        _sum_by(draws.fte, key, n_keys),
    )
    parts.append(rows.assign(resource=grid.get_level_values("role").astype(str)))

    in_plan = portfolio.projects.index.isin(starts.index)
    flags = pd.DataFrame(
        {
            "plan_value": np.nansum(np.where(in_plan[None, :], draws.value, 0.0), axis=1),
            "plan_cost": spend.sum(axis=1),
            "budget_overrun": budget_over,
            "capacity_overrun": capacity_over.any(axis=1),
        },
        index=pd.RangeIndex(len(draws.cost), name="sample"),
    )
    return pd.concat(parts, ignore_index=True), flags


def _against_limit(
    resource: str,
    period: pd.Index,
    available: np.ndarray,
    planned: np.ndarray,
    used: np.ndarray,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Overrun rows of one limit (one column per period) and, per sample, which columns
    overran. ``used`` has one row per sample."""
    tol = 1e-9 * np.maximum(1.0, np.abs(available))
    over = used > available[None, :] + tol[None, :]
    rows = pd.DataFrame(
        {
            "resource": resource,
            "period": period,
            "available": available,
            "planned": planned,
            "mean": used.mean(axis=0),
            "p95": np.quantile(used, 0.95, axis=0),
            "p_overrun": over.mean(axis=0),
        }
    )
    return rows, over


def _place(portfolio: Portfolio, starts: pd.Series, lines: pd.DataFrame) -> np.ndarray:
    """Period position (0 = the horizon's first) of each line (project_id, offset) at the
    plan's starts; -1 where the project is not selected or the line falls outside the horizon."""
    origin = portfolio.horizon[0]
    start_pos = pd.Series(
        pd.PeriodIndex(starts, freq=origin.freq).asi8 - origin.ordinal, index=starts.index
    )
    pos = lines["project_id"].map(start_pos).to_numpy(dtype=float) + lines["offset"].to_numpy(
        dtype=float
    )
    inside = ~np.isnan(pos) & (pos >= 0) & (pos < len(portfolio.horizon))
    return np.where(inside, pos, -1).astype(np.int64)


def _sum_by(values: np.ndarray, key: np.ndarray, n_keys: int) -> np.ndarray:
    """Per sample (rows), the sum of the columns sharing a key (columns with key -1 dropped)."""
    from scipy.sparse import csr_matrix

    keep = key >= 0
    cols = np.flatnonzero(keep)
    indicator = csr_matrix(
        (np.ones(len(cols)), (np.arange(len(cols)), key[keep])), shape=(len(cols), n_keys)
    )
    return np.asarray(values[:, cols] @ indicator)
