"""Running scenarios: one scenario's plan, or many optimised side by side.

:func:`plan_scenario` optimises the portfolio under one :class:`~pmo_analytics.Scenario`
(the command line's ``plan --scenario``); :func:`run_scenarios` checks every scenario of a
batch against the portfolio first, then optimises them (in parallel through
:func:`pmo_analytics.parallel.run_parallel`) and compares the plans with
:func:`pmo_analytics.explore.comparison.compare_plans`. Each plan's first note names its scenario.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..exceptions import ArgumentTypeError, OptionsError, ScenarioError
from ..optimise import (
    Formulation,
    OptimiseOptions,
    Plan,
    build_formulation,
    optimise,
    solve_formulation,
)
from ..parallel import run_parallel
from .comparison import ScenarioComparison, compare_plans
from .scenario_files import parse_scenario, read_scenario
from .scenarios import Scenario, apply_scenario, problem

if TYPE_CHECKING:  # pragma: no cover
    from ..portfolio import Portfolio

__all__ = [
    "no_plan_below_another_that_fits",
    "plan_scenario",
    "run_scenarios",
    "with_scenario_name",
]


def plan_scenario(
    portfolio: Portfolio, scenario: Scenario, options: OptimiseOptions | None = None
) -> Plan:
    """Optimise the portfolio under one scenario; the plan's notes name the scenario.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> plan = plan_scenario(generate_portfolio(10, n_periods=4, n_roles=2, seed=1),
    ...                      parse_scenario({"name": "lean", "budget": {"scale": 0.8}}))
    >>> plan.notes[0]
    'scenario: lean (budget × 0.8)'
    """

    scenario_portfolio, scenario_options = apply_scenario(portfolio, scenario, options)
    plan = optimise(scenario_portfolio, scenario_options)
    return with_scenario_name(plan, scenario)


def with_scenario_name(plan: Plan, scenario: Scenario) -> Plan:
    """The plan with a first note naming the scenario it was made under."""
    what = "; ".join(scenario.describe())
    note = f"scenario: {scenario.name or '(unnamed)'}" + (f" ({what})" if what else "")
    return dataclasses.replace(plan, notes=(note, *plan.notes))


def _solve_task(task: tuple[Portfolio, OptimiseOptions]) -> Plan:
    """Worker: one scenario's optimisation (module level, so it pickles)."""

    portfolio, options = task
    return optimise(portfolio, options)


def no_plan_below_another_that_fits(plans: list[Plan], names: list[str]) -> list[Plan]:
    """The plans, each searched again from another scenario's plan that fits its rules and is
    worth more under them — so a looser scenario (more budget or capacity, fewer forced rules)
    is never reported below a tighter one.

    The search of a looser scenario may stop below the optimum of a tighter one, whose plan
    also satisfies the looser rules; searched from that plan (a warm start the search never
    ends below) it cannot. Repeated until no plan has a better one that fits its rules.
    """
    plans = list(plans)
    models = [
        build_formulation(plan.portfolio, plan.options) if plan.is_solution() else None
        for plan in plans
    ]
    for _ in range(len(plans)):
        changed = False
        for i, (plan, model) in enumerate(zip(plans, models, strict=True)):
            better = _best_fitting_other(i, plans, model)
            if better is None:
                continue
            j = better
            searched = solve_formulation(
                plan.portfolio, model, plan.options, warm_start=plans[j].solution
            )
            note = (
                f"searched again from the plan of {names[j]}, which fits these rules too and "
                "was worth more"
            )
            plans[i] = dataclasses.replace(searched, notes=(*searched.notes, note))
            changed = True
        if not changed:
            break
    return plans


def _best_fitting_other(i: int, plans: list[Plan], model: Formulation | None) -> int | None:
    """The other plan that fits plan ``i``'s rules and is worth most more under them."""
    plan = plans[i]
    if model is None:
        return None
    best, best_value = None, plan.objective + 1e-9 * max(1.0, abs(plan.objective))
    for j, other in enumerate(plans):
        if j == i or not other.is_solution() or not model.fits(other.solution):
            continue
        value = model.objective_of(other.solution)
        if value > best_value:
            best, best_value = j, value
    return best


def _as_scenario(item: Scenario | str | os.PathLike[str] | Mapping[str, Any], i: int) -> Scenario:
    if isinstance(item, Scenario):
        scenario = item
    elif isinstance(item, str | os.PathLike):
        scenario = read_scenario(item)
    elif isinstance(item, Mapping):
        scenario = parse_scenario(item, source=f"#{i + 1}")
    else:
        raise ArgumentTypeError(
            f"scenario #{i + 1} is a {type(item).__name__}; give a Scenario, a .toml path or a dict"
        )
    return scenario if scenario.name else dataclasses.replace(scenario, name=f"scenario {i + 1}")


def run_scenarios(
    portfolio: Portfolio,
    scenarios: Iterable[Scenario | str | os.PathLike[str] | Mapping[str, Any]],
    *,
    options: OptimiseOptions | None = None,
    base: str | None = "base",
    n_jobs: int | None = 1,
    backend: str | None = None,
    progress: bool = False,
) -> ScenarioComparison:
    """Optimise the portfolio under each scenario and compare the plans side by side.

    Parameters
    ----------
    portfolio : Portfolio
        The base portfolio.
    scenarios : iterable
        :class:`Scenario` objects, paths of .toml files, or dicts shaped like the files.
        Names must differ (unnamed ones become "scenario N").
    options : OptimiseOptions, optional
        Base run options for every scenario (default ``OptimiseOptions(shadow_prices=False)``;
        a smaller ``effort`` for quick looks at large portfolios, a larger one for decisions).
    base : str or None, default "base"
        Name of an extra run of the portfolio as it is, first in the table and the baseline
        of the differences; None compares with the first scenario instead.
    n_jobs, backend, progress
        Parallel runs, see :func:`pmo_analytics.parallel.run_parallel`.

    Returns
    -------
    ScenarioComparison

    Raises
    ------
    ScenarioError
        When any scenario is invalid or does not fit the portfolio (all of them checked
        before anything is solved), or two scenarios share a name.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> p = generate_portfolio(10, n_periods=4, n_roles=2, seed=1)
    >>> cmp = run_scenarios(p, [{"name": "cut", "budget": {"scale": 0.7}}])
    >>> list(cmp.table.index)
    ['base', 'cut']
    """

    options = options or OptimiseOptions(shadow_prices=False)
    named = [_as_scenario(item, i) for i, item in enumerate(scenarios)]
    if base is not None:
        named.insert(0, Scenario(name=base))
    if not named:
        raise OptionsError("no scenarios to run: give at least one, or keep the base run")
    names = [s.name for s in named]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ScenarioError(
            [problem("name", n, "scenario names must differ") for n in twice], source="batch"
        )
    tasks, problems = [], []
    for scenario in named:
        try:
            tasks.append(apply_scenario(portfolio, scenario, options))
        except ScenarioError as err:
            problems += [(f"{scenario.name}: {k}", v, r) for k, v, r in err.problems]
    if problems:
        raise ScenarioError(problems, source="batch")
    plans = run_parallel(
        _solve_task, tasks, n_jobs=n_jobs, backend=backend, progress=progress, desc="scenarios"
    )
    plans = no_plan_below_another_that_fits(plans, names)
    plans = [with_scenario_name(plan, s) for plan, s in zip(plans, named, strict=True)]
    descriptions = {s.name: "; ".join(s.describe()) for s in named}
    return compare_plans(dict(zip(names, plans, strict=True)), descriptions=descriptions)
