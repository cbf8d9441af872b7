"""Value against risk: the ε-constraint frontier against brute force, its least exposure, and
the exposure of a plan."""

from __future__ import annotations

import numpy as np
import pytest
from frontier_helpers import brute_force, fixed_starts_portfolio, small_portfolio

from pmo_analytics.explore.risk import exposure, risk_frontier
from pmo_analytics.optimise import check_plan, optimise
from pmo_analytics.portfolio.utilisation import project_load


@pytest.fixture(scope="module")
def small():
    return small_portfolio()


@pytest.fixture(scope="module")
def fixed_starts():
    return fixed_starts_portfolio()


def test_risk_frontier_against_brute_force(fixed_starts):
    f = risk_frontier(fixed_starts, n_points=5)
    points = f.points
    assert f.kind == "risk" and f.x == "epsilon"
    assert (points["status"] == "optimal").all()
    assert (points["exposure"] <= points["epsilon"] + 1e-6).all()
    assert (np.diff(points["objective"]) >= -1e-9).all()
    for cap, objective, plan in zip(points["epsilon"], points["objective"], f.plans, strict=True):
        assert objective == pytest.approx(brute_force(fixed_starts, exposure_cap=cap))
        assert check_plan(plan).empty
    assert f.current["objective"] == pytest.approx(optimise(fixed_starts).objective)
    assert f.current.name == points.index[-1]


def test_risk_frontier_starts_at_the_least_exposure_the_rules_allow(small):
    f = risk_frontier(small, n_points=3)
    must = small.projects["mandatory"] | (small.projects["status"] == "in_flight")
    assert must.any()  # the lowest cap is what the must-run work alone exposes
    spend, _ = project_load(small, small.projects.loc[must, "first_start"])
    risk = small.projects["risk"].fillna(0.0)
    least = float((spend["cost"] * spend["project_id"].map(risk)).sum())
    assert f.points.loc[0, "epsilon"] == pytest.approx(least)
    assert all(check_plan(p).empty for p in f.plans)
    capped = risk_frontier(small, epsilons=[least * 1.5, 1e18])
    assert len(capped.points) == 2  # caps at or above today's exposure add nothing


def test_risk_frontier_needs_risk(small):
    no_risk = small.replace(projects=small.projects.assign(risk=np.nan))
    with pytest.raises(ValueError, match="gives no risk"):
        risk_frontier(no_risk)
    with pytest.raises(ValueError, match="n_points must be a whole number"):
        risk_frontier(small, n_points=1)


def test_exposure_is_risk_times_cost_of_the_selection(small):
    plan = optimise(small, shadow_prices=False)
    spend, _ = project_load(small, plan.starts)
    risk = small.projects["risk"].fillna(0.0)
    expected = float((spend["cost"] * spend["project_id"].map(risk)).sum())
    assert exposure(plan) == pytest.approx(expected) and expected > 0
