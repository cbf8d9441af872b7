"""Charts of a plan: the roadmap, spend against the budget, and the capacity heatmap.

They take the frames of a :class:`pmo_analytics.Plan` (``plan.schedule``, ``plan.spend``,
``plan.utilisation``) — or any frame with the same columns, such as
:func:`pmo_analytics.utilisation` of projects at their earliest starts — and return altair
charts in the project theme; they never save or show themselves (see :func:`save_chart`).

Periods arrive as ``pd.Period``; the roadmap turns them into timestamps at its edge (a bar runs
from the start of its first period to the end of its last), the other charts label them like
``2027Q1``.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from .theme import HEIGHT, LIMIT_COLOUR, SEQUENTIAL_SCHEME, WIDTH, category_scale

_SCHEDULE_COLUMNS = ("name", "category", "selected", "start", "finish")
_UTILISATION_COLUMNS = ("resource", "period", "used", "available", "utilisation")
_SPEND_COLUMNS = ("period", "category", "cost")
_DEPENDENCY_COLUMNS = ("project_id", "other_id", "kind")
#: Dependency kinds drawn on the roadmap (``excludes`` never links two selected projects).
LINK_KINDS = ("follows", "requires")
#: Fill of over-allocated heatmap cells: vermilion, outside the viridis range of the others.
OVER_COLOUR = LIMIT_COLOUR
#: Utilisation above 1 + this tolerance counts as over-allocated (rounding of FTE sums).
OVER_TOLERANCE = 1e-6
_NONE = "(none)"


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what} lacks the column(s) {', '.join(missing)}; it needs {', '.join(columns)}"
        )


def _period_index(values: pd.Series, what: str) -> pd.PeriodIndex:
    """``values`` as a PeriodIndex (Periods or labels such as ``2027Q1``)."""
    try:
        return pd.PeriodIndex(values)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"{what} must hold periods (pd.Period or labels like 2027Q1): {err}"
        ) from err


def _period_labels(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Labels of ``values`` (``2027Q1``) and every label in time order."""
    periods = _period_index(values, "the period column")
    labels = np.asarray(periods.astype(str), dtype=object)
    order = [str(p) for p in sorted(set(periods.dropna()))]
    return labels, order


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


def _fte(amount: float) -> str:
    """FTE with at most two decimals, trailing zeros dropped: 20.5, 9.63, 35."""
    return f"{amount:.2f}".rstrip("0").rstrip(".")


def _text(values: pd.Series) -> np.ndarray:
    return np.asarray(values.astype(object).where(values.notna(), _NONE), dtype=object)


# --------------------------------------------------------------------------- the roadmap
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
        arrow head; ``follows`` solid, ``requires`` dashed.
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
    _require(schedule, _SCHEDULE_COLUMNS, "the schedule")
    chosen = schedule[schedule["selected"].astype(bool)]
    starts = _period_index(chosen["start"], "the schedule's start column")
    finishes = _period_index(chosen["finish"], "the schedule's finish column")
    freq = starts.freqstr if len(starts) else "Q"
    data = pd.DataFrame(
        {
            "project_id": chosen.index.astype(str),
            "name": chosen["name"].astype(str).to_numpy(),
            "category": _text(chosen["category"]),
            "start": np.asarray(starts.astype(str), dtype=object),
            "finish": np.asarray(finishes.astype(str), dtype=object),
            "start_time": starts.start_time,
            "end_time": (finishes + 1).start_time,
            "start_ordinal": starts.asi8,
        }
    )
    for column in ("business_unit", "status", "reason"):
        data[column] = _text(chosen[column]) if column in chosen else _NONE
    for column in ("value", "cost"):
        data[column] = chosen[column].astype(float).to_numpy() if column in chosen else np.nan
    data["committed"] = np.asarray(data["reason"].isin(["mandatory", "in_flight"]))
    data = data.sort_values(["start_ordinal", "project_id"], kind="stable").drop(
        columns="start_ordinal"
    )
    data["label"] = data["project_id"] + " " + data["name"]
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
            stroke=alt.condition("datum.committed", alt.value("#000000"), alt.value(None)),
            strokeWidth=alt.condition("datum.committed", alt.value(1.5), alt.value(0)),
            tooltip=[
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
            ],
        )
    )
    layers: list[alt.Chart] = [bars]
    links = _dependency_links(data, dependencies)
    if links is not None and len(links):
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
            .mark_rule(color="#444444", strokeWidth=1.2)
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
            alt.Chart(links)
            .mark_point(shape="triangle-right", filled=True, size=60, color="#444444", opacity=1)
            .encode(
                x=alt.X("to_time:T"),
                y=alt.Y("to_label:N", sort=None, scale=rows),
                tooltip=tooltip,
            )
        )
        layers += [rules, heads]
    subtitle = "One row per selected project; outlined: mandatory or in flight"
    if len(layers) > 1:
        subtitle += "; arrows: prerequisite → dependent project"
    heading = alt.Title(title or "Roadmap of the selected projects", subtitle=subtitle)
    return alt.layer(*layers).properties(title=heading, width=WIDTH, height=alt.Step(row_height))


