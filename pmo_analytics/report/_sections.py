"""The sections of the leadership report, each prepared as plain data from a Plan.

The summary (status banner, headline cards with the scale of value, the churn penalty of a
replan, notes, run details), what changed against the previous plan (a replan), the chart
sections with their tables, what one more step of each limit is worth (re-optimised, with its
proven range; the LP estimate labelled as one) and what each excluded project would need, the
explanations of the most valuable projects left out, a section for an optional frame (scenario
comparison, frontier) and the plan table. Each ``*_data`` function returns a dict of text and
numbers as text; the templates (``templates/sections.html.j2``) make the markup and escape
every value. ``*_section`` renders one section alone (for tests and notebooks).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..optimise import Plan, objective_words, project_needs, value_scale
from ..optimise import what_if as what_if_of
from . import _tables as tables
from ._style import STATUS_COLOURS
from ._templates import render_section

Data = dict[str, Any]


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
        return f"{number:,.2f}"
    if kind == "small":
        return f"{number:.3g}"
    return f"{number:,.2f}"


def table_data(
    frame: pd.DataFrame,
    columns: Sequence[tables.Column],
    *,
    currency: str = "",
    css_class: str = "",
    row_kinds: Sequence[dict[str, str]] | None = None,
) -> Data:
    """A table of ``frame`` as plain data: columns as (column, header, kind), every cell as
    text of its kind (overridden per row by ``row_kinds``: column → kind)."""
    head = [{"header": h, "num": k not in ("text", "bool")} for _, h, k in columns]
    cells = [frame[c].tolist() for c, _, _ in columns]
    overrides = row_kinds or [{}] * len(frame)
    rows = [
        [
            _number(v, override.get(c, k), currency)
            for v, (c, _, k) in zip(row, columns, strict=True)
        ]
        for row, override in zip(zip(*cells, strict=True), overrides, strict=True)
    ]
    return {"columns": head, "rows": rows, "css_class": css_class}


def _section(
    kind: str,
    key: str,
    heading: str,
    *,
    lead: str = "",
    page: bool = False,
    chart_id: str = "",
    **content: object,
) -> Data:
    """A section's data: its macro (``kind``), id, heading, lead, whether it starts a printed
    page, the chart drawn under its heading (``chart_id``) and its content."""
    return {
        "kind": kind,
        "key": key,
        "heading": heading,
        "lead": lead,
        "page": page,
        "chart_id": chart_id,
        **content,
    }


# --------------------------------------------------------------------------- sections
def summary_data(plan: Plan, currency: str) -> Data:
    """Status banner, headline cards (value with its scale, spend against budget, selection,
    tight limits), the objective explained (churn penalty), diagnosis, notes, run details."""
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
    budget = tables.total_budget(plan)
    share = tables.budget_share(plan)
    meter = None
    if np.isfinite(share):
        meter = {"over": bool(share > 1 + 1e-9), "width": f"{min(share, 1.0) * 100:.1f}"}
    spend_detail = (
        f"of {_number(budget, 'money', currency)} budget ({_number(share, 'share')})"
        if np.isfinite(budget)
        else "no budget given"
    )
    scale = value_scale(plan) if plan.is_solution() else None
    value_detail = scale.share(plan.value) if scale else ""
    use = plan.utilisation
    tight = int(((use["available"] - use["used"]) <= 1e-6 * use["available"].abs().clip(1)).sum())
    cards = [
        ("Strategic value", _number(plan.value, "number"), value_detail or "no plan", None),
        ("Spend vs budget", _number(plan.total_cost, "money", currency), spend_detail, meter),
        (
            "Projects selected",
            f"{plan.n_selected}",
            f"of {items['Candidates'][0]} candidates",
            None,
        ),
        (
            "Tight limits",
            f"{tight if plan.is_solution() else 0}",
            "budget or capacity periods used to the full",
            None,
        ),
    ]
    objective = objective_words(plan)
    if scale is not None:
        objective = (objective + ". " if objective else "") + (
            f"Value is measured in {scale.unit}; all candidates together are worth "
            f"{scale.total:,.2f}."
        )
    return _section(
        "summary",
        "summary",
        "Summary",
        banner={
            "fill": colours[0],
            "border": colours[1],
            "status": str(items["Status"][0]),
            "detail": detail,
        },
        cards=[
            {"label": label, "figure": figure, "detail": text, "meter": bar}
            for label, figure, text, bar in cards
        ],
        objective_words=objective,
        diagnosis=plan.diagnosis["message"].tolist() if len(plan.diagnosis) else [],
        notes=list(plan.notes),
        details=[(label, _number(value, kind, currency)) for label, (value, kind) in items.items()],
    )


def chart_data(plan: Plan, chart_ids: Iterable[str], currency: str) -> list[Data]:
    """The roadmap, the spend against budget (with its table) and the capacity sections, for
    the plan's charts among ``chart_ids``."""
    drawn = set(chart_ids)
    parts = []
    if "chart-roadmap" in drawn:
        lead = (
            "When each selected project runs. Arrows run from a project to the one that must "
            "follow it; a dashed line joins a project to one it requires (in the plan, "
            "whenever it runs)."
        )
        parts.append(
            _section(
                "chart",
                "roadmap",
                "Roadmap",
                lead=lead,
                page=True,
                chart_id="chart-roadmap",
                table=None,
            )
        )
    if "chart-spend" in drawn:
        budget = table_data(
            tables.budget_rows(plan), tables.BUDGET_COLUMNS, currency=currency, css_class="compact"
        )
        lead = "How much of each period's budget the plan uses."
        parts.append(
            _section(
                "chart",
                "budget",
                "Spend against budget",
                lead=lead,
                chart_id="chart-spend",
                table=budget,
            )
        )
    if "chart-capacity" in drawn:
        lead = "Which roles are stretched, and when."
        parts.append(
            _section(
                "chart", "capacity", "Capacity", lead=lead, chart_id="chart-capacity", table=None
            )
        )
    return parts


