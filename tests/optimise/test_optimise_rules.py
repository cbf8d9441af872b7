"""Every rule on hand-checked portfolios, and the plan checker catching every broken rule.

The checker (:func:`pmo_analytics.check_plan`) is what every other optimiser test trusts, so it
is tested here on its own: a valid plan passes, and a plan tampered with (through
``dataclasses.replace`` of its schedule, or its options) is reported with the right rule,
subject and period.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pandas as pd
import pytest
from optimise_helpers import (
    assert_valid,
    brute_force,
    relaxation_of,
    toy_portfolio,
    violations_with,
    with_starts,
)

from pmo_analytics.optimise import BalanceRule, OptimiseOptions, check_plan, optimise
from pmo_analytics.portfolio.utilisation import utilisation

Q = pd.Period


@pytest.fixture(scope="module")
def shop():
    """Two roles (Dev 2 FTE, Ops 2 FTE per quarter), a budget of 20,000 per quarter, 2027Q1-Q4.

    A (value 10) runs 2 quarters within Q1..Q2; B requires A; C follows A; D excludes E;
    M is mandatory in Q1; F is in flight since 2026Q4; X completed; Y cancelled; BIG costs
    30,000 in one quarter (over any single quarter's budget); HEAVY needs 3 Dev FTE (over
    capacity); G is in category Grow.
    """
    return toy_portfolio(
        [
            dict(
                project_id="A", value=10, duration=2, earliest_start="2027Q1", latest_start="2027Q2"
            ),
            dict(project_id="B", value=8),
            dict(project_id="C", value=6),
            dict(project_id="D", value=7),
            dict(project_id="E", value=5),
            dict(
                project_id="M",
                value=1,
                mandatory=True,
                earliest_start="2027Q1",
                latest_start="2027Q1",
            ),
            dict(project_id="F", value=2, status="in_flight", start="2026Q4", duration=2),
            dict(project_id="X", value=9, status="completed"),
            dict(project_id="Y", value=9, status="cancelled"),
            dict(project_id="BIG", value=50),
            dict(project_id="HEAVY", value=50),
            dict(project_id="G", value=4, category="Grow"),
        ],
        demand=[
            ("A", "Dev", 0, 1),
            ("A", "Dev", 1, 1),
            ("B", "Dev", 0, 1),
            ("C", "Ops", 0, 1),
            ("M", "Ops", 0, 1),
            ("F", "Ops", 0, 1),
            ("F", "Ops", 1, 1),
            ("HEAVY", "Dev", 0, 3),
        ],
        cashflows=[
            ("A", 0, 5000),
            ("A", 1, 5000),
            ("B", 0, 4000),
            ("C", 0, 4000),
            ("D", 0, 3000),
            ("E", 0, 3000),
            ("M", 0, 2000),
            ("F", 0, 3000),
            ("F", 1, 3000),
            ("BIG", 0, 30000),
            ("G", 0, 1000),
        ],
        capacity={"Dev": 2, "Ops": 2},
        budget=20000,
        dependencies=[("B", "A", "requires"), ("C", "A", "follows"), ("D", "E", "excludes")],
    )


@pytest.fixture(scope="module")
def shop_plan(shop):
    plan = optimise(shop)
    assert_valid(plan)
    return plan


def test_shop_plan_is_the_hand_optimum(shop, shop_plan):
    # BIG and HEAVY never fit; X, Y are closed; D beats E; everything else fits
    assert shop_plan.status == "optimal"
    assert set(shop_plan.selected) == {"A", "B", "C", "D", "M", "F", "G"}
    assert shop_plan.objective == pytest.approx(10 + 8 + 6 + 7 + 1 + 2 + 4)
    starts = shop_plan.starts
    assert starts["F"] == Q("2026Q4") and starts["M"] == Q("2027Q1")
    assert starts["C"] >= starts["A"] + 2  # follows: after A's two quarters
    assert brute_force(shop).objective == pytest.approx(shop_plan.objective)
    reasons = shop_plan.schedule["reason"]
    assert reasons[["BIG", "HEAVY", "E", "X", "Y"]].tolist() == [
        "budget",
        "capacity:Dev",
        "dependency",
        "completed",
        "cancelled",
    ]
    assert reasons[["M", "F", "A"]].tolist() == ["mandatory", "in_flight", "selected"]


# --------------------------------------------------------------------------- the checker
def _base(plan) -> dict:
    return dict(plan.starts.items())


def _rules(found: pd.DataFrame) -> set[tuple]:
    return {(r.rule, r.subject) for r in found.itertuples(index=False)}


def test_checker_passes_the_untouched_plan(shop_plan):
    assert check_plan(shop_plan).empty
    assert violations_with(shop_plan, _base(shop_plan)).empty  # the tampering helper is neutral


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"X": "2027Q3"}, ("status", "X")),
        ({"Y": "2027Q3"}, ("status", "Y")),
        ({"M": None}, ("must_run", "M")),
        ({"F": None}, ("must_run", "F")),
        ({"F": "2027Q1"}, ("in_flight_start", "F")),
        ({"A": "2027Q3", "B": "2027Q3", "C": "2028Q1"}, ("window", "A")),
        ({"G": "2028Q1"}, ("horizon", "G")),
        ({"BIG": "2027Q4"}, ("budget", "budget")),
        ({"HEAVY": "2027Q4"}, ("capacity", "Dev")),
        ({"A": None, "C": None}, ("requires", "B")),
        ({"A": "2027Q2", "C": "2027Q3"}, ("follows", "C")),
        ({"E": "2027Q4"}, ("excludes", "D")),
    ],
)
def test_checker_reports_a_broken_rule(shop_plan, change, expected):
    starts = _base(shop_plan) | change
    found = violations_with(shop_plan, starts)
    assert expected in _rules(found), found.to_string()


def test_checker_names_the_period_of_a_limit(shop_plan):
    found = violations_with(shop_plan, _base(shop_plan) | {"HEAVY": "2027Q3", "BIG": "2027Q2"})
    periods = {(r.rule, r.subject): r.period for r in found.itertuples(index=False)}
    assert periods[("capacity", "Dev")] == Q("2027Q3")
    assert periods[("budget", "budget")] == Q("2027Q2")


def test_checker_reads_forced_out_and_forced_in(shop_plan):
    out = dataclasses.replace(shop_plan, options=shop_plan.options.replace(force_out=("G",)))
    assert ("force_out", "G") in _rules(check_plan(out))
    forced = dataclasses.replace(shop_plan, options=shop_plan.options.replace(force_in=("E",)))
    assert ("must_run", "E") in _rules(check_plan(forced))


def test_checker_reports_a_finish_that_does_not_match(shop_plan):
    schedule = shop_plan.schedule.copy()
    schedule.loc["A", "finish"] = Q("2027Q4")
    assert ("finish", "A") in _rules(check_plan(dataclasses.replace(shop_plan, schedule=schedule)))


def test_checker_reports_a_wrong_objective(shop_plan):
    found = check_plan(dataclasses.replace(shop_plan, objective=shop_plan.objective + 1))
    assert ("objective", "objective") in _rules(found)


def test_checker_cumulative_budget_lets_unspent_money_carry(shop_plan):
    # BIG (30,000) in 2027Q4 breaks that quarter's 20,000, but not the running total
    late = with_starts(shop_plan, _base(shop_plan) | {"BIG": "2027Q4"})
    assert ("budget", "budget") in _rules(check_plan(late))
    carried = dataclasses.replace(late, options=late.options.replace(cumulative_budget=True))
    assert check_plan(carried).empty
    early = with_starts(carried, _base(shop_plan) | {"BIG": "2027Q1"})
    found = check_plan(early)
    assert ("budget", "budget") in _rules(found)
    assert "cumulative" in found.loc[found["rule"] == "budget", "detail"].iloc[0]


def test_checker_total_budget(shop_plan):
    spend = shop_plan.total_cost
    tight = dataclasses.replace(shop_plan, options=shop_plan.options.replace(budget=spend - 1))
    assert ("total_budget", "budget") in _rules(check_plan(tight))
    exact = dataclasses.replace(shop_plan, options=shop_plan.options.replace(budget=spend))
    assert check_plan(exact).empty


def test_checker_balance_and_start_limit(shop_plan):
    grow = BalanceRule(by="category", group="Grow", min_share=0.5)
    found = check_plan(
        dataclasses.replace(shop_plan, options=shop_plan.options.replace(balance=(grow,)))
    )
    assert ("balance", "category=Grow") in _rules(found)
    capped = dataclasses.replace(
        shop_plan, options=shop_plan.options.replace(max_starts_per_period=1)
    )
    starts = shop_plan.starts.drop("F")  # in-flight work is not a new start
    busiest = starts.value_counts()
    found = check_plan(capped)
    flagged = set(found.loc[found["rule"] == "starts", "period"])
    assert flagged == set(busiest.index[busiest > 1])


def test_checker_counts_termination_cost_of_stopped_in_flight_work(shop, shop_plan):
    # stopping F (3,000 left to spend, in 2027Q1) charges termination_cost × 3,000 in 2027Q1
    starts = _base(shop_plan) | {"F": None}
    kept = pd.Series(
        {pid: Q(s) if isinstance(s, str) else s for pid, s in starts.items() if s is not None}
    )
    use = utilisation(shop, kept)
    q1 = float(use.query("resource == 'budget'")["used"].iloc[0])
    room = 20000 - q1
    assert room > 0
    for share, breaks in ((room / 3000 * 0.9, False), (room / 3000 * 1.1, True)):
        options = shop_plan.options.replace(allow_stop_in_flight=True, termination_cost=share)
        stopped = dataclasses.replace(with_starts(shop_plan, starts), options=options)
        found = check_plan(stopped)
        assert (("budget", "budget") in _rules(found)) == breaks, (share, found.to_string())
        if breaks:
            assert set(found.loc[found["rule"] == "budget", "period"]) == {Q("2027Q1")}


# --------------------------------------------------------------------------- rules end to end
def test_cumulative_budget_lets_the_optimiser_save_up(shop):
    # BIG only fits when unspent budget carries forward
    plan = optimise(shop, cumulative_budget=True, shadow_prices=False)
    assert_valid(plan)
    assert "BIG" in plan.selected
    assert plan.objective == pytest.approx(brute_force(shop, plan.options).objective)


def test_total_budget_caps_spend_over_the_horizon(shop):
    plan = optimise(shop, budget=12000.0, shadow_prices=False)
    assert_valid(plan)
    assert plan.total_cost <= 12000.0
    assert plan.objective == pytest.approx(brute_force(shop, plan.options).objective)


def test_force_in_and_force_out(shop):
    plan = optimise(shop, force_in=("E",), force_out=("A",), shadow_prices=False)
    assert_valid(plan)
    assert "E" in plan.selected and "D" not in plan.selected  # D excludes E
    assert not {"A", "B", "C"} & set(plan.selected)  # B requires A, C follows A
    assert plan.schedule.at["A", "reason"] == "forced_out"
    assert plan.schedule.loc[["B", "C"], "reason"].eq("dependency").all()


def test_allow_stop_in_flight_frees_its_capacity():
    # the in-flight project F holds the only Ops FTE of 2027Q1; stopping it lets V in
    portfolio = toy_portfolio(
        [
            dict(project_id="F", value=1, status="in_flight", start="2026Q4", duration=2),
            dict(project_id="V", value=5, earliest_start="2027Q1", latest_start="2027Q1"),
        ],
        demand=[("F", "Ops", 1, 1), ("V", "Ops", 0, 1)],
        capacity={"Ops": 1},
        n_periods=2,
    )
    kept = optimise(portfolio, shadow_prices=False)
    assert_valid(kept)
    assert list(kept.selected) == ["F"]
    stopped = optimise(portfolio, allow_stop_in_flight=True, shadow_prices=False)
    assert_valid(stopped)
    assert list(stopped.selected) == ["V"]
    assert stopped.objective == 5.0


def test_max_starts_per_period_spreads_the_starts(shop):
    plan = optimise(shop, max_starts_per_period=1, shadow_prices=False)
    assert_valid(plan)
    new = plan.starts.drop(
        plan.schedule.index[plan.schedule["status"].eq("in_flight")], errors="ignore"
    )
    assert new.value_counts().max() <= 1
    assert plan.objective == pytest.approx(brute_force(shop, plan.options).objective)


def test_balance_rule_on_count(shop):
    rule = BalanceRule(by="category", group="Grow", min_share=0.25, measure="count")
    plan = optimise(shop, balance=(rule,), shadow_prices=False)
    assert_valid(plan)
    grow = plan.schedule.loc[plan.selected, "category"].eq("Grow").mean()
    assert grow >= 0.25
    assert plan.objective == pytest.approx(brute_force(shop, plan.options).objective)


def test_risk_adjusted_value_basis():
    portfolio = toy_portfolio(
        [dict(project_id="SAFE", value=10, risk=0.0), dict(project_id="BOLD", value=15, risk=0.5)],
        demand=[("SAFE", "Dev", 0, 1), ("BOLD", "Dev", 0, 1)],
        capacity={"Dev": 1},
        n_periods=1,
    )
    plain = optimise(portfolio, shadow_prices=False)
    assert_valid(plain)
    assert list(plain.selected) == ["BOLD"]
    plan = optimise(portfolio, value_basis="risk_adjusted", shadow_prices=False)
    assert_valid(plan)
    assert list(plan.selected) == ["SAFE"]
    assert plan.objective == pytest.approx(10.0)


def test_npv_basis_prefers_earlier_benefits():
    # one project, two starts: its NPV discounted to the horizon start is higher when it starts early
    portfolio = toy_portfolio(
        [dict(project_id="N", value=1, duration=1)],
        cashflows=[("N", 0, 1000, 0), ("N", 1, 0, 3000)],
        capacity={"Dev": 1},
        n_periods=3,
    )
    plan = optimise(portfolio, value_basis="npv", shadow_prices=False)
    assert_valid(plan)
    assert plan.starts["N"] == Q("2027Q1")
    expected = brute_force(portfolio, plan.options)
    assert plan.objective == pytest.approx(expected.objective)
    assert sorted(expected.objectives)[-1] > sorted(expected.objectives)[-2]  # start matters


def test_options_validation_says_what_is_valid(shop):
    with pytest.raises(ValueError, match="unknown project ids in force_in/force_out: NOPE"):
        optimise(shop, force_in=("NOPE",))
    with pytest.raises(ValueError, match="not a projects column"):
        optimise(shop, balance=(BalanceRule(by="colour", group="red", min_share=0.1),))
    with pytest.raises(ValueError, match="solver='gurobi' is not valid"):
        OptimiseOptions(solver="gurobi")
    with pytest.raises(ValueError, match="both forced in and forced out: A"):
        OptimiseOptions(force_in=("A",), force_out=("A",))


# --------------------------------------------------------------------------- must-run edge cases
# Regressions of bugs these tests found (fixed in 928d0fd): the optimiser and the checker used to
# disagree on must-run work that cannot start and on forced-out must-run work.
def _stranded_portfolio():
    return toy_portfolio(
        [
            dict(project_id="A", value=1),
            # two quarters long but may only start in the last quarter of a two-quarter horizon
            dict(
                project_id="C", value=1, duration=2, earliest_start="2027Q2", latest_start="2027Q2"
            ),
        ],
        n_periods=2,
    )


def _assert_diagnosed_forced(plan, pid: str) -> None:
    assert_valid(plan)
    assert plan.status == "infeasible"
    assert plan.diagnosis["family"].tolist() == ["forced"]
    assert plan.diagnosis["project_id"].tolist() == [pid]
    assert pid in plan.diagnosis["message"].iloc[0]
    assert not brute_force(plan.portfolio, plan.options).feasible
    assert brute_force(plan.portfolio, plan.options, relax=relaxation_of(plan)).feasible


def test_mandatory_project_that_cannot_fit_makes_the_rules_infeasible():
    portfolio = _stranded_portfolio()
    projects = portfolio.projects.copy()
    projects.loc["C", "mandatory"] = True
    plan = optimise(portfolio.replace(projects=projects), shadow_prices=False)
    _assert_diagnosed_forced(plan, "C")


def test_forcing_in_a_project_that_cannot_start_makes_the_rules_infeasible():
    plan = optimise(_stranded_portfolio(), force_in=("C",), shadow_prices=False)
    _assert_diagnosed_forced(plan, "C")


def test_forcing_in_a_closed_project_is_an_error(shop):
    with pytest.raises(ValueError, match="cannot force in completed or cancelled projects: X, Y"):
        optimise(shop, force_in=("X", "Y"))


@pytest.mark.parametrize("who", ["mandatory", "in_flight"])
def test_force_out_wins_over_must_run_work(who):
    row = (
        dict(project_id="M", value=1, mandatory=True)
        if who == "mandatory"
        else dict(project_id="M", value=1, status="in_flight", start="2027Q1")
    )
    portfolio = toy_portfolio([dict(project_id="A", value=1), row], n_periods=2)
    plan = optimise(portfolio, force_out=("M",), shadow_prices=False)
    assert_valid(plan)  # the checker agrees that force_out wins
    assert plan.status == "optimal" and list(plan.selected) == ["A"]
    assert plan.schedule.at["M", "reason"] == "forced_out"
    assert any("forced out although mandatory or in flight: M" in note for note in plan.notes)
    assert plan.objective == brute_force(portfolio, plan.options).objective


def test_public_optimise_is_the_function_whatever_was_imported_first():
    # regression: pa.optimise used to become the subpackage once another optimise export was used
    code = "import pmo_analytics as pa; pa.check_plan; pa.OptimiseOptions; print(callable(pa.optimise))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
