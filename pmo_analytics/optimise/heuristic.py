"""A fast construction heuristic: a feasible plan within seconds, handed to the solver.

Mandatory, in-flight and forced-in work first; then projects by value per unit of their scarcest
resource, each at its best feasible start (highest objective, then earliest). Feasibility is
checked against every constraint row of the formulation (limits, dependencies, balance), so
what it returns satisfies the model; it returns ``None`` when it cannot place the work that
must run (the model is then likely infeasible, which the solver will establish).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .formulation import Formulation

_TOL = 1e-7


def _system(formulation: Formulation):
    """Stack every block as ``A x <= b`` over the binary option columns (== rows relaxed to <=)."""
    n_x = len(formulation.options)
    blocks = formulation.blocks
    matrix = formulation.sparse_matrix()[:, :n_x].tocsc()
    rhs = np.concatenate([b.rows["rhs"].to_numpy(dtype=float) for b in blocks]) if blocks else np.zeros(0)
    sign = np.concatenate([np.full(b.size, -1.0 if b.sense == ">=" else 1.0) for b in blocks]) if blocks else np.zeros(0)
    family = np.concatenate([np.full(b.size, b.family, dtype=object) for b in blocks]) if blocks else np.zeros(0, object)
    # >= rows become <= by negation; == rows are only checked as <= while building
    matrix = matrix.multiply(sign[:, None]).tocsc() if (sign < 0).any() else matrix
    return matrix, rhs * sign, family


def greedy_plan(formulation: Formulation) -> np.ndarray | None:
    """Column values (0/1 for options, 0 for helper columns) of a feasible plan, or None.

    Examples
    --------
    >>> from pmo_analytics.synthetic import generate_portfolio
    >>> from pmo_analytics.optimise.formulation import build_formulation
    >>> from pmo_analytics.optimise.options import OptimiseOptions
    >>> f = build_formulation(generate_portfolio(15, seed=4), OptimiseOptions())
    >>> x = greedy_plan(f)
    >>> x is not None and set(np.unique(x)) <= {0.0, 1.0}
    True
    """
    opts = formulation.options
    matrix, rhs, family = _system(formulation)
    used = np.zeros(len(rhs))
    x = np.zeros(len(formulation.columns))
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    limits = np.isin(family, ["budget", "total_budget", "capacity"])

    balance = family == "balance"

    def fits(col: int, *, check_balance: bool = True) -> bool:
        rows = indices[indptr[col] : indptr[col + 1]]
        ok = used[rows] + data[indptr[col] : indptr[col + 1]] <= rhs[rows] + _TOL * np.maximum(1.0, np.abs(rhs[rows]))
        if not check_balance:
            ok |= balance[rows]  # shares are judged on the whole plan, at the end
        return bool(np.all(ok))

    def take(col: int) -> None:
        rows = indices[indptr[col] : indptr[col + 1]]
        used[rows] += data[indptr[col] : indptr[col + 1]]
        x[col] = 1.0

    # preference of starts within a project: objective (tie-break prefers early) descending
    order = opts.reset_index()[["project_id", "col", "objective"]].sort_values(
        ["project_id", "objective", "col"], ascending=[True, False, True], kind="stable"
    )
    starts_of = {pid: grp["col"].to_numpy() for pid, grp in order.groupby("project_id", sort=False)}

    # scarcity: the largest share of any limit a project's first option takes
    csr_limits = matrix[limits] if limits.any() else None
    projects = formulation.projects
    first_col = order.groupby("project_id", sort=False)["col"].first()
    if csr_limits is not None and csr_limits.shape[0]:
        share = csr_limits[:, first_col.to_numpy()].multiply(1.0 / np.maximum(rhs[limits], 1e-9)[:, None])
        scarcest = pd.Series(np.asarray(share.max(axis=0).todense()).ravel(), index=first_col.index)
    else:
        scarcest = pd.Series(0.0, index=first_col.index)
    density = projects["value"].fillna(0.0) / scarcest.reindex(projects.index).clip(lower=1e-9)
    must = projects.index[projects["must"]]
    optional = projects.loc[~projects["must"]].assign(density=density).sort_values(
        ["density"], ascending=False, kind="stable"
    ).index

    for pid in must:
        cols = starts_of[pid]
        chosen = next((c for c in cols if fits(c, check_balance=False)), None)
        if chosen is None:
            return None
        take(chosen)
    for _ in range(2):  # a second pass picks up projects whose prerequisites came later
        for pid in optional:
            cols = starts_of[pid]
            if x[cols].any() or projects.at[pid, "value"] <= 0:
                continue
            chosen = next((c for c in cols if fits(c)), None)
            if chosen is not None:
                take(chosen)
    if np.any(used > rhs + 1e-6 * np.maximum(1.0, np.abs(rhs))):
        return None
    return x
