"""Uncertainty ranges and draws: range columns and spreads, PERT and triangular distributions
(checked against scipy.stats), per-sample random streams and correlation by project."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from uncertainty_helpers import SPREADS, small_portfolio

import pmo_analytics as pa
from pmo_analytics.explore.ranges import draw_samples, inverse_cdf, uncertainty_ranges, with_figures


@pytest.fixture(scope="module")
def portfolio():
    return small_portfolio()


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


def test_a_portfolio_made_in_code_may_carry_range_columns_or_not(portfolio):
    """make_portfolio frames: typed range columns are read (blanks take the spread); frames
    without them take the spread everywhere."""
    cashflows = portfolio.cashflows
    cost = cashflows["cost"].to_numpy()
    high = np.where(np.arange(len(cost)) % 2 == 0, cost * 2.0, np.nan)
    ranged = portfolio.replace(cashflows=cashflows.assign(cost_high=high))
    r = uncertainty_ranges(ranged, cost_spread=0.1)
    np.testing.assert_allclose(r.cost["high"], np.where(np.isnan(high), cost * 1.1, high))
    np.testing.assert_allclose(r.cost["low"], cost * 0.9)
    assert list(r.cost.columns) == ["project_id", "offset", "low", "mode", "high"]
    assert list(r.demand.columns) == ["project_id", "role", "offset", "low", "mode", "high"]
    plain = uncertainty_ranges(portfolio, cost_spread=0.1)
    pd.testing.assert_frame_equal(plain.demand, r.demand)
    assert (plain.cost["high"] <= r.cost["high"]).all()


def test_a_value_range_always_brackets_the_strategic_value(portfolio):
    """A value range given around a value taken from scores still brackets that value."""
    projects = portfolio.projects
    mode = projects["strategic_value"].to_numpy()
    ranged = portfolio.replace(projects=projects.assign(value_low=mode + 1.0))
    r = uncertainty_ranges(ranged)
    np.testing.assert_allclose(r.value["low"], mode)
    assert r.value.index.equals(projects.index)


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


def test_with_figures_replaces_the_figures_in_order(portfolio):
    ranges = uncertainty_ranges(portfolio, **SPREADS)
    draws = draw_samples(portfolio, ranges, n_samples=1, seed=4)
    drawn = with_figures(portfolio, cost=draws.cost[0], fte=draws.fte[0], value=draws.value[0])
    np.testing.assert_array_equal(drawn.cashflows["cost"], draws.cost[0])
    np.testing.assert_array_equal(drawn.demand["fte"], draws.fte[0])
    np.testing.assert_allclose(drawn.projects["strategic_value"], draws.value[0])
    assert with_figures(portfolio) is portfolio
