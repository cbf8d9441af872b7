"""A portfolio by hand for the capacity, hiring and value-of-capacity tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

import pmo_analytics as pa

Q = pd.Period


def hand_portfolio() -> pa.Portfolio:
    """Four quarters, roles Dev and QA.

    A: 2 quarters, window Q1..Q3, Dev 2 then 1, QA 0 then 1. B: 1 quarter, window Q1..Q2, Dev 3.
    C: in flight since 2026Q4, 2 quarters, Dev 1 at offset 1 (= 2027Q1). D: completed.
    Capacity Dev 3 every quarter; QA 1, but 0.5 in Q2. Budget 100 per quarter; each project
    costs 10 per quarter of work.
    """
    horizon = tuple(pd.period_range("2027Q1", periods=4, freq="Q"))
    ids = ["A", "B", "C", "D"]
    projects = pd.DataFrame(
        {
            "name": ["Alpha", "Beta", "Gamma", "Delta"],
            "category": ["Grow", "Run", "Run", "Run"],
            "business_unit": "IT",
            "sponsor": "CIO",
            "status": ["proposed", "proposed", "in_flight", "completed"],
            "earliest_start": pd.PeriodIndex([Q("2027Q1"), Q("2027Q1"), pd.NaT, pd.NaT], freq="Q"),
            "latest_start": pd.PeriodIndex([Q("2027Q3"), Q("2027Q2"), pd.NaT, pd.NaT], freq="Q"),
            "start": pd.PeriodIndex([pd.NaT, pd.NaT, Q("2026Q4"), Q("2026Q1")], freq="Q"),
            "duration": np.array([2, 1, 2, 1], dtype=np.int64),
            "mandatory": False,
            "value": [10.0, 8.0, 5.0, 1.0],
            "risk": 0.1,
        },
        index=pd.Index(ids, name="project_id"),
    )
    cashflows = pd.DataFrame(
        [("A", 0, 10.0, 0.0), ("A", 1, 10.0, 0.0), ("B", 0, 10.0, 0.0), ("C", 0, 10.0, 0.0),
         ("C", 1, 10.0, 0.0), ("D", 0, 10.0, 0.0)],
        columns=["project_id", "offset", "cost", "benefit"],
    )  # fmt: skip
    demand = pd.DataFrame(
        [("A", "Dev", 0, 2.0), ("A", "Dev", 1, 1.0), ("A", "QA", 1, 1.0), ("B", "Dev", 0, 3.0),
         ("C", "Dev", 1, 1.0), ("D", "Dev", 0, 9.0)],
        columns=["project_id", "role", "offset", "fte"],
    )  # fmt: skip
    periods = pd.PeriodIndex(horizon * 2, freq="Q")
    capacity = pd.DataFrame(
        {"role": ["Dev"] * 4 + ["QA"] * 4, "period": periods, "fte": [3.0] * 4 + [1, 0.5, 1, 1]}
    )
    budget = pd.DataFrame({"period": pd.PeriodIndex(horizon, freq="Q"), "amount": 100.0})
    return pa.make_portfolio(
        {
            "projects": projects,
            "cashflows": cashflows,
            "demand": demand,
            "capacity": capacity,
            "budget": budget,
        },
        horizon=horizon,
    )


def cell(frame: pd.DataFrame, role: str, period: str, column: str) -> float:
    row = frame[(frame["role"] == role) & (frame["period"] == Q(period, freq="Q"))]
    assert len(row) == 1, f"no single row for {role} {period}"
    return float(row[column].iloc[0])
