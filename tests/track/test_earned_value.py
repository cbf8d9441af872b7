"""Earned value and earned schedule of each project: published examples, conventions, properties.

Published worked examples are cited where they are used; every expected number there is
written from the source (or worked by hand, and said so), never computed by the code under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ev_helpers import FREQ, build, fence_portfolio
from hypothesis import given, settings
from hypothesis import strategies as st

import pmo_analytics as pa


def test_fence_example_matches_mulcahy_pmp_exam_prep():
    # Rita Mulcahy, "PMP Exam Prep", earned value exercise "build a new fence" (p. 210 of the
    # edition reproduced in the "Earned Value Exercise" handout): PV 3,000; EV 2,500;
    # AC 2,800; BAC 4,000; CV -300; CPI .893; SV -500; SPI .833; EAC 4,479; ETC 1,679;
    # VAC -479. The source divides by the rounded CPI .893 (4,000 / .893 = 4,479); the exact
    # EAC is 4,480, so the EAC figures are compared to within 1.5.
    row = pa.earned_value(fence_portfolio()).loc["FENCE"]
    assert row["pv"] == 3000
    assert row["ev"] == 2500
    assert row["ac"] == 2800
    assert row["bac"] == 4000
    assert row["cv"] == -300
    assert row["sv"] == -500
    assert row["cpi"] == pytest.approx(0.893, abs=5e-4)
    assert row["spi"] == pytest.approx(0.833, abs=5e-4)
    assert row["eac"] == pytest.approx(4479, abs=1.5)
    assert row["etc"] == pytest.approx(1679, abs=1.5)
    assert row["vac"] == pytest.approx(-479, abs=1.5)


def test_a_skipped_status_report_does_not_look_ahead_of_schedule_pmi_reading():
    # PMI, "Practice Standard for Earned Value Management", 2nd ed. (2011), ch. 2-3: planned
    # value is the authorized budget assigned to the work scheduled up to the status date,
    # and SPI = EV / PV. Plan: 100 a month for four months. The team reports month 1 (EV 80)
    # and month 3 (EV 140, which includes month 2's work) but skips month 2's report. At the
    # end of month 3 PMI's reading is PV = 100 + 100 + 100 = 300, EV = 220, SPI = 220 / 300
    # = 0.733: behind schedule. Counting only the months that have a report gave PV = 200 and
    # SPI = 1.10, ahead of schedule. Earned schedule by hand (Lipke 2003): cumulative PV 100 /
    # 200 / 300, ES = 2 + (220 - 200) / (300 - 200) = 2.2 months at AT = 3: SPI(t) = 0.733.
    reports = [("2027-01", 100, 80, 90), ("2027-03", 100, 140, 150)]
    spec = {"start": "2027-01", "cost": [100, 100, 100, 100], "actuals": reports}
    row = pa.earned_value(build({"LATE": spec})).loc["LATE"]
    assert row["period"] == pd.Period("2027-03", FREQ) and row["at"] == 3
    assert (row["pv"], row["ev"], row["ac"]) == (300, 220, 240)
    assert row["spi"] == pytest.approx(220 / 300) and round(row["spi"], 2) == 0.73
    assert row["sv"] == -80
    assert row["es"] == pytest.approx(2.2) and row["spi_t"] == pytest.approx(2.2 / 3)
    history = pa.earned_value_history(build({"LATE": spec})).set_index("period")
    assert history["pv"].tolist() == [100, 200, 300]  # month 2 planned, reported or not
    # whatever rows actuals.csv has: an empty report for month 2 changes nothing
    spec["actuals"] = [reports[0], ("2027-02", 100, 0, 0), reports[1]]
    same = pa.earned_value(build({"LATE": spec})).loc["LATE"]
    assert (same["pv"], same["ev"], same["spi"]) == (row["pv"], row["ev"], row["spi"])


def test_fence_example_other_forecasts_worked_by_hand():
    # The same status, the PMI Practice Standard's other formulas, worked by hand:
    # EAC at the budgeted rate = AC + (BAC - EV) = 2,800 + 1,500 = 4,300.
    # EAC with CPI x SPI = 2,800 + 1,500 / ((2,500/2,800) x (2,500/3,000)) = 2,800 + 2,016 = 4,816.
    # TCPI to BAC = (4,000 - 2,500) / (4,000 - 2,800) = 1.25.
    # Earned schedule: cumulative PV 1,000 / 2,000 / 3,000 / 4,000; EV 2,500 covers two whole
    # days and half of day 3: ES = 2 + (2,500 - 2,000) / (3,000 - 2,000) = 2.5 days at AT = 3:
    # SPI(t) = 0.8333, SV(t) = -0.5; forecast duration PD / SPI(t) = 4 / 0.8333 = 4.8 days, so
    # the forecast finish is the 5th period (2027-05) against the planned 4th (2027-04).
    p = fence_portfolio()
    row = pa.earned_value(p, eac_method="budget_rate").loc["FENCE"]
    assert row["eac"] == pytest.approx(4300)
    assert row["eac_cpi_spi"] == pytest.approx(4816)
    assert row["tcpi"] == pytest.approx(1.25)
    assert row["es"] == pytest.approx(2.5)
    assert row["at"] == 3
    assert row["spi_t"] == pytest.approx(2.5 / 3)
    assert row["sv_t"] == pytest.approx(-0.5)
    assert row["planned_duration"] == 4
    assert row["forecast_duration"] == pytest.approx(4.8)
    assert row["planned_finish"] == pd.Period("2027-04", FREQ)
    assert row["forecast_finish"] == pd.Period("2027-05", FREQ)
    assert pa.earned_value(p, eac_method="cpi_spi").loc["FENCE", "eac"] == pytest.approx(4816)


def test_earned_schedule_concept_figure_lipke():
    # Lipke, "Schedule is Different" (The Measurable News, March 2003), and the "Earned
    # Schedule Concept" figure (earnedschedule.com): status at the end of July, so AT = 7;
    # all PV through May has been earned and part of June, so
    # ES = 5 + (EV - PV(May)) / (PV(June) - PV(May)). The figure gives no amounts; with 100
    # planned each month Jan..Nov and cumulative EV 540 at the end of July, by hand:
    # ES = 5 + (540 - 500) / (600 - 500) = 5.4, SV(t) = 5.4 - 7 = -1.6, SPI(t) = 5.4 / 7.
    earned = [90, 80, 80, 80, 70, 70, 70]  # sums to 540
    p = build(
        {
            "LIPKE": {
                "start": "2027-01",
                "cost": [100] * 11,
                "actuals": [
                    (f"2027-{m:02d}", 100, ev, 100)
                    for m, ev in zip(range(1, 8), earned, strict=True)
                ],
            }
        }
    )
    row = pa.earned_value(p).loc["LIPKE"]
    assert row["at"] == 7
    assert row["ev"] == 540
    assert row["es"] == pytest.approx(5.4)
    assert row["sv_t"] == pytest.approx(-1.6)
    assert row["spi_t"] == pytest.approx(5.4 / 7)


def test_earned_schedule_whole_period_example():
    # HKSM "Earned Schedule (ES)" definition example: at week 20 (AT = 20) the earned value
    # equals the planned value scheduled for week 18, so ES = 18, SV(t) = -2 and
    # SPI(t) = 0.90. Weeks are modelled as monthly periods (10 planned each).
    p = build(
        {
            "WEEKS": {
                "start": "2027-01",
                "cost": [10] * 24,
                "actuals": [(str(pd.Period("2027-01", FREQ) + k), 10, 9, 9) for k in range(20)],
            }
        },
        horizon=("2027-01", "2029-12"),
    )
    row = pa.earned_value(p).loc["WEEKS"]
    assert (row["at"], row["ev"]) == (20, 180)
    assert row["es"] == pytest.approx(18)
    assert row["sv_t"] == pytest.approx(-2)
    assert row["spi_t"] == pytest.approx(0.90)


# --------------------------------------------------------------------------- conventions
def test_baseline_continues_from_cashflows_so_es_can_exceed_actual_time():
    # two periods reported, the work of three done: ES = 3 > AT = 2 (cashflow PV after the
    # last actual supplies the baseline beyond it)
    p = build(
        {
            "AHEAD": {
                "start": "2027-01",
                "cost": [100] * 5,
                "actuals": [("2027-01", 100, 150, 120), ("2027-02", 100, 150, 120)],
            }
        }
    )
    row = pa.earned_value(p).loc["AHEAD"]
    assert row["es"] == pytest.approx(3.0)
    assert row["spi_t"] == pytest.approx(1.5)
    assert row["forecast_finish"] == pd.Period("2027-04", FREQ)  # ceil(5 / 1.5) = 4 periods


def test_missing_reports_count_as_nothing_done_and_plan_keeps_running():
    p = build(
        {
            "LATE": {
                "start": "2027-01",
                "cost": [100] * 4,
                "actuals": [("2027-01", 100, 100, 100)],
            },
            "OTHER": {
                "start": "2027-01",
                "cost": [100] * 4,
                "actuals": [("2027-03", 100, 100, 100)],
            },
        }
    )
    row = pa.earned_value(p).loc["LATE"]  # status 2027-03 (latest in the actuals)
    assert row["at"] == 3
    assert row["pv"] == 300  # 2027-02 and 2027-03 planned from the cashflows
    assert (row["ev"], row["ac"]) == (100, 100)
    assert row["es"] == pytest.approx(1.0)


def test_as_of_ignores_later_actuals_and_validates_label():
    p = fence_portfolio()
    row = pa.earned_value(p, as_of="2027-02").loc["FENCE"]
    assert (row["at"], row["pv"], row["ev"], row["ac"]) == (2, 2000, 2000, 2200)
    assert pa.earned_value(p, as_of=pd.Period("2027-02", FREQ)).loc["FENCE", "ac"] == 2200
    with pytest.raises(ValueError, match="not a period label"):
        pa.earned_value(p, as_of="day three")
    with pytest.raises(ValueError, match="frequency"):
        pa.earned_value(p, as_of="2027Q1")
    with pytest.raises(ValueError, match="eac_method 'guess' is not known; valid: cpi"):
        pa.earned_value(p, eac_method="guess")
    assert pa.earned_value(p, as_of="2026-12").empty  # nothing reported yet


def test_closed_project_clock_stops_at_its_last_report():
    p = build(
        {
            "DONE": {
                "start": "2027-01",
                "cost": [100, 100],
                "status": "completed",
                "actuals": [("2027-01", 100, 100, 90), ("2027-02", 100, 100, 90)],
            },
            "RUN": {"start": "2027-01", "cost": [100] * 6, "actuals": [("2027-05", 100, 100, 100)]},
        }
    )
    row = pa.earned_value(p).loc["DONE"]
    assert row["period"] == pd.Period("2027-02", FREQ)
    assert (row["at"], row["es"], row["spi_t"]) == (2, 2.0, 1.0)
    assert row["eac"] == pytest.approx(180)  # finished: EAC = AC


def test_division_by_zero_gives_nan_never_inf():
    p = build(
        {
            # nothing planned in the status period (the baseline is the cost plan)
            "IDLE": {"start": "2027-01", "cost": [0, 100], "actuals": [("2027-01", 0, 0, 0)]},
            "FREE": {"start": "2027-01", "cost": [0, 0], "actuals": [("2027-01", 0, 10, 0)]},
        }
    )
    ev = pa.earned_value(p)
    numbers = ev.select_dtypes("number")
    assert not np.isinf(numbers.to_numpy()).any()
    assert np.isnan(ev.loc["IDLE", "cpi"]) and np.isnan(ev.loc["IDLE", "spi"])
    assert np.isnan(ev.loc["FREE", "es"])  # no planned value at all: no earned schedule
    assert np.isnan(ev.loc["FREE", "tcpi"])


def test_no_actuals_gives_empty_frames():
    p = build({"NEW": {"start": "2027-01", "cost": [100]}})
    assert pa.earned_value(p).empty
    assert pa.earned_value_history(p).empty
    assert pa.portfolio_roll_up(p).empty
    assert pa.earned_value_curves(p).empty
    assert list(pa.portfolio_trend(p).columns[:3]) == ["portfolio", "n_projects", "start"]
    assert pa.rag_status(pa.earned_value(p)).empty
    assert pa.needs_attention(pa.earned_value(p)).empty
    assert pa.continue_or_stop(p).loc["NEW", "etc"] == 100


def test_history_ends_with_the_status_row():
    p = pa.generate_portfolio(80, n_periods=8, seed=5, in_flight_share=0.3)
    history = pa.earned_value_history(p)
    last = history.groupby("project_id").tail(1).set_index("project_id")
    ev = pa.earned_value(p)
    pd.testing.assert_frame_equal(last, ev.drop(columns=["name", "status"]))
    assert (history.groupby("project_id")["at"].diff().dropna() == 1).all()


def _reference_es(pv_per_period: np.ndarray, ev_cum: float) -> float:
    """Lipke's ES by a plain loop, for comparison with the vectorised search."""
    cum = np.concatenate([[0.0], np.cumsum(pv_per_period)])
    last = int(np.flatnonzero(pv_per_period > 0).max()) + 1
    whole = 0
    for c in range(1, last + 1):
        if cum[c] <= ev_cum:
            whole = c
    if whole >= last:
        return float(last)
    return whole + (ev_cum - cum[whole]) / (cum[whole + 1] - cum[whole])


