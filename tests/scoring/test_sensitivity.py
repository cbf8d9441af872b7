"""Ranking sensitivity: exact tipping points of the criteria weights and Monte Carlo ranks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pmo_analytics as pa
from pmo_analytics.scoring.sensitivity import (
    TIPPING_COLUMNS,
    rank_monte_carlo,
    ranking_sensitivity,
    reweighted,
    tipping_points,
)
from pmo_analytics.scoring.weighted import score_projects


def top_set(matrix: pd.DataFrame, weights: pd.Series, k: int) -> set[str]:
    """The top-k under other weights, recomputed from the normalised scores (ties by id)."""
    scores = matrix[weights.index].to_numpy() @ weights.to_numpy()
    order = np.lexsort((np.arange(len(scores)), -scores))
    return set(matrix.index[order[:k]])


def normalised(scored: pd.DataFrame) -> pd.DataFrame:
    return scored.pivot(index="project_id", columns="criterion", values="normalised").sort_index()


def stated_weights(scored: pd.DataFrame) -> pd.Series:
    return scored.drop_duplicates("criterion").set_index("criterion")["weight"]


def scored_frame(matrix: np.ndarray, weights: np.ndarray) -> pd.DataFrame:
    """A score_projects-shaped frame (normalised scores as given) without the pandas cost."""
    n, m = matrix.shape
    ids = np.array([f"P{p:02d}" for p in range(n)], dtype=object)
    names = np.array([f"c{c}" for c in range(m)], dtype=object)
    return pd.DataFrame(
        {
            "project_id": np.repeat(ids, m),
            "criterion": np.tile(names, n),
            "normalised": matrix.ravel(),
            "weight": np.tile(weights, n),
        }
    )


def test_two_projects_by_hand():
    scored = scored_frame(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0.6, 0.4]))
    table = tipping_points(scored, top_k=1).set_index("criterion")
    assert list(table.reset_index().columns) == TIPPING_COLUMNS
    # S_A = t, S_B = 1 − t as the first weight moves to t: they cross at t = 0.5
    assert table.loc["c0", ["low", "high"]].tolist() == pytest.approx([0.5, 1.0])
    assert table.loc["c0", "leaves_at_low"] == "P00"
    assert table.loc["c0", "enters_at_low"] == "P01"
    assert pd.isna(table.loc["c0", "enters_at_high"])
    assert table.loc["c1", ["low", "high"]].tolist() == pytest.approx([0.0, 0.5])


def test_reweighting_keeps_the_others_in_proportion_and_the_sum_at_one():
    w = pd.Series({"x": 0.5, "y": 0.3, "z": 0.2})
    new = reweighted(w, "y", 0.65)
    assert new.sum() == pytest.approx(1.0)
    assert new["y"] == 0.65
    assert new["x"] / new["z"] == pytest.approx(0.5 / 0.2)
    with pytest.raises(ValueError, match="new_weight=1.5 is not valid; use a weight in \\[0, 1\\]"):
        reweighted(w, "y", 1.5)


def check_tipping_points(scored: pd.DataFrame, k: int) -> None:
    matrix = normalised(scored)
    weights = stated_weights(scored)
    stated = top_set(matrix, weights, k)
    table = tipping_points(scored, top_k=k)
    for row in table.itertuples():
        assert row.low <= row.weight <= row.high
        eps = max(1e-9, 1e-7 * (row.high - row.low))
        # inside the interval (just within both ends) the top-k is the stated one
        for t in (row.low + eps, row.high - eps, row.weight):
            if row.low + eps <= t <= row.high - eps:
                assert top_set(matrix, reweighted(weights, row.criterion, t), k) == stated
        # just past each end it changes, exactly as reported
        for end, sign in (("high", 1), ("low", -1)):
            enters, leaves = getattr(row, f"enters_at_{end}"), getattr(row, f"leaves_at_{end}")
            t = getattr(row, end) + sign * 1e-7
            if enters is None or pd.isna(enters) or not 0 <= t <= 1:
                continue
            after = top_set(matrix, reweighted(weights, row.criterion, t), k)
            assert after == (stated | set(enters.split(", "))) - set(leaves.split(", "))


def test_tipping_points_really_flip_the_top_k_on_a_generated_portfolio():
    portfolio = pa.generate_portfolio(60, n_periods=8, seed=3)
    for method in ("minmax", "zscore"):
        scored = score_projects(portfolio.scores, portfolio.criteria, normalise=method)
        for k in (1, 5, 10):
            check_tipping_points(scored, k)


@given(
    st.integers(min_value=3, max_value=12).flatmap(
        lambda n: st.tuples(
            st.lists(
                st.lists(st.floats(0, 10, allow_subnormal=False), min_size=3, max_size=3),
                min_size=n,
                max_size=n,
            ),
            st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3),
            st.integers(min_value=1, max_value=n - 1),
        )
    )
)
@settings(max_examples=40, deadline=None)
def test_tipping_points_property(case):
    rows, raw_weights, k = case
    scored = scored_frame(np.round(np.array(rows), 3), np.array(raw_weights) / sum(raw_weights))
    check_tipping_points(scored, k)


def test_monte_carlo_probabilities_and_distributions_are_consistent():
    portfolio = pa.generate_portfolio(25, n_periods=6, seed=8)
    scored = score_projects(portfolio.scores, portfolio.criteria)
    probability, distribution = rank_monte_carlo(scored, top_k=5, n_samples=400, seed=3)
    assert probability["probability_top_k"].sum() == pytest.approx(5.0)
    per_project = distribution.groupby("project_id")["probability"].sum()
    np.testing.assert_allclose(per_project, 1.0)
    per_rank = distribution.groupby("rank")["probability"].sum()
    np.testing.assert_allclose(per_rank, 1.0)
    in_top = distribution[distribution["rank"] <= 5].groupby("project_id")["probability"].sum()
    np.testing.assert_allclose(
        in_top.reindex(probability.index, fill_value=0), probability["probability_top_k"]
    )
    assert (probability["rank_p05"] <= probability["rank_median"]).all()
    assert (probability["rank_median"] <= probability["rank_p95"]).all()
    assert probability["rank"].tolist() == list(range(1, 26))
    again, _ = rank_monte_carlo(scored, top_k=5, n_samples=400, seed=3)
    pd.testing.assert_frame_equal(probability, again)


def test_high_concentration_reproduces_the_stated_ranking():
    scored = scored_frame(np.array([[9.0, 1], [6, 6], [1, 8], [2, 2]]), np.array([0.7, 0.3]))
    probability, _ = rank_monte_carlo(scored, top_k=2, n_samples=200, concentration=1e7, seed=1)
    assert probability["probability_top_k"].tolist() == [1.0, 1.0, 0.0, 0.0]
    assert probability["mean_rank"].tolist() == [1.0, 2.0, 3.0, 4.0]


def test_criteria_weighted_zero_stay_zero():
    scored = scored_frame(np.array([[1.0, 0, 9], [0, 1, 0]]), np.array([0.9, 0.1, 0.0]))
    probability, _ = rank_monte_carlo(scored, top_k=1, n_samples=300, concentration=2.0, seed=0)
    # without the zero-weight criterion P00 wins whenever w0 > w1
    assert 0.5 < probability.loc["P00", "probability_top_k"] < 1.0


def test_ranking_sensitivity_bundles_both(sample_portfolio):
    scored = score_projects(
        sample_portfolio.scores, sample_portfolio.criteria, comparisons=sample_portfolio.comparisons
    )
    result = ranking_sensitivity(scored, top_k=10, n_samples=300)
    assert result.top_k == 10
    assert len(result.tipping_points) == len(sample_portfolio.criteria)
    assert result.top_k_probability["probability_top_k"].sum() == pytest.approx(10.0)
    check_tipping_points(scored, 10)


def test_invalid_arguments_are_errors():
    scored = scored_frame(np.array([[1.0, 0], [0, 1]]), np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="top_k=0 is not valid; use a whole number ≥ 1"):
        tipping_points(scored, top_k=0)
    with pytest.raises(ValueError, match="concentration=0 is not valid"):
        rank_monte_carlo(scored, concentration=0)
    with pytest.raises(ValueError, match="n_samples=0 is not valid"):
        rank_monte_carlo(scored, n_samples=0)
    with pytest.raises(ValueError, match="expected the output of score_projects"):
        tipping_points(scored.drop(columns="normalised"))


def test_rank_distribution_can_be_limited_to_the_leading_projects():
    portfolio = pa.generate_portfolio(12, n_periods=6, seed=8)
    scored = score_projects(portfolio.scores, portfolio.criteria)
    probability, distribution = rank_monte_carlo(scored, top_k=3, n_samples=100, distribution_for=4)
    assert list(pd.unique(distribution["project_id"].astype(str))) == list(probability.index[:4])
    assert len(probability) == 12
