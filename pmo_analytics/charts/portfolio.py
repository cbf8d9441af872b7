"""Portfolio charts: the value-vs-cost bubble chart and cost per period against the budget.

Both take the library's tidy frames (:func:`pmo_analytics.project_overview`,
:func:`pmo_analytics.utilisation`, :func:`pmo_analytics.spend_by_group`) and return an altair
chart in the project theme; they never save or show themselves (see :func:`save_chart`).
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from ._parts import (
    MONEY_FORMAT,
    group_labels,
    human_label,
    money_title,
    nice_ceiling,
    place_labels,
    project_labels,
    require_columns,
    stacked_cost_bars,
)
from .theme import HEIGHT, LIMIT_COLOUR, NOTE_COLOUR, PALETTE, WIDTH, category_scale

_BUBBLE_COLUMNS = ("name", "category", "business_unit", "status", "strategic_value", "cost", "fte")
_UTILISATION_COLUMNS = ("resource", "period", "used", "available")


def portfolio_bubble_chart(
    overview: pd.DataFrame,
    *,
    labels: int | Sequence[str] = 10,
    title: str | None = None,
    currency: str | None = None,
) -> alt.LayerChart:
    """Strategic value against total cost, one bubble per project sized by its demand.

    Parameters
    ----------
    overview : DataFrame
        As returned by :func:`pmo_analytics.project_overview`: indexed by project_id with
        name, category, business_unit, status, strategic_value, cost [currency] and fte
        [FTE × periods]. Filter it first to chart a subset (e.g. the candidates).
    labels : int or sequence of str
        Projects labelled "P012 · Name" beside their bubble, so that a printed chart names
        them: a number n labels the n/2 most valuable and the n/2 most expensive (default 10;
        0 for none); a sequence names the project ids to label.
    title : str, optional
        Chart title (default: "Strategic value vs cost").
    currency : str, optional
        Currency code for the cost axis (default: the one given to
        :func:`~pmo_analytics.charts.setup`, if any).

    Returns
    -------
    alt.LayerChart
        x = cost, y = strategic value (both from zero), size = fte, colour = category (Run /
        Grow / Transform in their fixed colours), the labelled projects named; the project's
        name, id, business unit, status, value, cost and fte in the tooltip.

    Raises
    ------
    ValueError
        When a needed column is missing.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> from pmo_analytics.portfolio.overview import project_overview
    >>> chart = portfolio_bubble_chart(project_overview(generate_portfolio(6, seed=1)))
    >>> chart.to_dict()["layer"][0]["encoding"]["x"]["field"]
    'cost'
    """
    require_columns(overview, _BUBBLE_COLUMNS, "the overview frame")
    data = overview[list(_BUBBLE_COLUMNS)].copy()
    data.insert(0, "project_id", overview.index.astype(str))
    data = data.reset_index(drop=True)
    data["category"] = group_labels(data["category"])
    data["status"] = [human_label(s) for s in group_labels(data["status"])]
    for column in ("strategic_value", "cost", "fte"):
        data[column] = data[column].astype(float)
    data["label"] = project_labels(data["project_id"], overview["name"])
    chosen, note = _labelled(data, labels)
    categories = sorted(data["category"].unique())
    x_end = nice_ceiling(float(data["cost"].max()))
    y_end = nice_ceiling(float(data["strategic_value"].max()))
    x_scale = alt.Scale(domain=[0, x_end], nice=False)
    y_scale = alt.Scale(domain=[0, y_end], nice=False, zero=True)
    x = alt.X(
        "cost:Q",
        title=money_title("Total cost", currency),
        axis=alt.Axis(format=MONEY_FORMAT),
        scale=x_scale,
    )
    y = alt.Y("strategic_value:Q", title="Strategic value", scale=y_scale)
    size = alt.Scale(domain=[0, max(float(data["fte"].max()), 1e-9)], range=list(_BUBBLE_AREA))
    bubbles = (
        alt.Chart(data)
        .mark_circle(opacity=0.7, stroke="white", strokeWidth=0.5)
        .encode(
            x=x,
            y=y,
            size=alt.Size("fte:Q", title="Demand [FTE × periods]", scale=size),
            color=alt.Color("category:N", title="Category", scale=category_scale(categories)),
            tooltip=_bubble_tooltip(currency),
        )
    )
    chosen = [p for p in chosen if p in set(data["project_id"])]
    spots = _label_spots(data.set_index("project_id").loc[chosen], x_end, y_end)
    leaders, *names = _label_layers(spots, x_scale, y_scale)
    subtitle = "Size: demand for people; " + note if note else "Size: demand for people"
    return alt.layer(bubbles, leaders, *names).properties(
        title=alt.Title(title or "Strategic value vs cost", subtitle=subtitle),
        width=WIDTH,
        height=HEIGHT,
    )


#: Area of the smallest and largest bubble [square pixels].
_BUBBLE_AREA = (30, 900)
#: Longest project name written beside a bubble [characters].
_NAME_CHARACTERS = 30


def _label_spots(chosen: pd.DataFrame, x_end: float, y_end: float) -> pd.DataFrame:
    """Where each chosen project's label goes (data coordinates), none overlapping another:
    beside its bubble, or above or below it with a leader line."""
    px = chosen["cost"].to_numpy(float) / x_end * WIDTH
    py = HEIGHT - chosen["strategic_value"].to_numpy(float) / y_end * HEIGHT
    low, high = _BUBBLE_AREA
    top = max(float(chosen["fte"].max()) if len(chosen) else 0.0, 1e-9)
    area = low + (high - low) * chosen["fte"].to_numpy(float) / top
    texts = [
        t if len(t) <= _NAME_CHARACTERS else t[: _NAME_CHARACTERS - 1] + "…"
        for t in chosen["label"]
    ]
    spots = place_labels(px, py, texts, np.sqrt(area / np.pi), width=WIDTH, height=HEIGHT)
    rows = chosen.iloc[spots.index.to_numpy()]
    return pd.DataFrame(
        {
            "project_id": rows.index.astype(str),
            "cost": rows["cost"].to_numpy(float),
            "strategic_value": rows["strategic_value"].to_numpy(float),
            "label": [texts[k] for k in spots.index],
            "label_x": spots["x"].to_numpy(float) / WIDTH * x_end,
            "label_y": (HEIGHT - spots["y"].to_numpy(float)) / HEIGHT * y_end,
            "align": spots["align"].to_numpy(),
            "moved": spots["moved"].to_numpy(bool),
        }
    )


def _labelled(data: pd.DataFrame, labels: int | Sequence[str]) -> tuple[list[str], str]:
    """The project ids to label and what the subtitle says about them."""
    if isinstance(labels, str) or not isinstance(labels, int):
        chosen = [str(p) for p in labels]
        return chosen, "labelled: the projects asked for" if chosen else ""
    n = max(int(labels), 0)
    if n == 0:
        return [], ""
    by_value = data.sort_values(["strategic_value", "project_id"], ascending=[False, True])
    by_cost = data.sort_values(["cost", "project_id"], ascending=[False, True])
    chosen = list(
        dict.fromkeys([*by_value["project_id"][: (n + 1) // 2], *by_cost["project_id"][: n // 2]])
    )
    return chosen, (
        f"labelled: the {(n + 1) // 2} most valuable and the {n // 2} most expensive projects"
    )


def cost_vs_budget_chart(
    utilisation: pd.DataFrame,
    spend: pd.DataFrame | None = None,
    *,
    by: str = "category",
    title: str | None = None,
    currency: str | None = None,
) -> alt.LayerChart:
    """Cost per period (bars) against the budget (line).

    Parameters
    ----------
    utilisation : DataFrame
        The tidy frame of :func:`pmo_analytics.utilisation` (resource, period, used,
        available, …); its ``resource == "budget"`` rows give the cost and the budget
        [currency] per period.
    spend : DataFrame, optional
        Cost per period split by a group, as returned by
        :func:`pmo_analytics.spend_by_group` (columns period, ``by``, cost); when given, the
        bars are stacked by that group.
    by : str
        The group column of ``spend`` (default category, drawn in the category colours).
    title : str, optional
        Chart title (default: "Cost per period vs budget").
    currency : str, optional
        Currency code for the money axis (default: the one given to
        :func:`~pmo_analytics.charts.setup`, if any).

    Returns
    -------
    alt.LayerChart
        Bars of cost per period (stacked in the legend's order) and the budget as a line with
        points; tooltips give the figures and the share of the budget used.

    Raises
    ------
    ValueError
        When the utilisation frame has no budget rows (the portfolio has no budget) or a
        needed column is missing.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> from pmo_analytics.portfolio.utilisation import earliest_starts, utilisation
    >>> p = generate_portfolio(6, n_periods=4, n_roles=2, seed=2)
    >>> chart = cost_vs_budget_chart(utilisation(p, earliest_starts(p)))
    >>> [layer["mark"]["type"] for layer in chart.to_dict()["layer"]]
    ['bar', 'line']
    """
    require_columns(utilisation, _UTILISATION_COLUMNS, "the utilisation frame")
    budget = utilisation[utilisation["resource"] == "budget"]
    if budget.empty:
        raise OptionsError(
            "the utilisation frame has no budget rows (resource == 'budget'): the portfolio "
            "gives no budget.csv; chart demand against capacity instead"
        )
    budget = _budget_rows(budget)
    order = budget["period"].tolist()
    x = alt.X("period:O", title="Period", sort=order, axis=alt.Axis(labelAngle=0))
    money = alt.Axis(format=MONEY_FORMAT)
    cost_title = money_title("Cost per period", currency)
    budget_tooltip = [
        alt.Tooltip("period:O", title="Period"),
        alt.Tooltip("cost:Q", title=money_title("Cost", currency), format=",.0f"),
        alt.Tooltip("budget:Q", title=money_title("Budget", currency), format=",.0f"),
        alt.Tooltip("share:Q", title="Share of budget", format=".0%"),
    ]

    if spend is None:
        bars = (
            alt.Chart(budget)
            .mark_bar(color=PALETTE[0], opacity=0.85)
            .encode(x=x, y=alt.Y("cost:Q", title=cost_title, axis=money), tooltip=budget_tooltip)
        )
    else:
        require_columns(spend, ("period", by, "cost"), "the spend frame")
        stacked = pd.DataFrame(
            {
                "period": spend["period"].astype(str).to_numpy(),
                by: group_labels(spend[by]),
                "cost": spend["cost"].astype(float).to_numpy(),
            }
        )
        bars = stacked_cost_bars(stacked, x, by=by, opacity=0.85, currency=currency)
    line = (
        alt.Chart(budget)
        .mark_line(
            color=LIMIT_COLOUR, strokeWidth=2.5, point=alt.OverlayMarkDef(color=LIMIT_COLOUR)
        )
        .encode(
            x=x,
            y=alt.Y("budget:Q", title=cost_title, axis=money),
            tooltip=budget_tooltip,
        )
    )
    heading = alt.Title(
        title or "Cost per period vs budget",
        subtitle="Bars: planned cost · line with points: budget",
    )
    return alt.layer(bars, line).properties(title=heading, width=WIDTH, height=HEIGHT)


def _bubble_tooltip(currency: str | None) -> list[alt.Tooltip]:
    """Tooltip of a bubble: the project, its unit and status, value, cost and demand."""
    return [
        alt.Tooltip("name:N", title="Project"),
        alt.Tooltip("project_id:N", title="Id"),
        alt.Tooltip("business_unit:N", title="Business unit"),
        alt.Tooltip("status:N", title="Status"),
        alt.Tooltip("strategic_value:Q", title="Strategic value", format=".2f"),
        alt.Tooltip("cost:Q", title=money_title("Cost", currency), format=",.0f"),
        alt.Tooltip("fte:Q", title="Demand [FTE × periods]", format=",.1f"),
    ]


def _label_layers(spots: pd.DataFrame, x_scale: alt.Scale, y_scale: alt.Scale) -> list[alt.Chart]:
    """Leader lines to the labels moved off their bubble, and the labels (left and right
    aligned)."""
    leaders = (
        alt.Chart(spots[spots["moved"]])
        .mark_rule(color=NOTE_COLOUR, strokeWidth=0.7)
        .encode(x=alt.X("cost:Q", scale=x_scale), y=alt.Y("strategic_value:Q", scale=y_scale),
                x2="label_x:Q", y2="label_y:Q")
    )  # fmt: skip
    names = [
        alt.Chart(spots[spots["align"] == align])
        .mark_text(align=align, baseline="middle", fontSize=10, color=NOTE_COLOUR)
        .encode(x=alt.X("label_x:Q", scale=x_scale), y=alt.Y("label_y:Q", scale=y_scale),
                text="label:N")
        for align in ("left", "right")
    ]  # fmt: skip
    return [leaders, *names]


def _budget_rows(budget: pd.DataFrame) -> pd.DataFrame:
    """Cost, budget and the share used per period, from the utilisation's budget rows."""
    rows = pd.DataFrame(
        {
            "period": budget["period"].astype(str).to_numpy(),
            "cost": budget["used"].astype(float).to_numpy(),
            "budget": budget["available"].astype(float).to_numpy(),
        }
    )
    rows["share"] = rows["cost"] / rows["budget"].where(rows["budget"] > 0)
    return rows
