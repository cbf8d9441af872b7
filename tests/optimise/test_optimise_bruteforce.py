"""The optimiser against brute force on small random portfolios (hypothesis).

Every selection × start combination of a portfolio with at most ~20k combinations is
enumerated (``optimise_helpers.brute_force``: numpy over the combinations, reading the
portfolio's own tables, not the formulation). The optimiser's objective must equal the
enumeration's best; where no combination is feasible the optimiser must say ``infeasible``
with a diagnosis whose relaxation really makes the rules hold.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from optimise_helpers import (
    assert_utilisation_matches,
    assert_valid,
    brute_force,
    random_portfolio,
    relaxation_of,
    run_options,
    small_portfolios,
    violations_with,
)

from pmo_analytics.optimise import OptimiseOptions, optimise
from pmo_analytics.report import plan_summary

SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


def assert_infeasible_explained(plan, portfolio, options) -> None:
    """An infeasible plan: empty schedule, a diagnosis in words, and a sound relaxation."""
    assert plan.status == "infeasible"
    assert plan.n_selected == 0
    diagnosis = plan.diagnosis
    assert len(diagnosis) > 0, "infeasible plan without a diagnosis"
    assert plan_summary(plan)["diagnosis"] == diagnosis["message"].tolist()
    for row in diagnosis.itertuples(index=False):
        assert isinstance(row.message, str) and row.message, row
        if row.family == "capacity":
            assert str(row.resource) in row.message and str(row.period) in row.message, row.message
        elif row.family == "budget":
            assert "budget" in row.message and str(row.period) in row.message, row.message
        elif row.family == "total_budget":
            assert "total budget" in row.message, row.message
        elif row.family == "forced":
            assert str(row.project_id) in row.message, row.message
        elif row.family == "starts":
            assert str(row.period) in row.message, row.message
    # the relaxation the diagnosis proposes is enough: with it, some combination is feasible
    relaxed = brute_force(portfolio, options, relax=relaxation_of(plan))
    assert relaxed.feasible, (
        "relaxing what the diagnosis names does not make the rules hold:\n"
        + "\n".join(diagnosis["message"])
    )


def check_against_brute_force(portfolio, options: OptimiseOptions):
    expected = brute_force(portfolio, options)
    plan = optimise(portfolio, options)
    if expected.feasible:
        assert plan.status == "optimal", (
            plan.status,
            plan.notes,
            list(plan.diagnosis.get("message", [])),
        )
        assert plan.objective == pytest.approx(expected.objective, rel=1e-6, abs=1e-6), (
            f"optimiser {plan.objective} vs brute force {expected.objective} ({expected.starts})"
        )
        assert_valid(plan)
        assert_utilisation_matches(plan)
        # the enumeration's optimum passes the independent checker too: the two agree on the rules
        found = violations_with(plan, expected.starts)
        assert found.empty, "brute-force optimum rejected by check_plan:\n" + found.to_string()
    else:
        assert_infeasible_explained(plan, portfolio, options)
    return expected, plan


@given(data=st.data())
@settings(max_examples=25, **SETTINGS)
def test_objective_equals_brute_force_with_random_options(data):
    portfolio = data.draw(small_portfolios(max_projects=12), label="portfolio")
    options = data.draw(run_options(portfolio), label="options")
    check_against_brute_force(portfolio, options)


FAMILIES = [
    "cumulative_budget",
    "total_budget",
    "balance",
    "max_starts",
    "force_in",
    "force_out",
    "allow_stop_in_flight",
    "risk_adjusted",
    "npv",
]


@pytest.mark.parametrize("family", FAMILIES)
@given(data=st.data())
@settings(max_examples=3, **SETTINGS)
def test_objective_equals_brute_force_per_option(family, data):
    portfolio = data.draw(small_portfolios(max_projects=9), label="portfolio")
    if family == "allow_stop_in_flight":
        seed = data.draw(st.integers(0, 2**16), label="seed")
        portfolio = random_portfolio(
            seed, n_projects=8, n_periods=4, in_flight_share=0.4, tightness=0.4
        )
    options = data.draw(run_options(portfolio, require=family), label="options")
    check_against_brute_force(portfolio, options)


@given(data=st.data())
@settings(max_examples=5, **SETTINGS)
def test_infeasible_cases_agree_and_are_diagnosed(data):
    # tight limits, much must-run work and no cover: mostly infeasible
    seed = data.draw(st.integers(0, 2**32 - 1), label="seed")
    portfolio = random_portfolio(
        seed,
        n_projects=data.draw(st.integers(4, 9), label="n"),
        n_periods=data.draw(st.integers(2, 4), label="T"),
        n_roles=data.draw(st.integers(1, 3), label="R"),
        tightness=0.3,
        in_flight_share=0.3,
        mandatory_share=0.3,
        cover_must=False,
    )
    options = data.draw(run_options(portfolio), label="options")
    check_against_brute_force(portfolio, options)


@given(
    portfolio=small_portfolios(max_projects=8), factor=st.sampled_from([1.0, 1.2, 1.5, 2.0, 5.0])
)
@settings(max_examples=4, **SETTINGS)
def test_more_budget_never_lowers_the_optimum(portfolio, factor):
    options = OptimiseOptions(
        shadow_prices=False, budget=0.5 * float(portfolio.cashflows["cost"].sum())
    )
    base = optimise(portfolio, options)
    richer_portfolio = portfolio
    if portfolio.has_budget:
        budget = portfolio.budget
        richer_portfolio = portfolio.replace(budget=budget.assign(amount=budget["amount"] * factor))
    richer = optimise(richer_portfolio, options.replace(budget=options.budget * factor))
    assert_valid(base)
    assert_valid(richer)
    if base.is_solution():
        assert richer.is_solution()
        assert richer.objective >= base.objective - 1e-6 * max(1.0, abs(base.objective))
    if factor == 1.0:
        assert richer.status == base.status


@given(portfolio=small_portfolios(max_projects=8))
@settings(max_examples=4, **SETTINGS)
def test_cbc_and_highs_agree_on_the_optimum(portfolio):
    cbc = optimise(portfolio, shadow_prices=False)
    highs = optimise(portfolio, solver="highs", shadow_prices=False)
    assert_valid(cbc)
    assert_valid(highs)
    assert cbc.status == highs.status
    if cbc.is_solution():
        assert highs.objective == pytest.approx(cbc.objective, rel=1e-6, abs=1e-6)
        assert cbc.status == "optimal"


def test_brute_force_counts_every_combination():
    # the enumerator itself: an unconstrained portfolio's combination count and optimum
    portfolio = random_portfolio(
        3,
        n_projects=5,
        n_periods=3,
        tightness=100.0,
        in_flight_share=0.0,
        mandatory_share=0.0,
        closed_share=0.0,
        dependency_share=0.0,
    )
    expected = brute_force(portfolio)
    projects = portfolio.projects
    starts = (
        pd.PeriodIndex(projects["last_start"]).asi8
        - pd.PeriodIndex(projects["first_start"]).asi8
        + 1
    ).clip(min=0)
    assert expected.n_combinations == int((starts + 1).prod())
    assert expected.n_feasible == expected.n_combinations  # limits far above any load
    fits = starts > 0
    assert expected.objective == pytest.approx(float(projects.loc[fits, "strategic_value"].sum()))
