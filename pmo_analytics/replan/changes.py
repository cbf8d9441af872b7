"""What changed and why: the ``changes.csv`` table of a replan.

One row per project whose decision changed against the previous plan — ``started`` (was
planned to start in a period now past, and is now in flight), ``stopped`` (was in flight, now
stopped), ``dropped`` (was selected, now not), ``deferred`` (start moved later),
``pulled_forward`` (earlier), ``newly_selected`` — each with its reason in plain words, worked
out from the new plan's limits: what a moved project would need at its old start, what keeps a
dropped one out, what stopping in-flight work frees.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._vocab import CLOSED_STATUSES, DEPENDENCY_KINDS
from ..periods import labels

if TYPE_CHECKING:  # pragma: no cover
    from ..optimise import Plan
    from .previous_plan import PreviousPlan

#: Columns of ``changes.csv``, in order.
CHANGE_COLUMNS = ["project_id", "name", "change", "previous_start", "start", "reason"]
#: The kinds of change, in the order changes.csv lists them.
CHANGE_KINDS = ("started", "stopped", "dropped", "deferred", "pulled_forward", "newly_selected")


def describe_changes(
    plan: Plan,
    previous: PreviousPlan,
    *,
    started: pd.DataFrame | None = None,
    continuing: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The changes.csv table: one row per project whose decision changed, with its reason.

    Parameters
    ----------
    plan : Plan
        The new plan.
    previous : PreviousPlan
    started : DataFrame, optional
        :func:`pmo_analytics.replan`'s record of projects taken as started.
    continuing : DataFrame, optional
        continue_or_stop figures of in-flight work (for the reasons of stops).

    Returns
    -------
    DataFrame
        Columns :data:`CHANGE_COLUMNS`, ordered by kind (:data:`CHANGE_KINDS`) then project_id.
    """
    started = started if started is not None else pd.DataFrame(columns=["start", "was", "now"])
    continuing = continuing if continuing is not None else pd.DataFrame()
    schedule = plan.schedule
    projects = plan.portfolio.projects
    old = previous.table
    h0 = plan.portfolio.horizon[0]
    ids = old.index.union(schedule.index, sort=False)
    was = old["selected"].reindex(ids, fill_value=False).astype(bool)
    was_start = old["start"].reindex(ids)
    was_in_flight = old["reason"].reindex(ids).eq("in_flight") if "reason" in old else False
    now = schedule["selected"].reindex(ids, fill_value=False).astype(bool)
    now_start = schedule["start"].reindex(ids)
    status = projects["status"].reindex(ids)
    in_flight = status.eq("in_flight")
    began = ids.isin(started.index) | (was & ~was_in_flight & in_flight)

    kind = pd.Series("", index=ids, dtype=object)
    kind[began] = "started"
    kind[was & in_flight & ~now] = "stopped"
    both = (was & now & ~began & ~in_flight).to_numpy()
    new_pos = pd.PeriodIndex(now_start, freq=h0.freq).asi8
    old_pos = pd.PeriodIndex(was_start, freq=h0.freq).asi8
    moved = pd.Series(np.where(both, new_pos - np.where(both, old_pos, 0), 0), index=ids)
    later = pd.Series(both, index=ids) & (moved != 0)
    kind[later & (moved > 0)] = "deferred"
    kind[later & (moved < 0)] = "pulled_forward"
    # work that has finished leaves the plan without a decision: not a change
    kind[was & ~now & ~in_flight & ~began & ~status.eq("completed")] = "dropped"
    kind[~was & now] = "newly_selected"
    changed = kind[kind != ""]
    pids = changed.index
    names = projects["name"].reindex(pids)  # the portfolio's name, else the previous plan's
    if "name" in old:
        names = names.fillna(old["name"].reindex(pids))
    table = pd.DataFrame(
        {
            "project_id": pids,
            "name": names.fillna("").astype(str).to_numpy(),
            "change": changed.to_numpy(),
            "previous_start": labels(was_start.reindex(pids)),
            "start": labels(now_start.reindex(pids).where(now.reindex(pids))),
            "reason": [
                _reason(what, pid, plan, previous, started, continuing)
                for pid, what in changed.items()
            ],
        },
        columns=CHANGE_COLUMNS,
    )
    order = {k: i for i, k in enumerate(CHANGE_KINDS)}
    return (
        table.assign(_order=table["change"].map(order))
        .sort_values(["_order", "project_id"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def _money(v: float) -> str:
    return f"{v:,.0f}"


def _reason(
    what: str,
    pid: str,
    plan: Plan,
    previous: PreviousPlan,
    started: pd.DataFrame,
    continuing: pd.DataFrame,
) -> str:
    schedule = plan.schedule
    old = previous.table
    planned = old["start"].get(pid)
    if what == "started":
        actual = plan.portfolio.projects.at[pid, "start"]
        text = (
            f"planned to start in {planned}; started as planned"
            if actual == planned
            else f"planned to start in {planned}; started in {actual}"
        )
        if pid in started.index:
            assumed = started.at[pid, "was"]
            if started.at[pid, "now"] == "completed":
                return (
                    f"{text} and, by plan, finished before {plan.portfolio.horizon[0]} "
                    f"(taken as completed; the portfolio lists it as {assumed})"
                )
            text += f" (taken from the previous plan; the portfolio lists it as {assumed})"
        if schedule.at[pid, "selected"]:
            return f"{text}; now in flight and continues"
        return text + "; " + _stop_text(pid, plan, continuing)
    if what == "stopped":
        if pid in started.index:
            return f"started in {planned} as planned (taken from the previous plan); " + _stop_text(
                pid, plan, continuing
            )
        return _stop_text(pid, plan, continuing)
    if what == "dropped":
        if pid not in schedule.index:
            return "no longer in the portfolio"
        status = plan.portfolio.projects.at[pid, "status"]
        if status in CLOSED_STATUSES:
            return f"its status is now {status}"
        return _dropped_text(pid, plan)
    if what == "newly_selected":
        head = (
            "a new candidate"
            if pid not in old.index
            else f"previously not in the plan ({old.at[pid, 'reason'] or 'not selected'})"
        )
        status = plan.portfolio.projects.at[pid, "status"]
        if status == "in_flight":
            return f"{head}; in flight since {plan.portfolio.projects.at[pid, 'start']}"
        return f"{head}; now starts in {schedule.at[pid, 'start']}: " + _why_selected(plan, pid)
    return _move_text(what, pid, plan, planned)


def _why_selected(plan: Plan, pid: str) -> str:
    reason = plan.schedule.at[pid, "reason"]
    if reason == "mandatory":
        return "it is mandatory"
    if pid in plan.options.force_in:
        return "it was forced in"
    value = plan.schedule.at[pid, "value"]
    return f"it earns its place on value ({value:,.2f}) within the new limits"


def _stop_text(pid: str, plan: Plan, continuing: pd.DataFrame) -> str:
    portfolio = plan.portfolio
    start = portfolio.projects.at[pid, "start"]
    lines = portfolio.cashflows[portfolio.cashflows["project_id"] == pid]
    when = start.ordinal + lines["offset"].to_numpy()
    inside = (when >= portfolio.horizon[0].ordinal) & (when <= portfolio.horizon[-1].ordinal)
    freed = float(lines["cost"].to_numpy()[inside].sum())
    basis = ""
    if pid in continuing.index and continuing.at[pid, "cost_factor"] != 1.0:
        basis = f" (its estimate to complete: {continuing.at[pid, 'cost_factor']:.2f} x plan)"
    text = f"in flight since {start}; stopping it frees {_money(freed)} of cost still to come in the horizon{basis}"
    share = plan.options.termination_cost
    if share > 0:
        text += f", less a termination cost of {_money(share * freed)}"
    if pid in continuing.index:
        row = continuing.loc[pid]
        text += (
            f"; it would still deliver {row['remaining_value']:,.2f} of value "
            f"(sunk cost {_money(row['sunk_cost'])} ignored)"
        )
    return text + "; that money and those people deliver more value elsewhere"


def _x(plan: Plan) -> np.ndarray:
    x = np.zeros(len(plan.formulation.columns))
    x[: len(plan.solution)] = plan.solution.to_numpy()
    return x


def _blockers(plan: Plan, pid: str, col: int, x: np.ndarray, *, most: int = 3) -> list[str]:
    """What start option ``col`` of ``pid`` would break, given the plan ``x`` (worst first)."""
    from ..optimise import option_collisions, row_table

    hits = option_collisions(plan.formulation, x)
    hits = hits[hits["col"] == col].sort_values("overrun", ascending=False, kind="stable")
    rows = row_table(plan.formulation)
    parts = []
    for row in hits.itertuples(index=False):
        if row.family == "capacity":
            parts.append(
                f"{row.need:,.1f} {row.resource} FTE in {row.period} where "
                f"{max(row.remaining, 0):,.1f} remain"
            )
        elif row.family == "budget":
            parts.append(
                f"{_money(row.need)} in {row.period} where {_money(max(row.remaining, 0))} "
                "of the budget remain"
            )
        elif row.family == "total_budget":
            parts.append(
                f"{_money(row.need)} of the total budget where {_money(max(row.remaining, 0))} remain"
            )
        elif row.family in DEPENDENCY_KINDS:
            block = plan.formulation.block(row.family)
            label = block.rows.iloc[int(rows.at[row.row, "block_row"])]
            mine, theirs = str(label["project_id"]), str(label["other_id"])
            other = theirs if mine == pid else mine
            parts.append(
                {
                    "requires": f"{other} in the plan (it requires it)",
                    "follows": f"{other} to finish first (it must follow it)",
                    "excludes": f"{other} out of the plan (the two exclude each other)",
                }[row.family]
            )
        elif row.family == "starts":
            parts.append(f"a start in {row.period}, where the limit on new starts is reached")
        elif row.family == "balance":
            parts.append("more room in a balance rule on the portfolio's mix")
    parts = list(dict.fromkeys(parts))
    if len(parts) > most:
        parts = [*parts[:most], f"and {len(parts) - most} more"]
    return parts


def _dropped_text(pid: str, plan: Plan) -> str:
    """Why a previously selected project is out of the new plan, in a line."""
    from ..optimise import exclusion_reasons

    reason = plan.schedule.at[pid, "reason"]
    if reason == "window":
        return "not in the new plan (window): no start of its window lets it finish in the horizon"
    if reason == "forced_out":
        return "not in the new plan: it was forced out"
    x = _x(plan)
    best = exclusion_reasons(plan.formulation, x)
    if pid not in best.index:
        return f"not in the new plan ({reason})"
    col = int(best.at[pid, "best_col"])
    start = plan.formulation.options.reset_index().set_index("col").at[col, "start"]
    parts = _blockers(plan, pid, col, x)
    if not parts:
        return (
            f"not in the new plan ({reason}): it would fit at {start}, but other work delivers "
            "more value within the limits"
        )
    return (
        f"not in the new plan ({reason}): even at its best start {start} it would need "
        + "; ".join(parts)
    )


def _move_text(what: str, pid: str, plan: Plan, planned: pd.Period) -> str:
    """Why a project's start moved: what it would hit at its planned start in the new plan."""
    new = plan.schedule.at[pid, "start"]
    head = f"start moved from {planned} to {new}"
    opts = plan.formulation.options
    if (pid, planned) not in opts.index:
        if planned < plan.portfolio.horizon[0]:
            status = plan.portfolio.projects.at[pid, "status"]
            return f"{head}: it did not start in {planned} as planned (status {status})"
        first, last = plan.portfolio.projects.loc[pid, ["first_start", "last_start"]]
        return f"{head}: {planned} is no longer a possible start (its window is {first}..{last})"
    x = _x(plan)
    x[opts.loc[pid, "col"].to_numpy()] = 0.0  # the project out: what would its old start hit?
    parts = _blockers(plan, pid, int(opts.at[(pid, planned), "col"]), x)
    if parts:
        return f"{head}: at {planned} it would need " + "; ".join(parts)
    if what == "deferred":
        return (
            f"{head}: it would still fit at {planned}, but starting it in {new} lets other "
            "work start sooner for more value overall"
        )
    return f"{head}: room is free earlier now, and earlier starts are preferred at equal value"
