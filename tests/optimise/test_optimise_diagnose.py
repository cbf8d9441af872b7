"""Why projects are out (plan.csv ``reason``) and why no plan exists (the diagnosis).

Reasons are checked for plausibility with the independent checker: a project said to be kept
out by capacity of a role really breaks a rule at every start it may take, and that role's
capacity at one of them; one kept out by a dependency breaks a dependency at every start; one
that is out although it fits somewhere adds nothing. Diagnoses of infeasible rules are checked
by relaxing what they name and enumerating: the relaxed rules must hold.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from optimise_helpers import (
    assert_valid,
    brute_force,
    option_values,
    relaxation_of,
    run_options,
    small_portfolios,
    start_choices,
    toy_portfolio,
    violations_with,
)

from pmo_analytics import generate_portfolio
from pmo_analytics.optimise import BalanceRule, optimise

_DEPENDENCY_RULES = {"requires", "follows", "excludes"}
_LIMIT_OF = {
    "budget": {"budget", "total_budget"},
    "balance": {"balance"},
    "start_limit": {"starts"},
}


def assert_reasons_plausible(plan) -> None:
    """Every unselected candidate's reason agrees with what the checker says of adding it."""
    portfolio, options = plan.portfolio, plan.options
    projects = portfolio.projects
    choices, _ = start_choices(portfolio, options)
    value_of = option_values(portfolio, options)
    base = dict(plan.starts.items())
    origin = portfolio.horizon[0]
    table = plan.plan_table().set_index("project_id")
    for pid, row in table[~table["selected"]].iterrows():
        reason = row["reason"]
        starts = [pos for pos in choices[pid] if pos >= -(10**5)]
        if reason in ("completed", "cancelled"):
            assert projects.at[pid, "status"] == reason
            continue
        if reason == "forced_out":
            assert pid in options.force_out
            continue
        if reason == "window":
            assert not starts, f"{pid}: reason window but it may start at {starts}"
            continue
        assert starts, f"{pid}: no start fits its window, but the reason is {reason!r}"
        found = {pos: violations_with(plan, base | {pid: origin + pos}) for pos in starts}
        broken = {pos: set(zip(v["rule"], v["subject"], strict=True)) for pos, v in found.items()}
        fitting = [pos for pos, rules in broken.items() if not rules]
        if plan.status == "optimal":
            for pos in fitting:  # a start that fits and adds value would contradict the optimum
                assert value_of(pid, pos) <= 1e-6, (
                    f"{pid} fits at {origin + pos} and adds {value_of(pid, pos)}"
                )
        if reason == "value":
            assert fitting, f"{pid}: reason 'value' but it fits at no start: {broken}"
            continue
        assert not fitting, (
            f"{pid}: reason {reason!r} but it fits at {[str(origin + p) for p in fitting]}"
        )
        rules = {pos: {rule for rule, _ in b} for pos, b in broken.items()}
        if reason == "dependency":
            assert all(r & _DEPENDENCY_RULES for r in rules.values()), f"{pid}: {broken}"
        elif reason.startswith("capacity:"):
            role = reason.split(":", 1)[1]
            assert any(("capacity", role) in b for b in broken.values()), (
                f"{pid}: {reason} but {broken}"
            )
        else:
            assert reason in _LIMIT_OF, f"{pid}: unknown reason {reason!r}"
            assert any(r & _LIMIT_OF[reason] for r in rules.values()), (
                f"{pid}: {reason} but {broken}"
            )


# --------------------------------------------------------------------------- reasons
@given(data=st.data())
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_reasons_are_plausible_on_random_portfolios(data):
    portfolio = data.draw(small_portfolios(max_projects=9), label="portfolio")
    options = data.draw(run_options(portfolio), label="options")
    plan = optimise(portfolio, options)
    assert_valid(plan)
    if plan.is_solution():
        assert_reasons_plausible(plan)


