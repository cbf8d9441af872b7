"""Monte Carlo robustness benchmarks (issue 6): 200 re-optimised samples, serial vs 2 workers.

Two portfolios: the sample (78 projects, 8 quarters, 7 roles) and a synthetic one of 500
projects (12 quarters, 6 roles). Every sample is one solve with HiGHS and a **1-second time
limit** (``TIME_LIMIT``), shadow prices off; costs −10 % / +40 %, demand −10 % / +30 %, values
±25 % (PERT, correlated within each project). The chosen plan is solved in setup (not timed),
so the seconds are the 200 samples alone: drawing, re-optimising through
:func:`pmo_analytics.parallel.run_parallel` (``n_jobs=1`` in this process, ``n_jobs=2`` two
loky worker processes, their start-up included) and the core index and overrun figures.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from .harness import Case

N_SAMPLES = 200
TIME_LIMIT = 1.0
SPREADS = {"cost_spread": (0.1, 0.4), "demand_spread": (0.1, 0.3), "value_spread": 0.25}
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _options():
    from pmo_analytics import OptimiseOptions

    return OptimiseOptions(solver="highs", time_limit=TIME_LIMIT, shadow_prices=False)


def _sample():
    from pmo_analytics import load_portfolio, optimise

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        portfolio = load_portfolio(SAMPLE)
    return portfolio, optimise(portfolio, _options())


def _synthetic():
    from pmo_analytics import generate_portfolio, optimise

    portfolio = generate_portfolio(500, n_periods=12, n_roles=6, seed=2027)
    return portfolio, optimise(portfolio, _options())


def _run(n_jobs: int):
    def run(data) -> dict:
        from pmo_analytics import monte_carlo

        portfolio, plan = data
        result = monte_carlo(
            portfolio,
            plan,
            n_samples=N_SAMPLES,
            seed=1,
            n_jobs=n_jobs,
            progress=False,
            options=_options(),
            **SPREADS,
        )
        samples = result.samples
        summary = result.summary()
        return {
            "solved": result.n_solved,
            "optimal": int((samples["status"] == "optimal").sum()),
            "median_gap": round(float(samples["gap"].median()), 4),
            "solve_s_mean": round(float(samples["seconds"].mean()), 2),
            "value_p50": round(summary["value_p50"], 2),
            "p_budget_overrun": round(summary["p_budget_overrun"], 3),
        }

    return run


CASES = [
    Case(
        "monte_carlo",
        f"sample 78 projects, {N_SAMPLES} samples, serial",
        _sample,
        _run(1),
        target=f"{TIME_LIMIT:g} s per solve",
    ),
    Case(
        "monte_carlo",
        f"sample 78 projects, {N_SAMPLES} samples, 2 workers",
        _sample,
        _run(2),
        target=f"{TIME_LIMIT:g} s per solve",
    ),
    Case(
        "monte_carlo",
        f"synthetic 500 projects, {N_SAMPLES} samples, serial",
        _synthetic,
        _run(1),
        target=f"{TIME_LIMIT:g} s per solve",
    ),
    Case(
        "monte_carlo",
        f"synthetic 500 projects, {N_SAMPLES} samples, 2 workers",
        _synthetic,
        _run(2),
        target=f"{TIME_LIMIT:g} s per solve",
    ),
]
