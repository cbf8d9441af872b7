"""Objective values on the three bases the optimiser can maximise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pmo_analytics as pa
from pmo_analytics.scoring.value_basis import VALUE_BASES, objective_values, risk_adjusted_value


@pytest.fixture(scope="module")
def portfolio():
    return pa.generate_portfolio(20, n_periods=8, seed=6)


def test_value_bases_are_named():
    assert VALUE_BASES == ("value", "npv", "risk_adjusted")
    assert pa.VALUE_BASES == VALUE_BASES


def test_value_basis_is_the_strategic_value(portfolio):
    values = objective_values(portfolio)
    assert values.name == "value"
    pd.testing.assert_series_equal(values, portfolio.projects["strategic_value"].rename("value"))


def test_risk_adjusted_basis_is_value_times_one_minus_risk(portfolio):
    projects = portfolio.projects
    values = objective_values(portfolio, basis="risk_adjusted")
    expected = projects["strategic_value"] * (1 - projects["risk"])
    np.testing.assert_allclose(values.to_numpy(), expected.to_numpy())
    assert (values <= projects["strategic_value"]).all()
    pd.testing.assert_series_equal(values, risk_adjusted_value(portfolio).rename("value"))


def test_blank_risk_counts_as_zero(portfolio):
    projects = portfolio.projects.assign(risk=np.nan)
    blank = portfolio.replace(projects=projects)
    np.testing.assert_allclose(
        objective_values(blank, basis="risk_adjusted"), objective_values(blank, basis="value")
    )


def test_npv_basis_is_the_npv_at_the_project_start(portfolio):
    values = objective_values(portfolio, basis="npv", discount_rate=0.1)
    expected = pa.project_financials(portfolio, discount_rate=0.1)["npv"]
    np.testing.assert_allclose(values.to_numpy(), expected.to_numpy())
    assert values.index.equals(portfolio.projects.index)
    higher = objective_values(portfolio, basis="npv", discount_rate=0.3)
    assert not np.allclose(values, higher)


def test_invalid_basis_names_the_valid_ones(portfolio):
    with pytest.raises(
        ValueError, match="value basis 'profit' is not valid; use one of value, npv, risk_adjusted"
    ):
        objective_values(portfolio, basis="profit")


def test_candidate_without_strategic_value_is_an_error():
    portfolio = pa.generate_portfolio(6, n_periods=6, seed=2, with_value=False, with_scores=False)
    with pytest.raises(
        ValueError, match="6 candidate project\\(s\\) have no strategic value \\(P001"
    ):
        objective_values(portfolio)
    assert objective_values(portfolio, basis="npv").notna().all()
