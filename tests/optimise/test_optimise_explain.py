"""plan.explain: why a project is in or out, in words that name the right rule or limit.

The what-if part ("forcing it in would cost …, it would displace …") is compared with a fresh
solve with ``force_in``.
"""

from __future__ import annotations

import importlib
import re

import pytest
from optimise_helpers import assert_valid, toy_portfolio

import pmo_analytics as pa
from pmo_analytics.optimise import optimise


@pytest.fixture(scope="module")
def portfolio():
    """Dev 2 FTE a quarter over 2027Q1-Q2; a budget of 10,000 a quarter.

    S1 (10) must start in Q1 and S2 (9) in Q2, each taking both Dev FTE; CAP (5) needs 1 Dev
    FTE and fits nowhere beside them; BUD costs 50,000; W cannot finish inside the horizon and
    DEP requires it; EXA (6) excludes EXB (4); M is mandatory; F is in flight; FO is forced out.
    """
    return toy_portfolio(
        [
            dict(project_id="S1", value=10, earliest_start="2027Q1", latest_start="2027Q1"),
            dict(project_id="S2", value=9, earliest_start="2027Q2", latest_start="2027Q2"),
            dict(project_id="CAP", value=5),
            dict(project_id="BUD", value=50),
            dict(project_id="W", value=3, duration=2, earliest_start="2027Q2"),
            dict(project_id="DEP", value=8),
            dict(project_id="EXA", value=6),
            dict(project_id="EXB", value=4),
            dict(project_id="M", value=1, mandatory=True),
            dict(project_id="F", value=2, status="in_flight", start="2027Q1"),
            dict(project_id="FO", value=20),
        ],
        demand=[("S1", "Dev", 0, 2), ("S2", "Dev", 0, 2), ("CAP", "Dev", 0, 1)],
        cashflows=[("BUD", 0, 50_000), ("S1", 0, 1000)],
        capacity={"Dev": 2},
        budget=10_000,
        dependencies=[("DEP", "W", "requires"), ("EXA", "EXB", "excludes")],
        n_periods=2,
    )


@pytest.fixture(scope="module")
def plan(portfolio):
    plan = optimise(portfolio, force_out=("FO",))
    assert_valid(plan)
    assert set(plan.selected) == {"S1", "S2", "EXA", "M", "F"}
    return plan


def test_selected_project_says_when_it_runs(plan):
    text = plan.explain("S1")
    assert text.startswith("S1 Project S1 is in the plan: starts 2027Q1, finishes 2027Q1")
    assert "strategic value 10.00" in text
    assert "mandatory" in plan.explain("M")
    assert "in flight" in plan.explain("F")


def test_forced_in_project_says_so(portfolio):
    forced = optimise(portfolio, force_in=("CAP",), shadow_prices=False)
    assert_valid(forced)
    assert "forced in" in forced.explain("CAP")


def test_excluded_by_capacity_names_the_role_and_period(plan):
    text = plan.explain("CAP")
    assert plan.schedule.at["CAP", "reason"] == "capacity:Dev"
    assert "(capacity:Dev)" in text
    assert re.search(
        r"1\.00? Dev FTE in 2027Q[12] where 0\.00? remain \(capacity 2\.00?\)", text
    ), text
    assert "Forcing" not in text


def test_excluded_by_budget_names_the_budget(plan):
    text = plan.explain("BUD")
    assert "(budget)" in text and "of the budget remain" in text and "50,000" in text


def test_excluded_by_dependency_names_the_other_project(plan):
    text = plan.explain("DEP")
    assert "(dependency)" in text and "it requires W, which is not in the plan" in text


def test_forced_out_and_window(plan):
    assert "it was forced out" in plan.explain("FO")
    assert "cannot finish inside the horizon" in plan.explain("W")


def test_unknown_project_is_an_error(plan):
    with pytest.raises(KeyError, match="'NOPE' is not a project of this portfolio"):
        plan.explain("NOPE")


def test_explain_calls_no_solver(plan, monkeypatch):
    # explain words the facts the plan holds: any solve would go through model.solve
    model = importlib.import_module("pmo_analytics.optimise.model")

    def refuse(*args, **kwargs):
        raise AssertionError("explain called the solver")

    monkeypatch.setattr(model, "solve", refuse)
    for pid in plan.schedule.index:
        assert plan.explain(pid)


def test_forcing_in_reports_the_value_lost_and_who_drops(portfolio, plan):
    text = pa.what_if(plan, "CAP").text
    fresh = optimise(portfolio, force_out=("FO",), force_in=("CAP",), shadow_prices=False)
    assert_valid(fresh)
    lost = plan.objective - fresh.objective
    assert lost == pytest.approx(9 - 5)  # S2 (9) gives way to CAP (5)
    assert f"Forcing it in would cost {lost:,.2f} of value" in text
    assert f"objective {plan.objective:,.2f} → {fresh.objective:,.2f}" in text
    dropped = plan.selected.difference(fresh.selected)
    assert list(dropped) == ["S2"]
    displaced = text.split("it would displace", 1)[1]
    for pid in plan.selected:
        assert (pid in displaced.split(".")[0]) == (pid in dropped), (pid, text)


def test_forcing_in_what_cannot_fit_says_why(plan):
    text = pa.what_if(plan, "BUD").text  # 50,000 against 10,000 a quarter: no plan with it
    assert "It cannot be forced in:" in text and "budget" in text


def test_excluded_by_the_other_side_of_an_excludes_pair_names_the_other(plan):
    # regression: explain("EXB") used to say "it excludes EXB" (fixed in 928d0fd)
    assert plan.schedule.at["EXB", "reason"] == "dependency"
    text = plan.explain("EXB")
    assert "it and EXA exclude each other, and EXA is in the plan" in text, text


def test_explain_reads_the_facts_the_plan_holds(plan, monkeypatch):
    # the conflicts of every excluded project's best start are kept on the plan: explaining
    # one builds no model either (fast: the sample's 78 explanations take a fraction of a second)
    explain = importlib.import_module("pmo_analytics.optimise.explain")

    def refuse(*args, **kwargs):
        raise AssertionError("explain built the model again")

    monkeypatch.setattr(explain, "build_formulation", refuse)
    for pid in plan.conflicts["project_id"].unique():
        assert "is not in the plan" in plan.explain(pid)
    assert set(plan.conflicts["project_id"]) >= {"CAP", "BUD", "DEP", "EXB"}


def test_explain_gives_value_its_scale(plan):
    total = plan.schedule.loc[~plan.schedule["reason"].isin(["completed", "cancelled"]), "value"]
    share = 5 / total.sum()
    assert f"{share:.1%} of the {total.sum():,.2f} all candidates are worth together" in (
        plan.explain("CAP")
    )
