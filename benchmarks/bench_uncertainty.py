"""Monte Carlo robustness benchmarks: re-optimised samples, serial vs 2 workers.

Two portfolios: the sample (78 projects, 8 quarters, 7 roles) and a synthetic one of 500
projects (12 quarters, 6 roles). Costs −10 % / +40 %, demand −10 % / +30 %, values ±25 % (PERT,
correlated within each project). Every sample is one solve with the batch options
(``shadow_prices=False, analysis=False``, set by :func:`pmo_analytics.monte_carlo`), bounded
either by

- a **1-second time limit** with HiGHS (``TIME_LIMIT``, 200 samples): the best plan found in
  a second, which depends on the machine's speed and load; or
- a **node limit** with CBC (``NODE_LIMIT`` branch-and-bound nodes, 40 samples on the sample:
  its root node alone takes CBC ~2 s there): a limit on work, so the same plans in one process
  or in two workers.

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
N_SAMPLES_NODES = 40
TIME_LIMIT = 1.0
NODE_LIMIT = 20
SPREADS = {"cost_spread": (0.1, 0.4), "demand_spread": (0.1, 0.3), "value_spread": 0.25}
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _time_limited():
    from pmo_analytics import OptimiseOptions

    return OptimiseOptions(solver="highs", time_limit=TIME_LIMIT)


def _node_limited():
    from pmo_analytics import OptimiseOptions

    # the time limit is only a safety net: every solve stops at its node limit first
    return OptimiseOptions(solver="cbc", node_limit=NODE_LIMIT, time_limit=120.0)


def _sample(options):
    def setup():
        from pmo_analytics import load_portfolio, optimise

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            portfolio = load_portfolio(SAMPLE)
        return portfolio, optimise(portfolio, options())

    return setup


def _synthetic():
    from pmo_analytics import generate_portfolio, optimise

    portfolio = generate_portfolio(500, n_periods=12, n_roles=6, seed=2027)
    return portfolio, optimise(portfolio, _time_limited())


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
    for label, setup, n in (
        ("sample 78 projects", _sample(_time_limited), N_SAMPLES),
        ("synthetic 500 projects", _synthetic, N_SAMPLES),
    ):
        for n_jobs, how in ((1, "serial"), (2, "2 workers")):
            cases.append(
                Case(
                    "monte_carlo",
                    f"{label}, {n} samples, {how}",
                    setup,
                    _run(n_jobs, n, _time_limited),
                    target=f"{TIME_LIMIT:g} s per solve",
                )
            )
    for n_jobs, how in ((1, "serial"), (2, "2 workers")):
        cases.append(
            Case(
                "monte_carlo",
                f"sample 78 projects, {N_SAMPLES_NODES} samples, {how}, nodes",
                _sample(_node_limited),
                _run(n_jobs, N_SAMPLES_NODES, _node_limited),
                target=f"{NODE_LIMIT} nodes per solve (CBC)",
            )
        )
    return cases


CASES = _cases()
