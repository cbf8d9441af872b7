"""Robustness under uncertainty: ranges, distributions, Monte Carlo, contingency and charts.

Distributions are checked against scipy.stats (triangular and the Beta behind PERT); the
Monte Carlo's overrun figures against the real utilisation module sample by sample; its
re-optimised values against solving a sample directly; and the results are identical in
one process, in two worker processes and on a local Dask cluster.
"""

from __future__ import annotations

import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import pmo_analytics as pa
from pmo_analytics import charts
from pmo_analytics.optimise import OptimiseOptions, check_plan, optimise
from pmo_analytics.uncertainty import (
    draw_samples,
    inverse_cdf,
    uncertainty_ranges,
    with_figures,
)

SPREADS = {"cost_spread": (0.1, 0.4), "demand_spread": 0.2, "value_spread": 0.3}
OPTIONS = OptimiseOptions(time_limit=20.0)
N_SAMPLES = 6


@pytest.fixture(scope="module")
def portfolio():
    return pa.generate_portfolio(10, n_periods=5, n_roles=2, seed=7, in_flight_share=0.2)


@pytest.fixture(scope="module")
def result(portfolio):
    return pa.monte_carlo(portfolio, n_samples=N_SAMPLES, seed=3, options=OPTIONS, **SPREADS)


def _comparable(r) -> dict[str, pd.DataFrame]:
    return {
        "samples": r.samples.drop(columns="seconds"),
        "core_index": r.core_index,
        "overrun": r.overrun,
    }


def assert_same(a, b) -> None:
    for name, frame in _comparable(a).items():
        pd.testing.assert_frame_equal(frame, _comparable(b)[name], obj=name)


# --------------------------------------------------------------------------- ranges
def test_spreads_give_ranges_around_the_figures(portfolio):
    r = uncertainty_ranges(portfolio, cost_spread=(0.1, 0.4), demand_spread=0.25)
    cost = portfolio.cashflows["cost"].to_numpy()
    np.testing.assert_allclose(r.cost["low"], cost * 0.9)
    np.testing.assert_allclose(r.cost["high"], cost * 1.4)
    np.testing.assert_allclose(r.demand["high"], portfolio.demand["fte"].to_numpy() * 1.25)
    # no value spread: values are certain
    assert (r.value["low"] == r.value["high"]).all()
    assert not r.is_certain
    assert uncertainty_ranges(portfolio).is_certain


@pytest.fixture()
def ranged_folder(tmp_path, portfolio):
    """The portfolio written to CSV with low/high columns on some cells, as a user would."""
    folder = pa.write_portfolio(portfolio, tmp_path / "ranged")
    cashflows = pd.read_csv(folder / "cashflows.csv", dtype=str, keep_default_na=False)
    first = float(cashflows.at[0, "cost"])
    cashflows["cost_low"] = ""
    cashflows["cost_high"] = ""
    cashflows.loc[0, ["cost_low", "cost_high"]] = [f"{first * 0.5:g}", f"{first * 3:g}"]
    cashflows.to_csv(folder / "cashflows.csv", index=False)
    projects = pd.read_csv(folder / "projects.csv", dtype=str, keep_default_na=False)
    projects["value_high"] = ""
    projects.loc[1, "value_high"] = "1000"
    projects.to_csv(folder / "projects.csv", index=False)
    return folder


def load_quietly(folder):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pa.load_portfolio(folder)


def test_range_columns_are_read_from_the_files_and_spreads_fill_blanks(ranged_folder):
    loaded = load_quietly(ranged_folder)
    r = uncertainty_ranges(loaded, cost_spread=0.1)
    first = loaded.cashflows["cost"].iloc[0]
    assert r.cost["low"].iloc[0] == pytest.approx(first * 0.5)
    assert r.cost["high"].iloc[0] == pytest.approx(first * 3)
    second = loaded.cashflows["cost"].iloc[1]
    assert r.cost["high"].iloc[1] == pytest.approx(second * 1.1)
    pid = loaded.projects.index[1]
    assert r.value.at[pid, "high"] == 1000
    assert r.value.at[pid, "low"] == r.value.at[pid, "mode"]


