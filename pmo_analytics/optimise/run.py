"""``optimise``: the project mix and start periods that maximise value under every rule.

The run: build the formulation from frames → a construction heuristic gives a feasible plan
in seconds → the solver (CBC or HiGHS) searches from it as a warm start → the plan is read
from the solution status (never from a failed solve) → the Plan's views are assembled:
schedule with reasons, utilisation, binding limits and their shadow prices, or the
infeasibility diagnosis.
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
import pandas as pd

from ..portfolio import Portfolio
from ..utilisation import project_load, utilisation
from .diagnose import (
    diagnose_infeasibility,
    elastic_solve,
    exclusion_reasons,
    option_collisions,
    row_table,
)
from .formulation import Block, Formulation, build_formulation
from .heuristic import earliest_starts, greedy_plan, improve_plan, satisfies
from .options import OptimiseOptions
from .plan import Plan


class InfeasiblePlanError(RuntimeError):
    """No plan satisfies the rules; ``.plan.diagnosis`` says which limits conflict."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        lines = "\n".join(f"  - {m}" for m in plan.diagnosis["message"])
        super().__init__(
            "no plan satisfies the rules; the smallest relaxation that would:\n" + lines
        )


def _check_inputs(portfolio: Portfolio, options: OptimiseOptions) -> None:
    projects = portfolio.projects
    unknown = sorted((set(options.force_in) | set(options.force_out)) - set(projects.index))
    if unknown:
        raise ValueError(
            f"unknown project ids in force_in/force_out: {', '.join(unknown)} "
            f"(the portfolio has {', '.join(projects.index[:3])}, …)"
        )
    closed = projects.index[projects["status"].isin(["completed", "cancelled"])]
    forced_closed = sorted(set(options.force_in) & set(closed))
    if forced_closed:
        raise ValueError(
            f"cannot force in completed or cancelled projects: {', '.join(forced_closed)}"
        )
    if options.value_basis != "npv":
        candidates = portfolio.candidates()
        missing = projects.loc[candidates, "strategic_value"].isna()
        if missing.all() and len(candidates):
            raise ValueError(
                "the portfolio gives no strategic value: add a value column to projects.csv or "
                "scores.csv with criteria.csv (or optimise with value_basis='npv')"
            )


def optimise(
    portfolio: Portfolio, options: OptimiseOptions | None = None, **changes: object
) -> Plan:
    """Choose the projects and start periods that maximise value within every rule.

    Parameters
    ----------
    portfolio : Portfolio
    options : OptimiseOptions, optional
        The run's configuration (defaults: strategic value, CBC, no time limit, gap 0).
    **changes
        Any :class:`OptimiseOptions` field, overriding ``options`` (e.g. ``budget=5e6``,
        ``solver="highs"``, ``time_limit=60``).

    Returns
    -------
    Plan
        ``status`` is ``optimal`` only when proven; ``feasible`` (with ``bound`` and
        ``gap``) when a limit stopped the search; ``infeasible`` with a ``diagnosis``.

    Examples
    --------
    >>> from pmo_analytics.synthetic import generate_portfolio
    >>> plan = optimise(generate_portfolio(12, n_periods=6, n_roles=3, seed=3))
    >>> plan.status
    'optimal'
    """
    started = time.perf_counter()
    options = (
        (options or OptimiseOptions()).replace(**changes)
        if changes
        else (options or OptimiseOptions())
    )
    _check_inputs(portfolio, options)
    t = time.perf_counter()
    formulation = build_formulation(portfolio, options)
    plan = solve_formulation(portfolio, formulation, options)
    timings = {"formulation": time.perf_counter() - t - plan.seconds, **plan.timings}
    return dataclasses.replace(plan, seconds=time.perf_counter() - started, timings=timings)


