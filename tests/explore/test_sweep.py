"""Sweeping one limit: warm starts a looser level accepts (carried-forward budget included),
the check that no level ends below a tighter level's plan, and bounds tightened from looser
levels."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from frontier_helpers import small_portfolio

import pmo_analytics as pa
from pmo_analytics.explore.frontier import _budget_level
from pmo_analytics.explore.sweep import (
    CHAIN_LENGTH,
    never_falls,
    solve_level,
    sweep,
    tightest_bounds,
)
from pmo_analytics.optimise import check_plan, plan_from_selection
from pmo_analytics.optimise.formulation import build_formulation
from pmo_analytics.optimise.heuristic import satisfies

SCALES = [0.4, 0.7, 1.0, 1.3]


@pytest.fixture(scope="module")
def small():
    return small_portfolio()


@pytest.fixture(scope="module")
def model(small):
    options = pa.OptimiseOptions(shadow_prices=False, analysis=False)
    return build_formulation(small, options), small, options


@pytest.fixture(scope="module")
def plans(model):
    return sweep(*model, _budget_level, SCALES)


def _must_run_only(plan: pa.Plan) -> pa.Plan:
    """A poor but valid plan at ``plan``'s level: the must-run work at its first start."""
    model = build_formulation(plan.portfolio, plan.options)
    must = model.projects.index[model.projects["must"]]
    first = model.options[model.options.index.get_level_values("project_id").isin(must)]
    first = first.reset_index().groupby("project_id").first().set_index("start", append=True)
    selection = pd.Series(1.0, index=first.index)
    poor = plan_from_selection(
        plan.portfolio, model, plan.options, selection, status="feasible", solver="cbc"
    )
    assert check_plan(poor).empty
    return poor


def test_the_sweep_never_falls_and_matches_fresh_solves(small, plans):
    objective = [p.objective for p in plans]
    assert (np.diff(objective) >= -1e-9).all() and objective[0] < objective[-1]
    for scale, plan in zip(SCALES, plans, strict=True):
        level = small.replace(budget=small.budget.assign(amount=small.budget["amount"] * scale))
        assert plan.portfolio.budget["amount"].tolist() == level.budget["amount"].tolist()
        assert plan.objective == pytest.approx(pa.optimise(level).objective, abs=1e-6)
        assert check_plan(plan).empty
        # only selections were asked for: no reasons of the projects left out, no binding
        out = plan.schedule.index.isin(plan.solution.index.get_level_values(0))
        assert set(plan.schedule.loc[out & ~plan.schedule["selected"], "reason"]) <= {
            "not_selected"
        }
        assert plan.binding.empty


def test_a_tighter_plan_is_a_warm_start_the_looser_level_accepts(model, plans):
    formulation, portfolio, options = _budget_level(*model, SCALES[-1])
    values = formulation.column_values(plans[0].solution)
    assert satisfies(formulation, values)
    assert values[: len(formulation.options)].sum() == plans[0].n_selected


def test_carried_forward_budget_gets_its_values(small):
    options = pa.OptimiseOptions(cumulative_budget=True, shadow_prices=False, analysis=False)
    formulation = build_formulation(small, options)
    carry = formulation.columns["name"].str.startswith("carry_")
    assert carry.sum() == len(small.horizon)
    plan = solve_level(_budget_level(formulation, small, options, 0.6))
    looser = _budget_level(formulation, small, options, 1.0)[0]
    values = looser.column_values(plan.solution)
    assert satisfies(looser, values)
    # the money left unspent by the end of each period, at the looser level's budget
    spend = plan.spend.groupby("period")["cost"].sum().reindex(small.horizon, fill_value=0.0)
    left = np.cumsum(small.budget_by_period().to_numpy() - spend.to_numpy())
    np.testing.assert_allclose(values[carry.to_numpy()], left, rtol=1e-9)
    assert (left >= 0).all() and left[-1] > 0
    frontier = pa.efficient_frontier(small, budget_scales=[0.6, 1.0], options=options)
    for plan, scale in zip(frontier.plans, [0.6, 1.0], strict=True):
        level = small.replace(budget=small.budget.assign(amount=small.budget["amount"] * scale))
        assert plan.objective == pytest.approx(pa.optimise(level, options).objective, abs=1e-6)
        assert check_plan(plan).empty


def test_a_level_that_falls_is_searched_again_from_the_tighter_plan(model, plans):
    tight, loose = plans[1], plans[3]
    poor = dataclasses.replace(_must_run_only(loose), seconds=1.0)
    assert poor.objective < tight.objective
    asked = []

    def resolve(i: int, warm: pa.Plan) -> pa.Plan:
        asked.append((i, warm))
        return solve_level(_budget_level(*model, SCALES[3]), warm)

    kept = never_falls([tight, poor], resolve)
    assert [(i, warm is tight) for i, warm in asked] == [(1, True)]
    assert kept[0] is tight
    assert kept[1].objective >= tight.objective - 1e-9
    assert kept[1].objective == pytest.approx(loose.objective, abs=1e-6)
    assert check_plan(kept[1]).empty
    assert kept[1].portfolio.budget.equals(loose.portfolio.budget)  # read at its own level
    # a start plan counts as a tighter level too; nothing falls below it, nothing is re-solved
    asked.clear()
    assert never_falls([loose], resolve, start=tight) == [loose] and not asked


def test_a_level_still_below_after_its_second_search_is_an_error(plans):
    tight, poor = plans[1], _must_run_only(plans[3])
    with pytest.raises(RuntimeError, match="level 1 of the sweep is worth .* tighter level"):
        never_falls([tight, poor], lambda i, warm: poor)


def test_levels_run_in_chains_and_the_chains_agree_whatever_the_workers():
    tiny = pa.generate_portfolio(8, n_periods=4, n_roles=2, seed=1)
    options = pa.OptimiseOptions(shadow_prices=False, analysis=False)
    model = build_formulation(tiny, options), tiny, options
    scales = list(np.linspace(0.3, 1.5, CHAIN_LENGTH + 2))  # two chains
    serial = sweep(*model, _budget_level, scales)
    parallel = sweep(*model, _budget_level, scales, n_jobs=2)
    assert [p.objective for p in serial] == pytest.approx([p.objective for p in parallel])
    assert [list(p.selected) for p in serial] == [list(p.selected) for p in parallel]
    assert (np.diff([p.objective for p in serial]) >= -1e-9).all()


def test_bounds_tighten_from_looser_levels(plans):
    objective = [p.objective for p in plans]
    loose_bound = objective[-1]  # proven optimal at the loosest level
    widened = [
        dataclasses.replace(p, bound=objective[-1] + 100, status="feasible") for p in plans[:-1]
    ] + [plans[-1]]
    np.testing.assert_allclose(tightest_bounds(widened), np.maximum(loose_bound, objective))
    no_plan = dataclasses.replace(plans[0], status="infeasible")
    assert np.isnan(tightest_bounds([no_plan, plans[-1]])[0])
