"""Capacity: demand vs capacity, bottlenecks, hiring_needed (against brute force) and the value
of extra capacity (against brute force), on hand-made, random and sample portfolios."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from optimise_helpers import brute_force, random_portfolio

import pmo_analytics as pa
from pmo_analytics.capacity import (
    BOTTLENECK_COLUMNS,
    CAPACITY_COLUMNS,
    HIRING_COLUMNS,
    HIRING_TOTAL_COLUMNS,
    VALUE_COLUMNS,
    _value_runs,
)
from pmo_analytics.optimise import OptimiseOptions

Q = pd.Period


# --------------------------------------------------------------------------- a portfolio by hand
def tiny() -> pa.Portfolio:
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


@pytest.fixture(scope="module")
def hand() -> pa.Portfolio:
    return tiny()


def cell(frame: pd.DataFrame, role: str, period: str, column: str) -> float:
    row = frame[(frame["role"] == role) & (frame["period"] == Q(period, freq="Q"))]
    assert len(row) == 1, f"no single row for {role} {period}"
    return float(row[column].iloc[0])


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


# --------------------------------------------------------------------------- hiring_needed
def test_fixed_starts_need_exactly_the_shortfall(hand: pa.Portfolio) -> None:
    hires = pa.hiring_needed(hand, ["A", "B"], flexible_starts=False)
    assert list(hires.columns) == HIRING_COLUMNS
    # A and B at Q1 with C in flight: Dev Q1 6 of 3, QA Q2 1 of 0.5
    expected = {("Dev", "2027Q1"): 3.0, ("QA", "2027Q2"): 0.5}
    got = {(r.role, str(r.period)): r.extra_fte for r in hires.itertuples() if r.extra_fte > 0}
    assert got == expected
    assert hires.attrs["total"] == 3.5 == hires.attrs["bound"]
    assert (hires["status"] == "optimal").all()
    frame = pa.capacity_demand(hand, hires.attrs["starts"])
    np.testing.assert_array_equal(hires["extra_fte"], frame["shortfall"])
    # given starts are kept: A in Q3 needs only B's Q1 surplus of Dev
    later = pa.hiring_needed(hand, pd.Series({"A": "2027Q3", "B": "2027Q1"}), flexible_starts=False)
    assert later.attrs["total"] == 1.0
    # without the in-flight C (include_committed=False) B fits Dev alone
    alone = pa.hiring_needed(hand, ["B"], flexible_starts=False, include_committed=False)
    assert alone.attrs["total"] == 0.0
    assert list(alone.attrs["starts"].index) == ["B"]
    nothing = pa.hiring_needed(hand, [], include_committed=False)
    assert nothing.attrs["total"] == 0.0 and nothing["demand"].sum() == 0.0


def test_flexible_starts_move_work_out_of_the_crunch(hand: pa.Portfolio) -> None:
    hires = pa.hiring_needed(hand, ["A", "B"])
    # B in Q2 (Dev 3 of 3) and A in Q3 (Dev 2, then 1 and QA 1 in Q4) need nobody
    assert hires.attrs["total"] == 0.0
    assert hires["status"].eq("optimal").all()
    starts = hires.attrs["starts"]
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
        hires = pa.hiring_needed(portfolio, chosen, respect_budget=respect_budget)
        assert hires["status"].eq("optimal").all()
        assert hires.attrs["total"] == pytest.approx(expected, abs=1e-6)
        assert hires.attrs["bound"] == pytest.approx(expected, abs=1e-6)
        assert set(hires.attrs["starts"].index) == set(ids)
        # never more than at the earliest starts (the fixed, closed-form answer)
        if not respect_budget:
            fixed = pa.hiring_needed(portfolio, chosen, flexible_starts=False, respect_budget=False)
            assert hires.attrs["total"] <= fixed.attrs["total"] + 1e-9
            continue
        # (a) with the hires added, forcing the set in (and the rest out) is a valid plan
        bigger = pa.add_capacity(portfolio, hires)
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
    pd.testing.assert_frame_equal(flexible, fixed)
    # Dev Q1: B 3 + C 1 = 4 of 3; Dev Q2 A 2 of 3; QA Q3 A 1 of 1
    assert flexible.attrs["total"] == 1.0


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
    assert relaxed.attrs["total"] == 3.5
    with pytest.raises(ValueError, match="unknown project ids: Q"):
        pa.hiring_needed(hand, ["Q"])


def test_hiring_on_the_sample(sample_portfolio: pa.Portfolio) -> None:
    wanted = ["P065", "P047", "P036", "P046", "P027"]
    hires = pa.hiring_needed(sample_portfolio, wanted, time_limit=30)
    assert hires["status"].eq("optimal").all()
    fixed = pa.hiring_needed(sample_portfolio, wanted, flexible_starts=False, respect_budget=False)
    assert hires.attrs["total"] <= fixed.attrs["total"]
    bigger = pa.add_capacity(sample_portfolio, hires)
    starts = hires.attrs["starts"]
    assert pa.capacity_demand(bigger, starts)["shortfall"].sum() == 0.0
    others = tuple(sample_portfolio.candidates().difference(starts.index))
    plan = pa.optimise(
        bigger, force_in=tuple(starts.index), force_out=others, shadow_prices=False, time_limit=30
    )
    assert plan.is_solution() and set(plan.selected) == set(starts.index)
    assert pa.check_plan(plan).empty


# --------------------------------------------------------------------------- value_of_capacity
@pytest.mark.parametrize("seed", [1, 4])
def test_value_of_capacity_against_brute_force(seed: int) -> None:
    portfolio = random_portfolio(seed, n_projects=7, n_periods=4, n_roles=2, tightness=0.35)
    role = portfolio.roles[0]
    options = OptimiseOptions(time_limit=None)
    frame, plans = _value_runs(portfolio, role, steps=(1, 2, 0.5), options=options)
    assert list(frame.columns) == VALUE_COLUMNS
    assert frame["fte_added"].tolist() == [0.0, 0.5, 1.0, 2.0]
    assert frame["status"].eq("optimal").all()
    for row, plan in zip(frame.itertuples(), plans, strict=True):
        extra = pd.DataFrame(
            {"role": role, "period": list(portfolio.horizon), "fte": row.fte_added}
        )
        bigger = pa.add_capacity(portfolio, extra)
        expected = brute_force(bigger, options)
        assert row.objective == pytest.approx(expected.objective, abs=1e-6)
        assert pa.check_plan(plan, bigger).empty
        assert row.n_selected == plan.n_selected
    base = frame["objective"].iloc[0]
    np.testing.assert_allclose(frame["value_gained"], frame["objective"] - base)
    np.testing.assert_allclose(frame["gain_low"], frame["value_gained"], atol=1e-9)
    np.testing.assert_allclose(frame["gain_high"], frame["value_gained"], atol=1e-9)
    np.testing.assert_allclose(
        frame["gained_per_fte"].iloc[1:],
        frame["value_gained"].iloc[1:] / frame["fte_added"].iloc[1:],
    )
    np.testing.assert_allclose(frame["marginal_gain"].iloc[1:], np.diff(frame["objective"]))
    assert (np.diff(frame["objective"]) >= -1e-9).all()


def test_value_of_one_period_and_shadow_prices(small_portfolio: pa.Portfolio) -> None:
    baseline = pa.optimise(small_portfolio, time_limit=None)
    binding = baseline.binding[baseline.binding["resource"] != "budget"]
    priced = binding.sort_values("shadow_price", ascending=False).iloc[0]
    role, period = priced["resource"], priced["period"]
    frame, plans = _value_runs(
        small_portfolio, role, period=str(period), steps=(1, 3), baseline=baseline
    )
    assert plans[0] is baseline
    assert frame["period"].eq(str(period)).all()
    assert frame["shadow_price"].eq(priced["shadow_price"]).all()
    assert frame["status"].eq("optimal").all()
    for row, plan in zip(frame.itertuples(), plans, strict=True):
        extra = pd.DataFrame({"role": [role], "period": [period], "fte": [row.fte_added]})
        bigger = pa.add_capacity(small_portfolio, extra)
        assert pa.check_plan(plan, bigger).empty
        again = pa.optimise(bigger, shadow_prices=False, time_limit=None)
        assert row.objective == pytest.approx(again.objective, abs=1e-6)
        entered = set(plan.selected) - set(baseline.selected)
        assert row.entered == ", ".join(sorted(entered))
    # every period: the shadow price is the role's prices summed over the periods
    every = pa.value_of_capacity(small_portfolio, role, steps=(1,), baseline=baseline)
    prices = baseline.prices
    total = prices.loc[prices["resource"] == role, "shadow_price"].sum()
    assert every["shadow_price"].iloc[0] == pytest.approx(total)
    assert every["period"].eq("all").all()


def test_value_of_capacity_errors(small_portfolio: pa.Portfolio, hand: pa.Portfolio) -> None:
    with pytest.raises(ValueError, match="unknown role 'Chef'; valid: Role01"):
        pa.value_of_capacity(small_portfolio, "Chef")
    with pytest.raises(ValueError, match="must be one or more FTE amounts > 0"):
        pa.value_of_capacity(small_portfolio, "Role01", steps=(0, 1))
    with pytest.raises(ValueError, match="outside the horizon"):
        pa.value_of_capacity(small_portfolio, "Role01", period="2031Q1")
    with pytest.raises(ValueError, match="is not a period like"):
        pa.value_of_capacity(small_portfolio, "Role01", period="later")
    other = pa.optimise(hand, shadow_prices=False)
    with pytest.raises(ValueError, match="baseline plan was made for another portfolio"):
        pa.value_of_capacity(small_portfolio, "Role01", baseline=other)
