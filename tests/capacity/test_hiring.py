"""Hiring: the least extra FTE that lets a set of projects run, by hand, against brute force
over every start combination, and on the sample (the hires added make the set a valid plan)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from capacity_helpers import hand_portfolio
from optimise_helpers import random_portfolio

import pmo_analytics as pa
from pmo_analytics.capacity.hiring import HIRING_COLUMNS, HIRING_TOTAL_COLUMNS

Q = pd.Period


@pytest.fixture(scope="module")
def hand() -> pa.Portfolio:
    return hand_portfolio()


# --------------------------------------------------------------------------- hiring_needed
def test_fixed_starts_need_exactly_the_shortfall(hand: pa.Portfolio) -> None:
    hiring = pa.hiring_needed(hand, ["A", "B"], flexible_starts=False)
    assert list(hiring.hires.columns) == HIRING_COLUMNS
    # A and B at Q1 with C in flight: Dev Q1 6 of 3, QA Q2 1 of 0.5
    expected = {("Dev", "2027Q1"): 3.0, ("QA", "2027Q2"): 0.5}
    got = {
        (r.role, str(r.period)): r.extra_fte for r in hiring.hires.itertuples() if r.extra_fte > 0
    }
    assert got == expected
    assert hiring.total == 3.5 == hiring.bound
    assert hiring.status == "optimal"
    frame = pa.capacity_demand(hand, hiring.starts)
    np.testing.assert_array_equal(hiring.hires["extra_fte"], frame["shortfall"])
    pd.testing.assert_frame_equal(hiring.totals, pa.hiring_totals(hiring.hires))
    assert hiring.totals["extra_fte_periods"].tolist() == [3.0, 0.5, 3.5]
    assert "optimal: 3.50 extra FTE-periods" in hiring._repr_html_()
    # given starts are kept: A in Q3 needs only B's Q1 surplus of Dev
    later = pa.hiring_needed(hand, pd.Series({"A": "2027Q3", "B": "2027Q1"}), flexible_starts=False)
    assert later.total == 1.0
    # without the in-flight C (include_committed=False) B fits Dev alone
    alone = pa.hiring_needed(hand, ["B"], flexible_starts=False, include_committed=False)
    assert alone.total == 0.0
    assert list(alone.starts.index) == ["B"]
    nothing = pa.hiring_needed(hand, [], include_committed=False)
    assert nothing.total == 0.0 and nothing.hires["demand"].sum() == 0.0


def test_flexible_starts_move_work_out_of_the_crunch(hand: pa.Portfolio) -> None:
    hiring = pa.hiring_needed(hand, ["A", "B"])
    # B in Q2 (Dev 3 of 3) and A in Q3 (Dev 2, then 1 and QA 1 in Q4) need nobody
    assert hiring.total == 0.0
    assert hiring.status == "optimal"
    starts = hiring.starts
    assert set(starts.index) == {"A", "B", "C"}
    assert starts["C"] == Q("2026Q4")
    assert pa.capacity_demand(hand, starts)["shortfall"].sum() == 0.0


def test_hiring_totals() -> None:
    hires = pd.DataFrame(
        {
            "role": ["Dev", "Dev", "Dev", "QA", "QA"],
            "period": pd.PeriodIndex(["2027Q1", "2027Q2", "2027Q3", "2027Q1", "2027Q2"], freq="Q"),
            "extra_fte": [0.0, 2.0, 1.0, 0.5, 0.0],
        }
    )
    totals = pa.hiring_totals(hires)
    assert list(totals.columns) == HIRING_TOTAL_COLUMNS
    assert totals["role"].tolist() == ["Dev", "QA", "all roles"]
    assert totals["extra_fte_periods"].tolist() == [3.0, 0.5, 3.5]
    assert totals["peak_extra_fte"].tolist() == [2.0, 0.5, 2.0]
    assert totals["periods_short"].tolist() == [2, 1, 3]
    assert totals["first_short"].tolist() == ["2027Q2", "2027Q1", "2027Q1"]


def brute_force_hires(portfolio: pa.Portfolio, ids: list[str], *, respect_budget: bool) -> float:
    """Least Σ max(0, demand − capacity) over every start combination of ``ids`` (NaN if none
    fits the budget) — placing demand from the portfolio's own tables."""
    projects = portfolio.projects
    origin = portfolio.horizon[0].ordinal
    n_periods = len(portfolio.horizon)
    roles = portfolio.roles
    cap = portfolio.capacity_by_role_period().to_numpy().reshape(len(roles), n_periods)
    budget = portfolio.budget_by_period().to_numpy()
    windows = [
        range(projects.at[p, "first_start"].ordinal, projects.at[p, "last_start"].ordinal + 1)
        for p in ids
    ]
    best = math.inf
    for combo in itertools.product(*windows):
        need = np.zeros((len(roles), n_periods))
        cost = np.zeros(n_periods)
        for pid, start in zip(ids, combo, strict=True):
            for row in portfolio.demand[portfolio.demand["project_id"] == pid].itertuples():
                t = start - origin + row.offset
                if 0 <= t < n_periods:
                    need[roles.index(row.role), t] += row.fte
            for row in portfolio.cashflows[portfolio.cashflows["project_id"] == pid].itertuples():
                t = start - origin + row.offset
                if 0 <= t < n_periods:
                    cost[t] += row.cost
        if respect_budget and (cost > budget + 1e-9).any():
            continue
        best = min(best, float(np.clip(need - cap, 0, None).sum()))
    return best if math.isfinite(best) else math.nan


