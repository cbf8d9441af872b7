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

from .._vocab import CLOSED_STATUSES
from ..exceptions import OptionsError
from ..portfolio import Portfolio
from .assemble import assemble_plan
from .diagnose import diagnose_infeasibility, elastic_solve
from .formulation import Formulation, build_formulation
from .heuristic import earliest_starts, greedy_plan, improve_plan, satisfies
from .options import OptimiseOptions
from .plan import Plan

#: Fit checks of the local search that tops up a neighbouring plan given as a warm start.
WARM_CHECKS = 3_000


def check_inputs(portfolio: Portfolio, options: OptimiseOptions) -> None:
    """Refuse options that name unknown or closed projects, or a basis with no values."""
    projects = portfolio.projects
    unknown = sorted((set(options.force_in) | set(options.force_out)) - set(projects.index))
    if unknown:
        raise OptionsError(
            f"unknown project ids in force_in/force_out: {', '.join(unknown)} "
            f"(the portfolio has {', '.join(projects.index[:3])}, …)"
        )
    closed = projects.index[projects["status"].isin(CLOSED_STATUSES)]
    forced_closed = sorted(set(options.force_in) & set(closed))
    if forced_closed:
        raise OptionsError(
            f"cannot force in completed or cancelled projects: {', '.join(forced_closed)}"
        )
    if options.value_basis != "npv":
        candidates = portfolio.candidates()
        missing = projects.loc[candidates, "strategic_value"].isna()
        if missing.all() and len(candidates):
            raise OptionsError(
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
        The run's configuration (defaults: strategic value; the search engine with effort 1,
        CBC for its final search, a 60 s safety cap, gap 0).
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
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
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
    check_inputs(portfolio, options)
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
    warm_start: Plan | pd.Series | np.ndarray | None = None,
) -> Plan:
    """Solve a (possibly modified) formulation of ``portfolio`` into a :class:`Plan`.

    The core of :func:`optimise`, for callers that build the formulation once and vary it
    (frontiers change the budget rows' right-hand sides with :meth:`Formulation.with_rhs`):
    heuristic → solver from its warm start → honest status → the Plan's views (or the
    infeasibility diagnosis). ``warm_start`` (a plan of a neighbouring model, e.g. the previous
    frontier point's, its start option values by (project_id, start), or column values of this
    formulation) is used when it satisfies every row and beats the greedy plan: it is topped up
    by a short local search and the search engine starts from it as a neighbour's plan.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    start, neighbour = _starting_plan(formulation, warm_start)
    timings["heuristic"] = time.perf_counter() - t
    notes = list(formulation.notes)
    status, values, bound, seconds = _search_or_solve(
        formulation, options, start if options.warm_start else None, notes, neighbour
    )
    timings.update(seconds)
    status, values, bound, elastic = _settle(
        formulation, options, (status, values, bound), start, notes, timings
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


def _starting_plan(
    formulation: Formulation, warm_start: Plan | pd.Series | np.ndarray | None
) -> tuple[np.ndarray | None, bool]:
    """The plan the search starts from — the construction heuristic's, or ``warm_start``
    topped up when it fits every row and is better — and whether it is a neighbour's."""
    if isinstance(warm_start, Plan):
        warm_start = warm_start.solution if warm_start.is_solution() else None
    if isinstance(warm_start, pd.Series):
        warm_start = formulation.column_values(warm_start)
    start = greedy_plan(formulation)  # also the fallback when the solver finds nothing in time
    warm_fits = warm_start is not None and satisfies(formulation, warm_start)
    if start is not None and not warm_fits:
        # the improvement pass is the heuristic's costly part (seconds at hundreds of
        # projects); a given plan that fits (a neighbouring level's) makes it unnecessary
        start = improve_plan(formulation, start)
    if warm_fits:
        objective = formulation.columns["objective"].to_numpy()
        if start is None or objective @ warm_start > objective @ start:
            # a neighbouring plan: insert what now fits (a looser limit leaves room), briefly
            return improve_plan(formulation, warm_start, max_checks=WARM_CHECKS), True
    return start, False


def _settle(
    formulation: Formulation,
    options: OptimiseOptions,
    found: tuple[str, np.ndarray | None, float | None],
    start: np.ndarray | None,
    notes: list[str],
    timings: dict[str, float],
) -> tuple[str, np.ndarray | None, float | None, tuple | None]:
    """The honest status, values and bound of a search's ``found`` answer, given the plan it
    started from: an infeasible verdict checked by the elastic model (returned for the
    diagnosis), the starting plan when the search found none or a worse one (with the LP
    relaxation's bound). Appends what happened to ``notes``."""
    from .model import solve

    status, values, bound = found
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
    return status, values, bound, elastic


def _search_or_solve(
    formulation: Formulation,
    options: OptimiseOptions,
    start: np.ndarray | None,
    notes: list[str],
    neighbour: bool = False,
) -> tuple[str, np.ndarray | None, float | None, dict[str, float]]:
    """Status, column values and bound of the search engine (``method="search"``; ``neighbour``:
    ``start`` is a neighbouring solve's plan) or of one solver run (``method="solver"``); notes
    of the search are appended to ``notes``."""
    from .model import solve

    t = time.perf_counter()
    if options.method == "search":
        from .search import search

        found = search(formulation, options, start, neighbour=neighbour)
        notes.extend(found.notes)
        return found.status, found.values, found.bound, {"solve": time.perf_counter() - t}
    result = solve(
        formulation,
        solver=options.solver,
        time_limit=options.time_limit,
        gap=options.gap,
        threads=options.threads,
        seed=options.seed,
        warm_start=start,
        node_limit=options.node_limit,
    )
    seconds = {"build": result.build_seconds, "solve": result.solve_seconds}
    return result.status, result.values, result.bound, seconds
