"""Monte Carlo robustness benchmarks: re-optimised samples, serial vs 2 workers.

Two portfolios: the sample (78 projects, 8 quarters, 7 roles) and a synthetic one of 500
projects (12 quarters, 6 roles). Costs −10 % / +40 %, demand −10 % / +30 %, values ±25 % (PERT,
correlated within each project). Every sample is one search of the engine with the default
options as :func:`pmo_analytics.monte_carlo` sets them for a batch (``SAMPLE_EFFORT`` of the
effort, no shadow prices, no analysis), started from the chosen plan where it still fits the
drawn figures: stopped on work, so the same plans in one process or in two workers (equal
``fingerprint``) and on any machine.

The chosen plan is solved in setup (not timed), so the seconds are the samples alone: drawing,
re-optimising through :func:`pmo_analytics.parallel.run_parallel` (``n_jobs=1`` in this
process, ``n_jobs=2`` two loky worker processes, their start-up included) and the core index
and overrun figures. ``fingerprint`` digests the samples' statuses, objectives and the core
index: equal fingerprints are identical results.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

from .harness import Case

N_SAMPLES = 200
SPREADS = {"cost_spread": (0.1, 0.4), "demand_spread": (0.1, 0.3), "value_spread": 0.25}
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _options():
    from pmo_analytics import OptimiseOptions

    return OptimiseOptions()


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


def _run(n_jobs: int, n_samples: int, options):
    def run(data) -> dict:
        from pmo_analytics import monte_carlo

        portfolio, plan = data
        result = monte_carlo(
            portfolio,
            plan,
            n_samples=n_samples,
            seed=1,
            n_jobs=n_jobs,
            progress=False,
            options=options(),
            **SPREADS,
        )
        samples = result.samples
        summary = result.summary()
        digest = hashlib.sha256(
            samples[["status", "objective"]].to_csv().encode()
            + result.core_index["frequency"].to_csv().encode()
        )
        return {
            "solved": result.n_solved,
            "optimal": int((samples["status"] == "optimal").sum()),
            "median_gap": round(float(samples["gap"].median()), 4),
            "solve_s_mean": round(float(samples["seconds"].mean()), 2),
            "value_p50": round(summary["value_p50"], 2),
            "p_budget_overrun": round(summary["p_budget_overrun"], 3),
            "fingerprint": digest.hexdigest()[:10],
        }

    return run


def _cases() -> list[Case]:
    cases = []
    for label, setup in (("sample 78 projects", _sample), ("synthetic 500 projects", _synthetic)):
        for n_jobs, how in ((1, "serial"), (2, "2 workers")):
            cases.append(
                Case(
                    "monte_carlo",
                    f"{label}, {N_SAMPLES} samples, {how}",
                    setup,
                    _run(n_jobs, N_SAMPLES, _options),
                    target="≤ 60 s on 2 workers (sample, issue 10); default options, the engine",
                )
            )
    return cases


CASES = _cases()
