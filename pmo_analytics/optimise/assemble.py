"""A :class:`Plan` from a solution: the schedule with reasons, utilisation, binding limits.

Given the column values of a solve (or none), every view of the plan is derived here: which
project starts when and why each other project is out (:mod:`.reasons`), spend and demand
against the limits, the limits that bind (full, or keeping an excluded project out) with
their shadow prices (:mod:`.prices`), and the objective, bound and gap as the status allows.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..portfolio import Portfolio, project_load, utilisation
from .formulation import Formulation
from .options import OptimiseOptions
from .plan import BINDING_COLUMNS, DIAGNOSIS_COLUMNS, Plan
from .prices import empty_prices, shadow_prices
from .reasons import CONFLICT_COLUMNS, best_start_conflicts, exclusion_reasons, option_collisions


def assemble_plan(
    portfolio: Portfolio,
    formulation: Formulation,
    options: OptimiseOptions,
    values: np.ndarray | None,
    *,
    status: str,
    bound: float | None,
    solver: str,
    notes: list[str] | None = None,
    timings: dict | None = None,
) -> Plan:
    """Build a :class:`Plan` from column values (``None`` for no solution)."""
    projects = portfolio.projects
    opts = formulation.options
    n_x = len(opts)
    has_solution = values is not None
    x = (
        np.zeros(len(formulation.columns))
        if values is None
        else np.round(np.asarray(values, dtype=float), 6)
    )
    chosen = opts[x[:n_x] > 0.5]
    starts = pd.Series(
        chosen.index.get_level_values("start"),
        index=chosen.index.get_level_values("project_id"),
        name="start",
    )
    objective_values = pd.Series(chosen["value"].to_numpy(), index=starts.index)

    schedule = _schedule(portfolio, starts, objective_values)
    analysed = has_solution and options.analysis
    collisions = why = None
    if analysed:
        collisions = option_collisions(formulation, x)
        why = exclusion_reasons(formulation, x, collisions=collisions)
    reason = _reasons(schedule, formulation, why, status=status, has_solution=has_solution)
    schedule["reason"] = reason

    use = utilisation(portfolio, starts)
    spend_lines, _ = project_load(portfolio, starts)
    spend = (
        spend_lines.assign(category=spend_lines["project_id"].map(projects["category"]).fillna(""))
        .groupby(["period", "category"], as_index=False)["cost"]
        .sum()
    )
    prices = (
        shadow_prices(portfolio, formulation, options, x)
        if has_solution and options.shadow_prices
        else None
    )
    binding = _binding(use, collisions, why, prices) if analysed else _empty_binding()
    conflicts = (
        best_start_conflicts(formulation, collisions, why)
        if analysed
        else pd.DataFrame(columns=CONFLICT_COLUMNS)
    )
    objective = float(objective_values.sum()) if has_solution else math.nan
    if has_solution and options.churn_penalty > 0 and options.previous_starts is not None:
        objective = float(formulation.columns["objective"].to_numpy() @ x) + formulation.constant
    if bound is None or (isinstance(bound, float) and math.isnan(bound)):
        bound_value = math.nan
    else:
        bound_value = max(float(bound), objective) if has_solution else float(bound)
    if status == "optimal":
        bound_value = objective
    gap = (
        (bound_value - objective) / max(abs(objective), 1e-9)
        if has_solution and math.isfinite(bound_value)
        else math.nan
    )
    gap = 0.0 if status == "optimal" else gap
    solution = pd.Series(x[:n_x], index=opts.index, name="x")
    return Plan(
        status=status,
        objective=objective,
        bound=bound_value,
        gap=gap,
        solver=solver,
        seconds=0.0,
        schedule=schedule,
        utilisation=use,
        spend=spend,
        binding=binding,
        prices=prices if prices is not None else empty_prices(),
        diagnosis=pd.DataFrame(columns=DIAGNOSIS_COLUMNS),
        options=options,
        portfolio=portfolio,
        solution=solution,
        notes=tuple(notes or ()),
        timings=timings or {},
        conflicts=conflicts,
    )


def _schedule(portfolio: Portfolio, starts: pd.Series, objective_values: pd.Series) -> pd.DataFrame:
    """The plan's schedule without reasons: every project, selected or not, when it runs,
    its value and cost."""
    projects = portfolio.projects
    schedule = pd.DataFrame(index=projects.index)
    for column in ("name", "category", "business_unit", "status", "mandatory"):
        schedule[column] = projects[column]
    schedule["selected"] = projects.index.isin(starts.index)
    freq = portfolio.horizon[0].freq
    schedule["start"] = pd.PeriodIndex(starts.reindex(projects.index), freq=freq)
    finish = pd.PeriodIndex.from_ordinals(
        np.where(
            schedule["selected"],
            schedule["start"].array.asi8 + projects["duration"].to_numpy() - 1,
            np.iinfo(np.int64).min,
        ),
        freq=freq,
    )
    schedule["finish"] = finish
    schedule["value"] = projects["strategic_value"]
    schedule["objective_value"] = objective_values.reindex(projects.index)
    schedule["cost"] = portfolio.total_cost()
    return schedule


def _reasons(
    schedule: pd.DataFrame,
    formulation: Formulation,
    why: pd.DataFrame | None,
    *,
    status: str,
    has_solution: bool,
) -> pd.Series:
    """Each project's reason: how a selected one is in, why another is out (``why`` from the
    analysis; ``not_selected`` without it; the status without a plan)."""
    selected = schedule["selected"]
    reason = pd.Series("", index=schedule.index, dtype=object)
    reason[selected] = "selected"
    reason[selected & schedule["status"].eq("in_flight")] = "in_flight"
    reason[selected & schedule["mandatory"].astype(bool)] = "mandatory"
    reason.update(formulation.excluded)
    if why is not None:
        reason.update(why["reason"])
    elif has_solution:
        reason[~selected & (reason == "")] = "not_selected"
    else:
        reason[~selected & (reason == "")] = status
    return reason


def _empty_binding() -> pd.DataFrame:
    return pd.DataFrame(columns=BINDING_COLUMNS)


def _binding(
    use: pd.DataFrame,
    collisions: pd.DataFrame,
    why: pd.DataFrame,
    prices: pd.DataFrame | None,
) -> pd.DataFrame:
    """Budget and capacity limits that bind: (nearly) full, or keeping an excluded project out."""
    blocking = collisions[collisions["col"].isin(why["best_col"])]
    blocked = (
        blocking[blocking["family"].isin(["budget", "capacity"])]
        .groupby(["resource", "period"])["project_id"]
        .nunique()
        .rename("blocked")
    )
    frame = use.copy()
    frame["slack"] = frame["available"] - frame["used"]
    frame = frame.join(blocked, on=["resource", "period"])
    frame["blocked"] = frame["blocked"].fillna(0).astype(int)
    if prices is not None:
        frame = frame.merge(prices, on=["resource", "period"], how="left")
    else:
        frame["shadow_price"] = np.nan
    full = frame["utilisation"] >= 0.995
    binding = frame[(full | (frame["blocked"] > 0)) & (frame["available"] > 0)]
    return binding.sort_values(
        ["shadow_price", "blocked", "utilisation"], ascending=False, kind="stable"
    )[BINDING_COLUMNS].reset_index(drop=True)


def plan_from_selection(
    portfolio: Portfolio,
    formulation: Formulation,
    options: OptimiseOptions,
    selection: pd.Series | None,
    *,
    status: str,
    solver: str,
    bound: float | None = None,
    notes: list[str] | tuple[str, ...] = (),
) -> Plan:
    """A :class:`Plan` of a selection made outside the solver (e.g. a ranked list).

    ``selection`` gives start option values by (project_id, start) (1 = chosen); None means
    no plan. The plan gets the same schedule, reasons, utilisation and binding limits as an
    optimised one, so it can be checked, charted and compared.

    Examples
    --------
    >>> from pmo_analytics.portfolio import generate_portfolio
    >>> from pmo_analytics.optimise import OptimiseOptions, build_formulation, check_plan
    >>> p = generate_portfolio(8, n_periods=4, n_roles=2, seed=1)
    >>> f = build_formulation(p, OptimiseOptions())
    >>> none = pd.Series(0.0, index=f.option_index)
    >>> must = f.projects.index[f.projects["must"]]
    >>> plan = plan_from_selection(p, f, OptimiseOptions(), none, status="feasible", solver="me")
    >>> plan.n_selected == 0 or len(must) > 0
    True
    """
    return assemble_plan(
        portfolio,
        formulation,
        options,
        None if selection is None else formulation.column_values(selection),
        status=status,
        bound=bound,
        solver=solver,
        notes=list(notes),
    )
