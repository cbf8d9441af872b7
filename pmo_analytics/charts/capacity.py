"""Charts of capacity: where demand outruns the people, and what more people would be worth.

- :func:`capacity_shortfall_heatmap` draws a :func:`pmo_analytics.capacity_demand` frame:
  role × period coloured by utilisation on a scale that runs past 100 %, with the FTE short
  written in every cell that lacks people. For a plan, where nothing may be short,
  :func:`pmo_analytics.charts.capacity_heatmap` of ``plan.utilisation`` is the closer view.
- :func:`value_of_hiring_chart` draws :func:`pmo_analytics.value_of_capacity` frames: value
  gained against FTE added, one line per role, with the proven range of the gain as a band.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from ._parts import period_labels, require_columns
from .theme import DARK_FROM, HEIGHT, OVER_SCHEME, WIDTH, sequential_scale

_FRAME_COLUMNS = ("role", "period", "demand", "capacity", "utilisation", "shortfall")
_VALUE_COLUMNS = ("role", "period", "fte_added", "status", "value_gained", "gain_low", "gain_high")
#: Outline of the cells that lack people.
SHORT_OUTLINE = "#000000"


# --------------------------------------------------------------------------- heatmap
def capacity_shortfall_heatmap(frame: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Role × period heatmap of demand against capacity, the shortfalls written in the cells.

    Parameters
    ----------
    frame : DataFrame
        :func:`pmo_analytics.capacity_demand` output: role, period, demand [FTE], capacity
        [FTE], utilisation, shortfall [FTE] (``n_projects`` goes into the tooltip).
    title : str, optional
        Chart title (default: "Demand against capacity by role").

    Returns
    -------
    alt.LayerChart
        One cell per role and period. Cells within capacity are coloured by utilisation on the
        theme's sequential scale (0–100 %, busier = darker) and show it ("85%"); cells short of
        people are coloured by how far demand passes capacity on the theme's over-limit scale
        (further over = darker), carry a black outline and the FTE short ("−4.5"), so the
        chart reads without colour too. Two legends say which is which, as in
        :func:`~pmo_analytics.charts.capacity_heatmap`. Roles are ordered by total shortfall,
        worst on top.

    Raises
    ------
    ValueError
        When a needed column is missing or the frame is empty.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3)
    >>> chart = capacity_shortfall_heatmap(pa.capacity_demand(p))
    >>> [layer["mark"]["type"] for layer in chart.to_dict()["layer"]]
    ['rect', 'rect', 'text']
    """
    require_columns(frame, _FRAME_COLUMNS, "the capacity frame")
    if frame.empty:
        raise OptionsError("the capacity frame is empty; pass capacity_demand(portfolio, ...)")
    data, order, top = _shortfall_cells(frame)
    totals = data.groupby("role")["shortfall"].sum()
    role_order = sorted(totals.index, key=lambda r: (-totals[r], r))
    x = alt.X("period:O", title="Period", sort=order, axis=alt.Axis(labelAngle=0))
    y = alt.Y("role:N", title=None, sort=role_order)
    tooltip = [
        alt.Tooltip("role:N", title="Role"),
        alt.Tooltip("period:O", title="Period"),
        alt.Tooltip("demand:Q", title="Demand [FTE]", format=",.2f"),
        alt.Tooltip("capacity:Q", title="Capacity [FTE]", format=",.2f"),
        alt.Tooltip("utilisation:Q", title="Utilisation", format=".0%"),
        alt.Tooltip("shortfall:Q", title="Short [FTE]", format=",.2f"),
        alt.Tooltip("n_projects:Q", title="Projects drawing on it"),
    ]
    base = alt.Chart(data).encode(x=x, y=y, tooltip=tooltip)
    within = base.transform_filter("!datum.short").mark_rect(stroke="#ffffff", strokeWidth=0.5)
    within = within.encode(
        color=alt.Color(
            "shown:Q",
            title="Utilisation",
            scale=sequential_scale([0, 1]),
            legend=alt.Legend(format=".0%", orient="right", gradientLength=90),
        )
    )
    short = base.transform_filter("datum.short").mark_rect(stroke=SHORT_OUTLINE, strokeWidth=2)
    short = short.encode(
        color=alt.Color(
            "shown:Q",
            title="Short of people",
            scale=alt.Scale(scheme=OVER_SCHEME, domain=[1, top]),
            legend=alt.Legend(format=".0%", orient="right", gradientLength=90),
        )
    )
    text = base.mark_text(fontSize=10).encode(
        text="text:N",
        color=alt.condition("datum.dark_text", alt.value("#000000"), alt.value("#ffffff")),
    )
    n_short = int(data["short"].sum())
    subtitle = (
        f"Colour: demand / capacity, darker = busier; {n_short} cell(s) short of people, "
        "outlined, with the FTE missing (−); others show their utilisation"
        if n_short
        else "Colour and text: demand / capacity, darker = busier; no role is short of people"
    )
    heading = alt.Title(title or "Demand against capacity by role", subtitle=subtitle)
    return (
        alt.layer(within, short, text)
        .resolve_scale(color="independent")
        .properties(title=heading, width=WIDTH, height=alt.Step(26))
    )