def test_vectorised_earned_schedule_matches_a_plain_loop():
    p = pa.generate_portfolio(300, n_periods=8, seed=11, in_flight_share=0.4)
    history = pa.earned_value_history(p)
    actuals = p.actuals
    starts = p.projects["start"]
    cash = p.cashflows
    for pid, group in history.groupby("project_id"):
        assert starts[pid] == group["start"].iloc[0]  # the baseline counts from the start
        assert not actuals[actuals["project_id"] == pid].empty
        plan = cash[cash["project_id"] == pid].set_index("offset")["cost"]
        length = max(int(plan.index.max()) + 1, len(group))
        baseline = np.array([plan.get(k, 0.0) for k in range(length)])  # the cost plan
        for _, row in group.iterrows():
            assert row["es"] == pytest.approx(_reference_es(baseline, row["ev"]), abs=1e-9)


# --------------------------------------------------------------------------- properties
amounts = st.floats(min_value=1.0, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=20, deadline=None)
@given(
    planned=st.lists(amounts, min_size=2, max_size=10),
    ratio=st.lists(st.floats(min_value=0.0, max_value=1.5), min_size=10, max_size=10),
    reported=st.integers(min_value=1, max_value=10),
)
def test_cpi_is_one_when_earned_value_equals_actual_cost(planned, ratio, reported):
    n = min(reported, len(planned))
    acts = [
        (
            str(pd.Period("2027-01", FREQ) + k),
            planned[k],
            planned[k] * ratio[k],
            planned[k] * ratio[k],
        )
        for k in range(n)
    ]
    p = build({"X": {"start": "2027-01", "cost": planned, "actuals": acts}})
    history = pa.earned_value_history(p)
    spent = history["ac"] > 0
    assert np.allclose(history.loc[spent, "cpi"], 1.0)
    assert (history["cv"] == 0).all()
    assert history.loc[~spent, "cpi"].isna().all()


