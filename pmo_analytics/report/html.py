"""The leadership report: one self-contained HTML page per plan.

The page holds the headline figures (with the scale of value), what changed against the
previous plan (a replan), the roadmap, budget and capacity charts, what one more step of each
limit is worth (re-optimised, with its proven range), why the most valuable projects were left
out, the scenario comparison and frontier where a run has them, and the plan table. Python
prepares each section as plain data (:mod:`pmo_analytics.report._sections`); Jinja2 templates
with autoescaping (``templates/*.html.j2``, :mod:`pmo_analytics.report._templates`) make the
markup, so every piece of user text is escaped in the markup, and the embedded chart data is
made safe for its script element. The page opens with no network, the charts being Vega-Lite
specs (:mod:`pmo_analytics.report._figures`) drawn in the browser by vega, vega-lite and
vega-embed inlined in the page (:mod:`pmo_analytics.charts._assets`). It prints on A4 or Letter
(print styles: page breaks, light colours, charts scaled to the page). The same plan gives the
same page, byte for byte.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import safety
from ..exceptions import OptionsError
from ..optimise import LimitSettings, limit_worth, search_words
from . import _figures as figures
from . import _sections as sections
from . import _tables as tables
from ._style import CSS
from ._templates import render_page, trusted

if TYPE_CHECKING:  # pragma: no cover
    from ..optimise import Plan

#: Ids of the chart containers, in page order (only those a plan has are drawn).
CHART_IDS = (
    "chart-roadmap",
    "chart-spend",
    "chart-capacity",
    "chart-comparison",
    "chart-frontier",
)


def plan_limits(plan: Plan, limits: pd.DataFrame | LimitSettings | None) -> pd.DataFrame:
    """The limits table the pack shows: given, or worked out with ``limits`` as settings
    (default :class:`~pmo_analytics.optimise.LimitSettings`)."""
    if isinstance(limits, pd.DataFrame):
        return limits
    return limit_worth(plan, limits)


# --------------------------------------------------------------------------- the page
def report_html(
    plan: Plan,
    *,
    comparison: pd.DataFrame | None = None,
    frontier: pd.DataFrame | None = None,
    title: str | None = None,
    explain: int = 5,
    what_if: int = 0,
    currency: str = "",
    limits: pd.DataFrame | LimitSettings | None = None,
    changes: pd.DataFrame | None = None,
) -> str:
    """The leadership report of ``plan`` as one self-contained HTML page.

    Parameters
    ----------
    plan : Plan
        The result of :func:`pmo_analytics.optimise` (any status; an infeasible plan shows its
        diagnosis instead of charts).
    comparison : DataFrame, optional
        A scenario comparison (any tidy frame, e.g. one row per scenario, or a
        ``ScenarioComparison``, whose ``table`` is used): shown as a table, and as bars when it
        has a ``scenario`` (or ``name``) column or index and an ``objective`` (or ``value``)
        column.
    frontier : DataFrame, optional
        An efficient frontier (any tidy frame, or a ``Frontier``, whose ``points`` are used):
        shown as a table, and as a line when it has ``budget`` and ``objective`` columns.
    title : str, optional
        Heading of the page (default "Portfolio plan").
    explain : int
        How many of the most valuable excluded candidates to explain (0: none).
    what_if : int
        For how many of those (the most valuable first) to say what forcing them in would cost;
        each one re-solves the plan, so it takes as long as the run itself (default 0).
    currency : str
        Prefix of money amounts, e.g. ``"€"`` (default none).
    limits : DataFrame or LimitSettings, optional
        What one more step of each limit is worth: the table of
        :func:`pmo_analytics.limit_worth`, or the settings to work it out with (default
        :class:`~pmo_analytics.optimise.LimitSettings`: the 10 most promising limits
        re-optimised, node-limited).
    changes : DataFrame, optional
        A replan's ``changes.csv`` table: shown in full as "What changed".

    Returns
    -------
    str
        The page; it loads nothing from the network.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> plan = pa.optimise(pa.generate_portfolio(8, n_periods=4, n_roles=2, seed=1))
    >>> report_html(plan).startswith("<!DOCTYPE html>")  # doctest: +SKIP
    True
    """
    if explain < 0 or what_if < 0:
        raise OptionsError(
            f"explain and what_if must be 0 or more (got explain={explain}, what_if={what_if})"
        )
    if comparison is not None:
        comparison = tables.as_frame(comparison, "table")
    if frontier is not None:
        frontier = tables.as_frame(frontier, "points")
    charts = _charts(plan, comparison, frontier, currency)
    heading = title or "Portfolio plan"
    horizon = plan.portfolio.horizon
    meta = (
        f"Horizon {horizon[0]} to {horizon[-1]} · {len(plan.schedule)} projects · "
        f"maximising {plan.options.value_basis} · {search_words(plan)}"
    )
    parts = _sections(
        plan,
        charts,
        comparison=comparison,
        frontier=frontier,
        explain=explain,
        what_if=what_if,
        currency=currency,
        limits=limits,
        changes=changes,
    )
    return render_page(
        {
            "heading": heading,
            "meta": meta,
            "css": trusted(CSS),
            "sections": parts,
            **_scripts(charts),
        }
    )


def _sections(
    plan: Plan,
    charts: dict[str, object],
    *,
    comparison: pd.DataFrame | None,
    frontier: pd.DataFrame | None,
    explain: int,
    what_if: int,
    currency: str,
    limits: pd.DataFrame | LimitSettings | None,
    changes: pd.DataFrame | None,
) -> list[dict]:
    """The page's sections as data, in order (those a plan has)."""
    parts = [
        sections.summary_data(plan, currency),
        sections.changes_data(plan, changes),
        *sections.chart_data(plan, charts, currency),
        sections.limits_data(plan, plan_limits(plan, limits), currency)
        if plan.is_solution()
        else None,
        sections.explanations_data(plan, explain, what_if, currency),
        sections.frame_data(
            "comparison",
            "Scenario comparison",
            comparison,
            chart_id="chart-comparison" if "chart-comparison" in charts else "",
            lead="The same portfolio planned under each scenario.",
        ),
        sections.frame_data(
            "frontier",
            "Efficient frontier",
            frontier,
            chart_id="chart-frontier" if "chart-frontier" in charts else "",
            lead="What each level of budget buys: the best plan's objective per budget.",
        ),
        sections.plan_data(plan, currency),
    ]
    return [part for part in parts if part is not None]


