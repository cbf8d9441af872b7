"""Capacity views: demand against capacity per role and period, the bottlenecks, and adding
capacity to a portfolio.

Every view places demand through :func:`pmo_analytics.portfolio.utilisation.project_load` (the same
mechanism as a Plan's utilisation), so the figures here always agree with the plan's.

- :func:`capacity_demand` — a tidy role × period frame (demand, capacity, utilisation,
  shortfall) for any selection: a Plan, starts per project, a list of projects, or every
  candidate at its earliest start.
- :func:`bottlenecks` — the roles that bind, ranked by total shortfall and peak utilisation.
- :func:`add_capacity` — the portfolio with hires (or attrition) added.

The least hiring that lets a set of projects run is in :mod:`pmo_analytics.capacity.hiring`; what
extra capacity is worth, in :mod:`pmo_analytics.capacity.value_of_capacity`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from ..optimise import Plan
from ..portfolio import Portfolio, earliest_starts, project_load

CAPACITY_COLUMNS = [
    "role",
    "period",
    "demand",
    "capacity",
    "utilisation",
    "shortfall",
    "n_projects",
]
BOTTLENECK_COLUMNS = [
    "role",
    "total_shortfall",
    "peak_shortfall",
    "periods_short",
    "peak_utilisation",
    "mean_utilisation",
    "binding_periods",
]
#: Shortfalls below this many FTE are rounding noise of FTE sums and count as none.
FTE_TOL = 1e-9


# --------------------------------------------------------------------------- selections
def selection_starts(portfolio: Portfolio, selection: object) -> pd.Series:
    """Start period per project_id for a Plan, a Series of starts, ids, or None (everything)."""
    projects = portfolio.projects
    freq = portfolio.horizon[0].freq
    if selection is None:
        return earliest_starts(portfolio)
    if isinstance(selection, Plan):
        return selection.starts.rename("start")
    if isinstance(selection, pd.Series):
        unknown = sorted(set(map(str, selection.index)) - set(projects.index))
        if unknown:
            raise OptionsError(
                f"unknown project ids in the starts: {', '.join(unknown)}; "
                f"valid ids are those of portfolio.projects (e.g. {projects.index[0]})"
            )
        values = selection.dropna()
        try:
            periods = pd.PeriodIndex([pd.Period(v, freq=freq) for v in values], freq=freq)
        except (TypeError, ValueError) as err:
            raise OptionsError(
                f"starts must be periods of the portfolio's frequency ({portfolio.freq}), "
                f"pd.Period or labels like {portfolio.horizon[0]}: {err}"
            ) from err
        return pd.Series(periods, index=values.index.astype(str), name="start")
    ids = [selection] if isinstance(selection, str) else list(selection)  # type: ignore[call-overload]
    unknown = sorted(set(ids) - set(projects.index))
    if unknown:
        raise OptionsError(
            f"unknown project ids: {', '.join(map(str, unknown))}; "
            f"valid ids are those of portfolio.projects (e.g. {projects.index[0]})"
        )
    earliest = earliest_starts(portfolio)
    closed = sorted(set(ids) - set(earliest.index))
    if closed:
        raise OptionsError(
            f"projects that are completed or cancelled cannot be placed: {', '.join(closed)}; "
            "pick candidates (portfolio.candidates())"
        )
    return earliest.loc[pd.Index(ids).unique()]


def capacity_demand(portfolio: Portfolio, selection: object = None) -> pd.DataFrame:
    """Demand against capacity per role and period for a selection of projects.

    Parameters
    ----------
    portfolio : Portfolio
    selection : Plan, Series, iterable of str, or None
        Which projects run, and when: a :class:`~pmo_analytics.Plan` (its selected projects
        at their planned starts), a Series project_id → start (``pd.Period`` or a label like
        ``2027Q1``), project ids (each at its earliest feasible start,
        :func:`pmo_analytics.earliest_starts`), or ``None`` — every candidate at its earliest
        start ("if everything ran").

    Returns
    -------
    DataFrame
        One row per role and horizon period (sorted): ``role``, ``period`` (``pd.Period``),
        ``demand`` [FTE], ``capacity`` [FTE], ``utilisation`` (demand / capacity; NaN where
        both are 0, ``inf`` where there is demand but no capacity), ``shortfall``
        [FTE] = max(0, demand − capacity), ``n_projects`` (projects drawing on the role then).

    Raises
    ------
    ValueError
        For unknown or closed project ids, or starts that are not periods.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3)
    >>> frame = capacity_demand(p)
    >>> list(frame.columns)
    ['role', 'period', 'demand', 'capacity', 'utilisation', 'shortfall', 'n_projects']
    >>> len(frame) == len(p.roles) * len(p.horizon)
    True
    """
    starts = selection_starts(portfolio, selection)
    _, demand = project_load(portfolio, starts)
    capacity = portfolio.capacity_by_role_period()
    grouped = demand[demand["fte"] > 0].groupby(["role", "period"])
    used = grouped["fte"].sum().reindex(capacity.index, fill_value=0.0)
    count = grouped["project_id"].nunique().reindex(capacity.index, fill_value=0)
    frame = capacity.rename("capacity").reset_index()
    frame["demand"] = used.to_numpy(dtype=float)
    frame["capacity"] = frame["capacity"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["utilisation"] = frame["demand"] / frame["capacity"]
    short = frame["demand"] - frame["capacity"]
    frame["shortfall"] = short.where(short > FTE_TOL * np.maximum(1.0, frame["capacity"]), 0.0)
    frame["n_projects"] = count.to_numpy(dtype=np.int64)
    return frame[CAPACITY_COLUMNS]


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise OptionsError(
            f"{what} lacks the column(s) {', '.join(missing)}; it needs {', '.join(columns)} "
            "(see capacity_demand)"
        )


def bottlenecks(
    frame: pd.DataFrame, *, top: int | None = 5, tolerance: float = 0.005
) -> pd.DataFrame:
    """The roles where the people constraints bite, worst first.

    Parameters
    ----------
    frame : DataFrame
        A :func:`capacity_demand` frame (role, period, demand, capacity, utilisation,
        shortfall).
    top : int or None
        How many roles to return (``None``: every role).
    tolerance : float
        A role binds in a period when its utilisation is at least ``1 − tolerance`` (full,
        as a plan's binding limits count it) — or when it is short.

    Returns
    -------
    DataFrame
        One row per role: ``total_shortfall`` [FTE × periods], ``peak_shortfall`` [FTE],
        ``periods_short`` (periods with a shortfall), ``peak_utilisation``,
        ``mean_utilisation`` (total demand / total capacity over the horizon) and
        ``binding_periods`` (the periods where it binds, as labels joined by ", "). Ranked by
        total shortfall, then peak utilisation, then mean utilisation.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3)
    >>> worst = bottlenecks(capacity_demand(p), top=1)
    >>> len(worst)
    1
    """
    require_columns(
        frame, ("role", "period", "demand", "capacity", "utilisation", "shortfall"), "frame"
    )
    if top is not None and top < 1:
        raise OptionsError(f"top={top} must be a positive number of roles (or None for all)")
    data = frame.assign(
        binds=(frame["utilisation"] >= 1.0 - tolerance) | (frame["shortfall"] > 0),
        label=frame["period"].astype(str),
        short=frame["shortfall"] > 0,
    )
    grouped = data.groupby("role", sort=True)
    demand = grouped["demand"].sum()
    capacity = grouped["capacity"].sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = demand / capacity
    out = pd.DataFrame(
        {
            "total_shortfall": grouped["shortfall"].sum(),
            "peak_shortfall": grouped["shortfall"].max(),
            "periods_short": grouped["short"].sum().astype(np.int64),
            "peak_utilisation": grouped["utilisation"].max(),
            "mean_utilisation": mean,
            "binding_periods": data[data["binds"]].groupby("role")["label"].agg(", ".join),
        }
    )
    out["binding_periods"] = out["binding_periods"].fillna("")
    out = out.rename_axis("role").reset_index()
    out = out.sort_values(
        ["total_shortfall", "peak_utilisation", "mean_utilisation", "role"],
        ascending=[False, False, False, True],
        kind="stable",
    ).reset_index(drop=True)
    return out[BOTTLENECK_COLUMNS].head(len(out) if top is None else top)


# --------------------------------------------------------------------------- adding capacity
def add_capacity(portfolio: Portfolio, extra: pd.DataFrame) -> Portfolio:
    """The portfolio with extra FTE added to some roles and periods (hires, or − attrition).

    Parameters
    ----------
    portfolio : Portfolio
    extra : DataFrame
        ``role``, ``period`` (``pd.Period`` or label) and the FTE to add in ``extra_fte``
        (as :func:`~pmo_analytics.hiring_needed` returns it in ``.hires``) or ``fte``. Several rows of one role and period
        add up.

    Returns
    -------
    Portfolio
        A new portfolio whose capacity is the old one plus ``extra``.

    Raises
    ------
    ValueError
        For an unknown role, a period outside the horizon, or a capacity that would fall
        below 0.

    Examples
    --------
    >>> import pandas as pd, pmo_analytics as pa
    >>> p = pa.generate_portfolio(6, n_periods=4, n_roles=2, seed=1)
    >>> q = add_capacity(p, pd.DataFrame({"role": ["Role01"], "period": ["2027Q2"], "fte": [2.0]}))
    >>> float(q.capacity["fte"].sum() - p.capacity["fte"].sum())
    2.0
    """
    column = "extra_fte" if "extra_fte" in extra.columns else "fte"
    require_columns(extra, ("role", "period", column), "the extra capacity frame")
    freq = portfolio.horizon[0].freq
    roles = set(portfolio.roles)
    unknown = sorted(set(extra["role"].astype(str)) - roles)
    if unknown:
        raise OptionsError(
            f"unknown roles in the extra capacity: {', '.join(unknown)}; valid: {', '.join(sorted(roles))}"
        )
    try:
        periods = pd.PeriodIndex([pd.Period(p, freq=freq) for p in extra["period"]], freq=freq)
    except (TypeError, ValueError) as err:
        raise OptionsError(
            f"extra capacity periods must be periods like {portfolio.horizon[0]}: {err}"
        ) from err
    outside = sorted({str(p) for p in periods} - {str(p) for p in portfolio.horizon})
    if outside:
        raise OptionsError(
            f"periods outside the horizon {portfolio.horizon[0]}..{portfolio.horizon[-1]}: "
            f"{', '.join(outside)}"
        )
    add = (
        pd.DataFrame(
            {
                "role": extra["role"].astype(str).to_numpy(),
                "period": periods,
                "fte": extra[column].to_numpy(dtype=float),
            }
        )
        .groupby(["role", "period"])["fte"]
        .sum()
    )
    capacity = portfolio.capacity_by_role_period()
    fte = capacity.add(add.reindex(capacity.index, fill_value=0.0))
    negative = fte[fte < -FTE_TOL]
    if len(negative):
        where = ", ".join(f"{r} {p}" for r, p in negative.index[:5])
        raise OptionsError(
            f"capacity would fall below 0 FTE in {where}; remove at most what is there"
        )
    return portfolio.replace(capacity=fte.clip(lower=0.0).rename("fte").reset_index())
