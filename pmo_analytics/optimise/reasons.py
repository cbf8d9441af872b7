"""Why a project is out of a plan: the limits and rules each of its starts would break.

:func:`option_collisions` adds every start option of every excluded project to the plan, one
at a time and all at once (vectorised over the constraint matrix), and lists the rows it
would break; :func:`exclusion_reasons` turns them into one reason per project — the
``reason`` of ``plan.csv``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .formulation import Formulation, build_formulation

if TYPE_CHECKING:  # pragma: no cover
    from .plan import Plan

_TOL = 1e-6


#: Constraint family → the reason word it gives an excluded project (``plan.csv``).
CAUSE = {
    "budget": "budget",
    "total_budget": "budget",
    "requires": "dependency",
    "follows": "dependency",
    "excludes": "dependency",
    "balance": "balance",
    "starts": "start_limit",
}


def option_collisions(formulation: Formulation, x: np.ndarray) -> pd.DataFrame:
    """For every start option not in the plan: the rows it would break if added alone.

    Returns one row per (option column, broken row): col, project_id, row, family, cause
    (budget, capacity:ROLE, dependency, balance, start_limit), resource, period, need
    (the option's coefficient), remaining (rhs − used), overrun (relative to the limit).
    """
    matrix = formulation.sparse_matrix()
    rows = formulation.rows
    used = matrix @ x
    n_x = len(formulation.options)
    opts = formulation.options.reset_index()
    out_cols = opts.loc[x[:n_x] < 0.5, "col"].to_numpy()
    sub = matrix[:, out_cols].tocoo()
    frame = pd.DataFrame({"row": sub.row, "col": out_cols[sub.col], "need": sub.data})
    frame = frame.join(rows[["family", "sense", "rhs", "resource", "period"]], on="row")
    frame = frame[frame["sense"] == "<="]
    remaining = rows["rhs"].to_numpy() - used
    room = _carried_budget_room(formulation, x)
    if room is not None:  # cumulative budget: money unspent earlier is still there
        budget_rows = np.flatnonzero(rows["family"].to_numpy() == "budget")
        remaining[budget_rows] = room
    frame["remaining"] = remaining[frame["row"].to_numpy()]
    excess = frame["need"] - frame["remaining"]
    frame = frame[excess > _TOL * np.maximum(1.0, frame["rhs"].abs())].copy()
    frame["overrun"] = (frame["need"] - frame["remaining"]) / np.maximum(frame["rhs"].abs(), 1e-9)
    frame["cause"] = frame["family"].map(CAUSE).fillna(frame["family"])
    capacity = frame["family"] == "capacity"
    frame.loc[capacity, "cause"] = "capacity:" + frame.loc[capacity, "resource"].astype(str)
    frame["project_id"] = (
        opts.set_index("col").loc[frame["col"].to_numpy(), "project_id"].to_numpy()
    )
    return frame.reset_index(drop=True)


def _carried_budget_room(formulation: Formulation, x: np.ndarray) -> np.ndarray | None:
    """With a cumulative budget, the money an option may still add in each period.

    Adding cost in period t raises every later running total, so the room in t is the least
    cumulative slack from t on: min over s >= t of (budget to s − spend to s). None when the
    budget is per period.
    """
    block = formulation.block("budget")
    n_x = len(formulation.options)
    if block is None or not (block.entries["col"] >= n_x).any():
        return None
    options_only = block.entries[block.entries["col"] < n_x]
    spend = np.bincount(
        options_only["row"].to_numpy(),
        weights=options_only["coef"].to_numpy() * x[options_only["col"].to_numpy()],
        minlength=block.size,
    )
    slack = np.cumsum(block.rows["rhs"].to_numpy(dtype=float) - spend)
    return np.minimum.accumulate(slack[::-1])[::-1]


def exclusion_reasons(
    formulation: Formulation, x: np.ndarray, *, collisions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Why each candidate left out of the plan is out (one row per project_id).

    Columns: reason (dependency, budget, capacity:ROLE, balance, start_limit, or ``value`` when
    some start would fit every rule — not worth it under the objective, or the search stopped
    early), best_col (the start option that comes closest to fitting).
    """
    n_x = len(formulation.options)
    opts = formulation.options.reset_index()
    selected_projects = set(opts.loc[x[:n_x] > 0.5, "project_id"])
    out = opts[~opts["project_id"].isin(selected_projects)][["project_id", "col", "pos"]]
    if out.empty:
        return pd.DataFrame(columns=["reason", "best_col"], index=pd.Index([], name="project_id"))
    if collisions is None:
        collisions = option_collisions(formulation, x)
    collisions = collisions[collisions["project_id"].isin(out["project_id"])]
    per_option = collisions.groupby("col").agg(
        dependency=("cause", lambda c: (c == "dependency").any()),
        total=("overrun", "sum"),
    )
    worst = collisions.sort_values(["col", "overrun"], ascending=[True, False]).drop_duplicates(
        "col"
    )
    options = out.set_index("col").join(per_option).join(worst.set_index("col")["cause"])
    options["dependency"] = options["dependency"].astype("boolean").fillna(False).astype(bool)
    options["total"] = options["total"].fillna(0.0)
    options["cause"] = options["cause"].fillna("value")
    # an option blocked by a dependency is ranked after every option that is not
    options["rank_key"] = options["dependency"].astype(float) * 1e12 + options["total"]
    options = options.reset_index().sort_values(["project_id", "rank_key", "pos"], kind="stable")
    best = options.drop_duplicates("project_id").set_index("project_id")
    reason = best["cause"].where(~best["dependency"], "dependency")
    return pd.DataFrame({"reason": reason, "best_col": best["col"]}).rename_axis("project_id")


#: Columns of :func:`start_conflicts`.
CONFLICT_COLUMNS = [
    "project_id",
    "start",
    "family",
    "cause",
    "resource",
    "period",
    "need",
    "remaining",
    "rhs",
    "overrun",
    "other_id",
]


def start_conflicts(
    plan: Plan,
    project_id: str,
    start: pd.Period | None = None,
    *,
    formulation: Formulation | None = None,
) -> pd.DataFrame:
    """What one start of a project would break in a plan: the facts behind "why not".

    The project is taken out of the plan first (so a selected project's own load does not
    count against it), then its start option is added alone: every budget, capacity or rule
    row it would overrun, worst first.

    Parameters
    ----------
    plan : Plan
    project_id : str
    start : Period, optional
        The start to try; by default the project's best start (the one closest to fitting,
        as :func:`exclusion_reasons` ranks them).
    formulation : Formulation, optional
        The plan's model (default: built again from ``plan.portfolio`` and ``plan.options``).

    Returns
    -------
    DataFrame
        One row per broken row: project_id, start, family, cause (budget, capacity:ROLE,
        dependency, balance, start_limit), resource, period, need (what the start adds),
        remaining (what the plan leaves of the limit), rhs (the limit), overrun (relative to
        the limit) and other_id (the other project of a dependency row). Empty when the start
        fits every row, or is no start option of the project.

    Examples
    --------
    >>> from pmo_analytics.portfolio import generate_portfolio
    >>> from pmo_analytics.optimise import optimise
    >>> plan = optimise(generate_portfolio(12, n_periods=6, n_roles=3, seed=3))
    >>> out = plan.schedule.index[~plan.schedule["selected"]][0]
    >>> list(start_conflicts(plan, out).columns) == CONFLICT_COLUMNS
    True
    """
    model = (
        formulation if formulation is not None else build_formulation(plan.portfolio, plan.options)
    )
    options = model.options
    empty = pd.DataFrame(columns=CONFLICT_COLUMNS)
    if plan.solution is None or project_id not in options.index.get_level_values("project_id"):
        return empty
    x = model.column_values(plan.solution)
    if x is None:
        return empty
    x[options.loc[project_id, "col"].to_numpy()] = 0.0  # the project out of the plan
    if start is None:
        col = int(exclusion_reasons(model, x).at[project_id, "best_col"])
    elif (project_id, start) in options.index:
        col = int(options.at[(project_id, start), "col"])
    else:
        return empty
    hits = option_collisions(model, x)
    hits = hits[hits["col"] == col].sort_values("overrun", ascending=False, kind="stable")
    return (
        _with_other(model, hits)
        .assign(start=options.reset_index().set_index("col").at[col, "start"])[CONFLICT_COLUMNS]
        .reset_index(drop=True)
    )


def best_start_conflicts(
    formulation: Formulation, collisions: pd.DataFrame, why: pd.DataFrame
) -> pd.DataFrame:
    """What the best start of every excluded project would break: the facts a plan keeps.

    Parameters
    ----------
    formulation : Formulation
        The plan's model.
    collisions : DataFrame
        :func:`option_collisions` of the plan.
    why : DataFrame
        :func:`exclusion_reasons` of the plan (its ``best_col`` per excluded project).

    Returns
    -------
    DataFrame
        :data:`CONFLICT_COLUMNS`, one row per row each excluded project's best start would
        break (worst first within a project), as :func:`start_conflicts` gives them one
        project at a time; a project whose best start fits every row has no row.
    """
    if why.empty:
        return pd.DataFrame(columns=CONFLICT_COLUMNS)
    hits = collisions[collisions["col"].isin(why["best_col"].to_numpy())]
    hits = hits.sort_values(["project_id", "overrun"], ascending=[True, False], kind="stable")
    start = formulation.options.reset_index().set_index("col")["start"]
    return (
        _with_other(formulation, hits)
        .assign(start=start.reindex(hits["col"].to_numpy()).to_numpy())[CONFLICT_COLUMNS]
        .reset_index(drop=True)
    )


def best_start(
    plan: Plan, project_id: str, *, formulation: Formulation | None = None
) -> pd.Period | None:
    """The start of ``project_id`` that comes closest to fitting ``plan`` (the project taken
    out first): where its reason was judged. None when it has no start option."""
    found = _without(plan, project_id, formulation)
    if found is None:
        return None
    model, x = found
    col = int(exclusion_reasons(model, x).at[project_id, "best_col"])
    return model.options.reset_index().set_index("col").at[col, "start"]


def _without(
    plan: Plan, project_id: str, formulation: Formulation | None
) -> tuple[Formulation, np.ndarray] | None:
    """The plan's model and its column values with ``project_id`` taken out (None when the
    plan has no solution or the project no start option)."""
    model = formulation or build_formulation(plan.portfolio, plan.options)
    options = model.options
    if plan.solution is None or project_id not in options.index.get_level_values("project_id"):
        return None
    x = model.column_values(plan.solution)
    if x is None:
        return None
    x[options.loc[project_id, "col"].to_numpy()] = 0.0
    return model, x


def _with_other(formulation: Formulation, hits: pd.DataFrame) -> pd.DataFrame:
    """``hits`` with ``other_id``: for dependency rows, the project at the other end."""
    rows = formulation.rows
    other = pd.Series(None, index=hits.index, dtype=object)
    for family in hits["family"].unique():
        block = formulation.block(family)
        if not {"project_id", "other_id"} <= set(block.rows.columns):
            continue
        mine = hits["family"] == family
        labels = block.rows.iloc[rows["block_row"].to_numpy()[hits.loc[mine, "row"].to_numpy()]]
        first = labels["project_id"].astype(str).to_numpy()
        second = labels["other_id"].astype(str).to_numpy()
        other[mine] = np.where(first == hits.loc[mine, "project_id"].to_numpy(), second, first)
    return hits.assign(other_id=other)
