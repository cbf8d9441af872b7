"""The sections of the leadership report: each one a piece of escaped HTML made from a Plan.

The summary (status banner, headline cards, notes, run details), the chart sections with their
tables, the binding limits, the explanations of the most valuable projects left out, a section
for an optional frame (scenario comparison, frontier) and the plan table. The frames come from
:mod:`pmo_analytics.report._tables`, shared with the workbook; the page that holds the sections
is assembled in :mod:`pmo_analytics.report.html`. Every piece of user text is escaped here.
"""

from __future__ import annotations

import html
import math
import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..optimise import Plan
from ..optimise import what_if as what_if_of
from . import _tables as tables
from ._style import STATUS_COLOURS

_esc = html.escape


# --------------------------------------------------------------------------- building blocks
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
    columns: Sequence[tables.Column],
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


def _list(items: Iterable[object]) -> str:
    return '<ul class="notes">' + "".join(f"<li>{_esc(str(i))}</li>" for i in items) + "</ul>"


def _section(
    key: str, heading: str, body: str, *, lead: str = "", page: bool = False, chart_id: str = ""
) -> str:
    """A section; its heading, lead and the chart ``chart_id`` (drawn into a container by
    vega-embed; its title is in the chart) are kept on one printed page."""
    cls = ' class="page"' if page else ""
    intro = f'<p class="lead">{_esc(lead)}</p>' if lead else ""
    figure = (
        f'<figure class="chart"><div class="pmo-chart" id="{chart_id}"></div></figure>'
        if chart_id
        else ""
    )
    return (
        f'<section id="{key}"{cls}><div class="keep"><h2>{_esc(heading)}</h2>{intro}{figure}</div>'
        f"{body}</section>"
    )


# --------------------------------------------------------------------------- sections
def summary_section(plan: Plan, currency: str) -> str:
    """Status banner, headline cards (value, spend against budget, selection, limits in the
    way), the diagnosis and notes where there are any, and the run details."""
    colours = STATUS_COLOURS.get(plan.status, STATUS_COLOURS["not_solved"])
    items = {label: (value, kind) for label, value, kind in tables.summary_items(plan)}
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
        f"<strong>Plan status: {_esc(str(items['Status'][0]))}</strong><br>{_esc(detail)}</div>"
    )
    budget = tables.total_budget(plan)
    share = tables.budget_share(plan)
    meter = ""
    if np.isfinite(share):
        over = " over" if share > 1 + 1e-9 else ""
        meter = f'<div class="meter{over}"><span style="width:{min(share, 1.0) * 100:.1f}%"></span></div>'
    spend_detail = (
        f"of {_number(budget, 'money', currency)} budget ({_number(share, 'share')})"
        if np.isfinite(budget)
        else "no budget given"
    )
    cards = [
        (
            "Strategic value",
            _number(plan.value, "number"),
            f"objective {_number(plan.objective, 'number')} ({plan.options.value_basis})",
            "",
        ),
        ("Spend vs budget", _number(plan.total_cost, "money", currency), spend_detail, meter),
        ("Projects selected", f"{plan.n_selected}", f"of {items['Candidates'][0]} candidates", ""),
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


def chart_sections(plan: Plan, chart_ids: Iterable[str], currency: str) -> str:
    """The roadmap, the spend against budget (with its table) and the capacity sections, for
    the plan's charts among ``chart_ids``."""
    drawn = set(chart_ids)
    parts = []
    if "chart-roadmap" in drawn:
        lead = (
            "When each selected project runs; arrows link a prerequisite to the project that "
            "depends on it."
        )
        parts.append(
            _section("roadmap", "Roadmap", "", chart_id="chart-roadmap", lead=lead, page=True)
        )
    if "chart-spend" in drawn:
        budget = _table(
            tables.budget_rows(plan), tables.BUDGET_COLUMNS, currency=currency, css_class="compact"
        )
        lead = "How much of each period's budget the plan uses."
        parts.append(
            _section("budget", "Spend against budget", budget, chart_id="chart-spend", lead=lead)
        )
    if "chart-capacity" in drawn:
        lead = "Which roles are stretched, and when."
        parts.append(_section("capacity", "Capacity", "", chart_id="chart-capacity", lead=lead))
    return "".join(parts)


def binding_section(plan: Plan, currency: str, *, top: int = 20) -> str:
    """The ``top`` most valuable binding limits with their shadow prices (none without a
    solution)."""
    if not plan.is_solution():
        return ""
    binding = tables.binding_rows(plan, top=top)
    if binding.empty:
        body = "<p>No budget or capacity limit binds: every limit has room to spare.</p>"
    else:
        body = _table(
            binding,
            tables.BINDING_COLUMNS,
            currency=currency,
            row_kinds=tables.binding_kinds(binding),
        )
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


def explanations_section(plan: Plan, n: int, what_if: int, currency: str) -> str:
    """Why the ``n`` most valuable candidates were left out; for the first ``what_if`` of them
    also what forcing them in would cost (each re-solves the plan)."""
    if not plan.is_solution() or n <= 0:
        return ""
    ids = tables.top_excluded(plan, n)
    if not len(ids):
        return ""
    cards = []
    for i, pid in enumerate(ids):
        row = plan.schedule.loc[pid]
        try:
            text = plan.explain(pid)
            if i < what_if:
                text += " " + what_if_of(plan, pid).text
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


def frame_section(
    key: str, heading: str, frame: pd.DataFrame | None, *, chart_id: str = "", lead: str = ""
) -> str:
    """Any tidy frame (a scenario comparison, a frontier) as a table under its chart
    ``chart_id``, if it has one; nothing without a frame."""
    if frame is None:
        return ""
    flat, columns = tables.shown_frame(frame)
    body = f'<div class="wide">{_table(flat, columns)}</div>'
    return _section(key, heading, body, lead=lead, chart_id=chart_id)


#: Columns of the page's tables of the selected projects and of the others: who, then when (or
#: status), what it is worth and costs, and why it is in or out.
_PROJECT_COLUMNS: list[tables.Column] = [
    ("project_id", "Id", "text"),
    ("name", "Project", "text"),
    ("category", "Category", "text"),
    ("business_unit", "Business unit", "text"),
]
_SIZE_COLUMNS: list[tables.Column] = [("value", "Value", "number"), ("cost", "Cost", "money")]
_SELECTED_COLUMNS: list[tables.Column] = [
    *_PROJECT_COLUMNS,
    ("start", "Start", "text"),
    ("finish", "Finish", "text"),
    *_SIZE_COLUMNS,
    ("reason", "In the plan as", "text"),
]
_OTHER_COLUMNS: list[tables.Column] = [
    *_PROJECT_COLUMNS,
    ("status", "Status", "text"),
    *_SIZE_COLUMNS,
    ("reason", "Why not", "text"),
]


def plan_section(plan: Plan, currency: str) -> str:
    """Every project: the selected ones by start, then the others by strategic value."""
    rows = tables.plan_rows(plan)
    chosen = rows[rows["selected"]]
    others = rows[~rows["selected"]]
    body = f"<h3>Selected ({len(chosen)})</h3>"
    body += (
        _table(chosen, _SELECTED_COLUMNS, currency=currency)
        if len(chosen)
        else "<p>No project is selected.</p>"
    )
    body += f"<h3>Not in the plan ({len(others)})</h3>"
    body += (
        _table(others, _OTHER_COLUMNS, currency=currency)
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
