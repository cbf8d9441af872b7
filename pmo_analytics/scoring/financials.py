"""Project financials from the time-phased cash flows, vectorised over all projects.

Each project's net flow at offset k (benefit − cost) is discounted by k periods at the period
rate, the first flow (offset 0, the project's start) undiscounted — the conventions of
numpy-financial's ``npv`` and ``irr``. An annual ``discount_rate`` r becomes the period rate
(1 + r)^(1/4) − 1 for quarters and (1 + r)^(1/12) − 1 for months
(:func:`pmo_analytics.periods.annual_to_period_rate`).

Everything is computed on one project × offset matrix built once: NPV, present values and
paybacks are matrix products and cumulative sums; IRR is found for all projects at once by
bisection where Descartes' rule of signs guarantees a unique root (one sign change in the net
flows) and by polynomial roots only for the few projects with several sign changes.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from ..periods import annual_to_period_rate, periods_per_year

FINANCIAL_COLUMNS = [
    "npv", "irr", "irr_annual", "payback", "discounted_payback", "roi", "bcr",
    "profitability_index", "pv_benefit", "pv_cost", "total_benefit", "total_cost", "irr_note",
]  # fmt: skip

#: Reasons given in ``irr_note`` where IRR is NaN.
NO_CASH_FLOWS = "no cash flows"
NO_SIGN_CHANGE = "no sign change in the net cash flows: no rate makes NPV zero"
NO_REAL_ROOT = "no real rate above -100% makes NPV zero"
_BISECTION_STEPS = 64
_LOG_BRACKET = 40.0  # IRR searched for between -100% + e^-40 and e^40 per period


def cashflow_matrices(
    cashflows: pd.DataFrame, project_ids: Iterable[str] | None = None
) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Cost and benefit as project × offset matrices (zeros where no flow is given).

    Returns ``(index, cost, benefit)``: ``index`` of project_id (default: the projects in
    ``cashflows``, sorted), and two float arrays of shape (projects, last offset + 1).
    """
    ids = (
        pd.Index(sorted(cashflows["project_id"].unique()), name="project_id")
        if project_ids is None
        else pd.Index(list(project_ids), name="project_id")
    )
    codes = ids.get_indexer(cashflows["project_id"])
    keep = codes >= 0
    offsets = cashflows["offset"].to_numpy(dtype=np.int64)[keep]
    if (offsets < 0).any():
        raise OptionsError("cash flow offsets must be ≥ 0 (0 = the project's start period)")
    width = int(offsets.max()) + 1 if offsets.size else 1
    flat = codes[keep] * width + offsets
    size = len(ids) * width

    def matrix(column: str) -> np.ndarray:
        if column not in cashflows:
            return np.zeros((len(ids), width))
        values = (
            pd.to_numeric(cashflows[column], errors="coerce")
            .fillna(0.0)
            .to_numpy(dtype=float)[keep]
        )
        return np.bincount(flat, weights=values, minlength=size).reshape(len(ids), width)

    return ids, matrix("cost"), matrix("benefit")


def _sign_changes(net: np.ndarray) -> np.ndarray:
    """Number of sign changes along each row, zeros skipped."""
    signs = np.sign(net)
    position = np.where(signs != 0, np.arange(net.shape[1]), 0)
    last_nonzero = np.maximum.accumulate(position, axis=1)
    filled = np.take_along_axis(signs, last_nonzero, axis=1)
    return ((filled[:, 1:] * filled[:, :-1]) < 0).sum(axis=1)