def test_plan_csv_reasons_on_a_generated_portfolio():
    portfolio = generate_portfolio(
        30, n_periods=6, n_roles=3, seed=21, tightness=0.4, dependency_share=0.3
    )
    plan = optimise(portfolio, shadow_prices=False)
    assert plan.status == "optimal"
    assert_valid(plan)  # every reason is one of the contract's (or a documented extension)
    assert_reasons_plausible(plan)
    table = plan.plan_table()
    assert list(table.columns) == [
        "project_id",
        "name",
        "category",
        "selected",
        "start",
        "finish",
        "value",
        "cost",
        "reason",
    ]
    assert table.loc[~table["selected"], ["start", "finish"]].eq("").all().all()
    assert table.loc[table["selected"], "start"].ne("").all()
    out = table.loc[~table["selected"], "reason"]
    assert out.str.startswith("capacity:").any() or out.eq("budget").any()  # the limits bind here


def test_reasons_on_the_hand_made_cases():
    portfolio = toy_portfolio(
        [
            dict(project_id="S1", value=10, earliest_start="2027Q1", latest_start="2027Q1"),
            dict(project_id="S2", value=9, earliest_start="2027Q2", latest_start="2027Q2"),
            dict(project_id="CAP", value=5),
            dict(project_id="BUD", value=50),
            dict(project_id="W", value=3, duration=2, earliest_start="2027Q2"),
            dict(project_id="DEP", value=8),
            dict(project_id="FO", value=20),
        ],
        demand=[("S1", "Dev", 0, 2), ("S2", "Dev", 0, 2), ("CAP", "Dev", 0, 1)],
        cashflows=[("BUD", 0, 50_000), ("S1", 0, 1000)],
        capacity={"Dev": 2},
        budget=10_000,
        dependencies=[("DEP", "W", "requires")],
        n_periods=2,
    )
    plan = optimise(portfolio, force_out=("FO",))
    assert_valid(plan)
    reasons = plan.schedule["reason"]
    assert reasons.to_dict() == {
        "S1": "selected",
        "S2": "selected",
        "CAP": "capacity:Dev",
        "BUD": "budget",
        "W": "window",
        "DEP": "dependency",
        "FO": "forced_out",
    }
    assert_reasons_plausible(plan)


# regression: reasons used to read each period's budget alone under a cumulative budget (d12f916)
def test_cumulative_budget_reasons_count_the_money_carried_forward():
    portfolio = toy_portfolio(
        [
            dict(project_id="A", value=5, earliest_start="2027Q1", latest_start="2027Q1"),
            dict(project_id="C", value=1, earliest_start="2027Q3", latest_start="2027Q3"),
        ],
        demand=[("C", "Dev", 0, 2)],
        cashflows=[("A", 0, 5000), ("C", 0, 3000)],
        capacity={"Dev": 1},
        budget=[10_000, 1000, 1000],
        n_periods=3,
    )
    plan = optimise(portfolio, cumulative_budget=True, shadow_prices=False)
    assert_valid(plan)
    assert list(plan.selected) == ["A"]
    assert_reasons_plausible(plan)
    assert plan.schedule.at["C", "reason"] == "capacity:Dev"
    assert "of the budget remain" not in plan.explain("C")


# --------------------------------------------------------------------------- diagnosis
def _diagnosed(portfolio, **options):
    plan = optimise(portfolio, shadow_prices=False, **options)
    assert_valid(plan)
    assert plan.status == "infeasible"
    assert len(plan.diagnosis) > 0
    relaxed = brute_force(portfolio, plan.options, relax=relaxation_of(plan))
    assert relaxed.feasible, plan.diagnosis["message"].tolist()
    assert not brute_force(portfolio, plan.options).feasible
    return plan.diagnosis


def _must(pid: str, **row) -> dict:
    return dict(
        project_id=pid, mandatory=True, earliest_start="2027Q1", latest_start="2027Q1", **row
    )


def test_diagnosis_names_the_budget_period():
    portfolio = toy_portfolio(
        [_must("M1"), _must("M2"), dict(project_id="O", value=5)],
        cashflows=[("M1", 0, 6000), ("M2", 0, 5000), ("O", 0, 1000)],
        budget=[10_000, 10_000],
        n_periods=2,
    )
    diagnosis = _diagnosed(portfolio)
    row = diagnosis.iloc[0]
    assert (row["family"], str(row["period"])) == ("budget", "2027Q1")
    assert row["shortfall"] == pytest.approx(1000)
    assert "budget" in row["message"] and "2027Q1" in row["message"] and "1,000" in row["message"]
    assert "M1" in row["message"] and "M2" in row["message"]  # the largest contributors


