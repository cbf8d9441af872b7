"""The value the optimiser maximises, per project, on a chosen basis.

Three bases (``[objective] value_basis`` in a scenario file):

``value``
    the project's strategic value (``value`` in projects.csv, else its weighted score);
``risk_adjusted``
    strategic value × (1 − risk), risk being the probability of failure — the expected value
    of a project that delivers all or nothing;
``npv``
    net present value of the project's cash flows at its own start (offset 0 undiscounted,
    annual ``discount_rate`` converted to the period rate); the optimiser discounts it further
    by the start period it picks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._vocab import VALUE_BASES
from ..exceptions import OptionsError
from .financials import project_npv

#: The valid ``basis`` values of :func:`objective_values`.


def risk_adjusted_value(portfolio) -> pd.Series:
    """Strategic value × (1 − risk) per project (blank risk counts as 0) [value units].

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> p = generate_portfolio(4, n_periods=4, seed=1)
    >>> bool((risk_adjusted_value(p) <= p.projects["strategic_value"]).all())
    True
    """
    projects = portfolio.projects
    risk = (
        pd.to_numeric(projects["risk"], errors="coerce").fillna(0.0) if "risk" in projects else 0.0
    )
    return (projects["strategic_value"] * (1.0 - risk)).rename("risk_adjusted_value")


def objective_values(portfolio, *, basis: str = "value", discount_rate: float = 0.08) -> pd.Series:
    """Value per project on the chosen basis, indexed by project_id (every project).

    Parameters
    ----------
    portfolio : Portfolio
    basis : {"value", "npv", "risk_adjusted"}
        ``value``: strategic value; ``risk_adjusted``: strategic value × (1 − risk);
        ``npv``: NPV at the project's own start [currency] (see
        :func:`pmo_analytics.project_financials`).
    discount_rate : float
        Annual discount rate for ``npv`` (0.08 = 8 % a year); ignored otherwise.

    Returns
    -------
    Series
        Named ``value``. NaN only for completed or cancelled projects without a value.

    Raises
    ------
    ValueError
        For an unknown basis, or when a candidate project has no strategic value (neither a
        ``value`` nor scores to weigh) on the ``value`` and ``risk_adjusted`` bases.

    Examples
    --------
    >>> from pmo_analytics.portfolio.synthetic import generate_portfolio
    >>> p = generate_portfolio(4, n_periods=4, seed=1)
    >>> objective_values(p, basis="risk_adjusted").name
    'value'
    """
    if basis not in VALUE_BASES:
        raise OptionsError(
            f"value basis {basis!r} is not valid; use one of {', '.join(VALUE_BASES)}"
        )
    if basis == "npv":
        return project_npv(portfolio, discount_rate=discount_rate).rename("value")
    projects = portfolio.projects
    candidates = portfolio.candidates()
    lacking = candidates[projects.loc[candidates, "strategic_value"].isna().to_numpy()]
    if len(lacking):
        listed = ", ".join(map(str, lacking[:10])) + (", …" if len(lacking) > 10 else "")
        raise OptionsError(
            f"{len(lacking)} candidate project(s) have no strategic value ({listed}): give a value "
            "in projects.csv, or scores in scores.csv with criteria weights or comparisons, "
            "or use value basis 'npv'"
        )
    values = (
        risk_adjusted_value(portfolio) if basis == "risk_adjusted" else projects["strategic_value"]
    )
    return values.astype(np.float64).rename("value")
