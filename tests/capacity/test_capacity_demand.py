"""Capacity views: demand vs capacity, bottlenecks and add_capacity, on hand-made and
synthetic portfolios."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from capacity_helpers import cell, hand_portfolio

import pmo_analytics as pa
from pmo_analytics.capacity.demand import BOTTLENECK_COLUMNS, CAPACITY_COLUMNS

Q = pd.Period


@pytest.fixture(scope="module")
def hand() -> pa.Portfolio:
    return hand_portfolio()


# --------------------------------------------------------------------------- capacity_demand
def test_everything_at_earliest_start_by_hand(hand: pa.Portfolio) -> None:
    frame = pa.capacity_demand(hand)
    assert list(frame.columns) == CAPACITY_COLUMNS
    assert len(frame) == 2 * 4
    # Q1: A 2 + B 3 + C (its second quarter) 1 = 6 Dev against 3; the completed D is not placed
    assert cell(frame, "Dev", "2027Q1", "demand") == 6.0
    assert cell(frame, "Dev", "2027Q1", "shortfall") == 3.0
    assert cell(frame, "Dev", "2027Q1", "utilisation") == 2.0
    assert cell(frame, "Dev", "2027Q1", "n_projects") == 3
    assert cell(frame, "Dev", "2027Q2", "demand") == 1.0
    assert cell(frame, "Dev", "2027Q2", "shortfall") == 0.0
    assert cell(frame, "QA", "2027Q2", "shortfall") == 0.5
    assert cell(frame, "QA", "2027Q2", "utilisation") == 2.0
    assert cell(frame, "QA", "2027Q3", "demand") == 0.0
    assert cell(frame, "QA", "2027Q3", "n_projects") == 0


def test_selection_kinds_agree(hand: pa.Portfolio) -> None:
    by_ids = pa.capacity_demand(hand, ["A", "C"])
    by_labels = pa.capacity_demand(hand, pd.Series({"A": "2027Q1", "C": "2026Q4"}))
    by_periods = pa.capacity_demand(hand, pd.Series({"A": Q("2027Q1"), "C": Q("2026Q4")}))
    pd.testing.assert_frame_equal(by_ids, by_labels)
    pd.testing.assert_frame_equal(by_ids, by_periods)
    assert cell(by_ids, "Dev", "2027Q1", "demand") == 3.0
    moved = pa.capacity_demand(hand, pd.Series({"A": "2027Q3", "B": None}))
    assert cell(moved, "Dev", "2027Q3", "demand") == 2.0
    assert cell(moved, "QA", "2027Q4", "demand") == 1.0
    assert moved["demand"].sum() == 4.0  # B (no start) is not placed


def test_matches_utilisation_and_plan(small_portfolio: pa.Portfolio) -> None:
    frame = pa.capacity_demand(small_portfolio)
    use = pa.utilisation(small_portfolio, pa.earliest_starts(small_portfolio))
    roles = use[use["resource"] != "budget"].reset_index(drop=True)
    np.testing.assert_allclose(frame["demand"], roles["used"])
    np.testing.assert_allclose(frame["capacity"], roles["available"])
    assert (frame["shortfall"] == (frame["demand"] - frame["capacity"]).clip(lower=0)).all()
    plan = pa.optimise(small_portfolio, shadow_prices=False)
    assert pa.check_plan(plan).empty
    of_plan = pa.capacity_demand(small_portfolio, plan)
    roles = plan.utilisation[plan.utilisation["resource"] != "budget"].reset_index(drop=True)
    np.testing.assert_allclose(of_plan["demand"], roles["used"])
    assert (of_plan["shortfall"] == 0).all()  # a valid plan is never short of people


def test_bad_selections_are_named(hand: pa.Portfolio) -> None:
    with pytest.raises(ValueError, match="unknown project ids: Z"):
        pa.capacity_demand(hand, ["A", "Z"])
    with pytest.raises(ValueError, match="completed or cancelled cannot be placed: D"):
        pa.capacity_demand(hand, ["D"])
    with pytest.raises(ValueError, match="unknown project ids in the starts: Y"):
        pa.capacity_demand(hand, pd.Series({"Y": "2027Q1"}))
    with pytest.raises(ValueError, match="starts must be periods"):
        pa.capacity_demand(hand, pd.Series({"A": "soon"}))


# --------------------------------------------------------------------------- bottlenecks
def test_bottlenecks_rank_by_shortfall_then_utilisation(hand: pa.Portfolio) -> None:
    ranked = pa.bottlenecks(pa.capacity_demand(hand), top=None)
    assert list(ranked.columns) == BOTTLENECK_COLUMNS
    assert ranked["role"].tolist() == ["Dev", "QA"]  # 3 FTE-quarters short against 0.5
    dev = ranked.iloc[0]
    assert (dev["total_shortfall"], dev["peak_shortfall"], dev["periods_short"]) == (3.0, 3.0, 1)
    assert dev["binding_periods"] == "2027Q1"
    assert dev["mean_utilisation"] == pytest.approx(7.0 / 12.0)
    assert ranked.iloc[1]["binding_periods"] == "2027Q2"
    # no shortfall anywhere: the fuller role first, periods at 100 % count as binding
    frame = pd.DataFrame(
        {
            "role": ["X", "X", "Y", "Y"],
            "period": pd.PeriodIndex(["2027Q1", "2027Q2"] * 2, freq="Q"),
            "demand": [1.0, 2.0, 1.0, 1.5],
            "capacity": [2.0, 2.0, 2.0, 2.0],
        }
    )
    frame["utilisation"] = frame["demand"] / frame["capacity"]
    frame["shortfall"] = 0.0
    ranked = pa.bottlenecks(frame, top=1)
    assert ranked["role"].tolist() == ["X"]
    assert ranked.iloc[0]["binding_periods"] == "2027Q2"
    with pytest.raises(ValueError, match="top=0 must be a positive number"):
        pa.bottlenecks(frame, top=0)
    with pytest.raises(ValueError, match="lacks the column.*shortfall"):
        pa.bottlenecks(frame.drop(columns="shortfall"))


# --------------------------------------------------------------------------- add_capacity
def test_add_capacity(hand: pa.Portfolio) -> None:
    extra = pd.DataFrame(
        {
            "role": ["Dev", "Dev", "QA"],
            "period": ["2027Q1", "2027Q1", Q("2027Q2")],
            "fte": [1, 0.5, 2],
        }
    )
    bigger = pa.add_capacity(hand, extra)
    cap = bigger.capacity_by_role_period()
    assert cap[("Dev", Q("2027Q1"))] == 4.5
    assert cap[("QA", Q("2027Q2"))] == 2.5
    assert cap.sum() == hand.capacity_by_role_period().sum() + 3.5
    assert hand.capacity_by_role_period()[("Dev", Q("2027Q1"))] == 3.0  # the input is untouched
    with pytest.raises(
        ValueError, match="unknown roles in the extra capacity: Ops; valid: Dev, QA"
    ):
        pa.add_capacity(hand, extra.assign(role="Ops"))
    with pytest.raises(ValueError, match="outside the horizon 2027Q1..2027Q4: 2029Q1"):
        pa.add_capacity(hand, extra.assign(period="2029Q1"))
    with pytest.raises(ValueError, match="below 0 FTE in QA 2027Q2"):
        pa.add_capacity(hand, pd.DataFrame({"role": ["QA"], "period": ["2027Q2"], "fte": [-1.0]}))
