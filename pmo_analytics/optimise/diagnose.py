"""Diagnosis: why no plan satisfies the rules.

:func:`diagnose_infeasibility` finds the smallest relaxation of the limits and
forced choices (elastic slack, minimised relative to each limit) that would let the rules hold
and says it in words. Why one project is out of a plan that exists is :mod:`.reasons`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .blocks import Block
from .formulation import ELASTIC_FAMILIES, Formulation
from .plan import DIAGNOSIS_COLUMNS
from .reasons import option_collisions


def elastic_formulation(
    formulation: Formulation, *, forced_weight: float = 10.0
) -> tuple[Formulation, pd.DataFrame]:
    """The formulation with a slack on every limit and forced row, minimising relative slack.

    Returns the elastic formulation and a table of its slack columns (col, family,
    block_row, weight).
    """
    columns = formulation.columns.copy()
    # optional projects are discouraged, so the diagnosis speaks of the work that must run
    n_x = len(formulation.options)
    must_cols = set()
    forced = formulation.block("forced")
    if forced is not None:
        must_cols = set(forced.entries["col"])
    objective = np.where(np.isin(np.arange(len(columns)), list(must_cols)), 0.0, -1e-6)
    objective[n_x:] = 0.0
    columns["objective"] = objective
    blocks, slacks = [], []
    for block in formulation.blocks:
        if block.family not in ELASTIC_FAMILIES:
            blocks.append(block)
            continue
        first = len(columns) + sum(len(s) for s in slacks)
        k = block.size
        rhs = block.rows["rhs"].to_numpy(dtype=float)
        if block.family == "forced":
            weight = np.full(k, forced_weight)
            coef = 1.0  # sum x + s == 1: s is how much of the project is dropped
        elif block.family == "balance":
            weight = np.full(k, 1.0 / max(1.0, float(np.abs(block.entries["coef"]).max())))
            coef = -1.0
        else:
            weight = 1.0 / np.maximum(np.abs(rhs), 1e-6)
            weight = np.where(np.abs(rhs) < 1e-9, 1.0, weight)
            coef = -1.0
        slack = pd.DataFrame(
            {
                "col": first + np.arange(k),
                "family": block.family,
                "block_row": np.arange(k),
                "weight": weight,
            }
        )
        slacks.append(slack)
        entries = pd.concat(
            [block.entries, pd.DataFrame({"row": np.arange(k), "col": slack["col"], "coef": coef})],
            ignore_index=True,
        )
        blocks.append(Block(block.family, block.sense, block.rows, entries))
    slack_table = (
        pd.concat(slacks, ignore_index=True)
        if slacks
        else pd.DataFrame(columns=["col", "family", "block_row", "weight"])
    )
    extra = pd.DataFrame(
        {
            "name": [f"slack_{c}" for c in slack_table["col"]],
            "lb": 0.0,
            "ub": np.inf,
            "binary": False,
            "objective": -slack_table["weight"].to_numpy(dtype=float),
        }
    )
    elastic = dataclasses.replace(
        formulation,
        columns=pd.concat([columns, extra], ignore_index=True),
        blocks=blocks,
        constant=0.0,
    )
    return elastic, slack_table


def elastic_solve(
    formulation: Formulation, *, solver: str = "cbc", time_limit: float | None = 60.0
) -> tuple[np.ndarray | None, pd.DataFrame, str]:
    """Solve the elastic formulation: column values (or None), the slack table with the amount
    of each slack, and the solver's status."""
    from .model import solve

    elastic, slacks = elastic_formulation(formulation)
    result = solve(elastic, solver=solver, time_limit=time_limit, gap=0.0)
    if result.values is None:
        return None, slacks.assign(amount=np.nan), f"{result.status}: {result.message}"
    return (
        result.values,
        slacks.assign(amount=result.values[slacks["col"].to_numpy()]),
        result.status,
    )


