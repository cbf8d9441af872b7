"""Portfolio health from earned value: RAG status, needs attention, continue-or-stop.

Published worked examples are cited where they are used; every expected number there is
written from the source (or worked by hand, and said so), never computed by the code under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ev_helpers import build

import pmo_analytics as pa


def test_rag_thresholds_validate():
    with pytest.raises(
        ValueError, match=r"cpi_red \(0.97\) must be positive and at most cpi_amber"
    ):
        pa.RagThresholds(cpi_red=0.97)
    with pytest.raises(ValueError, match="schedule_index 'sv' is not known; valid: spi_t, spi"):
        pa.RagThresholds(schedule_index="sv")
    with pytest.raises(AttributeError):
        pa.RagThresholds().cpi_red = 0.5  # frozen


def _frame(**columns) -> pd.DataFrame:
    base = {"ev": 50.0, "ac": 50.0, "bac": 100.0, "tcpi": 1.0, "spi_t": 1.0, "spi": 1.0, "cpi": 1.0}
    n = max(len(v) for v in columns.values())
    data = {k: columns.get(k, [v] * n) for k, v in base.items()}
    return pd.DataFrame(data, index=pd.Index([f"P{i}" for i in range(n)], name="project_id"))


def test_rag_status_levels_and_boundaries():
    frame = _frame(
        cpi=[1.0, 0.95, 0.949, 0.899, np.nan, 1.0, 1.0],
        spi_t=[1.0, 1.0, 1.0, 1.0, 1.0, 0.92, 0.85],
    )
    rag = pa.rag_status(frame)
    assert rag["cost_rag"].tolist() == [
        "green",
        "green",
        "amber",
        "red",
        "unknown",
        "green",
        "green",
    ]
    assert rag["schedule_rag"].tolist()[-2:] == ["amber", "red"]
    assert rag["rag"].tolist() == ["green", "green", "amber", "red", "unknown", "amber", "red"]
    by_spi = pa.rag_status(
        _frame(spi=[0.5], spi_t=[1.0]), thresholds=pa.RagThresholds(schedule_index="spi")
    )
    assert by_spi["schedule_rag"].iloc[0] == "red"
    # TCPI above its threshold, and a spent budget with work left, raise cost
    assert pa.rag_status(_frame(tcpi=[1.2]))["cost_rag"].iloc[0] == "amber"
    assert pa.rag_status(_frame(ac=[100.0], ev=[60.0]))["cost_rag"].iloc[0] == "red"


def test_needs_attention_says_why_worst_first():
    p = build(
        {
            "FINE": {
                "start": "2027-01",
                "cost": [100] * 4,
                "actuals": [("2027-01", 100, 100, 100)],
            },
            "COSTLY": {
                "start": "2027-01",
                "cost": [100] * 4,
                "actuals": [("2027-01", 100, 100, 125)],
            },
            "SLOW": {"start": "2027-01", "cost": [100] * 4, "actuals": [("2027-01", 100, 93, 93)]},
            "CLOSED": {
                "start": "2027-01",
                "cost": [100],
                "status": "completed",
                "actuals": [("2027-01", 100, 50, 200)],
            },
        }
    )
    ev = pa.earned_value(p)
    attention = pa.needs_attention(ev)
    assert attention.index.tolist() == ["COSTLY", "SLOW"]
    assert attention["rag"].tolist() == ["red", "amber"]
    costly = attention.loc["COSTLY", "reason"]
    assert "over budget: CPI 0.80" in costly and "an overrun of 100 (25% of budget)" in costly
    assert "remaining work must be done at TCPI 1.00" not in costly
    slow = attention.loc["SLOW", "reason"]
    assert slow == (
        "behind schedule: SPI(t) 0.93 (0.1 months behind plan), "
        "forecast finish 2027-05 instead of 2027-04"
    )
    assert len(costly.split("; ")) == 1  # one finding: the TCPI (1.09) is under its threshold
    everyone = pa.needs_attention(ev, include_closed=True)
    assert "CLOSED" in everyone.index
    assert "the budget is already spent" in everyone.loc["CLOSED", "reason"]
    strict = pa.needs_attention(ev, thresholds=pa.RagThresholds(spi_amber=0.9, spi_red=0.9))
    assert strict.index.tolist() == ["COSTLY"]


def test_continue_or_stop_ignores_sunk_cost_and_counts_remaining_value():
    p = build(
        {
            # benefits: half of them after the status period
            "HALF": {
                "start": "2027-01",
                "cost": [100, 100, 100, 0],
                "benefit": [0, 0, 50, 50],
                "value": 40,
                "actuals": [
                    ("2027-01", 100, 100, 125),
                    ("2027-02", 100, 100, 125),
                    ("2027-03", 100, 100, 125),
                ],
            },
            # no benefits: all of its value arrives at the finish
            "ATEND": {
                "start": "2027-02",
                "cost": [100, 100, 100],
                "value": 30,
                "actuals": [("2027-02", 100, 0, 20)],
            },
            # in flight, nothing reported: ETC from the budget
            "QUIET": {"start": "2027-03", "cost": [100, 100], "value": 20},
            "DONE": {
                "start": "2027-01",
                "cost": [100],
                "status": "completed",
                "actuals": [("2027-01", 100, 100, 100)],
            },
        }
    )
    cs = pa.continue_or_stop(p, as_of="2027-03")
    assert sorted(cs.index) == ["ATEND", "HALF", "QUIET"]
    half = cs.loc["HALF"]
    # CPI 0.8: EAC = 300 / 0.8 = 375, ETC = 375 - 375 = 0; plan has nothing after 2027-03
    assert half["sunk_cost"] == 375
    assert half["etc"] == pytest.approx(0.0)
    assert half["remaining_planned_cost"] == 0
    assert half["remaining_value_share"] == pytest.approx(0.5)
    assert half["remaining_value"] == pytest.approx(20.0)
    atend = cs.loc["ATEND"]
    # nothing earned yet: EAC by CPI cannot be computed, ETC falls back to BAC - EV = 300
    assert (atend["etc"], atend["etc_basis"]) == (300, "budget_rate")
    assert atend["remaining_planned_cost"] == 100  # offset 2 = 2027-04
    assert atend["remaining_value"] == 30
    quiet = cs.loc["QUIET"]
    assert (quiet["sunk_cost"], quiet["etc"], quiet["remaining_value"]) == (0, 200, 20)
    assert quiet["value_per_etc"] == pytest.approx(0.1)
