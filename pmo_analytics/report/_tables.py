"""The frames of the leadership pack, shared by the HTML report and the workbook.

Each function takes a :class:`~pmo_analytics.Plan` and returns a plain frame (periods as labels,
money in the portfolio's currency), so that the page and the workbook show the same figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._vocab import CLOSED_STATUSES
from ..exceptions import ArgumentTypeError
from ..optimise import search_words
from ..portfolio import project_load

if TYPE_CHECKING:  # pragma: no cover
    from ..optimise import Plan

#: A column of a table of the pack: (column of the frame, header, kind). The kind says how the
#: page and the workbook format its values: text, bool, money, number, small (tiny numbers such
#: as value per unit of currency), share, count or fte.
Column = tuple[str, str, str]

#: Columns of the plan table of the pack (plan.csv's columns and a few more), in order.
PLAN_TABLE_COLUMNS = [
    "project_id",
    "name",
    "category",
    "business_unit",
    "status",
    "mandatory",
    "selected",
    "start",
    "finish",
    "value",
    "objective_value",
    "cost",
    "reason",
]
#: Reasons that mean a project is no candidate at all (never explained as "left out").
NOT_CANDIDATE = CLOSED_STATUSES


def _label(values: pd.Series) -> pd.Series:
    """Periods as labels (``2027Q1``); missing as an empty string."""
    return values.map(lambda p: "" if p is None or pd.isna(p) else str(p)).astype(object)


def plan_rows(plan: Plan) -> pd.DataFrame:
    """Every project of the plan: :data:`PLAN_TABLE_COLUMNS`, selected first by start, then the
    rest by strategic value (highest first).

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> plan = pa.optimise(pa.generate_portfolio(8, n_periods=4, n_roles=2, seed=1))
    >>> plan_rows(plan).columns[:4].tolist()
    ['project_id', 'name', 'category', 'business_unit']
    """
    schedule = plan.schedule
    table = schedule.reset_index().reindex(columns=PLAN_TABLE_COLUMNS)
    table["start_order"] = pd.PeriodIndex(schedule["start"]).asi8
    table["rank_value"] = -table["value"].astype(float).fillna(-np.inf)
    table = table.sort_values(
        ["selected", "start_order", "rank_value", "project_id"],
        ascending=[False, True, True, True],
        kind="stable",
    ).drop(columns=["start_order", "rank_value"])
    for column in ("start", "finish"):
        table[column] = _label(table[column])
    for column in ("category", "business_unit", "status"):
        table[column] = table[column].astype(object).where(table[column].notna(), "")
    table["mandatory"] = table["mandatory"].fillna(False).astype(bool)
    table["selected"] = table["selected"].astype(bool)
    words = table["status"].astype(str).str.replace("_", " ", regex=False)
    table["status_text"] = words.where(~table["mandatory"], words + ", mandatory")
    return table.reset_index(drop=True)


def budget_rows(plan: Plan) -> pd.DataFrame:
    """Spend against budget per period: period, budget, spend, remaining, share, then the spend
    of each category [currency]. Budget, remaining and share are NaN without a budget.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> plan = pa.optimise(pa.generate_portfolio(8, n_periods=4, n_roles=2, seed=1))
    >>> budget_rows(plan).columns[:5].tolist()
    ['period', 'budget', 'spend', 'remaining', 'share']
    """
    periods = pd.PeriodIndex(plan.portfolio.horizon, name="period")
    spend = plan.spend
    by_category = (
        spend.assign(category=spend["category"].astype(object).fillna("(none)"))
        .pivot_table(index="period", columns="category", values="cost", aggfunc="sum")
        .reindex(periods)
        .fillna(0.0)
        if len(spend)
        else pd.DataFrame(index=periods)
    )
    by_category.columns = [str(c) for c in by_category.columns]
    used = by_category.sum(axis=1) if len(by_category.columns) else pd.Series(0.0, index=periods)
    rows = plan.utilisation[plan.utilisation["resource"] == "budget"]
    budget = pd.Series(
        rows["available"].astype(float).to_numpy(), index=pd.PeriodIndex(rows["period"])
    ).reindex(periods)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = used / budget.where(budget > 0)
    out = pd.DataFrame(
        {
            "period": periods.astype(str),
            "budget": budget.to_numpy(),
            "spend": used.to_numpy(dtype=float),
            "remaining": (budget - used).to_numpy(),
            "share": share.to_numpy(),
        }
    )
    for column in by_category.columns:
        out[column] = by_category[column].to_numpy(dtype=float)
    return out


#: The columns of :func:`budget_rows` before the spend per category.
BUDGET_COLUMNS: list[Column] = [
    ("period", "Period", "text"),
    ("budget", "Budget", "money"),
    ("spend", "Planned spend", "money"),
    ("remaining", "Remaining", "money"),
    ("share", "Share used", "share"),
]


def schedule_grid(plan: Plan) -> pd.DataFrame:
    """Selected projects × horizon periods: the project's cost in each period it runs [currency]
    (0 where it runs without cost) and NaN where it does not run.

    Indexed by project_id (in roadmap order: by start), with name and category first, then one
    column per period label.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> plan = pa.optimise(pa.generate_portfolio(8, n_periods=4, n_roles=2, seed=1))
    >>> schedule_grid(plan).columns.tolist()[:3]
    ['name', 'category', '2027Q1']
    """

    horizon = pd.PeriodIndex(plan.portfolio.horizon)
    labels = [str(p) for p in horizon]
    chosen = plan.schedule[plan.schedule["selected"].astype(bool)]
    starts = pd.PeriodIndex(chosen["start"])
    finishes = pd.PeriodIndex(chosen["finish"])
    order = np.lexsort((chosen.index.to_numpy(dtype=str), starts.asi8))
    chosen, starts, finishes = chosen.iloc[order], starts[order], finishes[order]
    ordinals = horizon.asi8
    running = (ordinals[None, :] >= starts.asi8[:, None]) & (
        ordinals[None, :] <= finishes.asi8[:, None]
    )
    spend, _ = project_load(plan.portfolio, chosen["start"])
    cost = (
        spend.assign(period=spend["period"].astype(str))
        .pivot_table(index="project_id", columns="period", values="cost", aggfunc="sum")
        .reindex(index=chosen.index, columns=labels)
        .fillna(0.0)
    )
    grid = pd.DataFrame(
        np.where(running, cost.to_numpy(dtype=float), np.nan), index=chosen.index, columns=labels
    )
    grid.insert(
        0, "category", chosen["category"].astype(object).where(chosen["category"].notna(), "")
    )
    grid.insert(0, "name", chosen["name"].astype(object))
    grid.index.name = "project_id"
    return grid


def limit_rows(limits: pd.DataFrame, *, top: int | None = None) -> pd.DataFrame:
    """The limits as the pack shows them: those re-optimised first (highest gain first), then
    the other tight ones; each with its gain's proven range and the LP estimate.

    Columns: limit, period, used, available, utilisation, tight, blocking (``, ``-separated),
    step, gain, gain_low, gain_high, range (``0.00 – 14.99``, or ``proven`` where the gain is
    exact), lp_estimate.
    """
    shown = limits[limits["gain"].notna() | limits["tight"].astype(bool)]
    shown = shown.assign(
        _evaluated=shown["gain"].notna(),
        _gain=shown["gain"].fillna(-np.inf),
        _high=shown["gain_high"].fillna(-np.inf),
    ).sort_values(
        ["_evaluated", "_gain", "_high", "limit", "period"],
        ascending=[False, False, False, True, True],
        kind="stable",
    )
    if top is not None:
        shown = shown.head(top)
    exact = (shown["gain_high"] - shown["gain_low"]).abs() <= 1e-6 * np.maximum(
        1.0, shown["gain_high"].abs()
    )
    ranges = [
        "" if pd.isna(low) else ("proven" if same else f"{low:,.2f} – {high:,.2f}")
        for low, high, same in zip(shown["gain_low"], shown["gain_high"], exact, strict=True)
    ]
    out = shown[[c for c in shown.columns if not c.startswith("_")]].reset_index(drop=True)
    out["blocking"] = out["blocking"].str.replace(";", ", ", regex=False)
    out["range"] = ranges
    return out


#: The columns of :func:`limit_rows` as the pack shows them (kinds of role rows; see
#: :func:`limit_kinds` for the budget's).
LIMIT_TABLE_COLUMNS: list[Column] = [
    ("limit", "Limit", "text"),
    ("period", "Period", "text"),
    ("used", "Used", "fte"),
    ("available", "Available", "fte"),
    ("utilisation", "Utilisation", "share"),
    ("blocking", "Keeps out alone", "text"),
    ("step", "Step", "fte"),
    ("gain", "Gain (re-optimised)", "number"),
    ("range", "Proven range", "text"),
    ("lp_estimate", "LP estimate", "number"),
]


def limit_kinds(limits: pd.DataFrame) -> list[dict[str, str]]:
    """Per row of :func:`limit_rows`, the kinds that differ from :data:`LIMIT_TABLE_COLUMNS`:
    budget rows are money."""
    money = {"used": "money", "available": "money", "step": "money"}
    return [money if r == "budget" else {} for r in limits["limit"]]


#: Columns of ``changes.csv`` as the pack shows them.
CHANGE_TABLE_COLUMNS: list[Column] = [
    ("project_id", "Project", "text"),
    ("name", "Name", "text"),
    ("change", "Change", "text"),
    ("previous_start", "Previous start", "text"),
    ("start", "Start", "text"),
    ("reason", "Reason", "text"),
]


def change_rows(changes: pd.DataFrame) -> pd.DataFrame:
    """Every row of ``changes.csv``, the change in words (``pulled_forward`` → ``pulled
    forward``), blanks as empty text."""
    out = changes.reindex(columns=[c for c, _, _ in CHANGE_TABLE_COLUMNS]).copy()
    out = out.astype(object).where(out.notna(), "")
    out["change"] = out["change"].astype(str).str.replace("_", " ", regex=False)
    return out.reset_index(drop=True)


def column_kind(values: pd.Series) -> str:
    """How to show a column of an arbitrary frame: bool, share (a fraction: named like
    ``*utilisation``, ``*share`` or ``gap``), count (integers), money (numbers reaching
    10,000), small (numbers all below 0.01, such as value per unit of currency), number (other
    numbers) or text."""
    name = str(values.name).lower()
    if pd.api.types.is_bool_dtype(values):
        return "bool"
    if pd.api.types.is_integer_dtype(values):
        return "count"
    if pd.api.types.is_numeric_dtype(values):
        if name == "gap" or name.endswith(("utilisation", "share")):
            return "share"
        largest = values.astype(float).abs().replace(np.inf, np.nan).max(skipna=True)
        if largest >= 10_000:
            return "money"
        return "small" if 0 < largest < 0.01 else "number"
    return "text"


def header(column: str) -> str:
    """A column name as a header: ``budget_utilisation`` → ``Budget utilisation``."""
    text = column.replace("_", " ")
    return text[:1].upper() + text[1:]


def as_frame(data: object, attribute: str) -> pd.DataFrame:
    """A frame given directly, or the ``attribute`` frame of a result object (the ``table`` of a
    scenario comparison, the ``points`` of a frontier)."""
    frame = data if isinstance(data, pd.DataFrame) else getattr(data, attribute, None)
    if not isinstance(frame, pd.DataFrame):
        raise ArgumentTypeError(
            f"expected a DataFrame or an object with a .{attribute} DataFrame, "
            f"not {type(data).__name__}"
        )
    return frame


#: Columns of a caller's frame the pack leaves out: run times, which differ from run to run.
TIMING_COLUMNS = ("seconds",)


def flat_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a meaningful index (named, or not a plain range) as leading columns,
    periods as labels, column names as text, and without :data:`TIMING_COLUMNS` (so that the
    pack of the same plan is the same file)."""
    if not isinstance(frame.index, pd.RangeIndex) or any(n is not None for n in frame.index.names):
        frame = frame.reset_index()
    out = frame.drop(columns=[c for c in frame.columns if str(c) in TIMING_COLUMNS])
    for column in out.columns:
        if isinstance(out[column].dtype, pd.PeriodDtype):
            out[column] = _label(out[column])
    out.columns = [str(c) for c in out.columns]
    return out


