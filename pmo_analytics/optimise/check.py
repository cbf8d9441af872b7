"""An independent check of any plan against its portfolio: every rule, every period.

It shares nothing with the formulation: it recomputes spend and demand from the portfolio's
own tables (through :func:`pmo_analytics.portfolio.utilisation.project_load`) and re-reads every rule of
the contract and of the run's options, so a bug in the model cannot hide from it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._vocab import CLOSED_STATUSES, NEEDS_KINDS
from ..portfolio import project_load
from .plan import Plan

VIOLATION_COLUMNS = ["rule", "subject", "period", "detail"]


def check_plan(plan: Plan, portfolio=None, *, tolerance: float = 1e-6) -> pd.DataFrame:
    """Every rule the plan breaks (an empty frame for a valid plan).

    Parameters
    ----------
    plan : Plan
    portfolio : Portfolio, optional
        Defaults to the portfolio the plan was made for.
    tolerance : float
        Relative tolerance on limits.

    Returns
    -------
    DataFrame
        rule, subject (project or resource), period, detail — one row per violation.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> from pmo_analytics.optimise import optimise
    >>> check_plan(optimise(generate_portfolio(10, n_periods=6, n_roles=3, seed=1))).empty
    True
    """
    portfolio = plan.portfolio if portfolio is None else portfolio
    options = plan.options
    projects = portfolio.projects
    schedule = plan.schedule
    found: list[dict] = []

    def add(rule: str, subject: str, period: object, detail: str) -> None:
        found.append({"rule": rule, "subject": subject, "period": period, "detail": detail})

    if not plan.is_solution():
        return pd.DataFrame(columns=VIOLATION_COLUMNS)
    selected = schedule.index[schedule["selected"]]
    starts = schedule.loc[selected, "start"]
    sel = projects.loc[selected]
    freq = portfolio.horizon[0].freq
    h0, h_end = portfolio.horizon[0], portfolio.horizon[-1]

    # who may and who must be in the plan
    for pid in selected[sel["status"].isin(CLOSED_STATUSES).to_numpy()]:
        add("status", pid, None, f"selected although {projects.at[pid, 'status']}")
    for pid in selected.intersection(pd.Index(options.force_out)):
        add("force_out", pid, None, "selected although forced out")
    must = (
        projects.index[
            ~projects["status"].isin(CLOSED_STATUSES)
            & (
                projects["mandatory"].astype(bool)
                | (projects["status"].eq("in_flight") & (not options.allow_stop_in_flight))
            )
        ]
        .union(pd.Index(options.force_in))
        .difference(pd.Index(options.force_out))
    )  # force_out wins
    for pid in must.difference(selected):
        add("must_run", pid, None, "mandatory, in flight or forced in, but not selected")

    # timing: inside the window, finishing inside the horizon; in-flight keep their start
    start_ord = pd.PeriodIndex(starts, freq=freq).asi8
    duration = sel["duration"].to_numpy()
    in_flight = sel["status"].eq("in_flight").to_numpy()
    fixed = pd.PeriodIndex(sel["start"], freq=freq).asi8
    earliest = pd.PeriodIndex(sel["earliest_start"], freq=freq)
    latest = pd.PeriodIndex(sel["latest_start"], freq=freq)
    lo = np.where(earliest.isna(), h0.ordinal, np.maximum(earliest.asi8, h0.ordinal))
    hi = np.where(latest.isna(), h_end.ordinal, latest.asi8)
    finish_ord = start_ord + duration - 1
    for i, pid in enumerate(selected):
        if in_flight[i]:
            if start_ord[i] != fixed[i]:
                add(
                    "in_flight_start",
                    pid,
                    starts.iloc[i],
                    f"in flight since {sel['start'].iloc[i]} but planned to start {starts.iloc[i]}",
                )
            continue
        if not lo[i] <= start_ord[i] <= hi[i]:
            add(
                "window",
                pid,
                starts.iloc[i],
                f"start outside its window {sel['earliest_start'].iloc[i]}..{sel['latest_start'].iloc[i]}",
            )
        if finish_ord[i] > h_end.ordinal or start_ord[i] < h0.ordinal:
            add("horizon", pid, starts.iloc[i], f"runs outside the horizon {h0}..{h_end}")
    recorded_finish = pd.PeriodIndex(schedule.loc[selected, "finish"], freq=freq).asi8
    for pid in selected[recorded_finish != finish_ord]:
        add("finish", pid, None, "finish is not start + duration - 1")

    # budget and capacity in every period
    spend, demand = project_load(portfolio, starts)
    periods = pd.PeriodIndex(portfolio.horizon, name="period")
    cost = spend.groupby("period")["cost"].sum().reindex(periods, fill_value=0.0)
    if options.allow_stop_in_flight and options.termination_cost > 0:
        stopped = projects.index[projects["status"].eq("in_flight")].difference(selected)
        all_in = pd.Series(projects.loc[stopped, "start"].to_numpy(), index=stopped)
        stop_spend, _ = project_load(portfolio, all_in)
        cost.iloc[0] += options.termination_cost * float(stop_spend["cost"].sum())
    if portfolio.has_budget:
        budget = portfolio.budget_by_period()
        if options.cumulative_budget:
            over = cost.cumsum() - budget.cumsum()
            label = "cumulative spend exceeds cumulative budget by"
        else:
            over = cost - budget
            label = "spend exceeds budget by"
        for period, excess in over[over > tolerance * np.maximum(1.0, budget.abs())].items():
            add("budget", "budget", period, f"{label} {excess:,.2f}")
    if options.budget is not None and cost.sum() > options.budget * (1 + tolerance) + tolerance:
        add(
            "total_budget",
            "budget",
            None,
            f"spend {cost.sum():,.2f} exceeds the total budget {options.budget:,.2f}",
        )
    capacity = portfolio.capacity_by_role_period()
    need = demand.groupby(["role", "period"])["fte"].sum().reindex(capacity.index, fill_value=0.0)
    over = need - capacity
    for (role, period), excess in over[over > tolerance * np.maximum(1.0, capacity.abs())].items():
        add("capacity", role, period, f"demand exceeds capacity by {excess:,.3f} FTE")

    # dependencies
    deps = portfolio.dependencies
    chosen = set(selected)
    start_of = pd.Series(start_ord, index=selected)
    for dep in deps.itertuples(index=False):
        p, o, kind = dep.project_id, dep.other_id, dep.kind
        if kind == "excludes" and p in chosen and o in chosen:
            add("excludes", p, None, f"selected together with {o}, which it excludes")
        if kind in NEEDS_KINDS and p in chosen:
            if projects.at[o, "status"] == "completed":
                continue
            if o not in chosen:
                add(
                    kind,
                    p,
                    None,
                    f"selected without {o}, which it {kind[:-1] if kind == 'requires' else 'follow'}s",
                )
            elif kind == "follows" and start_of[p] < start_of[o] + projects.at[o, "duration"]:
                add("follows", p, None, f"starts before {o} finishes")

    # balance of the mix
    horizon_cost = spend.groupby("project_id")["cost"].sum().reindex(selected, fill_value=0.0)
    for rule in options.balance:
        member = projects.loc[selected, rule.by].astype(str) == str(rule.group)
        weight = horizon_cost if rule.measure == "spend" else pd.Series(1.0, index=selected)
        total = float(weight.sum())
        share = float(weight[member.to_numpy()].sum()) / total if total > 0 else 0.0
        if rule.min_share is not None and total > 0 and share < rule.min_share - tolerance:
            add(
                "balance",
                f"{rule.by}={rule.group}",
                None,
                f"share {share:.4f} below {rule.min_share}",
            )
        if rule.max_share is not None and total > 0 and share > rule.max_share + tolerance:
            add(
                "balance",
                f"{rule.by}={rule.group}",
                None,
                f"share {share:.4f} above {rule.max_share}",
            )
    if options.max_starts_per_period is not None:
        new = starts[~in_flight]
        counts = new.value_counts()
        for period, count in counts[counts > options.max_starts_per_period].items():
            add(
                "starts",
                "starts",
                period,
                f"{count} projects start; at most {options.max_starts_per_period}",
            )

    # the objective is the value of the selection
    if not (options.churn_penalty > 0 and options.previous_starts):
        total_value = float(schedule.loc[selected, "objective_value"].sum())
        if abs(total_value - plan.objective) > 1e-6 * max(1.0, abs(total_value)):
            add(
                "objective",
                "objective",
                None,
                f"objective {plan.objective} differs from the selection's value {total_value}",
            )
    return pd.DataFrame(found, columns=VIOLATION_COLUMNS)
