"""The roadmap: a Gantt chart of the selected projects, coloured by category, with arrows from
each prerequisite to the project that depends on it.

:func:`roadmap_chart` takes ``plan.schedule`` (or any frame with the same columns) and the
portfolio's dependencies and returns an altair chart in the project theme; it never saves or
shows itself (see :func:`save_chart`). Periods arrive as ``pd.Period`` and become timestamps at
this edge: a bar runs from the start of its first period to the end of its last.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ._parts import (
    NO_GROUP,
    group_labels,
    human_label,
    period_index,
    project_labels,
    require_columns,
)
from .theme import INK_COLOUR, NOTE_COLOUR, WIDTH, category_scale

_SCHEDULE_COLUMNS = ("name", "category", "selected", "start", "finish")
_DEPENDENCY_COLUMNS = ("project_id", "other_id", "kind")
#: Dependency kinds drawn on the roadmap (``excludes`` never links two selected projects).
LINK_KINDS = ("follows", "requires")


def _time_axis(freq: str) -> alt.Axis:
    """A temporal axis with a tick and label at the start of each quarter (``Q1`` over ``2027``)
    or month (``Jan`` over ``2027``)."""
    if freq.startswith("Q"):
        label = "[timeFormat(datum.value, 'Q%q'), timeFormat(datum.value, '%Y')]"
        step = 3
    else:
        label = "[timeFormat(datum.value, '%b'), timeFormat(datum.value, '%Y')]"
        step = 1
    return alt.Axis(
        labelExpr=label, tickCount={"interval": "month", "step": step}, labelAngle=0, grid=True
    )


def roadmap_chart(
    schedule: pd.DataFrame,
    dependencies: pd.DataFrame | None = None,
    *,
    title: str | None = None,
    row_height: int = 16,
) -> alt.LayerChart:
    """Gantt chart of the selected projects, coloured by category, with their dependencies.

    Parameters
    ----------
    schedule : DataFrame
        ``plan.schedule``: indexed by project_id with name, category, selected, start and
        finish (``pd.Period``; finish inclusive); business_unit, status, reason, value and
        cost go into the tooltip when present. Only selected projects are drawn.
    dependencies : DataFrame, optional
        The portfolio's dependencies (project_id, other_id, kind). Each ``follows`` or
        ``requires`` link between two selected projects is drawn as a rule from the end of
        the prerequisite (other_id) to the start of the dependent project, ending in an
        arrow head; a ``requires`` link (no order in time) as a dashed vertical line joining
        the two rows at the later of their starts.
    title : str, optional
        Chart title (default: "Roadmap of the selected projects").
    row_height : int
        Height of one project's row [pixels].

    Returns
    -------
    alt.LayerChart
        One row per project sorted by start (then id); x is time, each bar running from the
        start of its first period to the end of its last, with the axis labelled by quarter
        (or month). Mandatory and in-flight projects carry a black outline.

    Raises
    ------
    ValueError
        When a needed column is missing, or dependencies lack project_id, other_id or kind.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3)
    >>> plan = pa.optimise(p)
    >>> chart = roadmap_chart(plan.schedule, p.dependencies)
    >>> chart.to_dict()["layer"][0]["mark"]["type"]
    'bar'
    """
    require_columns(schedule, _SCHEDULE_COLUMNS, "the schedule")
    chosen = schedule[schedule["selected"].astype(bool)]
    data, freq = _roadmap_rows(chosen)
    order = data["label"].tolist()

    # an explicit domain keeps the start order when layers with other data share the axis
    rows = alt.Scale(domain=order)
    y = alt.Y("label:N", sort=None, scale=rows, title=None, axis=alt.Axis(labelLimit=320))
    x = alt.X("start_time:T", title="Period", axis=_time_axis(freq))
    bars = (
        alt.Chart(data)
        .mark_bar(cornerRadius=2, height={"band": 0.75})
        .encode(
            x=x,
            x2="end_time:T",
            y=y,
            color=alt.Color(
                "category:N",
                title="Category",
                scale=category_scale(sorted(data["category"].unique())),
            ),
            stroke=alt.condition("datum.committed", alt.value(INK_COLOUR), alt.value(None)),
            strokeWidth=alt.condition("datum.committed", alt.value(1.5), alt.value(0)),
            tooltip=_BAR_TOOLTIP,
        )
    )
    layers: list[alt.Chart] = [bars]
    links = _dependency_links(data, dependencies)
    if links is not None and len(links):
        layers += _link_layers(links, rows)
    subtitle = "One row per selected project; outlined: mandatory or in flight"
    if len(layers) > 1:
        subtitle += "; arrows: prerequisite → project that follows it; dashed: requires"
    heading = alt.Title(title or "Roadmap of the selected projects", subtitle=subtitle)
    return alt.layer(*layers).properties(title=heading, width=WIDTH, height=alt.Step(row_height))


def _dependency_links(data: pd.DataFrame, dependencies: pd.DataFrame | None) -> pd.DataFrame | None:
    """follows/requires links between two drawn projects: follows from the other's end to the
    start, requires straight across at the later start."""
    if dependencies is None:
        return None
    require_columns(dependencies, _DEPENDENCY_COLUMNS, "the dependencies frame")
    deps = dependencies[dependencies["kind"].isin(LINK_KINDS)]
    bars = data.set_index("project_id")
    deps = deps[deps["project_id"].isin(bars.index) & deps["other_id"].isin(bars.index)]
    mine = bars.loc[deps["project_id"]]
    theirs = bars.loc[deps["other_id"]]
    # follows runs from the prerequisite's end to the start; requires says nothing of time, so
    # it is a vertical line at the later of the two starts, never running back in time
    follows = (deps["kind"] == "follows").to_numpy()
    together = np.maximum(mine["start_time"].to_numpy(), theirs["start_time"].to_numpy())
    return pd.DataFrame(
        {
            "project_id": deps["project_id"].astype(str).to_numpy(),
            "other_id": deps["other_id"].astype(str).to_numpy(),
            "kind": deps["kind"].astype(str).to_numpy(),
            "from_label": theirs["label"].to_numpy(),
            "to_label": mine["label"].to_numpy(),
            "from_time": np.where(follows, theirs["end_time"].to_numpy(), together),
            "to_time": np.where(follows, mine["start_time"].to_numpy(), together),
            "other_finish": theirs["finish"].to_numpy(),
            "start": mine["start"].to_numpy(),
            "text": (deps["project_id"] + " " + deps["kind"] + " " + deps["other_id"]).to_numpy(),
        }
    )


#: Tooltip of a project's bar.
_BAR_TOOLTIP = [
    alt.Tooltip("name:N", title="Project"),
    alt.Tooltip("project_id:N", title="Id"),
    alt.Tooltip("category:N", title="Category"),
    alt.Tooltip("business_unit:N", title="Business unit"),
    alt.Tooltip("status:N", title="Status"),
    alt.Tooltip("reason:N", title="In the plan as"),
    alt.Tooltip("start:N", title="Start"),
    alt.Tooltip("finish:N", title="Finish"),
    alt.Tooltip("value:Q", title="Strategic value", format=".2f"),
    alt.Tooltip("cost:Q", title="Cost", format=",.0f"),
]


def _roadmap_rows(chosen: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """One row per selected project, sorted by start then id, labelled "P012 · Name"; and the
    periods' frequency."""
    starts = period_index(chosen["start"], "the schedule's start column")
    finishes = period_index(chosen["finish"], "the schedule's finish column")
    freq = starts.freqstr if len(starts) else "Q"
    data = pd.DataFrame(
        {
            "project_id": chosen.index.astype(str),
            "name": chosen["name"].astype(str).to_numpy(),
            "category": group_labels(chosen["category"]),
            "start": np.asarray(starts.astype(str), dtype=object),
            "finish": np.asarray(finishes.astype(str), dtype=object),
            "start_time": starts.start_time,
            "end_time": (finishes + 1).start_time,
            "start_ordinal": starts.asi8,
        }
    )
    for column in ("business_unit", "status", "reason"):
        data[column] = group_labels(chosen[column]) if column in chosen else NO_GROUP
    data["committed"] = np.asarray(data["reason"].isin(["mandatory", "in_flight"]))
    for column in ("status", "reason"):
        data[column] = [human_label(v) for v in data[column]]
    for column in ("value", "cost"):
        data[column] = chosen[column].astype(float).to_numpy() if column in chosen else np.nan
    data = data.sort_values(["start_ordinal", "project_id"], kind="stable").drop(
        columns="start_ordinal"
    )
    data["label"] = project_labels(data["project_id"], data.set_index("project_id")["name"])
    return data, freq


