"""Time-phased load: what a set of projects, started at given periods, spends and needs.

One mechanism serves the validation summary, every Plan, the capacity views and the charts:
place each project's cashflows and demand in calendar periods (cost and demand at offset k
fall in start + k) and compare them with budget and capacity per period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .container import Portfolio

UTILISATION_COLUMNS = ["resource", "period", "used", "available", "utilisation"]


def earliest_starts(portfolio: Portfolio) -> pd.Series:
    """Start period of every candidate if it started as early as it can (``first_start``).

    In-flight projects keep their fixed start. Indexed by project_id.
    """
    projects = portfolio.projects
    candidates = portfolio.candidates()
    return projects.loc[candidates, "first_start"].rename("start")


def project_load(portfolio: Portfolio, starts: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cost and demand of the projects in ``starts``, placed in the horizon's periods.

    Parameters
    ----------
    portfolio : Portfolio
    starts : Series of Period
        Start period per project_id (projects absent or NaT are not placed).

    Returns
    -------
    spend : DataFrame
        project_id, period, cost [currency], benefit [currency] — periods inside the horizon.
    demand : DataFrame
        project_id, role, period, fte [FTE] — periods inside the horizon.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> p = generate_portfolio(6, n_periods=4, n_roles=2, seed=2)
    >>> spend, demand = project_load(p, earliest_starts(p))
    >>> sorted(spend.columns)
    ['benefit', 'cost', 'period', 'project_id']
    """
    starts = starts.dropna()
    origin = portfolio.horizon[0]
    n_periods = len(portfolio.horizon)
    start_pos = pd.Series(
        pd.PeriodIndex(starts, freq=origin.freq).asi8 - origin.ordinal, index=starts.index
    )

    def place(frame: pd.DataFrame) -> pd.DataFrame:
        # one hash lookup per line: its project's position in ``starts`` (-1: not started)
        which = start_pos.index.get_indexer(frame["project_id"])
        started = which >= 0
        position = frame["offset"].to_numpy().copy()
        position[started] += start_pos.to_numpy()[which[started]]
        inside = started & (position >= 0) & (position < n_periods)
        placed = frame[inside].drop(columns="offset")
        placed.insert(
            1,
            "period",
            pd.PeriodIndex.from_ordinals(position[inside] + origin.ordinal, freq=origin.freq),
        )
        return placed.reset_index(drop=True)

    spend = place(portfolio.cashflows[["project_id", "offset", "cost", "benefit"]])
    demand = place(portfolio.demand[["project_id", "role", "offset", "fte"]])
    return spend, demand[["project_id", "role", "period", "fte"]]


def utilisation(portfolio: Portfolio, starts: pd.Series) -> pd.DataFrame:
    """Spend against budget and demand against capacity, per period, for projects at ``starts``.

    Returns the tidy frame of ``utilisation.csv``: resource (a role, or ``budget``), period,
    used, available, utilisation (used / available; NaN where nothing is available and nothing
    used, ``inf`` where something is used of nothing). Budget rows only when the portfolio has
    a budget. Every role and period of the horizon appears.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> p = generate_portfolio(6, n_periods=4, n_roles=2, seed=2)
    >>> u = utilisation(p, earliest_starts(p))
    >>> sorted(u["resource"].unique())
    ['Role01', 'Role02', 'budget']
    """
    spend, demand = project_load(portfolio, starts)
    periods = pd.PeriodIndex(portfolio.horizon, name="period")
    capacity = portfolio.capacity_by_role_period()
    used_fte = (
        demand.groupby(["role", "period"])["fte"].sum().reindex(capacity.index, fill_value=0.0)
    )
    parts = [
        pd.DataFrame(
            {
                "resource": capacity.index.get_level_values("role"),
                "period": capacity.index.get_level_values("period"),
                "used": used_fte.to_numpy(),
                "available": capacity.to_numpy(),
            }
        )
    ]
    if portfolio.has_budget:
        budget = portfolio.budget_by_period()
        cost = spend.groupby("period")["cost"].sum().reindex(periods, fill_value=0.0)
        parts.insert(
            0,
            pd.DataFrame(
                {
                    "resource": "budget",
                    "period": periods,
                    "used": cost.to_numpy(),
                    "available": budget.to_numpy(),
                }
            ),
        )
    out = pd.concat(parts, ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["utilisation"] = out["used"] / out["available"]
    return out[UTILISATION_COLUMNS]
