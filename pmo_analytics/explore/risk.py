"""Value against risk: the ε-constraint frontier.

Exposure is the risk-weighted cost of a selection (:mod:`pmo_analytics.explore.exposure`).
:func:`risk_frontier` maximises value subject to exposure ≤ ε, one added constraint row, and
sweeps ε from the least exposure the rules allow up to today's plan; the points are solved
and assembled as a budget frontier's are (:mod:`pmo_analytics.explore.frontier`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from ..optimise import (
    Formulation,
    OptimiseOptions,
    Plan,
    build_formulation,
    check_inputs,
    solve_model,
)
from ..parallel import run_parallel
from ..portfolio import Portfolio
from .exposure import exposure, exposure_coefficients
from .frontier import Frontier, as_levels, assemble_frontier, batch_options
from .sweep import Level, never_falls, solve_level, sweep

__all__ = ["risk_frontier"]


def _risk_level(
    formulation: Formulation, portfolio: Portfolio, options: OptimiseOptions, cap: float
) -> Level:
    """Exposure capped at ``cap`` [currency] (the formulation holds the ``risk`` row)."""
    return formulation.with_rhs("risk", cap), portfolio, options


def _least_exposure(task: tuple) -> float:
    """Worker: the least exposure any plan obeying the rules can have [currency]."""
    formulation, coefficients, options = task
    solution = solve_model(formulation.with_objective(-coefficients), options)
    if not solution.is_solution():
        return math.nan
    return float(coefficients @ solution.x.round())


def risk_frontier(
    portfolio: Portfolio,
    *,
    n_points: int = 11,
    epsilons: Sequence[float] | np.ndarray | None = None,
    options: OptimiseOptions | None = None,
    n_jobs: int | None = 1,
    backend: str | None = None,
    progress: bool = False,
) -> Frontier:
    """Value against risk by the ε-constraint method.

    Maximise value subject to exposure = Σ risk × cost in the horizon ≤ ε (see the module
    notes), sweeping ε from the least exposure any plan obeying the rules can have to the
    exposure of today's plan (no cap). The cap is one added constraint row (a ``risk``
    block); every other rule holds at every point.

    Parameters
    ----------
    portfolio : Portfolio
        Needs a ``risk`` column (probability of failure in [0, 1]); blanks count as 0.
    n_points : int, default 11
        Points between the least and today's exposure (both included).
    epsilons : array-like, optional
        Exposure caps [currency] instead (today's plan is still added as a point).
    options : OptimiseOptions, optional
        Run options of every point (shadow prices and the reasons of excluded projects are
        switched off).
    n_jobs, backend, progress
        Parallel chains of points, see :func:`pmo_analytics.explore.sweep.sweep` and
        :func:`pmo_analytics.parallel.run_parallel`.

    Returns
    -------
    Frontier
        ``kind="risk"``, ``x="epsilon"``; ``points.exposure`` is each plan's own exposure
        (≤ its epsilon); ``frontier.current`` is today's plan (epsilon = its exposure).

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> f = risk_frontier(generate_portfolio(10, n_periods=4, n_roles=2, seed=1), n_points=3)
    >>> bool((f.points["exposure"] <= f.points["epsilon"] + 1e-6).all())
    True
    """
    options = batch_options(options)
    check_inputs(portfolio, options)
    if "risk" not in portfolio.projects or portfolio.projects["risk"].isna().all():
        raise OptionsError(
            "the portfolio gives no risk: add a risk column (probability of failure in [0, 1]) "
            "to projects.csv"
        )
    if epsilons is None and (not isinstance(n_points, int) or n_points < 2):
        raise OptionsError(f"n_points must be a whole number ≥ 2; got {n_points!r}")
    formulation = build_formulation(portfolio, options)
    coefficients = exposure_coefficients(portfolio, formulation)
    today, least = run_parallel(
        _risk_or_least,
        [
            ("current", formulation, portfolio, options),
            ("least", formulation, coefficients, options),
        ],
        n_jobs=n_jobs,
        backend=backend,
    )
    if not today.is_solution():
        points = pd.DataFrame({"epsilon": [math.nan]})
        return assemble_frontier([today], points, "epsilon", "risk", 0)
    high = exposure(today)
    if epsilons is None:
        low = least if math.isfinite(least) else 0.0
        caps = np.linspace(min(low, high), high, n_points)[:-1]
    else:
        caps = as_levels(epsilons, "epsilons must be exposure caps ≥ 0 [currency]", empty=True)
        caps = np.unique(caps[caps < high - 1e-9 * max(1.0, high)])
    capped = formulation.with_row("risk", "<=", high, coefficients, measure="exposure")
    plans = sweep(
        capped,
        portfolio,
        options,
        _risk_level,
        [float(cap) for cap in caps],
        n_jobs=n_jobs,
        backend=backend,
        progress=progress,
        desc="risk frontier",
    )

    def resolve(i: int, warm: Plan) -> Plan:  # today's plan, should a capped one beat it
        level = (formulation, portfolio, options) if i == len(caps) else None
        return solve_level(level or _risk_level(capped, portfolio, options, caps[i]), warm)

    plans = never_falls([*plans, today], resolve)
    # today's point is uncapped: its epsilon is its exposure (or the highest cap, if above)
    frame = pd.DataFrame({"epsilon": [*caps, max(high, exposure(plans[-1]))]})
    return assemble_frontier(plans, frame, "epsilon", "risk", len(plans) - 1)


def _risk_or_least(task: tuple):
    """Worker: today's plan or the least exposure, so the two run side by side."""
    kind, *rest = task
    return solve_level(tuple(rest)) if kind == "current" else _least_exposure(tuple(rest))
