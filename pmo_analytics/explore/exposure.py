"""Exposure: the risk-weighted cost of a selection — money expected to go to projects that fail.

Exposure = Σ risk × cost inside the horizon [currency] over the selected projects (risk is the
probability of failure; a blank risk counts as 0). The efficient frontier reports it for each
point and :func:`~pmo_analytics.explore.risk.risk_frontier` caps it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..optimise import Formulation, Plan
from ..portfolio import Portfolio, project_load

__all__ = ["exposure", "exposure_coefficients"]


def _risk(portfolio: Portfolio) -> pd.Series:
    """Probability of failure of each project (blank = 0)."""
    return portfolio.projects["risk"].astype(float).fillna(0.0)


def exposure_coefficients(portfolio: Portfolio, formulation: Formulation) -> pd.Series:
    """Exposure [currency] of each start option: the project's risk × its cost in the horizon.

    Indexed like the formulation's start options (project_id, start).

    Examples
    --------
    >>> from pmo_analytics.portfolio import generate_portfolio
    >>> from pmo_analytics.optimise import OptimiseOptions, build_formulation
    >>> p = generate_portfolio(6, n_periods=4, n_roles=2, seed=1)
    >>> bool((exposure_coefficients(p, build_formulation(p, OptimiseOptions())) >= 0).all())
    True
    """
    options = formulation.options
    risk = _risk(portfolio).reindex(options.index.get_level_values("project_id")).to_numpy()
    return pd.Series(options["cost"].to_numpy() * risk, index=options.index, name="exposure")


def exposure(plan: Plan) -> float:
    """Risk-weighted cost of a plan's selection: Σ risk × cost in the horizon [currency].

    Examples
    --------
    >>> from pmo_analytics.portfolio import generate_portfolio
    >>> from pmo_analytics.optimise import optimise
    >>> exposure(optimise(generate_portfolio(8, n_periods=4, n_roles=2, seed=1))) > 0
    True
    """
    if not plan.is_solution():
        return math.nan
    spend, _ = project_load(plan.portfolio, plan.starts)
    weights = _risk(plan.portfolio).reindex(spend["project_id"]).to_numpy(dtype=float)
    return float(spend["cost"].to_numpy(dtype=float) @ np.nan_to_num(weights))
