"""Earned value and earned schedule: where each project stands against its baseline.

Conventions follow the PMI *Practice Standard for Earned Value Management* (2nd ed., 2011) and
Lipke's earned schedule ("Schedule is Different", *The Measurable News*, March 2003).

Amounts
    ``actuals.csv`` holds per-period amounts. Every figure here is cumulative from the
    project's start to the end of the status period: PV (planned value), EV (earned value) and
    AC (actual cost) [currency]. A period without an actuals row counts as nothing earned and
    nothing spent. BAC (budget at completion) is the project's total planned cost, the sum of
    ``cost`` in ``cashflows.csv``.
Indices
    CV = EV - AC, SV = EV - PV, CPI = EV / AC, SPI = EV / PV. EAC by three formulas:
    ``cpi`` BAC / CPI (past cost efficiency continues); ``budget_rate`` AC + (BAC - EV)
    (remaining work at the budgeted rate); ``cpi_spi`` AC + (BAC - EV) / (CPI x SPI).
    ETC = EAC - AC, VAC = BAC - EAC, TCPI = (BAC - EV) / (BAC - AC) (efficiency needed on the
    remaining work to finish on budget) and TCPI to EAC = (BAC - EV) / (EAC - AC).
    A division by zero gives NaN, never ``inf``.
Time axis
    Time is counted in periods from the project's start: ``projects.start``, or its first
    actuals period when that is earlier or ``start`` is blank. At the end of the status period
    the actual time AT is (status period - start + 1) periods. The status period is ``as_of``
    (default: the latest period in the actuals), except for completed and cancelled projects,
    whose clock stops at their last actuals period.
PV baseline
    The planned value per period is ``planned_value`` from the actuals up to the project's last
    actuals period, then the planned ``cost`` from the cashflows (offset k falls in start + k)
    for the periods after it, so the baseline runs to the planned finish even when the work
    runs late. The planned duration PD is the number of periods up to the last period with a
    planned value.
Earned schedule (Lipke)
    ES = C + (EV - PV_C) / (PV_{C+1} - PV_C), where C is the number of whole periods whose
    cumulative PV is at most EV and PV_C the cumulative PV after C periods (PV_0 = 0); ES = PD
    once EV reaches the baseline's total. SPI(t) = ES / AT, SV(t) = ES - AT [periods]. The
    forecast duration is PD / SPI(t) (Lipke's IEAC(t)) and the forecast finish the period
    start + ceil(PD / SPI(t)) - 1.

Roll-ups sum the amounts (and the baselines, period by period on the calendar) of their
projects and then compute the indices, so that a roll-up of one project is that project.

Examples
--------
>>> import pmo_analytics as pa
>>> p = pa.generate_portfolio(40, n_periods=8, seed=4, in_flight_share=0.3)
>>> ev = pa.earned_value(p)
>>> list(ev.columns[:6])
['name', 'status', 'start', 'period', 'at', 'pv']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .portfolio import Portfolio
from .schema import CLOSED_STATUSES

EAC_METHODS: tuple[str, ...] = ("cpi", "budget_rate", "cpi_spi")

#: Columns of every earned-value frame, after the unit (project_id or group) column.
METRIC_COLUMNS: list[str] = [
    "start",
    "period",
    "at",
    "pv",
    "ev",
    "ac",
    "bac",
    "cv",
    "sv",
    "cpi",
    "spi",
    "eac",
    "etc",
    "vac",
    "tcpi",
    "tcpi_eac",
    "eac_cpi",
    "eac_budget_rate",
    "eac_cpi_spi",
    "es",
    "sv_t",
    "spi_t",
    "planned_duration",
    "planned_finish",
    "forecast_duration",
    "forecast_finish",
    "percent_complete",
    "percent_spent",
]

_NAT = np.iinfo(np.int64).min
_CHUNK_CELLS = 20_000_000  # rows x baseline periods compared at once in the ES search


@dataclass(frozen=True)
class _Units:
    """What the computation needs per unit (a project, or a group of projects)."""

    index: pd.Index  # unit labels, in code order
    freq: str
    origin: np.ndarray  # start ordinal
    end: np.ndarray  # status ordinal
    bac: np.ndarray
    baseline: pd.DataFrame  # code, ordinal, pv  (per-period planned value)
    amounts: pd.DataFrame  # code, ordinal, ev, ac (per-period, up to the status period)


# --------------------------------------------------------------------------- edges
def status_period(portfolio: Portfolio, as_of: str | pd.Period | None) -> pd.Period | None:
    """The status period: ``as_of`` parsed, or the latest actuals period (None without actuals).

    Raises
    ------
    ValueError
        When ``as_of`` is not a period label of the portfolio's frequency.
    """
    freq = portfolio.freq
    if as_of is None:
        actuals = portfolio.actuals
        if actuals.empty:
            return None
        return pd.PeriodIndex(actuals["period"], freq=freq).max()
    try:
        period = as_of if isinstance(as_of, pd.Period) else pd.Period(str(as_of).strip())
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"as_of {as_of!r} is not a period label; use one like {portfolio.horizon[0]}"
        ) from exc
    if period.freqstr != freq:
        raise ValueError(
            f"as_of {as_of!r} is not of the portfolio's frequency ({freq}); "
            f"use a label like {portfolio.horizon[0]}"
        )
    return period


def _check_method(eac_method: str) -> None:
    if eac_method not in EAC_METHODS:
        raise ValueError(f"eac_method {eac_method!r} is not known; valid: {', '.join(EAC_METHODS)}")


def _ordinals(values: pd.Series | pd.Index, freq: str) -> np.ndarray:
    return pd.PeriodIndex(values, freq=freq).asi8


def _codes(values: pd.Series, ids: pd.Index) -> np.ndarray:
    """Position of each value in ``ids`` (-1 when absent), hashing the long column once."""
    raw, uniques = pd.factorize(values)
    return ids.get_indexer(uniques)[raw]


def project_units(portfolio: Portfolio, as_of: pd.Period) -> _Units:
    """Per-project inputs: projects with at least one actuals row up to ``as_of``."""
    freq = portfolio.freq
    actuals = portfolio.actuals
    when = _ordinals(actuals["period"], freq)
    status_ord = as_of.ordinal
    raw_codes, uniques = pd.factorize(actuals["project_id"])  # hashing, not string sorting
    reported = np.zeros(len(uniques), dtype=bool)
    reported[raw_codes[when <= status_ord]] = True
    ids = pd.Index(uniques[reported], name="project_id").sort_values()
    projects = portfolio.projects.reindex(ids)
    code = ids.get_indexer(uniques)[raw_codes]

    known = code >= 0
    act = pd.DataFrame(
        {
            "code": code[known],
            "ordinal": when[known],
            "pv": actuals["planned_value"].to_numpy(dtype=float)[known],
            "ev": actuals["earned_value"].to_numpy(dtype=float)[known],
            "ac": actuals["actual_cost"].to_numpy(dtype=float)[known],
        }
    )
    by_code = act.groupby("code")["ordinal"]
    first = by_code.min().reindex(range(len(ids))).to_numpy()
    last = by_code.max().reindex(range(len(ids))).to_numpy()
    last_reported = act[act["ordinal"] <= status_ord].groupby("code")["ordinal"].max()
    last_reported = last_reported.reindex(range(len(ids))).to_numpy()

    start = _ordinals(projects["start"], freq)
    has_start = start != _NAT
    origin = np.where(has_start, np.minimum(np.where(has_start, start, 0), first), first)
    plan_start = np.where(has_start, start, origin)
    closed = projects["status"].isin(CLOSED_STATUSES).to_numpy()
    end = np.where(closed, np.minimum(last_reported, status_ord), status_ord)

    cash = portfolio.cashflows
    cash_code = _codes(cash["project_id"], ids)
    cash = cash[cash_code >= 0]
    cash_code = cash_code[cash_code >= 0]
    cash_ord = plan_start[cash_code] + cash["offset"].to_numpy()
    later = cash_ord > last[cash_code]
    baseline = pd.concat(
        [
            act[["code", "ordinal", "pv"]],
            pd.DataFrame(
                {
                    "code": cash_code[later],
                    "ordinal": cash_ord[later],
                    "pv": cash["cost"].to_numpy(float)[later],
                }
            ),
        ],
        ignore_index=True,
    )
    amounts = act.loc[act["ordinal"] <= status_ord, ["code", "ordinal", "ev", "ac"]]
    bac = np.bincount(cash_code, weights=cash["cost"].to_numpy(float), minlength=len(ids))
    return _Units(ids, freq, origin.astype(np.int64), end.astype(np.int64), bac, baseline, amounts)


def group_units(units: _Units, groups: pd.Series, name: str) -> _Units:
    """Units summed into groups (``groups``: a label per unit, aligned with ``units.index``)."""
    codes, labels = pd.factorize(groups.fillna("(none)").astype(str).to_numpy(), sort=True)
    index = pd.Index(labels, name=name)
    n = len(index)
    origin = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(origin, codes, units.origin)
    end = np.full(n, np.iinfo(np.int64).min)
    np.maximum.at(end, codes, units.end)
    bac = np.bincount(codes, weights=units.bac, minlength=n)

    def regroup(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        moved = frame.assign(code=codes[frame["code"].to_numpy()])
        return moved.groupby(["code", "ordinal"], as_index=False)[columns].sum()

    return _Units(
        index,
        units.freq,
        origin,
        end,
        bac,
        regroup(units.baseline, ["pv"]),
        regroup(units.amounts, ["ev", "ac"]),
    )


# --------------------------------------------------------------------------- core
def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0 or not finite."""
    numerator, denominator = np.broadcast_arrays(
        np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    )
    out = np.full(numerator.shape, np.nan)
    with np.errstate(over="ignore"):
        np.divide(
            numerator, denominator, out=out, where=(denominator != 0) & np.isfinite(denominator)
        )
    out[~np.isfinite(out)] = np.nan  # overflow of a tiny denominator is no result either
    return out


