"""Plans as starting points: a plan, or a list of starts, as column values of a formulation.

Neighbouring solves — scenarios, the what-if of forcing a project in, next quarter's replan —
start their search from a plan they know satisfies (or nearly satisfies) their rules. These map
such a plan onto another formulation of the portfolio by its labels, (project_id, start),
through :meth:`.formulation.Formulation.column_values`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from .formulation import Formulation
    from .plan import Plan


def plan_values(plan: Plan | None, formulation: Formulation) -> np.ndarray | None:
    """Column values of ``plan`` in ``formulation`` (options matched by (project_id, start)).

    None when there is no plan or the formulation has helper columns other than a cumulative
    budget's. The values need not satisfy the formulation's rows: check before use.

    Examples
    --------
    >>> from pmo_analytics.portfolio import generate_portfolio
    >>> from pmo_analytics.optimise import build_formulation, optimise
    >>> plan = optimise(generate_portfolio(8, n_periods=4, n_roles=2, seed=1))
    >>> model = build_formulation(plan.portfolio, plan.options)
    >>> int(plan_values(plan, model).sum()) == plan.n_selected
    True
    """
    if plan is None or not plan.is_solution() or plan.solution is None:
        return None
    return formulation.column_values(plan.solution)


def starts_values(
    starts: Mapping[str, str | pd.Period], formulation: Formulation
) -> np.ndarray | None:
    """Column values of the plan that starts each project of ``starts`` (project_id → period
    label or Period) in ``formulation``; projects or starts without an option are left out.

    Examples
    --------
    >>> from pmo_analytics.portfolio import generate_portfolio
    >>> from pmo_analytics.optimise import build_formulation, optimise
    >>> plan = optimise(generate_portfolio(8, n_periods=4, n_roles=2, seed=1))
    >>> model = build_formulation(plan.portfolio, plan.options)
    >>> labels = {p: str(s) for p, s in plan.starts.items()}
    >>> bool((starts_values(labels, model) == plan_values(plan, model)).all())
    True
    """
    index = formulation.option_index
    freq = index.get_level_values("start").freq if len(index) else None
    given = pd.Series(starts, dtype=object).dropna()
    given = given[given.astype(str) != ""]
    if freq is None or given.empty:
        return formulation.column_values(pd.Series(dtype=float))
    periods = pd.PeriodIndex([pd.Period(s, freq=freq) for s in given], freq=freq)
    labels = pd.MultiIndex.from_arrays([given.index, periods], names=index.names)
    return formulation.column_values(pd.Series(1.0, index=labels))
