"""Monte Carlo robustness: the core index, each sample's re-optimisation against solving the
drawn portfolio directly, the batch options, and identical results in one process, in two
worker processes and on a local Dask cluster."""

from __future__ import annotations

import joblib
import numpy as np
import pytest
from uncertainty_helpers import (
    N_SAMPLES,
    OPTIONS,
    SEED,
    SPREADS,
    assert_same,
    small_portfolio,
    small_result,
)

import pmo_analytics as pa
from pmo_analytics.explore.ranges import draw_samples, uncertainty_ranges, with_figures
from pmo_analytics.optimise import check_plan, optimise


@pytest.fixture(scope="module")
def portfolio():
    return small_portfolio()


@pytest.fixture(scope="module")
def result():
    return small_result()


def test_result_shapes_and_core_index(portfolio, result):
    assert check_plan(result.plan).empty
    assert len(result.samples) == N_SAMPLES == len(result.values)
    assert result.n_solved == N_SAMPLES
    core = result.core_index
    assert set(core.index) == set(portfolio.candidates())
    lo, hi = result.thresholds
    expected = np.select(
        [core["frequency"] >= hi, core["frequency"] <= lo], ["always", "never"], "sometimes"
    )
    np.testing.assert_array_equal(core["core"], expected)
    # in-flight and mandatory work is in every sample's plan
    assert (core.loc[core["must"], "frequency"] == 1.0).all()
    assert (core.loc[core["must"], "core"] == "always").all()
    assert core["in_plan"].sum() == result.plan.n_selected
    assert core["n_selected"].sum() == result.samples["n_selected"].sum()
    assert set(result.summary()) >= {"value_p50", "p_budget_overrun", "always"}
    assert "core index" in result.summary_text()


def test_each_sample_is_the_optimum_of_its_drawn_portfolio(portfolio, result):
    ranges = uncertainty_ranges(portfolio, **SPREADS)
    draws = draw_samples(portfolio, ranges, n_samples=2, seed=SEED)
    for i in range(2):
        sampled = with_figures(
            portfolio, cost=draws.cost[i], fte=draws.fte[i], value=draws.value[i]
        )
        plan = optimise(sampled, OPTIONS.replace(shadow_prices=False))
        assert check_plan(plan).empty
        assert plan.status == result.samples.at[i, "status"] == "optimal"
        assert plan.value == pytest.approx(result.values[i])
        assert plan.n_selected == result.samples.at[i, "n_selected"]


def test_samples_are_solved_with_the_batch_options(result):
    """No shadow prices and no exclusion analysis in the samples; the chosen plan keeps its
    reasons (it is shown to people)."""
    assert not result.options.shadow_prices and not result.options.analysis
    assert result.options.time_limit == OPTIONS.time_limit
    assert result.plan.options.analysis
    assert "not_selected" not in set(result.plan.schedule["reason"])


def test_two_workers_give_the_same_result(portfolio, result):
    """A second run with the same seed, in two worker processes: the very same result."""
    parallel = pa.monte_carlo(
        portfolio, n_samples=N_SAMPLES, seed=SEED, options=OPTIONS, n_jobs=2, **SPREADS
    )
    assert_same(result, parallel)


def test_a_node_limit_stops_every_sample_alike_on_two_workers():
    """A work limit, not a time limit: a search it stops gives the same plan in any process."""
    hard = pa.generate_portfolio(16, n_periods=6, n_roles=3, seed=3)  # the root LP is not enough
    limited = OPTIONS.replace(node_limit=1)
    serial = pa.monte_carlo(hard, n_samples=3, seed=5, options=limited, **SPREADS)
    assert serial.options.node_limit == 1 and serial.plan.options.node_limit == 1
    statuses = serial.samples["status"]
    assert statuses.isin(["optimal", "feasible"]).all() and (statuses == "feasible").any()
    assert (serial.samples.loc[statuses == "feasible", "gap"] > 0).all()
    parallel = pa.monte_carlo(hard, n_samples=3, seed=5, options=limited, n_jobs=2, **SPREADS)
    assert_same(serial, parallel)


def test_a_dask_cluster_gives_the_same_result(portfolio, result):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster),
        joblib.parallel_config(backend="dask"),
    ):
        on_dask = pa.monte_carlo(
            portfolio, n_samples=N_SAMPLES, seed=SEED, options=OPTIONS, n_jobs=2, **SPREADS
        )
    assert_same(result, on_dask)


def test_a_given_plan_is_judged(portfolio, result):
    hedged = pa.plan_with_contingency(portfolio, 0.9, cost_spread=(0.1, 0.4), options=OPTIONS)
    judged = pa.monte_carlo(
        portfolio, hedged, n_samples=2, seed=SEED, options=OPTIONS, cost_spread=(0.1, 0.4)
    )
    assert judged.plan is hedged
    assert judged.core_index["in_plan"].sum() == hedged.n_selected
    # the hedged plan leaves budget headroom: it never spends more than the base plan at P50
    assert (
        judged.overrun.loc[judged.overrun["resource"] == "budget", "planned"].to_numpy()
        <= portfolio.budget_by_period().to_numpy() + 1e-6
    ).all()


def test_invalid_monte_carlo_calls_are_refused(portfolio, result):
    with pytest.raises(ValueError, match="nothing is uncertain"):
        pa.monte_carlo(portfolio, n_samples=2)
    with pytest.raises(ValueError, match="n_samples=0"):
        pa.monte_carlo(portfolio, n_samples=0, cost_spread=0.1)
    with pytest.raises(ValueError, match="thresholds"):
        pa.monte_carlo(portfolio, n_samples=2, cost_spread=0.1, thresholds=(0.9, 0.1))
    with pytest.raises(ValueError, match="correlation='team' is not valid"):
        pa.monte_carlo(portfolio, n_samples=2, cost_spread=0.1, correlation="team")
    shorter = portfolio.replace(
        budget=portfolio.budget.iloc[:-1],
        capacity=portfolio.capacity[portfolio.capacity["period"] != portfolio.horizon[-1]],
        horizon=portfolio.horizon[:-1],
    )
    with pytest.raises(ValueError, match="the plan's horizon"):
        pa.monte_carlo(shorter, result.plan, n_samples=2, cost_spread=0.1)
