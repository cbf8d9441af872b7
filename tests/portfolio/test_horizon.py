"""The planning horizon: the run of budget and capacity periods, its gaps, or the one named."""

from __future__ import annotations

from pathlib import Path

import pytest
from loading_helpers import BASE, as_rows, copy_base, load_quietly, problems_of

from pmo_analytics.exceptions import PortfolioValidationError
from pmo_analytics.portfolio.io import load_portfolio


@pytest.fixture
def base_copy(tmp_path) -> Path:
    return copy_base(tmp_path / "portfolio")


def test_each_stretch_of_missing_periods_is_one_problem(base_copy):
    (base_copy / "budget.csv").write_text("period,amount\n2027Q1,1\n2028Q4,1\n2029Q2,1\n")
    rows = as_rows(problems_of(base_copy))
    assert [(r[0], r[3]) for r in rows] == [
        ("budget.csv, capacity.csv", "2028Q1..2028Q3"),
        ("budget.csv, capacity.csv", "2029Q1"),
    ]
    assert (
        rows[0][4]
        == "gap in the horizon 2027Q1..2029Q2: no budget or capacity row for 2028Q1..2028Q3"
    )


def test_missing_horizon_when_no_period_parses(base_copy):
    (base_copy / "budget.csv").unlink()
    (base_copy / "capacity.csv").write_text("role,period,fte\nDeveloper,soon,5\nAnalyst,later,2\n")
    rows = as_rows(problems_of(base_copy))
    assert (
        "capacity.csv",
        None,
        "period",
        "",
        "no budget or capacity periods: the planning horizon is empty",
    ) in rows
    assert sum(r[4].startswith("not a period label") for r in rows) == 2


def test_named_horizon_must_be_periods_of_the_portfolio(base_copy):
    with pytest.raises(PortfolioValidationError, match="this portfolio uses quarters"):
        load_portfolio(base_copy, horizon=("2027-01", "2027-06"))
    with pytest.raises(PortfolioValidationError, match="not a period label"):
        load_portfolio(base_copy, horizon=("2027Q1", "soon"))
    with pytest.raises(PortfolioValidationError, match="ends before it starts"):
        load_portfolio(base_copy, horizon=("2027Q3", "2027Q1"))


def test_named_horizon_keeps_its_periods():
    loaded = load_quietly(BASE, horizon=("2027Q2", "2027Q4"))
    assert [str(p) for p in loaded.horizon] == ["2027Q2", "2027Q3", "2027Q4"]
    assert sorted(loaded.budget["period"].astype(str)) == ["2027Q2", "2027Q3", "2027Q4"]
    assert len(loaded.capacity) == 6
