"""Optimiser benchmarks (issue 3).

(a) build and solve seconds, CBC vs HiGHS, on synthetic portfolios of 100, 500 and 2,000
    projects (8–12 periods, 10–20 roles, 4-period start windows), each alone
    (``method="solver"``) with a time limit — ``bench_engine`` measures the engine;
(b) at 2,000 projects × 12 starts × 20 roles × 24 periods (about a million nonzeros): our
    vectorised build against the floor (the same constraint matrix assembled directly with
    scipy.sparse) and the baseline (a plain per-element PuLP loop), measured in the same run;
    then the objective, bound and gap CBC and HiGHS reach in 120 s.
"""

from __future__ import annotations

import time
import warnings
from collections import defaultdict

import numpy as np

from .harness import Case

TIME_LIMIT = 120.0


def _portfolio(
    n: int, periods: int, roles: int, *, window: int, max_duration: int, roles_per_project: int
):
    from pmo_analytics import generate_portfolio

    return generate_portfolio(
        n,
        n_periods=periods,
        n_roles=roles,
        seed=2027,
        window=window,
        max_duration=max_duration,
        roles_per_project=roles_per_project,
    )


def _solve_case(n: int, periods: int, roles: int, solver: str) -> Case:
    def setup():
        return _portfolio(n, periods, roles, window=4, max_duration=6, roles_per_project=3)

    def run(portfolio) -> dict:
        from pmo_analytics import optimise

        plan = optimise(
            portfolio, method="solver", solver=solver, time_limit=TIME_LIMIT, shadow_prices=False
        )
        return {
            "build_s": plan.timings["formulation"] + plan.timings["build"],
            "heuristic_s": plan.timings["heuristic"],
            "solve_s": plan.timings["solve"],
            "status": plan.status,
            "objective": plan.objective,
            "bound": plan.bound,
            "gap": plan.gap,
        }

    return Case(
        "a solve",
        f"{n} projects x {periods} periods x {roles} roles, {solver}",
        setup,
        run,
        target=f"time limit {TIME_LIMIT:.0f} s",
    )


# --------------------------------------------------------------------------- (b) build
def _large():
    return _portfolio(2000, 24, 20, window=12, max_duration=16, roles_per_project=5)


def floor_matrix(portfolio):
    """The floor: the budget and capacity rows assembled directly with scipy.sparse.

    Positional numpy on the same frames (start options by np.repeat, entries by repeating
    each project's demand and cost rows per start), then one COO → CSR conversion.
    """
    from scipy.sparse import coo_matrix

    projects = portfolio.projects
    origin = portfolio.horizon[0]
    h = len(portfolio.horizon)
    candidates = projects[~projects["status"].isin(["completed", "cancelled"])]
    first = candidates["first_start"].array.asi8 - origin.ordinal
    last = candidates["last_start"].array.asi8 - origin.ordinal
    n_opts = np.maximum(last - first + 1, 0)
    opt_first_col = np.cumsum(n_opts) - n_opts
    code = {pid: i for i, pid in enumerate(candidates.index)}
    roles = {r: i for i, r in enumerate(portfolio.roles)}
    blocks = []
    for frame, amount, _row_of in (
        (portfolio.cashflows, "cost", lambda f: np.zeros(len(f), dtype=np.int64)),
        (portfolio.demand, "fte", lambda f: 1 + f["role"].map(roles).to_numpy() * 0),
    ):
        p = frame["project_id"].map(code).to_numpy()
        keep = ~np.isnan(p.astype(float)) & (frame[amount].to_numpy() != 0)
        f = frame[keep]
        p = p[keep].astype(np.int64)
        reps = n_opts[p]
        line = np.repeat(np.arange(len(f)), reps)
        k = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
        start = first[p[line]] + k
        pos = start + f["offset"].to_numpy()[line]
        inside = (pos >= 0) & (pos < h)
        col = (opt_first_col[p[line]] + k)[inside]
        if amount == "cost":
            row = pos[inside]
        else:
            row = h + f["role"].map(roles).to_numpy()[line][inside] * h + pos[inside]
        blocks.append((row, col, f[amount].to_numpy()[line][inside]))
    rows = np.concatenate([b[0] for b in blocks])
    cols = np.concatenate([b[1] for b in blocks])
    vals = np.concatenate([b[2] for b in blocks])
    return coo_matrix((vals, (rows, cols)), shape=(h + len(roles) * h, int(n_opts.sum()))).tocsr()


