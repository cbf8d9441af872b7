"""Contingency: plan against a quantile of each cost (e.g. P80) instead of its most likely figure.

Each cost line (and, if asked, each demand line) is set to the figure it stays under with the
given probability, from its range (:mod:`pmo_analytics.explore.ranges`). With the default correlation
by project of :func:`pmo_analytics.monte_carlo` the line quantiles add up to the same quantile
of each project's total cost. Judge the hedged plan under the full distribution with
:func:`pmo_analytics.overrun_risk` or :func:`pmo_analytics.monte_carlo`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exceptions import OptionsError
from ..optimise import optimise
from ..portfolio import Portfolio
from .ranges import (
    DISTRIBUTIONS,
    Spread,
    check_choice,
    figures_at,
    uncertainty_ranges,
    with_figures,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..optimise import OptimiseOptions, Plan


def contingency_portfolio(
    portfolio: Portfolio,
    quantile: float = 0.8,
    *,
    distribution: str = "pert",
    cost_spread: Spread = None,
    demand_quantile: float | None = None,
    demand_spread: Spread = None,
) -> Portfolio:
    """The portfolio with every cost line at a quantile of its distribution (e.g. P80).

    Parameters
    ----------
    portfolio : Portfolio
    quantile : float
        In (0, 1): 0.8 plans against the cost each line stays under with 80 % probability.
    distribution : {"pert", "triangular"}
    cost_spread : float or (float, float), optional
        Range for cost lines without ``cost_low``/``cost_high`` (see
        :func:`pmo_analytics.uncertainty_ranges`).
    demand_quantile : float, optional
        Also set each demand line to this quantile of its FTE (default: demand as planned).
    demand_spread : float or (float, float), optional

    Returns
    -------
    Portfolio
        Same projects, budget and capacity; costs (and demand) at the quantile.

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(6, n_periods=4, n_roles=2, seed=1)
    >>> p80 = pa.contingency_portfolio(p, 0.8, cost_spread=(0.1, 0.4))
    >>> bool((p80.cashflows["cost"] >= p.cashflows["cost"]).all())
    True
    """
    quantiles = {"quantile": quantile, "demand_quantile": demand_quantile}
    for name, q in quantiles.items():
        if q is not None and not 0.0 < float(q) < 1.0:
            raise OptionsError(f"{name}={q!r} must be a probability strictly between 0 and 1")
    check_choice("distribution", distribution, DISTRIBUTIONS)
    ranges = uncertainty_ranges(portfolio, cost_spread=cost_spread, demand_spread=demand_spread)
    return with_figures(
        portfolio,
        cost=figures_at(ranges.cost, float(quantile), distribution),
        fte=(
            None
            if demand_quantile is None
            else figures_at(ranges.demand, float(demand_quantile), distribution)
        ),
    )


def plan_with_contingency(
    portfolio: Portfolio,
    quantile: float = 0.8,
    *,
    distribution: str = "pert",
    cost_spread: Spread = None,
    demand_quantile: float | None = None,
    demand_spread: Spread = None,
    options: OptimiseOptions | None = None,
    **changes: object,
) -> Plan:
    """Optimise against a quantile of cost (a contingency) instead of the most likely cost.

    The plan's ``portfolio`` is :func:`contingency_portfolio`'s: its costs, utilisation and
    checks are at the quantile. Judge it under the full distribution with
    ``monte_carlo(portfolio, plan)`` or ``overrun_risk(portfolio, plan)``.

    Parameters
    ----------
    portfolio : Portfolio
    quantile, distribution, cost_spread, demand_quantile, demand_spread
        See :func:`contingency_portfolio`.
    options : OptimiseOptions, optional
    **changes
        Any :class:`~pmo_analytics.OptimiseOptions` field.

    Returns
    -------
    Plan

    Examples
    --------
    >>> import pmo_analytics as pa
    >>> p = pa.generate_portfolio(8, n_periods=4, n_roles=2, seed=1)
    >>> plan = pa.plan_with_contingency(p, 0.8, cost_spread=0.3)
    >>> bool(plan.total_cost <= p.budget["amount"].sum())
    True
    """

    hedged = contingency_portfolio(
        portfolio,
        quantile,
        distribution=distribution,
        cost_spread=cost_spread,
        demand_quantile=demand_quantile,
        demand_spread=demand_spread,
    )
    return optimise(hedged, options, **changes)
