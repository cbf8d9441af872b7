"""Synthetic portfolios: valid for any size, deterministic under a seed, round trip through files."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_analytics._vocab import CLOSED_STATUSES
from pmo_analytics.portfolio.io import load_portfolio, write_portfolio
from pmo_analytics.portfolio.synthetic import generate_portfolio


def reload(portfolio, path):
    write_portfolio(portfolio, path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a generated portfolio loads without a single note
        return load_portfolio(path)


def test_same_seed_same_portfolio_other_seed_other_portfolio():
    a = generate_portfolio(30, n_periods=6, n_roles=3, seed=4)
    assert generate_portfolio(30, n_periods=6, n_roles=3, seed=4) == a
    assert generate_portfolio(30, n_periods=6, n_roles=3, seed=5) != a


def test_shape_and_rules_of_a_generated_portfolio():
    p = generate_portfolio(
        200, n_periods=8, n_roles=5, seed=9, in_flight_share=0.1, mandatory_share=0.05
    )
    projects = p.projects
    assert (
        len(projects) == 200
        and len(p.horizon) == 8
        and p.roles == [f"Role0{i}" for i in range(1, 6)]
    )
    assert projects.index.is_unique
    in_flight = projects[projects["status"] == "in_flight"]
    assert len(in_flight) > 0 and in_flight["start"].notna().all()
    planned = projects[~projects["status"].isin(["in_flight", *CLOSED_STATUSES])]
    assert (planned["first_start"] <= planned["last_start"]).all()
    # cost and demand only while a project runs; benefits after it
    cash = p.cashflows.join(projects["duration"], on="project_id")
    assert (cash.loc[cash["offset"] >= cash["duration"], "cost"] == 0).all()
    assert (cash.loc[cash["offset"] < cash["duration"], "benefit"] == 0).all()
    demand = p.demand.join(projects["duration"], on="project_id")
    assert (demand["offset"] < demand["duration"]).all()
    # no dependency touches forced work, and none form a cycle (later on earlier ids)
    deps = p.dependencies
    assert (deps["project_id"] > deps["other_id"]).all()
    assert (p.budget["amount"] > 0).all() and (p.capacity["fte"] >= 0).all()


def test_months_and_value_from_scores():
    p = generate_portfolio(
        10, n_periods=6, n_roles=2, seed=2, first_period="2027-01", with_value=False
    )
    assert p.freq == "M" and str(p.horizon[-1]) == "2027-06"
    assert p.projects["value"].isna().all() and p.projects["strategic_value"].notna().all()


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n_projects=st.integers(0, 20),
    n_periods=st.integers(1, 6),
    n_roles=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_any_size_and_seed_is_valid_and_round_trips(
    tmp_path_factory, n_projects, n_periods, n_roles, seed
):
    portfolio = generate_portfolio(n_projects, n_periods=n_periods, n_roles=n_roles, seed=seed)
    assert len(portfolio.projects) == n_projects and len(portfolio.horizon) == n_periods
    assert reload(portfolio, tmp_path_factory.mktemp("h") / "p") == portfolio


def test_round_trip_through_a_workbook(tmp_path):
    portfolio = generate_portfolio(25, n_periods=6, n_roles=3, seed=12, dependency_share=0.3)
    assert reload(portfolio, tmp_path / "p.xlsx") == portfolio


@pytest.mark.parametrize("kind", ["folder", "xlsx"])
def test_round_trip_keeps_types(tmp_path, kind):
    portfolio = generate_portfolio(12, n_periods=5, n_roles=2, seed=6, in_flight_share=0.4)
    back = reload(portfolio, tmp_path / ("p.xlsx" if kind == "xlsx" else "p"))
    for column in ("earliest_start", "latest_start", "start", "first_start"):
        assert isinstance(back.projects[column].dtype, pd.PeriodDtype)
    assert back.projects["duration"].dtype == np.int64
    assert back.projects["mandatory"].dtype == bool
    assert back.cashflows["offset"].dtype == np.int64
    assert isinstance(back.actuals["period"].dtype, pd.PeriodDtype)
    assert pd.api.types.is_string_dtype(back.projects["name"])