def _shortfall_cells(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str], float]:
    """The cells of the shortfall heatmap, the period order and the top of the over scale."""
    labels, order = period_labels(frame["period"])
    share = frame["utilisation"].astype(float).to_numpy()
    shortfall = frame["shortfall"].astype(float).to_numpy()
    finite = np.isfinite(share)
    top = max(1.5, float(np.nanmax(np.where(finite, share, np.nan))) if finite.any() else 1.5)
    # demand without any capacity has no finite utilisation: draw it at the top of the scale
    shown = np.where(finite, share, np.where(frame["demand"].to_numpy() > 0, top, np.nan))
    short = shortfall > 0
    data = pd.DataFrame(
        {
            "role": frame["role"].astype(str).to_numpy(),
            "period": labels,
            "demand": frame["demand"].astype(float).to_numpy(),
            "capacity": frame["capacity"].astype(float).to_numpy(),
            "utilisation": np.where(finite, share, np.nan),
            "shown": np.where(short, shown, np.minimum(shown, 1.0)),
            "shortfall": shortfall,
            "short": short,
            "n_projects": (
                frame["n_projects"].to_numpy() if "n_projects" in frame else np.zeros(len(frame))
            ),
        }
    )
    data["text"] = [
        f"−{s:.1f}" if is_short else (f"{u:.0%}" if np.isfinite(u) else "")
        for s, u, is_short in zip(shortfall, data["utilisation"], short, strict=True)
    ]
    # white text on the dark end of either scale, dark text on the light end
    depth = np.where(short, (data["shown"] - 1.0) / (top - 1.0), data["shown"])
    data["dark_text"] = np.nan_to_num(depth, nan=0.0) < DARK_FROM
    return data, order, top