def _dependency_links(data: pd.DataFrame, dependencies: pd.DataFrame | None) -> pd.DataFrame | None:
    """follows/requires links between two drawn projects: from the other's end to the start."""
    if dependencies is None:
        return None
    _require(dependencies, _DEPENDENCY_COLUMNS, "the dependencies frame")
    deps = dependencies[dependencies["kind"].isin(LINK_KINDS)]
    bars = data.set_index("project_id")
    deps = deps[deps["project_id"].isin(bars.index) & deps["other_id"].isin(bars.index)]
    mine = bars.loc[deps["project_id"]]
    theirs = bars.loc[deps["other_id"]]
    return pd.DataFrame(
        {
            "project_id": deps["project_id"].astype(str).to_numpy(),
            "other_id": deps["other_id"].astype(str).to_numpy(),
            "kind": deps["kind"].astype(str).to_numpy(),
            "from_label": theirs["label"].to_numpy(),
            "to_label": mine["label"].to_numpy(),
            "from_time": theirs["end_time"].to_numpy(),
            "to_time": mine["start_time"].to_numpy(),
            "other_finish": theirs["finish"].to_numpy(),
            "start": mine["start"].to_numpy(),
            "text": (deps["project_id"] + " " + deps["kind"] + " " + deps["other_id"]).to_numpy(),
        }
    )


# --------------------------------------------------------------------------- spend vs budget
def spend_vs_budget_chart(
    spend: pd.DataFrame,
    utilisation: pd.DataFrame,
    *,
    title: str | None = None,
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

    Returns
    -------
    alt.LayerChart
        Bars of cost per period stacked by category (Run / Grow / Transform in their fixed
        colours), the budget of each period as a wide tick in the limit colour, and the share
        of the budget used written above it.

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
    _require(spend, _SPEND_COLUMNS, "the spend frame")
    _require(utilisation, _UTILISATION_COLUMNS, "the utilisation frame")
    labels, spend_order = _period_labels(spend["period"])
    stacked = pd.DataFrame(
        {
            "period": labels,
            "category": _text(spend["category"].replace("", np.nan)),
            "cost": spend["cost"].astype(float).to_numpy(),
        }
    )
    rows = utilisation[utilisation["resource"] == "budget"]
    budget_labels, budget_order = _period_labels(rows["period"])
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
    money = alt.Axis(format="~s")
    bars = (
        alt.Chart(stacked)
        .mark_bar(opacity=0.9)
        .encode(
            x=x,
            y=alt.Y("sum(cost):Q", title="Cost per period", axis=money),
            color=alt.Color(
                "category:N",
                title="Category",
                scale=category_scale(sorted(stacked["category"].unique())),
            ),
            order=alt.Order("category:N"),
            tooltip=[
                alt.Tooltip("period:O", title="Period"),
                alt.Tooltip("category:N", title="Category"),
                alt.Tooltip("sum(cost):Q", title="Cost", format=",.0f"),
            ],
        )
    )
    if budget.empty:
        heading = alt.Title(
            title or "Spend per period", subtitle="Planned cost by category; no budget given"
        )
        return alt.layer(bars).properties(title=heading, width=WIDTH, height=HEIGHT)
    tooltip = [
        alt.Tooltip("period:O", title="Period"),
        alt.Tooltip("budget:Q", title="Budget", format=",.0f"),
        alt.Tooltip("spent:Q", title="Planned cost", format=",.0f"),
        alt.Tooltip("share:Q", title="Share of budget", format=".0%"),
    ]
    tick = (
        alt.Chart(budget)
        .mark_tick(color=LIMIT_COLOUR, thickness=3, size=max(8, int(0.9 * WIDTH / len(order))))
        .encode(x=x, y=alt.Y("budget:Q", title="Cost per period", axis=money), tooltip=tooltip)
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
        One cell per role and period coloured by utilisation on the colour-blind-safe viridis
        scale (0–100 %); over-allocated cells (demand above capacity, including demand where
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
    _require(utilisation, _UTILISATION_COLUMNS, "the utilisation frame")
    roles = utilisation[utilisation["resource"] != "budget"]
    if roles.empty:
        raise ValueError("the utilisation frame has no role rows (resource other than 'budget')")
    labels, order = _period_labels(roles["period"])
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
    # dark text on the light (high) end of viridis and on vermilion, light text elsewhere
    data["dark_text"] = over | (data["shown"].fillna(0.0).to_numpy() >= 0.6)
    role_order = sorted(data["role"].unique())
    x = alt.X("period:O", title="Period", sort=order, axis=alt.Axis(labelAngle=0))
    y = alt.Y("role:N", title=None, sort=role_order)
    tooltip = [
        alt.Tooltip("role:N", title="Role"),
        alt.Tooltip("period:O", title="Period"),
        alt.Tooltip("used:Q", title="Demand [FTE]", format=",.2f"),
        alt.Tooltip("available:Q", title="Capacity [FTE]", format=",.2f"),
        alt.Tooltip("utilisation:Q", title="Utilisation", format=".0%"),
        alt.Tooltip("gap:Q", title="Spare (−: short) [FTE]", format=",.2f"),
        alt.Tooltip("over:N", title="Over-allocated"),
    ]
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
                    scale=alt.Scale(scheme=SEQUENTIAL_SCHEME, domain=[0, 1]),
                    legend=alt.Legend(format=".0%"),
                ),
            ),
            stroke=alt.condition("datum.over", alt.value("#000000"), alt.value("#ffffff")),
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
            color=alt.condition("datum.dark_text", alt.value("#000000"), alt.value("#ffffff")),
            tooltip=tooltip,
        )
    )
    n_over = int(data["over"].sum())
    subtitle = (
        f"Demand/capacity [FTE] per cell; {n_over} over-allocated cell(s) in vermilion, outlined, marked !"
        if n_over
        else "Demand/capacity [FTE] per cell; no role is over-allocated"
    )
    heading = alt.Title(title or "Capacity utilisation by role", subtitle=subtitle)
    return alt.layer(cells, text).properties(title=heading, width=WIDTH, height=alt.Step(26))
