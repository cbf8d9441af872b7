"""Robustness charts: core index, distribution of portfolio value, chance of overrun.

Each takes a :class:`pmo_analytics.explore.uncertainty.RobustnessResult` (or the frame inside it) and
returns an altair chart in the project theme; none saves or shows itself.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ..exceptions import ArgumentTypeError, OptionsError
from ._parts import human_label, nice_step, project_labels
from .theme import HEIGHT, INK_COLOUR, LIMIT_COLOUR, PALETTE, WIDTH, sequential_scale

#: Colours of the core-index classes.
CORE_COLOURS: dict[str, str] = {"always": PALETTE[2], "sometimes": PALETTE[1], "never": "#9e9e9e"}


def _frame(source: object, attribute: str, needed: tuple[str, ...]) -> pd.DataFrame:
    frame = getattr(source, attribute, source)
    if not isinstance(frame, pd.DataFrame):
        raise ArgumentTypeError(f"give a RobustnessResult or its {attribute} frame")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise OptionsError(
            f"the {attribute} frame lacks {', '.join(missing)}; it needs {', '.join(needed)}"
        )
    return frame


def core_index_chart(
    result: object,
    *,
    top: int | None = None,
    show_must: bool = False,
    title: str | None = None,
) -> alt.LayerChart:
    """Each project's core index: the share of samples whose best plan selects it.

    Parameters
    ----------
    result : RobustnessResult or DataFrame
        :func:`pmo_analytics.monte_carlo`'s result or its ``core_index`` frame (index
        project_id; name, frequency, core, in_plan).
    top : int, optional
        Show at most this many projects, highest core index first (None: all). Projects no
        sample selected are always left out.
    show_must : bool
        Also show in-flight and mandatory projects (selected in every sample by rule; left
        out by default, so the bars are the decisions). Needs the frame's ``must`` column.
    title : str, optional

    Returns
    -------
    alt.LayerChart
        One bar per project (highest first), x = share of samples [0, 1], colour = always /
        sometimes / never; bars of projects in the chosen plan are solid, others faded;
        dashed rules at the thresholds when a RobustnessResult is given.

    Examples
    --------
    >>> import pandas as pd
    >>> ci = pd.DataFrame({"name": ["A", "B"], "frequency": [1.0, 0.4], "core": ["always", "sometimes"],
    ...                    "in_plan": [True, False]}, index=pd.Index(["P1", "P2"], name="project_id"))
    >>> len(core_index_chart(ci).to_dict()["layer"])
    1
    """
    frame = _frame(result, "core_index", ("name", "frequency", "core", "in_plan"))
    data = frame.rename_axis("project_id").reset_index()
    if not show_must and "must" in data.columns:
        data = data[~data["must"].astype(bool)]
    data = data[["project_id", "name", "frequency", "core", "in_plan"]]  # periods do not serialise
    data = data[data["frequency"].fillna(0) > 0]
    data = data.sort_values(["frequency", "project_id"], ascending=[False, True], kind="stable")
    if top is not None:
        data = data.head(int(top))
    data["project"] = project_labels(data["project_id"], data.set_index("project_id")["name"])
    data["plan"] = data["in_plan"].map({True: "in the chosen plan", False: "not in it"})
    order = data["project"].tolist()
    base = alt.Chart(data, width=WIDTH, height=max(HEIGHT // 2, 16 * len(order)))
    bars = base.mark_bar().encode(
        x=alt.X("frequency:Q", title="Share of samples whose best plan selects the project",
                scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%")),
        y=alt.Y("project:N", sort=order, title=None),
        color=alt.Color("core:N", title="Core index",
                        scale=alt.Scale(domain=list(CORE_COLOURS), range=list(CORE_COLOURS.values()))),
        opacity=alt.Opacity("plan:N", title=None,
                            scale=alt.Scale(domain=["in the chosen plan", "not in it"], range=[1.0, 0.4])),
        tooltip=[
            alt.Tooltip("project_id:N", title="Project"),
            alt.Tooltip("name:N", title="Name"),
            alt.Tooltip("frequency:Q", title="Selected in", format=".0%"),
            alt.Tooltip("core:N", title="Core index"),
            alt.Tooltip("plan:N", title="Chosen plan"),
        ],
    )  # fmt: skip
    layers = [bars]
    thresholds = getattr(result, "thresholds", None)
    if thresholds is not None:
        rules = pd.DataFrame({"threshold": list(thresholds)})
        layers.append(
            alt.Chart(rules)
            .mark_rule(color="#000000", strokeDash=[4, 3])
            .encode(x="threshold:Q", tooltip=[alt.Tooltip("threshold:Q", format=".0%")])
        )
    heading = title or "Core index: how robust is each project's place in the plan?"
    return alt.layer(*layers).properties(
        title=alt.TitleParams(
            heading,
            subtitle="Solid: in the chosen plan; dashed lines: the always/never thresholds"
            + ("" if show_must else "; in-flight and mandatory work (always in) not shown"),
        )
    )


def value_distribution_chart(
    result: object, *, plan_value: float | None = None, bins: int = 30, title: str | None = None
) -> alt.LayerChart:
    """Histogram of the best portfolio value across samples, with the chosen plan's value.

    Parameters
    ----------
    result : RobustnessResult or Series
        :func:`pmo_analytics.monte_carlo`'s result or its ``values`` Series.
    plan_value : float, optional
        Value marked by a rule (default the chosen plan's value as planned, when a
        RobustnessResult is given).
    bins : int
        Largest number of bins (their width is a round number).
    title : str, optional

    Returns
    -------
    alt.LayerChart
        Bars: number of samples per value bin, on a count axis of whole numbers from zero; a
        rule at the median and one at ``plan_value``, told apart by the legend (and by dash).

    Examples
    --------
    >>> import pandas as pd
    >>> chart = value_distribution_chart(pd.Series([1.0, 2.0, 2.5]), plan_value=2.0)
    >>> len(chart.to_dict()["layer"])
    2
    """
    values = result if isinstance(result, pd.Series) else getattr(result, "values", None)
    if not isinstance(values, pd.Series):
        raise ArgumentTypeError("give a RobustnessResult or its values Series")
    if plan_value is None and hasattr(result, "plan"):
        plan_value = float(result.plan.value)
    sample = values.dropna().to_numpy(dtype=float)
    bars = _histogram(sample, int(bins))
    top = int(bars["samples"].max()) if len(bars) else 1
    step = max(1, int(np.ceil(nice_step(top / 6))))
    ceiling = -(-max(top, 1) // step) * step
    x_title = "Strategic value of the sample's best plan"
    ends = [float(bars["start"].min()), float(bars["end"].max())] if len(bars) else [0.0, 1.0]
    x = alt.X(
        "start:Q",
        title=x_title,
        scale=alt.Scale(domain=ends, nice=False, zero=False),
        axis=alt.Axis(tickCount=8, labelOverlap=True),
        bin="binned",
    )
    columns = alt.Chart(bars, width=WIDTH, height=HEIGHT).mark_bar(color=PALETTE[0], opacity=0.85)
    columns = columns.encode(
        x=x,
        x2="end:Q",
        y=alt.Y(
            "samples:Q",
            title="Samples",
            scale=alt.Scale(domain=[0, ceiling]),
            axis=alt.Axis(values=list(range(0, ceiling + 1, step)), format="d"),
        ),
        tooltip=[
            alt.Tooltip("start:Q", title="From", format=",.2f"),
            alt.Tooltip("end:Q", title="To", format=",.2f"),
            alt.Tooltip("samples:Q", title="Samples"),
        ],
    )
    marks = {"Median of the samples": float(np.median(sample)) if len(sample) else np.nan}
    if plan_value is not None:
        marks["Chosen plan, as planned"] = float(plan_value)
    rules = pd.DataFrame({"mark": list(marks), "value": list(marks.values())}).dropna()
    names = rules["mark"].tolist()
    lines = (
        alt.Chart(rules)
        .mark_rule(size=2)
        .encode(
            x=alt.X("value:Q"),
            color=alt.Color(
                "mark:N",
                title=None,
                scale=alt.Scale(domain=names, range=[_MARKERS[n][0] for n in names]),
                legend=alt.Legend(orient="top", symbolType="stroke"),
            ),
            strokeDash=alt.StrokeDash(
                "mark:N", title=None, scale=alt.Scale(domain=names, range=[_MARKERS[n][1] for n in names])
            ),
            tooltip=[alt.Tooltip("mark:N", title=" "), alt.Tooltip("value:Q", title="Value", format=",.2f")],
        )
    )  # fmt: skip
    return alt.layer(columns, lines).properties(
        title=alt.TitleParams(
            title or "Distribution of the best portfolio value",
            subtitle="Bars: samples per value band; lines: the median and the chosen plan",
        )
    )


#: The rules of the value distribution: colour and dash.
_MARKERS: dict[str, tuple[str, list[int]]] = {
    "Median of the samples": (INK_COLOUR, [4, 3]),
    "Chosen plan, as planned": (LIMIT_COLOUR, [1, 0]),
}


def _histogram(sample: np.ndarray, bins: int) -> pd.DataFrame:
    """Counts of ``sample`` in at most ``bins`` bins of a round width (start, end, samples)."""
    if len(sample) == 0:
        return pd.DataFrame({"start": [], "end": [], "samples": []})
    low, high = float(sample.min()), float(sample.max())
    width = nice_step((high - low) / max(bins, 1)) if high > low else 1.0
    first = np.floor(low / width) * width
    count = max(1, int(np.floor((high - first) / width)) + 1)
    edges = first + width * np.arange(count + 1)
    counts, _ = np.histogram(sample, bins=edges)
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "samples": counts.astype(int)})


def overrun_chart(result: object, *, title: str | None = None) -> alt.Chart:
    """Heat map of the chance that the chosen plan overruns each budget and capacity limit.

    Parameters
    ----------
    result : RobustnessResult or DataFrame
        :func:`pmo_analytics.monte_carlo`'s result or its ``overrun`` frame (resource,
        period, available, planned, p_overrun).
    title : str, optional

    Returns
    -------
    alt.Chart
        x = period, y = resource (budget first, then roles), colour = probability of overrun
        on the theme's sequential scale (0–100 %, likelier = darker).

    Examples
    --------
    >>> import pandas as pd
    >>> o = pd.DataFrame({"resource": ["budget", "Dev"], "period": pd.PeriodIndex(["2027Q1"] * 2, freq="Q"),
    ...                   "available": [10.0, 2.0], "planned": [9.0, 2.0], "p_overrun": [0.2, 0.5]})
    >>> overrun_chart(o).to_dict()["encoding"]["color"]["field"]
    'p_overrun'
    """
    frame = _frame(result, "overrun", ("resource", "period", "available", "planned", "p_overrun"))
    data = frame[frame["period"].notna()].copy()
    data["period"] = data["period"].astype(str)
    data["use"] = data["planned"] / data["available"].where(data["available"] > 0)
    data["resource"] = [human_label(r) for r in data["resource"].astype(str)]
    resources = list(pd.unique(data["resource"]))
    return (
        alt.Chart(data, title=title or "Chance the chosen plan overruns a limit", width=WIDTH,
                  height=max(HEIGHT // 2, 26 * len(resources)))
        .mark_rect()
        .encode(
            x=alt.X("period:O", title="Period", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("resource:N", sort=resources, title=None),
            color=alt.Color("p_overrun:Q", title="Chance of overrun",
                            scale=sequential_scale([0, 1]),
                            legend=alt.Legend(format=".0%")),
            tooltip=[
                alt.Tooltip("resource:N", title="Limit"),
                alt.Tooltip("period:O", title="Period"),
                alt.Tooltip("p_overrun:Q", title="Chance of overrun", format=".0%"),
                alt.Tooltip("use:Q", title="Planned use", format=".0%"),
                alt.Tooltip("available:Q", title="Available", format=",.1f"),
            ],
        )
    )  # fmt: skip
