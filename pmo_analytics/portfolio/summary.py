"""A portfolio at a glance: what ``pmo-analytics validate`` prints after a successful load.

:func:`portfolio_summary` gives the figures as frames (projects by status and category, the
horizon, the roles, and per period the total cost against budget and total demand against
capacity if every candidate started as early as it can); :func:`portfolio_summary_text` lays
them out as plain text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._vocab import STATUSES
from ..periods import FREQUENCIES
from .container import Portfolio
from .utilisation import earliest_starts, project_load, utilisation

_NO_CATEGORY = "(none)"


def portfolio_summary(portfolio: Portfolio) -> dict[str, pd.DataFrame]:
    """The figures of a portfolio's summary, as frames.

    Load per period assumes every candidate (not completed or cancelled) starts as early as
    it can (``first_start``; in-flight work at its fixed start): an upper view of what the
    portfolio asks for, before any selection.

    Parameters
    ----------
    portfolio : Portfolio

    Returns
    -------
    dict of str to DataFrame
        ``"projects"``
            Number of projects by status (rows, contract order) and category (columns, plus
            ``total``); blank categories count as ``(none)``.
        ``"horizon"``
            One row: first, last, periods, frequency (``quarters`` or ``months``).
        ``"roles"``
            Indexed by role: capacity_fte and demand_fte (per period, averaged over the
            horizon [FTE]), peak_utilisation (highest demand / capacity of any period) and
            periods_over (periods where demand exceeds capacity).
        ``"periods"``
            Indexed by period: cost and budget [currency] (budget NaN when the portfolio has
            none), cost_share (cost / budget), demand_fte and capacity_fte (all roles [FTE]),
            demand_share (demand / capacity).

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> summary = portfolio_summary(generate_portfolio(10, n_periods=4, n_roles=2, seed=1))
    >>> sorted(summary)
    ['horizon', 'periods', 'projects', 'roles']
    >>> int(summary["projects"].loc["total", "total"])
    10
    """
    projects = portfolio.projects
    category = projects["category"].fillna(_NO_CATEGORY).replace("", _NO_CATEGORY)
    counts = pd.crosstab(projects["status"], category).rename_axis(
        index="status", columns="category"
    )
    order = [s for s in STATUSES if s in counts.index] + [
        s for s in counts.index if s not in STATUSES
    ]
    counts = counts.reindex(order)
    counts["total"] = counts.sum(axis=1)
    counts.loc["total"] = counts.sum(axis=0)
    counts = counts.astype("int64")

    horizon = portfolio.horizon
    word = FREQUENCIES[portfolio.freq].split(" ")[0]
    horizon_frame = pd.DataFrame(
        {
            "first": [str(horizon[0])],
            "last": [str(horizon[-1])],
            "periods": [len(horizon)],
            "frequency": [word],
        }
    )

    use = utilisation(portfolio, earliest_starts(portfolio))
    people = use[use["resource"] != "budget"]
    by_period = people.groupby("period")[["used", "available"]].sum()
    periods = pd.DataFrame(index=pd.PeriodIndex(horizon, name="period"))
    money = use[use["resource"] == "budget"].set_index("period")
    if portfolio.has_budget:
        periods["cost"] = money["used"]
        periods["budget"] = money["available"]
    else:
        periods["cost"] = _cost_per_period(portfolio).reindex(periods.index, fill_value=0.0)
        periods["budget"] = np.nan
    periods["cost_share"] = _share(periods["cost"], periods["budget"])
    periods["demand_fte"] = by_period["used"].reindex(periods.index, fill_value=0.0)
    periods["capacity_fte"] = by_period["available"].reindex(periods.index, fill_value=0.0)
    periods["demand_share"] = _share(periods["demand_fte"], periods["capacity_fte"])

    grouped = people.assign(over=people["used"] > people["available"] + 1e-9).groupby("resource")
    roles = pd.DataFrame(
        {
            "capacity_fte": grouped["available"].mean(),
            "demand_fte": grouped["used"].mean(),
            "peak_utilisation": grouped["utilisation"].max(),
            "periods_over": grouped["over"].sum().astype("int64"),
        }
    ).rename_axis("role")
    return {"projects": counts, "horizon": horizon_frame, "roles": roles, "periods": periods}


def _share(used: pd.Series, available: pd.Series) -> pd.Series:
    with np.errstate(divide="ignore", invalid="ignore"):
        return used / available


def _cost_per_period(portfolio: Portfolio) -> pd.Series:

    spend, _ = project_load(portfolio, earliest_starts(portfolio))
    return spend.groupby("period")["cost"].sum()


def _money(value: float) -> str:
    return "" if not np.isfinite(value) else f"{value:,.0f}"


def _fte(value: float) -> str:
    return "" if not np.isfinite(value) else f"{value:,.1f}"


def _percent(value: float) -> str:
    if np.isnan(value):
        return ""
    return "over" if np.isinf(value) else f"{value:.0%}"


def portfolio_summary_text(portfolio: Portfolio) -> str:
    """The summary printed by ``pmo-analytics validate``: plain text, a few short tables.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> text = portfolio_summary_text(generate_portfolio(10, n_periods=4, n_roles=2, seed=1))
    >>> text.splitlines()[0]
    'Portfolio of 10 projects (10 candidates), horizon 2027Q1..2027Q4 (4 quarters), 2 roles'
    """
    summary = portfolio_summary(portfolio)
    horizon = summary["horizon"].iloc[0]
    n_projects = len(portfolio.projects)
    n_candidates = len(portfolio.candidates())
    lines = [
        f"Portfolio of {n_projects} project{'s' if n_projects != 1 else ''} "
        f"({n_candidates} candidate{'s' if n_candidates != 1 else ''}), "
        f"horizon {horizon['first']}..{horizon['last']} ({horizon['periods']} {horizon['frequency']}), "
        f"{len(summary['roles'])} role{'s' if len(summary['roles']) != 1 else ''}",
        "",
        "Projects by status and category:",
        summary["projects"].to_string(),
        "",
        "Per period, if every candidate started as early as it can (in-flight work at its start):",
    ]
    # the periods and their total, formatted together
    amounts = summary["periods"][["cost", "budget", "demand_fte", "capacity_fte"]]
    amounts = pd.concat(
        [
            amounts.set_axis(amounts.index.astype("str")),
            amounts.sum(min_count=1).to_frame("total").T,
        ]
    )
    shown = pd.DataFrame(
        {
            "cost": amounts["cost"].map(_money),
            "budget": amounts["budget"].map(_money) if portfolio.has_budget else "(none)",
            "cost/budget": _share(amounts["cost"], amounts["budget"]).map(_percent),
            "demand FTE": amounts["demand_fte"].map(_fte),
            "capacity FTE": amounts["capacity_fte"].map(_fte),
            "demand/capacity": _share(amounts["demand_fte"], amounts["capacity_fte"]).map(_percent),
        }
    )
    lines.append(shown.rename_axis("period").to_string())
    roles = summary["roles"]
    if len(roles):
        lines += [
            "",
            "Roles (FTE per period, averaged over the horizon):",
            pd.DataFrame(
                {
                    "capacity FTE": roles["capacity_fte"].map(_fte),
                    "demand FTE": roles["demand_fte"].map(_fte),
                    "peak demand/capacity": roles["peak_utilisation"].map(_percent),
                    "periods over": roles["periods_over"],
                }
            ).to_string(),
        ]
    return "\n".join(lines)
