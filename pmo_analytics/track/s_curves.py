"""S-curves of earned value, tidy, for :func:`pmo_analytics.charts.earned_value_chart`.

For each project with actuals: its cumulative planned value over the whole baseline, its
earned value and actual cost up to the status period, and the forecast of the final cost (EAC)
as a straight line from the actual cost now to EAC at the forecast finish. The figures are
those of :func:`pmo_analytics.earned_value`; this module only lays them out as curves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from ..portfolio import Portfolio
from .earned_value import (
    at_status,
    check_eac_method,
    compute_history,
    from_ordinals,
    project_units,
    status_period,
    steps,
)

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
    check_eac_method(eac_method)
    columns = ["project_id", "name", "period", "series", "amount"]
    period = status_period(portfolio, as_of)
    if period is None:
        return pd.DataFrame(columns=columns)
    units = project_units(portfolio, period)
    history, base = compute_history(units, eac_method=eac_method)
    if projects is not None:
        unknown = sorted(set(projects) - set(units.index))
        if unknown:
            raise OptionsError(
                f"no actuals up to {period} for {', '.join(unknown)}; projects with actuals: "
                f"{', '.join(units.index[:20])}{' ...' if len(units.index) > 20 else ''}"
            )
        history = history[history["project_id"].isin(projects)]
    status = at_status(history, "project_id")
    codes = (
        pd.Series(np.arange(len(units.index)), index=units.index).reindex(status.index).to_numpy()
    )
    length = np.maximum(base.duration[codes], status["at"].to_numpy())
    owner, t = np.repeat(codes, length), steps(length)
    pv = pd.DataFrame(
        {
            "project_id": units.index.to_numpy()[owner],
            "period": from_ordinals(units.origin[owner] + t - 1, units.freq),
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
