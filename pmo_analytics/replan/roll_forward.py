"""Quarterly replanning: roll last quarter's plan forward, re-optimise, say what changed.

The new portfolio (its budget and capacity) defines the new horizon. Last quarter's plan is
read and checked (:mod:`pmo_analytics.replan.previous_plan`); then

1. **roll forward** — a project the previous plan started in a period now past (before the new
   horizon) is taken to have started as planned: it becomes ``in_flight`` with its planned
   start (or ``completed`` when by plan it also finished before the new horizon). The
   portfolio's own word wins: a project it lists as in flight keeps its recorded start; one it
   lists as on hold, completed or cancelled keeps that status.
2. **optimise** the rolled portfolio, optionally

   - allowing in-flight work to stop (``stop_in_flight``): sunk cost is ignored — each
     in-flight project is valued at what it still delivers (``remaining_value`` of
     :func:`pmo_analytics.continue_or_stop`) and, where it has actuals, its cost still to come
     is its estimate to complete (ETC; its future cost lines scaled to it); stopping frees
     that cost, less a ``termination_cost`` share charged in the first period;
   - penalising changes against the previous plan (``churn_penalty``: value lost per project
     whose selection or start differs).
3. **compare** — the ``changes.csv`` table of what changed and why
   (:mod:`pmo_analytics.replan.changes`).
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import safety
from ..exceptions import OptionsError
from ..optimise import (
    OptimiseOptions,
    build_formulation,
    check_inputs,
    solve_formulation,
    starts_values,
)
from ..portfolio import DERIVED_PROJECT_COLUMNS, Portfolio
from ..track import continue_or_stop, status_period
from .changes import CHANGE_COLUMNS, CHANGE_KINDS, describe_changes
from .previous_plan import PreviousPlan, read_previous_plan

if TYPE_CHECKING:  # pragma: no cover
    from ..optimise import OptimiseOptions, Plan


# --------------------------------------------------------------------------- rolling forward
def roll_forward(portfolio: Portfolio, previous: PreviousPlan) -> tuple[Portfolio, pd.DataFrame]:
    """The portfolio with the previous plan's past starts taken as started (see module notes).

    Returns the rolled portfolio and one row per project taken as started: project_id index,
    planned start, was (the portfolio's status), now (``in_flight`` or ``completed``).
    """
    _check_frequency(portfolio, previous)
    projects = portfolio.projects
    h0 = portfolio.horizon[0]
    starts = previous.starts.dropna()
    starts = starts[starts.index.isin(projects.index)]
    planned = pd.PeriodIndex(starts, freq=h0.freq)
    past = starts.index[planned < h0]
    status = projects.loc[past, "status"]
    # the portfolio's word wins: in flight (its start), on hold, completed, cancelled stay
    taken = past[status.isin(["proposed", "approved"]).to_numpy()]
    start = pd.PeriodIndex(starts.reindex(taken), freq=h0.freq)
    finish = start + projects.loc[taken, "duration"].to_numpy() - 1
    now = np.where(finish < h0, "completed", "in_flight")
    rolled = projects.drop(columns=list(DERIVED_PROJECT_COLUMNS))
    rolled.loc[taken, "status"] = now
    start_column = rolled["start"].copy()
    start_column.loc[taken] = start
    rolled["start"] = start_column
    record = pd.DataFrame(
        {"start": start, "was": status.reindex(taken).to_numpy(), "now": now}, index=taken
    )
    return portfolio.replace(projects=rolled), record


def _check_frequency(portfolio: Portfolio, previous: PreviousPlan) -> None:
    freq = previous.freq
    if freq is not None and freq != portfolio.freq:
        example = previous.starts.dropna().iloc[0]
        raise OptionsError(
            f"the previous plan's periods ({example}) are not of the portfolio's frequency "
            f"(like {portfolio.horizon[0]}); replan a portfolio in the same periods"
        )


def _sunk_cost_free(
    portfolio: Portfolio, as_of: pd.Period | None
) -> tuple[Portfolio, pd.DataFrame]:
    """In-flight projects valued at what they still deliver from the new horizon on; the cost
    still to come of those with actuals scaled to their estimate to complete (ETC).

    ``as_of`` is the actuals' status period (None: the latest in the actuals): the ETC covers
    the periods after it, so the planned cost lines after it are scaled to sum to the ETC.
    """

    status = status_period(portfolio, as_of)
    figures = continue_or_stop(portfolio, as_of=status)
    if figures.empty:
        return portfolio, figures
    ahead = continue_or_stop(portfolio, as_of=portfolio.horizon[0] - 1)
    projects = portfolio.projects.drop(columns=list(DERIVED_PROJECT_COLUMNS))
    projects.loc[ahead.index, "value"] = ahead["remaining_value"].to_numpy(dtype=float)
    factor = pd.Series(np.nan, index=figures.index)
    if status is not None:
        with_actuals = figures.index.isin(portfolio.actuals["project_id"].unique())
        remaining = figures["remaining_planned_cost"]
        factor = (figures["etc"] / remaining.where(remaining > 0)).where(with_actuals)
        factor = factor.replace([np.inf, -np.inf], np.nan)
        cashflows = portfolio.cashflows
        start = pd.Series(
            pd.PeriodIndex(projects["start"], freq=portfolio.freq).asi8, index=projects.index
        )
        when = cashflows["project_id"].map(start).to_numpy() + cashflows["offset"].to_numpy()
        scale = cashflows["project_id"].map(factor.dropna()).to_numpy(dtype=float)
        future = (when > status.ordinal) & ~np.isnan(scale)
        planned = cashflows["cost"].to_numpy(dtype=float)
        cost = np.where(future, planned * np.nan_to_num(scale), planned)
        portfolio = portfolio.replace(cashflows=cashflows.assign(cost=cost))
    figures = figures.assign(
        remaining_value=ahead["remaining_value"].reindex(figures.index),
        cost_factor=factor.fillna(1.0),
    )
    return portfolio.replace(projects=projects), figures


# --------------------------------------------------------------------------- replan
@dataclass(frozen=True, eq=False)
class Replan:
    """The new quarter's plan and what changed against the previous one.

    Attributes
    ----------
    plan : Plan
        The new plan (of the rolled portfolio: ``plan.portfolio``).
    changes : DataFrame
        The ``changes.csv`` table: project_id, name, change (one of
        :data:`pmo_analytics.replan.changes.CHANGE_KINDS`),
        previous_start, start (period labels, blank where none), reason (plain words).
        Empty when nothing changed, or when no plan was found.
    previous : PreviousPlan
    started : DataFrame
        Projects taken as started by the roll forward (see :func:`roll_forward`).
    continuing : DataFrame
        :func:`pmo_analytics.continue_or_stop` figures of in-flight work at the actuals' status
        period (with ``stop_in_flight``; empty otherwise); ``remaining_value`` is the value
        still to come from the new horizon on, ``cost_factor`` how its cost still to come was
        scaled to its estimate to complete (1 without actuals).
    """

    plan: Plan
    changes: pd.DataFrame
    previous: PreviousPlan
    started: pd.DataFrame
    continuing: pd.DataFrame

    def changes_table(self) -> pd.DataFrame:
        """The changes.csv table (as written)."""
        return self.changes.copy()

    def summary_text(self) -> str:
        """One line per kind of change, e.g. ``2 deferred: P014, P022``."""
        if not self.plan.is_solution():
            return f"no new plan ({self.plan.status}): changes not computed"
        if self.changes.empty:
            return "no changes against the previous plan"
        lines = [f"{len(self.changes)} change(s) against the previous plan:"]
        for kind in CHANGE_KINDS:
            ids = self.changes.loc[self.changes["change"] == kind, "project_id"].tolist()
            if ids:
                lines.append(f"  {len(ids)} {kind.replace('_', ' ')}: {', '.join(ids)}")
        return "\n".join(lines)


def replan(
    portfolio: Portfolio,
    previous: PreviousPlan | Plan | str | os.PathLike[str],
    *,
    options: OptimiseOptions | None = None,
    stop_in_flight: bool = False,
    termination_cost: float = 0.0,
    churn_penalty: float = 0.0,
    as_of: str | pd.Period | None = None,
) -> Replan:
    """Roll the previous plan forward onto the new portfolio, re-optimise, list the changes.

    Parameters
    ----------
    portfolio : Portfolio
        The new quarter's portfolio: its budget and capacity define the new horizon; its
        statuses, actuals and new candidates are the news since the previous plan.
    previous : PreviousPlan, Plan or path
        Last quarter's plan: read by :func:`pmo_analytics.read_previous_plan` when a path.
    options : OptimiseOptions, optional
        How to optimise (default the optimiser's defaults).
    stop_in_flight : bool
        Allow stopping in-flight work, judged without sunk cost (see module notes).
    termination_cost : float
        Share of a stopped project's cost still to come charged for stopping (≥ 0; needs
        ``stop_in_flight``).
    churn_penalty : float
        Value lost per project whose selection or start differs from the previous plan
        [value units]; 0 replans freely.
    as_of : str or Period, optional
        Status period of the actuals behind the in-flight figures (with ``stop_in_flight``);
        default the latest period in the actuals.

    Returns
    -------
    Replan

    Raises
    ------
    PreviousPlanError
        When ``previous`` is a folder whose files are missing or broken.
    ValueError
        For options out of range, or a previous plan in other periods than the portfolio's.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(10, n_periods=6, n_roles=2, seed=2)
    >>> first = pa.optimise(p)
    >>> again = pa.replan(p, first)
    >>> again.changes.empty
    True
    """

    if termination_cost < 0 or not np.isfinite(termination_cost):
        raise OptionsError(f"termination_cost={termination_cost} must be a share of 0 or more")
    if termination_cost > 0 and not stop_in_flight:
        raise OptionsError("termination_cost applies only when stop_in_flight is allowed")
    if churn_penalty < 0 or not np.isfinite(churn_penalty):
        raise OptionsError(f"churn_penalty={churn_penalty} must be 0 or more [value units]")
    if not isinstance(previous, PreviousPlan):
        previous = (
            read_previous_plan(previous)
            if isinstance(previous, str | os.PathLike)
            else PreviousPlan.from_plan(previous)
        )
    rolled, started = roll_forward(portfolio, previous)
    continuing = pd.DataFrame()
    if as_of is not None:
        status_period(rolled, as_of)  # a bad label is bad input, stopping allowed or not
    if stop_in_flight:
        rolled, continuing = _sunk_cost_free(rolled, as_of)
    options = options or OptimiseOptions()
    changes: dict[str, object] = {
        "allow_stop_in_flight": stop_in_flight or options.allow_stop_in_flight,
        "termination_cost": termination_cost if stop_in_flight else options.termination_cost,
    }
    if churn_penalty > 0:
        keep = previous.starts.dropna()
        keep = keep[keep.index.isin(rolled.candidates())]
        changes["previous_starts"] = {str(p): str(s) for p, s in keep.items()}
        changes["churn_penalty"] = float(churn_penalty)
    plan = _optimise_from(rolled, options.replace(**changes), previous)
    table = (
        describe_changes(plan, previous, started=started, continuing=continuing)
        if plan.is_solution()
        else pd.DataFrame(columns=CHANGE_COLUMNS)
    )
    return Replan(
        plan=plan, changes=table, previous=previous, started=started, continuing=continuing
    )


def _optimise_from(portfolio: Portfolio, options: OptimiseOptions, previous: PreviousPlan) -> Plan:
    """:func:`pmo_analytics.optimise` of the rolled portfolio, its search started from the
    previous plan's starts where they still satisfy every rule."""
    started = time.perf_counter()
    check_inputs(portfolio, options)
    formulation = build_formulation(portfolio, options)
    kept = previous.starts.dropna()
    start = starts_values({str(p): str(s) for p, s in kept.items()}, formulation)
    plan = solve_formulation(portfolio, formulation, options, warm_start=start)
    return dataclasses.replace(plan, seconds=time.perf_counter() - started)


def write_replan_outputs(
    result: Replan, out_dir: str | os.PathLike[str], **plan_outputs: object
) -> Path:
    """Write the new plan's outputs and ``changes.csv`` to ``out_dir``, all or nothing.

    Parameters
    ----------
    result : Replan
    out_dir : path
        Created if missing; files of the same names are replaced, others left alone.
    **plan_outputs
        Passed to :func:`pmo_analytics.report.outputs.write_plan_outputs` (e.g. what the leadership
        pack shows).

    Returns
    -------
    Path
        ``out_dir``: the plan outputs (summary.json, plan.csv, utilisation.csv, limits.csv,
        report.html and plan.xlsx — both showing what changed) and changes.csv (:data:`CHANGE_COLUMNS`; only the header when nothing changed or no plan was
        found).

    Examples
    --------
    >>> write_replan_outputs(pa.replan(portfolio, "runs/2027Q1"), "runs/2027Q2")  # doctest: +SKIP
    """

    from ..report import write_plan_outputs  # the report (Jinja2) loads only when used

    target = Path(out_dir)
    with safety.staged_directory(target) as stage:
        plan_outputs.setdefault("changes", result.changes_table())
        write_plan_outputs(result.plan, stage, **plan_outputs)
        safety.write_csv_atomic(stage / "changes.csv", result.changes_table())
    return target
