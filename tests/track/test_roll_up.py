"""Earned value rolled up over the portfolio and over groups of projects."""

from __future__ import annotations

import pandas as pd
import pytest
from ev_helpers import FREQ, build
from hypothesis import given, settings
from hypothesis import strategies as st

import pmo_analytics as pa

amounts = st.floats(min_value=1.0, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=12, deadline=None)
@given(
    planned=st.lists(amounts, min_size=1, max_size=8),
    earned=st.lists(st.floats(min_value=0.0, max_value=2.0), min_size=8, max_size=8),
    cost=st.lists(st.floats(min_value=0.0, max_value=2.0), min_size=8, max_size=8),
    reported=st.integers(min_value=1, max_value=8),
    lead=st.integers(min_value=0, max_value=3),
)
def test_roll_up_of_one_project_equals_the_project(planned, earned, cost, reported, lead):
    n = min(reported, len(planned))
    start = pd.Period("2027-01", FREQ) + lead
    acts = [
        (str(start + k), planned[k], planned[k] * earned[k], planned[k] * cost[k]) for k in range(n)
    ]
    p = build({"ONE": {"start": str(start), "cost": planned, "actuals": acts}})
    project = pa.earned_value(p).drop(columns=["name", "status"]).iloc[0]
    total = pa.portfolio_roll_up(p).drop(columns="n_projects").loc["portfolio"]
    pd.testing.assert_series_equal(total, project, check_names=False)
    trend = pa.portfolio_trend(p).drop(columns=["portfolio", "n_projects"])
    history = pa.earned_value_history(p).drop(columns="project_id")
    pd.testing.assert_frame_equal(trend, history)


def test_roll_up_sums_amounts_then_computes_indices():
    p = pa.generate_portfolio(200, n_periods=8, seed=2, in_flight_share=0.3)
    ev = pa.earned_value(p)
    total = pa.portfolio_roll_up(p).loc["portfolio"]
    for column in ("pv", "ev", "ac", "bac"):
        assert total[column] == pytest.approx(ev[column].sum())
    assert total["cpi"] == pytest.approx(ev["ev"].sum() / ev["ac"].sum())
    assert total["n_projects"] == len(ev)
    trend = pa.portfolio_trend(p)
    started = pa.earned_value(p)["start"]
    expected = [int((started <= q).sum()) for q in trend["period"]]
    assert trend["n_projects"].tolist() == expected
    by = pa.portfolio_roll_up(p, by="category")
    assert by.index.name == "category"
    assert by["ev"].sum() == pytest.approx(total["ev"])
    assert by["n_projects"].sum() == len(ev)
    with pytest.raises(ValueError, match="cannot roll up by 'colour'"):
        pa.portfolio_roll_up(p, by="colour")