def test_bad_range_cells_are_all_listed(ranged_folder):
    cashflows = pd.read_csv(ranged_folder / "cashflows.csv", dtype=str, keep_default_na=False)
    cashflows.loc[1, "cost_low"] = "lots"
    cashflows.loc[2, "cost_high"] = "1"  # below the most likely cost
    cashflows.loc[3, "cost_low"] = "-5"
    cashflows.to_csv(ranged_folder / "cashflows.csv", index=False)
    # the ranges are optional contract columns: loading checks them, with file rows
    with pytest.raises(pa.PortfolioValidationError, match="3 problems") as caught:
        load_quietly(ranged_folder)
    problems = caught.value.problems
    assert set(problems["column"]) == {"cost_low", "cost_high"}
    assert problems["row"].tolist() == [3, 4, 5]
    rules = " ".join(problems["rule"])
    assert "not a number" in rules and "below the most likely" in rules and "negative" in rules


@pytest.mark.parametrize(
    "spread, message",
    [
        (-0.1, "downward share"),
        (1.5, "downward share"),
        ("a lot", "share like 0.2"),
        ((0.1,), "pair"),
    ],
)
def test_bad_spreads_are_refused(portfolio, spread, message):
    with pytest.raises(ValueError, match=message):
        uncertainty_ranges(portfolio, cost_spread=spread)


# --------------------------------------------------------------------------- distributions
U = np.linspace(0.0, 1.0, 41)


@pytest.mark.parametrize("low, mode, high", [(2.0, 5.0, 11.0), (0.0, 0.0, 4.0), (3.0, 7.0, 7.0)])
def test_triangular_matches_scipy(low, mode, high):
    expected = stats.triang(c=(mode - low) / (high - low), loc=low, scale=high - low).ppf(U)
    np.testing.assert_allclose(inverse_cdf(low, mode, high, U, "triangular"), expected, atol=1e-9)


@pytest.mark.parametrize("low, mode, high", [(2.0, 5.0, 11.0), (0.0, 0.0, 4.0), (3.0, 7.0, 7.0)])
def test_pert_matches_its_beta_and_three_point_mean(low, mode, high):
    a = 1 + 4 * (mode - low) / (high - low)
    b = 1 + 4 * (high - mode) / (high - low)
    expected = low + (high - low) * stats.beta(a, b).ppf(U)
    np.testing.assert_allclose(inverse_cdf(low, mode, high, U, "pert"), expected, atol=1e-9)
    mean = stats.beta(a, b).mean() * (high - low) + low
    assert mean == pytest.approx((low + 4 * mode + high) / 6)


def test_certain_figures_stay_put():
    out = inverse_cdf(np.array([4.0, 0.0]), np.array([4.0, 0.0]), np.array([4.0, 0.0]), 0.9)
    np.testing.assert_array_equal(out, [4.0, 0.0])
    with pytest.raises(ValueError, match="distribution='normal' is not valid"):
        inverse_cdf(0.0, 1.0, 2.0, 0.5, "normal")


def test_sample_i_depends_only_on_seed_and_i(portfolio):
    ranges = uncertainty_ranges(portfolio, **SPREADS)
    all_five = draw_samples(portfolio, ranges, n_samples=5, seed=9)
    last_three = draw_samples(portfolio, ranges, n_samples=3, seed=9, first=2)
    np.testing.assert_array_equal(all_five.cost[2:], last_three.cost)
    np.testing.assert_array_equal(all_five.value[2:], last_three.value)
    other_seed = draw_samples(portfolio, ranges, n_samples=5, seed=10)
    assert not np.allclose(all_five.cost, other_seed.cost)


def test_project_correlation_moves_a_projects_lines_together(portfolio):
    ranges = uncertainty_ranges(portfolio, cost_spread=0.3, demand_spread=0.3)
    base = portfolio.cashflows["cost"].to_numpy()
    positive = base > 0
    ids = portfolio.cashflows["project_id"][positive]
    for correlation, together in (("project", True), ("line", False)):
        draws = draw_samples(portfolio, ranges, n_samples=3, seed=1, correlation=correlation)
        ratio = pd.Series(draws.cost[0][positive] / base[positive], index=ids.to_numpy())
        spread_within = ratio.groupby(level=0).agg(lambda r: r.max() - r.min())
        assert (spread_within < 1e-9).all() == together
    # cost and demand of one project share the draw (an effort overrun hits both)
    fte = portfolio.demand["fte"].to_numpy()
    draws = draw_samples(portfolio, ranges, n_samples=1, seed=1)
    pid = ids.iloc[0]
    cost_ratio = (
        draws.cost[0][positive][ids.to_numpy() == pid][0] / base[positive][ids.to_numpy() == pid][0]
    )
    mine = (portfolio.demand["project_id"] == pid).to_numpy() & (fte > 0)
    np.testing.assert_allclose(draws.fte[0][mine] / fte[mine], cost_ratio)


