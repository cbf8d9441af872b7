"""Comparing plans: the optimal mix against the ranked list on a knapsack checked by hand, named
plans side by side, and the one reading of entered / left / moved that both use."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pmo_analytics as pa
from pmo_analytics.explore.comparison import CHANGE_COLUMNS, change_kinds, compare_plans

Q = pd.Period


def knapsack() -> pa.Portfolio:
    """One quarter, budget 10: A (value 10, cost 10) beats B and C (value 6, cost 5 each) on
    value, but B + C (value 12) is the optimum — the classic failure of a ranked list."""
    horizon = (Q("2027Q1", freq="Q"),)
    ids = pd.Index(["A", "B", "C"], name="project_id")
    projects = pd.DataFrame(
        {
            "name": ["Project A", "Project B", "Project C"],
            "category": "Grow",
            "business_unit": "IT",
            "sponsor": "CIO",
            "status": "proposed",
            "earliest_start": pd.PeriodIndex([pd.NaT] * 3, freq="Q"),
            "latest_start": pd.PeriodIndex([pd.NaT] * 3, freq="Q"),
            "start": pd.PeriodIndex([pd.NaT] * 3, freq="Q"),
            "duration": np.ones(3, dtype=np.int64),
            "mandatory": False,
            "value": [10.0, 6.0, 6.0],
            "risk": 0.0,
        },
        index=ids,
    )
    return pa.make_portfolio(
        {
            "projects": projects,
            "cashflows": pd.DataFrame(
                {"project_id": ids, "offset": 0, "cost": [10.0, 5.0, 5.0], "benefit": 0.0}
            ),
            "demand": pd.DataFrame({"project_id": ids, "role": "Dev", "offset": 0, "fte": 0.1}),
            "capacity": pd.DataFrame({"role": ["Dev"], "period": list(horizon), "fte": [10.0]}),
            "budget": pd.DataFrame({"period": list(horizon), "amount": [10.0]}),
        },
        horizon=horizon,
    )


@pytest.fixture(scope="module")
def plans() -> tuple[pa.Plan, pa.Plan]:
    portfolio = knapsack()
    optimal, ranked = pa.optimise(portfolio), pa.ranked_selection(portfolio)
    for plan in (optimal, ranked):
        assert pa.check_plan(plan).empty
    assert (optimal.status, sorted(optimal.selected)) == ("optimal", ["B", "C"])
    assert list(ranked.selected) == ["A"]
    return optimal, ranked


# --------------------------------------------------------------------------- two in detail
def test_value_left_on_the_table(plans) -> None:
    table = pa.value_left_on_the_table(*plans)
    assert table.index.name == "measure"
    assert list(table.columns) == ["optimal", "ranked", "difference", "change"]
    assert table.loc["objective"].tolist() == pytest.approx([12.0, 10.0, 2.0, 0.2])
    assert table.loc["value", "difference"] == pytest.approx(2.0)
    assert table.loc["cost"].tolist()[:3] == pytest.approx([10.0, 10.0, 0.0])
    assert table.loc["n_selected"].tolist()[:3] == [2.0, 1.0, 1.0]
    assert table.loc["n_only_here"].tolist()[:2] == [2.0, 1.0]
    assert table.loc["value_per_million", "optimal"] == pytest.approx(12.0 / 10 * 1e6)


def test_plan_differences(plans) -> None:
    diff = pa.plan_differences(*plans)
    assert diff.index.tolist() == ["B", "C", "A"]
    assert diff["difference"].tolist() == ["only_optimal", "only_optimal", "only_ranked"]
    assert diff.loc["B", "ranked_reason"] == "budget"
    assert diff.loc["A", "optimal_reason"] == "budget"
    assert diff.loc["B", "optimal_start"] == Q("2027Q1") and pd.isna(diff.loc["B", "ranked_start"])


def test_bad_pairs_are_reported(plans) -> None:
    optimal, ranked = plans
    other = pa.ranked_selection(pa.generate_portfolio(7, n_periods=4, n_roles=2, seed=1))
    with pytest.raises(ValueError, match="different portfolios"):
        pa.plan_differences(optimal, other)
    with pytest.raises(TypeError, match="optimal_plan must be a Plan, not DataFrame"):
        pa.value_left_on_the_table(pd.DataFrame(), ranked)


# --------------------------------------------------------------------------- side by side
def test_compare_plans_reads_changes_as_plan_differences_does(plans) -> None:
    optimal, ranked = plans
    cmp = compare_plans({"ranked": ranked, "optimal": optimal}, descriptions={"optimal": "mix"})
    assert cmp.baseline == "ranked"
    assert list(cmp.changes.columns) == CHANGE_COLUMNS
    changes = cmp.changes.set_index("project_id")["change"]
    assert changes.to_dict() == {"A": "left", "B": "entered", "C": "entered"}
    kinds = {"only_optimal": "entered", "only_ranked": "left", "moved": "moved"}
    diff = pa.plan_differences(optimal, ranked)["difference"].map(kinds)
    assert diff.sort_index().to_dict() == changes.sort_index().to_dict()
    table = cmp.table
    assert list(table.index) == ["ranked", "optimal"] and table.index.name == "scenario"
    assert table.loc["optimal", ["entered", "left", "moved"]].tolist() == [2, 1, 0]
    assert table.loc["ranked", ["entered", "left", "moved"]].tolist() == [0, 0, 0]
    assert table.loc["optimal", "objective"] == pytest.approx(12.0)
    assert table.loc["optimal", "budget_utilisation"] == pytest.approx(1.0)
    assert table["changes"].tolist() == ["", "mix"]
    assert cmp.selection.loc["A"].tolist() == [True, False]
    assert cmp.starts.loc["B"].tolist() == ["", "2027Q1"]


def test_a_plan_compared_with_itself_changes_nothing(plans) -> None:
    cmp = compare_plans({"one": plans[0], "same": plans[0]})
    assert cmp.changes.empty and list(cmp.changes.columns) == CHANGE_COLUMNS
    assert (cmp.table[["entered", "left", "moved"]] == 0).all().all()
    with pytest.raises(ValueError, match="no plans to compare"):
        compare_plans({})


def test_change_kinds() -> None:
    was = pd.Series([True, True, True, False, False])
    now = pd.Series([True, True, False, True, False])
    was_start = pd.Series(["Q1", "Q1", "Q1", "", ""])
    now_start = pd.Series(["Q1", "Q2", "", "Q3", ""])
    assert change_kinds(was, now, was_start, now_start).tolist() == [
        "",
        "moved",
        "left",
        "entered",
        "",
    ]
    labels = ("in", "out", "shift")
    assert change_kinds(was, now, was_start, now_start, labels).tolist()[1:4] == [
        "shift",
        "out",
        "in",
    ]


def test_the_public_api_exports_the_comparisons() -> None:
    from pmo_analytics.explore import comparison

    for name in ("value_left_on_the_table", "plan_differences", "ScenarioComparison"):
        assert getattr(pa, name) is getattr(comparison, name)
