"""Project financials: NPV, IRR, paybacks, ROI, BCR and profitability index.

Published figures are written here as published (not computed with the code under test).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pmo_analytics as pa
from pmo_analytics.scoring.financials import (
    FINANCIAL_COLUMNS,
    NO_CASH_FLOWS,
    NO_SIGN_CHANGE,
    cashflow_financials,
    cashflow_matrices,
    internal_rates,
)


def flows(*series: list[float]) -> pd.DataFrame:
    """Net flows per project (offset 0 first) as a cashflows table: cost = −net where < 0."""
    rows = []
    for p, values in enumerate(series):
        for k, v in enumerate(values):
            rows.append((f"P{p}", k, max(-v, 0.0), max(v, 0.0)))
    return pd.DataFrame(rows, columns=["project_id", "offset", "cost", "benefit"])


# ------------------------------------------------------------------- published examples
def test_numpy_financial_npv_examples():
    # numpy-financial `npv` documentation: npv(0.08, [-40_000, 5_000, 8_000, 12_000, 30_000])
    # = 3065.22267 ("a potential project with an initial investment of $40 000 ...")
    fin = cashflow_financials(flows([-40_000, 5_000, 8_000, 12_000, 30_000]), period_rate=0.08)
    assert fin.loc["P0", "npv"] == pytest.approx(3065.22267, abs=1e-5)
    # numpy (≤ 1.17) `np.npv` documentation: np.npv(0.281, [-100, 39, 59, 55, 20])
    # = -0.0084785916384548798 (compare the irr example: 0.281 is close to the IRR)
    fin = cashflow_financials(flows([-100, 39, 59, 55, 20]), period_rate=0.281)
    assert fin.loc["P0", "npv"] == pytest.approx(-0.0084785916384548798, abs=1e-12)


def test_numpy_financial_irr_examples():
    # numpy-financial `irr` documentation (Gitman, Principles of Managerial Finance, p. 348):
    # round(irr([-100, 39, 59, 55, 20]), 5) = 0.28095; irr([-100, 0, 0, 74]) = -0.0955;
    # irr([-100, 100, 0, 7]) = 0.06206
    rate, note = internal_rates(
        np.array([[-100, 39, 59, 55, 20], [-100, 0, 0, 74, 0], [-100, 100, 0, 7, 0]], dtype=float)
    )
    assert np.round(rate, 5).tolist() == [0.28095, -0.0955, 0.06206]
    assert note.tolist() == ["", "", ""]


def test_documented_irrs_with_several_roots_are_nan_with_the_reason():
    # numpy-financial documents irr([-100, 100, 0, -7]) = -0.0833 and
    # irr([-5, 10.5, 1, -8, 1]) = 0.0886: it picks one of several rates. We report no unique
    # IRR and list the rates, which include the documented ones.
    rate, note = internal_rates(
        np.array([[-100, 100, 0, -7, 0], [-5, 10.5, 1, -8, 1]], dtype=float)
    )
    assert np.isnan(rate).all()
    assert note[0].startswith("no unique IRR: NPV is zero at 2 rates")
    assert note[1].startswith("no unique IRR: NPV is zero at 3 rates")
    listed = [[float(v) / 100 for v in re.findall(r"(-?\d+\.\d+)%", n)] for n in note]
    assert -0.0833 in np.round(listed[0], 4)
    assert 0.0886 in np.round(listed[1], 4)


def test_textbook_payback_periods():
    # Ross, Westerfield & Jordan, Fundamentals of Corporate Finance, ch. 9 ("Net Present Value
    # and Other Investment Criteria"), problem "Calculating Payback": cash inflows of $765 a year
    # for eight years; payback 3.14 years for an initial cost of $2,400, 4.71 years for $3,600,
    # and never for $6,500.
    fin = cashflow_financials(
        flows([-2_400] + [765] * 8, [-3_600] + [765] * 8, [-6_500] + [765] * 8), period_rate=0.0
    )
    assert fin["payback"].iloc[:2].round(2).tolist() == [3.14, 4.71]
    assert np.isnan(fin["payback"].iloc[2])


def test_textbook_discounted_payback_periods():
    # Ross, Westerfield & Jordan, Fundamentals of Corporate Finance, ch. 9, problem "Calculating
    # Discounted Payback": inflows $2,800, $3,700, $5,100, $4,300 at 14 %; discounted payback
    # 1.96 years for an initial cost of $5,200, 2.03 for $5,400 and 3.65 for $10,400.
    inflows = [2_800, 3_700, 5_100, 4_300]
    fin = cashflow_financials(
        flows([-5_200, *inflows], [-5_400, *inflows], [-10_400, *inflows]), period_rate=0.14
    )
    assert fin["discounted_payback"].round(2).tolist() == [1.96, 2.03, 3.65]
    assert (fin["payback"] <= fin["discounted_payback"]).all()


# ------------------------------------------------------------------- properties
@st.composite
def conventional_flows(draw: st.DrawFn) -> list[float]:
    """An investment followed by returns: one sign change, so exactly one IRR."""
    invest = draw(st.lists(st.floats(100, 10_000), min_size=1, max_size=4))
    returns = draw(st.lists(st.floats(0, 8_000), min_size=1, max_size=20))
    returns[-1] = max(returns[-1], 1.0)
    return [-v for v in invest] + returns


@given(st.lists(conventional_flows(), min_size=1, max_size=6))
@settings(max_examples=60, deadline=None)
def test_irr_makes_npv_zero(series):
    width = max(len(s) for s in series)
    net = np.array([s + [0.0] * (width - len(s)) for s in series])
    rate, note = internal_rates(net)
    assert not np.isnan(rate).any(), note
    discount = (1.0 + rate[:, None]) ** -np.arange(width)[None, :]
    npv = (net * discount).sum(axis=1)
    scale = np.abs(net * discount).sum(axis=1)  # size of the discounted terms that cancel
    assert (np.abs(npv) <= 1e-8 * scale).all()


@given(conventional_flows(), st.floats(-0.5, 0.5))
@settings(max_examples=60, deadline=None)
def test_npv_bcr_and_profitability_index_agree_with_their_definitions(series, rate):
    fin = cashflow_financials(flows(series), period_rate=rate).iloc[0]
    net = np.array(series)
    discount = (1.0 + rate) ** -np.arange(len(net))
    assert fin["npv"] == pytest.approx((net * discount).sum(), rel=1e-9, abs=1e-6)
    assert fin["pv_benefit"] - fin["pv_cost"] == pytest.approx(fin["npv"], rel=1e-9, abs=1e-6)
    assert fin["bcr"] == pytest.approx(fin["pv_benefit"] / fin["pv_cost"])
    invested = -(net[net < 0] * discount[net < 0]).sum()
    assert fin["profitability_index"] == pytest.approx(1.0 + fin["npv"] / invested)
    assert fin["roi"] == pytest.approx(
        (fin["total_benefit"] - fin["total_cost"]) / fin["total_cost"]
    )
    # NPV > 0 exactly when the IRR exceeds the discount rate (one sign change)
    if abs(fin["npv"]) > 1e-6 * np.abs(net).sum():
        assert (fin["npv"] > 0) == (fin["irr"] > rate)


def test_paybacks_interpolate_within_the_period_of_recovery():
    fin = cashflow_financials(flows([-1_000, 300, 400, 500]), period_rate=0.05)
    assert fin.loc["P0", "payback"] == pytest.approx(2 + 300 / 500)
    d = np.array([-1_000, 300, 400, 500]) / 1.05 ** np.arange(4)
    assert fin.loc["P0", "discounted_payback"] == pytest.approx(2 + -(d[:3].sum()) / d[3])


def test_payback_edge_cases():
    fin = cashflow_financials(
        flows([100, 50], [0, -100, 40, 80], [-100, 200, -300, 50]), period_rate=0.0
    )
    assert fin.loc["P0", "payback"] == 0.0  # never in deficit
    assert fin.loc["P1", "payback"] == pytest.approx(2 + 60 / 80)  # deficit starts at offset 1
    # the first recovery counts, even if the cumulative flow falls below zero again later
    assert fin.loc["P2", "payback"] == pytest.approx(0.5)
    assert fin.loc["P0", "irr_note"] == NO_SIGN_CHANGE


def test_projects_without_flows_get_nan_and_a_reason():
    fin = cashflow_financials(flows([-100, 150]), period_rate=0.05, project_ids=["P0", "P9"])
    assert fin.loc["P9", "irr_note"] == NO_CASH_FLOWS
    assert np.isnan(
        fin.loc["P9", ["irr", "payback", "roi", "bcr", "profitability_index"]].astype(float)
    ).all()
    assert fin.loc["P9", "npv"] == 0.0
    assert fin.loc["P0", "irr"] == pytest.approx(0.5)


def test_matrix_sums_duplicate_offsets_and_keeps_project_order():
    table = pd.DataFrame(
        {
            "project_id": ["B", "A", "A"],
            "offset": [1, 0, 0],
            "cost": [5.0, 1.0, 2.0],
            "benefit": [0.0, 0.0, 7.0],
        }
    )
    ids, cost, benefit = cashflow_matrices(table, ["B", "A"])
    assert list(ids) == ["B", "A"]
    np.testing.assert_allclose(cost, [[0.0, 5.0], [3.0, 0.0]])
    np.testing.assert_allclose(benefit, [[0.0, 0.0], [7.0, 0.0]])


# ------------------------------------------------------------------- portfolios
@pytest.mark.parametrize(("first_period", "per_year"), [("2027Q1", 4), ("2027-01", 12)])
def test_project_financials_converts_the_annual_rate_to_the_period_rate(first_period, per_year):
    portfolio = pa.generate_portfolio(15, n_periods=12, seed=4, first_period=first_period)
    fin = pa.project_financials(portfolio, discount_rate=0.08)
    assert list(fin.columns) == FINANCIAL_COLUMNS
    assert fin.index.equals(portfolio.projects.index)
    period_rate = 1.08 ** (1 / per_year) - 1
    by_hand = cashflow_financials(portfolio.cashflows, period_rate=period_rate)
    pd.testing.assert_series_equal(fin["npv"], by_hand["npv"].reindex(fin.index), check_names=False)
    annual = (1 + fin["irr"]) ** per_year - 1
    pd.testing.assert_series_equal(fin["irr_annual"], annual, check_names=False)
    # the net flow at offset k is discounted by k periods
    one = portfolio.cashflows[portfolio.cashflows["project_id"] == fin.index[0]]
    net = (one["benefit"] - one["cost"]).to_numpy()
    assert fin["npv"].iloc[0] == pytest.approx(
        (net / (1 + period_rate) ** one["offset"].to_numpy()).sum()
    )


def test_vectorised_irr_matches_one_project_at_a_time():
    portfolio = pa.generate_portfolio(40, n_periods=12, seed=9)
    together = pa.project_financials(portfolio, discount_rate=0.1)
    for pid in together.index[:8]:
        alone = cashflow_financials(
            portfolio.cashflows[portfolio.cashflows["project_id"] == pid],
            period_rate=1.1**0.25 - 1,
            periods_per_year=4,
        )
        assert alone.loc[pid, "irr"] == pytest.approx(together.loc[pid, "irr"], rel=1e-9)


def test_invalid_rates_are_errors():
    portfolio = pa.generate_portfolio(3, n_periods=6, seed=1)
    with pytest.raises(
        ValueError, match="discount_rate=-1.5 is not valid; use an annual rate above -1"
    ):
        pa.project_financials(portfolio, discount_rate=-1.5)
    with pytest.raises(ValueError, match="period_rate=nan is not valid"):
        cashflow_financials(flows([-1, 2]), period_rate=float("nan"))


def test_sample_portfolio_financials(sample_portfolio):
    fin = pa.project_financials(sample_portfolio, discount_rate=0.08)
    assert len(fin) == len(sample_portfolio.projects)
    assert fin["total_cost"].sum() == pytest.approx(sample_portfolio.cashflows["cost"].sum())
    has_irr = fin["irr"].notna()
    assert (fin.loc[~has_irr, "irr_note"] != "").all()
