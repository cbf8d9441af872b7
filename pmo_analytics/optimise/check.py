"""An independent check of any plan against its portfolio: every rule, every period.

It shares nothing with the formulation: it recomputes spend and demand from the portfolio's
own tables (through :func:`pmo_analytics.portfolio.utilisation.project_load`) and re-reads every rule of
the contract and of the run's options, so a bug in the model cannot hide from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._vocab import CLOSED_STATUSES, NEEDS_KINDS
from ..portfolio import Portfolio, project_load
from .plan import Plan

VIOLATION_COLUMNS = ["rule", "subject", "period", "detail"]


@dataclass(frozen=True)
class _Selection:
    """The facts every check reads: the plan, its portfolio and the selected projects."""

    plan: Plan
    portfolio: Portfolio
    selected: pd.Index
    starts: pd.Series
    start_ord: np.ndarray
    tolerance: float

    @property
    def options(self):
        return self.plan.options

    @property
    def projects(self) -> pd.DataFrame:
        return self.portfolio.projects

    @property
    def sel(self) -> pd.DataFrame:
        return self.portfolio.projects.loc[self.selected]

    @property
    def in_flight(self) -> np.ndarray:
        return self.sel["status"].eq("in_flight").to_numpy()


def _violation(rule: str, subject: str, period: object, detail: str) -> dict:
    return {"rule": rule, "subject": subject, "period": period, "detail": detail}


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
    if not plan.is_solution():
        return pd.DataFrame(columns=VIOLATION_COLUMNS)
    portfolio = plan.portfolio if portfolio is None else portfolio
    schedule = plan.schedule
    selected = schedule.index[schedule["selected"]]
    starts = schedule.loc[selected, "start"]
    start_ord = pd.PeriodIndex(starts, freq=portfolio.horizon[0].freq).asi8
    facts = _Selection(plan, portfolio, selected, starts, start_ord, tolerance)
    found = [
        *_membership(facts),
        *_timing(facts),
        *_limits(facts),
        *_dependencies(facts),
        *_mix(facts),
        *_objective(facts),
    ]
    return pd.DataFrame(found, columns=VIOLATION_COLUMNS)


def _membership(f: _Selection) -> list[dict]:
    """Who may and who must be in the plan."""
    projects, options, selected = f.projects, f.options, f.selected
    found = [
        _violation("status", pid, None, f"selected although {projects.at[pid, 'status']}")
        for pid in selected[f.sel["status"].isin(CLOSED_STATUSES).to_numpy()]
    ]
    found += [
        _violation("force_out", pid, None, "selected although forced out")
        for pid in selected.intersection(pd.Index(options.force_out))
    ]
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
    found += [
        _violation("must_run", pid, None, "mandatory, in flight or forced in, but not selected")
        for pid in must.difference(selected)
    ]
    return found


def _timing(f: _Selection) -> list[dict]:
    """Inside the window, finishing inside the horizon; in-flight work keeps its start."""
    sel, starts, start_ord = f.sel, f.starts, f.start_ord
    freq = f.portfolio.horizon[0].freq
    h0, h_end = f.portfolio.horizon[0], f.portfolio.horizon[-1]
    fixed = pd.PeriodIndex(sel["start"], freq=freq).asi8
    earliest = pd.PeriodIndex(sel["earliest_start"], freq=freq)
    latest = pd.PeriodIndex(sel["latest_start"], freq=freq)
    lo = np.where(earliest.isna(), h0.ordinal, np.maximum(earliest.asi8, h0.ordinal))
    hi = np.where(latest.isna(), h_end.ordinal, latest.asi8)
    finish_ord = start_ord + sel["duration"].to_numpy() - 1
    found = []
    for i, pid in enumerate(f.selected):
        if f.in_flight[i]:
            if start_ord[i] != fixed[i]:
                found.append(
                    _violation(
                        "in_flight_start",
                        pid,
                        starts.iloc[i],
                        f"in flight since {sel['start'].iloc[i]} but planned to start "
                        f"{starts.iloc[i]}",
                    )
                )
            continue
        if not lo[i] <= start_ord[i] <= hi[i]:
            window = f"{sel['earliest_start'].iloc[i]}..{sel['latest_start'].iloc[i]}"
            found.append(
                _violation("window", pid, starts.iloc[i], f"start outside its window {window}")
            )
        if finish_ord[i] > h_end.ordinal or start_ord[i] < h0.ordinal:
            found.append(
                _violation(
                    "horizon", pid, starts.iloc[i], f"runs outside the horizon {h0}..{h_end}"
                )
            )
    recorded_finish = pd.PeriodIndex(f.plan.schedule.loc[f.selected, "finish"], freq=freq).asi8
    found += [
        _violation("finish", pid, None, "finish is not start + duration - 1")
        for pid in f.selected[recorded_finish != finish_ord]
    ]
    return found


def _limits(f: _Selection) -> list[dict]:
    """Budget (per period, cumulative or total) and capacity in every period."""
    portfolio, options, projects, tolerance = f.portfolio, f.options, f.projects, f.tolerance
    spend, demand = project_load(portfolio, f.starts)
    periods = pd.PeriodIndex(portfolio.horizon, name="period")
    cost = spend.groupby("period")["cost"].sum().reindex(periods, fill_value=0.0)
    if options.allow_stop_in_flight and options.termination_cost > 0:
        stopped = projects.index[projects["status"].eq("in_flight")].difference(f.selected)
        all_in = pd.Series(projects.loc[stopped, "start"].to_numpy(), index=stopped)
        stop_spend, _ = project_load(portfolio, all_in)
        cost.iloc[0] += options.termination_cost * float(stop_spend["cost"].sum())
    found = []
    if portfolio.has_budget:
        budget = portfolio.budget_by_period()
        if options.cumulative_budget:
            over = cost.cumsum() - budget.cumsum()
            label = "cumulative spend exceeds cumulative budget by"
        else:
            over = cost - budget
            label = "spend exceeds budget by"
        found += [
            _violation("budget", "budget", period, f"{label} {excess:,.2f}")
            for period, excess in over[over > tolerance * np.maximum(1.0, budget.abs())].items()
        ]
    if options.budget is not None and cost.sum() > options.budget * (1 + tolerance) + tolerance:
        found.append(
            _violation(
                "total_budget",
                "budget",
                None,
                f"spend {cost.sum():,.2f} exceeds the total budget {options.budget:,.2f}",
            )
        )
    capacity = portfolio.capacity_by_role_period()
    need = demand.groupby(["role", "period"])["fte"].sum().reindex(capacity.index, fill_value=0.0)
    over = need - capacity
    found += [
        _violation("capacity", role, period, f"demand exceeds capacity by {excess:,.3f} FTE")
        for (role, period), excess in over[
            over > tolerance * np.maximum(1.0, capacity.abs())
        ].items()
    ]
    return found


def _dependencies(f: _Selection) -> list[dict]:
    """requires, follows (after the other finishes) and excludes."""
    projects = f.projects
    chosen = set(f.selected)
    start_of = pd.Series(f.start_ord, index=f.selected)
    found = []
    for dep in f.portfolio.dependencies.itertuples(index=False):
        p, o, kind = dep.project_id, dep.other_id, dep.kind
        if kind == "excludes" and p in chosen and o in chosen:
            found.append(
                _violation("excludes", p, None, f"selected together with {o}, which it excludes")
            )
        if kind not in NEEDS_KINDS or p not in chosen or projects.at[o, "status"] == "completed":
            continue
        if o not in chosen:
            verb = "require" if kind == "requires" else "follow"
            found.append(_violation(kind, p, None, f"selected without {o}, which it {verb}s"))
        elif kind == "follows" and start_of[p] < start_of[o] + projects.at[o, "duration"]:
            found.append(_violation("follows", p, None, f"starts before {o} finishes"))
    return found


def _mix(f: _Selection) -> list[dict]:
    """Balance rules on the mix and the cap on starts per period."""
    options, selected, tolerance = f.options, f.selected, f.tolerance
    spend, _ = project_load(f.portfolio, f.starts)
    horizon_cost = spend.groupby("project_id")["cost"].sum().reindex(selected, fill_value=0.0)
    found = []
    for rule in options.balance:
        member = f.projects.loc[selected, rule.by].astype(str) == str(rule.group)
        weight = horizon_cost if rule.measure == "spend" else pd.Series(1.0, index=selected)
        total = float(weight.sum())
        share = float(weight[member.to_numpy()].sum()) / total if total > 0 else 0.0
        subject = f"{rule.by}={rule.group}"
        if rule.min_share is not None and total > 0 and share < rule.min_share - tolerance:
            found.append(
                _violation("balance", subject, None, f"share {share:.4f} below {rule.min_share}")
            )
        if rule.max_share is not None and total > 0 and share > rule.max_share + tolerance:
            found.append(
                _violation("balance", subject, None, f"share {share:.4f} above {rule.max_share}")
            )
    if options.max_starts_per_period is not None:
        counts = f.starts[~f.in_flight].value_counts()
        most = options.max_starts_per_period
        found += [
            _violation("starts", "starts", period, f"{count} projects start; at most {most}")
            for period, count in counts[counts > most].items()
        ]
    return found


def _objective(f: _Selection) -> list[dict]:
    """The objective is the value of the selection (without a churn penalty)."""
    options, plan = f.options, f.plan
    if options.churn_penalty > 0 and options.previous_starts:
        return []
    total_value = float(plan.schedule.loc[f.selected, "objective_value"].sum())
    if abs(total_value - plan.objective) <= 1e-6 * max(1.0, abs(total_value)):
        return []
    return [
        _violation(
            "objective",
            "objective",
            None,
            f"objective {plan.objective} differs from the selection's value {total_value}",
        )
    ]