def test_contingency_costs_are_the_quantile_of_the_draws(portfolio):
    """The P80 cost of each line is where 80 % of many drawn costs fall below."""
    ranges = uncertainty_ranges(portfolio, cost_spread=(0.1, 0.5))
    draws = draw_samples(portfolio, ranges, n_samples=4000, seed=2, correlation="line")
    p80 = pa.contingency_portfolio(portfolio, 0.8, cost_spread=(0.1, 0.5))
    below = (draws.cost <= p80.cashflows["cost"].to_numpy()[None, :] + 1e-9).mean(axis=0)
    uncertain = (ranges.cost["high"] > ranges.cost["low"]).to_numpy()
    assert np.abs(below[uncertain] - 0.8).max() < 0.035
    assert (p80.cashflows["cost"] >= portfolio.cashflows["cost"] - 1e-9).all()
    # a symmetric triangular's median is its most likely figure
    median = pa.contingency_portfolio(portfolio, 0.5, distribution="triangular", cost_spread=0.2)
    np.testing.assert_allclose(median.cashflows["cost"], portfolio.cashflows["cost"])
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        pa.contingency_portfolio(portfolio, 1.0, cost_spread=0.2)


def test_plan_with_contingency_fits_the_quantile_costs(portfolio):
    plan = pa.plan_with_contingency(portfolio, 0.9, cost_spread=(0.0, 0.6), options=OPTIONS)
    assert plan.is_solution()
    assert check_plan(plan).empty  # within budget at P90 costs
    base = optimise(portfolio, OPTIONS)
    assert plan.portfolio.total_cost().sum() > portfolio.total_cost().sum()
    assert plan.value <= base.value + 1e-9  # hedging cannot add value


# --------------------------------------------------------------------------- monte carlo
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
    draws = draw_samples(portfolio, ranges, n_samples=2, seed=3)
    for i in range(2):
        sampled = with_figures(
            portfolio, cost=draws.cost[i], fte=draws.fte[i], value=draws.value[i]
        )
        plan = optimise(sampled, OPTIONS.replace(shadow_prices=False))
        assert check_plan(plan).empty
        assert plan.status == result.samples.at[i, "status"] == "optimal"
        assert plan.value == pytest.approx(result.values[i])
        assert plan.n_selected == result.samples.at[i, "n_selected"]


def test_overrun_matches_the_utilisation_of_each_sample(portfolio, result):
    ranges = uncertainty_ranges(portfolio, **SPREADS)
    draws = draw_samples(portfolio, ranges, n_samples=N_SAMPLES, seed=3)
    used = []
    for i in range(N_SAMPLES):
        sampled = with_figures(portfolio, cost=draws.cost[i], fte=draws.fte[i])
        used.append(pa.utilisation(sampled, result.plan.starts).assign(sample=i))
    used = pd.concat(used, ignore_index=True)
    used["over"] = used["used"] > used["available"] * (1 + 1e-9) + 1e-9
    expected = used.groupby(["resource", "period"])["over"].mean()
    got = result.overrun.set_index(["resource", "period"])["p_overrun"]
    pd.testing.assert_series_equal(
        got.sort_index(), expected.reindex(got.index).sort_index(), check_names=False
    )
    mean = used.groupby(["resource", "period"])["used"].mean()
    np.testing.assert_allclose(
        result.overrun.set_index(["resource", "period"])["mean"], mean.reindex(got.index)
    )
    planned = pa.utilisation(portfolio, result.plan.starts).set_index(["resource", "period"])[
        "used"
    ]
    np.testing.assert_allclose(
        result.overrun.set_index(["resource", "period"])["planned"], planned.reindex(got.index)
    )
    any_budget = used[used["resource"] == "budget"].groupby("sample")["over"].any()
    np.testing.assert_array_equal(result.samples["budget_overrun"], any_budget.sort_index())


