"""What extra capacity is worth: re-optimise with +1, +2, … FTE of a role and compare.

:func:`value_of_capacity` adds FTE of one role — in every period, or in one — re-optimises
the portfolio at each step and reports the value each step gains, with the proven range of
the gain where searches stop short of a proof, and the baseline plan's shadow price (the
marginal value an LP around the plan gives) alongside.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from ..explore import sweep, tightest_bounds
from ..optimise import OptimiseOptions, Plan, build_formulation, optimise
from ..portfolio import Portfolio
from .demand import add_capacity

if TYPE_CHECKING:  # pragma: no cover
    from ..explore import Level
    from ..optimise import Formulation

__all__ = ["value_of_capacity"]

VALUE_COLUMNS = [
    "role",
    "period",
    "fte_added",
    "status",
    "objective",
    "bound",
    "gap",
    "value_gained",
    "gained_per_fte",
    "marginal_gain",
    "gain_low",
    "gain_high",
    "shadow_price",
    "n_selected",
    "entered",
    "left",
    "seconds",
]
#: The share of the run's search effort each step of :func:`value_of_capacity` gets: like a
#: frontier's points, each step's search starts from the plan of the step before (the
#: baseline's for the first), which satisfies it.
STEP_EFFORT = 0.2


def _capacity_level(
    formulation: Formulation,
    portfolio: Portfolio,
    options: OptimiseOptions,
    fte: float,
    *,
    role: str,
    period: pd.Period | None,
) -> Level:
    """+``fte`` of ``role`` in every period (``period`` None) or in one period."""
    periods = list(portfolio.horizon) if period is None else [period]
    extra = pd.DataFrame({"role": role, "period": pd.PeriodIndex(periods), "fte": float(fte)})
    bigger = add_capacity(portfolio, extra)
    rhs = bigger.capacity_by_role_period()  # indexed by (role, period), as the rows' labels
    return formulation.with_rhs("capacity", rhs), bigger, options


# --------------------------------------------------------------------------- value of capacity
def value_of_capacity(
    portfolio: Portfolio,
    role: str,
    *,
    period: object = None,
    steps: Iterable[float] = (1, 2, 3, 4),
    options: OptimiseOptions | None = None,
    baseline: Plan | None = None,
) -> pd.DataFrame:
    """What +1, +2, … FTE of one role would be worth: re-optimise and compare.

    Each step adds ``k`` FTE of ``role`` — in every period of the horizon, or in ``period``
    only — and re-optimises the portfolio. The value gained is the re-optimised objective
    minus the baseline's (the plan without extra people).

    The figures are exact only where the plans are ``optimal``; a search that stops on its
    work budget before a proof (``feasible``) gives a plan and a bound, and the true gain lies in
    [``gain_low``, ``gain_high``]. Two facts tighten them: a plan of step k is still a plan
    with more people, so each step's search starts from the plan of the step before
    (:func:`pmo_analytics.explore.sweep.sweep`) and never finds less; and the best value cannot fall
    as capacity grows, so each step's bound is the least bound of it and every later step.

    The ``shadow_price`` column is the baseline plan's marginal value of the role (summed
    over the periods where the FTE are added), from an LP around that plan: the value of a
    *small* extra amount, with the plan's other choices fixed. The re-optimised gain per
    whole FTE is the honest figure: people come in whole units, whole projects enter, and
    the rest of the plan may be rearranged around them.

    Parameters
    ----------
    portfolio : Portfolio
    role : str
        A role of the portfolio.
    period : Period or str, optional
        Add the FTE in this period only (default: in every period).
    steps : iterable of float
        FTE to add, e.g. ``(1, 2, 3, 4)``; each > 0.
    options : OptimiseOptions, optional
        Options of every run (shadow prices and the reasons of excluded projects are turned
        off for the re-solves, which compare selections).
        Default: the baseline's options, else ``OptimiseOptions()``. Each step's search gets
        :data:`STEP_EFFORT` of its effort and starts from the previous step's plan.
    baseline : Plan, optional
        The plan without extra capacity, made for this portfolio (saves one solve). It
        needs shadow prices (``shadow_prices=True``, the default) for the ``shadow_price``
        column; otherwise that column is NaN.

    Returns
    -------
    DataFrame
        One row for the baseline (``fte_added`` 0) and one per step: ``role``, ``period``
        (label, or ``all``), ``fte_added`` [FTE], ``status``, ``objective``, ``bound``,
        ``gap``, ``value_gained`` (objective − baseline objective), ``gained_per_fte``,
        ``marginal_gain`` (over the previous step), ``gain_low`` and ``gain_high`` (proven
        range of the true gain), ``shadow_price`` (value per FTE), ``n_selected``,
        ``entered`` and ``left`` (project ids joined by ", ", against the baseline) and
        ``seconds``.

    Raises
    ------
    ValueError
        For an unknown role, a period outside the horizon, no or non-positive steps, or a
        baseline made for another portfolio.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(12, n_periods=6, n_roles=3, seed=3)
    >>> worth = value_of_capacity(p, "Role01", steps=(1, 2))
    >>> worth["fte_added"].tolist()
    [0.0, 1.0, 2.0]
    """
    frame, _ = _value_runs(
        portfolio, role, period=period, steps=steps, options=options, baseline=baseline
    )
    return frame


def _value_runs(
    portfolio: Portfolio,
    role: str,
    *,
    period: object = None,
    steps: Iterable[float] = (1, 2, 3, 4),
    options: OptimiseOptions | None = None,
    baseline: Plan | None = None,
) -> tuple[pd.DataFrame, list[Plan]]:
    """:func:`value_of_capacity` and the plan reported for each row (for checks)."""

    if role not in portfolio.roles:
        raise OptionsError(f"unknown role {role!r}; valid: {', '.join(portfolio.roles)}")
    at = None
    if period is not None:
        try:
            at = pd.Period(period, freq=portfolio.horizon[0].freq)
        except (TypeError, ValueError) as err:
            raise OptionsError(
                f"period={period!r} is not a period like {portfolio.horizon[0]}"
            ) from err
        if at not in portfolio.horizon:
            raise OptionsError(
                f"period {at} is outside the horizon {portfolio.horizon[0]}..{portfolio.horizon[-1]}"
            )
    sizes = sorted({float(k) for k in steps})
    if not sizes or sizes[0] <= 0:
        raise OptionsError(
            f"steps={tuple(steps)} must be one or more FTE amounts > 0, e.g. (1, 2, 3, 4)"
        )
    if baseline is not None:
        if not (baseline.portfolio is portfolio or baseline.portfolio == portfolio):
            raise OptionsError(
                "the baseline plan was made for another portfolio; pass its portfolio"
            )
        options = options or baseline.options
    options = (options or OptimiseOptions()).replace(shadow_prices=False, analysis=False)
    if baseline is None:
        baseline = optimise(portfolio, options.replace(shadow_prices=True))
    steps = sweep(
        build_formulation(portfolio, options),
        portfolio,
        options.replace(effort=options.effort * STEP_EFFORT),
        functools.partial(_capacity_level, role=role, period=at),
        sizes,
        start=baseline,
    )
    plans = [baseline, *steps]
    objective = np.array([p.objective if p.is_solution() else np.nan for p in plans])
    bound = tightest_bounds(plans)
    found = np.isfinite(objective)
    exact = found & (np.abs(bound - objective) <= 1e-9 * np.maximum(1.0, np.abs(objective)))
    status = np.where(
        exact,
        "optimal",
        np.where(found, "feasible", np.array([p.status for p in plans], dtype=object)),
    )
    fte = np.array([0.0, *sizes])
    gained = objective - objective[0]
    base_selected = set(baseline.selected)
    label = "all" if at is None else str(at)
    frame = pd.DataFrame(
        {
            "role": role,
            "period": label,
            "fte_added": fte,
            "status": status,
            "objective": objective,
            "bound": bound,
            "gap": (bound - objective) / np.maximum(np.abs(objective), 1e-9),
            "value_gained": gained,
            "gained_per_fte": np.where(fte > 0, gained / np.where(fte > 0, fte, 1.0), np.nan),
            "marginal_gain": np.concatenate([[np.nan], np.diff(objective)]),
            "gain_low": np.maximum(objective - bound[0], 0.0),
            "gain_high": bound - objective[0],
            "shadow_price": _role_shadow_price(baseline, role, at),
            "n_selected": [p.n_selected for p in plans],
            "entered": [", ".join(sorted(set(p.selected) - base_selected)) for p in plans],
            "left": [", ".join(sorted(base_selected - set(p.selected))) for p in plans],
            "seconds": [p.seconds for p in plans],
        }
    )
    frame.loc[0, ["gain_low", "gain_high"]] = 0.0  # the baseline gains nothing over itself
    return frame[VALUE_COLUMNS], plans


def _role_shadow_price(plan: Plan, role: str, period: pd.Period | None) -> float:
    """The plan's shadow price of ``role`` summed over the periods (or in one)."""
    if not plan.options.shadow_prices or not plan.is_solution():
        return math.nan
    rows = plan.prices[plan.prices["resource"] == role]
    if period is not None:
        rows = rows[rows["period"] == period]
    prices = rows["shadow_price"]
    if prices.isna().all() and len(prices):
        return math.nan
    return float(prices.fillna(0.0).sum())