def solve_formulation(
    portfolio: Portfolio,
    formulation: Formulation,
    options: OptimiseOptions,
    *,
    warm_start: np.ndarray | None = None,
) -> Plan:
    """Solve a (possibly modified) formulation of ``portfolio`` into a :class:`Plan`.

    The core of :func:`optimise`, for callers that build the formulation once and vary it
    (frontiers change the budget rows' right-hand sides with :func:`.formulation.with_rhs`):
    heuristic → solver from its warm start → honest status → the Plan's views (or the
    infeasibility diagnosis). ``warm_start`` (column values of a plan of this formulation, e.g.
    the previous frontier point's) is used when it satisfies every row and beats the
    heuristic's plan.
    """
    from .model import solve

    started = time.perf_counter()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    start = greedy_plan(formulation)  # also the fallback when the solver finds nothing in time
    if start is not None:
        start = improve_plan(formulation, start)
    if warm_start is not None and satisfies(formulation, warm_start):
        objective = formulation.columns["objective"].to_numpy()
        if start is None or objective @ warm_start > objective @ start:
            start = np.asarray(warm_start, dtype=float)
    timings["heuristic"] = time.perf_counter() - t
    result = solve(
        formulation,
        solver=options.solver,
        time_limit=options.time_limit,
        gap=options.gap,
        threads=options.threads,
        seed=options.seed,
        warm_start=start if options.warm_start else None,
        node_limit=options.node_limit,
    )
    timings["build"] = result.build_seconds
    timings["solve"] = result.solve_seconds
    notes = list(formulation.notes)
    status, values, bound = result.status, result.values, result.bound
    if status == "infeasible" and start is not None:
        # the heuristic's plan satisfies every row, so the rules can hold: CBC gave up in
        # preprocessing (it can, when a time limit strikes there). Treat it as not solved.
        status = "not_solved"
        notes.append(f"the {options.solver} search ended without a plan; the rules do hold")
    elastic = None
    if status == "infeasible":
        t = time.perf_counter()
        elastic = elastic_solve(
            formulation, solver=options.solver, time_limit=options.time_limit or 60.0
        )
        timings["diagnosis"] = time.perf_counter() - t
        values_e, slacks, _ = elastic
        if values_e is not None and not (slacks["amount"] > 1e-6).any():
            # nothing had to be relaxed: the elastic solution is a plan of the original rules
            status, values, start = "feasible", values_e[: len(formulation.columns)], None
            bound = math.nan
            notes.append("the first search ended without a plan; a second search found one")
    if values is None and start is not None and status == "not_solved":
        # the solver found nothing within its limit: the heuristic's plan stands, honestly marked
        status, values = "feasible", start
        notes.append(
            f"the {options.solver} search found no plan within the limit; "
            "the construction heuristic's plan is returned"
        )
        # the LP relaxation bounds the optimum; LPs solve fast, so give it room
        relaxed = solve(
            formulation,
            solver=options.solver,
            relax=True,
            time_limit=max(30.0, options.time_limit or 30.0),
        )
        bound = relaxed.bound if relaxed.bound is not None else math.nan
    elif values is not None and start is not None:
        greedy_value = float(formulation.columns["objective"].to_numpy() @ start)
        solver_value = float(formulation.columns["objective"].to_numpy() @ values)
        if greedy_value > solver_value + 1e-9 * max(1.0, abs(greedy_value)):
            values = start  # never return worse than the warm start
            notes.append(
                "the solver's incumbent was worse than the heuristic's plan; the latter is returned"
            )
    if values is not None:
        values = earliest_starts(formulation, values)
    t = time.perf_counter()
    plan = assemble_plan(
        portfolio,
        formulation,
        options,
        values,
        status=status,
        bound=bound,
        solver=options.solver,
        notes=notes,
        timings=timings,
    )
    timings["analysis"] = time.perf_counter() - t
    if status == "infeasible":
        diagnosis = diagnose_infeasibility(formulation, portfolio, elastic=elastic)
        plan = dataclasses.replace(plan, diagnosis=diagnosis)
    return dataclasses.replace(plan, seconds=time.perf_counter() - started, timings=timings)


