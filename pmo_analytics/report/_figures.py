"""The charts of the report: Vega-Lite specs of the plan's charts and of the optional scenario
comparison and frontier, embedded safely in the page and drawn there by vega-embed.

The plan's charts come from :mod:`pmo_analytics.charts.roadmap` and
:mod:`pmo_analytics.charts.plan`; the comparison and frontier charts are drawn here from
whatever tidy frames a run hands over (the columns they need are checked, a frame without them
is shown as a table only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from . import _tables as tables

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from ..optimise import Plan

#: Draws every chart of the page into its container; a chart that fails says so in its place
#: and on the console. Sets ``data-charts="done"`` on the body when all have settled.
RENDER_JS = """
(function () {
  var specs = JSON.parse(document.getElementById("pmo-chart-specs").textContent);
  var ids = Object.keys(specs);
  var jobs = ids.map(function (id) {
    var box = document.getElementById(id);
    return vegaEmbed(box, specs[id], { renderer: "svg", actions: false })
      .then(function () { box.setAttribute("data-rendered", "true"); })
      .catch(function (err) {
        box.innerHTML = '<p class="chart-error">This chart could not be drawn.</p>';
        console.error("pmo_analytics report: chart " + id + " failed: " + err);
      });
  });
  Promise.all(jobs).then(function () { document.body.setAttribute("data-charts", "done"); });
})();
"""


def plan_charts(plan: Plan, currency: str = "") -> dict[str, alt.TopLevelMixin]:
    """The plan's charts by container id: the roadmap and spend against budget (when projects
    are selected) and the capacity heatmap (when the portfolio has roles); none for a plan
    without a solution. ``currency`` is the unit of the money axis ("" none: the page does
    not depend on :func:`pmo_analytics.charts.setup`)."""
    from ..charts import capacity_heatmap, roadmap_chart, spend_vs_budget_chart

    charts: dict[str, alt.TopLevelMixin] = {}
    if not plan.is_solution():
        return charts
    if plan.n_selected:
        charts["chart-roadmap"] = roadmap_chart(plan.schedule, plan.portfolio.dependencies)
        charts["chart-spend"] = spend_vs_budget_chart(
            plan.spend, plan.utilisation, currency=currency
        )
    if (plan.utilisation["resource"] != "budget").any():
        charts["chart-capacity"] = capacity_heatmap(plan.utilisation)
    return charts


def comparison_chart(frame: pd.DataFrame) -> alt.Chart | None:
    """Bars of the objective (or value) per scenario, where the frame has such columns."""
    import altair as alt

    from ..charts import HEIGHT, PALETTE, WIDTH

    data = tables.flat_frame(frame)
    label = next((c for c in ("scenario", "name") if c in data.columns), None)
    measure = next((c for c in ("objective", "value") if c in data.columns), None)
    if label is None or measure is None or not pd.api.types.is_numeric_dtype(data[measure]):
        return None
    data = pd.DataFrame(
        {"scenario": data[label].astype(str).to_numpy(), measure: data[measure].astype(float)}
    )
    return (
        alt.Chart(data)
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X(f"{measure}:Q", title=measure.replace("_", " ").capitalize()),
            y=alt.Y("scenario:N", title=None, sort=None),
            tooltip=[alt.Tooltip("scenario:N"), alt.Tooltip(f"{measure}:Q", format=",.2f")],
        )
        .properties(
            title=alt.Title(
                "Scenarios compared", subtitle=f"{measure.replace('_', ' ')} per scenario"
            ),
            width=WIDTH,
            height=min(HEIGHT, 28 * len(data) + 20),
        )
    )


def frontier_chart(frame: pd.DataFrame) -> alt.LayerChart | None:
    """Line of the objective against the budget, where the frame has both columns; today's
    budget (a true ``current`` column) and the knee (``knee``) are marked."""
    import altair as alt

    from ..charts import HEIGHT, LIMIT_COLOUR, PALETTE, WIDTH

    data = tables.flat_frame(frame)
    if not {"budget", "objective"} <= set(data.columns):
        return None
    keep = [
        c
        for c in data.columns
        if pd.api.types.is_numeric_dtype(data[c]) or pd.api.types.is_string_dtype(data[c])
    ]
    data = data[keep].copy()
    marks = pd.Series("", index=data.index, dtype=object)
    for column, label in (("knee", "knee"), ("current", "today")):
        if column in data and pd.api.types.is_bool_dtype(data[column]):
            flagged = data[column].to_numpy(dtype=bool)
            marks[flagged] = [f"{m} · {label}" if m else label for m in marks[flagged]]
    data["mark"] = marks
    shown = [c for c in ("budget", "objective", "n_selected", "spend", "status") if c in data]
    tooltip = [
        alt.Tooltip(f"{c}:Q", format=",.2f")
        if pd.api.types.is_numeric_dtype(data[c])
        else alt.Tooltip(f"{c}:N")
        for c in shown
    ]
    x = alt.X("budget:Q", title="Budget over the horizon", axis=alt.Axis(format="~s"))
    y = alt.Y("objective:Q", title="Best objective", scale=alt.Scale(zero=True))
    base = alt.Chart(data).encode(x=x, y=y, tooltip=tooltip)
    line = base.mark_line(point=True, color=PALETTE[0])
    flagged = base.transform_filter("datum.mark != ''")
    rings = flagged.mark_point(size=160, color=LIMIT_COLOUR, strokeWidth=2)
    labels = flagged.mark_text(dy=-14, color=LIMIT_COLOUR, fontSize=11).encode(text="mark:N")
    return alt.layer(line, rings, labels).properties(
        title=alt.Title(
            "Efficient frontier",
            subtitle="The best objective the portfolio reaches per budget; ringed: today, the knee",
        ),
        width=WIDTH,
        height=HEIGHT,
    )
