"""Efficient frontiers: re-optimised points checked against fresh solves and brute force,
monotone in the swept limit, every plan valid; the knee, today's point and the step changes.
How the points are swept (warm starts, the check that value never falls): test_sweep.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from frontier_helpers import brute_force, fixed_starts_portfolio, small_portfolio

import pmo_analytics as pa
from pmo_analytics.explore.frontier import _knee, efficient_frontier
from pmo_analytics.explore.risk import exposure
from pmo_analytics.optimise import check_plan, optimise

SCALES = [0.4, 0.7, 1.0, 1.3]


@pytest.fixture(scope="module")
def small():
    return small_portfolio()


@pytest.fixture(scope="module")
def fixed_starts():
    return fixed_starts_portfolio()


@pytest.fixture(scope="module")
def frontier(small):
    return efficient_frontier(small, budget_scales=SCALES)


# --------------------------------------------------------------------------- value vs budget
def test_points_are_fresh_solves_at_their_budget(small, frontier):
    points = frontier.points
    assert list(points["scale"]) == SCALES
    assert (points["status"] == "optimal").all()
    base = small.budget
    for i, plan in enumerate(frontier.plans):
        scale = points.loc[i, "scale"]
        level = small.replace(budget=base.assign(amount=base["amount"] * scale))
        fresh = optimise(level, shadow_prices=False)
        assert plan.objective == pytest.approx(fresh.objective, abs=1e-6)
        # the plan's portfolio carries the level: its checks and utilisation reflect it
        assert check_plan(plan).empty
        assert check_plan(plan, level).empty
        used = plan.utilisation[plan.utilisation["resource"] == "budget"]
        np.testing.assert_allclose(used["available"], base["amount"] * scale)
        assert points.loc[i, "budget"] == pytest.approx(scale * base["amount"].sum())
        assert points.loc[i, "spend"] == pytest.approx(plan.total_cost)
        assert points.loc[i, "exposure"] == pytest.approx(exposure(plan))


def test_value_never_falls_as_the_budget_grows(frontier):
    objective = frontier.points["objective"].to_numpy()
    assert (np.diff(objective) >= -1e-9).all()
    assert objective[0] < objective[-1]  # the budget binds somewhere in the sweep


def test_brute_force_agrees_on_every_budget_level(fixed_starts):
    scales = [0.3, 0.6, 1.0, 1.5]
    f = efficient_frontier(fixed_starts, budget_scales=scales)
    for scale, objective in zip(f.points["scale"], f.points["objective"], strict=True):
        assert objective == pytest.approx(brute_force(fixed_starts, budget_scale=scale))


def test_points_in_several_chains_agree_with_brute_force(fixed_starts):
    from pmo_analytics.explore.sweep import CHAIN_LENGTH

    scales = list(np.round(np.linspace(0.25, 1.65, CHAIN_LENGTH + 3), 6))  # two chains
    f = efficient_frontier(fixed_starts, budget_scales=scales)
    assert len(f.points) == len(scales) + 1  # today's budget added
    for scale, objective in zip(f.points["scale"], f.points["objective"], strict=True):
        assert objective == pytest.approx(brute_force(fixed_starts, budget_scale=scale))
    assert (np.diff(f.points["objective"]) >= -1e-9).all()


def test_selections_and_step_changes(frontier):
    sel = frontier.selections
    assert list(sel.columns) == list(frontier.points.index)
    for i in frontier.points.index[1:]:
        entered = set(sel.index[sel[i] & ~sel[i - 1]])
        left = set(sel.index[~sel[i] & sel[i - 1]])
        row = frontier.points.loc[i]
        assert set(filter(None, row["entered"].split(", "))) == entered
        assert set(filter(None, row["left"].split(", "))) == left
        assert (row["n_entered"], row["n_left"]) == (len(entered), len(left))
        assert list(sel.index[sel[i]]) == list(frontier.plans[i].selected)
    changes = frontier.changes()
    assert len(changes) == frontier.points["n_entered"].sum() + frontier.points["n_left"].sum()
    assert set(changes["change"]) <= {"entered", "left"}
    starts = frontier.starts
    labels, chosen = starts.to_numpy(), sel.to_numpy()
    assert (labels[chosen] != "").all() and (labels[~chosen] == "").all()


def test_current_and_knee(small, frontier):
    current = frontier.current
    assert current["scale"] == 1.0
    assert current["objective"] == pytest.approx(optimise(small, shadow_prices=False).objective)
    assert frontier.points["current"].sum() == 1
    knee = frontier.knee
    x, y = frontier.points["budget"].to_numpy(), frontier.points["objective"].to_numpy()
    u, v = (x - x.min()) / np.ptp(x), (y - y.min()) / np.ptp(y)
    above = v - (v[0] + (v[-1] - v[0]) * u)
    assert knee is not None and knee.name == int(np.argmax(above)) and above.max() > 0
    marginal = frontier.points["marginal"].to_numpy()
    assert np.isnan(marginal[0])
    np.testing.assert_allclose(marginal[1:], np.diff(y) / np.diff(x))


def test_todays_budget_is_added_and_levels_are_budgets(small):
    total = float(small.budget["amount"].sum())
    f = efficient_frontier(small, levels=[0.5 * total, 0.8 * total])
    assert list(f.points["scale"]) == pytest.approx([0.5, 0.8, 1.0])
    assert list(f.points["budget"]) == pytest.approx([0.5 * total, 0.8 * total, total])
    assert f.current["scale"] == 1.0


def test_a_total_budget_is_swept_too(small):
    options = pa.OptimiseOptions(budget=0.6 * float(small.budget["amount"].sum()))
    f = efficient_frontier(small, budget_scales=[0.5, 1.0], options=options)
    for scale, plan in zip(f.points["scale"], f.plans, strict=True):
        assert plan.options.budget == pytest.approx(scale * options.budget)
        assert plan.total_cost <= scale * options.budget + 1e-6
        fresh = optimise(small, options.replace(budget=scale * options.budget, shadow_prices=False))
        assert plan.objective == pytest.approx(fresh.objective, abs=1e-6)
        assert check_plan(plan).empty
    assert list(f.points["budget"]) == pytest.approx([0.5 * options.budget, options.budget])


def test_without_a_budget_today_is_the_cost_of_every_candidate(fixed_starts):
    portfolio = fixed_starts.replace(budget=fixed_starts.budget.iloc[0:0])
    f = efficient_frontier(portfolio, budget_scales=[0.5, 1.0])
    everything = float(portfolio.total_cost().sum())
    assert f.points.loc[1, "budget"] == pytest.approx(everything)
    assert f.points.loc[1, "objective"] == pytest.approx(optimise(portfolio).objective)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget_scales": [1.0], "levels": [1.0]}, "not both"),
        ({"budget_scales": [-1.0]}, "budget_scales must be factors"),
        ({"levels": [np.nan]}, "levels must be budgets"),
    ],
)
def test_bad_sweeps(small, kwargs, message):
    with pytest.raises(ValueError, match=message):
        efficient_frontier(small, **kwargs)


def test_knee_rule_by_hand():
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    assert _knee(x, np.array([0.0, 6.0, 8.0, 9.0, 10.0])) == 1  # 0.6 above the chord at 0.25
    assert _knee(x, x.copy()) is None  # a straight line has no knee
    assert _knee(x, np.array([0.0, 1.0, 2.0, 4.0, 10.0])) is None  # convex: nothing above
    assert _knee(x, np.array([0.0, np.nan, 8.0, 9.0, 10.0])) == 2  # infeasible points skipped


def test_frontier_points_frame_columns(frontier):
    expected = {
        "scale",
        "budget",
        "objective",
        "bound",
        "gap",
        "status",
        "n_selected",
        "spend",
        "entered",
        "left",
        "current",
        "knee",
    }
    assert expected <= set(frontier.points.columns)
    assert isinstance(frontier.points.index, pd.Index) and frontier.points.index.name == "point"


# --------------------------------------------------------------------------- the chart
def test_frontier_chart_marks_today_and_the_knee_and_lists_steps(frontier, tmp_path):
    import vl_convert as vlc

    from pmo_analytics.charts import chart_spec, frontier_chart, save_chart

    spec = chart_spec(frontier_chart(frontier))
    layers = spec["layer"]
    assert [layer["mark"]["type"] for layer in layers] == [
        "line",
        "rule",
        "circle",
        "point",
        "text",
    ]
    rows = spec["datasets"][layers[2]["data"]["name"]]
    assert [r["level"] for r in rows] == pytest.approx(list(frontier.points["budget"]))
    for row, (_, point) in zip(rows, frontier.points.iterrows(), strict=True):
        assert row["entered"] == (point["entered"] or "—")
        assert row["left"] == (point["left"] or "—")
    tooltip = {t["field"] for t in layers[2]["encoding"]["tooltip"]}
    assert {"entered", "left", "status", "gap", "n_selected"} <= tooltip
    marked = spec["datasets"][layers[3]["data"]["name"]]
    assert {r["mark"]: r["point"] for r in marked} == {
        "today": int(frontier.current.name),
        "knee": int(frontier.knee.name),
    }
    assert "feasible" in layers[1]["transform"][0]["filter"]  # gap to the bound, when not proven
    svg = vlc.vegalite_to_svg(spec)
    assert "today" in svg and "knee" in svg and "Budget over the horizon" in svg
    assert save_chart(frontier_chart(frontier), tmp_path / "f.png").stat().st_size > 5_000


# --------------------------------------------------------------------------- today's plan as a floor
def test_no_point_from_todays_budget_on_is_below_todays_plan(sample_portfolio):
    # a frontier point gets a share of the effort; today's plan (the full effort) is a floor
    # for every point at or above today's budget, which it satisfies
    options = pa.OptimiseOptions(effort=0.1, shadow_prices=False)
    today = optimise(sample_portfolio, options)
    frontier = efficient_frontier(
        sample_portfolio, budget_scales=[0.9, 1.0, 1.1], options=options, baseline=today
    )
    points = frontier.points
    looser = points[points["scale"] >= 1.0]
    assert (looser["objective"] >= today.objective - 1e-9).all(), points
    assert frontier.current["objective"] >= today.objective - 1e-9
    assert (points["objective"].diff().dropna() >= -1e-9).all()


def test_a_baseline_that_breaks_todays_rules_is_refused(small):
    richer = small.replace(budget=small.budget.assign(amount=small.budget["amount"] * 3))
    baseline = optimise(richer)
    assert not pa.build_formulation(small, pa.OptimiseOptions()).fits(baseline.solution)
    with pytest.raises(pa.OptionsError, match="does not satisfy the frontier's rules"):
        efficient_frontier(small, budget_scales=SCALES, baseline=baseline)
