"""Charts of frontiers and scenario comparisons.

:func:`frontier_chart` draws a :class:`~pmo_analytics.Frontier` — the best value at each
budget (or exposure) level, the gap to the proven bound where the search stopped early, today's
point and the knee marked, and what enters and leaves at each step in the tooltip.
:func:`scenario_comparison_chart` puts scenarios side by side (value, spend against budget) and
:func:`scenario_changes_chart` shows which projects each scenario adds, drops or moves against
the baseline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt
import numpy as np
import pandas as pd

from ._parts import MONEY_FORMAT, money_title, objective_title, plan_bases, project_labels
from .theme import HEIGHT, LIMIT_COLOUR, PALETTE, WIDTH

if TYPE_CHECKING:  # pragma: no cover
    from ..explore import Frontier, ScenarioComparison

#: Colours of the changes against a baseline (Okabe–Ito: green in, vermilion out, blue moved).
CHANGE_COLOURS: dict[str, str] = {"entered": "#009E73", "left": "#D55E00", "moved": "#0072B2"}
_MARK_COLOURS = {"today": "#000000", "knee": "#E69F00"}
_AXIS_TITLES = {
    "budget": "Budget over the horizon",
    "epsilon": "Risk-weighted exposure cap Σ risk × cost",
}


def _steps(text: pd.Series) -> pd.Series:
    """'P1, P2' → 'P1, P2' or '—' (tooltips show a dash rather than nothing)."""
    return text.fillna("").astype(str).replace("", "—")


def frontier_chart(
    frontier: Frontier,
    *,
    title: str | None = None,
    currency: str | None = None,
    zero: bool = True,
) -> alt.LayerChart:
    """The frontier: best value against the swept limit, one re-optimised plan per point.

    Parameters
    ----------
    frontier : Frontier
        From :func:`pmo_analytics.efficient_frontier` or :func:`pmo_analytics.risk_frontier`.
    title : str, optional
        Defaults to "Efficient frontier: value against budget" (or "… against risk").
    currency : str, optional
        Currency code of the budget or exposure axis (default: the one given to
        :func:`~pmo_analytics.charts.setup`, if any).
    zero : bool
        Start the value axis at zero (default). False zooms in on the points, and the
        subtitle says that the axis is cut.

    Returns
    -------
    alt.LayerChart
        A line through the points that have a plan; a dashed rule from each point to its
        proven bound where the search stopped early (status "feasible"); today's point and
        the knee labelled. The value axis is titled by what the plans maximise (strategic
        value, unless another value basis was chosen). The tooltip gives the level, value,
        status and gap, the number of projects and what entered and left since the previous
        point.

    Examples
    --------
    >>> from pmo_analytics import efficient_frontier, generate_portfolio
    >>> f = efficient_frontier(generate_portfolio(8, n_periods=4, n_roles=2, seed=1),
    ...                        budget_scales=[0.5, 1.0])
    >>> frontier_chart(f).to_dict()["layer"][0]["mark"]["type"]
    'line'
    """
    x = frontier.x
    data = _frontier_rows(frontier)
    solved = data[np.isfinite(data["objective"])]
    x_title = money_title(_AXIS_TITLES.get(x, x), currency)
    y_title = objective_title(plan_bases(frontier.plans), currency)
    x_enc = alt.X("level:Q", title=x_title, axis=alt.Axis(format=MONEY_FORMAT))
    y_enc = alt.Y("objective:Q", title=y_title, scale=alt.Scale(zero=zero))
    tooltip = _frontier_tooltip(x_title, y_title, currency, "scale" in data)
    base = alt.Chart(solved)
    line = base.mark_line(color=PALETTE[0], interpolate="linear").encode(x=x_enc, y=y_enc)
    gaps = (
        base.transform_filter("datum.status == 'feasible' && isFinite(datum.bound)")
        .mark_rule(color=PALETTE[4], strokeDash=[3, 2])
        .encode(x=x_enc, y=y_enc, y2="bound:Q")
    )
    dots = base.mark_circle(size=70, color=PALETTE[0], opacity=1).encode(
        x=x_enc, y=y_enc, tooltip=tooltip
    )
    marked = solved[solved["mark"] != ""]
    mark_scale = alt.Scale(domain=list(_MARK_COLOURS), range=list(_MARK_COLOURS.values()))
    colour = alt.Color("mark:N", title=None, scale=mark_scale)
    highlights = (
        alt.Chart(marked)
        .mark_point(size=220, filled=False, strokeWidth=2.5)
        .encode(x=x_enc, y=y_enc, color=colour, tooltip=tooltip)
    )
    labels = (
        alt.Chart(marked)
        .mark_text(align="left", dx=10, dy=-10, fontWeight="bold")
        .encode(
            x=x_enc,
            y=y_enc,
            text="mark:N",
            color=alt.Color("mark:N", scale=mark_scale, legend=None),
        )
    )
    against = "budget" if frontier.kind == "budget" else "risk"
    default = f"Efficient frontier: value against {against}"
    notes = ["Each point re-optimised; hover for what enters and leaves at each step"]
    if ((solved["status"] == "feasible") & np.isfinite(solved["bound"])).any():
        notes.append("dashed: up to the proven bound where the search stopped early")
    if not zero:
        notes.append("value axis cut (not from zero): differences look larger than they are")
    return alt.layer(line, gaps, dots, highlights, labels).properties(
        width=WIDTH,
        height=HEIGHT,
        title=alt.Title(title or default, subtitle="; ".join(notes)),
    )


def scenario_comparison_chart(
    comparison: ScenarioComparison, *, title: str | None = None, currency: str | None = None
) -> alt.HConcatChart:
    """Scenarios side by side: value, and spend against budget.

    Parameters
    ----------
    comparison : ScenarioComparison
        From :func:`pmo_analytics.run_scenarios`.
    title : str, optional
    currency : str, optional
        Currency code of the spend axis (default: the one given to
        :func:`~pmo_analytics.charts.setup`, if any).

    Returns
    -------
    alt.HConcatChart
        Left: each scenario's value (the objective: strategic value unless a scenario chose
        another value basis), the baseline in grey, the change against the
        baseline as a label. Right: spend with the budget as a tick. Tooltips carry status,
        gap, projects selected, entered / left / moved and the scenario's changes in words.

    Examples
    --------
    >>> from pmo_analytics import generate_portfolio, run_scenarios
    >>> cmp = run_scenarios(generate_portfolio(8, n_periods=4, n_roles=2, seed=1),
    ...                     [{"name": "cut", "budget": {"scale": 0.7}}])
    >>> len(scenario_comparison_chart(cmp).to_dict()["hconcat"])
    2
    """
    data = _comparison_rows(comparison)
    order = list(data["scenario"])
    value_title = objective_title(plan_bases(comparison.plans.values()), currency)
    spend_title = money_title("Spend in the horizon", currency)
    y = alt.Y("scenario:N", sort=order, title=None)
    tooltip = _comparison_tooltip(value_title, spend_title, currency)
    colour = alt.Color(
        "role:N",
        title=None,
        scale=alt.Scale(domain=["baseline", "scenario"], range=["#999999", PALETTE[0]]),
    )
    height = max(60, 28 * len(data))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(x=alt.X("objective:Q", title=value_title), y=y, color=colour, tooltip=tooltip)
    )
    text = (
        alt.Chart(data).mark_text(align="left", dx=4).encode(x="objective:Q", y=y, text="delta:N")
    )
    value = alt.layer(bars, text).properties(width=WIDTH // 2, height=height, title=value_title)
    spend_bars = (
        alt.Chart(data)
        .mark_bar(color=PALETTE[2])
        .encode(
            x=alt.X("spend:Q", title=spend_title, axis=alt.Axis(format=MONEY_FORMAT)),
            y=y,
            tooltip=tooltip,
        )
    )
    budget_ticks = (
        alt.Chart(data[np.isfinite(data["budget"])])
        .mark_tick(color=LIMIT_COLOUR, thickness=3, size=22)
        .encode(x="budget:Q", y=y, tooltip=tooltip)
    )
    spend = alt.layer(spend_bars, budget_ticks).properties(
        width=WIDTH // 2, height=height, title="Spend (tick: budget)"
    )
    return alt.hconcat(value, spend).properties(
        title=alt.Title(
            title or "Scenarios side by side", subtitle=f"baseline: {comparison.baseline}"
        )
    )


def _frontier_rows(frontier: Frontier) -> pd.DataFrame:
    """One row per point of the frontier: level, objective, bound, status, what changed."""
    x = frontier.x
    points = frontier.points.reset_index()
    data = pd.DataFrame(
        {
            "point": points["point"].to_numpy(),
            "level": points[x].to_numpy(dtype=float),
            "objective": points["objective"].to_numpy(dtype=float),
            "bound": points["bound"].to_numpy(dtype=float),
            "gap": points["gap"].to_numpy(dtype=float),
            "status": points["status"].astype(str).to_numpy(),
            "n_selected": points["n_selected"].to_numpy(),
            "spend": points["spend"].to_numpy(dtype=float),
            "exposure": points["exposure"].to_numpy(dtype=float),
            "entered": _steps(points["entered"]).to_numpy(),
            "left": _steps(points["left"]).to_numpy(),
            "mark": np.select(
                [points["current"].to_numpy(), points["knee"].to_numpy()], ["today", "knee"], ""
            ),
        }
    )
    if "scale" in points:
        data["scale"] = points["scale"].to_numpy(dtype=float)
    return data


def _frontier_tooltip(
    x_title: str, y_title: str, currency: str | None, has_scale: bool
) -> list[alt.Tooltip]:
    """Tooltip of a frontier point."""
    return [
        alt.Tooltip("level:Q", title=x_title, format=",.0f"),
        *([alt.Tooltip("scale:Q", title="× today", format=".2f")] if has_scale else []),
        alt.Tooltip("objective:Q", title=y_title, format=",.2f"),
        alt.Tooltip("status:N", title="Status"),
        alt.Tooltip("gap:Q", title="Gap to the bound", format=".1%"),
        alt.Tooltip("n_selected:Q", title="Projects"),
        alt.Tooltip("spend:Q", title=money_title("Spend", currency), format=",.0f"),
        alt.Tooltip("exposure:Q", title=money_title("Exposure", currency), format=",.0f"),
        alt.Tooltip("entered:N", title="Enter here"),
        alt.Tooltip("left:N", title="Leave here"),
    ]


def _comparison_rows(comparison: ScenarioComparison) -> pd.DataFrame:
    """One row per scenario: objective, spend, budget, status, changes and the change in
    value against the baseline in words."""
    table = comparison.table.reset_index()
    base_value = float(comparison.table.loc[comparison.baseline, "objective"])
    data = pd.DataFrame(
        {
            "scenario": table["scenario"].astype(str).to_numpy(),
            "objective": table["objective"].to_numpy(dtype=float),
            "spend": table["spend"].to_numpy(dtype=float),
            "budget": table["budget"].to_numpy(dtype=float),
            "status": table["status"].astype(str).to_numpy(),
            "gap": table["gap"].to_numpy(dtype=float),
            "n_selected": table["n_selected"].to_numpy(),
            "entered": table["entered"].to_numpy(),
            "left": table["left"].to_numpy(),
            "moved": table["moved"].to_numpy(),
            "changes": table["changes"].fillna("").astype(str).replace("", "—").to_numpy(),
            "role": np.where(table["scenario"] == comparison.baseline, "baseline", "scenario"),
        }
    )
    delta = data["objective"] - base_value
    data["delta"] = np.where(
        data["role"] == "baseline",
        "baseline",
        [f"{d:+,.1f} ({d / base_value:+.1%})" if base_value else f"{d:+,.1f}" for d in delta],
    )
    return data


def _comparison_tooltip(
    value_title: str, spend_title: str, currency: str | None
) -> list[alt.Tooltip]:
    """Tooltip of a scenario's bars."""
    return [
        alt.Tooltip("scenario:N", title="Scenario"),
        alt.Tooltip("status:N", title="Status"),
        alt.Tooltip("objective:Q", title=value_title, format=",.2f"),
        alt.Tooltip("delta:N", title="Against the baseline"),
        alt.Tooltip("gap:Q", title="Gap to the bound", format=".1%"),
        alt.Tooltip("n_selected:Q", title="Projects"),
        alt.Tooltip("entered:Q", title="Entered"),
        alt.Tooltip("left:Q", title="Left"),
        alt.Tooltip("moved:Q", title="Moved"),
        alt.Tooltip("spend:Q", title=spend_title, format=",.0f"),
        alt.Tooltip("budget:Q", title=money_title("Budget", currency), format=",.0f"),
        alt.Tooltip("changes:N", title="The scenario"),
    ]