@pytest.mark.parametrize("seed", range(5))
def test_hiring_is_minimal_against_brute_force(seed: int) -> None:
    portfolio = random_portfolio(
        seed, n_projects=7, n_periods=5, n_roles=2, dependency_share=0.0, tightness=0.4
    )
    candidates = portfolio.candidates()
    committed = portfolio.projects.loc[candidates]
    committed = candidates[
        (committed["status"].eq("in_flight") | committed["mandatory"]).to_numpy()
    ]
    windows = portfolio.projects.loc[candidates]
    fits = candidates[(windows["first_start"] <= windows["last_start"]).to_numpy()]
    chosen = [p for p in fits if p not in committed][:4]
    ids = sorted(set(chosen) | set(committed))
    for respect_budget in (True, False):
        expected = brute_force_hires(portfolio, ids, respect_budget=respect_budget)
        if math.isnan(expected):
            with pytest.raises(ValueError, match="cannot all run within the budget"):
                pa.hiring_needed(portfolio, chosen, respect_budget=True)
            continue
        hiring = pa.hiring_needed(portfolio, chosen, respect_budget=respect_budget)
        assert hiring.status == "optimal"
        assert hiring.total == pytest.approx(expected, abs=1e-6)
        assert hiring.bound == pytest.approx(expected, abs=1e-6)
        assert set(hiring.starts.index) == set(ids)
        # never more than at the earliest starts (the fixed, closed-form answer)
        if not respect_budget:
            fixed = pa.hiring_needed(portfolio, chosen, flexible_starts=False, respect_budget=False)
            assert hiring.total <= fixed.total + 1e-9
            continue
        # (a) with the hiring added, forcing the set in (and the rest out) is a valid plan
        bigger = pa.add_capacity(portfolio, hiring.hires)
        others = tuple(candidates.difference(pd.Index(ids)))
        plan = pa.optimise(bigger, force_in=tuple(ids), force_out=others, shadow_prices=False)
        assert plan.is_solution(), plan
        assert pa.check_plan(plan).empty, pa.check_plan(plan)
        assert set(plan.selected) == set(ids)


def test_single_start_windows_make_flexible_equal_fixed(hand: pa.Portfolio) -> None:
    projects = hand.projects.drop(columns=["first_start", "last_start", "strategic_value"])
    projects.loc["A", ["earliest_start", "latest_start"]] = [Q("2027Q2"), Q("2027Q2")]
    projects.loc["B", ["earliest_start", "latest_start"]] = [Q("2027Q1"), Q("2027Q1")]
    pinned = hand.replace(projects=projects)
    flexible = pa.hiring_needed(pinned, ["A", "B"])
    fixed = pa.hiring_needed(pinned, ["A", "B"], flexible_starts=False)
    pd.testing.assert_frame_equal(flexible.hires, fixed.hires)
    pd.testing.assert_series_equal(flexible.starts, fixed.starts)
    assert flexible.status == fixed.status == "optimal"
    # Dev Q1: B 3 + C 1 = 4 of 3; Dev Q2 A 2 of 3; QA Q3 A 1 of 1
    assert flexible.total == 1.0


def test_hiring_names_what_no_hire_can_fix(hand: pa.Portfolio) -> None:
    deps = pd.DataFrame(
        {"project_id": ["A", "B"], "other_id": ["B", "C"], "kind": ["requires", "excludes"]}
    )
    linked = hand.replace(dependencies=deps)
    with pytest.raises(ValueError, match="A requires B, which is not in the set"):
        pa.hiring_needed(linked, ["A"])
    with pytest.raises(ValueError, match="B excludes C; both are in the set"):
        pa.hiring_needed(linked, ["B"])
    poor = hand.replace(budget=hand.budget.assign(amount=15.0))
    # A and B and C all in Q1 cost 30 > 15: no start plan fits the budget
    with pytest.raises(ValueError, match="overrun the budget in 2027Q1 by 15"):
        pa.hiring_needed(poor, ["A", "B"], flexible_starts=False)
    with pytest.raises(ValueError, match="cannot all run within the budget"):
        pa.hiring_needed(poor.replace(budget=poor.budget.assign(amount=5.0)), ["A", "B"])
    relaxed = pa.hiring_needed(poor, ["A", "B"], flexible_starts=False, respect_budget=False)
    assert relaxed.total == 3.5
    with pytest.raises(ValueError, match="unknown project ids: Q"):
        pa.hiring_needed(hand, ["Q"])


def test_hiring_on_the_sample(sample_portfolio: pa.Portfolio) -> None:
    wanted = ["P065", "P047", "P036", "P046", "P027"]
    hiring = pa.hiring_needed(sample_portfolio, wanted, time_limit=30)
    assert hiring.status == "optimal"
    fixed = pa.hiring_needed(sample_portfolio, wanted, flexible_starts=False, respect_budget=False)
    assert hiring.total <= fixed.total
    bigger = pa.add_capacity(sample_portfolio, hiring.hires)
    starts = hiring.starts
    assert pa.capacity_demand(bigger, starts)["shortfall"].sum() == 0.0
    others = tuple(sample_portfolio.candidates().difference(starts.index))
    plan = pa.optimise(
        bigger, force_in=tuple(starts.index), force_out=others, shadow_prices=False, time_limit=30
    )
    assert plan.is_solution() and set(plan.selected) == set(starts.index)
    assert pa.check_plan(plan).empty