def diagnose_infeasibility(
    formulation: Formulation,
    portfolio,
    *,
    solver: str = "cbc",
    time_limit: float | None = 60.0,
    elastic: tuple[np.ndarray | None, pd.DataFrame, str] | None = None,
) -> pd.DataFrame:
    """The smallest relaxation that lets the rules hold, one row per relaxed limit, in words.

    Columns: family, resource, period, project_id, needed, available, shortfall, message.
    ``elastic`` reuses a result of :func:`elastic_solve`.
    """
    values, slacks, status = elastic or elastic_solve(
        formulation, solver=solver, time_limit=time_limit
    )
    columns = DIAGNOSIS_COLUMNS
    if values is None:
        return pd.DataFrame(
            [{"family": "unknown", "message": f"the rules could not be analysed ({status})"}],
            columns=columns,
        )
    relaxed = slacks[slacks["amount"] > 1e-6]
    # activity of each original row in the elastic solution (without its slack)
    matrix = formulation.sparse_matrix()
    activity = matrix @ values[: matrix.shape[1]]
    offsets = dict(
        zip(
            [b.family for b in formulation.blocks],
            np.cumsum([0] + [b.size for b in formulation.blocks])[:-1],
            strict=True,
        )
    )
    projects = portfolio.projects
    opts = formulation.options.reset_index()
    rows_out = []
    for item in relaxed.itertuples(index=False):
        block = formulation.block(item.family)
        label = block.rows.iloc[item.block_row]
        needed = float(activity[offsets[item.family] + item.block_row])
        facts = _Relaxed(
            label=label,
            needed=needed,
            available=float(label["rhs"]),
            amount=float(item.amount),
            contributors=_contributors(block, item.block_row, values, opts, projects),
        )
        if item.family == "forced":
            rows_out.append(_forced_row(facts, formulation, portfolio, values))
        elif item.family in _LIMIT_ROWS:
            rows_out.append(_LIMIT_ROWS[item.family](facts))
    out = pd.DataFrame(rows_out, columns=columns)
    return out.sort_values(
        ["family", "shortfall"], ascending=[True, False], kind="stable"
    ).reset_index(drop=True)


@dataclass(frozen=True)
class _Relaxed:
    """One relaxed row of the elastic solution: its labels, what the must-run work needs of
    it, what it allows, the slack used and the largest contributors in words."""

    label: pd.Series
    needed: float
    available: float
    amount: float
    contributors: str

    @property
    def short(self) -> float:
        return self.needed - self.available


def _capacity_row(f: _Relaxed) -> tuple:
    role, period = f.label["role"], f.label["period"]
    message = (
        f"the projects that must run (mandatory, in flight, forced in) need {f.needed:,.2f} "
        f"{role} FTE in {period}; capacity is {f.available:,.2f}"
        f" (short by {f.short:,.2f}){f.contributors}"
    )
    return ("capacity", role, period, None, f.needed, f.available, f.short, message)


def _budget_row(f: _Relaxed) -> tuple:
    period = f.label["period"]
    message = (
        f"the projects that must run need {f.needed:,.0f} in {period}; the budget is "
        f"{f.available:,.0f} (short by {f.short:,.0f}){f.contributors}"
    )
    return ("budget", "budget", period, None, f.needed, f.available, f.short, message)


def _total_budget_row(f: _Relaxed) -> tuple:
    message = (
        f"the projects that must run cost {f.needed:,.0f} over the horizon; the total budget "
        f"is {f.available:,.0f}{f.contributors}"
    )
    return ("total_budget", "budget", None, None, f.needed, f.available, f.short, message)


def _balance_row(f: _Relaxed) -> tuple:
    label = f.label
    message = (
        f"balance rule cannot be met: {label['by']} {label['group']} {label['bound']} share "
        f"{label['share']:.0%} of {label['measure']}"
    )
    group = f"{label['by']}={label['group']}"
    return ("balance", group, None, None, f.needed, f.available, f.amount, message)