def limits_data(plan: Plan, limits: pd.DataFrame, currency: str, *, top: int = 20) -> Data | None:
    """What one more step of each limit is worth: the re-optimised ones first, with their
    proven ranges and LP estimates; and what each excluded project would need (none without a
    solution)."""
    if not plan.is_solution():
        return None
    shown = tables.limit_rows(limits, top=top)
    scale = value_scale(plan)
    nodes = limits.attrs.get("node_limit")
    evaluated = int(limits["gain"].notna().sum())
    lead = (
        "For the most promising budget and capacity limits, the plan was re-optimised with one "
        "more step of the limit (1 FTE of a role; for the budget, the smallest amount that lets "
        "a project in): the gain is the value the new plan adds over this one. Where a search "
        "does not prove its optimum, the best plan's gain is proven to lie in the range shown. "
        "The LP estimate (the linear relaxation's shadow price × the step) is an estimate only: "
        "whole projects and whole people often realise less. "
        f"Value is measured in {scale.unit}; all candidates together are worth "
        f"{scale.total:,.2f}."
    )
    footnotes = []
    if evaluated:
        effort = f" (at most {nodes:,} nodes of whole-model search each)" if nodes else ""
        footnotes.append(
            f"{evaluated} limits re-optimised{effort}, each from this plan as its start; "
            "other tight limits are listed without a gain."
        )
    needs = project_needs(plan)
    alone = limits["blocking"].ne("").sum()
    if len(needs) and not alone:
        footnotes.append(
            "No limit alone keeps a project out: each project left out needs more of several "
            "limits at once (below), so the gains above come from rearranging the plan."
        )
    return _section(
        "limits",
        "limits",
        "What one more step of each limit is worth",
        lead=lead,
        table=table_data(
            shown,
            tables.LIMIT_TABLE_COLUMNS,
            currency=currency,
            row_kinds=tables.limit_kinds(shown),
        )
        if len(shown)
        else None,
        empty="No budget or capacity limit is full, and none was re-optimised.",
        footnotes=footnotes,
        needs=needs["text"].tolist(),
    )


def explanations_data(plan: Plan, n: int, what_if: int, currency: str) -> Data | None:
    """Why the ``n`` most valuable candidates were left out; for the first ``what_if`` of them
    also what forcing them in would cost (each re-solves the plan)."""
    if not plan.is_solution() or n <= 0:
        return None
    ids = tables.top_excluded(plan, n)
    if not len(ids):
        return None
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
            {
                "title": f"{pid} {row['name']}",
                "reason": str(row["reason"]),
                "value": _number(row["value"], "number"),
                "cost": _number(row["cost"], "money", currency),
                "text": text,
            }
        )
    return _section(
        "excluded",
        "excluded",
        "Valuable projects left out",
        lead=f"The {len(ids)} most valuable candidates not in the plan, and what keeps them out.",
        cards=cards,
    )


