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
from ..optimise import Formulation, Plan, best_start, build_formulation, start_conflicts
from ..periods import labels

if TYPE_CHECKING:  # pragma: no cover
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
    # the plan's model, built once for every "what would it break" below
    model = build_formulation(plan.portfolio, plan.options) if plan.is_solution() else None
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
                _reason(what, pid, plan, previous, started, continuing, model)
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
    model: Formulation | None,
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
        return _dropped_text(pid, plan, model)
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
    return _move_text(what, pid, plan, planned, model)


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


def _blockers(conflicts: pd.DataFrame, *, most: int = 3) -> list[str]:
    """What a start would break (rows of :func:`~pmo_analytics.optimise.start_conflicts`),
    in words, worst first."""
    parts = []
    for row in conflicts.itertuples(index=False):
        left = max(row.remaining, 0)
        if row.family == "capacity":
            parts.append(
                f"{row.need:,.2f} {row.resource} FTE in {row.period} where {left:,.2f} remain"
            )
        elif row.family == "budget":
            parts.append(
                f"{_money(row.need)} in {row.period} where {_money(left)} of the budget remain"
            )
        elif row.family == "total_budget":
            parts.append(f"{_money(row.need)} of the total budget where {_money(left)} remain")
        elif row.family in DEPENDENCY_KINDS:
            parts.append(
                {
                    "requires": f"{row.other_id} in the plan (it requires it)",
                    "follows": f"{row.other_id} to finish first (it must follow it)",
                    "excludes": f"{row.other_id} out of the plan (the two exclude each other)",
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


def _dropped_text(pid: str, plan: Plan, model: Formulation | None) -> str:
    """Why a previously selected project is out of the new plan, in a line."""
    reason = plan.schedule.at[pid, "reason"]
    if reason == "window":
        return "not in the new plan (window): no start of its window lets it finish in the horizon"
    if reason == "forced_out":
        return "not in the new plan: it was forced out"
    if plan.solution is None or pid not in plan.solution.index.get_level_values("project_id"):
        return f"not in the new plan ({reason})"
    start = best_start(plan, pid, formulation=model)
    conflicts = start_conflicts(plan, pid, start, formulation=model)
    if conflicts.empty:
        return (
            f"not in the new plan ({reason}): it would fit at {start}, but other work "
            "delivers more value within the limits"
        )
    return (
        f"not in the new plan ({reason}): even at its best start {start} it would need "
        + "; ".join(_blockers(conflicts))
    )


def _move_text(
    what: str, pid: str, plan: Plan, planned: pd.Period, model: Formulation | None
) -> str:
    """Why a project's start moved: what it would hit at its planned start in the new plan."""
    new = plan.schedule.at[pid, "start"]
    head = f"start moved from {planned} to {new}"
    if plan.solution is None or (pid, planned) not in plan.solution.index:
        if planned < plan.portfolio.horizon[0]:
            status = plan.portfolio.projects.at[pid, "status"]
            return f"{head}: it did not start in {planned} as planned (status {status})"
        first, last = plan.portfolio.projects.loc[pid, ["first_start", "last_start"]]
        return f"{head}: {planned} is no longer a possible start (its window is {first}..{last})"
    # what would its old start hit?
    parts = _blockers(start_conflicts(plan, pid, planned, formulation=model))
    if parts:
        return f"{head}: at {planned} it would need " + "; ".join(parts)
    if what == "deferred":
        return (
            f"{head}: it would still fit at {planned}, but starting it in {new} lets other "
            "work start sooner for more value overall"
        )
    return f"{head}: room is free earlier now, and earlier starts are preferred at equal value"