def scenario_changes_chart(
    comparison: ScenarioComparison, *, title: str | None = None
) -> alt.Chart:
    """Which projects each scenario adds, drops or moves against the baseline.

    Parameters
    ----------
    comparison : ScenarioComparison
    title : str, optional

    Returns
    -------
    alt.Chart
        One row per project that changes in any scenario, one column per scenario; cells
        coloured entered / left / moved, the tooltip giving the start periods.

    Examples
    --------
    >>> from pmo_analytics import generate_portfolio, run_scenarios
    >>> cmp = run_scenarios(generate_portfolio(8, n_periods=4, n_roles=2, seed=1),
    ...                     [{"name": "cut", "budget": {"scale": 0.5}}])
    >>> scenario_changes_chart(cmp).to_dict()["mark"]["type"]
    'rect'
    """
    changes = comparison.changes
    data = pd.DataFrame(
        {
            "scenario": changes["scenario"].astype(str).to_numpy(),
            "project": project_labels(
                changes["project_id"].astype(str),
                dict(zip(changes["project_id"].astype(str), changes["name"], strict=True)),
            ),
            "change": changes["change"].astype(str).to_numpy(),
            "baseline_start": changes["baseline_start"].astype(str).replace("", "—").to_numpy(),
            "start": changes["start"].astype(str).replace("", "—").to_numpy(),
        }
    )
    scenarios = [s for s in comparison.table.index if s != comparison.baseline]
    height = max(60, 18 * data["project"].nunique())
    # each column wide enough for its scenario's name on one line (up to 320 px)
    longest = max((len(str(s)) for s in scenarios), default=10)
    column = min(320, max(110, int(7 * longest) + 16))
    return (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                "scenario:N",
                sort=scenarios,
                title=None,
                axis=alt.Axis(
                    labelAngle=0,
                    orient="top",
                    labelLimit=column,
                ),
            ),
            y=alt.Y("project:N", sort="ascending", title=None),
            color=alt.Color(
                "change:N",
                title=f"Against {comparison.baseline}",
                scale=alt.Scale(domain=list(CHANGE_COLOURS), range=list(CHANGE_COLOURS.values())),
            ),
            tooltip=[
                alt.Tooltip("project:N", title="Project"),
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("change:N", title="Change"),
                alt.Tooltip("baseline_start:N", title=f"Start ({comparison.baseline})"),
                alt.Tooltip("start:N", title="Start (scenario)"),
            ],
        )
        .properties(
            width=max(120, column * len(scenarios)),
            height=height,
            title=title or "What each scenario changes",
        )
    )
