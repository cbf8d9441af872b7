"""Strategic alignment: shares of value and spend by criterion, category and business unit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

import pmo_analytics as pa
from pmo_analytics.scoring.alignment import (
    ALIGNMENT_COLUMNS,
    NONE_GROUP,
    selected_ids,
    strategic_alignment,
)


@dataclass(frozen=True)
class FakePlan:
    """Stands in for a Plan: anything with a ``.selected`` Index of project ids."""

    selected: pd.Index


@pytest.fixture(scope="module")
def portfolio():
    return pa.generate_portfolio(24, n_periods=8, seed=5)


def test_shares_sum_to_one_per_dimension_and_measure(portfolio):
    table = strategic_alignment(portfolio, portfolio.projects.index[::2])
    assert list(table.columns) == ALIGNMENT_COLUMNS
    assert list(pd.unique(table["dimension"])) == ["criterion", "category", "business_unit"]
    sums = table.groupby("dimension")[
        ["value_share", "spend_share", "candidate_value_share", "candidate_spend_share"]
    ].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0)
    targets = table[table["dimension"] == "criterion"].set_index("group")["target_share"]
    weights = pa.criteria_weights(portfolio.criteria)
    np.testing.assert_allclose(targets.reindex(weights.index), weights)


def test_totals_by_hand(portfolio):
    chosen = portfolio.projects.index[:7]
    table = strategic_alignment(portfolio, chosen)
    projects = portfolio.projects.loc[chosen]
    spend = portfolio.total_cost().loc[chosen]
    category = table[table["dimension"] == "category"].set_index("group")
    for group, rows in projects.groupby("category"):
        assert category.loc[group, "value"] == pytest.approx(rows["strategic_value"].sum())
        assert category.loc[group, "spend"] == pytest.approx(spend[rows.index].sum())
    # the criterion split of value adds back up to the selection's total value
    criterion = table[table["dimension"] == "criterion"]
    assert criterion["value"].sum() == pytest.approx(projects["strategic_value"].sum())
    assert criterion["spend"].sum() == pytest.approx(spend.sum())


def test_criterion_split_follows_each_projects_contributions():
    criteria = pd.DataFrame({"criterion": ["x", "y"], "weight": [0.5, 0.5]})
    scores = pd.DataFrame(
        {"project_id": ["P001", "P001"], "criterion": ["x", "y"], "score": [3.0, 1.0]}
    )
    portfolio = pa.generate_portfolio(2, n_periods=6, seed=1)
    portfolio = portfolio.replace(criteria=criteria, scores=scores)
    table = strategic_alignment(portfolio, ["P001"], dimensions=["criterion"]).set_index("group")
    value = portfolio.projects.loc["P001", "strategic_value"]
    assert table.loc["x", "value"] == pytest.approx(0.75 * value)
    assert table.loc["y", "value"] == pytest.approx(0.25 * value)
    # P002 has no scores: its value sits in the "(none)" group of the candidates
    assert table.loc[NONE_GROUP, "value"] == 0.0
    assert table.loc[NONE_GROUP, "candidate_value"] == pytest.approx(
        portfolio.projects.loc["P002", "strategic_value"]
    )


def test_selection_as_ids_boolean_series_or_plan_gives_the_same(portfolio):
    ids = list(portfolio.projects.index[[1, 4, 9]])
    mask = pd.Series(portfolio.projects.index.isin(ids), index=portfolio.projects.index)
    a = strategic_alignment(portfolio, ids)
    pd.testing.assert_frame_equal(a, strategic_alignment(portfolio, mask))
    pd.testing.assert_frame_equal(a, strategic_alignment(portfolio, FakePlan(pd.Index(ids))))
    assert list(selected_ids(portfolio, mask)) == ids


def test_whole_candidate_list_matches_its_own_comparison(portfolio):
    table = strategic_alignment(portfolio, portfolio.candidates())
    np.testing.assert_allclose(table["value_share"], table["candidate_value_share"])
    np.testing.assert_allclose(table["spend"], table["candidate_spend"])


def test_empty_selection_has_zero_value_and_the_candidates_for_comparison(portfolio):
    table = strategic_alignment(portfolio, [])
    assert (table["value"] == 0).all()
    assert table["value_share"].isna().all()
    assert (table["candidate_value"] > 0).any()


def test_risk_adjusted_basis(portfolio):
    plain = strategic_alignment(portfolio, portfolio.projects.index, dimensions=["category"])
    adjusted = strategic_alignment(
        portfolio, portfolio.projects.index, dimensions=["category"], basis="risk_adjusted"
    )
    assert adjusted["value"].sum() < plain["value"].sum()
    np.testing.assert_allclose(adjusted["spend"], plain["spend"])


def test_bad_selections_and_dimensions_are_errors(portfolio):
    with pytest.raises(ValueError, match="selection names unknown projects: P999"):
        strategic_alignment(portfolio, ["P001", "P999"])
    with pytest.raises(TypeError, match="not one string"):
        strategic_alignment(portfolio, "P001")
    with pytest.raises(ValueError, match="dimensions colour are not valid; use any of criterion"):
        strategic_alignment(portfolio, ["P001"], dimensions=["colour"])
    with pytest.raises(ValueError, match="value basis 'x' is not valid"):
        strategic_alignment(portfolio, ["P001"], basis="x")


def test_sample_portfolio_alignment(sample_portfolio):
    chosen = sample_portfolio.candidates()[::2]
    table = strategic_alignment(sample_portfolio, chosen)
    criteria = table[table["dimension"] == "criterion"]
    assert set(criteria["group"]) >= set(sample_portfolio.criteria["criterion"])
    assert criteria["target_share"].sum() == pytest.approx(1.0)
