"""Earned value rolled up over the portfolio, or over groups of its projects.

A roll-up sums the amounts of its projects — PV, EV, AC and BAC, and their PV baselines period
by period on the calendar, from the group's earliest start to its latest status period — and
then computes every index from those sums (see :mod:`pmo_analytics.track.earned_value` for the
formulas), never averages of project indices, so that a roll-up of one project is that project.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from ..portfolio import Portfolio
from .earned_value import (
    Units,
    at_status,
    check_eac_method,
    compute_history,
    empty_metrics,
    period_ordinals,
    project_units,
    status_period,
)


def group_units(units: Units, codes: np.ndarray, index: pd.Index) -> Units:
    """Units summed into groups: ``codes`` gives each unit's position in ``index``."""
    n = len(index)
    origin = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(origin, codes, units.origin)
    end = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(end, codes, units.end)
    bac = np.bincount(codes, weights=units.bac, minlength=n)

    def regroup(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        moved = frame.assign(code=codes[frame["code"].to_numpy()])
        return moved.groupby(["code", "ordinal"], as_index=False)[columns].sum()

    return Units(
        index,
        units.freq,
        origin,
        end,
        bac,
        regroup(units.baseline, ["pv"]),
        regroup(units.amounts, ["ev", "ac"]),
    )


def _roll_up_history(
    portfolio: Portfolio, as_of: str | pd.Period | None, by: str | None, eac_method: str
) -> tuple[pd.DataFrame | None, str]:
    """Every metric per group and period (None without actuals), and the group column's name."""
    check_eac_method(eac_method)
    name = by or "portfolio"
    projects = portfolio.projects
    if by is not None and by not in projects.columns:
        raise OptionsError(
            f"cannot roll up by {by!r}: not a projects column; valid: {', '.join(projects.columns)}"
        )
    period = status_period(portfolio, as_of)
    if period is None:
        return None, name
    units = project_units(portfolio, period)
    labels = (
        np.full(len(units.index), "portfolio", dtype=object)
        if by is None
        else projects[by].reindex(units.index).astype(object).fillna("(none)").astype(str)
    )
    codes, groups = pd.factorize(np.asarray(labels, dtype=object), sort=True)
    history, _ = compute_history(
        group_units(units, codes, pd.Index(groups, name=name)), eac_method=eac_method
    )
    # projects of the group started by each period: search the members' starts per group
    shift = units.origin.min(initial=0)
    big = np.int64(2) ** 40
    starts = np.sort(codes * big + (units.origin - shift))
    row_group = pd.Index(groups).get_indexer(history[name])
    row_key = row_group * big + (period_ordinals(history["period"], units.freq) - shift)
    started = np.searchsorted(starts, row_key, side="right") - np.searchsorted(
        starts, row_group * big, side="left"
    )
    history.insert(1, "n_projects", started)
    return history, name


def portfolio_roll_up(
    portfolio: Portfolio,
    *,
    as_of: str | pd.Period | None = None,
    by: str | None = None,
    eac_method: str = "cpi",
) -> pd.DataFrame:
    """Earned value of the whole portfolio (or per group of projects) at the status period.

    Sums PV, EV, AC and BAC over the projects with actuals (and their PV baselines period by
    period on the calendar, from the earliest start), then computes every index from the sums
    — never averages of project indices. A roll-up of one project equals that project.

    Parameters
    ----------
    portfolio : Portfolio
    as_of : str or Period, optional
        Status period; default the latest actuals period.
    by : str, optional
        A projects column (``category``, ``business_unit``, ...): one row per value. Default:
        one row, ``portfolio``.
    eac_method : {"cpi", "budget_rate", "cpi_spi"}

    Returns
    -------
    DataFrame
        Indexed by the group (index name ``by``, or ``portfolio``); ``n_projects`` (projects
        with actuals) and the columns of :func:`pmo_analytics.earned_value` (without name and status).

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(60, n_periods=8, seed=4, in_flight_share=0.3)
    >>> total = pa.portfolio_roll_up(p)
    >>> bool(abs(total.loc["portfolio", "ev"] - pa.earned_value(p)["ev"].sum()) < 1e-6)
    True
    """
    history, name = _roll_up_history(portfolio, as_of, by, eac_method)
    if history is None:
        return empty_metrics(name, "n_projects")
    return at_status(history, name)


def portfolio_trend(
    portfolio: Portfolio,
    *,
    as_of: str | pd.Period | None = None,
    by: str | None = None,
    eac_method: str = "cpi",
) -> pd.DataFrame:
    """The roll-up of :func:`portfolio_roll_up` for every period up to the status period.

    Tidy: one row per group and period (column ``by``, or ``portfolio``), for trend charts;
    ``n_projects`` counts the group's projects started by that period.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(60, n_periods=8, seed=4, in_flight_share=0.3)
    >>> trend = pa.portfolio_trend(p)
    >>> trend["period"].is_monotonic_increasing
    True
    """
    history, name = _roll_up_history(portfolio, as_of, by, eac_method)
    if history is None:
        return empty_metrics(name, "n_projects").reset_index()
    return history