# --------------------------------------------------------------------------- assembling
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
    reason = pd.Series("", index=projects.index, dtype=object)
    in_flight = projects["status"].eq("in_flight")
    mandatory = projects["mandatory"].astype(bool)
    reason[schedule["selected"]] = "selected"
    reason[schedule["selected"] & in_flight] = "in_flight"
    reason[schedule["selected"] & mandatory] = "mandatory"
    reason.update(formulation.excluded)
    analysed = has_solution and options.analysis
    if analysed:
        collisions = option_collisions(formulation, x)
        why = exclusion_reasons(formulation, x, collisions=collisions)
        reason.update(why["reason"])
    elif has_solution:
        reason[~schedule["selected"] & (reason == "")] = "not_selected"
    else:
        unset = ~schedule["selected"] & (reason == "")
        reason[unset] = status
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
        prices=prices if prices is not None else _empty_prices(),
        diagnosis=pd.DataFrame(
            columns=[
                "family",
                "resource",
                "period",
                "project_id",
                "needed",
                "available",
                "shortfall",
                "message",
            ]
        ),
        options=options,
        portfolio=portfolio,
        formulation=formulation,
        solution=solution,
        notes=tuple(notes or ()),
        timings=timings or {},
    )


def _empty_prices() -> pd.DataFrame:
    return pd.DataFrame(columns=["resource", "period", "shadow_price"])


def _empty_binding() -> pd.DataFrame:
    return pd.DataFrame(
        columns=[
            "resource",
            "period",
            "used",
            "available",
            "slack",
            "utilisation",
            "shadow_price",
            "blocked",
        ]
    )


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
    )[
        [
            "resource",
            "period",
            "used",
            "available",
            "slack",
            "utilisation",
            "shadow_price",
            "blocked",
        ]
    ].reset_index(drop=True)


def shadow_prices(
    portfolio: Portfolio, formulation: Formulation, options: OptimiseOptions, x: np.ndarray
) -> pd.DataFrame | None:
    """Marginal value of each budget and capacity limit, around the plan.

    The LP in which the plan's integer choice — which projects are in — is kept (each selected
    project must run; its start may spread over its window) and the excluded projects may
    enter fractionally. The dual of each limit is the value a small extra amount of it would
    let the plan gain — "at the margin, one more Developer FTE in 2027Q3 is worth about X".
    Keeping the starts themselves fixed too would leave the LP degenerate, with prices that
    whole extra FTEs never realise; re-optimising with more capacity
    (:func:`pmo_analytics.value_of_capacity`) prices whole hires. Per unit: per FTE for
    roles, per unit of currency for budget.
    """
    from .model import solve

    n_x = len(formulation.options)
    opts = formulation.options.reset_index()
    chosen = opts.loc[x[:n_x] > 0.5, "project_id"].unique()
    if len(chosen):
        in_plan = opts[opts["project_id"].isin(chosen)]
        row_of = pd.Series(np.arange(len(chosen)), index=chosen)
        keep = Block(
            "keep",
            ">=",
            pd.DataFrame({"project_id": chosen, "rhs": 1.0}),
            pd.DataFrame(
                {
                    "row": row_of[in_plan["project_id"]].to_numpy(),
                    "col": in_plan["col"].to_numpy(),
                    "coef": 1.0,
                }
            ),
        )
        formulation = dataclasses.replace(formulation, blocks=[*formulation.blocks, keep])
    result = solve(
        formulation,
        solver=options.solver,
        relax=True,
        time_limit=max(30.0, options.time_limit or 30.0),
    )
    if result.status != "optimal" or not result.duals:
        return None  # duals of an LP that was not solved to optimality mean nothing
    rows = row_table(formulation)
    parts = []
    for family in ("budget", "capacity"):
        duals = result.duals.get(family)
        if duals is None:
            continue
        block_rows = rows[rows["family"] == family]
        parts.append(
            pd.DataFrame(
                {
                    "resource": block_rows["resource"].to_numpy(),
                    "period": block_rows["period"].to_numpy(),
                    "shadow_price": np.abs(duals),
                }
            )
        )
    if not parts:
        return None
    out = pd.concat(parts, ignore_index=True)
    out["period"] = pd.PeriodIndex(out["period"], freq=portfolio.horizon[0].freq)
    return out