def _link_layers(links: pd.DataFrame, rows: alt.Scale) -> list[alt.Chart]:
    """The dependency links: ``follows`` a solid rule from the prerequisite's end to the
    dependent project's start with an arrow head; ``requires`` (no order in time) a dashed
    vertical rule at the later of the two starts, without a head."""
    dash = alt.StrokeDash(
        "kind:N",
        title="Dependency",
        scale=alt.Scale(domain=list(LINK_KINDS), range=[[1, 0], [4, 3]]),
    )
    tooltip = [
        alt.Tooltip("text:N", title="Dependency"),
        alt.Tooltip("other_finish:N", title="Prerequisite finishes"),
        alt.Tooltip("start:N", title="Dependent starts"),
    ]
    rules = (
        alt.Chart(links)
        .mark_rule(color=NOTE_COLOUR, strokeWidth=1.2)
        .encode(
            x=alt.X("from_time:T"),
            x2="to_time:T",
            y=alt.Y("from_label:N", sort=None, scale=rows),
            y2="to_label:N",
            strokeDash=dash,
            tooltip=tooltip,
        )
    )
    heads = (
        alt.Chart(links[links["kind"] == "follows"])
        .mark_point(shape="triangle-right", filled=True, size=60, color=NOTE_COLOUR, opacity=1)
        .encode(
            x=alt.X("to_time:T"),
            y=alt.Y("to_label:N", sort=None, scale=rows),
            tooltip=tooltip,
        )
    )
    return [rules, heads]
