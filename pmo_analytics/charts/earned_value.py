"""Earned-value charts: S-curves with the EAC projection, the CPI–SPI quadrant, index trends.

They take the tidy frames of :mod:`pmo_analytics.track.earned_value` and :mod:`pmo_analytics.track.health`
and return altair charts in the project theme; they never save or show themselves.

RAG colours and shapes come from :mod:`.theme` (:data:`~.theme.RAG_COLOURS`, Okabe–Ito, colour-blind
safe; :data:`~.theme.RAG_SHAPES`): every RAG mark also differs in shape, so the status reads
without colour too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from ..track import CURVE_SERIES, RagThresholds, rag_status
from ._parts import MONEY_FORMAT, human_label, money_title, project_labels, require_columns
from .theme import HEIGHT, NOTE_COLOUR, PALETTE, RAG_COLOURS, RAG_SHAPES, WIDTH

_SERIES_COLOURS = [PALETTE[0], PALETTE[2], PALETTE[5], PALETTE[5]]
_SERIES_DASH = [[1, 0], [1, 0], [1, 0], [6, 4]]
#: Each series in drawing order (first drawn lowest): planned value wide and light underneath,
#: earned value narrow on top, so that a project on plan shows both lines.
_SERIES_STYLE: list[tuple[str, int, dict]] = [
    (CURVE_SERIES[0], 60, {"strokeWidth": 6, "opacity": 0.45}),
    (CURVE_SERIES[2], 25, {"strokeWidth": 2}),
    (CURVE_SERIES[3], 25, {"strokeWidth": 2}),
    (CURVE_SERIES[1], 25, {"strokeWidth": 2.5}),
]
_INDEX_TITLES = {"cpi": "CPI", "spi": "SPI", "spi_t": "SPI(t)", "tcpi": "TCPI"}


def earned_value_chart(
    curves: pd.DataFrame,
    *,
    projects: Sequence[str] | None = None,
    columns: int = 2,
    title: str | None = None,
    currency: str | None = None,
) -> alt.LayerChart | alt.FacetChart:
    """Earned-value S-curves: cumulative PV, EV and AC, and the dashed EAC projection.

    Parameters
    ----------
    curves : DataFrame
        From :func:`pmo_analytics.earned_value_curves` (project_id, name, period, series,
        amount).
    projects : sequence of str, optional
        Project ids to draw (default: all in ``curves``). Several projects give one small
        chart each, with their own amount scale.
    columns : int
        Small charts per row when there are several projects.
    title : str, optional
    currency : str, optional
        Currency code for the amount axis (default: the one given to
        :func:`~pmo_analytics.charts.setup`, if any).

    Returns
    -------
    alt.LayerChart or alt.FacetChart
        x = period, y = cumulative amount [currency] from zero, colour and dash = series. The
        planned value is a wide, light line drawn first and earned value a narrow one drawn
        last, so a project exactly on plan shows both; one small chart per project
        ("P012 · Name") when there are several.

    Raises
    ------
    ValueError
        When a column is missing or a requested project has no curves.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(40, n_periods=8, seed=4, in_flight_share=0.3)
    >>> chart = earned_value_chart(pa.earned_value_curves(p))
    >>> [layer["mark"]["type"] for layer in chart.to_dict()["spec"]["layer"]]
    ['line', 'line', 'line', 'line']
    """
    require_columns(
        curves, ("project_id", "name", "period", "series", "amount"), "the curves frame"
    )
    data = curves
    if projects is not None:
        unknown = sorted(set(projects) - set(curves["project_id"]))
        if unknown:
            raise OptionsError(
                f"no curves for {', '.join(unknown)}; projects in the frame: "
                f"{', '.join(sorted(curves['project_id'].unique())[:20])}"
            )
        data = curves[curves["project_id"].isin(list(projects))]
    data = data.assign(
        period=data["period"].astype(str),
        amount=data["amount"].astype(float),
        project=project_labels(
            data["project_id"], data.drop_duplicates("project_id").set_index("project_id")["name"]
        ),
    )
    several = data["project_id"].nunique() > 1
    encoding = _curve_encoding(data, currency)
    layers = [
        alt.Chart()
        .transform_filter(alt.datum.series == name)
        .mark_line(point=alt.OverlayMarkDef(size=size, filled=True), **style)
        .encode(**encoding)
        for name, size, style in _SERIES_STYLE
    ]
    heading = title or "Earned value: plan, progress and cost"
    if not several:
        return alt.layer(*layers, data=data, title=heading, width=WIDTH, height=HEIGHT)
    panel = alt.layer(*layers, width=WIDTH // 2, height=HEIGHT // 2)
    return (
        panel.facet(facet=alt.Facet("project:N", title=None), columns=columns, data=data)
        .resolve_scale(x="independent", y="independent")
        .properties(title=heading)
    )


def _curve_encoding(data: pd.DataFrame, currency: str | None) -> dict:
    """The encoding shared by the S-curves' layers: period, cumulative amount, series."""
    series = alt.Scale(domain=list(CURVE_SERIES), range=_SERIES_COLOURS)
    return {
        "x": alt.X("period:O", title="Period", sort=sorted(data["period"].unique())),
        "y": alt.Y(
            "amount:Q",
            title=money_title("Cumulative amount", currency),
            axis=alt.Axis(format=MONEY_FORMAT),
            scale=alt.Scale(zero=True),
        ),
        "color": alt.Color(
            "series:N",
            title=None,
            scale=series,
            legend=alt.Legend(
                symbolType="stroke", symbolStrokeWidth=3, symbolOpacity=1, symbolSize=400
            ),
        ),
        "strokeDash": alt.StrokeDash(
            "series:N", title=None, scale=alt.Scale(domain=list(CURVE_SERIES), range=_SERIES_DASH)
        ),
        "tooltip": [
            alt.Tooltip("project:N", title="Project"),
            alt.Tooltip("period:O", title="Period"),
            alt.Tooltip("series:N", title="Series"),
            alt.Tooltip("amount:Q", title=money_title("Amount", currency), format=",.0f"),
        ],
    }


