"""Shared by the robustness tests (test_ranges, test_overrun, test_uncertainty,
test_charts_uncertainty): a small portfolio with in-flight work and its Monte Carlo, built once
per process (portfolios and results are immutable, so one serves every test)."""

from __future__ import annotations

import functools

import pandas as pd

import pmo_analytics as pa
from pmo_analytics.optimise import OptimiseOptions

SPREADS = {"cost_spread": (0.1, 0.4), "demand_spread": 0.2, "value_spread": 0.3}
OPTIONS = OptimiseOptions(time_limit=20.0)
N_SAMPLES = 6
SEED = 3


@functools.cache
def small_portfolio() -> pa.Portfolio:
    """10 generated projects over 5 periods, a fifth of them in flight."""
    return pa.generate_portfolio(10, n_periods=5, n_roles=2, seed=7, in_flight_share=0.2)


@functools.cache
def small_result() -> pa.RobustnessResult:
    """The Monte Carlo of :func:`small_portfolio`: 6 samples, seed 3, solved in this process."""
    return pa.monte_carlo(
        small_portfolio(), n_samples=N_SAMPLES, seed=SEED, options=OPTIONS, **SPREADS
    )


def comparable(result: pa.RobustnessResult) -> dict[str, pd.DataFrame]:
    """The frames of a result that must not depend on workers or backend (all but timings)."""
    return {
        "samples": result.samples.drop(columns="seconds"),
        "core_index": result.core_index,
        "overrun": result.overrun,
    }


def assert_same(a: pa.RobustnessResult, b: pa.RobustnessResult) -> None:
    for name, frame in comparable(a).items():
        pd.testing.assert_frame_equal(frame, comparable(b)[name], obj=name)