def shown_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Column]]:
    """Any tidy frame ready to show: :func:`flat_frame` of it, and its columns with headers
    from their names and kinds from their values (:func:`column_kind`)."""
    flat = flat_frame(frame)
    return flat, [(c, header(c), column_kind(flat[c])) for c in flat.columns]


def top_excluded(plan: Plan, n: int) -> pd.Index:
    """The ``n`` most valuable candidates left out of the plan (by strategic value, then id)."""
    schedule = plan.schedule
    out = schedule[~schedule["selected"].astype(bool) & ~schedule["reason"].isin(NOT_CANDIDATE)]
    out = out.assign(_key=-out["value"].astype(float).fillna(-np.inf))
    ids = out.sort_values(["_key"], kind="stable").index
    return ids[:n]


def total_budget(plan: Plan) -> float:
    """The budget over the horizon [currency]: the run's total budget where one was set, else
    the sum of the per-period budgets (NaN without either)."""
    if plan.options.budget is not None:
        return float(plan.options.budget)
    if plan.portfolio.has_budget:
        return float(plan.portfolio.budget_by_period().sum())
    return float("nan")


def budget_share(plan: Plan) -> float:
    """The share of :func:`total_budget` the plan spends (NaN without a budget)."""
    budget = total_budget(plan)
    return plan.total_cost / budget if budget and np.isfinite(budget) else float("nan")


