"""Sweeping one limit: the same model solved at many levels of it, each level's search starting
from the plan of the level before.

The frontiers (:mod:`pmo_analytics.explore.frontier`: budget, exposure cap) and the value of capacity
(:mod:`pmo_analytics.capacity.value_of_capacity`: FTE of a role) change one limit of one formulation. A plan
at a tighter level satisfies every looser one, so handed to the next level's search as its
warm start (:func:`~pmo_analytics.optimise.run.solve_formulation`) it is a floor: the search
returns it or better, and value never falls as the limit loosens — even where a time limit
stops a search early.

Neighbouring levels are solved in chains of :data:`CHAIN_LENGTH`, the chains in parallel
through :func:`pmo_analytics.parallel.run_parallel`. The chains depend only on the number of
levels, so the plans are the same whatever the number of workers. A chain's first level
starts from the plan given as ``start`` (or from the heuristic alone); :func:`never_falls`
then checks the whole sweep and searches any level that came out below a tighter level's
plan again, from that plan.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from ..exceptions import SolverError
from ..optimise import Formulation, OptimiseOptions, Plan, solve_formulation
from ..parallel import run_parallel
from ..portfolio import Portfolio

#: A level: the formulation with the limit at that level, the portfolio whose tables hold
#: it (so the plan's utilisation and checks read it) and the run options.
Level = tuple[Formulation, Portfolio, OptimiseOptions]

__all__ = ["CHAIN_LENGTH", "Level", "never_falls", "solve_level", "sweep", "tightest_bounds"]

#: Levels solved one after the other, each from the plan of the one before.
CHAIN_LENGTH = 25


def solve_level(level: Level, warm: Plan | None = None) -> Plan:
    """Solve one level, its search started from ``warm`` (a plan of a tighter level)."""
    formulation, portfolio, options = level
    return solve_formulation(portfolio, formulation, options, warm_start=warm)


def _better(plan: Plan, than: Plan | None) -> bool:
    """``plan`` has a selection worth at least ``than``'s (or ``than`` has none)."""
    if not plan.is_solution():
        return False
    return than is None or not than.is_solution() or plan.objective >= than.objective


def _falls_below(plan: Plan, best: Plan) -> bool:
    return not plan.is_solution() or plan.objective < best.objective - 1e-9 * max(
        1.0, abs(best.objective)
    )


def _solve_chain(task: tuple) -> list[Plan]:
    """Worker: neighbouring levels in turn, each from the best plan so far (module level, so
    it pickles)."""
    level, formulation, portfolio, options, values, start = task
    plans, warm = [], start
    for value in values:
        plan = solve_level(level(formulation, portfolio, options, value), warm)
        plans.append(plan)
        warm = plan if _better(plan, warm) else warm
    return plans


def never_falls(
    plans: Sequence[Plan],
    resolve: Callable[[int, Plan], Plan],
    *,
    start: Plan | None = None,
    floor: tuple[int, Plan] | None = None,
) -> list[Plan]:
    """The plans of a sweep (tight to loose), none worth less than a tighter level's.

    A level whose plan is worth less than the best plan of the tighter levels (or ``start``,
    or from level ``floor[0]`` on the plan ``floor[1]``, which satisfies that level and every
    looser one) is searched again from that plan: ``resolve(i, plan)``, which the search
    returns or betters. Raises SolverError should it still fall short — the optimiser
    refused, as a warm start, a plan that satisfies a looser limit.
    """
    out = list(plans)
    best = start if start is not None and start.is_solution() else None
    for i, plan in enumerate(out):
        if floor is not None and i == floor[0] and _better(floor[1], best):
            best = floor[1]  # a plan (``_better`` says so) that fits this level and looser ones
        if best is not None and _falls_below(plan, best):
            plan = resolve(i, best)
            if _falls_below(plan, best):
                raise SolverError(
                    f"level {i} of the sweep is worth {plan.objective:,.6g} even when searched "
                    f"from a tighter level's plan worth {best.objective:,.6g}: the optimiser "
                    "rejected that plan as a start, though it satisfies this looser limit"
                )
            out[i] = plan
        best = plan if _better(plan, best) else best
    return out


def sweep(
    formulation: Formulation,
    portfolio: Portfolio,
    options: OptimiseOptions,
    level: Callable[[Formulation, Portfolio, OptimiseOptions, float], Level],
    values: Sequence[float],
    *,
    start: Plan | None = None,
    floor: tuple[int, Plan] | None = None,
    n_jobs: int | None = 1,
    backend: str | None = None,
    progress: bool = False,
    desc: str | None = None,
) -> list[Plan]:
    """Solve ``formulation`` at each level of one limit, tight to loose.

    Parameters
    ----------
    formulation, portfolio, options
        The model at today's level, its portfolio and the run options.
    level : callable
        A module-level function (it is pickled to workers) ``level(formulation, portfolio,
        options, value) -> (formulation, portfolio, options)`` at the level ``value``.
    values : sequence of float
        The levels, each looser than the one before.
    start : Plan, optional
        A plan that satisfies every level (e.g. at a tighter level still): the first search of
        each chain starts from it, and no level ends up worth less.
    floor : (int, Plan), optional
        A plan that satisfies level ``floor[0]`` and every looser one (today's plan, from
        today's level on): no level from there on ends up worth less.
    n_jobs, backend, progress, desc
        Parallel chains, see :func:`pmo_analytics.parallel.run_parallel`.

    Returns
    -------
    list of Plan
        One plan per level, in order; the objective never falls along the list.
    """

    values = list(values)
    if n_jobs != 1:  # chains run side by side: one thread each (the plans do not depend on it)
        options = options.replace(threads=1)
    chains = np.array_split(np.arange(len(values)), max(1, math.ceil(len(values) / CHAIN_LENGTH)))
    tasks = [
        (level, formulation, portfolio, options, [values[i] for i in chain], start)
        for chain in chains
        if len(chain)
    ]
    solved = run_parallel(
        _solve_chain, tasks, n_jobs=n_jobs, backend=backend, progress=progress, desc=desc
    )
    plans = [plan for chain in solved for plan in chain]

    def resolve(i: int, warm: Plan) -> Plan:
        return solve_level(level(formulation, portfolio, options, values[i]), warm)

    return never_falls(plans, resolve, start=start, floor=floor)


def tightest_bounds(plans: Sequence[Plan]) -> np.ndarray:
    """Best proven bound per level of a sweep (tight to loose): its own, or a looser level's
    when lower, since value can only grow as the limit loosens; NaN without a plan.

    Examples
    --------
    >>> from types import SimpleNamespace as Run
    >>> runs = [Run(objective=5.0, bound=9.0, is_solution=lambda: True),
    ...         Run(objective=7.0, bound=7.5, is_solution=lambda: True)]
    >>> tightest_bounds(runs).tolist()
    [7.5, 7.5]
    """
    solved = np.array([p.is_solution() for p in plans], dtype=bool)
    bound = np.where(solved, [p.bound for p in plans], math.nan).astype(float)
    objective = np.where(solved, [p.objective for p in plans], math.nan).astype(float)
    looser = np.fmin.accumulate(bound[::-1])[::-1]  # least finite bound from here on
    return np.maximum(np.where(solved, looser, math.nan), objective)
