"""The leadership report: one self-contained HTML page per plan.

The page holds the headline figures, the roadmap, budget and capacity charts, the binding limits
with their shadow prices, why the most valuable projects were left out, the scenario comparison
and frontier where a run has them, and the plan table. It opens with no network: the charts are
Vega-Lite specs drawn in the browser by vega, vega-lite and vega-embed inlined in the page
(:mod:`pmo_analytics.report.assets`). Every piece of user text is escaped, in the markup and in
the embedded chart data. The page prints on A4 or Letter (print styles: page breaks, light
colours, charts scaled to the page). The same plan gives the same page, byte for byte.
"""

from __future__ import annotations

import html
import math
import os
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import safety
from . import figures, tables
from .style import CSS, STATUS_COLOURS

if TYPE_CHECKING:  # pragma: no cover
    from ..optimise.plan import Plan

#: Ids of the chart containers, in page order (only those a plan has are drawn).
CHART_IDS = (
    "chart-roadmap",
    "chart-spend",
    "chart-capacity",
    "chart-comparison",
    "chart-frontier",
)

_esc = html.escape


# --------------------------------------------------------------------------- formatting
def _number(value: object, kind: str, currency: str = "") -> str:
    """``value`` as text of ``kind``: money, number, small, share, count, fte, bool or text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if kind == "bool":
        return "yes" if bool(value) else "no"
    if kind == "text" or isinstance(value, str):
        return str(value)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number):
        return ""
    if math.isinf(number):
        return "∞" if number > 0 else "−∞"
    if kind == "money":
        return f"{currency}{number:,.0f}"
    if kind == "share":
        return f"{number:.1%}"
    if kind == "count":
        return f"{number:,.0f}"
    if kind == "fte":
        return f"{number:,.1f}"
    if kind == "small":
        return f"{number:.3g}"
    return f"{number:,.2f}"


def _table(
    frame: pd.DataFrame,
    columns: Sequence[tuple[str, str, str]],
    *,
    currency: str = "",
    css_class: str = "",
    row_kinds: Sequence[dict[str, str]] | None = None,
) -> str:
    """An HTML table of ``frame``: columns as (column, header, kind), kinds overridden per row by
    ``row_kinds`` (column → kind); every cell escaped."""
    numeric = [k not in ("text", "bool") for _, _, k in columns]
    head = "".join(
        f'<th class="num">{_esc(h)}</th>' if n else f"<th>{_esc(h)}</th>"
        for (_, h, _), n in zip(columns, numeric, strict=True)
    )
    opening = ['<td class="num">' if n else "<td>" for n in numeric]
    body = []
    cells = [frame[c].tolist() for c, _, _ in columns]
    overrides = row_kinds or [{}] * len(frame)
    for row, override in zip(zip(*cells, strict=True), overrides, strict=True):
        tds = "".join(
            f"{o}{_esc(_number(v, override.get(c, k), currency))}</td>"
            for v, (c, _, k), o in zip(row, columns, opening, strict=True)
        )
        body.append(f"<tr>{tds}</tr>")
    cls = f' class="{css_class}"' if css_class else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _generic_table(frame: pd.DataFrame, *, currency: str = "") -> str:
    """Any tidy frame as a table (a named or non-default index becomes the first columns)."""
    frame = tables.flat_frame(frame)
    columns = [(c, _header(c), tables.column_kind(frame[c])) for c in frame.columns]
    return f'<div class="wide">{_table(frame, columns, currency=currency)}</div>'


def _header(column: str) -> str:
    text = column.replace("_", " ")
    return text[:1].upper() + text[1:]


def _figure(chart_id: str) -> str:
    """The container vega-embed draws chart ``chart_id`` into (its title is in the chart)."""
    return f'<figure class="chart"><div class="pmo-chart" id="{chart_id}"></div></figure>'


# --------------------------------------------------------------------------- sections
def _summary_section(plan: Plan, currency: str) -> str:
    colours = STATUS_COLOURS.get(plan.status, STATUS_COLOURS["not_solved"])
    items = {label: (value, kind) for label, value, kind in tables.summary_items(plan)}
    status_text = items["Status"][0]
    detail = {
        "optimal": "The solver proved that no plan within the limits is worth more.",
        "feasible": (
            f"The search stopped before proving the optimum: at most {plan.gap:.1%} more value "
            f"is possible (bound {_number(plan.bound, 'number')})."
        ),
        "infeasible": "No plan satisfies every rule; the smallest relaxation is listed below.",
        "not_solved": "The solver returned no plan.",
    }.get(plan.status, "")
    banner = (
        f'<div class="banner" style="background:{colours[0]};border-color:{colours[1]}">'
        f"<strong>Plan status: {_esc(str(status_text))}</strong><br>{_esc(detail)}</div>"
    )
    budget = tables.total_budget(plan)
    share = plan.total_cost / budget if budget and np.isfinite(budget) else float("nan")
    meter = ""
    if np.isfinite(share):
        over = " over" if share > 1 + 1e-9 else ""
        meter = f'<div class="meter{over}"><span style="width:{min(share, 1.0) * 100:.1f}%"></span></div>'
    spend_detail = (
        f"of {_number(budget, 'money', currency)} budget ({_number(share, 'share')})"
        if np.isfinite(budget)
        else "no budget given"
    )
    n_candidates = items["Candidates"][0]
    cards = [
        (
            "Strategic value",
            _number(plan.value, "number"),
            f"objective {_number(plan.objective, 'number')} ({plan.options.value_basis})",
            "",
        ),
        (
            "Spend vs budget",
            _number(plan.total_cost, "money", currency),
            spend_detail,
            meter,
        ),
        ("Projects selected", f"{plan.n_selected}", f"of {n_candidates} candidates", ""),
        (
            "Limits in the way",
            f"{len(plan.binding)}",
            f"budget or capacity periods keeping candidates out; "
            f"{int((plan.binding['shadow_price'].fillna(0) > 0).sum())} with a shadow price",
            "",
        ),
    ]
    card_html = "".join(
        f'<div class="card"><div class="label">{_esc(label)}</div>'
        f'<div class="figure">{_esc(figure)}</div><div class="detail">{_esc(detail)}</div>{extra}</div>'
        for label, figure, detail, extra in cards
    )
    rows = "".join(
        f"<tr><th>{_esc(label)}</th><td>{_esc(_number(value, kind, currency))}</td></tr>"
        for label, (value, kind) in items.items()
    )
    parts = [banner, f'<div class="cards">{card_html}</div>']
    if len(plan.diagnosis):
        parts.append("<h3>Why no plan satisfies the rules</h3>")
        parts.append(_list(plan.diagnosis["message"]))
    if plan.notes:
        parts.append("<h3>Notes on this run</h3>")
        parts.append(_list(plan.notes))
    parts.append(f'<h3>Run details</h3><table class="kv"><tbody>{rows}</tbody></table>')
    return _section("summary", "Summary", "".join(parts))


def _list(items: Iterable[object]) -> str:
    return '<ul class="notes">' + "".join(f"<li>{_esc(str(i))}</li>" for i in items) + "</ul>"


def _section(
    key: str, heading: str, body: str, *, lead: str = "", page: bool = False, figure: str = ""
) -> str:
    """A section; its heading, lead and ``figure`` are kept on one printed page."""
    cls = ' class="page"' if page else ""
    intro = f'<p class="lead">{_esc(lead)}</p>' if lead else ""
    return (
        f'<section id="{key}"{cls}><div class="keep"><h2>{_esc(heading)}</h2>{intro}{figure}</div>'
        f"{body}</section>"
    )


def _charts_section(plan: Plan, charts: dict[str, object], currency: str) -> str:
    parts = []
    if "chart-roadmap" in charts:
        parts.append(
            _section(
                "roadmap",
                "Roadmap",
                "",
                figure=_figure("chart-roadmap"),
                lead="When each selected project runs; arrows link a prerequisite to the project "
                "that depends on it.",
                page=True,
            )
        )
    if "chart-spend" in charts:
        budget = tables.budget_rows(plan)
        columns = [
            ("period", "Period", "text"),
            ("budget", "Budget", "money"),
            ("spend", "Planned spend", "money"),
            ("remaining", "Remaining", "money"),
            ("share", "Share used", "share"),
        ]
        parts.append(
            _section(
                "budget",
                "Spend against budget",
                _table(budget, columns, currency=currency, css_class="compact"),
                figure=_figure("chart-spend"),
                lead="How much of each period's budget the plan uses.",
            )
        )
    if "chart-capacity" in charts:
        parts.append(
            _section(
                "capacity",
                "Capacity",
                "",
                figure=_figure("chart-capacity"),
                lead="Which roles are stretched, and when.",
            )
        )
    return "".join(parts)


def _binding_section(plan: Plan, currency: str) -> str:
    if not plan.is_solution():
        return ""
    binding = tables.binding_rows(plan, top=20)
    if binding.empty:
        body = "<p>No budget or capacity limit binds: every limit has room to spare.</p>"
    else:
        columns = [
            ("resource", "Limit", "text"),
            ("period", "Period", "text"),
            ("used", "Used", "number"),
            ("available", "Available", "number"),
            ("utilisation", "Utilisation", "share"),
            ("blocked", "Projects kept out", "count"),
            ("shadow_price", "Shadow price", "number"),
            ("meaning", "What more would be worth", "text"),
        ]
        money = {"used": "money", "available": "money", "shadow_price": "small"}
        kinds = [money if r == "budget" else {} for r in binding["resource"]]
        body = _table(binding, columns, currency=currency, row_kinds=kinds)
        if len(plan.binding) > len(binding):
            body += f'<p class="muted">The {len(binding)} most valuable of {len(plan.binding)} binding limits.</p>'
    return _section(
        "binding",
        "Binding limits",
        body,
        lead="The budget and capacity limits that keep candidates out of the plan, most valuable "
        "first. The shadow price is the strategic value one more unit of the limit would add (per "
        "FTE for a role, per unit of currency for the budget), read from the linear relaxation: a "
        "guide to where relief pays, not a promise.",
    )


def _explanations_section(plan: Plan, n: int, what_if: int, currency: str) -> str:
    if not plan.is_solution() or n <= 0:
        return ""
    ids = tables.top_excluded(plan, n)
    if not len(ids):
        return ""
    cards = []
    for i, pid in enumerate(ids):
        row = plan.schedule.loc[pid]
        try:
            text = plan.explain(pid, what_if=i < what_if)
        except Exception as err:  # one failed explanation must not cost the whole report
            warnings.warn(f"could not explain {pid}: {err}", RuntimeWarning, stacklevel=2)
            text = f"No explanation available ({type(err).__name__}: {err})."
        cards.append(
            f'<div class="explain"><h3>{_esc(str(pid))} {_esc(str(row["name"]))}</h3>'
            f'<p><span class="tag">{_esc(str(row["reason"]))}</span> '
            f"strategic value {_esc(_number(row['value'], 'number'))} · "
            f"cost {_esc(_number(row['cost'], 'money', currency))}</p>"
            f"<p>{_esc(text)}</p></div>"
        )
    return _section(
        "excluded",
        "Valuable projects left out",
        "".join(cards),
        lead=f"The {len(ids)} most valuable candidates not in the plan, and what keeps them out.",
    )


def _optional_section(
    key: str, heading: str, frame: pd.DataFrame | None, chart_id: str, has_chart: bool, lead: str
) -> str:
    if frame is None:
        return ""
    figure = _figure(chart_id) if has_chart else ""
    return _section(key, heading, _generic_table(frame), lead=lead, figure=figure)


def _plan_tables_section(plan: Plan, currency: str) -> str:
    rows = tables.plan_rows(plan)
    chosen = rows[rows["selected"]]
    others = rows[~rows["selected"]]
    selected_columns = [
        ("project_id", "Id", "text"),
        ("name", "Project", "text"),
        ("category", "Category", "text"),
        ("business_unit", "Business unit", "text"),
        ("start", "Start", "text"),
        ("finish", "Finish", "text"),
        ("value", "Value", "number"),
        ("cost", "Cost", "money"),
        ("reason", "In the plan as", "text"),
    ]
    other_columns = [
        ("project_id", "Id", "text"),
        ("name", "Project", "text"),
        ("category", "Category", "text"),
        ("business_unit", "Business unit", "text"),
        ("status", "Status", "text"),
        ("value", "Value", "number"),
        ("cost", "Cost", "money"),
        ("reason", "Why not", "text"),
    ]
    body = f"<h3>Selected ({len(chosen)})</h3>"
    body += (
        _table(chosen, selected_columns, currency=currency)
        if len(chosen)
        else "<p>No project is selected.</p>"
    )
    body += f"<h3>Not in the plan ({len(others)})</h3>"
    body += (
        _table(others, other_columns, currency=currency)
        if len(others)
        else "<p>Every project is in the plan.</p>"
    )
    return _section(
        "plan",
        "The plan",
        body,
        lead="Every project: selected ones by start, the others by strategic value. Cost is the "
        "project's total planned cost.",
        page=True,
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
    from ..charts.save import chart_spec
    from .assets import vega_javascript

    if explain < 0 or what_if < 0:
        raise ValueError(
            f"explain and what_if must be 0 or more (got explain={explain}, what_if={what_if})"
        )
    if comparison is not None:
        comparison = tables.as_frame(comparison, "table")
    if frontier is not None:
        frontier = tables.as_frame(frontier, "points")
    charts = figures.plan_charts(plan)
    comparison_chart = figures.comparison_chart(comparison) if comparison is not None else None
    frontier_chart = figures.frontier_chart(frontier) if frontier is not None else None
    if comparison_chart is not None:
        charts["chart-comparison"] = comparison_chart
    if frontier_chart is not None:
        charts["chart-frontier"] = frontier_chart
    specs = {key: chart_spec(chart) for key, chart in charts.items()}

    heading = title or "Portfolio plan"
    horizon = plan.portfolio.horizon
    meta = (
        f"Horizon {horizon[0]} to {horizon[-1]} · {len(plan.schedule)} projects · "
        f"maximising {plan.options.value_basis} · solver {plan.solver}"
    )
    body = [
        f"<header><h1>{_esc(heading)}</h1><p class='meta'>{_esc(meta)}</p></header>",
        _summary_section(plan, currency),
        _charts_section(plan, charts, currency),
        _binding_section(plan, currency),
        _explanations_section(plan, explain, what_if, currency),
        _optional_section(
            "comparison",
            "Scenario comparison",
            comparison,
            "chart-comparison",
            comparison_chart is not None,
            "The same portfolio planned under each scenario.",
        ),
        _optional_section(
            "frontier",
            "Efficient frontier",
            frontier,
            "chart-frontier",
            frontier_chart is not None,
            "What each level of budget buys: the best plan's objective per budget.",
        ),
        _plan_tables_section(plan, currency),
        "<footer>Made with pmo_analytics from the plan's own figures. Charts are drawn in the "
        "browser by the Vega libraries inlined in this file; the page loads nothing from the "
        "network.</footer>",
    ]
    scripts = (
        f'<script type="application/json" id="pmo-chart-specs">{figures.json_for_script(specs)}</script>'
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