def summary_items(plan: Plan) -> list[tuple[str, object, str]]:
    """The headline figures as (label, value, kind) rows; kind is one of text, money, number,
    share or count (how to format the value)."""
    budget = total_budget(plan)
    candidates = len(plan.portfolio.candidates())
    status = {
        "optimal": "optimal (proven best)",
        "feasible": "feasible (best found; optimum not proven)",
        "infeasible": "infeasible (no plan satisfies the rules)",
        "not_solved": "not solved",
    }.get(plan.status, plan.status)
    horizon = plan.portfolio.horizon
    items: list[tuple[str, object, str]] = [
        ("Status", status, "text"),
        ("Strategic value of the selection", plan.value, "number"),
        (f"Objective ({plan.options.value_basis})", plan.objective, "number"),
    ]
    if plan.status == "feasible":
        items += [("Best proven bound", plan.bound, "number"), ("Gap", plan.gap, "share")]
    items += [
        ("Projects selected", plan.n_selected, "count"),
        ("Candidates", candidates, "count"),
        ("Planned spend in the horizon", plan.total_cost, "money"),
        ("Budget in the horizon", budget, "money"),
        ("Share of the budget used", budget_share(plan), "share"),
        ("Horizon", f"{horizon[0]} to {horizon[-1]} ({len(horizon)} periods)", "text"),
        ("Search", search_words(plan), "text"),
    ]
    return items
