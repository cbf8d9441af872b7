"""The portfolio summary printed by ``pmo-analytics validate``."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmo_analytics.portfolio.io import load_portfolio
from pmo_analytics.portfolio.summary import portfolio_summary, portfolio_summary_text
from pmo_analytics.portfolio.utilisation import earliest_starts, utilisation

BASE = Path(__file__).parents[1] / "bad_inputs" / "base"


@pytest.fixture(scope="module")
def base():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_portfolio(BASE)


def test_projects_by_status_and_category(base):
    counts = portfolio_summary(base)["projects"]
    assert counts.index.tolist() == ["proposed", "approved", "in_flight", "completed", "total"]
    assert counts.loc["proposed", "Grow"] == 2 and counts.loc["total", "total"] == 5
    assert counts.loc["total", "Run"] == 2


def test_per_period_totals_by_hand(base):
    periods = portfolio_summary(base)["periods"]
    # earliest starts: P1 and P2 in 2027Q1, P4 in 2027Q1; in-flight P3 started 2026Q4 (offsets 1, 2 inside)
    assert periods["cost"].tolist() == [
        100000 + 150000 + 50000 + 30000,
        80000 + 150000 + 40000,
        0.0,
        0.0,
    ]
    assert periods["budget"].tolist() == [300000.0] * 4
    assert periods["demand_fte"].tolist() == [2 + 0.5 + 3 + 1 + 1, 1.5 + 3 + 1 + 0.5, 0.0, 0.0]
    assert periods["capacity_fte"].tolist() == [7.0] * 4
    assert periods.loc[pd.Period("2027Q1"), "cost_share"] == pytest.approx(330000 / 300000)


def test_matches_utilisation_of_earliest_starts(base):
    use = utilisation(base, earliest_starts(base))
    periods = portfolio_summary(base)["periods"]
    people = use[use["resource"] != "budget"].groupby("period")["used"].sum()
    assert np.allclose(periods["demand_fte"].to_numpy(), people.to_numpy())


def test_roles(base):
    roles = portfolio_summary(base)["roles"]
    assert roles.index.tolist() == ["Analyst", "Developer"]
    assert roles.loc["Developer", "peak_utilisation"] == pytest.approx(6 / 5)
    assert roles.loc["Developer", "periods_over"] == 1 and roles.loc["Analyst", "periods_over"] == 0


def test_text_without_budget(base):
    text = portfolio_summary_text(base.replace(budget=base.budget.iloc[0:0]))
    lines = text.splitlines()
    assert "total   600,000  (none)                   13.5         28.0             48%" in lines
    assert (
        lines[0]
        == "Portfolio of 5 projects (4 candidates), horizon 2027Q1..2027Q4 (4 quarters), 2 roles"
    )