@settings(max_examples=20, deadline=None)
@given(
    planned=st.lists(amounts, min_size=1, max_size=12),
    reported=st.integers(min_value=1, max_value=12),
)
def test_earned_schedule_equals_actual_time_when_ev_follows_pv(planned, reported):
    # PV positive in every period (a period with no planned work lets ES jump to its end,
    # by Lipke's rule "C = periods whose cumulative PV <= EV")
    n = min(reported, len(planned))
    acts = [
        (str(pd.Period("2027-01", FREQ) + k), planned[k], planned[k], planned[k] * 1.1)
        for k in range(n)
    ]
    p = build({"X": {"start": "2027-01", "cost": planned, "actuals": acts}})
    history = pa.earned_value_history(p)
    assert np.allclose(history["es"], history["at"], rtol=1e-9, atol=1e-9)
    assert np.allclose(history["spi_t"], 1.0)
    assert np.allclose(history["sv_t"], 0.0, atol=1e-9)
    row = history.iloc[-1]
    assert row["forecast_finish"] == row["planned_finish"]


def test_the_function_survives_importing_its_module():
    # the module and the function share a name: importing the module must not rebind
    # pa.earned_value to the module
    import importlib

    module = importlib.import_module("pmo_analytics.track.earned_value")
    assert callable(pa.earned_value) and pa.earned_value is module.earned_value
    assert pa.earned_value(fence_portfolio()).loc["FENCE", "ev"] == 2500


def test_sample_portfolio_in_flight_projects(sample_portfolio):
    ev = pa.earned_value(sample_portfolio)
    in_flight = sample_portfolio.projects.index[sample_portfolio.projects["status"] == "in_flight"]
    reported = set(sample_portfolio.actuals["project_id"])
    assert set(ev.index) == reported and reported <= set(in_flight)
    assert not np.isinf(ev.select_dtypes("number").to_numpy()).any()
    assert (ev["bac"] == sample_portfolio.total_cost().reindex(ev.index)).all()
    attention = pa.needs_attention(ev)
    assert set(attention["rag"]) <= {"amber", "red"}
    assert attention["reason"].str.len().gt(0).all()
    assert set(pa.continue_or_stop(sample_portfolio).index) == set(in_flight)


def test_status_period_without_actuals_gives_empty_frames():
    p = build({"NEW": {"start": "2027-01", "cost": [100]}})
    assert pa.earned_value(p, as_of="2027-01").empty
    assert pa.portfolio_roll_up(p, as_of="2027-01", by="category").empty