def test_diagnosis_names_the_total_budget():
    portfolio = toy_portfolio(
        [_must("M1"), _must("M2")], cashflows=[("M1", 0, 6000), ("M2", 0, 5000)], n_periods=2
    )
    diagnosis = _diagnosed(portfolio, budget=10_000.0)
    assert diagnosis["family"].tolist() == ["total_budget"]
    assert "total budget is 10,000" in diagnosis["message"].iloc[0]


def test_diagnosis_names_the_capacity_of_each_short_role_and_period():
    portfolio = toy_portfolio(
        [
            _must("M1"),
            _must("M2"),
            dict(project_id="M3", mandatory=True, earliest_start="2027Q2", latest_start="2027Q2"),
        ],
        demand=[("M1", "Dev", 0, 2), ("M2", "Dev", 0, 1), ("M2", "Ops", 0, 1), ("M3", "Ops", 0, 3)],
        capacity={"Dev": 2, "Ops": 2},
        n_periods=2,
    )
    diagnosis = _diagnosed(portfolio)
    named = {(r.resource, str(r.period)): r.shortfall for r in diagnosis.itertuples()}
    assert named == {("Dev", "2027Q1"): pytest.approx(1.0), ("Ops", "2027Q2"): pytest.approx(1.0)}


def test_diagnosis_names_the_start_limit():
    portfolio = toy_portfolio(
        [_must("M1"), _must("M2"), dict(project_id="O", value=1)], n_periods=2
    )
    diagnosis = _diagnosed(portfolio, max_starts_per_period=1)
    assert diagnosis["family"].tolist() == ["starts"]
    assert "2027Q1" in diagnosis["message"].iloc[0] and "at most 1" in diagnosis["message"].iloc[0]


def test_diagnosis_names_an_unmeetable_balance_rule():
    portfolio = toy_portfolio(
        [_must("M1"), dict(project_id="O", value=1)],
        cashflows=[("M1", 0, 100), ("O", 0, 100)],
        n_periods=2,
    )
    diagnosis = _diagnosed(
        portfolio, balance=(BalanceRule(by="category", group="Grow", min_share=0.5),)
    )
    assert diagnosis["family"].tolist() == ["balance"]
    assert "category Grow" in diagnosis["message"].iloc[0]


def test_diagnosis_names_a_forced_project_that_conflicts_with_a_dependency():
    portfolio = toy_portfolio(
        [dict(project_id="A", value=1), dict(project_id="B", value=1)],
        dependencies=[("A", "B", "excludes")],
        n_periods=2,
    )
    diagnosis = _diagnosed(portfolio, force_in=("A", "B"))
    assert diagnosis["family"].tolist() == ["forced"]
    row = diagnosis.iloc[0]
    assert row["project_id"] in ("A", "B")
    assert row["project_id"] in row["message"] and "A excludes B" in row["message"]


def test_diagnosis_with_in_flight_work_over_capacity():
    portfolio = toy_portfolio(
        [dict(project_id="F", status="in_flight", start="2026Q4", duration=2), _must("M")],
        demand=[("F", "Dev", 1, 2), ("M", "Dev", 0, 1)],
        capacity={"Dev": 2},
        n_periods=2,
    )
    diagnosis = _diagnosed(portfolio)
    assert {(r.family, r.resource, str(r.period)) for r in diagnosis.itertuples()} == {
        ("capacity", "Dev", "2027Q1")
    }
    assert "F" in diagnosis["message"].iloc[0]
    # allowing the in-flight project to stop resolves it
    plan = optimise(portfolio, allow_stop_in_flight=True, shadow_prices=False)
    assert_valid(plan)
    assert list(plan.selected) == ["M"]


def test_plan_table_of_an_infeasible_run_selects_nothing():
    portfolio = toy_portfolio(
        [_must("M1"), _must("M2")],
        demand=[("M1", "Dev", 0, 2), ("M2", "Dev", 0, 1)],
        capacity={"Dev": 2},
    )
    plan = optimise(portfolio, shadow_prices=False)
    assert_valid(plan)
    assert plan.status == "infeasible"
    table = plan.plan_table()
    assert not table["selected"].any()
    assert table["start"].eq("").all()
    assert pd.isna(plan.objective)
