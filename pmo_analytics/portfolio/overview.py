"""The portfolio at a glance: one row per project with its size, value and timing.

:func:`project_overview` is the tidy frame behind the portfolio bubble chart and the summary
tables of the notebooks and reports; :func:`spend_by_group` splits the spend of projects placed
at given starts by category (or any other project column) for stacked cost-vs-budget charts.
"""

from __future__ import annotations

import pandas as pd

from ..exceptions import UnknownNameError
from .container import Portfolio
from .utilisation import project_load

OVERVIEW_COLUMNS = [
    "name",
    "category",
    "business_unit",
    "status",
    "mandatory",
    "strategic_value",
    "risk",
    "cost",
    "benefit",
    "fte",
    "duration",
    "first_start",
    "last_start",
]


def project_overview(portfolio: Portfolio) -> pd.DataFrame:
    """One row per project: what it is, what it is worth, what it costs and needs, and when.

    Parameters
    ----------
    portfolio : Portfolio

    Returns
    -------
    DataFrame
        Indexed by project_id (every project, in the portfolio's order), with columns
        name, category, business_unit, status, mandatory (bool), strategic_value (the
        ``value`` column, else the weighted criteria score), risk (probability of failure),
        cost (total planned cost [currency], all offsets), benefit (total benefit [currency],
        all offsets), fte (total demand [FTE × periods], e.g. FTE-quarters, over all roles),
        duration [periods], first_start and last_start (the start periods the project may
        take; the fixed start of in-flight work; NaT for completed and cancelled projects).

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> p = generate_portfolio(5, n_periods=4, n_roles=2, seed=1)
    >>> overview = project_overview(p)
    >>> list(overview.columns[:4])
    ['name', 'category', 'business_unit', 'status']
    >>> bool((overview["cost"] == p.total_cost()).all())
    True
    """
    projects = portfolio.projects
    money = portfolio.cashflows.groupby("project_id")[["cost", "benefit"]].sum()
    money = money.reindex(projects.index, fill_value=0.0).astype(float)
    fte = portfolio.demand.groupby("project_id")["fte"].sum()
    out = projects.assign(
        cost=money["cost"],
        benefit=money["benefit"],
        fte=fte.reindex(projects.index, fill_value=0.0).astype(float),
    )
    return out[OVERVIEW_COLUMNS]


def spend_by_group(
    portfolio: Portfolio, starts: pd.Series, *, by: str = "category"
) -> pd.DataFrame:
    """Cost per period and group (a projects column) of projects started at ``starts``.

    Parameters
    ----------
    portfolio : Portfolio
    starts : Series of Period
        Start period per project_id (e.g. ``earliest_starts(portfolio)`` or a plan's starts);
        projects absent or NaT are left out.
    by : str
        A column of ``portfolio.projects`` to group by (category, business_unit, status …);
        a blank value is shown as ``"(none)"``.

    Returns
    -------
    DataFrame
        Columns period, ``by``, cost [currency]: one row per horizon period and group with
        spend in it (periods inside the horizon only).

    Raises
    ------
    KeyError
        When ``by`` is not a column of the projects table.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> from pmo_analytics.portfolio.utilisation import earliest_starts
    >>> p = generate_portfolio(8, n_periods=4, n_roles=2, seed=2)
    >>> spend = spend_by_group(p, earliest_starts(p))
    >>> list(spend.columns)
    ['period', 'category', 'cost']
    """
    projects = portfolio.projects
    if by not in projects.columns:
        valid = ", ".join(str(c) for c in projects.columns)
        raise UnknownNameError(
            f"cannot group spend by {by!r}: not a projects column; valid: {valid}"
        )
    spend, _ = project_load(portfolio, starts)
    group = spend["project_id"].map(
        projects[by].astype(object).where(projects[by].notna(), "(none)")
    )
    out = spend.assign(**{by: group}).groupby(["period", by], sort=True)["cost"].sum().reset_index()
    return out[["period", by, "cost"]]