def _poly_sign(net: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Sign of Σ_k net_k x^k at x = e^u, evaluated without overflow (scaled by x^-K for x > 1)."""
    k = np.arange(net.shape[1])
    shift = np.where(u > 0, net.shape[1] - 1, 0)
    powers = np.exp(u[:, None] * (k[None, :] - shift[:, None]))
    return np.sign((net * powers).sum(axis=1))


def _irr_bisection(net: np.ndarray) -> np.ndarray:
    """Per-period IRR of rows with one sign change (unique root), by bisection on log x."""
    lo = np.full(len(net), -_LOG_BRACKET)
    hi = np.full(len(net), _LOG_BRACKET)
    sign_lo = _poly_sign(net, lo)
    inside = sign_lo != _poly_sign(net, hi)
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        same = _poly_sign(net, mid) == sign_lo
        lo = np.where(same, mid, lo)
        hi = np.where(same, hi, mid)
    u = 0.5 * (lo + hi)
    return np.where(inside, np.expm1(-u), np.nan)  # x = 1/(1+r) = e^u


def _irr_roots(flows: np.ndarray) -> tuple[float, str]:
    """IRR of one flow series with several sign changes: the unique positive root, if any."""
    trimmed = np.trim_zeros(flows, "b")
    roots = np.roots(trimmed[::-1])  # Σ flows_k x^k, highest power first
    real = roots[np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots))].real
    positive = np.sort(real[real > 1e-12])
    # polish with Newton steps on P(x) and merge numerically repeated roots
    poly = np.polynomial.Polynomial(trimmed)
    deriv = poly.deriv()
    for _ in range(3):
        slope = deriv(positive)
        positive = np.where(
            slope != 0, positive - poly(positive) / np.where(slope != 0, slope, 1.0), positive
        )
    if positive.size > 1:
        keep = np.concatenate([[True], np.diff(positive) > 1e-7 * positive[1:]])
        positive = positive[keep]
    rates = 1.0 / positive - 1.0
    if rates.size == 1:
        return float(rates[0]), ""
    if rates.size == 0:
        return np.nan, NO_REAL_ROOT
    listed = ", ".join(f"{r:.4%}" for r in np.sort(rates))
    return np.nan, f"no unique IRR: NPV is zero at {rates.size} rates per period ({listed})"


def internal_rates(net: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """IRR per period of each row of net flows (offset 0 first) and the reason where NaN.

    Examples
    --------
    >>> rate, note = internal_rates(np.array([[-100.0, 39, 59, 55, 20], [100, 10, 0, 0, 0]]))
    >>> round(float(rate[0]), 5), note[1]
    (0.28095, 'no sign change in the net cash flows: no rate makes NPV zero')
    """
    net = np.atleast_2d(np.asarray(net, dtype=float))
    changes = _sign_changes(net)
    irr = np.full(len(net), np.nan)
    notes = np.full(len(net), "", dtype=object)
    empty = ~(net != 0).any(axis=1)
    notes[empty] = NO_CASH_FLOWS
    notes[~empty & (changes == 0)] = NO_SIGN_CHANGE
    single = changes == 1
    if single.any():
        irr[single] = _irr_bisection(net[single])
    for row in np.flatnonzero((changes > 1) | (single & np.isnan(irr))):
        irr[row], notes[row] = _irr_roots(net[row])
    return irr, notes


def _payback(net: np.ndarray) -> np.ndarray:
    """Periods until the cumulative net flow, once negative, first gets back to ≥ 0.

    Linear interpolation within the period of recovery: (k − 1) + unrecovered / flow_k. 0 when
    the cumulative flow is never negative; NaN when it never recovers.
    """
    cumulative = np.cumsum(net, axis=1)
    negative = cumulative < 0
    ever_negative = negative.any(axis=1)
    first_negative = np.argmax(negative, axis=1)
    k = np.arange(net.shape[1])
    recovered = (cumulative >= 0) & (k[None, :] > first_negative[:, None])
    ever_recovered = recovered.any(axis=1)
    at = np.argmax(recovered, axis=1)
    before = np.take_along_axis(cumulative, np.maximum(at - 1, 0)[:, None], axis=1)[:, 0]
    flow = np.take_along_axis(net, at[:, None], axis=1)[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        interpolated = (at - 1) + (-before) / flow
    return np.where(~ever_negative, 0.0, np.where(ever_recovered, interpolated, np.nan))


def cashflow_financials(
    cashflows: pd.DataFrame,
    *,
    period_rate: float,
    periods_per_year: int = 1,
    project_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Financial measures of time-phased cash flows at a rate per period.

    Parameters
    ----------
    cashflows : DataFrame
        As ``cashflows.csv``: project_id, offset (periods from the start; 0 = start), cost,
        benefit [currency].
    period_rate : float
        Discount rate per period (e.g. 0.0194 per quarter for 8 % a year); > −1.
    periods_per_year : int
        Used only to annualise the IRR (4 for quarters, 12 for months, 1 for years).
    project_ids : iterable of str, optional
        Projects to report (default: those in ``cashflows``); one without flows gets zeros.

    Returns
    -------
    DataFrame
        Indexed by project_id, columns :data:`FINANCIAL_COLUMNS` (see
        :func:`project_financials`).

    Examples
    --------
    >>> flows = pd.DataFrame({"project_id": "A", "offset": range(5),
    ...                       "cost": [40_000.0, 0, 0, 0, 0],
    ...                       "benefit": [0.0, 5_000, 8_000, 12_000, 30_000]})
    >>> round(float(cashflow_financials(flows, period_rate=0.08)["npv"].iloc[0]), 5)
    3065.22267
    """
    rate = _checked_rate(period_rate, "period_rate", "a finite rate above -1 (e.g. 0.02)")
    ids, cost, benefit = cashflow_matrices(cashflows, project_ids)
    net = benefit - cost
    discount = _discount_factors(rate, net.shape[1])
    pv_cost, pv_benefit = cost @ discount, benefit @ discount
    npv = net @ discount
    discounted = net * discount
    outflow = np.clip(-discounted, 0.0, None).sum(axis=1)
    irr, notes = internal_rates(net)
    total_cost, total_benefit = cost.sum(axis=1), benefit.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = pd.DataFrame(
            {
                "npv": npv,
                "irr": irr,
                "irr_annual": (1.0 + irr) ** periods_per_year - 1.0,
                "payback": _payback(net),
                "discounted_payback": _payback(discounted),
                "roi": np.where(total_cost > 0, (total_benefit - total_cost) / total_cost, np.nan),
                "bcr": np.where(pv_cost > 0, pv_benefit / pv_cost, np.nan),
                "profitability_index": np.where(outflow > 0, 1.0 + npv / outflow, np.nan),
                "pv_benefit": pv_benefit,
                "pv_cost": pv_cost,
                "total_benefit": total_benefit,
                "total_cost": total_cost,
                "irr_note": pd.array(notes, dtype="string"),
            },
            index=ids,
        )
    empty = ~((cost != 0) | (benefit != 0)).any(axis=1)
    out.loc[empty, ["payback", "discounted_payback"]] = np.nan
    out.attrs["period_rate"] = rate
    return out


def project_npv(portfolio, *, discount_rate: float) -> pd.Series:
    """NPV of every project at its own start [currency]: only the NPV column of
    :func:`project_financials`, without the IRR search (for optimiser runs).

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> p = generate_portfolio(5, n_periods=6, seed=1)
    >>> bool(project_npv(p, discount_rate=0.08).equals(project_financials(p, discount_rate=0.08)["npv"]))
    True
    """
    rate = _checked_rate(discount_rate, "discount_rate", _ANNUAL)
    ids, cost, benefit = cashflow_matrices(portfolio.cashflows, portfolio.projects.index)
    discount = _discount_factors(annual_to_period_rate(rate, portfolio.freq), cost.shape[1])
    return pd.Series((benefit - cost) @ discount, index=ids, name="npv")


_ANNUAL = "an annual rate above -1 (e.g. 0.08)"


def _checked_rate(value: float, name: str, valid: str) -> float:
    """``value`` as a float when it is a finite rate above -100 %; else a ValueError."""
    rate = float(value)
    if not np.isfinite(rate) or rate <= -1.0:
        raise OptionsError(f"{name}={value!r} is not valid; use {valid}")
    return rate


def _discount_factors(period_rate: float, n_periods: int) -> np.ndarray:
    """1 / (1 + i)^k for offsets k = 0 … n_periods − 1 (the start undiscounted)."""
    return (1.0 + period_rate) ** -np.arange(n_periods, dtype=float)


def project_financials(portfolio, *, discount_rate: float) -> pd.DataFrame:
    """NPV, IRR, paybacks, ROI, benefit–cost ratio and profitability index of every project.

    Parameters
    ----------
    portfolio : Portfolio
        Its ``cashflows`` (offsets from each project's own start) and period frequency.
    discount_rate : float
        Annual discount rate (0.08 = 8 % a year), converted to the portfolio's period rate
        as (1 + r)^(1/4) − 1 for quarters or (1 + r)^(1/12) − 1 for months.

    Returns
    -------
    DataFrame
        Indexed by project_id (every project of the portfolio), with columns

        * ``npv`` — Σ_k (benefit_k − cost_k) / (1 + i)^k at the period rate i, valued at the
          project's start (offset 0 undiscounted) [currency];
        * ``irr`` — rate per period making NPV zero, ``irr_annual`` = (1 + irr)^p − 1 (p
          periods a year); NaN with the reason in ``irr_note`` when the net flows never change
          sign or NPV is zero at more than one rate;
        * ``payback``, ``discounted_payback`` — periods from the start until the cumulative
          (discounted) net flow is back to ≥ 0, interpolated within the period; NaN when it
          never is, 0 when it is never negative;
        * ``roi`` — (total benefit − total cost) / total cost, undiscounted;
        * ``bcr`` — PV(benefits) / PV(costs);
        * ``profitability_index`` — 1 + NPV / PV(net outflows) (PV of future inflows per unit
          invested when the only outflow is the investment);
        * ``pv_benefit``, ``pv_cost``, ``total_benefit``, ``total_cost`` [currency].

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> fin = project_financials(generate_portfolio(5, n_periods=6, seed=1), discount_rate=0.08)
    >>> list(fin.columns[:6])
    ['npv', 'irr', 'irr_annual', 'payback', 'discounted_payback', 'roi']
    """
    rate = _checked_rate(discount_rate, "discount_rate", _ANNUAL)
    freq = portfolio.freq
    return cashflow_financials(
        portfolio.cashflows,
        period_rate=annual_to_period_rate(rate, freq),
        periods_per_year=periods_per_year(freq),
        project_ids=portfolio.projects.index,
    ).rename_axis("project_id")
