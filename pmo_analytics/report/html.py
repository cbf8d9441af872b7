"""The leadership report: one self-contained HTML page per plan.

The page holds the headline figures, the roadmap, budget and capacity charts, the binding limits
with their shadow prices, why the most valuable projects were left out, the scenario comparison
and frontier where a run has them, and the plan table (the sections, in
:mod:`pmo_analytics.report._sections`). This module assembles them into the page: it opens with
no network, the charts being Vega-Lite specs (:mod:`pmo_analytics.report._figures`) drawn in the
browser by vega, vega-lite and vega-embed inlined in the page
(:mod:`pmo_analytics.charts._assets`). Every piece of user text is escaped, in the markup and in
the embedded chart data. The page prints on A4 or Letter (print styles: page breaks, light
colours, charts scaled to the page). The same plan gives the same page, byte for byte.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import safety
from ..exceptions import OptionsError
from . import _figures as figures
from . import _sections as sections
from . import _tables as tables
from ._style import CSS

if TYPE_CHECKING:  # pragma: no cover
    from ..optimise import Plan

_esc = html.escape

#: Ids of the chart containers, in page order (only those a plan has are drawn).
CHART_IDS = (
    "chart-roadmap",
    "chart-spend",
    "chart-capacity",
    "chart-comparison",
    "chart-frontier",
)


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
    from ..charts import chart_spec, json_for_script, vega_javascript

    if explain < 0 or what_if < 0:
        raise OptionsError(
            f"explain and what_if must be 0 or more (got explain={explain}, what_if={what_if})"
        )
    charts = figures.plan_charts(plan, currency)
    if comparison is not None:
        comparison = tables.as_frame(comparison, "table")
        charts["chart-comparison"] = figures.comparison_chart(comparison)
    if frontier is not None:
        frontier = tables.as_frame(frontier, "points")
        charts["chart-frontier"] = figures.frontier_chart(frontier)
    charts = {key: chart for key, chart in charts.items() if chart is not None}
    specs = {key: chart_spec(chart) for key, chart in charts.items()}

    heading = title or "Portfolio plan"
    horizon = plan.portfolio.horizon
    meta = (
        f"Horizon {horizon[0]} to {horizon[-1]} · {len(plan.schedule)} projects · "
        f"maximising {plan.options.value_basis} · solver {plan.solver}"
    )
    body = [
        f"<header><h1>{_esc(heading)}</h1><p class='meta'>{_esc(meta)}</p></header>",
        sections.summary_section(plan, currency),
        sections.chart_sections(plan, charts, currency),
        sections.binding_section(plan, currency),
        sections.explanations_section(plan, explain, what_if, currency),
        sections.frame_section(
            "comparison",
            "Scenario comparison",
            comparison,
            chart_id="chart-comparison" if "chart-comparison" in charts else "",
            lead="The same portfolio planned under each scenario.",
        ),
        sections.frame_section(
            "frontier",
            "Efficient frontier",
            frontier,
            chart_id="chart-frontier" if "chart-frontier" in charts else "",
            lead="What each level of budget buys: the best plan's objective per budget.",
        ),
        sections.plan_section(plan, currency),
        "<footer>Made with pmo_analytics from the plan's own figures. Charts are drawn in the "
        "browser by the Vega libraries inlined in this file; the page loads nothing from the "
        "network.</footer>",
    ]
    scripts = (
        f'<script type="application/json" id="pmo-chart-specs">{json_for_script(specs)}</script>'
        f"<script>{vega_javascript()}</script><script>{figures.RENDER_JS}</script>"
        if specs
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(heading)}</title><style>{CSS}</style></head>"
        f"<body>{''.join(body)}{scripts}</body></html>\n"
    )


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
    )
    target = Path(path)
    safety.write_text_atomic(target, page)
    return target
