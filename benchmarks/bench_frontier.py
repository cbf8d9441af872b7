"""Efficient-frontier benchmark (issues 6 and 10): a 50-point value-against-budget frontier,
serial against two worker processes (joblib, loky), on the sample portfolio and on a synthetic
one of 500 projects.

Every point is a re-optimisation of the same formulation with the budget rows changed
(``with_rhs``) by the search engine with the default options — each point gets
``POINT_EFFORT`` of the run's effort and starts from the plan of the point before, in chains of
neighbouring points (``pmo_analytics.explore.sweep``) that run in parallel; stopped on work, so
serial and parallel runs give the same points (``fingerprint``). Seconds include starting the
worker processes. Alongside: how many points were proven optimal, the mean gap, whether the
objective never falls along the sweep, and the value at today's budget.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import numpy as np

from .harness import Case

N_POINTS = 50
SCALES = np.round(0.5 + 0.02 * np.arange(N_POINTS), 10)  # 0.50, 0.52, … 1.48: today (1.0) included
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _sample():
    from pmo_analytics import load_portfolio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_portfolio(SAMPLE)


def _synthetic():
    from pmo_analytics import generate_portfolio

    return generate_portfolio(500, n_periods=12, n_roles=10, seed=2027)


def _case(name: str, setup, n_jobs: int) -> Case:
    def run(portfolio) -> dict:
        from pmo_analytics import OptimiseOptions, efficient_frontier

        frontier = efficient_frontier(
            portfolio,
            budget_scales=SCALES,
            options=OptimiseOptions(shadow_prices=False),
            n_jobs=n_jobs,
        )
        points = frontier.points
        digest = hashlib.sha256(points[["status", "objective"]].to_csv().encode())
        return {
            "points": len(points),
            "optimal": int((points["status"] == "optimal").sum()),
            "mean_gap": float(points["gap"].mean()),
            "never_falls": bool((points["objective"].diff().dropna() >= -1e-9).all()),
            "value_at_today": float(frontier.current["objective"]),
            "solve_s_per_point": float(points["seconds"].mean()),
            "fingerprint": digest.hexdigest()[:10],
        }

    workers = "serial" if n_jobs == 1 else f"{n_jobs} workers"
    return Case(
        "frontier",
        f"{name}, {N_POINTS} points, {workers}",
        setup,
        run,
        target="≤ 20 s (sample, issue 10); default options, the engine",
    )


CASES = [
    _case("sample (78 projects x 8 quarters)", _sample, 1),
    _case("sample (78 projects x 8 quarters)", _sample, 2),
    _case("synthetic 500 projects x 12 x 10 roles", _synthetic, 1),
    _case("synthetic 500 projects x 12 x 10 roles", _synthetic, 2),
]