def cpi_spi_chart(
    ev_frame: pd.DataFrame,
    *,
    thresholds: RagThresholds | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Cost against schedule performance of the projects: the CPI–SPI(t) quadrant.

    Parameters
    ----------
    ev_frame : DataFrame
        From :func:`pmo_analytics.earned_value` (filter it first, e.g. to the in-flight
        projects). Projects whose indices cannot be computed are left out (said in the
        subtitle).
    thresholds : RagThresholds, optional
        RAG thresholds; their ``schedule_index`` (SPI(t) by default) is the x axis.
    title : str, optional

    Returns
    -------
    alt.LayerChart
        x = schedule index, y = CPI, one mark per project coloured and shaped by RAG status,
        sized by BAC and labelled "P012 · Name"; reference lines at 1 and the four quadrants
        labelled (the axes centre on 1, not zero: the quadrants are the reason).

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(60, n_periods=8, seed=4, in_flight_share=0.3)
    >>> chart = cpi_spi_chart(pa.earned_value(p))
    >>> len(chart.to_dict()["layer"])
    4
    """
    th = thresholds or RagThresholds()
    index = th.schedule_index
    require_columns(
        ev_frame,
        ("name", "cpi", index, "tcpi", "ev", "ac", "bac", "eac", "vac"),
        "the earned-value frame",
    )
    data = _quadrant_rows(ev_frame, th)
    shown = data.dropna(subset=["cpi", "schedule"])
    left_out = len(data) - len(shown)
    lo = float(min(0.7, *(shown[["cpi", "schedule"]].min() - 0.05))) if len(shown) else 0.7
    hi = float(max(1.3, *(shown[["cpi", "schedule"]].max() + 0.05))) if len(shown) else 1.3
    scale = alt.Scale(domain=[lo, hi], nice=False, zero=False)
    name = _INDEX_TITLES[index]
    subtitle = [f"{len(shown)} projects; size = budget at completion"]
    if left_out:
        subtitle.append(f"{left_out} left out: no cost or planned value yet")
    base = alt.Chart(shown)
    points = base.mark_point(filled=True, opacity=0.85, stroke="white", strokeWidth=0.5).encode(
        x=alt.X("schedule:Q", title=f"Schedule performance {name} (>1 ahead)", scale=scale),
        y=alt.Y("cpi:Q", title="Cost performance CPI (>1 under budget)", scale=scale),
        color=alt.Color(
            "rag:N",
            title="RAG",
            scale=alt.Scale(domain=list(RAG_COLOURS), range=list(RAG_COLOURS.values())),
        ),
        shape=alt.Shape(
            "rag:N",
            title="RAG",
            scale=alt.Scale(domain=list(RAG_SHAPES), range=list(RAG_SHAPES.values())),
        ),
        size=alt.Size("bac:Q", title="BAC", scale=alt.Scale(range=[40, 600]), legend=None),
        tooltip=[
            alt.Tooltip("project_id:N", title="Project"),
            alt.Tooltip("name:N", title="Name"),
            alt.Tooltip("rag:N", title="RAG"),
            alt.Tooltip("cpi:Q", title="CPI", format=".2f"),
            alt.Tooltip("schedule:Q", title=name, format=".2f"),
            alt.Tooltip("eac:Q", title="EAC", format=",.0f"),
            alt.Tooltip("vac:Q", title="VAC", format=",.0f"),
        ],
    )
    labels = base.mark_text(
        align="left", dx=7, dy=-7, fontSize=10, color=NOTE_COLOUR, limit=200
    ).encode(x=alt.X("schedule:Q", scale=scale), y=alt.Y("cpi:Q", scale=scale), text="label:N")
    lines, quadrants = _quadrant_guides(scale, lo, hi)
    return alt.layer(
        lines,
        quadrants,
        points,
        labels,
        title=alt.Title(title or "Cost and schedule performance", subtitle=subtitle),
        width=WIDTH,
        height=HEIGHT + 100,
    )


def _quadrant_rows(ev_frame: pd.DataFrame, th: RagThresholds) -> pd.DataFrame:
    """One row per project of the CPI–SPI quadrant: indices, BAC, EAC, VAC, RAG status."""
    rag = rag_status(ev_frame, thresholds=th)
    index = th.schedule_index
    return pd.DataFrame(
        {
            "project_id": ev_frame.index.astype(str),
            "name": ev_frame["name"].astype(str).to_numpy(),
            "label": project_labels(ev_frame.index.astype(str), ev_frame["name"]),
            "cpi": ev_frame["cpi"].astype(float).to_numpy(),
            "schedule": ev_frame[index].astype(float).to_numpy(),
            "bac": ev_frame["bac"].astype(float).to_numpy(),
            "eac": ev_frame["eac"].astype(float).to_numpy(),
            "vac": ev_frame["vac"].astype(float).to_numpy(),
            "rag": rag["rag"].to_numpy(),
        }
    )


def _quadrant_guides(
    scale: alt.Scale, lo: float, hi: float
) -> tuple[alt.LayerChart, alt.LayerChart]:
    """The dashed lines at 1 and the four quadrants' names in their corners."""
    rules = alt.Chart(pd.DataFrame({"x": [1.0], "y": [1.0]}))
    rule = rules.mark_rule(color="#777777", strokeDash=[4, 3])
    lines = rule.encode(x=alt.X("x:Q", scale=scale)) + rule.encode(y=alt.Y("y:Q", scale=scale))
    pad = (hi - lo) * 0.04
    corners = pd.DataFrame(
        {
            "x": [lo + pad, hi - pad, lo + pad, hi - pad],
            "y": [hi - pad, hi - pad, lo + pad, lo + pad],
            "text": [
                "Behind schedule, under budget",
                "Ahead of schedule, under budget",
                "Behind schedule, over budget",
                "Ahead of schedule, over budget",
            ],
            "align": ["left", "right", "left", "right"],
        }
    )
    left, right = [
        alt.Chart(corners[corners["align"] == align])
        .mark_text(align=align, baseline="middle", fontSize=11, color="#555555", fontStyle="italic")
        .encode(x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), text="text:N")
        for align in ("left", "right")
    ]
    return lines, left + right


