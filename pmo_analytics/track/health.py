"""Portfolio health from earned value: RAG status, who needs attention and why, continue-or-stop.

Works on the frame of :func:`pmo_analytics.earned_value` (one row per project at the status
period). Thresholds are configuration, kept apart in the frozen :class:`RagThresholds`.

RAG rule
    Cost is red when CPI < ``cpi_red`` or the budget is already spent with work left (AC >=
    BAC > EV), amber when CPI < ``cpi_amber`` or TCPI > ``tcpi_amber`` (the rest of the work
    would have to be done markedly more efficiently than planned to finish on budget), else
    green. Schedule is red when the schedule index (SPI(t) by default, or SPI) < ``spi_red``,
    amber when < ``spi_amber``, else green. An index that cannot be computed (no cost or no
    planned value yet) gives ``unknown``. The overall status is the worst of the two, in the
    order red, amber, unknown, green.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._vocab import CLOSED_STATUSES
from ..exceptions import OptionsError
from ..portfolio import Portfolio
from .earned_value import check_eac_method, earned_value, period_ordinals, status_period

RAG_LEVELS: tuple[str, ...] = ("green", "unknown", "amber", "red")
SCHEDULE_INDICES: tuple[str, ...] = ("spi_t", "spi")


@dataclass(frozen=True)
class RagThresholds:
    """Where amber and red begin (see the module notes for the rule).

    Attributes
    ----------
    cpi_amber, cpi_red : float
        CPI below these is amber, red (0.95 and 0.90 by default).
    spi_amber, spi_red : float
        Schedule index below these is amber, red (0.95 and 0.90).
    tcpi_amber : float
        TCPI above this makes cost at least amber (1.10).
    schedule_index : {"spi_t", "spi"}
        Which schedule index is judged: the earned-schedule SPI(t) (default; it stays
        meaningful late in a project) or the cost-based SPI.

    Examples
    --------
    >>> RagThresholds(cpi_amber=0.97, cpi_red=0.92).cpi_red
    0.92
    """

    cpi_amber: float = 0.95
    cpi_red: float = 0.90
    spi_amber: float = 0.95
    spi_red: float = 0.90
    tcpi_amber: float = 1.10
    schedule_index: str = "spi_t"

    def __post_init__(self) -> None:
        problems = []
        for index in ("cpi", "spi"):
            amber, red = getattr(self, f"{index}_amber"), getattr(self, f"{index}_red")
            if not (0 < red <= amber):
                problems.append(
                    f"{index}_red ({red}) must be positive and at most {index}_amber ({amber})"
                )
        if not self.tcpi_amber > 0:
            problems.append(f"tcpi_amber ({self.tcpi_amber}) must be positive")
        if self.schedule_index not in SCHEDULE_INDICES:
            problems.append(
                f"schedule_index {self.schedule_index!r} is not known; valid: "
                f"{', '.join(SCHEDULE_INDICES)}"
            )
        if problems:
            raise OptionsError("invalid RAG thresholds: " + "; ".join(problems))


def _budget_spent(ev_frame: pd.DataFrame) -> np.ndarray:
    """True where the budget is already spent with work left: AC ≥ BAC > EV."""
    ev, ac, bac = (ev_frame[c].to_numpy(dtype=float) for c in ("ev", "ac", "bac"))
    return (ac >= bac) & (ev < bac) & (bac > 0)


def _level(red: np.ndarray, amber: np.ndarray, unknown: np.ndarray) -> np.ndarray:
    return np.select([red, amber, unknown], ["red", "amber", "unknown"], default="green")


def rag_status(ev_frame: pd.DataFrame, *, thresholds: RagThresholds | None = None) -> pd.DataFrame:
    """Red / amber / green for cost, schedule and overall, per project.

    Parameters
    ----------
    ev_frame : DataFrame
        From :func:`pmo_analytics.earned_value` (needs cpi, tcpi, ev, ac, bac and the
        schedule index column).
    thresholds : RagThresholds, optional
        Default ``RagThresholds()``.

    Returns
    -------
    DataFrame
        Same index: ``cost_rag``, ``schedule_rag``, ``rag`` (each green, amber, red or
        unknown).

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(60, n_periods=8, seed=4, in_flight_share=0.3)
    >>> rag = pa.rag_status(pa.earned_value(p))
    >>> set(rag["rag"]) <= {"green", "amber", "red", "unknown"}
    True
    """
    th = thresholds or RagThresholds()
    cpi = ev_frame["cpi"].to_numpy(dtype=float)
    tcpi = ev_frame["tcpi"].to_numpy(dtype=float)
    spent = _budget_spent(ev_frame)
    with np.errstate(invalid="ignore"):
        cost = _level(
            (cpi < th.cpi_red) | spent,
            (cpi < th.cpi_amber) | (tcpi > th.tcpi_amber),
            np.isnan(cpi),
        )
        index = ev_frame[th.schedule_index].to_numpy(dtype=float)
        schedule = _level(index < th.spi_red, index < th.spi_amber, np.isnan(index))
    rank = {level: i for i, level in enumerate(RAG_LEVELS)}
    worst = np.maximum(
        pd.Series(cost, dtype=object).map(rank).to_numpy(dtype=np.int64),
        pd.Series(schedule, dtype=object).map(rank).to_numpy(dtype=np.int64),
    )
    return pd.DataFrame(
        {"cost_rag": cost, "schedule_rag": schedule, "rag": np.asarray(RAG_LEVELS)[worst]},
        index=ev_frame.index,
    )


def _fmt(values: pd.Series, spec: str) -> pd.Series:
    return values.map(lambda v: "n/a" if pd.isna(v) else format(v, spec))


def needs_attention(
    ev_frame: pd.DataFrame,
    *,
    thresholds: RagThresholds | None = None,
    include_closed: bool = False,
) -> pd.DataFrame:
    """The projects whose status is amber or red, worst first, each with the reasons in words.

    Parameters
    ----------
    ev_frame : DataFrame
        From :func:`pmo_analytics.earned_value`.
    thresholds : RagThresholds, optional
    include_closed : bool
        Also list completed and cancelled projects (default: only open ones).

    Returns
    -------
    DataFrame
        Indexed by project_id, red before amber and the largest forecast overrun first:
        ``name``, ``rag``, ``cost_rag``, ``schedule_rag``, ``cpi``, ``spi_t``, ``tcpi``,
        ``vac`` [currency], ``sv_t`` [periods], ``planned_finish``, ``forecast_finish`` and
        ``reason``: every finding in plain words, separated by "; " (no finding contains
        one, so ``reason.str.split("; ")`` lists them).

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(80, n_periods=8, seed=4, in_flight_share=0.3)
    >>> late = pa.needs_attention(pa.earned_value(p))
    >>> bool(late["reason"].str.len().gt(0).all())
    True
    """
    th = thresholds or RagThresholds()
    frame = ev_frame
    if not include_closed and "status" in frame.columns:
        frame = frame[~frame["status"].isin(CLOSED_STATUSES)]
    rag = rag_status(frame, thresholds=th)
    flagged = rag["rag"].isin(["amber", "red"])
    frame, rag = frame[flagged], rag[flagged]
    columns = ["name", "rag", "cost_rag", "schedule_rag", "cpi", "spi_t", "tcpi", "vac", "sv_t"]
    columns += ["planned_finish", "forecast_finish", "reason"]
    if frame.empty:
        return pd.DataFrame(columns=columns, index=frame.index)

    reason = _findings(frame, rag, th)
    out = pd.concat([frame[["name"]], rag, frame[["cpi", "spi_t", "tcpi", "vac", "sv_t"]]], axis=1)
    out["planned_finish"] = frame["planned_finish"]
    out["forecast_finish"] = frame["forecast_finish"]
    out["reason"] = reason.where(reason != "", "no single index beyond its threshold")
    severity = out["rag"].map({"red": 0, "amber": 1})
    order = np.lexsort((out.index.to_numpy(), out["vac"].fillna(0).to_numpy(), severity.to_numpy()))
    return out.iloc[order][columns]


def _findings(frame: pd.DataFrame, rag: pd.DataFrame, th: RagThresholds) -> pd.Series:
    """Every finding of each flagged project in words, joined by "; " ("" for none)."""
    cpi, tcpi, vac, bac = frame["cpi"], frame["tcpi"], frame["vac"], frame["bac"]
    index_name = "SPI(t)" if th.schedule_index == "spi_t" else "SPI"
    index = frame[th.schedule_index]
    spent = _budget_spent(frame)
    overrun = -vac
    share = (overrun / bac.where(bac != 0)).abs()
    parts = pd.DataFrame(index=frame.index)
    parts["cost"] = np.where(
        rag["cost_rag"].isin(["amber", "red"]) & (cpi < th.cpi_amber),
        "over budget: CPI "
        + _fmt(cpi, ".2f")
        + " (each 1 spent has earned "
        + _fmt(cpi, ".2f")
        + " of planned work), heading for an overrun of "
        + _fmt(overrun, ",.0f")
        + " ("
        + _fmt(share, ".0%")
        + " of budget)",
        "",
    )
    parts["spent"] = np.where(
        spent,
        "the budget is already spent: actual cost "
        + _fmt(frame["ac"], ",.0f")
        + " against a budget of "
        + _fmt(bac, ",.0f")
        + " with "
        + _fmt(1 - frame["percent_complete"], ".0%")
        + " of the work still to do",
        "",
    )
    parts["tcpi"] = np.where(
        ~spent & (tcpi > th.tcpi_amber),
        "to finish on budget the remaining work must be done at TCPI "
        + _fmt(tcpi, ".2f")
        + " ("
        + _fmt(tcpi - 1, ".0%")
        + " more efficiently than planned)",
        "",
    )
    periods = "quarters" if frame["period"].iloc[0].freqstr.startswith("Q") else "months"
    behind = rag["schedule_rag"].isin(["amber", "red"])
    parts["schedule"] = np.where(
        behind,
        "behind schedule: "
        + index_name
        + " "
        + _fmt(index, ".2f")
        + " ("
        + _fmt(-frame["sv_t"], ".1f")
        + f" {periods} behind plan), forecast finish "
        + frame["forecast_finish"].astype(str)
        + " instead of "
        + frame["planned_finish"].astype(str),
        "",
    )
    reason = parts["cost"]
    for column in ("spent", "tcpi", "schedule"):  # join the non-empty findings with "; "
        part = parts[column]
        reason = reason.where(part == "", reason.where(reason == "", reason + "; ") + part)
    return reason


def continue_or_stop(
    portfolio: Portfolio, *, as_of: str | pd.Period | None = None, eac_method: str = "cpi"
) -> pd.DataFrame:
    """What continuing each in-flight project would still cost and still deliver.

    For re-optimisation that ignores sunk cost: what has been spent (AC) is gone whatever is
    decided; what matters is the cost still to come (ETC) against the value still to come.

    How the figures are made:

    - ``etc`` = EAC - AC by ``eac_method``; where that cannot be computed (nothing earned or
      spent yet) the budgeted cost of the remaining work, BAC - EV, is used and ``etc_basis``
      says ``budget_rate``.
    - ``remaining_planned_cost`` is the planned cost (cashflows) of the periods after
      ``as_of``, placed from the project's planned start.
    - ``remaining_value`` = strategic value x the share of the project's planned benefits
      (cashflows) that fall after ``as_of``. A project with no benefit in its cashflows is
      taken to deliver its value only when it finishes, so all of it remains.

    Parameters
    ----------
    portfolio : Portfolio
    as_of : str or Period, optional
        Status period; default the latest actuals period.
    eac_method : {"cpi", "budget_rate", "cpi_spi"}

    Returns
    -------
    DataFrame
        Indexed by project_id (projects with status ``in_flight``): ``name``, ``sunk_cost``
        (AC), ``bac``, ``eac``, ``etc``, ``etc_basis``, ``remaining_planned_cost`` [currency],
        ``strategic_value``, ``remaining_value_share``, ``remaining_value`` [value units],
        ``value_per_etc`` (remaining value per unit of ETC; NaN where ETC is 0).

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(80, n_periods=8, seed=4, in_flight_share=0.3)
    >>> cs = pa.continue_or_stop(p)
    >>> bool((cs["remaining_value"] <= cs["strategic_value"] + 1e-9).all())
    True
    """
    check_eac_method(eac_method)
    projects = portfolio.projects
    in_flight = projects.index[projects["status"] == "in_flight"]
    period = status_period(portfolio, as_of)
    columns = ["name", "sunk_cost", "bac", "eac", "etc", "etc_basis", "remaining_planned_cost"]
    columns += ["strategic_value", "remaining_value_share", "remaining_value", "value_per_etc"]
    if period is None:
        period = portfolio.horizon[0] - 1  # nothing reported: everything lies ahead
        ev = earned_value(portfolio).reindex(in_flight)
    else:
        ev = earned_value(portfolio, as_of=period, eac_method=eac_method).reindex(in_flight)
    bac = portfolio.total_cost().reindex(in_flight)
    ac = ev["ac"].fillna(0.0)
    earned = ev["ev"].fillna(0.0)
    etc = ev["etc"]
    basis = pd.Series(np.where(etc.isna(), "budget_rate", eac_method), index=in_flight)
    etc = etc.fillna(bac - earned)

    freq = portfolio.freq
    start = pd.Series(period_ordinals(projects.loc[in_flight, "start"], freq), index=in_flight)
    cash = portfolio.cashflows
    cash = cash[cash["project_id"].isin(in_flight)]
    when = start.reindex(cash["project_id"]).to_numpy() + cash["offset"].to_numpy()
    ahead = cash.assign(after=when > period.ordinal)
    future = ahead[ahead["after"]].groupby("project_id")[["cost", "benefit"]].sum()
    future = future.reindex(in_flight, fill_value=0.0)
    total_benefit = cash.groupby("project_id")["benefit"].sum().reindex(in_flight, fill_value=0.0)
    share = (future["benefit"] / total_benefit.where(total_benefit > 0)).fillna(1.0)
    value = projects.loc[in_flight, "strategic_value"].astype(float)
    remaining = value * share
    out = pd.DataFrame(
        {
            "name": projects.loc[in_flight, "name"],
            "sunk_cost": ac,
            "bac": bac,
            "eac": ac + etc,
            "etc": etc,
            "etc_basis": basis,
            "remaining_planned_cost": future["cost"],
            "strategic_value": value,
            "remaining_value_share": share,
            "remaining_value": remaining,
            "value_per_etc": remaining / etc.where(etc != 0),
        },
        index=in_flight,
    )
    return out[columns]