def _starts_row(f: _Relaxed) -> tuple:
    period = f.label["period"]
    message = (
        f"{f.needed:,.0f} projects that must run start in {period}; at most "
        f"{f.available:,.0f} may start per period"
    )
    return ("starts", "starts", period, None, f.needed, f.available, f.short, message)


#: How each relaxed limit is worded (the forced rows need the model: :func:`_forced_row`).
_LIMIT_ROWS = {
    "capacity": _capacity_row,
    "budget": _budget_row,
    "total_budget": _total_budget_row,
    "balance": _balance_row,
    "starts": _starts_row,
}


def _forced_row(f: _Relaxed, formulation: Formulation, portfolio, values: np.ndarray) -> tuple:
    pid = f.label["project_id"]
    projects = portfolio.projects
    name = projects.at[pid, "name"] if pid in projects.index else pid
    why = f.label.get("reason", "forced in")
    deps = portfolio.dependencies
    related = deps[(deps["project_id"] == pid) | (deps["other_id"] == pid)]
    dep_text = (
        "; its dependencies: "
        + ", ".join(f"{r.project_id} {r.kind} {r.other_id}" for r in related.itertuples())
        if len(related)
        else ""
    )
    blockers = _forced_blockers(formulation, values, pid)
    message = (
        f"{pid} {name} ({why.replace('_', ' ')}) does not fit: {blockers}; leaving it out is "
        f"the smallest change{dep_text}"
    )
    return ("forced", None, None, pid, 1.0, 0.0, f.amount, message)


_RULE_WORDS = {
    "requires": "a project it requires",
    "follows": "a project it must follow",
    "excludes": "a project that excludes it",
    "balance": "a balance rule",
    "starts": "the limit on projects starting per period",
    "total_budget": "the total budget",
}


def _forced_blockers(formulation: Formulation, values: np.ndarray, project_id: str) -> str:
    """What a must-run project left out of the elastic solution would break at its best start."""
    if project_id not in formulation.options.index.get_level_values("project_id"):
        return "no start in its window lets it finish inside the horizon"
    x = values[: len(formulation.columns)].copy()
    collisions = option_collisions(formulation, x)
    mine = collisions[collisions["project_id"] == project_id]
    if mine.empty:
        return "it conflicts with the other rules"
    best = mine.groupby("col")["overrun"].sum().idxmin()
    parts = []
    for row in (
        mine[mine["col"] == best]
        .sort_values("overrun", ascending=False)
        .head(3)
        .itertuples(index=False)
    ):
        if row.family == "capacity":
            parts.append(
                f"{row.need:,.2f} {row.resource} FTE in {row.period} where {max(row.remaining, 0):,.2f} remain"
            )
        elif row.family == "budget":
            parts.append(
                f"{row.need:,.0f} in {row.period} where {max(row.remaining, 0):,.0f} of the budget remain"
            )
        else:
            parts.append(_RULE_WORDS.get(row.family, f"the {row.family} rule"))
    return "even at its best start it needs " + "; ".join(parts)


def _contributors(
    block: Block,
    block_row: int,
    values: np.ndarray,
    opts: pd.DataFrame,
    projects: pd.DataFrame,
    top: int = 4,
) -> str:
    entries = block.entries[block.entries["row"] == block_row]
    entries = entries[entries["col"] < len(opts)]
    active = entries[values[entries["col"].to_numpy()] > 0.5]
    if active.empty:
        return ""
    who = opts.set_index("col").loc[active["col"].to_numpy(), "project_id"].to_numpy()
    load = (
        pd.Series(active["coef"].to_numpy(), index=who)
        .groupby(level=0)
        .sum()
        .sort_values(ascending=False)
    )
    shown = ", ".join(f"{pid} {load[pid]:,.2f}" for pid in load.index[:top])
    more = f" and {len(load) - top} more" if len(load) > top else ""
    return f" — largest: {shown}{more}"