def performance_trend_chart(
    history: pd.DataFrame,
    *,
    unit: str = "project_id",
    measures: Sequence[str] = ("cpi", "spi_t"),
    units: Sequence[str] | None = None,
    names: pd.Series | Mapping[str, str] | None = None,
    title: str | None = None,
) -> alt.FacetChart:
    """How the performance indices moved period by period: one line per project (or group).

    Parameters
    ----------
    history : DataFrame
        From :func:`pmo_analytics.earned_value_history` (unit ``project_id``) or
        :func:`pmo_analytics.portfolio_trend` (unit ``portfolio`` or the ``by`` column).
    unit : str
        The column naming each line.
    measures : sequence of str
        Index columns to draw, one small chart each (``cpi``, ``spi``, ``spi_t``, ``tcpi``).
    units : sequence of str, optional
        Only these lines.
    names : Series or mapping, optional
        With ``unit="project_id"``: project_id → name (``portfolio.projects["name"]``), so
        the lines read "P012 · Name" (else by id).
    title : str, optional

    Returns
    -------
    alt.FacetChart
        x = period, y = index value, colour = unit, one panel per measure, a dashed line at 1
        (on plan) in each: the reason the index axis centres on the data rather than zero.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(60, n_periods=8, seed=4, in_flight_share=0.3)
    >>> chart = performance_trend_chart(pa.portfolio_trend(p), unit="portfolio")
    >>> chart.to_dict()["facet"]["field"]
    'measure'
    """
    require_columns(history, (unit, "period", *measures), "the history frame")
    data = history if units is None else history[history[unit].isin(list(units))]
    long = data.melt(id_vars=[unit, "period"], value_vars=list(measures), var_name="measure")
    labels = long[unit].astype(str)
    if unit == "project_id":
        labels = pd.Series(project_labels(labels, names), index=long.index)
    long = long.assign(
        period=long["period"].astype(str),
        unit=labels,
        measure=long["measure"].map(lambda m: _INDEX_TITLES.get(m, m)),
        value=long["value"].astype(float),
    ).replace({"value": {np.inf: np.nan, -np.inf: np.nan}})
    name = "Project" if unit == "project_id" else human_label(unit)
    lines = (
        alt.Chart()
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title="Period", sort=sorted(long["period"].unique())),
            y=alt.Y("value:Q", title="Index (1 = on plan)", scale=alt.Scale(zero=False)),
            color=alt.Color("unit:N", title=name, legend=alt.Legend(labelLimit=320)),
            tooltip=[
                alt.Tooltip("unit:N", title=name),
                alt.Tooltip("period:O", title="Period"),
                alt.Tooltip("measure:N", title="Index"),
                alt.Tooltip("value:Q", title="Value", format=".2f"),
            ],
        )
    )
    on_plan = alt.Chart().mark_rule(color="#777777", strokeDash=[4, 3]).encode(y=alt.datum(1))
    return (
        alt.layer(on_plan, lines, width=WIDTH // 2, height=HEIGHT // 2)
        .facet(facet=alt.Facet("measure:N", title=None), columns=len(measures), data=long)
        .properties(
            title=alt.Title(title or "Performance indices over time", subtitle="Dashed: 1, on plan")
        )
    )