# --------------------------------------------------------------------------- value of hiring
def value_of_hiring_chart(
    frame: pd.DataFrame, *, title: str | None = None, show_shadow_price: bool = False
) -> alt.LayerChart:
    """Value gained against FTE added, one line per role (and period), with its proven range.

    Parameters
    ----------
    frame : DataFrame
        :func:`pmo_analytics.value_of_capacity` output, or several concatenated
        (``pd.concat``) for several roles or periods: role, period, fte_added [FTE], status,
        value_gained, gain_low, gain_high (gained_per_fte, marginal_gain, entered and
        shadow_price go into the tooltip when present).
    title : str, optional
        Chart title (default: "What extra capacity is worth").
    show_shadow_price : bool
        Also draw, dashed, what the baseline plan's shadow price would predict (price × FTE):
        a marginal value, usually far above what whole FTE buy.

    Returns
    -------
    alt.LayerChart
        A band from ``gain_low`` to ``gain_high`` (where the true gain provably lies), the
        re-optimised gain as a line with points — filled where both plans are proven optimal,
        hollow where a time limit stopped the search — one colour per role (and period).

    Raises
    ------
    ValueError
        When a needed column is missing or the frame is empty.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3)
    >>> chart = value_of_hiring_chart(pa.value_of_capacity(p, "Role01", steps=(1, 2)))
    >>> [layer["mark"]["type"] for layer in chart.to_dict()["layer"]]
    ['area', 'line', 'point']
    """
    require_columns(frame, _VALUE_COLUMNS, "the value-of-capacity frame")
    if frame.empty:
        raise OptionsError("the value-of-capacity frame is empty; pass value_of_capacity(...)")
    data = _value_rows(frame)
    order = list(dict.fromkeys(data["series"]))
    colour = alt.Color("series:N", title="Extra FTE of", sort=order)
    x = alt.X("fte_added:Q", title="FTE added", axis=alt.Axis(tickMinStep=1))
    tooltip = _VALUE_TOOLTIP
    band = (
        alt.Chart(data)
        .mark_area(opacity=0.15)
        .encode(
            x=x,
            y=alt.Y("gain_low:Q", title="Strategic value gained", scale=alt.Scale(zero=True)),
            y2="gain_high:Q",
            color=alt.Color("series:N", sort=order, legend=None),
        )
    )
    line = (
        alt.Chart(data)
        .mark_line(strokeWidth=2)
        .encode(x=x, y=alt.Y("value_gained:Q", title="Strategic value gained"), color=colour)
    )
    points = (
        alt.Chart(data)
        .mark_point(size=70, strokeWidth=2)
        .encode(
            x=x,
            y="value_gained:Q",
            color=colour,
            fill=alt.condition(
                "datum.proven",
                alt.Fill("series:N", sort=order, legend=None),
                alt.value("#ffffff"),
            ),
            tooltip=tooltip,
        )
    )
    layers: list[alt.Chart] = [band, line, points]
    subtitle = (
        "Re-optimised gain per step; band: where the true gain provably lies; "
        "hollow points: a time limit stopped the search"
    )
    if show_shadow_price and data["predicted"].notna().any():
        layers.append(
            alt.Chart(data[data["predicted"].notna()])
            .mark_line(strokeDash=[5, 4], strokeWidth=1.5)
            .encode(
                x=x,
                y="predicted:Q",
                color=alt.Color("series:N", sort=order, legend=None),
                tooltip=[
                    alt.Tooltip("series:N", title="Role"),
                    alt.Tooltip("shadow_price:Q", title="Shadow price per FTE", format=",.2f"),
                    alt.Tooltip("predicted:Q", title="Price × FTE", format=",.2f"),
                ],
            )
        )
        subtitle += "; dashed: shadow price × FTE"
    heading = alt.Title(title or "What extra capacity is worth", subtitle=subtitle)
    return alt.layer(*layers).properties(title=heading, width=WIDTH, height=HEIGHT)


#: Tooltip of the value-of-hiring points.
_VALUE_TOOLTIP = [
    alt.Tooltip("series:N", title="Role"),
    alt.Tooltip("fte_added:Q", title="FTE added", format=",.2f"),
    alt.Tooltip("value_gained:Q", title="Strategic value gained", format=",.2f"),
    alt.Tooltip("gained_per_fte:Q", title="Per FTE", format=",.2f"),
    alt.Tooltip("marginal_gain:Q", title="Marginal gain", format=",.2f"),
    alt.Tooltip("gain_low:Q", title="Gain at least", format=",.2f"),
    alt.Tooltip("gain_high:Q", title="Gain at most", format=",.2f"),
    alt.Tooltip("status:N", title="Status"),
    alt.Tooltip("entered:N", title="Projects that enter"),
]


def _value_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the value-of-hiring chart: one per role (and period) and step."""
    period = frame["period"].astype(str)
    series = np.where(period == "all", frame["role"].astype(str), frame["role"] + " in " + period)
    data = pd.DataFrame(
        {
            "series": series,
            "fte_added": frame["fte_added"].astype(float).to_numpy(),
            "value_gained": frame["value_gained"].astype(float).to_numpy(),
            "gain_low": frame["gain_low"].astype(float).to_numpy(),
            "gain_high": frame["gain_high"].astype(float).to_numpy(),
            "status": frame["status"].astype(str).to_numpy(),
            "proven": (frame["status"] == "optimal").to_numpy(),
        }
    )
    for column in ("gained_per_fte", "marginal_gain", "shadow_price"):
        data[column] = (
            frame[column].astype(float).to_numpy()
            if column in frame
            else np.full(len(data), np.nan)
        )
    data["entered"] = frame["entered"].astype(str).to_numpy() if "entered" in frame else ""
    data["predicted"] = data["shadow_price"] * data["fte_added"]
    return data