def test_two_workers_give_the_same_result(portfolio, result):
    """A second run with the same seed, in two worker processes: the very same result."""
    parallel = pa.monte_carlo(
        portfolio, n_samples=N_SAMPLES, seed=3, options=OPTIONS, n_jobs=2, **SPREADS
    )
    assert_same(result, parallel)


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
            portfolio, n_samples=N_SAMPLES, seed=3, options=OPTIONS, n_jobs=2, **SPREADS
        )
    assert_same(result, on_dask)


def test_a_given_plan_is_judged(portfolio, result):
    hedged = pa.plan_with_contingency(portfolio, 0.9, cost_spread=(0.1, 0.4), options=OPTIONS)
    judged = pa.monte_carlo(
        portfolio, hedged, n_samples=2, seed=3, options=OPTIONS, cost_spread=(0.1, 0.4)
    )
    assert judged.plan is hedged
    assert judged.core_index["in_plan"].sum() == hedged.n_selected
    # the hedged plan leaves budget headroom: it never spends more than the base plan at P50
    assert (
        judged.overrun.loc[judged.overrun["resource"] == "budget", "planned"].to_numpy()
        <= portfolio.budget_by_period().to_numpy() + 1e-6
    ).all()


def test_overrun_risk_is_the_monte_carlos_overrun_without_solving(portfolio, result):
    risk = pa.overrun_risk(portfolio, result.plan, n_samples=N_SAMPLES, seed=3, **SPREADS)
    pd.testing.assert_frame_equal(risk.overrun, result.overrun)
    columns = ["plan_value", "plan_cost", "budget_overrun", "capacity_overrun"]
    pd.testing.assert_frame_equal(risk.samples[columns], result.samples[columns])
    summary = risk.summary()
    assert summary["p_budget_overrun"] == result.summary()["p_budget_overrun"]
    assert summary["cost_p05"] <= summary["cost_p50"] <= summary["cost_p95"]
    with pytest.raises(ValueError, match="nothing is uncertain"):
        pa.overrun_risk(portfolio, result.plan)


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


# --------------------------------------------------------------------------- charts
def rendered(chart, tmp_path) -> str:
    out = charts.save_chart(chart, tmp_path / "chart.svg")
    text = out.read_text()
    assert text.startswith("<svg")
    return text


def test_core_index_chart(result, tmp_path):
    chart = charts.core_index_chart(result)
    spec = chart.to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["x"]["field"] == "frequency"
    core = result.core_index
    shown = core[(core["frequency"] > 0) & ~core["must"]]
    assert len(bars["encoding"]["y"]["sort"]) == len(shown)
    everything = charts.core_index_chart(result, show_must=True).to_dict()["layer"][0]
    assert len(everything["encoding"]["y"]["sort"]) == (core["frequency"] > 0).sum()
    first = bars["encoding"]["y"]["sort"][0].split(" ")[0]
    assert shown.at[first, "frequency"] == shown["frequency"].max()
    assert "Core index" in rendered(chart, tmp_path)
    with pytest.raises(ValueError, match="lacks frequency"):
        charts.core_index_chart(result.core_index.drop(columns="frequency"))


def test_value_distribution_and_overrun_charts(result, tmp_path):
    chart = charts.value_distribution_chart(result)
    layers = chart.to_dict()["layer"]
    assert layers[-1]["encoding"]["x"]["field"] == "plan_value"
    rendered(chart, tmp_path)
    heat = charts.overrun_chart(result)
    spec = heat.to_dict()
    assert spec["encoding"]["color"]["field"] == "p_overrun"
    assert spec["encoding"]["y"]["sort"][0] == "budget"
    assert "overruns" in rendered(heat, tmp_path)
    alone = charts.value_distribution_chart(result.values, plan_value=1.0).to_dict()
    marker = alone["datasets"][alone["layer"][-1]["data"]["name"]]
    assert marker == [{"plan_value": 1.0, "label": "chosen plan"}]
    assert len(charts.value_distribution_chart(result.values).to_dict()["layer"]) == 2
    with pytest.raises(TypeError, match="values Series"):
        charts.value_distribution_chart([1.0, 2.0])