def _charts(
    plan: Plan,
    comparison: pd.DataFrame | None,
    frontier: pd.DataFrame | None,
    currency: str,
) -> dict[str, object]:
    """The page's charts by container id (only those it has)."""
    charts = figures.plan_charts(plan, currency)
    if comparison is not None:
        charts["chart-comparison"] = figures.comparison_chart(comparison)
    if frontier is not None:
        charts["chart-frontier"] = figures.frontier_chart(frontier)
    return {key: chart for key, chart in charts.items() if chart is not None}


def _scripts(charts: dict[str, object]) -> dict[str, object]:
    """The chart specs (JSON safe in a script element), the inlined Vega bundle and the
    drawing script; none without charts."""
    if not charts:
        return {"specs": None, "vega": None, "render_js": None}
    from ..charts import chart_spec, json_for_script, vega_javascript

    specs = {key: chart_spec(chart) for key, chart in charts.items()}
    return {
        "specs": trusted(json_for_script(specs)),
        "vega": trusted(vega_javascript()),
        "render_js": trusted(figures.RENDER_JS),
    }


def write_report(
    plan: Plan,
    path: str | os.PathLike[str],
    *,
    comparison: pd.DataFrame | None = None,
    frontier: pd.DataFrame | None = None,
    title: str | None = None,
    explain: int = 5,
    what_if: int = 0,
    currency: str = "",
    limits: pd.DataFrame | LimitSettings | None = None,
    changes: pd.DataFrame | None = None,
) -> Path:
    """Write the leadership report of ``plan`` to ``path`` (HTML), atomically.

    See :func:`report_html` for the content and the parameters.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import pmo_analytics as pa, tempfile, pathlib
    >>> plan = pa.optimise(pa.generate_portfolio(8, n_periods=4, n_roles=2, seed=1))
    >>> out = pa.write_report(plan, pathlib.Path(tempfile.mkdtemp()) / "report.html")  # doctest: +SKIP
    >>> out.name  # doctest: +SKIP
    'report.html'
    """
    page = report_html(
        plan,
        comparison=comparison,
        frontier=frontier,
        title=title,
        explain=explain,
        what_if=what_if,
        currency=currency,
        limits=limits,
        changes=changes,
    )
    target = Path(path)
    safety.write_text_atomic(target, page)
    return target
