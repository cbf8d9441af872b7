"""Charts of a plan's resources: spend against the budget, and the capacity heatmap.

They take the frames of a :class:`pmo_analytics.Plan` (``plan.spend``, ``plan.utilisation``) —
or any frame with the same columns, such as :func:`pmo_analytics.utilisation` of projects at
their earliest starts — and return altair charts in the project theme, periods labelled like
``2027Q1``; they never save or show themselves (see :func:`save_chart`). The plan's roadmap is
in :mod:`pmo_analytics.charts.roadmap`.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from ._parts import (
    MONEY_FORMAT,
    group_labels,
    money_title,
    period_labels,
    require_columns,
    stacked_cost_bars,
)
from .theme import DARK_FROM, HEIGHT, INK_COLOUR, LIMIT_COLOUR, WIDTH, sequential_scale

_UTILISATION_COLUMNS = ("resource", "period", "used", "available", "utilisation")
_SPEND_COLUMNS = ("period", "category", "cost")
#: Fill of over-allocated heatmap cells: vermilion, outside the blue range of the others.
OVER_COLOUR = LIMIT_COLOUR
#: Utilisation above 1 + this tolerance counts as over-allocated (rounding of FTE sums).
OVER_TOLERANCE = 1e-6


def _fte(amount: float) -> str:
    """FTE with at most two decimals, trailing zeros dropped: 20.5, 9.63, 35."""
    return f"{amount:.2f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------- spend vs budget
def spend_vs_budget_chart(
    spend: pd.DataFrame,
    utilisation: pd.DataFrame,
    *,
    title: str | None = None,
    currency: str | None = None,
) -> alt.LayerChart:
    """Spend per period stacked by category, against the budget of each period.

    Parameters
    ----------
    spend : DataFrame
        ``plan.spend``: period, category, cost [currency].
    utilisation : DataFrame
        ``plan.utilisation`` (resource, period, used, available, utilisation); its
        ``resource == "budget"`` rows give the budget per period [currency]. Without budget
        rows (a portfolio without budget.csv) the spend is drawn alone.
    title : str, optional
        Chart title (default: "Spend per period vs budget").
    currency : str, optional
        Currency code for the money axis (default: the one given to
        :func:`~pmo_analytics.charts.setup`, if any).

    Returns
    -------
    alt.LayerChart
        Bars of cost per period stacked by category (Run / Grow / Transform in their fixed
        colours, stacked in the legend's order), the budget of each period as a wide tick in
        the limit colour, and the share of the budget used written above it.

    Raises
    ------
    ValueError
        When a needed column is missing.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> plan = pa.optimise(pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3))
    >>> chart = spend_vs_budget_chart(plan.spend, plan.utilisation)
    >>> [layer["mark"]["type"] for layer in chart.to_dict()["layer"]]
    ['bar', 'tick', 'text']
    """
    require_columns(spend, _SPEND_COLUMNS, "the spend frame")
    require_columns(utilisation, _UTILISATION_COLUMNS, "the utilisation frame")
    labels, spend_order = period_labels(spend["period"])
    stacked = pd.DataFrame(
        {
            "period": labels,
            "category": group_labels(spend["category"].replace("", np.nan)),
            "cost": spend["cost"].astype(float).to_numpy(),
        }
    )
    rows = utilisation[utilisation["resource"] == "budget"]
    budget_labels, budget_order = period_labels(rows["period"])
    budget = pd.DataFrame(
        {
            "period": budget_labels,
            "budget": rows["available"].astype(float).to_numpy(),
            "spent": rows["used"].astype(float).to_numpy(),
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        share = budget["spent"] / budget["budget"].where(budget["budget"] > 0)
    budget["share"] = share
    budget["share_text"] = [f"{s:.0%}" if np.isfinite(s) else "" for s in share]
    order = [str(p) for p in sorted({pd.Period(p) for p in [*spend_order, *budget_order]})]
    x = alt.X("period:O", title="Period", sort=order, axis=alt.Axis(labelAngle=0))
    money = alt.Axis(format=MONEY_FORMAT)
    bars = stacked_cost_bars(stacked, x, opacity=0.9, currency=currency)
    if budget.empty:
        heading = alt.Title(
            title or "Spend per period", subtitle="Planned cost by category; no budget given"
        )
        return alt.layer(bars).properties(title=heading, width=WIDTH, height=HEIGHT)
    tooltip = [
        alt.Tooltip("period:O", title="Period"),
        alt.Tooltip("budget:Q", title=money_title("Budget", currency), format=",.0f"),
        alt.Tooltip("spent:Q", title=money_title("Planned cost", currency), format=",.0f"),
        alt.Tooltip("share:Q", title="Share of budget", format=".0%"),
    ]
    tick = (
        alt.Chart(budget)
        .mark_tick(color=LIMIT_COLOUR, thickness=3, size=max(8, int(0.9 * WIDTH / len(order))))
        .encode(
            x=x,
            y=alt.Y("budget:Q", title=money_title("Cost per period", currency), axis=money),
            tooltip=tooltip,
        )
    )
    text = (
        alt.Chart(budget)
        .mark_text(dy=-9, color=LIMIT_COLOUR, fontSize=11)
        .encode(x=x, y="budget:Q", text="share_text:N", tooltip=tooltip)
    )
    heading = alt.Title(
        title or "Spend per period vs budget",
        subtitle="Bars: planned cost by category · tick: budget, with the share used",
    )
    return alt.layer(bars, tick, text).properties(title=heading, width=WIDTH, height=HEIGHT)


# --------------------------------------------------------------------------- capacity heatmap
def capacity_heatmap(
    utilisation: pd.DataFrame,
    *,
    title: str | None = None,
    tolerance: float = OVER_TOLERANCE,
) -> alt.LayerChart:
    """Role × period heatmap of utilisation, over-allocated cells flagged.

    Parameters
    ----------
    utilisation : DataFrame
        ``plan.utilisation`` or :func:`pmo_analytics.utilisation` (resource, period, used,
        available, utilisation); the role rows are drawn (``budget`` rows are left out).
    title : str, optional
        Chart title (default: "Capacity utilisation by role").
    tolerance : float
        Utilisation above ``1 + tolerance`` counts as over-allocated.

    Returns
    -------
    alt.LayerChart
        One cell per role and period coloured by utilisation on the sequential scale of the
        theme (0–100 %, busier = darker); over-allocated cells (demand above capacity, including demand where
        there is no capacity) are filled in vermilion with a thick black outline and a "!"
        before their text, so they read without colour too. Every cell shows
        ``used/available`` FTE; the tooltip adds the utilisation and the gap.

    Raises
    ------
    ValueError
        When a needed column is missing or there are no role rows.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3)
    >>> chart = capacity_heatmap(pa.utilisation(p, pa.earliest_starts(p)))
    >>> [layer["mark"]["type"] for layer in chart.to_dict()["layer"]]
    ['rect', 'text']
    """
    require_columns(utilisation, _UTILISATION_COLUMNS, "the utilisation frame")
    roles = utilisation[utilisation["resource"] != "budget"]
    if roles.empty:
        raise OptionsError("the utilisation frame has no role rows (resource other than 'budget')")
    data, order = _heatmap_cells(roles, tolerance)
    role_order = sorted(data["role"].unique())
    x = alt.X("period:O", title="Period", sort=order, axis=alt.Axis(labelAngle=0))
    y = alt.Y("role:N", title=None, sort=role_order)
    tooltip = _HEATMAP_TOOLTIP
    cells = (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=x,
            y=y,
            color=alt.condition(
                "datum.over",
                alt.value(OVER_COLOUR),
                alt.Color(
                    "shown:Q",
                    title="Utilisation",
                    scale=sequential_scale([0, 1]),
                    legend=alt.Legend(format=".0%"),
                ),
            ),
            stroke=alt.condition("datum.over", alt.value(INK_COLOUR), alt.value("#ffffff")),
            strokeWidth=alt.condition("datum.over", alt.value(3), alt.value(0.5)),
            tooltip=tooltip,
        )
    )
    text = (
        alt.Chart(data)
        .mark_text(fontSize=10)
        .encode(
            x=x,
            y=y,
            text="text:N",
            color=alt.condition("datum.dark_text", alt.value(INK_COLOUR), alt.value("#ffffff")),
            tooltip=tooltip,
        )
    )
    n_over = int(data["over"].sum())
    subtitle = (
        f"Demand/capacity [FTE] per cell, darker = busier; {n_over} over-allocated cell(s) "
        "outlined and marked !"
        if n_over
        else "Demand/capacity [FTE] per cell, darker = busier; no role is over-allocated"
    )
    heading = alt.Title(title or "Capacity utilisation by role", subtitle=subtitle)
    return alt.layer(cells, text).properties(title=heading, width=WIDTH, height=alt.Step(26))


#: Tooltip of the capacity heatmap's cells.
_HEATMAP_TOOLTIP = [
    alt.Tooltip("role:N", title="Role"),
    alt.Tooltip("period:O", title="Period"),
    alt.Tooltip("used:Q", title="Demand [FTE]", format=",.2f"),
    alt.Tooltip("available:Q", title="Capacity [FTE]", format=",.2f"),
    alt.Tooltip("utilisation:Q", title="Utilisation", format=".0%"),
    alt.Tooltip("gap:Q", title="Spare (−: short) [FTE]", format=",.2f"),
    alt.Tooltip("over:N", title="Over-allocated"),
]


def _heatmap_cells(roles: pd.DataFrame, tolerance: float) -> tuple[pd.DataFrame, list[str]]:
    """The cells of the capacity heatmap (one per role and period) and the period order."""
    labels, order = period_labels(roles["period"])
    used = roles["used"].astype(float).to_numpy()
    available = roles["available"].astype(float).to_numpy()
    share = roles["utilisation"].astype(float).to_numpy()
    over = (used > available * (1.0 + tolerance) + 1e-9) | (np.isinf(share) & (used > 0))
    data = pd.DataFrame(
        {
            "role": roles["resource"].astype(str).to_numpy(),
            "period": labels,
            "used": used,
            "available": available,
            "utilisation": np.where(np.isfinite(share), share, np.nan),
            "gap": available - used,
            "over": over,
        }
    )
    data["shown"] = data["utilisation"].clip(upper=1.0)
    data["text"] = [
        ("! " if o else "") + f"{_fte(u)}/{_fte(a)}"
        for u, a, o in zip(used, available, over, strict=True)
    ]
    # white text on the dark (busy) end of the blues, dark text on the light end and vermilion
    data["dark_text"] = over | (data["shown"].fillna(0.0).to_numpy() < DARK_FROM)
    return data, order