def changes_data(plan: Plan, changes: pd.DataFrame | None) -> Data | None:
    """What changed against the previous plan (a replan's ``changes.csv``, every row)."""
    if changes is None:
        return None
    rows = tables.change_rows(changes)
    started = int((changes["change"] == "started").sum()) if len(changes) else 0
    lead = (
        f"{len(rows)} change{'s' if len(rows) != 1 else ''} against the previous plan, each with "
        "its reason" + (f" ({started} of them starts that went as planned)." if started else ".")
        if len(rows)
        else ""
    )
    words = objective_words(plan)
    if words:
        lead += f" The {words}."
    return _section(
        "changes",
        "changes",
        "What changed",
        lead=lead.strip(),
        table=table_data(rows, tables.CHANGE_TABLE_COLUMNS) if len(rows) else None,
    )


def frame_data(
    key: str, heading: str, frame: pd.DataFrame | None, *, chart_id: str = "", lead: str = ""
) -> Data | None:
    """Any tidy frame (a scenario comparison, a frontier) as a table under its chart
    ``chart_id``, if it has one; nothing without a frame."""
    if frame is None:
        return None
    flat, columns = tables.shown_frame(frame)
    return _section(
        "frame", key, heading, lead=lead, chart_id=chart_id, table=table_data(flat, columns)
    )


#: Columns of the page's tables of the selected projects and of the others: who, then when
#: and in what status, what it is worth and costs, and why it is in or out.
_PROJECT_COLUMNS: list[tables.Column] = [
    ("project_id", "Id", "text"),
    ("name", "Project", "text"),
    ("category", "Category", "text"),
    ("business_unit", "Business unit", "text"),
]
_SIZE_COLUMNS: list[tables.Column] = [("value", "Value", "number"), ("cost", "Cost", "money")]
_SELECTED_COLUMNS: list[tables.Column] = [
    *_PROJECT_COLUMNS,
    ("status_text", "Status", "text"),
    ("start", "Start", "text"),
    ("finish", "Finish", "text"),
    *_SIZE_COLUMNS,
    ("reason", "In the plan as", "text"),
]
_OTHER_COLUMNS: list[tables.Column] = [
    *_PROJECT_COLUMNS,
    ("status_text", "Status", "text"),
    *_SIZE_COLUMNS,
    ("reason", "Why not", "text"),
]


def plan_data(plan: Plan, currency: str) -> Data:
    """Every project: the selected ones by start, then the others by strategic value."""
    rows = tables.plan_rows(plan)
    chosen = rows[rows["selected"]]
    others = rows[~rows["selected"]]
    return _section(
        "plan",
        "plan",
        "The plan",
        lead="Every project: selected ones by start, the others by strategic value. Status is "
        "the portfolio's (in flight, on hold, approved, proposed; mandatory where it is). Cost "
        "is the project's total planned cost.",
        page=True,
        n_selected=len(chosen),
        n_others=len(others),
        selected=table_data(chosen, _SELECTED_COLUMNS, currency=currency) if len(chosen) else None,
        others=table_data(others, _OTHER_COLUMNS, currency=currency) if len(others) else None,
    )


# --------------------------------------------------------------------------- one section alone
def summary_section(plan: Plan, currency: str) -> str:
    """The summary section's markup."""
    return render_section(summary_data(plan, currency))


def limits_section(plan: Plan, limits: pd.DataFrame, currency: str, *, top: int = 20) -> str:
    """The limits section's markup (empty without a solution)."""
    data = limits_data(plan, limits, currency, top=top)
    return render_section(data) if data else ""


def explanations_section(plan: Plan, n: int, what_if: int, currency: str) -> str:
    """The explanations section's markup (empty when there is nothing to explain)."""
    data = explanations_data(plan, n, what_if, currency)
    return render_section(data) if data else ""


def changes_section(plan: Plan, changes: pd.DataFrame | None) -> str:
    """The "What changed" section's markup (empty without changes)."""
    data = changes_data(plan, changes)
    return render_section(data) if data else ""


def plan_section(plan: Plan, currency: str) -> str:
    """The plan table section's markup."""
    return render_section(plan_data(plan, currency))
