"""Solving a formulation and reading its solution by label: the public model interface.

Build a model with :func:`~pmo_analytics.optimise.build_formulation`, change it with the
:class:`~pmo_analytics.optimise.Formulation` methods (``with_rhs``, ``with_row``,
``with_objective``, ``with_slacks``, ``without``), solve it with :func:`solve_model`, and read
the :class:`Solution` by label: start option values by (project_id, start), helper columns by
name, duals by the rows' labels. Nothing outside ``optimise`` counts columns or rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..exceptions import OptionsError
from .formulation import Formulation, _row_labels
from .options import OptimiseOptions, SearchSettings


@dataclass(frozen=True, eq=False)
class Solution:
    """What one solve of a formulation gave, by label.

    Attributes
    ----------
    status : str
        ``optimal`` (proven), ``feasible`` (a solution, optimum not proven), ``infeasible`` or
        ``not_solved``.
    objective, bound : float
        The objective of the solution and the best proven bound on it (NaN when unknown),
        both with the formulation's constant.
    solver : str
    x : Series or None
        Value of every start option, indexed by (project_id, start); None without a solution.
    helpers : Series or None
        Value of every helper column (carried budget, slacks), indexed by column name.
    duals : DataFrame or None
        For a relaxed (LP) solve: the formulation's :attr:`~Formulation.rows` with a ``dual``
        column (the objective's change per unit of right-hand side).
    message : str
        The solver's last word on the run.
    seconds : float
        Wall-clock seconds of building and solving.
    """

    status: str
    objective: float
    bound: float
    solver: str
    x: pd.Series | None
    helpers: pd.Series | None
    duals: pd.DataFrame | None
    message: str = ""
    seconds: float = 0.0

    def is_solution(self) -> bool:
        """True when the solve found a solution (optimal or feasible)."""
        return self.x is not None

    @property
    def starts(self) -> pd.Series:
        """Start period of each selected project (index project_id)."""
        if self.x is None:
            return pd.Series(dtype=object, name="start")
        chosen = self.x.index[self.x.to_numpy() > 0.5]
        return pd.Series(
            chosen.get_level_values("start"),
            index=chosen.get_level_values("project_id"),
            name="start",
        )

    def dual(self, family: str) -> pd.Series:
        """Duals of one constraint family, indexed by its row labels (e.g. (role, period)).

        Examples
        --------
        >>> from pmo_analytics.portfolio import generate_portfolio
        >>> from pmo_analytics.optimise import build_formulation, OptimiseOptions
        >>> f = build_formulation(generate_portfolio(6, n_periods=4, n_roles=2, seed=1), OptimiseOptions())
        >>> lp = solve_model(f, relax=True)
        >>> lp.dual("capacity").index.names
        FrozenList(['role', 'period'])
        """
        if self.duals is None:
            raise OptionsError(
                "duals exist only for a relaxed solve (solve_model(..., relax=True))"
            )
        rows = self.duals[self.duals["family"] == family]
        return pd.Series(rows["dual"].to_numpy(), index=self._labels[family], name="dual")

    # the row labels of each family, kept at solve time (set by solve_model)
    _labels: dict | None = None


def solve_model(
    formulation: Formulation,
    settings: SearchSettings | OptimiseOptions | None = None,
    *,
    warm_start: pd.Series | Solution | None = None,
    warm_helpers: pd.Series | None = None,
    relax: bool = False,
    **changes: object,
) -> Solution:
    """Solve a formulation (a MIP; its LP relaxation with ``relax``) and label the result.

    Parameters
    ----------
    formulation : Formulation
    settings : SearchSettings or OptimiseOptions, optional
        Solver, limits, gap, threads, seed (defaults: :class:`SearchSettings`).
    warm_start : Series or Solution, optional
        Start option values by (project_id, start) — a plan to start the search from.
    warm_helpers : Series, optional
        Values of helper columns for that start, by column name (e.g. the slacks of
        :meth:`Formulation.with_slacks`, named by :meth:`Formulation.slack_names`); others 0.
    relax : bool
        Solve the LP relaxation (binaries in [0, 1]) and read its duals.
    **changes
        Any :class:`SearchSettings` field, overriding ``settings``.

    Returns
    -------
    Solution

    Examples
    --------
    >>> from pmo_analytics.portfolio import generate_portfolio
    >>> from pmo_analytics.optimise import build_formulation, OptimiseOptions
    >>> f = build_formulation(generate_portfolio(8, n_periods=4, n_roles=2, seed=1), OptimiseOptions())
    >>> solution = solve_model(f, time_limit=30)
    >>> solution.status, int(solution.x.sum()) == len(solution.starts)
    ('optimal', True)
    """
    from .model import solve

    search = getattr(settings, "search", settings) or SearchSettings()
    if changes:
        search = OptimiseOptions(search=search, **changes).search
    start = None
    if warm_start is not None:
        x = warm_start.x if isinstance(warm_start, Solution) else warm_start
        if x is not None:
            start = np.zeros(len(formulation.columns))
            n_x = len(formulation.options)
            start[:n_x] = x.reindex(formulation.option_index, fill_value=0.0).to_numpy(float)
            if warm_helpers is not None:
                names = formulation.columns["name"].iloc[n_x:]
                start[n_x:] = warm_helpers.reindex(names, fill_value=0.0).to_numpy(float)
    result = solve(
        formulation,
        solver=search.solver,
        time_limit=search.time_limit,
        gap=search.gap,
        # the engine's threads run its steps side by side; one solver run stays on one thread,
        # so that its answer does not depend on the machine (CBC on more may differ run to run)
        threads=search.threads if search.method == "solver" else 1,
        seed=search.seed,
        node_limit=search.node_limit,
        warm_start=start,
        relax=relax,
    )
    return _labelled(formulation, result)


def _labelled(formulation: Formulation, result) -> Solution:
    """A :class:`Solution` from the model's column-numbered result."""
    n_x = len(formulation.options)
    x = helpers = duals = None
    if result.values is not None:
        x = pd.Series(result.values[:n_x], index=formulation.option_index, name="x")
        helpers = pd.Series(
            result.values[n_x:], index=pd.Index(formulation.columns["name"].iloc[n_x:]), name="x"
        )
    if result.duals:
        rows = formulation.rows
        duals = rows.assign(
            dual=np.concatenate(
                [result.duals.get(b.family, np.full(b.size, np.nan)) for b in formulation.blocks]
            )
            if len(rows)
            else np.zeros(0)
        )
    return Solution(
        status=result.status,
        objective=math.nan if result.objective is None else float(result.objective),
        bound=math.nan if result.bound is None else float(result.bound),
        solver=result.solver,
        x=x,
        helpers=helpers,
        duals=duals,
        message=result.message,
        seconds=result.build_seconds + result.solve_seconds,
        _labels={b.family: _row_labels(b) for b in formulation.blocks},
    )
