"""Why a project is out of a plan: the limits and rules each of its starts would break.

:func:`option_collisions` adds every start option of every excluded project to the plan, one
at a time and all at once (vectorised over the constraint matrix), and lists the rows it
would break; :func:`exclusion_reasons` turns them into one reason per project — the
``reason`` of ``plan.csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .formulation import Formulation

_TOL = 1e-6


def row_table(formulation: Formulation) -> pd.DataFrame:
    """Every constraint row stacked: family, sense, rhs, resource label, period, block row."""
    parts = []
    for block in formulation.blocks:
        rows = block.rows
        if block.family == "capacity":
            resource = rows["role"].astype(str)
        elif block.family in ("budget", "total_budget"):
            resource = pd.Series("budget", index=rows.index)
        else:
            resource = pd.Series(block.family, index=rows.index)
        period = rows["period"] if "period" in rows else pd.Series(pd.NaT, index=rows.index)
        parts.append(
            pd.DataFrame(
                {
                    "family": block.family,
                    "sense": block.sense,
                    "rhs": rows["rhs"].to_numpy(dtype=float),
                    "resource": resource.to_numpy(),
                    "period": period.to_numpy(),
                    "block_row": np.arange(block.size),
                }
            )
        )
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["family", "sense", "rhs", "resource", "period", "block_row"])
    )


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
    rows = row_table(formulation)
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