@dataclass(frozen=True)
class _Baseline:
    cum: np.ndarray  # (units, width + 1) cumulative PV after t periods; column 0 is 0
    duration: np.ndarray  # planned duration PD per unit [periods], 0 when no planned value


def _baseline(units: _Units) -> _Baseline:
    n = len(units.index)
    code = units.baseline["code"].to_numpy()
    t = units.baseline["ordinal"].to_numpy() - units.origin[code] + 1
    pv = units.baseline["pv"].to_numpy(dtype=float)
    duration = np.zeros(n, dtype=np.int64)
    positive = pv > 0
    np.maximum.at(duration, code[positive], t[positive])
    span = units.end - units.origin + 1
    width = int(max(duration.max(initial=0), span.max(initial=0)))
    inc = np.zeros((n, width + 1))
    keep = (t >= 1) & (t <= width)
    np.add.at(inc, (code[keep], t[keep]), pv[keep])
    return _Baseline(np.cumsum(inc, axis=1), duration)


def _earned_schedule(ev: np.ndarray, owner: np.ndarray, base: _Baseline) -> np.ndarray:
    """ES per row: Lipke's interpolation of cumulative EV on the unit's cumulative PV curve."""
    cum, duration = base.cum, base.duration
    width = cum.shape[1] - 1
    periods = np.arange(1, width + 1)
    # cumulative PV of whole periods, +inf past the planned duration so they never count
    curve = np.where(periods[None, :] <= duration[:, None], cum[:, 1:], np.inf)
    whole = np.empty(ev.size, dtype=np.int64)
    step = max(1, _CHUNK_CELLS // max(width, 1))
    for lo in range(0, ev.size, step):  # chunks bound memory; each chunk is vectorised
        hi = min(lo + step, ev.size)
        whole[lo:hi] = (curve[owner[lo:hi]] <= ev[lo:hi, None]).sum(axis=1)
    pd_row = duration[owner]
    inside = whole < pd_row
    pv_c = cum[owner, whole]
    pv_next = cum[owner, np.minimum(whole + 1, width)]
    fraction = _ratio(ev - pv_c, np.where(inside, pv_next - pv_c, 0.0))
    es = np.where(inside, whole + fraction, pd_row.astype(float))
    return np.where(pd_row > 0, es, np.nan)


def _periods(ordinals: np.ndarray, freq: str) -> pd.PeriodIndex:
    return pd.PeriodIndex.from_ordinals(np.asarray(ordinals, dtype=np.int64), freq=freq)


def compute_history(
    units: _Units, *, eac_method: str = "cpi", status_only: bool = False
) -> tuple[pd.DataFrame, _Baseline]:
    """Every metric per unit and period from its start to its status period (tidy).

    With ``status_only`` just the status period's row of each unit (the same figures).
    """
    n = len(units.index)
    span = units.end - units.origin + 1
    base = _baseline(units)
    if status_only:
        owner, t = np.arange(n), span
    else:
        owner = np.repeat(np.arange(n), span)
        first_row = np.concatenate([[0], np.cumsum(span)[:-1]]) if n else np.zeros(0, np.int64)
        t = np.arange(int(span.sum())) - np.repeat(first_row, span) + 1

    amounts = units.amounts.groupby(["code", "ordinal"], as_index=False)[["ev", "ac"]].sum()
    code = amounts["code"].to_numpy()
    k = amounts["ordinal"].to_numpy() - units.origin[code]
    keep = (k >= 0) & (k < span[code])
    grid = np.zeros((2, n, int(span.max(initial=0))))
    grid[0, code[keep], k[keep]] = amounts["ev"].to_numpy(float)[keep]
    grid[1, code[keep], k[keep]] = amounts["ac"].to_numpy(float)[keep]
    cum = np.cumsum(grid, axis=2)
    ev = cum[0, owner, t - 1]
    ac = cum[1, owner, t - 1]
    pv = base.cum[owner, t]
    bac = units.bac[owner]

    cpi = _ratio(ev, ac)
    spi = _ratio(ev, pv)
    eacs = {
        "cpi": _ratio(bac, cpi),
        "budget_rate": ac + (bac - ev),
        "cpi_spi": ac + _ratio(bac - ev, cpi * spi),
    }
    eac = eacs[eac_method]
    es = _earned_schedule(ev, owner, base)
    spi_t = _ratio(es, t)
    planned = base.duration[owner].astype(float)
    planned = np.where(planned > 0, planned, np.nan)
    forecast = _ratio(planned, spi_t)
    origin = units.origin[owner]

    def finish(duration: np.ndarray) -> pd.PeriodIndex:
        valid = np.isfinite(duration) & (duration < 1e6)  # beyond that no period is meaningful
        whole = np.ceil(np.where(valid, duration, 0.0) - 1e-9).astype(np.int64)
        return _periods(np.where(valid, origin + whole - 1, _NAT), units.freq)

    frame = pd.DataFrame(
        {
            units.index.name: units.index.to_numpy()[owner],
            "start": _periods(origin, units.freq),
            "period": _periods(origin + t - 1, units.freq),
            "at": t,
            "pv": pv,
            "ev": ev,
            "ac": ac,
            "bac": bac,
            "cv": ev - ac,
            "sv": ev - pv,
            "cpi": cpi,
            "spi": spi,
            "eac": eac,
            "etc": eac - ac,
            "vac": bac - eac,
            "tcpi": _ratio(bac - ev, bac - ac),
            "tcpi_eac": _ratio(bac - ev, eac - ac),
            "eac_cpi": eacs["cpi"],
            "eac_budget_rate": eacs["budget_rate"],
            "eac_cpi_spi": eacs["cpi_spi"],
            "es": es,
            "sv_t": es - t,
            "spi_t": spi_t,
            "planned_duration": planned,
            "planned_finish": finish(planned),
            "forecast_duration": forecast,
            "forecast_finish": finish(forecast),
            "percent_complete": _ratio(ev, bac),
            "percent_spent": _ratio(ac, bac),
        }
    )
    return frame, base


def _empty(index_name: str, *extra: str) -> pd.DataFrame:
    return pd.DataFrame(columns=[index_name, *extra, *METRIC_COLUMNS]).set_index(index_name)


def _at_status(history: pd.DataFrame, name: str) -> pd.DataFrame:
    last = history.groupby(name, sort=False).tail(1)
    return last.set_index(name)


def _with_names(portfolio: Portfolio, frame: pd.DataFrame) -> pd.DataFrame:
    projects = portfolio.projects.reindex(frame.index)
    return pd.concat([projects[["name", "status"]], frame], axis=1)


# --------------------------------------------------------------------------- public
def earned_value(
    portfolio: Portfolio, *, as_of: str | pd.Period | None = None, eac_method: str = "cpi"
) -> pd.DataFrame:
    """Earned value and earned schedule of every project with actuals, at the status period.

    Parameters
    ----------
    portfolio : Portfolio
    as_of : str or Period, optional
        Status period (a label like ``2026Q4``); default the latest period in the actuals.
        Actuals after it are ignored.
    eac_method : {"cpi", "budget_rate", "cpi_spi"}
        Which EAC feeds ``eac``, ``etc``, ``vac`` and ``tcpi_eac`` (all three EACs are given
        as ``eac_cpi``, ``eac_budget_rate``, ``eac_cpi_spi``). See the module notes.

    Returns
    -------
    DataFrame
        Indexed by project_id (projects with an actuals row up to ``as_of``): ``name``,
        ``status``, ``start`` and ``period`` (the status period), ``at`` [periods], cumulative
        ``pv``, ``ev``, ``ac`` and ``bac``, ``cv``, ``sv``, ``eac``, ``etc``, ``vac``
        [currency], ``cpi``, ``spi``, ``tcpi``, ``tcpi_eac`` [ratio], ``es``, ``sv_t``,
        ``planned_duration``, ``forecast_duration`` [periods], ``spi_t`` [ratio],
        ``planned_finish`` and ``forecast_finish`` [period], ``percent_complete`` (EV / BAC)
        and ``percent_spent`` (AC / BAC). Empty without actuals.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(40, n_periods=8, seed=4, in_flight_share=0.3)
    >>> ev = pa.earned_value(p)
    >>> bool(((ev["cv"] - (ev["ev"] - ev["ac"])).abs() < 1e-6).all())
    True
    """
    _check_method(eac_method)
    period = status_period(portfolio, as_of)
    if period is None:
        return _with_names(portfolio, _empty("project_id"))
    units = project_units(portfolio, period)
    status, _ = compute_history(units, eac_method=eac_method, status_only=True)
    return _with_names(portfolio, status.set_index("project_id"))


def earned_value_history(
    portfolio: Portfolio, *, as_of: str | pd.Period | None = None, eac_method: str = "cpi"
) -> pd.DataFrame:
    """Every earned-value figure per project and period, from its start to the status period.

    Tidy: one row per project_id and period, the columns of :func:`earned_value` (without
    name and status) plus ``project_id``, for trends. The last row of each project is its
    :func:`earned_value` row.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(40, n_periods=8, seed=4, in_flight_share=0.3)
    >>> h = pa.earned_value_history(p)
    >>> bool(h.groupby("project_id")["at"].apply(lambda s: (s.diff().dropna() == 1).all()).all())
    True
    """
    _check_method(eac_method)
    period = status_period(portfolio, as_of)
    if period is None:
        return _empty("project_id").reset_index()
    history, _ = compute_history(project_units(portfolio, period), eac_method=eac_method)
    return history


def _grouped(portfolio: Portfolio, as_of, by: str | None, eac_method: str):
    _check_method(eac_method)
    name = by or "portfolio"
    projects = portfolio.projects
    if by is not None and by not in projects.columns:
        raise ValueError(
            f"cannot roll up by {by!r}: not a projects column; valid: {', '.join(projects.columns)}"
        )
    period = status_period(portfolio, as_of)
    if period is None:
        return None, name
    units = project_units(portfolio, period)
    labels = (
        pd.Series("portfolio", index=units.index)
        if by is None
        else projects[by].reindex(units.index).astype(object)
    )
    grouped = group_units(units, labels, name)
    history, _ = compute_history(grouped, eac_method=eac_method)
    # projects of the group started by each period: search the members' starts per group
    group_of = grouped.index.get_indexer(labels.fillna("(none)").astype(str))
    shift = units.origin.min(initial=0)
    big = np.int64(2) ** 40
    starts = np.sort(group_of * big + (units.origin - shift))
    row_group = grouped.index.get_indexer(history[name])
    row_key = row_group * big + (_ordinals(history["period"], units.freq) - shift)
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
        with actuals) and the columns of :func:`earned_value` (without name and status).

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(60, n_periods=8, seed=4, in_flight_share=0.3)
    >>> total = pa.portfolio_roll_up(p)
    >>> bool(abs(total.loc["portfolio", "ev"] - pa.earned_value(p)["ev"].sum()) < 1e-6)
    True
    """
    history, name = _grouped(portfolio, as_of, by, eac_method)
    if history is None:
        return _empty(name, "n_projects")
    return _at_status(history, name)


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
    history, name = _grouped(portfolio, as_of, by, eac_method)
    if history is None:
        return _empty(name, "n_projects").reset_index()
    return history


CURVE_SERIES: tuple[str, ...] = (
    "Planned value (PV)",
    "Earned value (EV)",
    "Actual cost (AC)",
    "Forecast cost (EAC)",
)


def earned_value_curves(
    portfolio: Portfolio,
    *,
    as_of: str | pd.Period | None = None,
    eac_method: str = "cpi",
    projects: list[str] | None = None,
) -> pd.DataFrame:
    """S-curves of each project, tidy, for :func:`pmo_analytics.charts.earned_value_chart`.

    Cumulative PV over the whole baseline (to the planned finish or the status period, the
    later), EV and AC to the status period, and the EAC projection: a straight line from AC at
    the status period to EAC at the forecast finish (at least one period later).

    Returns
    -------
    DataFrame
        project_id, name, period (label), series (one of :data:`CURVE_SERIES`), amount
        [currency, cumulative].

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(40, n_periods=8, seed=4, in_flight_share=0.3)
    >>> curves = pa.earned_value_curves(p)
    >>> sorted(curves["series"].unique()) == sorted(CURVE_SERIES)
    True
    """
    _check_method(eac_method)
    columns = ["project_id", "name", "period", "series", "amount"]
    period = status_period(portfolio, as_of)
    if period is None:
        return pd.DataFrame(columns=columns)
    units = project_units(portfolio, period)
    history, base = compute_history(units, eac_method=eac_method)
    if projects is not None:
        unknown = sorted(set(projects) - set(units.index))
        if unknown:
            raise ValueError(
                f"no actuals up to {period} for {', '.join(unknown)}; projects with actuals: "
                f"{', '.join(units.index[:20])}{' ...' if len(units.index) > 20 else ''}"
            )
        history = history[history["project_id"].isin(projects)]
    status = _at_status(history, "project_id")
    codes = (
        pd.Series(np.arange(len(units.index)), index=units.index).reindex(status.index).to_numpy()
    )
    length = np.maximum(base.duration[codes], status["at"].to_numpy())
    owner = np.repeat(codes, length)
    t = np.arange(owner.size) - np.repeat(np.concatenate([[0], np.cumsum(length)[:-1]]), length) + 1
    pv = pd.DataFrame(
        {
            "project_id": units.index.to_numpy()[owner],
            "period": _periods(units.origin[owner] + t - 1, units.freq),
            "series": CURVE_SERIES[0],
            "amount": base.cum[owner, np.minimum(t, base.cum.shape[1] - 1)],
        }
    )
    actual = history.melt(
        id_vars=["project_id", "period"],
        value_vars=["ev", "ac"],
        var_name="series",
        value_name="amount",
    ).replace({"series": {"ev": CURVE_SERIES[1], "ac": CURVE_SERIES[2]}})
    known = status[status["eac"].notna()]
    finish = known["forecast_finish"].where(
        known["forecast_finish"] > known["period"], known["period"] + 1
    )
    projection = pd.DataFrame(
        {
            "project_id": np.concatenate([known.index.to_numpy(), known.index.to_numpy()]),
            "period": pd.PeriodIndex(
                np.concatenate([known["period"].to_numpy(), finish.to_numpy()])
            ),
            "series": CURVE_SERIES[3],
            "amount": np.concatenate([known["ac"].to_numpy(), known["eac"].to_numpy()]),
        }
    )
    out = pd.concat([pv, actual, projection], ignore_index=True)
    out = out.sort_values(["project_id", "series", "period"], kind="stable", ignore_index=True)
    names = portfolio.projects["name"].reindex(out["project_id"]).to_numpy()
    out.insert(1, "name", names)
    out["period"] = out["period"].astype(str)
    return out[columns]
