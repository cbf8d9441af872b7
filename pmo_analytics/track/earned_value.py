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
    Planned value is the baseline: the planned ``cost`` from the cashflows (offset k falls in
    start + k) in every period, up to the status period and beyond, whatever rows
    ``actuals.csv`` has — a period without a status report still has its planned value, so a
    project that skips a report does not look ahead of schedule (PMI: PV is the authorised
    budget of the work scheduled up to the status date). The ``planned_value`` of the actuals
    is the baseline only of a project without cashflows (loading notes where the two
    disagree). The baseline runs to the planned finish even when the work runs late; the
    planned duration PD is the number of periods up to the last period with a planned value.
Earned schedule (Lipke)
    ES = C + (EV - PV_C) / (PV_{C+1} - PV_C), where C is the number of whole periods whose
    cumulative PV is at most EV and PV_C the cumulative PV after C periods (PV_0 = 0); ES = PD
    once EV reaches the baseline's total. SPI(t) = ES / AT, SV(t) = ES - AT [periods]. The
    forecast duration is PD / SPI(t) (Lipke's IEAC(t)) and the forecast finish the period
    start + ceil(PD / SPI(t)) - 1.

Roll-ups over groups of projects are in :mod:`pmo_analytics.track.roll_up`, the S-curves for charts
in :mod:`pmo_analytics.track.s_curves`; both reuse the per-unit computation here.

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

from .._vocab import CLOSED_STATUSES
from ..exceptions import OptionsError
from ..portfolio import Portfolio

EAC_METHODS: tuple[str, ...] = ("cpi", "budget_rate", "cpi_spi")

#: Columns of every earned-value frame, after the unit (project_id or group) column.
METRIC_COLUMNS: list[str] = [
    "start", "period", "at", "pv", "ev", "ac", "bac", "cv", "sv", "cpi", "spi", "eac", "etc",
    "vac", "tcpi", "tcpi_eac", "eac_cpi", "eac_budget_rate", "eac_cpi_spi", "es", "sv_t",
    "spi_t", "planned_duration", "planned_finish", "forecast_duration", "forecast_finish",
    "percent_complete", "percent_spent",
]  # fmt: skip

_NAT = np.iinfo(np.int64).min
_CHUNK_CELLS = 20_000_000  # rows x baseline periods compared at once in the ES search


@dataclass(frozen=True)
class Units:
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
        raise OptionsError(
            f"as_of {as_of!r} is not a period label; use one like {portfolio.horizon[0]}"
        ) from exc
    if period.freqstr != freq:
        raise OptionsError(
            f"as_of {as_of!r} is not of the portfolio's frequency ({freq}); "
            f"use a label like {portfolio.horizon[0]}"
        )
    return period


def check_eac_method(eac_method: str) -> None:
    if eac_method not in EAC_METHODS:
        raise OptionsError(
            f"eac_method {eac_method!r} is not known; valid: {', '.join(EAC_METHODS)}"
        )


def period_ordinals(values: pd.Series | pd.Index, freq: str) -> np.ndarray:
    return pd.PeriodIndex(values, freq=freq).asi8


def _codes(values: pd.Series, ids: pd.Index) -> np.ndarray:
    """Position of each value in ``ids`` (-1 when absent), hashing the long column once."""
    raw, uniques = pd.factorize(values)
    return ids.get_indexer(uniques)[raw]


def project_units(portfolio: Portfolio, as_of: pd.Period) -> Units:
    """Per-project inputs: projects with at least one actuals row up to ``as_of``."""
    freq = portfolio.freq
    actuals = portfolio.actuals
    when = period_ordinals(actuals["period"], freq)
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
    last_reported = act[act["ordinal"] <= status_ord].groupby("code")["ordinal"].max()
    last_reported = last_reported.reindex(range(len(ids))).to_numpy()

    start = period_ordinals(projects["start"], freq)
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
    planned = np.bincount(cash_code, minlength=len(ids)) > 0  # has a cost plan
    baseline = pd.concat(
        [
            pd.DataFrame(
                {"code": cash_code, "ordinal": cash_ord, "pv": cash["cost"].to_numpy(float)}
            ),
            act.loc[~planned[act["code"].to_numpy()], ["code", "ordinal", "pv"]],
        ],
        ignore_index=True,
    )
    amounts = act.loc[act["ordinal"] <= status_ord, ["code", "ordinal", "ev", "ac"]]
    bac = np.bincount(cash_code, weights=cash["cost"].to_numpy(float), minlength=len(ids))
    return Units(ids, freq, origin.astype(np.int64), end.astype(np.int64), bac, baseline, amounts)


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
class Baseline:
    cum: np.ndarray  # (units, width + 1) cumulative PV after t periods; column 0 is 0
    duration: np.ndarray  # planned duration PD per unit [periods], 0 when no planned value


def _baseline(units: Units) -> Baseline:
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
    return Baseline(np.cumsum(inc, axis=1), duration)


def _earned_schedule(ev: np.ndarray, owner: np.ndarray, base: Baseline) -> np.ndarray:
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


def steps(lengths: np.ndarray) -> np.ndarray:
    """1, 2, …, length for each of ``lengths`` in turn (periods counted from each unit's start).

    Examples
    --------
    >>> steps(np.array([2, 3])).tolist()
    [1, 2, 1, 2, 3]
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    return np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths) + 1


def from_ordinals(ordinals: np.ndarray, freq: str) -> pd.PeriodIndex:
    return pd.PeriodIndex.from_ordinals(np.asarray(ordinals, dtype=np.int64), freq=freq)


def compute_history(
    units: Units, *, eac_method: str = "cpi", status_only: bool = False
) -> tuple[pd.DataFrame, Baseline]:
    """Every metric per unit and period from its start to its status period (tidy).

    With ``status_only`` just the status period's row of each unit (the same figures).
    """
    n = len(units.index)
    span = units.end - units.origin + 1
    base = _baseline(units)
    if status_only:
        owner, t = np.arange(n), span
    else:
        owner, t = np.repeat(np.arange(n), span), steps(span)

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
        return from_ordinals(np.where(valid, origin + whole - 1, _NAT), units.freq)

    frame = pd.DataFrame(
        {
            units.index.name: units.index.to_numpy()[owner],
            "start": from_ordinals(origin, units.freq),
            "period": from_ordinals(origin + t - 1, units.freq),
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


def empty_metrics(index_name: str, *extra: str) -> pd.DataFrame:
    return pd.DataFrame(columns=[index_name, *extra, *METRIC_COLUMNS]).set_index(index_name)


def at_status(history: pd.DataFrame, name: str) -> pd.DataFrame:
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
    check_eac_method(eac_method)
    period = status_period(portfolio, as_of)
    if period is None:
        return _with_names(portfolio, empty_metrics("project_id"))
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
    check_eac_method(eac_method)
    period = status_period(portfolio, as_of)
    if period is None:
        return empty_metrics("project_id").reset_index()
    history, _ = compute_history(project_units(portfolio, period), eac_method=eac_method)
    return history