def plain_loop_problem(portfolio):
    """The baseline: the same budget and capacity rows built the way most PuLP code does it,
    with Python loops over projects, starts and their cost and demand lines."""
    import pulp

    projects = portfolio.projects
    origin = portfolio.horizon[0]
    h = len(portfolio.horizon)
    prob = pulp.LpProblem("plain", pulp.LpMaximize)
    x = {}
    for pid, row in projects.iterrows():
        if row["status"] in ("completed", "cancelled"):
            continue
        for s in range(
            row["first_start"].ordinal - origin.ordinal,
            row["last_start"].ordinal - origin.ordinal + 1,
        ):
            x[pid, s] = prob.add_variable(f"x_{pid}_{s}", 0, 1, pulp.LpBinary)
    cost_lines = defaultdict(list)
    for line in portfolio.cashflows.itertuples(index=False):
        cost_lines[line.project_id].append((line.offset, line.cost))
    demand_lines = defaultdict(list)
    for line in portfolio.demand.itertuples(index=False):
        demand_lines[line.project_id].append((line.role, line.offset, line.fte))
    spend = defaultdict(list)
    need = defaultdict(list)
    for (pid, s), var in x.items():
        for offset, cost in cost_lines[pid]:
            if 0 <= s + offset < h and cost:
                spend[s + offset].append(cost * var)
        for role, offset, fte in demand_lines[pid]:
            if 0 <= s + offset < h and fte:
                need[role, s + offset].append(fte * var)
    budget = portfolio.budget_by_period().to_numpy()
    for t, terms in spend.items():
        prob += pulp.lpSum(terms) <= float(budget[t]), f"budget_{t}"
    capacity = portfolio.capacity_by_role_period()
    for (role, t), terms in need.items():
        prob += pulp.lpSum(terms) <= float(capacity[role, portfolio.horizon[t]]), f"cap_{role}_{t}"
    return prob


def _build_compare_run(portfolio) -> dict:
    from pmo_analytics.optimise.formulation import build_formulation
    from pmo_analytics.optimise.model import build_problem
    from pmo_analytics.optimise.options import OptimiseOptions

    t = time.perf_counter()
    formulation = build_formulation(portfolio, OptimiseOptions())
    build_problem(formulation)
    ours = time.perf_counter() - t
    t = time.perf_counter()
    floor = floor_matrix(portfolio)
    floor_s = time.perf_counter() - t
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain_loop_problem(portfolio)
    loop_s = time.perf_counter() - t
    ours_limits = (
        formulation.sparse_matrix("budget").nnz + formulation.sparse_matrix("capacity").nnz
    )
    return {
        "nonzeros": formulation.n_nonzeros,
        "limit_nonzeros": ours_limits,
        "floor_nonzeros": int(floor.nnz),
        "build_s": ours,
        "floor_s": floor_s,
        "loop_s": loop_s,
        "x_floor": ours / floor_s,
        "x_faster_than_loop": loop_s / ours,
    }


def _large_solve(solver: str) -> Case:
    def run(portfolio) -> dict:
        from pmo_analytics import optimise

        plan = optimise(
            portfolio, method="solver", solver=solver, time_limit=TIME_LIMIT, shadow_prices=False
        )
        return {
            "build_s": plan.timings["formulation"] + plan.timings["build"],
            "solve_s": plan.timings["solve"],
            "status": plan.status,
            "objective": plan.objective,
            "bound": plan.bound,
            "gap": plan.gap,
            "notes": "; ".join(plan.notes),
        }

    return Case(
        "b solve 120 s",
        f"2000 x 12 starts x 20 roles x 24 periods, {solver}",
        _large,
        run,
        target="objective, bound, gap in 120 s",
    )


CASES = [
    _solve_case(100, 8, 10, "cbc"),
    _solve_case(100, 8, 10, "highs"),
    _solve_case(500, 10, 15, "cbc"),
    _solve_case(500, 10, 15, "highs"),
    _solve_case(2000, 12, 20, "cbc"),
    _solve_case(2000, 12, 20, "highs"),
    Case(
        "b build",
        "2000 x 12 starts x 20 roles x 24 periods",
        _large,
        _build_compare_run,
        target="build <= 8x floor, >= 10x faster than loop",
    ),
    _large_solve("cbc"),
    _large_solve("highs"),
]
