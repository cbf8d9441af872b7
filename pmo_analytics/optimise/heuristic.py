"""A fast construction heuristic: a feasible plan within seconds, handed to the solver.

Mandatory, in-flight and forced-in work first; then projects by value per unit of their scarcest
resource, each at its best feasible start (highest objective, then earliest); then a short local
search (insert what fits, swap one project for a more valuable one). Feasibility is
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
    rhs = (
        np.concatenate([b.rows["rhs"].to_numpy(dtype=float) for b in blocks])
        if blocks
        else np.zeros(0)
    )
    sign = (
        np.concatenate([np.full(b.size, -1.0 if b.sense == ">=" else 1.0) for b in blocks])
        if blocks
        else np.zeros(0)
    )
    family = (
        np.concatenate([np.full(b.size, b.family, dtype=object) for b in blocks])
        if blocks
        else np.zeros(0, object)
    )
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
    slack_tol = _TOL * np.maximum(1.0, np.abs(rhs))

    def first_fit(cols: np.ndarray, *, check_balance: bool = True) -> int | None:
        """The first of ``cols`` (in preference order) that fits every row, or None."""
        for col in cols:
            lo, hi = indptr[col], indptr[col + 1]
            rows = indices[lo:hi]
            ok = used[rows] + data[lo:hi] <= rhs[rows] + slack_tol[rows]
            if not check_balance:
                ok |= balance[rows]  # shares are judged on the whole plan, at the end
            if ok.all():
                return int(col)
        return None

    def take(col: int) -> None:
        lo, hi = indptr[col], indptr[col + 1]
        used[indices[lo:hi]] += data[lo:hi]
        x[col] = 1.0

    # start options of each project, best first: objective (its tie-break prefers early starts)
    codes, project_ids = pd.factorize(opts.index.get_level_values("project_id"))
    objective = opts["objective"].to_numpy()
    col_numbers = opts["col"].to_numpy()
    order = np.lexsort((col_numbers, -objective, codes))
    bounds = np.searchsorted(codes[order], np.arange(len(project_ids) + 1))
    starts_of = {
        pid: col_numbers[order[bounds[i] : bounds[i + 1]]] for i, pid in enumerate(project_ids)
    }

    # scarcity: the largest share of any limit that a project's preferred start takes
    projects = formulation.projects
    preferred = pd.Series([cols[0] for cols in starts_of.values()], index=project_ids)
    if limits.any():
        share = matrix[limits][:, preferred.to_numpy()].multiply(
            1.0 / np.maximum(rhs[limits], 1e-9)[:, None]
        )
        scarcest = pd.Series(np.asarray(share.max(axis=0).todense()).ravel(), index=project_ids)
    else:
        scarcest = pd.Series(0.0, index=project_ids)
    density = projects["value"].fillna(0.0) / scarcest.reindex(projects.index).clip(lower=1e-9)
    ranked = projects.assign(density=density).sort_values("density", ascending=False, kind="stable")
    optional = ranked.index[
        ~ranked["must"].to_numpy() & (ranked["value"].fillna(0.0) > 0).to_numpy()
    ]

    for pid in projects.index[projects["must"].to_numpy()]:
        chosen = first_fit(starts_of[pid], check_balance=False)
        if chosen is None:
            return None
        take(chosen)
    placed: set[str] = set()
    for _ in range(2):  # a second pass picks up projects whose prerequisites came later
        for pid in optional:
            if pid in placed:
                continue
            chosen = first_fit(starts_of[pid])
            if chosen is not None:
                take(chosen)
                placed.add(pid)
    if np.any(used > rhs + 1e-6 * np.maximum(1.0, np.abs(rhs))):
        return None
    equal = (
        np.concatenate([np.full(b.size, b.sense == "==") for b in formulation.blocks])
        if formulation.blocks
        else np.zeros(0, bool)
    )
    if np.any(np.abs(used - rhs)[equal] > 1e-6):
        return None  # must-run work the heuristic could not place (e.g. no start at all)
    return x


def earliest_starts(formulation: Formulation, x: np.ndarray) -> np.ndarray:
    """The same selection with every project moved to its earliest start that changes nothing.

    Many optima differ only in when some projects start; the solver returns whichever it met
    first. This settles such ties the way a PMO would — as early as the other projects allow —
    and deterministically: projects are taken in order of their start (then column), each
    moved to its earliest option that keeps every row satisfied and the objective no lower.

    Examples
    --------
    >>> from pmo_analytics.synthetic import generate_portfolio
    >>> from pmo_analytics.optimise.formulation import build_formulation
    >>> from pmo_analytics.optimise.options import OptimiseOptions
    >>> f = build_formulation(generate_portfolio(15, seed=4), OptimiseOptions())
    >>> x = greedy_plan(f)
    >>> bool((earliest_starts(f, x) @ f.columns["objective"] >= x @ f.columns["objective"] - 1e-9))
    True
    """
    matrix, rhs, _ = _system(formulation)
    blocks = formulation.blocks
    equal = (
        np.concatenate([np.full(b.size, b.sense == "==") for b in blocks])
        if blocks
        else np.zeros(0, bool)
    )
    n_x = len(formulation.options)
    x = np.asarray(x, dtype=float).copy()
    used = matrix @ x[:n_x]
    # continuous helper columns (carried-forward budget) keep their values
    if len(formulation.columns) > n_x:
        full = formulation.sparse_matrix()
        helpers = full[:, n_x:] @ x[n_x:]
        sign = np.concatenate([np.full(b.size, -1.0 if b.sense == ">=" else 1.0) for b in blocks])
        used = used + helpers * sign
    tol = 1e-7 * np.maximum(1.0, np.abs(rhs))
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    objective = formulation.columns["objective"].to_numpy()
    opts = formulation.options
    codes = pd.factorize(opts.index.get_level_values("project_id"))[0]
    pos = opts["pos"].to_numpy()
    cols = opts["col"].to_numpy()
    chosen = np.flatnonzero(x[:n_x] > 0.5)
    for col in chosen[np.lexsort((cols[chosen], pos[chosen]))]:
        earlier = cols[(codes == codes[col]) & (pos < pos[col])]
        for other in earlier[np.argsort(pos[earlier], kind="stable")]:
            if objective[other] < objective[col] - 1e-12:
                continue
            trial = used.copy()
            trial[indices[indptr[col] : indptr[col + 1]]] -= data[indptr[col] : indptr[col + 1]]
            trial[indices[indptr[other] : indptr[other + 1]]] += data[
                indptr[other] : indptr[other + 1]
            ]
            ok = np.all(trial <= rhs + tol) and np.all(np.abs(trial - rhs)[equal] <= 1e-6)
            if ok:
                used, x[col], x[other] = trial, 0.0, 1.0
                break
    return x


def improve_plan(formulation: Formulation, x: np.ndarray, *, seconds: float = 2.0) -> np.ndarray:
    """Local search on a feasible plan: insert what fits, swap one project for a better one.

    Moves, repeated until none improves the objective or ``seconds`` run out: (1) insert an
    excluded project at any start that fits every row; (2) swap — drop one optional project
    and insert a more valuable excluded one (then re-insert whatever fits). Every move keeps
    every row satisfied, so the result stays feasible; it is never worse than ``x``.

    Examples
    --------
    >>> from pmo_analytics.synthetic import generate_portfolio
    >>> from pmo_analytics.optimise.formulation import build_formulation
    >>> from pmo_analytics.optimise.options import OptimiseOptions
    >>> f = build_formulation(generate_portfolio(30, seed=4), OptimiseOptions())
    >>> x = greedy_plan(f)
    >>> bool(improve_plan(f, x) @ f.columns["objective"] >= x @ f.columns["objective"] - 1e-9)
    True
    """
    import time

    deadline = time.perf_counter() + seconds
    matrix, rhs, _ = _system(formulation)
    blocks = formulation.blocks
    equal = (
        np.concatenate([np.full(b.size, b.sense == "==") for b in blocks])
        if blocks
        else np.zeros(0, bool)
    )
    n_x = len(formulation.options)
    x = np.asarray(x, dtype=float).copy()
    used = matrix @ x[:n_x]
    if len(formulation.columns) > n_x:  # carried-forward budget helpers keep their values
        sign = np.concatenate([np.full(b.size, -1.0 if b.sense == ">=" else 1.0) for b in blocks])
        used = used + (formulation.sparse_matrix()[:, n_x:] @ x[n_x:]) * sign
    tol = 1e-7 * np.maximum(1.0, np.abs(rhs))
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    objective = formulation.columns["objective"].to_numpy()[:n_x]
    opts = formulation.options
    codes, ids = pd.factorize(opts.index.get_level_values("project_id"))
    must = formulation.projects["must"].reindex(ids).fillna(False).to_numpy(dtype=bool)
    cols_of = [np.flatnonzero(codes == k) for k in range(len(ids))]
    best_value = np.array([objective[c].max() if len(c) else 0.0 for c in cols_of])
    equal_rows = np.flatnonzero(equal)

    def rows(col: int) -> tuple[np.ndarray, np.ndarray]:
        return indices[indptr[col] : indptr[col + 1]], data[indptr[col] : indptr[col + 1]]

    def fits(col: int) -> bool:
        r, d = rows(col)
        return bool(np.all(used[r] + d <= rhs[r] + tol[r]))

    def add(col: int, sign: float) -> None:
        r, d = rows(col)
        used[r] += sign * d
        x[col] = 1.0 if sign > 0 else 0.0

    def selected_col(k: int) -> int | None:
        hit = cols_of[k][x[cols_of[k]] > 0.5]
        return int(hit[0]) if len(hit) else None

    def insert_any(order: np.ndarray) -> float:
        gained = 0.0
        for k in order:
            if selected_col(k) is not None or best_value[k] <= 0:
                continue
            for col in cols_of[k][np.argsort(-objective[cols_of[k]], kind="stable")]:
                if objective[col] > 0 and fits(col):
                    add(col, +1.0)
                    gained += objective[col]
                    break
        return gained

    by_value = np.argsort(-best_value, kind="stable")
    insert_any(by_value)
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        out = [k for k in by_value if selected_col(k) is None and best_value[k] > 0]
        inside = [
            k
            for k in np.argsort(best_value, kind="stable")
            if selected_col(k) is not None and not must[k]
        ]
        for drop in inside:
            if time.perf_counter() > deadline:
                break
            col_d = selected_col(drop)
            if col_d is None:
                continue
            before = x.copy(), used.copy()
            add(col_d, -1.0)
            r_d, _ = rows(col_d)
            if np.any(used[r_d] > rhs[r_d] + tol[r_d]) or np.any(
                np.abs(used - rhs)[equal_rows] > 1e-6
            ):
                x[:], used[:] = before  # others depend on it
                continue
            gained = insert_any(
                np.array(
                    [k for k in out if best_value[k] > objective[col_d] and k != drop], dtype=int
                )
            )
            if gained > objective[col_d] + 1e-9:
                gained += insert_any(by_value)  # the freed room may take more
                improved = True
                break
            x[:], used[:] = before
    return x
