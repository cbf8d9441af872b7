"""The ranked list with a cut-off line, on hand-checked portfolios and against the optimiser.

Small portfolios are written as CSV files and loaded through :func:`pmo_analytics.load_portfolio`
(the real path a user takes); every ranked plan goes through :func:`pmo_analytics.check_plan`.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pandas as pd
import pytest

import pmo_analytics as pa
from pmo_analytics.explore.baseline import RANKED_LIST_COLUMNS, SOLVER
from pmo_analytics.optimise import BalanceRule

Q = pd.Period


def write_portfolio(
    folder: Path,
    projects: list[dict],
    *,
    cashflows: list[tuple] = (),
    demand: list[tuple] = (),
    budget: list[float] | None = None,
    capacity: dict[str, float] | None = None,
    dependencies: list[tuple] = (),
    n_periods: int = 1,
) -> pa.Portfolio:
    """Write a tiny portfolio as contract CSV files (quarters from 2027Q1) and load it."""
    folder.mkdir(parents=True, exist_ok=True)
    periods = [str(p) for p in pd.period_range("2027Q1", periods=n_periods, freq="Q")]
    frame = pd.DataFrame(projects)
    frame["name"] = frame.get("name", "Project " + frame["project_id"])
    frame["duration"] = frame.get("duration", pd.Series(1, index=frame.index)).fillna(1).astype(int)
    frame.to_csv(folder / "projects.csv", index=False)
    pd.DataFrame(list(cashflows), columns=["project_id", "offset", "cost"]).to_csv(
        folder / "cashflows.csv", index=False
    )
    # every project needs a little of the role "Dev" unless the test says otherwise (a demand
    # table without rows is valid, but keeps the tests off an unrelated edge case)
    demand = list(demand) or [(p["project_id"], "Dev", 0, 0.1) for p in projects]
    pd.DataFrame(demand, columns=["project_id", "role", "offset", "fte"]).to_csv(
        folder / "demand.csv", index=False
    )
    capacity = capacity or {"Dev": 10.0}
    pd.DataFrame(
        [(role, p, fte) for role, fte in capacity.items() for p in periods],
        columns=["role", "period", "fte"],
    ).to_csv(folder / "capacity.csv", index=False)
    if budget is not None:
        pd.DataFrame({"period": periods, "amount": budget}).to_csv(
            folder / "budget.csv", index=False
        )
    if dependencies:
        pd.DataFrame(list(dependencies), columns=["project_id", "other_id", "kind"]).to_csv(
            folder / "dependencies.csv", index=False
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pa.load_portfolio(folder)


def assert_checked(plan: pa.Plan) -> None:
    violations = pa.check_plan(plan)
    assert violations.empty, violations.to_string()


@pytest.fixture()
def knapsack(tmp_path: Path) -> pa.Portfolio:
    """One quarter, budget 10: A (value 10, cost 10) beats B and C (value 6, cost 5 each) on
    value, but B + C (value 12) is the optimum — the classic failure of a ranked list."""
    return write_portfolio(
        tmp_path / "knapsack",
        [
            {"project_id": "A", "value": 10},
            {"project_id": "B", "value": 6},
            {"project_id": "C", "value": 6},
        ],
        cashflows=[("A", 0, 10), ("B", 0, 5), ("C", 0, 5)],
        budget=[10],
    )


# --------------------------------------------------------------------------- the ranked list
def test_ranked_list_funds_down_the_list_and_draws_the_line(knapsack: pa.Portfolio) -> None:
    table = pa.ranked_list(knapsack)
    assert list(table.columns) == RANKED_LIST_COLUMNS
    assert table.index.tolist() == ["A", "B", "C"]  # by value, ties by id
    assert table["rank"].tolist() == [1, 2, 3]
    assert table["funded"].tolist() == [True, False, False]
    assert table["reason"].tolist() == ["selected", "budget", "budget"]
    assert table["above_line"].tolist() == [True, False, False]
    assert table["cumulative_cost"].tolist() == [10.0, 10.0, 10.0]
    assert table.at["A", "start"] == table.at["A", "finish"] == Q("2027Q1")
    assert pd.isna(table.at["B", "start"])


def test_ranked_plan_is_a_checked_plan_that_leaves_value_on_the_table(
    knapsack: pa.Portfolio,
) -> None:
    ranked = pa.ranked_selection(knapsack)
    optimal = pa.optimise(knapsack)
    assert_checked(ranked)
    assert (ranked.status, ranked.solver) == ("feasible", SOLVER)
    assert math.isnan(ranked.bound) and math.isnan(ranked.gap)
    assert list(ranked.selected) == ["A"] and ranked.objective == pytest.approx(10.0)
    assert ranked.schedule.loc[["B", "C"], "reason"].tolist() == ["budget", "budget"]
    assert "cut-off line above rank 2 (B Project B)" in ranked.notes[0]
    assert optimal.status == "optimal" and optimal.objective == pytest.approx(12.0)
    # what the optimal mix gains over it: tests/test_comparison.py


def test_value_per_cost_ranking_finds_the_better_mix_here(knapsack: pa.Portfolio) -> None:
    table = pa.ranked_list(knapsack, by="value_per_cost")
    assert table.index.tolist() == ["B", "C", "A"]
    assert table["value_per_cost"].tolist() == pytest.approx([1.2, 1.2, 1.0])
    plan = pa.ranked_selection(knapsack, by="value_per_cost")
    assert_checked(plan)
    assert sorted(plan.selected) == ["B", "C"]
    assert "strategic value per unit of cost" in plan.notes[0]


def test_without_fill_nothing_below_the_line_is_funded(tmp_path: Path) -> None:
    portfolio = write_portfolio(
        tmp_path,
        [
            {"project_id": "A", "value": 10},
            {"project_id": "B", "value": 9},
            {"project_id": "C", "value": 1},
        ],
        cashflows=[("A", 0, 8), ("B", 0, 5), ("C", 0, 2)],
        budget=[10],
    )
    filled = pa.ranked_list(portfolio)
    assert filled["funded"].tolist() == [True, False, True]
    assert filled["above_line"].tolist() == [True, False, False]
    strict = pa.ranked_list(portfolio, fill=False)
    assert strict["funded"].tolist() == [True, False, False]
    assert strict["reason"].tolist() == ["selected", "budget", "cut_off"]
    plan = pa.ranked_selection(portfolio, fill=False)
    assert_checked(plan)
    assert list(plan.selected) == ["A"] and plan.schedule.at["C", "reason"] == "cut_off"
    assert plan.notes[0].endswith("nothing below the line is funded")


def test_delay_moves_a_project_to_the_first_start_that_fits(tmp_path: Path) -> None:
    portfolio = write_portfolio(
        tmp_path,
        [
            {"project_id": "A", "value": 10, "earliest_start": "2027Q1", "latest_start": "2027Q1"},
            {"project_id": "B", "value": 8},
        ],
        cashflows=[("A", 0, 10), ("B", 0, 10)],
        budget=[10, 10],
        n_periods=2,
    )
    delayed = pa.ranked_selection(portfolio)
    assert_checked(delayed)
    assert delayed.starts.to_dict() == {"A": Q("2027Q1"), "B": Q("2027Q2")}
    earliest = pa.ranked_selection(portfolio, delay=False)
    assert_checked(earliest)
    assert list(earliest.selected) == ["A"] and earliest.schedule.at["B", "reason"] == "budget"
    assert "at their earliest start" in earliest.notes[0]


def test_prerequisites_are_funded_with_the_project_that_needs_them(tmp_path: Path) -> None:
    portfolio = write_portfolio(
        tmp_path,
        [
            {"project_id": "A", "value": 10},
            {"project_id": "B", "value": 1},
            {"project_id": "C", "value": 5},
        ],
        cashflows=[("A", 0, 4), ("B", 0, 4), ("C", 0, 4)],
        budget=[10],
        dependencies=[("A", "B", "requires")],
    )
    bundled = pa.ranked_list(portfolio)
    assert bundled.index.tolist() == ["A", "C", "B"]
    assert bundled["funded"].tolist() == [True, False, True]
    assert bundled.at["B", "funded_with"] == "A" and bundled.at["A", "funded_with"] == ""
    assert bundled.at["C", "reason"] == "budget"
    plan = pa.ranked_selection(portfolio)
    assert_checked(plan)
    assert sorted(plan.selected) == ["A", "B"]

    alone = pa.ranked_selection(portfolio, prerequisites=False)
    assert_checked(alone)
    assert sorted(alone.selected) == ["B", "C"]
    assert alone.schedule.at["A", "reason"] == "dependency"
    # a dependency does not draw the cut-off line; here no limit keeps anything out
    assert "no cut-off line" in alone.notes[0]


def test_a_follows_bundle_waits_for_its_prerequisite_to_finish(tmp_path: Path) -> None:
    portfolio = write_portfolio(
        tmp_path,
        [
            {"project_id": "A", "value": 10, "duration": 1},
            {"project_id": "B", "value": 1, "duration": 2},
        ],
        cashflows=[("A", 0, 1), ("B", 0, 1), ("B", 1, 1)],
        budget=[10, 10, 10],
        dependencies=[("A", "B", "follows")],
        n_periods=3,
    )
    plan = pa.ranked_selection(portfolio)
    assert_checked(plan)
    assert plan.starts.to_dict() == {"A": Q("2027Q3"), "B": Q("2027Q1")}


def test_capacity_names_the_role_that_keeps_a_project_out(tmp_path: Path) -> None:
    portfolio = write_portfolio(
        tmp_path,
        [{"project_id": "A", "value": 10}, {"project_id": "B", "value": 9}],
        cashflows=[("A", 0, 1), ("B", 0, 1)],
        demand=[("A", "Dev", 0, 1.0), ("B", "Dev", 0, 1.0), ("B", "Ops", 0, 3.0)],
        budget=[10],
        capacity={"Dev": 1.5, "Ops": 2.0},
    )
    plan = pa.ranked_selection(portfolio)
    assert_checked(plan)
    # B breaks Dev by 0.5 / 1.5 and Ops by 1 / 2: the worse overrun names the role
    assert plan.schedule.at["B", "reason"] == "capacity:Ops"


def test_committed_work_comes_first_and_keeps_its_start(tmp_path: Path) -> None:
    portfolio = write_portfolio(
        tmp_path,
        [
            {"project_id": "BIG", "value": 50},
            {"project_id": "M", "value": 1, "mandatory": "true"},
            {
                "project_id": "F",
                "value": 1,
                "status": "in_flight",
                "start": "2026Q4",
                "duration": 2,
            },
        ],
        cashflows=[("BIG", 0, 10), ("M", 0, 4), ("F", 0, 3), ("F", 1, 3)],
        budget=[10, 10],
        n_periods=2,
    )
    table = pa.ranked_list(portfolio)
    assert table.index.tolist() == ["F", "M", "BIG"]
    assert table["committed"].tolist() == [True, True, False]
    plan = pa.ranked_selection(portfolio)
    assert_checked(plan)
    assert plan.schedule.loc[["F", "M", "BIG"], "reason"].tolist() == [
        "in_flight",
        "mandatory",
        "selected",
    ]
    assert plan.starts.to_dict() == {"F": Q("2026Q4"), "M": Q("2027Q1"), "BIG": Q("2027Q2")}


def test_committed_work_that_cannot_be_placed_gives_no_plan(tmp_path: Path) -> None:
    portfolio = write_portfolio(
        tmp_path,
        [{"project_id": "M", "value": 1, "mandatory": "true"}, {"project_id": "A", "value": 5}],
        cashflows=[("M", 0, 20), ("A", 0, 1)],
        budget=[10],
    )
    plan = pa.ranked_selection(portfolio)
    assert plan.status == "not_solved" and not plan.is_solution()
    assert plan.n_selected == 0
    assert plan.notes == (
        "the ranked list could not place the work that must run within the limits: M",
    )
    assert pa.ranked_list(portfolio).at["M", "reason"] == "not_placed"
    with pytest.raises(ValueError, match="ranked_plan has no selection"):
        pa.value_left_on_the_table(
            pa.optimise(portfolio.replace(budget=portfolio.budget.assign(amount=30.0))), plan
        )


def test_cumulative_budget_lets_unspent_money_carry_forward(tmp_path: Path) -> None:
    portfolio = write_portfolio(
        tmp_path,
        [
            {
                "project_id": "A",
                "value": 10,
                "duration": 2,
                "earliest_start": "2027Q1",
                "latest_start": "2027Q1",
            }
        ],
        cashflows=[("A", 0, 0), ("A", 1, 8)],
        budget=[5, 5],
        n_periods=2,
    )
    assert pa.ranked_selection(portfolio).n_selected == 0
    plan = pa.ranked_selection(portfolio, cumulative_budget=True)
    assert_checked(plan)
    assert list(plan.selected) == ["A"]
    model = pa.build_formulation(plan.portfolio, plan.options)
    assert model.columns["name"].str.startswith("carry_").sum() == 2


def test_projects_without_value_are_not_funded(tmp_path: Path) -> None:
    portfolio = write_portfolio(
        tmp_path,
        [{"project_id": "A", "value": 0}, {"project_id": "B", "value": 2}],
        cashflows=[("A", 0, 1), ("B", 0, 1)],
        budget=[10],
    )
    plan = pa.ranked_selection(portfolio)
    assert list(plan.selected) == ["B"] and plan.schedule.at["A", "reason"] == "value"


# --------------------------------------------------------------------------- against the optimiser
@pytest.mark.parametrize(
    ("seed", "kwargs"),
    [
        (1, {}),
        (2, {"by": "value_per_cost"}),
        (3, {"delay": False, "prerequisites": False, "fill": False}),
    ],
)
def test_ranked_plans_hold_every_rule_and_never_beat_the_optimum(seed: int, kwargs: dict) -> None:
    portfolio = pa.generate_portfolio(14, n_periods=6, n_roles=3, seed=seed, dependency_share=0.3)
    optimal = pa.optimise(portfolio)
    assert optimal.status == "optimal"
    ranked = pa.ranked_selection(portfolio, **kwargs)
    assert_checked(ranked)
    assert ranked.objective <= optimal.objective + 1e-9
    table = pa.ranked_list(portfolio, **kwargs)
    assert set(table.index[table["funded"]]) == set(ranked.selected)
    left = pa.value_left_on_the_table(optimal, ranked)
    assert left.at["objective", "difference"] == pytest.approx(optimal.objective - ranked.objective)


def test_ranked_plans_respect_the_run_options() -> None:
    portfolio = pa.generate_portfolio(16, n_periods=6, n_roles=3, seed=7)
    candidates = portfolio.candidates()
    options = pa.OptimiseOptions(
        force_out=(candidates[0],),
        budget=float(portfolio.budget["amount"].sum()) * 0.6,
        max_starts_per_period=2,
        balance=(BalanceRule(by="category", group="Transform", max_share=0.5),),
    )
    plan = pa.ranked_selection(portfolio, options=options)
    assert plan.options == options
    assert_checked(plan)
    assert plan.schedule.at[candidates[0], "reason"] == "forced_out"
    new = plan.schedule.loc[plan.selected].query("status != 'in_flight'")["start"]
    assert new.value_counts().max() <= 2


def test_bad_arguments_are_reported() -> None:
    portfolio = pa.generate_portfolio(6, n_periods=4, n_roles=2, seed=1)
    with pytest.raises(
        ValueError, match="by='cost' is not a ranking; use one of value, value_per_cost"
    ):
        pa.ranked_list(portfolio, by="cost")
    with pytest.raises(ValueError, match="solver='gurobi' is not valid"):
        pa.ranked_selection(portfolio, solver="gurobi")


def test_the_public_api_exports_the_baseline() -> None:
    from pmo_analytics.explore import baseline

    for name in ("ranked_selection", "ranked_list"):
        assert getattr(pa, name) is getattr(baseline, name)
